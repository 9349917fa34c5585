"""`nbaudit`: the checks of the notebook extension, for pipelines and pre-commit.

    nbaudit scan DATA... [--fail-on high|medium|low|never] [--format table|json|markdown]
    nbaudit risk DATA --qi age,zip --k 5 [--sensitive s --l 2 --t 0.2] [--search]
    nbaudit fairness DATA --y-true label (--score s [--threshold 0.5] | --y-pred p)
                     --sensitive sex,race [--pos-label yes] [--fail-on any|never|MEASURES]
    nbaudit check-notebook NB.ipynb... [--fail-on high|medium|low|never]

Exit codes: 0 passed, 1 personal data found or a pass mark failed, 2 bad usage or
unreadable input (the message says what to do), 130 interrupted. Nothing printed quotes a
raw value of a personal-data column: examples are masked, identifier groups numbered.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import _fairness, _risk, _scan
from ._common import (
    EXIT_CLEAN,
    EXIT_CODES,
    EXIT_FAIL,
    EXIT_FOUND,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    FORMAT_VERSION,
    LEVELS,
    CliError,
)
from ._read import read_table

__all__ = ["EXIT_CLEAN", "EXIT_FAIL", "EXIT_FOUND", "EXIT_INTERRUPTED", "EXIT_USAGE",
           "FORMAT_VERSION", "LEVELS", "CliError", "main", "read_table"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (argparse's own exits included)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print(f"nbaudit {args.command}: interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ValueError, TypeError, OSError) as exc:  # nbaudit's messages say what to do
        print(f"nbaudit {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nbaudit")
    except PackageNotFoundError:  # running from a source tree
        return "0.0.0"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nbaudit", epilog=EXIT_CODES + "\n\nRun nbaudit COMMAND --help for a command's "
        "options.", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Audit tables and notebooks for personal data, re-identification risk "
                    "and fairness, in pipelines and pre-commit.")
    parser.add_argument("--version", action="version", version=f"nbaudit {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parent = _common_parent()
    _scan.add_parsers(sub, parent)
    _risk.add_parser(sub, parent)
    _fairness.add_parser(sub, parent)
    return parser


def _common_parent() -> argparse.ArgumentParser:
    from ._common import common_options

    return common_options()
