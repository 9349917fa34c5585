"""`nbaudit risk`: re-identification risk of a table, with k, l and t as pass marks."""

from __future__ import annotations

import argparse
from typing import Any

from .._text import names_text
from ._common import (
    EXIT_CLEAN,
    EXIT_CODES,
    EXIT_FAIL,
    FORMAT_VERSION,
    CliError,
    check_columns,
    dump,
    finite,
    names,
    progress,
    reader_option,
    require_rows,
)
from ._read import read_table

FIGURES = ("k", "n_classes", "sample_uniques", "records_below_k", "average_risk",
           "highest_risk", "journalist_risk", "marketer_risk", "l_diversity",
           "entropy_l_diversity", "t_closeness", "n_records")


def add_parser(sub: Any, parent: argparse.ArgumentParser) -> None:
    risk = sub.add_parser(
        "risk", parents=[parent], epilog=EXIT_CODES + "\n\nThe pass marks judge the data as "
        "it is; --search says how to generalize it to pass.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="re-identification risk (k-anonymity, l-diversity, t-closeness) with pass marks",
        description="Re-identification risk of a table under quasi-identifiers: exit 1 when "
                    "the data is not k-anonymous (and l-diverse, t-close when asked).")
    risk.add_argument("path", metavar="DATA", help="a .csv, .parquet file or Parquet folder")
    risk.add_argument("--qi", action="append", required=True, metavar="COLUMNS",
                      help="quasi-identifiers, comma-separated (or repeated)")
    risk.add_argument("--k", type=int, default=5, help="pass mark: k-anonymity (default 5)")
    risk.add_argument("--sensitive", action="append", metavar="COLUMNS",
                      help="sensitive attributes, for --l and --t")
    risk.add_argument("--l", type=int, default=None, help="pass mark: distinct l-diversity")
    risk.add_argument("--t", type=float, default=None,
                      help="pass mark: t-closeness (largest distance allowed, e.g. 0.2)")
    risk.add_argument("--population", type=int, default=None,
                      help="population size, for journalist and marketer risk")
    risk.add_argument("--hierarchies", default=None, metavar="FOLDER",
                      help="a folder of ARX hierarchy CSVs (default: built from the data)")
    risk.add_argument("--search", action="store_true",
                      help="also find the generalization with the least information loss "
                           "that meets the pass marks")
    risk.add_argument("--max-suppression", type=float, default=0.04,
                      help="--search: share of records that may be suppressed (default 0.04)")
    risk.add_argument("--fail-on", choices=("any", "never"), default="any",
                      help="any (default): exit 1 when a pass mark fails; never: report only")
    risk.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    reader_option(risk)
    risk.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..risk import assess_risk

    qis = names(args.qi, "--qi")
    sensitive = names(args.sensitive, "--sensitive")
    if (args.l is not None or args.t is not None) and not sensitive:
        raise CliError("--l and --t judge sensitive attributes: name them with --sensitive.")
    with progress(f"reading {args.path}", quiet=args.quiet) as update:
        update(0.0, "")
        frame = read_table(args.path, reader=args.reader)
    require_rows(frame, args.path)
    check_columns(frame, qis, "--qi", args.path)
    check_columns(frame, sensitive, "--sensitive", args.path)
    with progress("assessing risk", quiet=args.quiet) as update:
        update(0.0, "")
        assessment = assess_risk(frame, quasi_identifiers=qis, sensitive=sensitive or None,
                                 hierarchies=args.hierarchies,
                                 population_size=args.population, k=args.k)
        verdict = assessment.evaluate(k=args.k, l=args.l, t=args.t, max_suppression=0.0)
    checks = _checks(assessment.now, args)
    search = None
    if args.search:
        with progress("searching generalizations", quiet=args.quiet) as update:
            search = assessment.search(k=args.k, l=args.l, t=args.t,
                                       max_suppression=args.max_suppression,
                                       progress=update, warn=False)
    passed = verdict.satisfied
    code = EXIT_CLEAN if passed or args.fail_on == "never" else EXIT_FAIL
    if args.format == "json":
        print(dump(_document(args, assessment, checks, passed, search, code)))
    elif args.format == "markdown":
        print(assessment.to_markdown(search))
        print(f"\n**Pass marks: {'passed' if passed else 'failed'}** (exit {code}): "
              + "; ".join(_check_text(c) for c in checks))
    else:
        print(_table(args, assessment, checks, passed, search, code))
    return code


def _checks(now: Any, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Each pass mark against the data as it is (for the reader; the verdict is the
    assessment's own, `evaluate(...).satisfied`)."""
    out = [{"mark": "k", "column": None, "required": args.k, "value": now.k,
            "passes": now.k >= args.k}]
    for s, value in now.l_diversity.items():
        if args.l is not None:
            out.append({"mark": "l", "column": s, "required": args.l, "value": value,
                        "passes": value >= args.l})
    for s, value in now.t_closeness.items():
        if args.t is not None:
            out.append({"mark": "t", "column": s, "required": args.t, "value": value,
                        "passes": value <= args.t})
    return out


def _check_text(c: dict[str, Any]) -> str:
    op = "<=" if c["mark"] == "t" else ">="
    value = f"{c['value']:.3f}" if c["mark"] == "t" else f"{c['value']}"
    where = f" ({c['column']})" if c["column"] else ""
    return (f"{c['mark']}{where} = {value}, needs {op} {c['required']}: "
            f"{'pass' if c['passes'] else 'FAIL'}")


def _document(args: argparse.Namespace, assessment: Any, checks: list[dict[str, Any]],
              passed: bool, search: Any, code: int) -> dict[str, Any]:
    now = assessment.now.to_dict()
    return finite({
        "format_version": FORMAT_VERSION,
        "command": "risk",
        "path": str(args.path),
        "n_records": assessment.now.n_records,
        "quasi_identifiers": list(assessment.quasi_identifiers),
        "sensitive": list(assessment.sensitive),
        "pass_marks": {"k": args.k, "l": args.l, "t": args.t},
        "figures": {name: now[name] for name in FIGURES},
        "checks": checks,
        "passed": passed,
        "search": None if search is None else _search_dict(search),
        "exit_code": code,
    })


def _search_dict(search: Any) -> dict[str, Any]:
    d = search.to_dict()
    f = search.figures
    return {"found": search.levels is not None, "levels": d["levels"],
            "descriptions": d["descriptions"], "criteria": d["criteria"],
            "k": f.k if f else None, "suppressed": f.suppressed if f else None,
            "information_loss": d["information_loss"], "complete": d["complete"],
            "strategy": d["strategy"], "nodes_evaluated": d["nodes_evaluated"],
            "lattice_size": d["lattice_size"], "seconds": d["wall_seconds"],
            "note": d["note"]}


def _table(args: argparse.Namespace, assessment: Any, checks: list[dict[str, Any]],
           passed: bool, search: Any, code: int) -> str:
    f = assessment.now
    n = max(1, f.n_records)
    lines = [f"{args.path}: {f.n_records:,} records; quasi-identifiers: "
             f"{names_text(assessment.quasi_identifiers)}"
             + (f"; sensitive: {names_text(assessment.sensitive)}"
                if assessment.sensitive else ""),
             f"  k = {f.k}; {f.n_classes:,} classes; {f.sample_uniques:,} unique records "
             f"({f.sample_uniques / n:.1%}); {f.records_below_k:,} records in classes "
             f"below k={args.k}",
             f"  prosecutor risk: highest {f.highest_risk:.1%}, average {f.average_risk:.1%}"]
    if args.population:
        lines.append(f"  journalist risk {f.journalist_risk:.1%}, marketer risk "
                     f"{f.marketer_risk:.1%} (population {args.population:,})")
    for s in assessment.sensitive:
        lines.append(f"  {s}: l-diversity {f.l_diversity.get(s)}, t-closeness "
                     f"{f.t_closeness.get(s, float('nan')):.3f}")
    lines += ["Pass marks:", *(f"  {_check_text(c)}" for c in checks)]
    if search is not None:
        lines.append(_search_text(search))
    lines.append(f"Result: {'passed' if passed else 'FAILED'} (exit {code})")
    return "\n".join(lines)


def _search_text(search: Any) -> str:
    wanted = ", ".join(f"{k}={v:.0%}" if k == "max_suppression" else f"{k}={v}"
                       for k, v in search.criteria.items() if v is not None)
    cost = (f"{search.strategy}, {search.nodes_evaluated:,} of {search.lattice_size:,} "
            f"generalizations, {search.wall_seconds:.2f} s")
    if search.levels is None or search.figures is None:
        return f"Search ({wanted}): no generalization meets the pass marks ({cost})." + (
            f"\n  {search.note}" if search.note else "")
    f = search.figures
    words = "; ".join(f"{q}: {d}" for q, d in search.descriptions.items())
    out = (f"Best generalization ({wanted}): {words}\n"
           f"  then k = {f.k}, {f.suppressed:,} records suppressed "
           f"({f.suppressed / max(1, f.n_records):.1%}), information loss "
           f"{f.information_loss:.1%} ({cost})")
    return out + (f"\n  {search.note}" if search.note else "")
