"""`nbaudit scan` (tables) and `nbaudit check-notebook` (saved notebooks)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ._common import (
    EXIT_CLEAN,
    EXIT_CODES,
    EXIT_FOUND,
    FORMAT_VERSION,
    LEVELS,
    CliError,
    dump,
    progress,
    reader_option,
    require_rows,
)
from ._read import read_table

FAIL_ON = (*LEVELS, "never")
SCAN_COLUMNS = ["column", "entity", "role", "level", "confidence", "n_flagged", "handling"]


def add_parsers(sub: Any, parent: argparse.ArgumentParser) -> None:
    nb = sub.add_parser(
        "check-notebook", parents=[parent], epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="personal data and secrets in saved notebooks (outputs, widget state, "
             "attachments; secrets in code)",
        description="List the cells of saved notebooks whose outputs, widget state or "
                    "attachments hold personal data, or whose code holds secrets. Examples "
                    "are masked.")
    nb.add_argument("paths", nargs="+", metavar="NOTEBOOK", help=".ipynb files")
    nb.add_argument("--fail-on", choices=FAIL_ON, default="high",
                    help="exit 1 when a finding is at this level or above (default high; "
                         "never: report only)")
    nb.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    nb.add_argument("--entities", default=None,
                    help="comma-separated entities to look for (default: all)")
    nb.set_defaults(run=check_notebooks)

    scan = sub.add_parser(
        "scan", parents=[parent], epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="the PII inventory of CSV, Parquet or JSON tables",
        description="The personal-data inventory of tables: one row per column (entity, "
                    "level, flagged cells). No cell value is printed.")
    scan.add_argument("paths", nargs="+", metavar="DATA",
                      help="files (.csv, .tsv, .parquet, .json, .jsonl) or Parquet folders")
    scan.add_argument("--fail-on", choices=FAIL_ON, default="high",
                      help="exit 1 when a column holds personal data at this level or above "
                           "(default high; never: report only)")
    scan.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    scan.add_argument("--sample", type=int, default=None, help="rows sampled per column")
    reader_option(scan)
    scan.set_defaults(run=scan_tables)


def _entities(text: str | None) -> list[str] | None:
    if text is None:
        return None
    found = [n.strip().upper() for n in text.split(",") if n.strip()]
    if not found:
        raise CliError("--entities names no entity: give e.g. --entities EMAIL_ADDRESS,PERSON")
    return found


def check_notebooks(args: argparse.Namespace) -> int:
    from ..notebook_check import check_notebook

    wanted = _entities(args.entities)
    results = []
    with progress("checking notebooks", quiet=args.quiet) as update:
        for i, p in enumerate(args.paths):
            update(i / len(args.paths), str(p))
            results.append(check_notebook(p, wanted))
    failed = args.fail_on != "never" and any(r.failed(args.fail_on) for r in results)
    if args.format == "json":
        print(dump([{"format_version": FORMAT_VERSION, "command": "check-notebook",
                     **r.to_dict(), "failed": args.fail_on != "never"
                     and r.failed(args.fail_on)} for r in results]))
    elif args.format == "markdown":
        print("\n\n".join(r.to_markdown() for r in results))
    else:
        print("\n".join(r.to_text() for r in results))
    return EXIT_FOUND if failed else EXIT_CLEAN


def _failed(inventory: Any, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    floor = LEVELS.index(fail_on)
    hits = inventory[inventory["entity"] != "NONE"]
    return bool(hits["level"].map(lambda lv: lv in LEVELS and LEVELS.index(lv) >= floor).any())


def scan_tables(args: argparse.Namespace) -> int:
    from ..pii.scan import scan_pii

    reports = []
    for p in args.paths:
        with progress(f"reading {p}", quiet=args.quiet) as update:
            update(0.0, "")
            frame = read_table(p, reader=args.reader)
        require_rows(frame, str(p))
        with progress(f"scanning {p}", quiet=args.quiet) as update:
            scan = scan_pii(frame, sample_size=args.sample, progress=update)
        reports.append((p, scan, _failed(scan.inventory, args.fail_on)))
    if args.format == "json":
        print(dump([{"format_version": FORMAT_VERSION, "command": "scan", "path": str(p),
                     "failed": failed, **json.loads(scan.to_json())}
                    for p, scan, failed in reports]))
    elif args.format == "markdown":
        print("\n\n".join(scan.to_markdown() for _, scan, _ in reports))
    else:
        for p, scan, failed in reports:
            inv = scan.inventory
            print(f"{p}: {scan.n_rows:,} rows, {len(inv)} columns"
                  f"{' (fails --fail-on ' + args.fail_on + ')' if failed else ''}")
            print(inv[SCAN_COLUMNS].to_string(index=False))
    return EXIT_FOUND if any(f for _, _, f in reports) else EXIT_CLEAN
