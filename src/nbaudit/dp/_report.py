"""The DP session's report: the guarantee in an auditor's words, and the noisy tables.

It holds public parameters and released (noisy) values only: never a true aggregate, never the
number of rows of the table (itself a statistic of the data).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._text import escape_md, table

if TYPE_CHECKING:
    from ._session import Query, QueryPlan, Release, Session

ROWS_SHOWN = 50


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def guarantee_lines(session: Session) -> list[str]:
    unit = (f"one unit = all rows with the same `{escape_md(session.unit)}`"
            if session.unit else "one unit = one row (no unit column given)")
    delta_text = (f", delta {session.delta_spent:.3g} of {session.delta:.3g}"
                  if session.delta else "")
    return [
        f"- **Unit of privacy**: {unit}. The guarantee bounds what any release reveals about "
        "whether a unit's data was used at all (add/remove-one-unit neighbours).",
        f"- **Contribution bound**: at most {session.contributions} row(s) per unit are used, "
        "chosen uniformly at random (a random permutation; each unit keeps its first rows in "
        "that order); the other rows of that unit are left out of every release.",
        f"- **Budget**: epsilon {session.epsilon_total:g} in total, delta "
        f"{session.delta:.3g}; spent so far epsilon {session.spent:g}{delta_text} in "
        f"{len(session.releases)} release(s); remaining epsilon {session.remaining:g}.",
        "- **Composition**: sequential: the releases together satisfy "
        f"({session.spent:g}, {session.delta_spent:.3g})-differential privacy, the sums of "
        "their epsilons and deltas. Previews spend nothing: they use public parameters only.",
        f"- **Library**: noise and privacy maps by OpenDP {_version('opendp')} (MIT; "
        "`make_laplace`, `make_laplace_threshold`, `binary_search_param`, its accuracy "
        f"functions); contribution bounding, clamping and grouping by nbaudit "
        f"{_version('nbaudit')} with pandas {_version('pandas')}.",
        "- **Sensitivities** (one unit, after the bound c): count c; sum of a column clamped to "
        "[lo, hi] c·max(|lo|, |hi|) (missing values count as 0); mean: the sum of "
        "clamp(x) − (lo+hi)/2, sensitivity c·(hi−lo)/2, divided by the noisy count of the same "
        "release (post-processing), clamped to [lo, hi].",
    ]


def _keys_line(query: Query, threshold: float | None, delta: float) -> str:
    if not query.by:
        return "- **Groups**: none (one group: the whole table)."
    if query.keys is not None:
        sizes = " × ".join(f"{len(v)} `{escape_md(k)}`" for k, v in query.keys.items())
        return (f"- **Group keys**: public, given by the analyst ({sizes} values): every "
                "combination is released, including empty ones; rows with other keys are left "
                "out. The keys reveal nothing about the data.")
    return (f"- **Group keys**: released privately from the data: a group appears only if its "
            f"noisy count is at least {threshold:g} (OpenDP `make_laplace_threshold`, delta "
            f"{delta:.3g}); groups under the threshold are dropped. The delta is the chance "
            "that a group made of very few units shows up.")


def _shares_table(query: Query, shares: dict[str, float], scales: dict[str, float],
                  half_widths: dict[str, Any]) -> str:
    rows = []
    for m in query.measurements:
        rows.append({"aggregate": m.label, "epsilon": shares[m.label],
                     "mechanism": m.mechanism,
                     "clamping bounds": "" if m.bounds is None else
                     f"[{m.bounds[0]:g}, {m.bounds[1]:g}]",
                     "l1 sensitivity": f"{m.sensitivity:g}",
                     "noise scale": f"{scales[m.label]:.4g}",
                     "95% half-width": half_widths.get(m.label, "per group (see table)")})
    return table(rows, ["aggregate", "epsilon", "mechanism", "clamping bounds",
                        "l1 sensitivity", "noise scale", "95% half-width"])


def _fmt(value: object) -> object:
    if isinstance(value, float):
        return f"{value:.4g}"
    return value


def release_markdown(rel: Release) -> str:
    q = rel.query
    frame = rel.table
    hws = {}
    for label in q.labels:
        if not len(frame):
            continue
        part = frame.loc[frame["aggregate"] == label, "half_width_95"]
        if len(part) and part.nunique() == 1:
            hws[label] = f"{float(part.iloc[0]):.4g}"
    lines = [f"### Release {rel.number}: {escape_md(q.description)}", "",
             f"- **Spent**: epsilon {rel.epsilon:g}, delta {rel.delta:.3g} ({rel.time}).",
             _keys_line(q, rel.threshold, rel.delta)]
    if rel.repeat_of is not None:
        lines.append(f"- **Repeat**: same query as release {rel.repeat_of}; fresh noise, "
                     "budget spent again.")
    lines += ["", _shares_table(q, rel.shares, rel.scales, hws), ""]
    cols = [*q.by, "aggregate", "value", "half_width_95", "lower", "upper"]
    rows = [{k: _fmt(v) for k, v in r.items()} for r in
            frame.head(ROWS_SHOWN)[cols].to_dict("records")]
    lines += [f"Noisy values with 95% error bars ({len(frame):,} rows"
              + (f", first {ROWS_SHOWN} shown" if len(frame) > ROWS_SHOWN else "") + "):",
              "", table(rows, cols), ""]
    return "\n".join(lines)


def plan_markdown(query: Query, plan: QueryPlan) -> str:
    hws = {}
    for r in plan.table.drop_duplicates("aggregate").to_dict("records"):
        hw = r.get("half_width_95")
        hws[r["aggregate"]] = "needs a group size" if hw is None or hw != hw else f"{hw:.4g}"
    return "\n".join([
        f"### Preview (nothing released): {escape_md(query.description)} at epsilon "
        f"{plan.epsilon:g}", "",
        "Expected 95% half-widths from the mechanisms' noise scales (public parameters only).",
        _keys_line(query, plan.threshold, plan.delta), "",
        _shares_table(query, plan.shares, plan.scales, hws), ""])


def session_markdown(session: Session, plan: tuple[Query, QueryPlan] | None = None) -> str:
    lines = ["## Differential privacy release", "", *guarantee_lines(session), ""]
    if session.releases:
        lines += ["### Ledger", "", table(
            [{"release": e.release, "query": e.query, "epsilon": e.epsilon,
              "delta": f"{e.delta:.3g}", "keys": e.keys,
              "repeat of": "" if e.repeat_of is None else e.repeat_of}
             for e in session.entries],
            ["release", "query", "epsilon", "delta", "keys", "repeat of"]), ""]
        lines += [release_markdown(r) for r in session.releases]
    if plan is not None:
        lines.append(plan_markdown(*plan))
    return "\n".join(lines)
