"""Reports as self-contained HTML pages."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import plotly.graph_objects as go
from markdown_it import MarkdownIt

from ..egress import release
from ._gate import _released
from .markdown import risk_markdown

if TYPE_CHECKING:
    from ..risk import RiskAssessment, SearchResult


def risk_html(risk: RiskAssessment, search: SearchResult | None = None, *,
              charts: bool = True, include_plotlyjs: bool | str = True) -> str:
    """The risk report as one HTML page, with the widget's charts as plotly figures (their
    labels pass the egress gate before they are drawn)."""
    page = markdown_to_html(risk_markdown(risk, search), "Re-identification risk")
    if not charts:
        return page

    levels = search.levels if search is not None and search.levels else None
    criteria = search.criteria if search is not None and levels else {}
    figures = [risk.figure("class_sizes", levels=levels, k=criteria.get("k"),
                           max_suppression=criteria.get("max_suppression", 0.0)),
               risk.figure("tradeoff")]
    parts = []
    for i, figure in enumerate(figures):
        safe = go.Figure(release(figure.to_plotly_json()))
        parts.append(safe.to_html(full_html=False,
                                  include_plotlyjs=include_plotlyjs if i == 0 else False))
    section = "<h2>Charts</h2>" + "".join(f"<div>{c}</div>" for c in parts)
    return page.replace("</body>", section + "</body>")


# CommonMark plus GFM tables, with raw HTML off: a tag in the source is shown as text. Reports
# escape every data-derived string with `escape_md` already; this is the second wall.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")
# The only HTML a report writes itself: the provenance's collapsible block (provenance_markdown).
# A data-derived line can never equal these: `escape_md` turns every "<" into "&lt;".
_OWN_TAGS = ("<details><summary>Provenance</summary>", "</details>")
_STYLE = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
          "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
          "padding:4px 8px;font-size:13px;text-align:left}th{background:#f3f4f6}"
          "code{background:#f3f4f6;padding:0 3px;border-radius:3px}")


def _body(markdown: str) -> str:
    """The report's HTML: Markdown rendered block by block around the report's own tags."""
    parts: list[str] = []
    block: list[str] = []
    for line in markdown.splitlines():
        if line.strip() in _OWN_TAGS:
            parts.append(_MARKDOWN.render("\n".join(block)))
            parts.append(line.strip())
            block = []
        else:
            block.append(line)
    parts.append(_MARKDOWN.render("\n".join(block)))
    return "".join(parts)


@_released
def markdown_to_html(markdown: str, title: str = "nbaudit report") -> str:
    """A self-contained HTML page for a Markdown report.

    Rendered by markdown-it-py (CommonMark and tables) with raw HTML disabled: no tag of the
    input reaches the page, except the provenance's ``<details>`` lines that reports write.

    Parameters
    ----------
    markdown
        A report's Markdown.
    title
        The page's title.

    Returns
    -------
    str
        One HTML page with its styles, through the egress gate.
    """
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{_STYLE}</style></head><body>{_body(markdown)}</body></html>")
