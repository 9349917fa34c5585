"""Generalization hierarchies: value -> its generalization at each level.

A hierarchy for one attribute has levels 0..max_level. Level 0 is the original value; the
last level is usually ``*`` (everything merged). Hierarchies load from ARX's CSV format
(``;``-separated, no header, column 0 the value, column L the level-L generalization), come
from a dict or DataFrame, or are built from the data (numeric intervals, dates, postal codes
masked from the right, categories grouped by frequency).
"""

from __future__ import annotations

import math
import pathlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MISSING = "(missing)"  # the label of null values: they form their own value, never dropped


def value_key(value: Any) -> str:
    """The string form a value is matched by (hierarchies from CSV files are text)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    try:
        if pd.isna(value):
            return MISSING
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Hierarchy:
    """A generalization hierarchy for one attribute.

    Attributes
    ----------
    table
        One row per original value (as text), one column per level (0 = the value).
    kind
        How it was made: ``"user"``, ``"arx"``, ``"interval"``, ``"date"``, ``"mask"`` or
        ``"category"``.
    """

    table: pd.DataFrame
    kind: str = "user"

    @property
    def max_level(self) -> int:
        return self.table.shape[1] - 1

    def describe_level(self, level: int) -> str:
        """Short words for what a level does (for the widget's controls)."""
        if level == 0:
            return "original"
        values = self.table.iloc[:, level]
        if values.nunique() == 1 and str(values.iloc[0]) == "*":
            return "* (suppressed)"
        # Examples only of generalized forms: a level that keeps some original values (the
        # most frequent categories) must not quote them, since the column may be personal.
        originals = set(self.table.iloc[:, 0])
        generalized = [v for v in values.drop_duplicates() if v not in originals]
        kept = int(values.isin(originals).sum())
        if not generalized:
            return f"{values.nunique()} groups"
        examples = ", ".join(str(v) for v in generalized[:3])
        note = f" ({kept:,} values kept as they are)" if kept else ""
        return f"{values.nunique()} groups, e.g. {examples}{note}"

    # -- constructors --------------------------------------------------------------------
    @classmethod
    def from_csv(cls, path: str | pathlib.Path, sep: str = ";") -> Hierarchy:
        """Load a hierarchy in ARX's CSV format (no header, column L = level L)."""
        table = pd.read_csv(path, sep=sep, header=None, dtype=str, keep_default_na=False)
        return cls.from_frame(table, kind="arx")

    @classmethod
    def from_frame(cls, table: pd.DataFrame, kind: str = "user") -> Hierarchy:
        """A hierarchy from a DataFrame: column 0 the value, column L its level-L form."""
        if table.shape[1] < 1 or table.empty:
            raise ValueError("A hierarchy needs at least one row and one column.")
        table = table.astype(str).reset_index(drop=True)
        table.columns = range(table.shape[1])
        dup = np.flatnonzero(table[0].duplicated(keep=False).to_numpy())
        if len(dup):
            # The rows' positions, not their values: messages are saved in notebooks.
            rows = ", ".join(str(int(r)) for r in dup[:8])
            more = f" and {len(dup) - 8:,} more" if len(dup) > 8 else ""
            n_values = int(table[0].iloc[dup].nunique())
            raise ValueError(f"The hierarchy lists {n_values:,} value(s) more than once (its "
                             f"rows {rows}{more}, counting from 0): give each value one row.")
        return cls(table, kind)

    @classmethod
    def from_mapping(cls, mapping: Mapping[Any, Sequence[Any]]) -> Hierarchy:
        """A hierarchy from ``{value: [level1, level2, ...]}``."""
        rows = [[value_key(k), *[str(v) for v in levels]] for k, levels in mapping.items()]
        width = {len(r) for r in rows}
        if len(width) != 1:
            raise ValueError("Every value in a hierarchy dict needs the same number of levels.")
        return cls.from_frame(pd.DataFrame(rows), kind="user")

    @classmethod
    def build(cls, series: pd.Series) -> Hierarchy:
        """Build a hierarchy from the data: intervals, dates, masks or category groups."""
        if pd.api.types.is_bool_dtype(series.dtype):
            return _categories(series)
        if pd.api.types.is_datetime64_any_dtype(series.dtype):
            return _dates(series)
        if pd.api.types.is_numeric_dtype(series.dtype):
            return _intervals(series)
        # Tests and builders run on the distinct values, not on every row.
        text = pd.Series(pd.unique(series.dropna()), dtype=object).astype(str)
        date_format = _date_format(text)
        if date_format is not None:
            return _dates(series, parsed_text=True, date_format=date_format)
        if len(text) and text.str.fullmatch(r"[0-9A-Za-z]{3,10}").mean() > 0.95 and (
            text.str.len().nunique() <= 2 and text.str.contains(r"[0-9]").mean() > 0.95
        ):
            return _mask(series)
        return _categories(series)


def _distinct_levels(table: pd.DataFrame) -> pd.DataFrame:
    """Drop levels that group exactly like the level before (nested levels with as many
    groups are the same partition)."""
    last = table.shape[1] - 1
    # Of two levels with as many groups, keep the later one (so that '*' stays the top).
    keep = [0] + [c for c in range(1, last) if table[c].nunique() != table[c + 1].nunique()
                  and table[c].nunique() != table[0].nunique()] + ([last] if last else [])
    out = table[keep]
    out.columns = range(len(keep))
    return out


def _with_missing(table: pd.DataFrame, has_missing: bool) -> pd.DataFrame:
    if has_missing and MISSING not in set(table[0]):
        row = [MISSING] * (table.shape[1] - 1) + ["*"]
        table = pd.concat([table, pd.DataFrame([row], columns=table.columns)], ignore_index=True)
    return table


def _nice(x: float) -> float:
    """1, 2, 5 x 10^k not below x."""
    if x <= 0:
        return 1.0
    exp = math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        if m * 10**exp >= x:
            return float(m * 10**exp)
    return float(10 ** (exp + 1))


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _intervals(series: pd.Series) -> Hierarchy:
    values = pd.to_numeric(series, errors="coerce")
    finite = values[np.isfinite(values.astype(float))] if len(values) else values
    distinct = pd.unique(finite.dropna())
    if len(distinct) == 0:
        table = pd.DataFrame({0: [MISSING], 1: ["*"]})
        return Hierarchy(table, "interval")
    lo, hi = float(np.min(distinct)), float(np.max(distinct))
    span = max(hi - lo, 1.0)
    width = _nice(span / 20)
    columns = [[value_key(v) for v in distinct]]
    while True:
        origin = math.floor(lo / width) * width
        starts = origin + np.floor((distinct - origin) / width) * width
        columns.append([f"[{_fmt(s)}, {_fmt(s + width)})" for s in starts])
        if width >= span:
            break
        width = _nice(width * 2)
    columns.append(["*"] * len(distinct))
    table = pd.DataFrame({i: col for i, col in enumerate(columns)})
    has_missing = series.isna().any() or len(finite) < len(values.dropna())
    extra = series[~series.isna() & ~np.isfinite(values.astype(float))]
    for v in pd.unique(extra):  # inf and -inf: their own value up to '*'
        table.loc[len(table)] = [value_key(v)] + [value_key(v)] * (table.shape[1] - 2) + ["*"]
    return Hierarchy(_with_missing(_distinct_levels(table), has_missing), "interval")


# Written date formats tried in order when a text column may hold dates (birth dates are
# often "12/16/1977", "16.12.1977", "19771216" or "16 Dec 1977", not ISO).
_DATE_FORMATS = ("ISO8601", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y%m%d", "%d %b %Y",
                 "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%m/%d/%y", "%d/%m/%y")


def _date_format(text: pd.Series) -> str | None:
    """The first format that parses more than 95% of the distinct values, if any."""
    # Six characters at least: "2000" is a postcode or a year, not a date to generalize.
    if not len(text) or not (text.str.contains(r"[0-9]").mean() > 0.95
                             and text.str.len().min() >= 6):
        return None
    probe = text.head(2_000)
    for fmt in _DATE_FORMATS:
        parsed = pd.to_datetime(probe, errors="coerce", format=fmt)
        if parsed.notna().mean() > 0.95:
            return fmt
    return None


def _dates(series: pd.Series, parsed_text: bool = False,
           date_format: str = "ISO8601") -> Hierarchy:
    raw = pd.Series(pd.unique(series.dropna()))
    stamps = pd.to_datetime(raw.astype(str), errors="coerce", format=date_format) \
        if parsed_text else pd.to_datetime(raw)
    keys = [value_key(v) for v in raw]
    frame = pd.DataFrame({"key": keys, "ts": stamps.to_numpy()}).drop_duplicates("key")
    ts = pd.to_datetime(frame["ts"])
    year = ts.dt.year
    table = pd.DataFrame({
        0: frame["key"].to_numpy(),
        1: ts.dt.strftime("%Y-%m-%d").fillna("*").to_numpy(),
        2: ts.dt.strftime("%Y-%m").fillna("*").to_numpy(),
        3: year.astype("Int64").astype(str).replace("<NA>", "*").to_numpy(),
        4: ((year // 10) * 10).astype("Int64").astype(str).radd("").replace("<NA>", "*")
        .map(lambda s: s if s == "*" else f"{s}s").to_numpy(),
        5: ["*"] * len(frame),
    })
    return Hierarchy(_with_missing(_distinct_levels(table), series.isna().any()), "date")


def _mask(series: pd.Series) -> Hierarchy:
    keys = pd.unique(np.array([value_key(v) for v in pd.unique(series.dropna())], dtype=object))
    width = max(len(k) for k in keys)
    columns = [list(keys)]
    for n in range(1, width):
        columns.append([k[: max(0, len(k) - n)] + "*" * min(n, len(k)) for k in keys])
    columns.append(["*"] * len(keys))
    table = pd.DataFrame({i: c for i, c in enumerate(columns)})
    return Hierarchy(_with_missing(_distinct_levels(table), series.isna().any()), "mask")


def _categories(series: pd.Series, keep: int = 8) -> Hierarchy:
    counts = series.value_counts(dropna=True)  # most frequent first
    keys = list(pd.unique(np.array([value_key(v) for v in counts.index], dtype=object)))
    # Mostly-unique values (names, emails, IDs chosen as quasi-identifiers): keeping the
    # most frequent ones would keep raw identifiers, so such columns go straight to '*'.
    identifying = len(keys) > keep + 1 and len(keys) > 0.5 * max(1, int(counts.sum()))
    if len(keys) > keep + 1 and not identifying:  # top categories kept, the long tail merged
        top = set(keys[:keep])
        level1 = [k if k in top else "Other" for k in keys]
        table = pd.DataFrame({0: keys, 1: level1, 2: ["*"] * len(keys)})
    else:
        table = pd.DataFrame({0: keys, 1: ["*"] * len(keys)}) if keys else \
            pd.DataFrame({0: [MISSING], 1: ["*"]})
    return Hierarchy(_with_missing(table, series.isna().any()), "category")


def as_hierarchy(spec: Any, series: pd.Series) -> Hierarchy:
    """Turn what the user passed (or nothing) into a `Hierarchy` for `series`."""
    if spec is None:
        return Hierarchy.build(series)
    if isinstance(spec, Hierarchy):
        return spec
    if isinstance(spec, pd.DataFrame):
        return Hierarchy.from_frame(spec)
    if isinstance(spec, (str, pathlib.Path)):
        return Hierarchy.from_csv(spec)
    if isinstance(spec, Mapping):
        return Hierarchy.from_mapping(spec)
    raise TypeError(
        "A hierarchy must be a Hierarchy, a DataFrame, a dict or a path, "
        f"not {type(spec).__name__}."
    )
