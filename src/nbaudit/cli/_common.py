"""What every subcommand shares: exit codes, option parsing, column checks, progress."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .._text import names_text, quote_name
from ..pii.entities import FINDING_LEVELS

if TYPE_CHECKING:
    import pandas as pd

#: 0: every check passed (nothing found at the --fail-on level, every pass mark met).
EXIT_CLEAN = 0
#: 1: personal data found at the --fail-on level, or a pass mark (k, l, t, a disparity) failed.
EXIT_FOUND = 1
EXIT_FAIL = EXIT_FOUND
#: 2: bad usage or unreadable input (the message on stderr says what to do).
EXIT_USAGE = 2
#: 130: interrupted (Ctrl-C).
EXIT_INTERRUPTED = 130
LEVELS = FINDING_LEVELS
#: The version of the JSON documents the subcommands print (``--format json``); fields are
#: only ever added within a version.
FORMAT_VERSION = 1

EXIT_CODES = f"""exit codes:
  {EXIT_CLEAN}    passed: nothing at the --fail-on level, every pass mark met
  {EXIT_FOUND}    found or failed: personal data at the --fail-on level, or a pass mark
       (k, l, t; a fairness disparity) not met
  {EXIT_USAGE}    bad usage or unreadable input (unknown column, empty or unreadable file)
  {EXIT_INTERRUPTED}  interrupted"""


class CliError(ValueError):
    """A problem with the command line or the input; the message says what to do."""


def common_options() -> argparse.ArgumentParser:
    """Options every subcommand takes (a parent parser)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar (it is shown on stderr only when stderr is a "
                             "terminal)")
    return parent


def reader_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reader", choices=("auto", "duckdb", "pandas"), default="auto",
                        help="how tables are read: DuckDB when installed (auto, the default),"
                             " or pandas/pyarrow")


def names(values: Sequence[str] | None, option: str) -> list[str]:
    """Column names from repeated and comma-separated options (``--qi a,b --qi c``)."""
    out = [n.strip() for v in values or [] for n in v.split(",") if n.strip()]
    if values and not out:
        raise CliError(f"{option} names no column: give e.g. {option} age,zip_code.")
    return out


def check_columns(frame: pd.DataFrame, wanted: Sequence[str], option: str, path: str) -> None:
    """Refuse columns the table does not have, naming them and the ones it has."""
    have = {str(c) for c in frame.columns}
    missing = [c for c in wanted if c not in have]
    if missing:
        which = ", ".join(quote_name(c) for c in missing)
        raise CliError(f"{path}: no column {which} ({option}). Its columns: "
                       f"{names_text(map(str, frame.columns))}.")
    twice = sorted({c for c in wanted if list(wanted).count(c) > 1})
    if twice:
        raise CliError(f"{option} names {', '.join(quote_name(c) for c in twice)} twice.")


def require_rows(frame: pd.DataFrame, path: str) -> None:
    if len(frame) == 0:
        raise CliError(f"{path}: the table has columns but no rows; give a file with data.")


def dump(document: dict[str, Any] | list[Any]) -> str:
    """The stable JSON form: sorted keys are not used (documents read top-down), NaN is null."""
    return json.dumps(document, indent=2, default=_json_default, allow_nan=False)


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def finite(value: Any) -> Any:
    """NaN and infinities as None, for `dump` (JSON has neither)."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def _stderr_is_tty() -> bool:
    return bool(getattr(sys.stderr, "isatty", lambda: False)())


Update = Callable[[float, str], None]


@contextmanager
def progress(label: str, *, quiet: bool) -> Iterator[Update]:
    """A progress bar on stderr (rich) while long work runs; nothing when quiet or piped.

    Yields ``update(fraction, message)``, the callback `scan_pii` and `search` take.
    """
    if quiet or not _stderr_is_tty():
        yield _nothing
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                   TimeElapsedColumn(), console=Console(file=sys.stderr), transient=True)
    with bar:
        task = bar.add_task(escape(label), total=1.0)

        def update(fraction: float, message: str = "") -> None:
            # Column names in messages may hold [brackets]: rich markup, escaped.
            text = f"{label}: {message}" if message else label
            bar.update(task, completed=max(0.0, min(1.0, float(fraction))),
                       description=escape(text[:80]))

        yield update


def _nothing(fraction: float, message: str = "") -> None:
    return None
