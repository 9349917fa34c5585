"""Which engine a table object belongs to, without importing any engine."""

from __future__ import annotations

import sys
from typing import Any, Literal

Kind = Literal["pandas", "polars", "polars-lazy", "pyarrow", "duckdb", "spark"]

KINDS: tuple[Kind, ...] = ("pandas", "polars", "polars-lazy", "pyarrow", "duckdb", "spark")


def _unwrap(obj: Any) -> Any:
    """The native object behind a narwhals DataFrame or LazyFrame (others unchanged)."""
    nw = sys.modules.get("narwhals")
    if nw is not None and isinstance(obj, (nw.DataFrame, nw.LazyFrame)):
        return nw.to_native(obj)
    return obj


def kind(obj: Any) -> Kind | None:
    """The engine of a table object, or None when it is not a table nbaudit knows.

    Only engines already imported are consulted (an object of an engine that was never
    imported cannot exist), so calling this never imports Polars, DuckDB or PySpark.

    Parameters
    ----------
    obj
        Any object: a pandas DataFrame, a Polars DataFrame or LazyFrame, a PyArrow Table, a
        DuckDB relation (``duckdb.sql(...)``, ``duckdb.read_parquet(...)``), a PySpark
        DataFrame (classic or Spark Connect), or a narwhals frame wrapping one of them.

    Returns
    -------
    {"pandas", "polars", "polars-lazy", "pyarrow", "duckdb", "spark"} or None
    """
    obj = _unwrap(obj)
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(obj, pd.DataFrame):
        return "pandas"
    pl = sys.modules.get("polars")
    if pl is not None:
        if isinstance(obj, pl.DataFrame):
            return "polars"
        if isinstance(obj, pl.LazyFrame):
            return "polars-lazy"
    pa = sys.modules.get("pyarrow")
    if pa is not None and isinstance(obj, pa.Table):
        return "pyarrow"
    duckdb = sys.modules.get("duckdb")
    if duckdb is not None and isinstance(obj, duckdb.DuckDBPyRelation):
        return "duckdb"
    if _is_spark(obj):
        return "spark"
    return None


def _is_spark(obj: Any) -> bool:
    # pyspark.sql.DataFrame is the parent of the classic and the Spark Connect classes.
    sql = sys.modules.get("pyspark.sql")
    frame = getattr(sql, "DataFrame", None) if sql is not None else None
    return frame is not None and isinstance(obj, frame)
