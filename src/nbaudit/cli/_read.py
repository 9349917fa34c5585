"""Tables for the command line: CSV, TSV, Parquet files and folders of Parquet parts.

Read through DuckDB when it is installed (``pip install 'nbaudit[duckdb]'``): its CSV reader
infers dates and keeps the leading zeros of codes such as ``02139``, and it reads a folder
of Parquet parts with differing columns (by name). Otherwise pandas and pyarrow read them.
The analyses still run on a pandas frame for now.

No message quotes the content of a file: a reader's own error text can (DuckDB's CSV errors
print the offending line), so only its kind is named.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ._common import CliError

if TYPE_CHECKING:
    import pandas as pd

# The line a reader complains about (a number, never its content): DuckDB, then pandas.
_LINE = re.compile(r"(?:on line: |in line )(\d+)")
KINDS = {".csv": "csv", ".tsv": "tsv", ".txt": "csv", ".parquet": "parquet",
         ".pq": "parquet", ".json": "json", ".jsonl": "jsonl"}


def have_duckdb() -> bool:
    return importlib.util.find_spec("duckdb") is not None


def read_table(path: str | Path, *, reader: str = "auto") -> pd.DataFrame:
    """A table from a file or a folder of Parquet files, as a pandas DataFrame.

    Parameters
    ----------
    path
        A ``.csv``, ``.tsv``, ``.parquet`` (``.pq``), ``.json`` or ``.jsonl`` file, or a
        folder holding ``.parquet`` files (in subfolders too: Hive partitions).
    reader
        ``"auto"`` (DuckDB when installed, else pandas), ``"duckdb"`` or ``"pandas"``.

    Raises
    ------
    CliError
        Missing, empty or unreadable files and unknown file types, with what to do.
    """
    path = Path(path)
    kind = _kind(path)
    engine = _engine(reader)
    try:
        if engine == "duckdb" and kind in ("csv", "tsv", "parquet"):
            return _duckdb(path, kind)
        return _pandas(path, kind)
    except CliError:
        raise
    except MemoryError:
        raise CliError(f"{path}: the table does not fit in memory.") from None
    except Exception as exc:  # every reader's own error types; their text may hold data
        raise CliError(_unreadable(path, kind, exc)) from None


def _kind(path: Path) -> str:
    if path.is_dir():
        if not any(path.rglob("*.parquet")):
            raise CliError(f"{path}: a folder without .parquet files; give files, or a folder "
                           "of Parquet files (parts of one table).")
        return "folder"
    kind = KINDS.get(path.suffix.lower())
    if not path.exists() and (kind is not None or not path.suffix):
        raise CliError(f"{path}: no such file or folder.")
    if kind is None:
        raise CliError(f"{path}: unknown file type {path.suffix or '(none)'!r}; nbaudit reads "
                       f"{', '.join(sorted(KINDS))} files and folders of Parquet files.")
    if path.stat().st_size == 0:
        raise CliError(f"{path}: the file is empty.")
    return kind


def _engine(reader: str) -> str:
    if reader == "pandas":
        return "pandas"
    if have_duckdb():
        return "duckdb"
    if reader == "duckdb":
        raise CliError("--reader duckdb: DuckDB is not installed; pip install "
                       "'nbaudit[duckdb]', or use --reader pandas.")
    return "pandas"


def _duckdb(path: Path, kind: str) -> pd.DataFrame:
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")  # ours is on stderr, theirs on stdout
        if kind in ("csv", "tsv"):
            # The delimiter and the header are fixed, as pandas does: DuckDB's sniffer would
            # otherwise skip ragged lines or choose another delimiter without a word.
            rel = con.read_csv(str(path), header=True, skiprows=0,
                               sep="\t" if kind == "tsv" else ",")
        elif kind == "folder":
            rel = con.read_parquet(str(path / "**" / "*.parquet"), union_by_name=True)
        else:
            rel = con.read_parquet(str(path))
        # Through Arrow: faster than .df() for text columns; dates as datetime64, as pandas.
        return rel.to_arrow_table().to_pandas(date_as_object=False)
    finally:
        con.close()


def _pandas(path: Path, kind: str) -> pd.DataFrame:
    import pandas as pd  # here: `nbaudit --help` stays fast

    if kind in ("csv", "tsv"):
        return pd.read_csv(path, sep="\t" if kind == "tsv" else ",", low_memory=False)
    if kind in ("parquet", "folder"):
        return pd.read_parquet(path)
    return pd.read_json(path, lines=kind == "jsonl")


def _unreadable(path: Path, kind: str, exc: BaseException) -> str:
    what = {"csv": "a CSV file", "tsv": "a TSV file", "parquet": "a Parquet file",
            "folder": "a folder of Parquet files", "json": "a JSON file",
            "jsonl": "a JSON Lines file"}[kind]
    text = str(exc).lower()
    line = _LINE.search(text)
    at = f" (line {line.group(1)})" if line else ""
    if isinstance(exc, UnicodeDecodeError) or "invalid unicode" in text \
            or "not utf-8 encoded" in text:
        hint = f"it is not UTF-8 text{at}; save it as UTF-8"
    elif kind in ("csv", "tsv") and ("column" in text or "fields" in text
                                     or "dialect" in text or "tokeniz" in text):
        hint = (f"its rows do not all have the header's number of fields{at} (or it uses "
                "another delimiter); fix the file or save it again from its source")
    elif isinstance(exc, PermissionError):
        hint = "permission denied"
    else:
        hint = f"check that it is {what}, not a file of another kind renamed"
    return f"{path}: not readable as {what} ({type(exc).__name__}): {hint}."
