"""Text from the data, made safe for Markdown, HTML and messages.

The lowest layer of the package: results, charts and error messages name columns and groups
through these functions, and `nbaudit.reports` escapes every data-derived string with them.
Nothing here imports another nbaudit module.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

# --- escaping: the one way data-derived text enters a report ---------------------------------
# Characters that end a line for Markdown, HTML or str.splitlines, and other control characters.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Backslash-escaped everywhere: code spans, emphasis, links and images, headings, tables,
# strikethrough, math ($), email autolinks (@).
_MD_SPECIAL = re.compile(r"([\\`*\[\]#+!|~$@])")
_MD_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")  # "_" not between two letters/digits
_MD_LINKS = re.compile(r"(?i)\b(www)\.|:(?=//)")  # GFM autolinks: www.x.org, https://x.org
# At the start of a line: a bullet or ordered list item, a thematic break, a setext underline.
_MD_LEAD = re.compile(r"^(\s*)([-=])(?=\s|$|[-=\s]*$)|^(\s*\d{1,9})([.)])(?=\s|$)")


def _clean(text: Any, limit: int | None) -> str:
    out = _BREAKS.sub(" ", str(text))
    if limit is not None and len(out) > limit:
        out = out[: max(1, limit - 1)] + "…"
    return out


def escape_md(text: Any, limit: int | None = None) -> str:
    """Text from the data as inert Markdown that renders as the text itself.

    HTML's ``&``, ``<`` and ``>`` become entities (no tag, no attribute can appear), Markdown's
    specials are backslash-escaped (no code span, emphasis, link, image, heading, table cell
    break, math or autolink), and line breaks and control characters become spaces, so the
    result stays on its line and in its table cell.

    Parameters
    ----------
    text
        Anything; it is converted with `str`.
    limit
        Truncate the text to this many characters (with an ellipsis) before escaping.

    Returns
    -------
    str
        Markdown for the text.

    Examples
    --------
    >>> escape_md("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> escape_md("a | *b*")
    'a \\\\| \\\\*b\\\\*'
    """
    out = _clean(text, limit)
    out = _MD_SPECIAL.sub(r"\\\1", out)
    out = _MD_UNDERSCORE.sub(r"\\_", out)
    out = _MD_LINKS.sub(lambda m: f"{m.group(1)}\\." if m.group(1) else "\\:", out)
    out = _MD_LEAD.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(2)
                       else f"{m.group(3)}\\{m.group(4)}", out)
    return html.escape(out, quote=False)


def escape_html(text: Any, limit: int | None = None) -> str:
    """Text from the data as HTML text: for HTML pages and plotly labels and hover text.

    Plotly interprets ``<a href>``, ``<b>``, ``<br>``... in labels and titles and shows
    entities as their characters, so escaped text is displayed as it is.

    Parameters
    ----------
    text
        Anything; it is converted with `str`.
    limit
        Truncate the text to this many characters (with an ellipsis) before escaping.

    Returns
    -------
    str
        The text with ``&``, ``<``, ``>``, ``"`` and ``'`` as entities, on one line.
    """
    return html.escape(_clean(text, limit), quote=True)


def quote_name(name: Any, limit: int = 60) -> str:
    """A column name for an error message: quoted, on one line, truncated.

    Column names may be shown in messages (they are not cell values); values never are.
    NumPy scalars are shown as their value, not as ``np.str_('...')``.

    Parameters
    ----------
    name
        The column name (or any label).
    limit
        The longest name shown; longer ones are cut with an ellipsis.

    Returns
    -------
    str
        ``'name'``.
    """
    return "'" + _clean(name, limit) + "'"


def names_text(names: Any, limit: int = 30, each: int = 60) -> str:
    """Column names for a message: ``a, b, c`` (each truncated) and ``... (12 more)``.

    Parameters
    ----------
    names
        An iterable of column names.
    limit
        How many names are shown at most.
    each
        The longest single name shown.

    Returns
    -------
    str
        The names, comma-separated.
    """
    items = [_clean(n, each) for n in names]
    shown = ", ".join(items[:limit])
    return shown + (f", ... ({len(items) - limit:,} more)" if len(items) > limit else "")


def fmt(value: Any) -> str:
    """A table cell: "—" for None and NaN, 3 decimals, "yes"/"no", else escaped text."""
    if value is None:
        return "—"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return escape_md(value)


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A Markdown table; every cell and header goes through `escape_md`."""
    head = "| " + " | ".join(escape_md(c) for c in columns) + " |"
    sep = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(fmt(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def names_md(names: Any) -> str:
    """Column names as escaped Markdown, comma-separated."""
    return ", ".join(escape_md(n) for n in names)
