"""Reports as Markdown, HTML and JSON: findings that can leave the notebook safely.

Reports hold figures, column names and masked values only: never a raw value found to be
personal data, never a key. Each states its inputs' provenance (shape, columns, a content
hash, library versions, parameters) so that it can be reproduced.

Everything that comes from the data (column names, group labels, notes quoting them) enters a
report through `escape_md` (Markdown) or `escape_html` (HTML, plotly labels), so a column
named ``<img src=x onerror=alert(1)>`` is shown as text wherever the report is rendered.
Error messages name a column with `quote_name` and never quote its values. Every public
renderer's output passes through `nbaudit.egress.release` as well, the gate that masks every
value a live scan knows to be personal data.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
import re
from collections.abc import Callable
from functools import wraps
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any, ParamSpec

import pandas as pd

from .egress import release

if TYPE_CHECKING:
    from .fairness import FairnessAudit, Mitigation
    from .pii.scan import PiiScan
    from .pseudonymization import PseudonymizationResult, Secret
    from .risk import RiskAssessment, SearchResult

P = ParamSpec("P")


def _released(render: Callable[P, str]) -> Callable[P, str]:
    """A renderer whose report passes through the egress gate before it is returned."""
    markdown = not render.__name__.endswith("html")

    @wraps(render)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> str:
        from .pii.scan import PiiScan

        scan = next((a for a in args if isinstance(a, PiiScan)), None)
        return release(render(*args, **kwargs), scan, markdown=markdown)

    return wrapper


def json_report(payload: dict[str, Any], scan: PiiScan | None = None) -> str:
    """A result's JSON, through the egress gate."""
    return release(json.dumps(payload), scan)


_LIBRARIES = ["nbaudit", "pandas", "numpy", "pyarrow", "presidio-analyzer", "fairlearn",
              "scikit-learn"]


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def content_hash(df: pd.DataFrame, key: Secret | None = None) -> str:
    """A keyed hash of the frame's values, index and column names (first 16 hex digits).

    HMAC-SHA256 under a key derived from the session key (HKDF-SHA256, label
    ``nbaudit-content-hash``): equal frames give equal hashes under the same key, in this
    session or in any session with the same ``$NBAUDIT_SECRET``; under another key the hashes
    are unrelated.

    Parameters
    ----------
    df
        The frame.
    key
        The key. Default: the key in force (`nbaudit.set_secret`, else ``$NBAUDIT_SECRET``,
        else this session's random key).

    Returns
    -------
    str
        16 hex digits.
    """
    # An unsalted hash of a small frame is reversed by hashing guesses (a one-row report was
    # matched by trying candidate emails and ages). Keyed, a guess can only be tested by whoever
    # holds the key, and the key (>= 16 bytes, checked) is never saved; they can already compute
    # tokens, which say more. So the hash is kept at every size: no size threshold, whose cut-off
    # would be arbitrary and would make small reports unreproducible.
    from .pseudonymization import current_secret

    digest = (key or current_secret()).content_hasher()
    digest.update(json.dumps([str(c) for c in df.columns]).encode())
    try:
        digest.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
    except (TypeError, UnicodeEncodeError, ValueError):
        # Unhashable cells (lists, dicts), lone surrogates, Arrow nested types: their repr.
        text = df.map(repr).set_axis(df.index.map(repr), axis=0)
        digest.update(pd.util.hash_pandas_object(text, index=True).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def provenance(df: pd.DataFrame | None, parameters: dict[str, Any],
               columns: list[str] | None = None) -> dict[str, Any]:
    """What a report was made from: enough to reproduce it.

    Parameters
    ----------
    df
        The frame, or None (then no shape, columns or hash).
    parameters
        The parameters of the result (None values left out).
    columns
        Column names to state instead of the frame's own (a scan's, where a name that is
        personal data is masked).

    Returns
    -------
    dict
        ``date``, ``parameters``, ``versions``, and with a frame ``rows``, ``columns``,
        ``content_hash`` (keyed: see `content_hash`), ``content_hash_kind`` and
        ``content_hash_key`` (where the key came from, never the key).
    """
    out: dict[str, Any] = {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "parameters": {k: v for k, v in parameters.items() if v is not None},
        "versions": {name: _version(name) for name in _LIBRARIES},
    }
    if df is not None:
        from .pseudonymization import current_secret

        secret = current_secret()
        out.update({"rows": int(df.shape[0]),
                    "columns": columns if columns is not None else [str(c) for c in df.columns],
                    "content_hash": content_hash(df, secret),
                    "content_hash_kind": "keyed content hash: equal only under the same key "
                                         "(HMAC-SHA256, key derived from the session key)",
                    "content_hash_key": secret.source})
    return out


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
_MD_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


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


def _md_text(markdown: str) -> str:
    """The text a line of (escaped) Markdown shows, as HTML text."""
    return html.escape(html.unescape(_MD_UNESCAPE.sub(r"\1", markdown)), quote=False)


def _fmt(value: Any) -> str:
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
    body = ["| " + " | ".join(_fmt(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def _names_md(names: Any) -> str:
    return ", ".join(escape_md(n) for n in names)


def provenance_markdown(prov: dict[str, Any]) -> str:
    lines = ["", "<details><summary>Provenance</summary>", ""]
    if "rows" in prov:
        columns = list(prov.get("columns", []))
        names = _names_md(columns[:30]) + ("…" if len(columns) > 30 else "")
        digest = prov.get("content_hash")
        lines.append(f"- Data: {prov['rows']:,} rows x {len(columns)} columns ({names})"
                     + (f"; content hash `{escape_md(digest).replace('`', '')}`"
                        if digest else ""))
    if prov.get("parameters"):
        params = ", ".join(escape_md(f"{k}={v}") for k, v in prov["parameters"].items())
        lines.append(f"- Parameters: {params}")
    lines.append("- Versions: " + ", ".join(escape_md(f"{k} {v}")
                                            for k, v in prov["versions"].items()))
    lines.append(f"- Made: {escape_md(prov['date'])} by nbaudit")
    lines += ["", "</details>"]
    return "\n".join(lines)


# --- PII roles in words ---------------------------------------------------------------------
# The machine names ("quasi_identifier") stay in to_dict/JSON; people read these.
_ROLE_WORDS = {"identifier": ("identifier", "identifiers"),
               "quasi_identifier": ("quasi-identifier", "quasi-identifiers"),
               "sensitive": ("sensitive", "sensitive"), "none": ("none", "none")}


def role_text(role: str, n: int = 1) -> str:
    """A column role as people write it: "quasi-identifier", plural when `n` != 1."""
    one, many = _ROLE_WORDS.get(role, (role.replace("_", "-"), role.replace("_", "-")))
    return one if n == 1 else many


def role_counts(columns: Any) -> str:
    """ "7 identifiers, 5 quasi-identifiers, 1 sensitive" for the columns' roles."""
    counts: dict[str, int] = {}
    for c in columns:
        counts[c.role] = counts.get(c.role, 0) + 1
    order = [r for r in _ROLE_WORDS if r in counts] + sorted(set(counts) - set(_ROLE_WORDS))
    return ", ".join(f"{counts[r]} {role_text(r, counts[r])}" for r in order if r != "none")


# --- per result -----------------------------------------------------------------------------
@_released
def scan_markdown(scan: PiiScan, title: str = "PII scan") -> str:
    """The PII scan as Markdown: one row per column with the reasons for its label (the
    shape statistics the widget shows are left out: `ColumnReport.statistics`)."""
    flagged = scan.flagged
    by_role = escape_md(role_counts(flagged) or "none")
    lines = [f"## {escape_md(title)}", "",
             f"{scan.n_rows:,} rows x {len(scan.columns)} columns; personal data in "
             f"{len(flagged)} column{'' if len(flagged) == 1 else 's'} ({by_role}). "
             f"{escape_md(scan.mode)}.", ""]
    rows = [{"column": c.name, "type": c.dtype, "entity": c.entity, "role": role_text(c.role),
             "level": c.level, "share": f"{c.share:.1%}" if c.entity != "NONE" else "—",
             "flagged cells": f"{c.n_flagged:,}", "handling": c.handling,
             "evidence": c.evidence} for c in scan.columns]
    lines.append(table(rows, ["column", "type", "entity", "role", "level", "share",
                              "flagged cells", "handling", "evidence"]))
    qis = scan.quasi_identifiers
    if qis:
        lines += ["", f"Quasi-identifiers to check for re-identification: {_names_md(qis)}."]
    parameters = {"sample_size": scan.sample_size, "min_score": scan.min_score}
    lines.append(provenance_markdown(provenance(
        scan.frame, parameters, columns=[c.name for c in scan.columns])))
    return "\n".join(lines)


@_released
def risk_markdown(risk: RiskAssessment, search: SearchResult | None = None,
                  title: str = "Re-identification risk") -> str:
    from .risk.assess import INFO_LOSS_LABEL

    now = risk.now
    lines = [f"## {escape_md(title)}", "",
             f"Quasi-identifiers: {_names_md(risk.quasi_identifiers)}"
             + (f"; sensitive: {_names_md(risk.sensitive)}" if risk.sensitive else "") + ".", ""]
    rows = [_risk_row("as is", now)]
    if search is not None and search.figures is not None:
        rows.append(_risk_row("after generalization", search.figures))
    lines.append(table(rows, ["state", "k", "classes", "unique records", "records below k",
                              "suppressed", "highest risk", "average risk", "l-diversity",
                              INFO_LOSS_LABEL]))
    if search is not None:
        if search.levels is None:
            lines += ["", f"No generalization reaches k={search.criteria.get('k')} within "
                      f"{search.criteria.get('max_suppression', 0):.0%} suppression."]
        else:
            levels = levels_md(search.levels, search.descriptions or risk.describe(
                search.levels))
            wall = search.wall_seconds or search.seconds
            lines += ["", f"Best generalization for k={search.criteria.get('k')} with at most "
                      f"{search.criteria.get('max_suppression', 0):.0%} suppression: {levels} "
                      f"({search.nodes_evaluated:,} of {search.lattice_size:,} combinations "
                      f"evaluated in {wall:.1f} s)."]
        if search.note:
            lines += ["", escape_md(search.note)]
    lines += ["", "Information loss (non-uniform entropy): ARX's non-uniform entropy as a share "
              "of its maximum (0% = the data as is, 100% = every value replaced by \\*)."]
    params = {"quasi_identifiers": risk.quasi_identifiers, "sensitive": risk.sensitive,
              "population_size": risk.population_size, "target_k": risk.target_k}
    if search is not None:
        params.update(search.criteria)
    lines.append(provenance_markdown(provenance(risk.frame, params)))
    return "\n".join(lines)


def levels_md(levels: dict[str, int], descriptions: dict[str, str] | None = None) -> str:
    """``age: 10-year intervals, zip: first 3 digits`` in Markdown (column names and words
    escaped); ``age: level 2`` for a column without a description."""
    words = descriptions or {}
    return ", ".join(f"{escape_md(q)}: {escape_md(words[q]) if q in words else f'level {int(lv)}'}"
                     for q, lv in levels.items())


def risk_html(risk: RiskAssessment, search: SearchResult | None = None, *,
              charts: bool = True, include_plotlyjs: bool | str = True) -> str:
    """The risk report as one HTML page, with the widget's charts as plotly figures (their
    labels pass the egress gate before they are drawn)."""
    page = markdown_to_html(risk_markdown(risk, search), "Re-identification risk")
    if not charts:
        return page
    import plotly.graph_objects as go

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


def _risk_row(state: str, f: Any) -> dict[str, Any]:
    from .risk.assess import INFO_LOSS_LABEL

    n = max(1, f.n_records)
    return {"state": state, "k": f.k, "classes": f"{f.n_classes:,}",
            "unique records": f"{f.sample_uniques:,} ({f.sample_uniques / n:.1%})",
            "records below k": f"{f.records_below_k:,}", "suppressed": f"{f.suppressed:,}",
            "highest risk": f"{f.highest_risk:.1%}", "average risk": f"{f.average_risk:.1%}",
            "l-diversity": ", ".join(f"{k} {v}" for k, v in f.l_diversity.items()) or "—",
            INFO_LOSS_LABEL: f"{f.information_loss:.1%}"}


def fairness_frame(audit: FairnessAudit) -> pd.DataFrame:
    """The audited inputs as one frame (labels, decisions, scores, one column per sensitive
    feature), for the provenance's shape and content hash. Group columns are categoricals
    built from the codes: no per-row Python work."""
    d = audit.data
    columns: dict[str, Any] = {"y_true": d.y_true, "y_pred": d.y_pred}
    if d.y_score is not None:
        columns["y_score"] = d.y_score
    for j, feature in enumerate(d.features):
        parts = [str(g[j]) if isinstance(g, tuple) else str(g) for g in d.labels]
        codes, uniques = pd.factorize(pd.Series(parts, dtype=object))
        columns[str(feature)] = pd.Categorical.from_codes(codes[d.groups], list(uniques))
    return pd.DataFrame(columns)


def fairness_provenance(audit: FairnessAudit) -> dict[str, Any]:
    """`provenance` of a fairness audit: shape and keyed content hash of the audited inputs,
    and the audit's parameters."""
    d = audit.data
    return provenance(fairness_frame(audit), {
        "features": d.features, "threshold": d.threshold, "pos_label": None
        if d.pos_label is None else repr(d.pos_label)[:40],
        "positive_name": d.positive_name, "min_group_size": audit.min_group_size,
        "pass_marks": audit.thresholds, "rows_dropped": d.dropped or None,
        "binned": ", ".join(f"{b.feature}: {b.bins} quantile bins" for b in d.binned) or None})


_REPORT_METRICS = [("selection_rate", "selection rate"), ("true_positive_rate", "TPR"),
                   ("false_positive_rate", "FPR"), ("false_negative_rate", "FNR"),
                   ("accuracy", "accuracy")]


def _group_rows(audit: FairnessAudit, ci: bool) -> list[dict[str, Any]]:
    """One row per group: n, and each rate with its Wilson interval; a rate whose
    denominator is under min_group_size says how few it rests on."""
    from .fairness.audit import DENOMINATORS, _label_text

    frame = audit.by_group
    dens = audit.denominators
    bounds = audit.confidence_intervals([m for m, _ in _REPORT_METRICS], method="wilson") \
        if ci else None
    rows = []
    for i, label in enumerate(frame.index):
        row: dict[str, Any] = {"group": _label_text(label),
                               "n": f"{int(frame['count'].iloc[i]):,}"
                               + (" (small)" if frame["small"].iloc[i] else "")}
        for m, name in _REPORT_METRICS:
            v = frame[m].iloc[i]
            text = "—" if math.isnan(v) else f"{v:.1%}"
            if bounds is not None and not math.isnan(v):
                text += f" [{bounds[f'{m}_low'].iloc[i]:.1%}, {bounds[f'{m}_high'].iloc[i]:.1%}]"
            den = int(dens[m].iloc[i])
            if den < audit.min_group_size and DENOMINATORS[m] != "rows":
                text += f" (only {den:,} {DENOMINATORS[m]})"
            row[name] = text
        rows.append(row)
    return rows


def _pair(groups: Any) -> str:
    from .fairness.audit import _label_text

    return " vs ".join(_label_text(g) for g in groups) if groups else ""


@_released
def fairness_markdown(audit: FairnessAudit, mitigation: Mitigation | None = None,
                      title: str = "Fairness audit", ci: bool = True) -> str:
    """The fairness audit as Markdown: groups with Wilson intervals, disparities, notes, the
    mitigation (fitted and scored on separate rows) and the provenance.

    Parameters
    ----------
    audit
        The audit.
    mitigation
        A `Mitigation` of it, if any: its before/after on the evaluation rows, the learned
        thresholds per group.
    title
        The heading.
    ci
        Show 95% Wilson intervals.

    Returns
    -------
    str
    """
    from .fairness.audit import JOIN

    features = JOIN.join(escape_md(f) for f in audit.data.features)
    positive = audit.data.positive_name or "positive decision"
    lines = [f"## {escape_md(title)}", "",
             f"{int(audit.table.sum()):,} decisions, groups of {features}"
             + (f"; {audit.data.dropped:,} rows dropped for missing values"
                if audit.data.dropped else "")
             + (f"; decision: {escape_md(positive)} when score ≥ {audit.data.threshold}"
                if audit.data.threshold is not None else "") + ".", ""]
    for note in audit.notes:
        lines += [f"- {escape_md(note)}"]
    if audit.notes:
        lines.append("")
    cols = ["group", "n", *[name for _, name in _REPORT_METRICS]]
    lines.append(table(_group_rows(audit, ci), cols))
    lines += ["", "Rates: selection rate = share of " + escape_md(positive) + "s; TPR, FNR "
              "over the true positives, FPR over the true negatives."
              + (" Brackets: 95% Wilson intervals (honest at small counts; bootstrap "
                 "intervals: audit.confidence_intervals())." if ci else "")
              + f" A rate resting on fewer than {audit.min_group_size} people says so.", ""]
    lines += ["### Disparities", ""]
    disp = [{"measure": d.name.replace("_", " "), "value": d.value,
             "pass mark": f"{'≥' if d.kind == 'ratio' else '≤'} {d.threshold}",
             "passes": d.passes, "groups": _pair(d.groups) or d.note}
            for d in audit.disparity_list]
    lines.append(table(disp, ["measure", "value", "pass mark", "passes", "groups"]))
    if mitigation is not None:
        lines += _mitigation_markdown(mitigation)
    lines.append(provenance_markdown(fairness_provenance(audit)))
    return "\n".join(lines)


def _mitigation_markdown(mitigation: Mitigation) -> list[str]:
    before, after = mitigation.before, mitigation.after
    lines = ["", "### Mitigation", "",
             f"fairlearn {escape_md(mitigation.method.replace('_', ' '))} with "
             f"{escape_md(mitigation.constraints.replace('_', ' '))}: "
             f"{escape_md(mitigation.evaluation)}. Accuracy "
             f"{before.overall['accuracy']:.1%} → {after.overall['accuracy']:.1%}, selection "
             f"rate {before.overall['selection_rate']:.1%} → "
             f"{after.overall['selection_rate']:.1%} (on the evaluation rows).", ""]
    rows = []
    for b in before.disparity_list:
        a = next(x for x in after.disparity_list if x.name == b.name)
        rows.append({"measure": b.name.replace("_", " "), "before": b.value,
                     "after": a.value,
                     "pass mark": f"{'≥' if b.kind == 'ratio' else '≤'} {b.threshold}",
                     "passes before": b.passes, "passes after": a.passes,
                     "groups before": _pair(b.groups) or "—",
                     "groups after": _pair(a.groups) or a.note})
    lines.append(table(rows, ["measure", "before", "after", "pass mark", "passes before",
                              "passes after", "groups before", "groups after"]))
    per = []
    from .fairness.audit import _label_text

    fb, fa = before.by_group, after.by_group
    for label in fa.index:
        row = {"group": _label_text(label), "n": f"{int(fa.loc[label, 'count']):,}"}
        for m, name in _REPORT_METRICS[:4]:
            vb, va = fb.loc[label, m], fa.loc[label, m]
            row[name] = ("—" if math.isnan(vb) else f"{vb:.1%}") + " → " + (
                "—" if math.isnan(va) else f"{va:.1%}")
        per.append(row)
    lines += ["", "Per group, before → after (evaluation rows):", "",
              table(per, ["group", "n", *[name for _, name in _REPORT_METRICS[:4]]])]
    if mitigation.group_thresholds is not None:
        rules = [{"group": g, "decision rule": r["rule"]}
                 for g, r in mitigation.group_thresholds.iterrows()]
        lines += ["", "Learned thresholds (fitted on the fitting rows):", "",
                  table(rules, ["group", "decision rule"])]
    return lines


@_released
def data_handling_report(scan: PiiScan, result: PseudonymizationResult | None = None,
                         risk: RiskAssessment | None = None,
                         search: SearchResult | None = None) -> str:
    """The seeds' Data Handling Report: each column, its classification, the handling applied,
    and what remains exposed (a DPIA-style summary)."""
    handling = result.handling if result is not None else {c.name: c.handling
                                                           for c in scan.columns}
    rows = []
    for c in scan.columns:
        applied = handling.get(c.name, "keep") if c.entity != "NONE" else "keep"
        rows.append({"column": c.name, "type": c.dtype, "classification": c.entity,
                     "role": role_text(c.role), "level": c.level, "handling": applied,
                     "exposed after": _exposure(c, applied)})
    direct_left = [r["column"] for r in rows if r["role"] == role_text("identifier")
                   and r["handling"] == "keep"]
    special = [r["column"] for r in rows if r["role"] == role_text("sensitive")
               and r["classification"] != "SECRET" and r["handling"] != "drop"]
    secrets = [r["column"] for r in rows if r["classification"] == "SECRET"
               and r["handling"] != "drop"]
    lines = ["# Data Handling Report", "",
             f"{scan.n_rows:,} rows x {len(scan.columns)} columns scanned; "
             f"{len(scan.flagged)} hold personal data.", "",
             table(rows, ["column", "type", "classification", "role", "level", "handling",
                          "exposed after"]), "", "## What remains exposed", ""]
    lines.append(f"- Direct identifiers left in clear: {_names_md(direct_left) or 'none'}.")
    if risk is not None:
        f = search.figures if search is not None and search.figures is not None else risk.now
        lines.append(f"- Quasi-identifiers {_names_md(risk.quasi_identifiers)}: k={f.k}, "
                     f"{f.sample_uniques:,} records unique on them "
                     f"({f.sample_uniques / max(1, f.n_records):.1%}), highest re-identification "
                     f"risk {f.highest_risk:.0%}.")
    else:
        qis = scan.quasi_identifiers
        lines.append(f"- Quasi-identifiers: {_names_md(qis) or 'none'} (k-anonymity not "
                     "assessed: run nbaudit.assess_risk).")
    lines.append(f"- Special-category data (GDPR Art. 9) kept: {_names_md(special) or 'none'}.")
    if secrets:
        lines.append(f"- Secrets still present: {_names_md(secrets)}: drop them and rotate the "
                     "keys.")
    if result is not None:
        lines.append(f"- Tokens: keyed HMAC-SHA256 ({result.tokens:,} distinct values); key from "
                     f"{escape_md(result.key_source)}; the key is not in this report."
                     + (" A token vault exists outside the notebook." if result.vault else
                        " No vault: tokens cannot be reversed."))
        lines += [f"- {escape_md(note)}" for note in result.notes]
    residual = "low" if not direct_left and not secrets and (
        risk is None or (search is not None and search.figures is not None
                         and search.figures.k >= 5)) else "high" if direct_left or secrets \
        else "medium"
    lines += ["", f"**Residual risk: {residual}.** " + {
        "low": "No direct identifier is left in clear and the quasi-identifiers are "
               "generalized to at least k=5.",
        "medium": "Direct identifiers are handled, but the quasi-identifiers still single "
                  "records out: generalize them (nbaudit.assess_risk(...).search(k=5)).",
        "high": "Direct identifiers or secrets remain in clear: the data is personal data "
                "in the full sense of the GDPR.",
    }[residual]]
    lines.append(provenance_markdown(provenance(
        scan.frame, columns=[c.name for c in scan.columns], parameters={
        "handling": handling, "key_source": result.key_source if result else None})))
    return "\n".join(lines)


def _exposure(c: Any, applied: str) -> str:
    if c.entity == "NONE":
        return "nothing personal"
    return {
        "drop": "nothing (column removed)",
        "tokenize": "a keyed token: linkable across tables, not readable without the vault",
        "mask": "partial values (e.g. last 4 digits)" if c.entity != "FREE_TEXT"
        else "text with the personal data masked",
        "generalize": "coarser values (quasi-identifier)",
        "keep": "the values in clear" + (" (special category)" if c.role == "sensitive" else ""),
    }.get(applied, applied)


@_released
def model_card(audit: FairnessAudit, *, model_name: str = "Model", model_details: str = "",
               intended_use: str = "", out_of_scope: str = "", data: str = "",
               limitations: str = "", mitigation: Mitigation | None = None) -> str:
    """A model card (Mitchell et al., 2019) around a fairness audit, in Markdown.

    `model_name` is plain text (escaped); the other text fields are Markdown written by the
    model owner and are inserted as they are. Everything from the audit is escaped.
    """
    overall = audit.overall
    lines = [f"# Model card: {escape_md(model_name)}", "",
             "## Model details", "", model_details or "_To be completed by the model owner._", "",
             "## Intended use", "", intended_use or "_To be completed._", "",
             "## Out-of-scope uses", "", out_of_scope or "_To be completed._", "",
             "## Performance", "",
             f"Overall accuracy {overall['accuracy']:.1%}, selection rate "
             f"{overall['selection_rate']:.1%}, true positive rate "
             f"{overall['true_positive_rate']:.1%}, false positive rate "
             f"{overall['false_positive_rate']:.1%}, false negative rate "
             f"{overall['false_negative_rate']:.1%}"
             + (f" at threshold {audit.data.threshold}" if audit.data.threshold is not None
                else "") + ".", "",
             fairness_markdown(audit, mitigation, title="Fairness analysis").replace(
                 "## Fairness analysis", "## Fairness analysis", 1), "",
             "## Data", "", data or "_Describe the training and evaluation data._", "",
             "## Limitations", "", limitations or (
                 "Groups smaller than the minimum size are flagged and their rates are "
                 "unreliable; the audit covers the sensitive attributes given to it only; "
                 "fairness measures can conflict, and which one matters is a policy choice.")]
    return "\n".join(lines)


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row, split at pipes that are not backslash-escaped."""
    cells, current, i = [], [], 0
    text = row.strip()
    text = text[1:] if text.startswith("|") else text
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if ch == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    if "".join(current).strip():
        cells.append("".join(current))
    return cells


@_released
def markdown_to_html(markdown: str, title: str = "nbaudit report") -> str:
    """A self-contained HTML page for a Markdown report (tables, headings, lists).

    Text is shown as the Markdown renders it (backslash escapes and entities resolved) and
    HTML-escaped: no tag of the input reaches the page, except the provenance's
    ``<details>`` lines.
    """
    body = []
    in_table = False
    for line in markdown.splitlines():
        if line.startswith("|"):
            if set(line.replace("|", "").strip()) <= {"-", ":", " "}:
                continue
            cells = [_md_text(c.strip()) for c in _cells(line)]
            if not in_table:
                body.append("<table><tr>" + "".join(f"<th>{c}</th>" for c in cells) + "</tr>")
                in_table = True
            else:
                body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            body.append(f"<h{level}>{_md_text(line[level:].strip())}</h{level}>")
        elif line.startswith("- "):
            body.append(f"<li>{_md_text(line[2:])}</li>")
        elif line.strip() in ("<details><summary>Provenance</summary>", "</details>"):
            body.append(line.strip())
        elif line.strip():
            body.append(f"<p>{_md_text(line)}</p>")
    if in_table:
        body.append("</table>")
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
             "padding:4px 8px;font-size:13px;text-align:left}th{background:#f3f4f6}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{style}</style></head><body>{''.join(body)}</body></html>")


@_released
def model_card_html(audit: FairnessAudit, *, metrics: tuple[str, ...] = (
        "selection_rate", "true_positive_rate", "false_positive_rate"),
        include_plotlyjs: bool | str = True, **text: Any) -> str:
    """The model card as one HTML page with its charts (plotly, intervals drawn on the bars).

    `include_plotlyjs=True` embeds plotly.js (about 4 MB) so that the page works offline;
    pass "cdn" for a small file that loads it from the web. `text` is as for `model_card`.
    """
    page = markdown_to_html(model_card(audit, **text), f"Model card: {text.get('model_name', '')}")
    figures = [audit.figure(metric) for metric in metrics]
    if audit.data.y_score is not None:
        figures.append(audit.figure("tradeoff"))
    if text.get("mitigation") is not None:
        figures.append(text["mitigation"].figure())
    charts = [figure.to_html(full_html=False,
                             include_plotlyjs=include_plotlyjs if i == 0 else False)
              for i, figure in enumerate(figures)]
    section = "<h2>Charts</h2>" + "".join(f"<div>{c}</div>" for c in charts)
    return page.replace("</body>", section + "</body>")
