"""`Table`: one interface over pandas, Polars, PyArrow, DuckDB and Spark tables.

Everything that reads all rows runs in the engine (narwhals' lazy API, the engine's own API
where narwhals falls short) and only small answers come back as pandas objects: frequency
tables, counts, bounded samples. pandas input is answered by pandas itself, the reference the
other engines are tested against.

Missing values follow pandas: a value is missing when `pandas.isna` would say so after the
conversion to pandas, so in float columns NaN counts as missing and NaN and null form a
single class (Polars, Arrow, DuckDB and Spark keep NaN apart from null; here it is turned
into null before grouping and counting). Missing values form their own class in
`group_counts` (pandas' ``dropna=False``), are counted by `null_counts`, left out of
`value_counts` (pandas' default) and never match a pattern.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._text import names_text, quote_name
from . import _regex
from ._detect import Kind, _unwrap, kind

_SPARK_PANDAS_WARNING = "PySpark does not yet fully support pandas"


class TableTooLarge(ValueError):
    """A whole table was asked for and it has more rows than the caller allowed."""


class UnsupportedPattern(ValueError):
    """A regular expression the engine's dialect cannot compile."""


class RegexCounts(dict[str, int]):
    """Rows matching each pattern (a ``dict[str, int]``), with the patterns left out.

    Attributes
    ----------
    unsupported
        ``{key: reason}`` for the patterns the engine's dialect cannot compile; they are not
        among the counts. ``reason`` is the engine's message (it names the construct).
    dialect
        The dialect that ran: "python", "rust", "re2" or "java".
    """

    def __init__(self, counts: Mapping[str, int], unsupported: Mapping[str, str], dialect: str):
        super().__init__(counts)
        self.unsupported: dict[str, str] = dict(unsupported)
        self.dialect = dialect

    def __repr__(self) -> str:
        return f"RegexCounts({dict(self)!r}, unsupported={sorted(self.unsupported)!r})"


def _int(value: Any) -> int:
    """An engine's count as int: a sum over no rows may come back null."""
    return 0 if value is None or pd.isna(value) else int(value)


def _arrow_to_pandas(table: Any) -> pd.DataFrame:
    return table.to_pandas()


def _collect(lf: Any) -> pd.DataFrame:
    """A narwhals LazyFrame, run by its engine, as pandas (through Arrow)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_SPARK_PANDAS_WARNING)
        return _arrow_to_pandas(lf.collect(backend="pyarrow").to_native())


def _family(dtype: Any) -> str:
    import narwhals as nw

    if dtype == nw.String:
        return "string"
    if dtype == nw.Boolean:
        return "boolean"
    if dtype.is_integer():
        return "integer"
    if dtype.is_float():
        return "float"
    if dtype.is_decimal():
        return "decimal"
    if dtype.is_temporal():
        return "temporal"
    if dtype in (nw.Categorical, nw.Enum):
        return "categorical"
    return "other"


def _pandas_family(series: pd.Series) -> str:
    from pandas.api import types as t

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if t.is_bool_dtype(dtype):
        return "boolean"
    if t.is_integer_dtype(dtype):
        return "integer"
    if t.is_float_dtype(dtype):
        return "float"
    if t.is_datetime64_any_dtype(dtype) or t.is_timedelta64_dtype(dtype):
        return "temporal"
    if t.is_string_dtype(dtype):
        return "string"
    return "other"


class Table:
    """A table in its own engine, asked only for aggregates and bounded extracts.

    Parameters
    ----------
    data
        A pandas DataFrame, Polars DataFrame or LazyFrame, PyArrow Table, DuckDB relation,
        PySpark DataFrame, or a narwhals frame around one of them.

    Raises
    ------
    TypeError
        When `data` is none of these (see `nbaudit.engines.kind`).

    Notes
    -----
    The row count and the schema are read once and kept: a `Table` is meant for one audit of
    data that does not change meanwhile.
    """

    def __init__(self, data: Any):
        found = kind(data)
        if found is None:
            raise TypeError(
                f"expected a pandas, Polars, PyArrow, DuckDB or Spark table, got "
                f"{type(data).__module__}.{type(data).__qualname__}"
            )
        self.kind: Kind = found
        self.native: Any = _unwrap(data)
        self._lf: Any = None
        if found != "pandas":
            import narwhals as nw

            frame = nw.from_native(self.native)
            self._lf = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
        self._n_rows: int | None = None
        self._schema: dict[str, str] | None = None

    def __repr__(self) -> str:
        return f"Table(kind={self.kind!r}, columns={len(self.columns)})"

    # --- schema ------------------------------------------------------------------------------
    @property
    def columns(self) -> list[Any]:
        """Column names, in order."""
        return list(self.dtypes)

    @property
    def dtypes(self) -> dict[Any, str]:
        """Column name -> "string", "integer", "float", "decimal", "boolean", "temporal",
        "categorical" or "other" (only "float" columns hold NaN)."""
        if self._schema is None:
            if self.kind == "pandas":
                frame = self.native
                self._schema = {c: _pandas_family(frame[c]) for c in frame.columns}
            else:
                schema = self._lf.collect_schema()
                self._schema = {c: _family(t) for c, t in schema.items()}
        return self._schema

    @property
    def dialect(self) -> str:
        """The regex dialect `regex_counts` runs: "python", "rust", "re2" or "java"."""
        return _regex.dialect(self.kind)

    def _check_columns(self, columns: Iterable[Any]) -> list[Any]:
        wanted = list(columns)
        known = set(self.dtypes)
        missing = [c for c in wanted if c not in known]
        if missing:
            shown = ", ".join(quote_name(c) for c in missing[:30])
            raise KeyError(f"no such column: {shown}")
        if len(set(wanted)) != len(wanted):
            raise ValueError(f"columns given more than once: {names_text(wanted)}")
        return wanted

    def _clean(self, column: Any) -> Any:
        """The narwhals expression of a column with NaN turned into null (pandas' missing)."""
        import narwhals as nw

        expr = nw.col(column)
        return expr.fill_nan(None) if self.dtypes[column] == "float" else expr

    # --- counts ------------------------------------------------------------------------------
    def n_rows(self) -> int:
        """The number of rows (counted by the engine once, then kept)."""
        if self._n_rows is None:
            if self.kind == "pandas":
                self._n_rows = len(self.native)
            else:
                import narwhals as nw

                out = _collect(self._lf.select(nw.len().alias("n")))
                self._n_rows = _int(out["n"].iloc[0])
        return self._n_rows

    def null_counts(self) -> dict[Any, int]:
        """Missing values per column (null, and NaN in float columns, as `pandas.isna`)."""
        if self.kind == "pandas":
            return {c: int(v) for c, v in self.native.isna().sum().items()}
        if not self.columns:
            return {}
        exprs = [self._clean(c).null_count().alias(c) for c in self.columns]
        row = _collect(self._lf.select(*exprs)).iloc[0]
        return {c: _int(row[c]) for c in self.columns}

    def group_counts(
        self, columns: Sequence[Any], *, extra: Any | Sequence[Any] | None = None,
        name: str = "count",
    ) -> pd.DataFrame:
        """Distinct combinations of `columns` (then `extra`) with their number of rows.

        The frequency table is computed by the engine and is all that comes back: the
        sufficient statistic for k-anonymity (the classes), l-diversity and t-closeness (with
        the sensitive column as `extra`) and per-group confusion counts (group, y_true,
        y_pred). Missing values (null, NaN) form one class per column, as pandas'
        ``groupby(dropna=False)``.

        Parameters
        ----------
        columns
            The key columns (at least one).
        extra
            A column or columns appended to the keys (the sensitive attribute, labels).
        name
            The name of the count column; it must not be a key.

        Returns
        -------
        pandas.DataFrame
            One row per combination present: the key columns, then `name` (int64). Row order
            is unspecified.
        """
        more = [] if extra is None else list(extra) if isinstance(extra, (list, tuple)) else [extra]
        keys = self._check_columns([*columns, *more])
        if not keys:
            raise ValueError("group_counts needs at least one column")
        if name in keys:
            raise ValueError(f"the count column {quote_name(name)} is also a key: pass name=")
        if self.kind == "pandas":
            sizes = self.native.groupby(keys, dropna=False, observed=True, sort=False).size()
            out = sizes.reset_index(name=name)
        else:
            import narwhals as nw

            lf = self._lf.select(*[self._clean(c).alias(c) for c in keys])
            out = _collect(lf.group_by(keys).agg(nw.len().alias(name)))
        out[name] = out[name].astype("int64")
        return out

    def size_histogram(self, columns: Sequence[Any]) -> pd.DataFrame:
        """How many classes (distinct combinations of `columns`) have each size.

        A second aggregate on top of `group_counts`, also in the engine, so that the answer
        stays small when almost every row is unique: k is the smallest size, the number of
        classes the sum of ``classes``, the unique rows the classes of size 1.

        Returns
        -------
        pandas.DataFrame
            Columns ``size`` and ``classes`` (int64), by increasing size.
        """
        keys = self._check_columns(columns)
        if not keys:
            raise ValueError("size_histogram needs at least one column")
        if self.kind == "pandas":
            sizes = self.native.groupby(keys, dropna=False, observed=True, sort=False).size()
            hist = sizes.value_counts().rename_axis("size").reset_index(name="classes")
        else:
            import narwhals as nw

            lf = self._lf.select(*[self._clean(c).alias(c) for c in keys])
            lf = lf.group_by(keys).agg(nw.len().alias("size"))
            hist = _collect(lf.group_by("size").agg(nw.len().alias("classes")))
        hist = hist.astype({"size": "int64", "classes": "int64"})
        return hist.sort_values("size", ignore_index=True)

    # --- values and patterns -----------------------------------------------------------------
    def _contains(self, column: Any, pattern: str) -> Any:
        """A boolean expression: the column's text contains a match of `pattern`."""
        import narwhals as nw

        expr = self._clean(column)
        if self.dtypes[column] != "string":
            expr = expr.cast(nw.String)  # the engine's text form of the value
        return expr.str.contains(pattern, literal=False)

    def _pandas_text(self, column: Any) -> pd.Series:
        series = self.native[column]
        series = series[series.notna()]
        return series if self.dtypes[column] == "string" else series.astype(str)

    def unsupported_patterns(self, patterns: Mapping[str, str]) -> dict[str, str]:
        """``{key: reason}`` for the patterns this engine's dialect cannot compile.

        Patterns are Python regular expressions; Python-only spellings with an equivalent
        (``\\Z``, and in Java ``(?P<name>...)``) are translated first.
        """
        check = _regex.checker(self.kind, self.native)
        dialect = _regex.dialect(self.kind)
        out = {}
        for key, pattern in patterns.items():
            reason = check(_regex.translate(pattern, dialect))
            if reason is not None:
                out[key] = reason
        return out

    def regex_counts(self, column: Any, patterns: Mapping[str, str]) -> RegexCounts:
        """How many rows of `column` contain a match of each pattern, counted by the engine.

        One pass over the column for all patterns, in the engine's dialect (RE2 in DuckDB and
        PyArrow, Rust regex in Polars, Java regex in Spark, Python's `re` for pandas), with
        search semantics (`re.search`, pandas ``str.contains``). Missing values never match;
        non-string columns are matched on the engine's text form of their values.

        Parameters
        ----------
        column
            The column to search.
        patterns
            ``{key: Python regular expression}``.

        Returns
        -------
        RegexCounts
            ``{key: rows}`` for the patterns the dialect compiles; the others are in
            ``.unsupported`` with the reason. For those, a caller that needs the Python
            answer runs the exact pattern on candidates: ``value_counts(column,
            pattern=relax_pattern(p), limit=...)`` (or all values when that is None).
        """
        self._check_columns([column])
        dialect = _regex.dialect(self.kind)
        unsupported = self.unsupported_patterns(patterns)
        todo = {k: _regex.translate(p, dialect) for k, p in patterns.items()
                if k not in unsupported}
        if not todo:
            return RegexCounts({}, unsupported, dialect)
        if self.kind == "pandas":
            text = self._pandas_text(column)
            with warnings.catch_warnings():  # groups in a pattern are fine for counting
                warnings.filterwarnings("ignore", message="This pattern is interpreted")
                counts = {k: int(text.str.contains(p, regex=True).sum()) for k, p in todo.items()}
            return RegexCounts(counts, unsupported, dialect)
        import narwhals as nw

        names = {k: f"p{i}" for i, k in enumerate(todo)}  # keys may be any text
        # Spark cannot sum booleans (DATATYPE_MISMATCH): count as integers everywhere.
        exprs = [self._contains(column, p).cast(nw.Int64).sum().alias(names[k])
                 for k, p in todo.items()]
        row = _collect(self._lf.select(*exprs)).iloc[0]
        counts = {k: _int(row[names[k]]) for k in todo}
        return RegexCounts(counts, unsupported, dialect)

    def value_counts(
        self, column: Any, *, limit: int, pattern: str | None = None
    ) -> pd.Series:
        """The most frequent values of a column, with their counts, at most `limit` of them.

        Parameters
        ----------
        column
            The column.
        limit
            The largest number of values returned.
        pattern
            Only values containing a match of this Python regular expression (run in the
            engine's dialect; `UnsupportedPattern` when it cannot compile it).

        Returns
        -------
        pandas.Series
            Counts (int64) indexed by value, named "count", by decreasing count (ties by
            increasing value, except for pandas input, which keeps pandas' order).
            Missing values are left out. ``attrs["truncated"]`` is True when more
            distinct values exist than were returned.
        """
        self._check_columns([column])
        if limit < 0:
            raise ValueError("limit must be >= 0")
        if pattern is not None:
            dialect = _regex.dialect(self.kind)
            pattern = _regex.translate(pattern, dialect)
            reason = _regex.checker(self.kind, self.native)(pattern)
            if reason is not None:
                raise UnsupportedPattern(f"the {dialect} regex dialect cannot run it: {reason}")
        if self.kind == "pandas":
            series = self.native[column]
            series = series[series.notna()]
            if pattern is not None:
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message="This pattern is interpreted")
                    found = self._pandas_text(column).str.contains(pattern, regex=True)
                series = series[found]
            counts = series.value_counts().head(limit + 1)
        else:
            counts = self._engine_value_counts(column, limit, pattern)
        out = counts.head(limit).astype("int64").rename("count").rename_axis(column)
        out.attrs["truncated"] = len(counts) > limit
        return out

    def _engine_value_counts(self, column: Any, limit: int, pattern: str | None) -> pd.Series:
        import narwhals as nw

        value = self._clean(column).alias(column)
        lf = self._lf
        if pattern is not None:
            lf = lf.filter(self._contains(column, pattern))
        lf = lf.select(value).filter(~nw.col(column).is_null())
        lf = lf.group_by(column).agg(nw.len().alias("__count"))
        lf = lf.sort(["__count", column], descending=[True, False]).head(limit + 1)
        frame = _collect(lf)
        return frame.set_index(column)["__count"]

    # --- bounded extracts --------------------------------------------------------------------
    def head(self, n: int) -> pd.DataFrame:
        """The first `n` rows in the engine's order (arbitrary for Spark), as pandas."""
        if n < 0:
            raise ValueError("n must be >= 0")
        if self.kind == "pandas":
            return self.native.head(n).copy()
        return _collect(self._lf.head(n))

    def sample(self, n: int, *, seed: int) -> pd.DataFrame:
        """At most `n` rows drawn without replacement, as pandas (every row when fewer).

        Reproducible for a given seed on pandas, Polars, PyArrow and DuckDB (its reservoir
        sample with a seed); on Spark, for the same data in the same partitions. The rows are
        in no particular order.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        total = self.n_rows()
        take = min(n, total)
        if self.kind == "pandas":
            return self.native.sample(n=take, random_state=seed)
        if self.kind == "duckdb":
            if take == total:
                return _collect(self._lf)
            return _arrow_to_pandas(self.native.sample(take, seed=seed).to_arrow_table())
        if self.kind == "spark":
            return self._spark_sample(take, total, seed)
        rows = np.random.default_rng(seed).choice(total, size=take, replace=False)
        rows.sort()
        if self.kind == "pyarrow":
            return _arrow_to_pandas(self.native.take(rows))
        if self.kind == "polars":
            return _arrow_to_pandas(self.native[rows].to_arrow())
        import polars as pl

        index = "__nbaudit_row"
        lf = self.native.with_row_index(index).filter(pl.col(index).is_in(rows.tolist()))
        return _arrow_to_pandas(lf.drop(index).collect().to_arrow())

    def _spark_sample(self, take: int, total: int, seed: int) -> pd.DataFrame:
        import narwhals as nw
        from pyspark.sql import functions as F

        frame = self.native
        if take == total:
            return _collect(nw.from_native(frame))
        # Bernoulli sampling a little above n (5 sigma), then n of those at random.
        fraction = min(1.0, (take + 5 * math.sqrt(take) + 10) / total)
        while True:
            part = frame.sample(withReplacement=False, fraction=fraction, seed=seed)
            out = _collect(nw.from_native(part.orderBy(F.rand(seed)).limit(take)))
            if len(out) >= take or fraction >= 1.0:
                return out
            fraction = min(1.0, 2 * fraction)

    def to_pandas(self, *, max_rows: int) -> pd.DataFrame:
        """The whole table as pandas, refused above `max_rows` rows.

        For pandas input, the frame itself (not a copy).

        Raises
        ------
        TableTooLarge
            When the table has more than `max_rows` rows.
        """
        total = self.n_rows()
        if total > max_rows:
            raise TableTooLarge(
                f"the {self.kind} table has {total:,} rows, more than max_rows={max_rows:,}: "
                "collecting it would defeat running in the engine; use group_counts, "
                "value_counts, regex_counts or sample, or raise max_rows"
            )
        if self.kind == "pandas":
            return self.native
        return _collect(self._lf)
