"""`nbaudit fairness`: per-group metrics of a model's decisions, disparities as pass marks."""

from __future__ import annotations

import argparse
from typing import Any

from .._text import names_text, quote_name
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

SHOWN = ["count", "selection_rate", "true_positive_rate", "false_positive_rate",
         "false_negative_rate", "precision", "accuracy", "small"]
_TRUE, _FALSE = ("true", "t", "yes", "y", "1"), ("false", "f", "no", "n", "0")
MASK_SAMPLE = 5_000  # rows classified to decide whether a sensitive column is an identifier


def add_parser(sub: Any, parent: argparse.ArgumentParser) -> None:
    from ..fairness.audit import DEFAULT_THRESHOLDS

    fair = sub.add_parser(
        "fairness", parents=[parent], epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="per-group metrics of a model's decisions, with the disparities as pass marks",
        description="Per-group metrics of a model's decisions (from scores and a threshold, "
                    "or decisions) and the parity measures between groups: exit 1 when a "
                    "disparity fails its pass mark.")
    fair.add_argument("path", metavar="DATA", help="a .csv, .parquet file or Parquet folder")
    fair.add_argument("--y-true", required=True, metavar="COLUMN", help="the true outcomes")
    decisions = fair.add_mutually_exclusive_group(required=True)
    decisions.add_argument("--score", metavar="COLUMN", help="scores in [0, 1]")
    decisions.add_argument("--y-pred", metavar="COLUMN", help="the model's decisions")
    fair.add_argument("--threshold", type=float, default=0.5,
                      help="--score: decisions are score >= threshold (default 0.5)")
    fair.add_argument("--sensitive", action="append", required=True, metavar="COLUMNS",
                      help="sensitive features, comma-separated (several: intersectional "
                           "groups)")
    fair.add_argument("--pos-label", default=None,
                      help="the positive outcome when labels are not 0/1 (e.g. yes)")
    fair.add_argument("--min-group-size", type=int, default=30,
                      help="groups smaller than this do not decide the disparities "
                           "(default 30)")
    fair.add_argument("--ratio", type=float, default=DEFAULT_THRESHOLDS["ratio"],
                      help="pass mark of ratios: pass at or above (default "
                           f"{DEFAULT_THRESHOLDS['ratio']})")
    fair.add_argument("--difference", type=float, default=DEFAULT_THRESHOLDS["difference"],
                      help="pass mark of differences: pass at or below (default "
                           f"{DEFAULT_THRESHOLDS['difference']})")
    fair.add_argument("--fail-on", default="any", metavar="any|never|MEASURES",
                      help="any (default): exit 1 when a disparity fails; never: report only; "
                           "or comma-separated measures, e.g. disparate_impact_ratio")
    fair.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    reader_option(fair)
    fair.set_defaults(run=run)


def _measures(text: str) -> set[str] | None:
    """The disparities that decide the exit code (None: all)."""
    from ..fairness.audit import disparities

    if text == "any":
        return None
    if text == "never":
        return set()
    known = [d.name for d in disparities({}, [])]  # one group: every measure, undefined
    wanted = {n.strip() for n in text.split(",") if n.strip()}
    unknown = sorted(wanted - set(known))
    if unknown or not wanted:
        raise CliError(f"--fail-on: {', '.join(map(quote_name, unknown)) or 'nothing'} is not "
                       f"a measure; give any, never or some of {', '.join(known)}.")
    return wanted


def _pos_label(text: str | None, column: Any) -> Any:
    """The --pos-label text in the type of the label column (1 for integers, True...)."""
    import pandas as pd

    if text is None:
        return None
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):  # DuckDB reads yes/no and true/false as booleans
        word = text.strip().lower()
        if word not in _TRUE + _FALSE:
            raise CliError("--pos-label: the label column holds true/false (or yes/no); give "
                           "one of them.")
        return word in _TRUE
    if pd.api.types.is_numeric_dtype(dtype):
        try:
            number = float(text)
        except ValueError:
            raise CliError("--pos-label: the label column holds numbers; give one, e.g. "
                           "--pos-label 1.") from None
        return int(number) if number.is_integer() else number
    return text


def _masked(frame: Any, sensitive: list[str]) -> tuple[Any, list[str]]:
    """Sensitive features that are identifiers (emails, names...): groups numbered, never
    shown by value. Counts and groups stay the same; only their labels change."""
    import pandas as pd

    from ..pii.scan import scan_pii

    part = frame[sensitive]
    sample = part.sample(n=min(len(part), MASK_SAMPLE), random_state=0)
    scan = scan_pii(sample)
    notes, replaced = [], {}
    for c in scan.columns:
        if c.role == "identifier" and c.entity != "NONE":
            name = sensitive[c.position]
            codes, _ = pd.factorize(part[name])
            labels = pd.Series([f"{c.entity} group {i + 1}" for i in codes], index=part.index)
            replaced[name] = labels.where(codes >= 0, None)
            notes.append(f"{quote_name(name)} holds {c.entity} values: its groups are "
                         "numbered, not shown.")
    if replaced:
        part = part.assign(**replaced)
    return part, notes


def run(args: argparse.Namespace) -> int:
    from ..fairness import audit_fairness

    sensitive = names(args.sensitive, "--sensitive")
    decided_by = _measures(args.fail_on)
    decision = args.score if args.score is not None else args.y_pred
    with progress(f"reading {args.path}", quiet=args.quiet) as update:
        update(0.0, "")
        frame = read_table(args.path, reader=args.reader)
    require_rows(frame, args.path)
    check_columns(frame, [args.y_true, decision], "--y-true/--score/--y-pred", args.path)
    check_columns(frame, sensitive, "--sensitive", args.path)
    clash = [c for c in sensitive if c in (args.y_true, decision)]
    if clash:
        raise CliError(f"{names_text(clash)} cannot be both a sensitive feature and the "
                       "outcome or the decision.")
    with progress("auditing fairness", quiet=args.quiet) as update:
        update(0.0, "")
        groups, notes = _masked(frame, sensitive)
        audit = audit_fairness(
            frame[args.y_true],
            y_pred=frame[args.y_pred] if args.y_pred is not None else None,
            y_score=frame[args.score] if args.score is not None else None,
            sensitive_features=groups, threshold=args.threshold,
            pos_label=_pos_label(args.pos_label, frame[args.y_true]),
            min_group_size=args.min_group_size,
            thresholds={"ratio": args.ratio, "difference": args.difference})
    deciding = [d for d in audit.disparity_list
                if decided_by is None or d.name in decided_by]
    failed = [d.name for d in deciding if d.passes is False]
    code = EXIT_FAIL if failed else EXIT_CLEAN
    if args.format == "json":
        print(dump(_document(args, audit, notes, failed, code)))
    elif args.format == "markdown":
        print("\n\n".join([*notes, audit.to_markdown(),
                           f"**Pass marks: {'failed' if failed else 'passed'}** (exit {code})"
                           + (f": {', '.join(failed)}" if failed else "")]))
    else:
        print(_table(args, audit, notes, failed, code))
    return code


def _document(args: argparse.Namespace, audit: Any, notes: list[str], failed: list[str],
              code: int) -> dict[str, Any]:
    d = audit.to_dict()
    return finite({
        "format_version": FORMAT_VERSION,
        "command": "fairness",
        "path": str(args.path),
        "y_true": args.y_true,
        "decisions": ({"score": args.score, "threshold": args.threshold}
                      if args.score is not None else {"y_pred": args.y_pred}),
        "sensitive": d["features"],
        "n": d["n"],
        "dropped": d["dropped"],
        "min_group_size": d["min_group_size"],
        "pass_marks": {"ratio": args.ratio, "difference": args.difference},
        "groups": [{k: g[k] for k in ("group", "count", "small", *SHOWN[1:-1], "base_rate")}
                   for g in d["groups"]],
        "overall": d["overall"],
        "disparities": d["disparities"],
        "notes": [*notes, *d["notes"]],
        "failed": failed,
        "passed": not failed,
        "exit_code": code,
    })


def _plain(text: Any, limit: int = 40) -> str:
    return quote_name(text, limit)[1:-1]  # one line, control characters gone


def _table(args: argparse.Namespace, audit: Any, notes: list[str], failed: list[str],
           code: int) -> str:
    d = audit.to_dict()
    how = (f"decisions: {args.score} >= {args.threshold}" if args.score is not None
           else f"decisions: {args.y_pred}")
    lines = [f"{args.path}: {d['n']:,} rows ({d['dropped']:,} dropped: missing values); "
             f"outcome {args.y_true}; {how}; groups by {names_text(d['features'])}"]
    lines += [f"  note: {n}" for n in [*notes, *d["notes"]]]
    rows = [[_plain(g["group"]), f"{g['count']:,}",
             *(_rate(g[m]) for m in SHOWN[1:-1]), "small" if g["small"] else ""]
            for g in d["groups"]]
    head = ["group", "count", "selected", "TPR", "FPR", "FNR", "precision", "accuracy", ""]
    lines += _columns(head, rows)
    lines.append("Disparities:")
    disp = []
    for x in d["disparities"]:
        verdict = {True: "pass", False: "FAIL", None: "undefined"}[x["passes"]]
        op = ">=" if x["kind"] == "ratio" else "<="
        between = " vs ".join(_plain(g) for g in x["groups"] or [])
        disp.append([x["name"], _rate(x["value"], pct=False), f"{op} {x['threshold']}",
                     verdict, between])
    lines += _columns(["measure", "value", "pass mark", "", "groups (lowest vs highest)"],
                      disp, indent="  ")
    lines.append(f"Result: {'FAILED: ' + ', '.join(failed) if failed else 'passed'} "
                 f"(exit {code})")
    return "\n".join(lines)


def _rate(value: Any, pct: bool = True) -> str:
    if value is None or value != value:
        return "—"
    return f"{value:.1%}" if pct else f"{value:.3f}"


def _columns(head: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    return [indent + "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in [head, *rows]]
