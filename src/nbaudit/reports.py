"""Reports as Markdown, HTML and JSON: findings that can leave the notebook safely.

Reports hold figures, column names and masked values only: never a raw value found to be
personal data, never a key. Each states its inputs' provenance (shape, columns, a content
hash, library versions, parameters) so that it can be reproduced.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import json
import math
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from .fairness import FairnessAudit, Mitigation
    from .pii.scan import PiiScan
    from .pseudonymization import PseudonymizationResult
    from .risk import RiskAssessment, SearchResult

_LIBRARIES = ["nbaudit", "pandas", "numpy", "pyarrow", "presidio-analyzer", "fairlearn",
              "scikit-learn"]


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def content_hash(df: pd.DataFrame) -> str:
    """SHA-256 over the frame's values, index and column names (first 16 hex digits)."""
    digest = hashlib.sha256()
    digest.update(json.dumps([str(c) for c in df.columns]).encode())
    try:
        digest.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
    except TypeError:  # unhashable cells: hash their text
        digest.update(pd.util.hash_pandas_object(df.astype(str), index=True).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def provenance(df: pd.DataFrame | None, parameters: dict[str, Any]) -> dict[str, Any]:
    """What a report was made from: enough to reproduce it."""
    out: dict[str, Any] = {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "parameters": {k: v for k, v in parameters.items() if v is not None},
        "versions": {name: _version(name) for name in _LIBRARIES},
    }
    if df is not None:
        out.update({"rows": int(df.shape[0]), "columns": [str(c) for c in df.columns],
                    "content_hash": content_hash(df)})
    return out


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if math.isnan(value):
            return "—"
        return f"{value:.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("|", "\\|").replace("\n", " ")


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """A Markdown table (pipes in values escaped)."""
    head = "| " + " | ".join(columns) + " |"
    sep = "|" + "|".join("---" for _ in columns) + "|"
    body = ["| " + " | ".join(_fmt(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def provenance_markdown(prov: dict[str, Any]) -> str:
    lines = ["", "<details><summary>Provenance</summary>", ""]
    if "rows" in prov:
        names = ", ".join(prov["columns"][:30]) + ("…" if len(prov["columns"]) > 30 else "")
        lines.append(f"- Data: {prov['rows']:,} rows x {len(prov['columns'])} columns "
                     f"({names}); content hash `{prov['content_hash']}`")
    if prov["parameters"]:
        params = ", ".join(f"{k}={v}" for k, v in prov["parameters"].items())
        lines.append(f"- Parameters: {params}")
    lines.append("- Versions: " + ", ".join(f"{k} {v}" for k, v in prov["versions"].items()))
    lines.append(f"- Made: {prov['date']} by nbaudit")
    lines += ["", "</details>"]
    return "\n".join(lines)


# --- per result -----------------------------------------------------------------------------
def scan_markdown(scan: PiiScan, title: str = "PII scan") -> str:
    flagged = scan.flagged
    roles: dict[str, int] = {}
    for c in flagged:
        roles[c.role] = roles.get(c.role, 0) + 1
    by_role = ", ".join(f"{n} {r}" for r, n in roles.items()) or "none"
    lines = [f"## {title}", "",
             f"{scan.n_rows:,} rows x {len(scan.columns)} columns; personal data in "
             f"{len(flagged)} columns ({by_role}). {scan.mode}.", ""]
    rows = [{"column": c.name, "type": c.dtype, "entity": c.entity, "role": c.role,
             "level": c.level, "share": f"{c.share:.1%}" if c.entity != "NONE" else "—",
             "flagged cells": f"{c.n_flagged:,}", "handling": c.handling,
             "evidence": c.evidence} for c in scan.columns]
    lines.append(table(rows, ["column", "type", "entity", "role", "level", "share",
                              "flagged cells", "handling", "evidence"]))
    qis = scan.quasi_identifiers
    if qis:
        lines += ["", f"Quasi-identifiers to check for re-identification: {', '.join(qis)}."]
    lines.append(provenance_markdown(provenance(scan.frame, {"sample_size": scan.sample_size,
                                                             "min_score": scan.min_score})))
    return "\n".join(lines)


def risk_markdown(risk: RiskAssessment, search: SearchResult | None = None,
                  title: str = "Re-identification risk") -> str:
    now = risk.now
    lines = [f"## {title}", "",
             f"Quasi-identifiers: {', '.join(risk.quasi_identifiers)}"
             + (f"; sensitive: {', '.join(risk.sensitive)}" if risk.sensitive else "") + ".", ""]
    rows = [_risk_row("as is", now)]
    if search is not None and search.figures is not None:
        rows.append(_risk_row("after generalization", search.figures))
    lines.append(table(rows, ["state", "k", "classes", "unique records", "records below k",
                              "suppressed", "highest risk", "average risk", "l-diversity",
                              "information loss"]))
    if search is not None:
        if search.levels is None:
            lines += ["", f"No generalization reaches k={search.criteria.get('k')} within "
                      f"{search.criteria.get('max_suppression', 0):.0%} suppression."]
        else:
            levels = ", ".join(f"{q}: level {lv}" for q, lv in search.levels.items())
            lines += ["", f"Best generalization for k={search.criteria.get('k')} with at most "
                      f"{search.criteria.get('max_suppression', 0):.0%} suppression: {levels} "
                      f"({search.nodes_evaluated:,} of {search.lattice_size:,} combinations "
                      "evaluated)."]
    params = {"quasi_identifiers": risk.quasi_identifiers, "sensitive": risk.sensitive,
              "population_size": risk.population_size, "target_k": risk.target_k}
    if search is not None:
        params.update(search.criteria)
    lines.append(provenance_markdown(provenance(risk.frame, params)))
    return "\n".join(lines)


def _risk_row(state: str, f: Any) -> dict[str, Any]:
    n = max(1, f.n_records)
    return {"state": state, "k": f.k, "classes": f"{f.n_classes:,}",
            "unique records": f"{f.sample_uniques:,} ({f.sample_uniques / n:.1%})",
            "records below k": f"{f.records_below_k:,}", "suppressed": f"{f.suppressed:,}",
            "highest risk": f"{f.highest_risk:.1%}", "average risk": f"{f.average_risk:.1%}",
            "l-diversity": ", ".join(f"{k} {v}" for k, v in f.l_diversity.items()) or "—",
            "information loss": f"{f.info_loss.get('entropy_share', 0):.1%}"}


def fairness_markdown(audit: FairnessAudit, mitigation: Mitigation | None = None,
                      title: str = "Fairness audit", ci: bool = True) -> str:
    frame = audit.by_group
    bounds = audit.confidence_intervals() if ci else None
    lines = [f"## {title}", "",
             f"{int(audit.table.sum()):,} decisions, groups of {' x '.join(audit.data.features)}"
             + (f"; {audit.data.dropped:,} rows dropped for missing values"
                if audit.data.dropped else "") + ".", ""]
    rows = []
    for i, label in enumerate(frame.index):
        row: dict[str, Any] = {"group": label if not isinstance(label, tuple)
                               else " x ".join(map(str, label)),
                               "n": f"{int(frame['count'].iloc[i]):,}"
                               + (" (small)" if frame["small"].iloc[i] else "")}
        for m, name in [("selection_rate", "selection rate"), ("true_positive_rate", "TPR"),
                        ("false_positive_rate", "FPR"), ("accuracy", "accuracy")]:
            v = frame[m].iloc[i]
            text = "—" if math.isnan(v) else f"{v:.1%}"
            if bounds is not None and not math.isnan(v):
                text += f" [{bounds[f'{m}_low'].iloc[i]:.1%}, {bounds[f'{m}_high'].iloc[i]:.1%}]"
            row[name] = text
        rows.append(row)
    lines.append(table(rows, ["group", "n", "selection rate", "TPR", "FPR", "accuracy"]))
    if ci:
        lines += ["", "Brackets: 95% bootstrap intervals (1,000 resamples, seed 0)."]
    lines += ["", "### Disparities", ""]
    disp = []
    for d in audit.disparity_list:
        row = {"measure": d.name.replace("_", " "), "value": d.value,
               "pass mark": f"{'≥' if d.kind == 'ratio' else '≤'} {d.threshold}",
               "passes": d.passes, "groups": " vs ".join(map(str, d.groups)) if d.groups
               else d.note}
        if mitigation is not None:
            after = next(a for a in mitigation.after.disparity_list if a.name == d.name)
            row["after mitigation"] = after.value
            row["passes after"] = after.passes
        disp.append(row)
    cols = ["measure", "value", "pass mark", "passes", "groups"]
    if mitigation is not None:
        cols[2:2] = ["after mitigation"]
        cols.insert(5, "passes after")
    lines.append(table(disp, cols))
    if mitigation is not None:
        lines += ["", f"Mitigation: fairlearn {mitigation.method.replace('_', ' ')} with "
                  f"{mitigation.constraints.replace('_', ' ')}; accuracy "
                  f"{mitigation.before.overall['accuracy']:.1%} -> "
                  f"{mitigation.after.overall['accuracy']:.1%}."]
    lines.append(provenance_markdown(provenance(None, {
        "features": audit.data.features, "threshold": audit.data.threshold,
        "min_group_size": audit.min_group_size, "pass_marks": audit.thresholds})))
    return "\n".join(lines)


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
                     "role": c.role, "level": c.level, "handling": applied,
                     "exposed after": _exposure(c, applied)})
    direct_left = [r["column"] for r in rows if r["role"] == "identifier"
                   and r["handling"] == "keep"]
    special = [r["column"] for r in rows if r["role"] == "sensitive"
               and r["classification"] != "SECRET" and r["handling"] != "drop"]
    secrets = [r["column"] for r in rows if r["classification"] == "SECRET"
               and r["handling"] != "drop"]
    lines = ["# Data Handling Report", "",
             f"{scan.n_rows:,} rows x {len(scan.columns)} columns scanned; "
             f"{len(scan.flagged)} hold personal data.", "",
             table(rows, ["column", "type", "classification", "role", "level", "handling",
                          "exposed after"]), "", "## What remains exposed", ""]
    lines.append(f"- Direct identifiers left in clear: {', '.join(direct_left) or 'none'}.")
    if risk is not None:
        f = search.figures if search is not None and search.figures is not None else risk.now
        lines.append(f"- Quasi-identifiers {', '.join(risk.quasi_identifiers)}: k={f.k}, "
                     f"{f.sample_uniques:,} records unique on them "
                     f"({f.sample_uniques / max(1, f.n_records):.1%}), highest re-identification "
                     f"risk {f.highest_risk:.0%}.")
    else:
        qis = scan.quasi_identifiers
        lines.append(f"- Quasi-identifiers: {', '.join(qis) or 'none'} (k-anonymity not "
                     "assessed: run nbaudit.assess_risk).")
    lines.append(f"- Special-category data (GDPR Art. 9) kept: {', '.join(special) or 'none'}.")
    if secrets:
        lines.append(f"- Secrets still present: {', '.join(secrets)}: drop them and rotate the "
                     "keys.")
    if result is not None:
        lines.append(f"- Tokens: keyed HMAC-SHA256 ({result.tokens:,} distinct values); key from "
                     f"{result.key_source}; the key is not in this report."
                     + (" A token vault exists outside the notebook." if result.vault else
                        " No vault: tokens cannot be reversed."))
        lines += [f"- {note}" for note in result.notes]
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
    lines.append(provenance_markdown(provenance(scan.frame, {
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


def model_card(audit: FairnessAudit, *, model_name: str = "Model", model_details: str = "",
               intended_use: str = "", out_of_scope: str = "", data: str = "",
               limitations: str = "", mitigation: Mitigation | None = None) -> str:
    """A model card (Mitchell et al., 2019) around a fairness audit, in Markdown."""
    overall = audit.overall
    lines = [f"# Model card: {model_name}", "",
             "## Model details", "", model_details or "_To be completed by the model owner._", "",
             "## Intended use", "", intended_use or "_To be completed._", "",
             "## Out-of-scope uses", "", out_of_scope or "_To be completed._", "",
             "## Performance", "",
             f"Overall accuracy {overall['accuracy']:.1%}, selection rate "
             f"{overall['selection_rate']:.1%}, true positive rate "
             f"{overall['true_positive_rate']:.1%}, false positive rate "
             f"{overall['false_positive_rate']:.1%}"
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


def markdown_to_html(markdown: str, title: str = "nbaudit report") -> str:
    """A self-contained HTML page for a Markdown report (tables, headings, lists)."""
    body = []
    in_table = False
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [html.escape(c.strip()).replace("\\|", "|")
                     for c in line.strip("|").split(" | ")]
            if set(line.replace("|", "").strip()) <= {"-"}:
                continue
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
            body.append(f"<h{level}>{html.escape(line[level:].strip())}</h{level}>")
        elif line.startswith("- "):
            body.append(f"<li>{html.escape(line[2:])}</li>")
        elif line.strip() in ("<details><summary>Provenance</summary>", "</details>"):
            body.append(line.strip())
        elif line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        body.append("</table>")
    style = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;"
             "padding:4px 8px;font-size:13px;text-align:left}th{background:#f3f4f6}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{style}</style></head><body>{''.join(body)}</body></html>")


def model_card_html(audit: FairnessAudit, *, metrics: tuple[str, ...] = (
        "selection_rate", "true_positive_rate", "false_positive_rate"),
        include_plotlyjs: bool | str = True, **text: Any) -> str:
    """The model card as one HTML page with its charts (plotly, intervals drawn on the bars).

    `include_plotlyjs=True` embeds plotly.js (about 4 MB) so that the page works offline;
    pass "cdn" for a small file that loads it from the web. `text` is as for `model_card`.
    """
    page = markdown_to_html(model_card(audit, **text), f"Model card: {text.get('model_name', '')}")
    charts = []
    for i, metric in enumerate(metrics):
        figure = audit.figure(metric)
        charts.append(figure.to_html(full_html=False,
                                     include_plotlyjs=include_plotlyjs if i == 0 else False))
    section = "<h2>Charts</h2>" + "".join(f"<div>{c}</div>" for c in charts)
    return page.replace("</body>", section + "</body>")
