"""`nbaudit`: the checks of the notebook extension for pipelines and pre-commit.

    nbaudit check-notebook [--fail-on high|medium|low] [--format text|json|markdown] NB.ipynb...
    nbaudit scan [--fail-on high|medium|low] [--format table|json|markdown] DATA...

Exit codes: 0 nothing found at the ``--fail-on`` level, 1 found, 2 bad usage or unreadable
input (the message says what to do). Nothing printed quotes a raw value: examples are masked.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

EXIT_CLEAN, EXIT_FOUND, EXIT_USAGE = 0, 1, 2
LEVELS = ("low", "medium", "high")
_READERS = {".csv": "csv", ".tsv": "tsv", ".txt": "csv", ".parquet": "parquet",
            ".pq": "parquet", ".json": "json", ".jsonl": "jsonl"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except (ValueError, OSError) as exc:  # nbaudit's own messages say what to do
        print(f"nbaudit {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nbaudit", description="Find personal data in notebooks and tables.")
    sub = parser.add_subparsers(dest="command", required=True)

    nb = sub.add_parser("check-notebook", help="personal data and secrets in saved notebooks "
                        "(outputs, widget state, attachments; secrets in code)")
    nb.add_argument("paths", nargs="+", metavar="NOTEBOOK", help=".ipynb files")
    nb.add_argument("--fail-on", choices=LEVELS, default="high",
                    help="exit 1 when a finding is at this level or above (default high)")
    nb.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    nb.add_argument("--entities", default=None,
                    help="comma-separated entities to look for (default: all)")
    nb.set_defaults(run=_check_notebooks)

    scan = sub.add_parser("scan", help="the PII inventory of CSV, Parquet or JSON tables")
    scan.add_argument("paths", nargs="+", metavar="DATA",
                      help="files (.csv, .tsv, .parquet, .json, .jsonl) or Parquet folders")
    scan.add_argument("--fail-on", choices=LEVELS, default="high",
                      help="exit 1 when a column holds personal data at this level or above")
    scan.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    scan.add_argument("--sample", type=int, default=None, help="rows sampled per column")
    scan.set_defaults(run=_scan_tables)
    return parser


def _entities(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip().upper() for n in text.split(",") if n.strip()]
    if not names:
        raise ValueError("--entities names no entity: give e.g. --entities EMAIL_ADDRESS,PERSON")
    return names


def _check_notebooks(args: argparse.Namespace) -> int:
    from .notebook_check import check_notebook

    results = [check_notebook(p, _entities(args.entities)) for p in args.paths]
    if args.format == "json":
        print(json.dumps([r.to_dict() for r in results], indent=2))
    elif args.format == "markdown":
        print("\n\n".join(r.to_markdown() for r in results))
    else:
        print("\n".join(r.to_text() for r in results))
    return EXIT_FOUND if any(r.failed(args.fail_on) for r in results) else EXIT_CLEAN


def read_table(path: str | Path) -> pd.DataFrame:
    """A table from a file or a folder of Parquet files, read as a user would with pandas."""
    import pandas as pd  # here: `nbaudit --help` stays fast

    path = Path(path)
    if path.is_dir():
        files = sorted(path.rglob("*.parquet"))
        if not files:
            raise ValueError(f"{path}: a folder without .parquet files; give files or a "
                             "folder of Parquet files.")
        return pd.read_parquet(path)
    kind = _READERS.get(path.suffix.lower())
    if kind is None:
        raise ValueError(f"{path}: unknown file type {path.suffix!r}; nbaudit scan reads "
                         f"{', '.join(sorted(_READERS))} files and Parquet folders.")
    if not path.exists():
        raise ValueError(f"{path}: no such file.")
    if kind in ("csv", "tsv"):
        return pd.read_csv(path, sep="\t" if kind == "tsv" else ",", low_memory=False)
    if kind == "parquet":
        return pd.read_parquet(path)
    return pd.read_json(path, lines=kind == "jsonl")


def _scan_tables(args: argparse.Namespace) -> int:
    from .pii.scan import scan_pii

    floor = LEVELS.index(args.fail_on)
    failed = False
    reports = []
    for p in args.paths:
        scan = scan_pii(read_table(p), sample_size=args.sample)
        inv = scan.inventory
        hits = inv[inv["entity"] != "NONE"]
        failed |= bool(hits["level"].map(lambda lv: lv in LEVELS and LEVELS.index(lv) >= floor)
                       .any())
        reports.append((p, scan, inv))
    if args.format == "json":
        print(json.dumps([{"path": str(p), **json.loads(scan.to_json())}
                          for p, scan, _ in reports], indent=2))
    elif args.format == "markdown":
        print("\n\n".join(scan.to_markdown() for _, scan, _ in reports))
    else:
        for p, scan, inv in reports:
            print(f"{p}: {scan.n_rows:,} rows, {len(inv)} columns")
            cols = ["column", "entity", "role", "level", "confidence", "n_flagged", "handling"]
            print(inv[cols].to_string(index=False))
    return EXIT_FOUND if failed else EXIT_CLEAN


if __name__ == "__main__":  # python -m nbaudit.cli
    raise SystemExit(main())
