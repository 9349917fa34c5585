"""The Markdown reports: PII scan, re-identification risk, fairness, data handling."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .._text import escape_md, names_md, table
from ..fairness._common import DENOMINATORS, JOIN, label_text
from ..risk.figures import INFO_LOSS_LABEL
from ._gate import _released
from .provenance import fairness_provenance, provenance, provenance_markdown

if TYPE_CHECKING:
    from ..fairness import FairnessAudit, Mitigation
    from ..pii.scan import PiiScan
    from ..pseudonymization import PseudonymizationResult
    from ..risk import RiskAssessment, SearchResult


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
        lines += ["", f"Quasi-identifiers to check for re-identification: {names_md(qis)}."]
    parameters = {"sample_size": scan.sample_size, "min_score": scan.min_score}
    lines.append(provenance_markdown(provenance(
        scan.frame, parameters, columns=[c.name for c in scan.columns])))
    return "\n".join(lines)


@_released
def risk_markdown(risk: RiskAssessment, search: SearchResult | None = None,
                  title: str = "Re-identification risk") -> str:
    """The risk figures (as is, and after a search's generalization) as Markdown, with
    provenance."""
    now = risk.now
    lines = [f"## {escape_md(title)}", "",
             f"Quasi-identifiers: {names_md(risk.quasi_identifiers)}"
             + (f"; sensitive: {names_md(risk.sensitive)}" if risk.sensitive else "") + ".", ""]
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


def _risk_row(state: str, f: Any) -> dict[str, Any]:
    n = max(1, f.n_records)
    return {"state": state, "k": f.k, "classes": f"{f.n_classes:,}",
            "unique records": f"{f.sample_uniques:,} ({f.sample_uniques / n:.1%})",
            "records below k": f"{f.records_below_k:,}", "suppressed": f"{f.suppressed:,}",
            "highest risk": f"{f.highest_risk:.1%}", "average risk": f"{f.average_risk:.1%}",
            "l-diversity": ", ".join(f"{k} {v}" for k, v in f.l_diversity.items()) or "—",
            INFO_LOSS_LABEL: f"{f.information_loss:.1%}"}


_REPORT_METRICS = [("selection_rate", "selection rate"), ("true_positive_rate", "TPR"),
                   ("false_positive_rate", "FPR"), ("false_negative_rate", "FNR"),
                   ("accuracy", "accuracy")]


def _group_rows(audit: FairnessAudit, ci: bool) -> list[dict[str, Any]]:
    """One row per group: n, and each rate with its Wilson interval; a rate whose
    denominator is under min_group_size says how few it rests on."""
    frame = audit.by_group
    dens = audit.denominators
    bounds = audit.confidence_intervals([m for m, _ in _REPORT_METRICS], method="wilson") \
        if ci else None
    rows = []
    for i, label in enumerate(frame.index):
        row: dict[str, Any] = {"group": label_text(label),
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
    return " vs ".join(label_text(g) for g in groups) if groups else ""


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
    fb, fa = before.by_group, after.by_group
    for label in fa.index:
        row = {"group": label_text(label), "n": f"{int(fa.loc[label, 'count']):,}"}
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
    lines.append(f"- Direct identifiers left in clear: {names_md(direct_left) or 'none'}.")
    if risk is not None:
        f = search.figures if search is not None and search.figures is not None else risk.now
        lines.append(f"- Quasi-identifiers {names_md(risk.quasi_identifiers)}: k={f.k}, "
                     f"{f.sample_uniques:,} records unique on them "
                     f"({f.sample_uniques / max(1, f.n_records):.1%}), highest re-identification "
                     f"risk {f.highest_risk:.0%}.")
    else:
        qis = scan.quasi_identifiers
        lines.append(f"- Quasi-identifiers: {names_md(qis) or 'none'} (k-anonymity not "
                     "assessed: run nbaudit.assess_risk).")
    lines.append(f"- Special-category data (GDPR Art. 9) kept: {names_md(special) or 'none'}.")
    if secrets:
        lines.append(f"- Secrets still present: {names_md(secrets)}: drop them and rotate the "
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
