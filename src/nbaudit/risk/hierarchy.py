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
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._checks import is_missing

MISSING = "(missing)"  # the label of null values: they form their own value, never dropped


class HierarchyFileError(ValueError, FileNotFoundError):
    """A hierarchy file is missing, empty or unreadable (a ValueError and a
    FileNotFoundError, so either ``except`` catches it)."""


def _text(value: Any) -> str:
    """Text of a cell that is not hashable or not encodable (lists, dicts, lone surrogates).

    Lone surrogates are written as escapes (``\\ud800``): pyarrow strings cannot hold them,
    and distinct values stay distinct.
    """
    if isinstance(value, np.ndarray):
        value = value.tolist()
    text = value if isinstance(value, str) else str(value)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def prepare_column(series: pd.Series) -> pd.Series:
    """`series` in a form hierarchies and encodings handle, or `series` itself if it is.

    * Arrow-backed integers, floats, booleans and timestamps become nullable pandas or NumPy
      dtypes (the same values), Arrow strings stay; other Arrow types become Python objects.
    * Cells that are lists, dicts, sets or arrays (object columns, Arrow list and struct
      columns) become their text: equal lists form one value.
    * Strings with lone surrogates (``"\\ud800abc"``), which pyarrow cannot encode, become
      text with the surrogate escaped.
    """
    dtype = series.dtype
    if isinstance(dtype, pd.ArrowDtype):
        kind = dtype.pyarrow_dtype
        if pa.types.is_integer(kind):
            return series.astype("Int64" if not pa.types.is_uint64(kind) else "UInt64")
        if pa.types.is_floating(kind):
            return series.astype("float64")
        if pa.types.is_boolean(kind):
            return series.astype("boolean")
        if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
            tz = getattr(kind, "tz", None)
            return series.astype(f"datetime64[ns, {tz}]" if tz else "datetime64[ns]")
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            return series
        series = series.astype(object)  # lists and structs: Python lists and dicts
    if series.dtype != object and not (isinstance(series.dtype, pd.StringDtype)
                                       and series.dtype.storage == "python"):
        return series
    try:
        uniques = pd.unique(series.dropna())
    except TypeError:  # unhashable cells
        return series.map(_text, na_action="ignore").astype(object)
    texts = [v for v in np.asarray(uniques, dtype=object) if isinstance(v, str)]
    try:
        "".join(texts).encode("utf-8")
    except UnicodeEncodeError:
        return series.map(lambda v: _text(v) if isinstance(v, str) else v,
                          na_action="ignore").astype(object)
    return series


def value_keys(values: Any) -> list[str]:
    """`value_key` of each of `values` (read as Python objects once: iterating an Arrow
    array element by element is slow)."""
    return [value_key(v) for v in np.asarray(values, dtype=object).ravel()]


def value_key(value: Any) -> str:
    """The string form a value is matched by (hierarchies from CSV files are text)."""
    if type(value) is str:  # the common case, first
        return value
    if is_missing(value):
        return MISSING
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
    descriptions
        Words for each level ("as is", "10-year intervals", "first 3 digits", "suppressed"),
        set by the builders; empty for hierarchies from files, dicts and frames, whose words
        `describe_level` derives from the table. They never quote an original value.
    """

    table: pd.DataFrame
    kind: str = "user"
    descriptions: tuple[str, ...] = ()

    @property
    def max_level(self) -> int:
        return self.table.shape[1] - 1

    def describe_level(self, level: int) -> str:
        """What a level does, in words ("as is", "10-year intervals", "first 3 digits",
        "rare values grouped", "suppressed"): for the widget's controls, the reports and the
        comments of `RiskAssessment.code`.

        Never quotes an original value (the column may be personal data): examples are only
        given of generalized forms, and for values kept as they are only their number.
        """
        if not 0 <= int(level) <= self.max_level:
            raise ValueError(f"Level {level} does not exist: the hierarchy has levels 0 to "
                             f"{self.max_level}.")
        level = int(level)
        if level == 0:
            return "as is"
        if len(self.descriptions) == self.max_level + 1:
            return self.descriptions[level]
        values = self.table.iloc[:, level]
        if values.nunique() == 1 and str(values.iloc[0]) == "*":
            return "suppressed"
        # One hash lookup over object arrays (Arrow strings' isin loops in Python).
        originals = pd.Index(self.table.iloc[:, 0].to_numpy(dtype=object), dtype=object)
        is_original = originals.get_indexer(values.to_numpy(dtype=object)) >= 0
        generalized = values[~is_original].drop_duplicates()
        kept = int(is_original.sum())
        width = _interval_width(generalized.tolist())
        note = f" ({kept:,} values kept as they are)" if kept else ""
        if width is not None:
            return f"intervals of {_fmt(width)}{note}"
        if not len(generalized):
            return f"{values.nunique():,} groups"
        examples = ", ".join(_one_line(v) for v in generalized.head(3).tolist())
        return f"{values.nunique():,} groups, e.g. {examples}{note}"

    def describe_levels(self) -> list[str]:
        """`describe_level` of every level, from 0 to `max_level`."""
        return [self.describe_level(i) for i in range(self.max_level + 1)]

    # -- constructors --------------------------------------------------------------------
    @classmethod
    def from_csv(cls, path: str | pathlib.Path, sep: str = ";") -> Hierarchy:
        """Load a hierarchy in ARX's CSV format (no header, column L = level L).

        Raises
        ------
        HierarchyFileError
            The file is missing, empty, a directory or not readable as text.
        """
        if not isinstance(path, (str, pathlib.Path)):
            raise TypeError(f"A hierarchy file is a path, not {type(path).__name__}.")
        file = pathlib.Path(path)
        shown = repr(file.name) if len(file.name) <= 80 else repr(file.name[:77] + "...")
        if not file.is_file():
            what = "is a directory" if file.is_dir() else "does not exist"
            raise HierarchyFileError(f"The hierarchy file {shown} {what}: give the path of an "
                                     "ARX hierarchy CSV (one row per value, ';'-separated).")
        try:
            table = pd.read_csv(file, sep=sep, header=None, dtype=str, keep_default_na=False,
                                encoding="utf-8")
        except pd.errors.EmptyDataError:
            raise HierarchyFileError(f"The hierarchy file {shown} is empty: it needs one row per "
                                     "value, the value then its generalizations, "
                                     "';'-separated.") from None
        except (UnicodeDecodeError, pd.errors.ParserError, OSError) as exc:
            raise HierarchyFileError(f"The hierarchy file {shown} could not be read as a "
                                     f"';'-separated UTF-8 CSV ({type(exc).__name__}): check "
                                     "its format and separator (sep=...).") from None
        return cls.from_frame(table, kind="arx")

    @classmethod
    def from_frame(cls, table: pd.DataFrame, kind: str = "user") -> Hierarchy:
        """A hierarchy from a DataFrame: column 0 the value, column L its level-L form.

        Every level must merge whole groups of the level before (a value's generalizations
        nest): the search relies on it.
        """
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"A hierarchy table is a DataFrame, not {type(table).__name__}.")
        if table.shape[1] < 1 or table.empty:
            raise ValueError("A hierarchy needs at least one row and one column.")
        table = table.map(lambda v: _text(value_key(v))).astype(object).reset_index(drop=True)
        table.columns = range(table.shape[1])
        dup = np.flatnonzero(table[0].duplicated(keep=False).to_numpy())
        if len(dup):
            # The rows' positions, not their values: messages are saved in notebooks.
            rows = ", ".join(str(int(r)) for r in dup[:8])
            more = f" and {len(dup) - 8:,} more" if len(dup) > 8 else ""
            n_values = int(table[0].iloc[dup].nunique())
            raise ValueError(f"The hierarchy lists {n_values:,} value(s) more than once (its "
                             f"rows {rows}{more}, counting from 0): give each value one row.")
        for level in range(1, table.shape[1] - 1):
            split = table.groupby(level, sort=False)[level + 1].transform("nunique") > 1
            if split.any():
                rows = ", ".join(str(int(r)) for r in np.flatnonzero(split.to_numpy())[:8])
                raise ValueError(
                    f"Level {level + 1} of the hierarchy splits groups of level {level} (rows "
                    f"{rows}, counting from 0): each level must merge whole groups of the "
                    "level before, so values grouped together stay together higher up.")
        return cls(table, kind)

    @classmethod
    def from_mapping(cls, mapping: Mapping[Any, Sequence[Any]]) -> Hierarchy:
        """A hierarchy from ``{value: [level1, level2, ...]}`` (a single level may be given
        as text: ``{"F": "*"}``)."""
        if not isinstance(mapping, Mapping):
            raise TypeError(f"A hierarchy dict maps values to their generalizations, not a "
                            f"{type(mapping).__name__}.")
        if not mapping:
            raise ValueError("The hierarchy dict is empty: map each value to its "
                             "generalizations, e.g. {'F': ['*'], 'M': ['*']}.")
        rows = []
        for key, levels in mapping.items():
            if isinstance(levels, str):
                levels = [levels]
            elif not isinstance(levels, Sequence | np.ndarray | pd.Series):
                raise TypeError("Each value of a hierarchy dict maps to a list of its "
                                f"generalizations, not to a {type(levels).__name__}.")
            rows.append([_text(value_key(key)), *[_text(value_key(v)) for v in levels]])
        width = {len(r) for r in rows}
        if len(width) != 1:
            raise ValueError("Every value in a hierarchy dict needs the same number of levels "
                             f"(the dict has values with {names_count(width)} levels).")
        return cls.from_frame(pd.DataFrame(rows), kind="user")

    @classmethod
    def build(cls, series: pd.Series) -> Hierarchy:
        """Build a hierarchy from the data: intervals, dates, masks or category groups."""
        if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_complex_dtype(
                series.dtype):
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


def _distinct_levels(table: pd.DataFrame, names: Sequence[str]) -> tuple[pd.DataFrame,
                                                                          tuple[str, ...]]:
    """Drop levels that group exactly like the level before (nested levels with as many
    groups are the same partition), with their descriptions (`names`, one per level)."""
    last = table.shape[1] - 1
    # Of two levels with as many groups, keep the later one (so that '*' stays the top).
    keep = [0] + [c for c in range(1, last) if table[c].nunique() != table[c + 1].nunique()
                  and table[c].nunique() != table[0].nunique()] + ([last] if last else [])
    out = table[keep]
    out.columns = range(len(keep))
    return out, tuple(names[c] for c in keep)


_INTERVAL = re.compile(r"^\s*[\[(]?\s*(-?\d+(?:\.\d+)?)\s*(?:-|,|\.\.|to)\s*"
                       r"(-?\d+(?:\.\d+)?)\s*([\])]?)\s*$")


def _interval_width(labels: list[Any]) -> float | None:
    """The common width of interval labels ("[30, 40)", "30-34" inclusive), if they all
    are intervals of one width; None otherwise."""
    widths = set()
    for label in labels:
        if label == "*":
            continue
        m = _INTERVAL.match(str(label))
        if not m:
            return None
        lo, hi, close = float(m.group(1)), float(m.group(2)), m.group(3)
        half_open = close == ")" or "," in str(label)
        inclusive_ints = not half_open and lo.is_integer() and hi.is_integer()
        widths.add(hi - lo + (1 if inclusive_ints else 0))
    if len(widths) == 1:
        (width,) = widths
        return width if width > 0 else None
    return None


def _one_line(value: Any, limit: int = 40) -> str:
    """A generalized label as one short line (labels of user hierarchies are free text)."""
    text = re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", str(value)).strip()
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _with_missing(table: pd.DataFrame, has_missing: bool) -> pd.DataFrame:
    if has_missing and MISSING not in set(table[0]):
        row = [MISSING] * (table.shape[1] - 1) + ["*"]
        table = pd.concat([table, pd.DataFrame([row], columns=table.columns)], ignore_index=True)
    return table


def _coarser(width: float) -> float:
    """The next interval width: 1 -> 2 -> 10 -> 20 -> 100 (and 5 -> 10), always a multiple of
    the width before, so that every interval lies inside one interval of the next level."""
    exp = math.floor(math.log10(width) + 1e-9)
    mantissa = round(width / 10**exp)
    return float(width * (5 if mantissa == 2 else 2))


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


def _years(name: Any) -> bool:
    """Whether a numeric column counts years (an age): its intervals are "10-year"."""
    return bool(re.search(r"(?:^|[^a-z])(age|years?|yrs?)(?:$|[^a-z])", str(name).lower()))


def _intervals(series: pd.Series) -> Hierarchy:
    values = pd.to_numeric(series, errors="coerce")
    finite = values[np.isfinite(values.astype(float))] if len(values) else values
    distinct = pd.unique(finite.dropna())
    if len(distinct) == 0:
        table = pd.DataFrame({0: [MISSING], 1: ["*"]})
        return Hierarchy(table, "interval", ("as is", "suppressed"))
    lo, hi = float(np.min(distinct)), float(np.max(distinct))
    span = max(hi - lo, 1.0)
    width = _nice(span / 20)
    columns = [value_keys(distinct)]
    names = ["as is"]
    years = _years(series.name)
    while True:
        origin = math.floor(lo / width) * width
        starts = origin + np.floor((distinct - origin) / width) * width
        columns.append([f"[{_fmt(s)}, {_fmt(s + width)})" for s in starts])
        names.append(f"{_fmt(width)}-year intervals" if years else f"intervals of {_fmt(width)}")
        if width >= span:
            break
        width = _coarser(width)
    columns.append(["*"] * len(distinct))
    names.append("suppressed")
    table = pd.DataFrame({i: col for i, col in enumerate(columns)})
    has_missing = series.isna().any() or len(finite) < len(values.dropna())
    extra = series[~series.isna() & ~np.isfinite(values.astype(float))]
    for v in pd.unique(extra):  # inf and -inf: their own value up to '*'
        table.loc[len(table)] = [value_key(v)] + [value_key(v)] * (table.shape[1] - 2) + ["*"]
    table, described = _distinct_levels(table, names)
    return Hierarchy(_with_missing(table, has_missing), "interval", described)


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
    keys = value_keys(raw)
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
    table, names = _distinct_levels(table, ("as is", "day", "month", "year", "decade",
                                            "suppressed"))
    return Hierarchy(_with_missing(table, series.isna().any()), "date", names)


def _mask(series: pd.Series) -> Hierarchy:
    keys = pd.Series(pd.unique(np.array(value_keys(pd.unique(series.dropna())),
                                        dtype=object)), dtype=object)
    text = pa.array(keys.tolist(), type=pa.string())
    lengths = np.asarray(pc.utf8_length(text))
    width = int(lengths.max())
    stars = np.array(["*" * i for i in range(width + 1)], dtype=object)
    columns = [keys.tolist()]
    digits = bool(keys.str.fullmatch(r"[0-9]+").all())
    same_length = int(lengths.min()) == width
    what = "digits" if digits else "characters"
    names = ["as is"]
    for n in range(1, width):  # the last n characters masked (all of a shorter value)
        kept = pc.utf8_slice_codeunits(text, 0, -n).to_numpy(zero_copy_only=False)
        columns.append((kept.astype(object) + stars[np.minimum(n, lengths)]).tolist())
        if same_length:
            names.append(f"first {what[:-1]}" if width - n == 1 else
                         f"first {width - n} {what}")
        else:
            names.append(f"last {n} {what[:-1] if n == 1 else what} masked")
    columns.append(["*"] * len(keys))
    names.append("suppressed")
    table = pd.DataFrame({i: c for i, c in enumerate(columns)})
    table, described = _distinct_levels(table, names)
    return Hierarchy(_with_missing(table, series.isna().any()), "mask", described)


OTHER = "(other)"  # the label of grouped categories (parenthesized, like MISSING: not a value)
RARE_SHARE = 0.05  # categories held by fewer rows than this share are grouped first


def _categories(series: pd.Series, keep: int = 8, rare: float = RARE_SHARE) -> Hierarchy:
    """Categories: the `keep` most frequent kept (a long tail merged), then the rare ones
    (under `rare` of the rows) grouped, then ``*``.

    Only counts decide, and the descriptions name the rule, never a category.
    """
    counts = series.value_counts(dropna=True)  # most frequent first
    keys = list(pd.unique(np.array(value_keys(counts.index), dtype=object)))
    if not keys:
        return Hierarchy(pd.DataFrame({0: [MISSING], 1: ["*"]}), "category",
                         ("as is", "suppressed"))
    per_key = pd.Series(counts.to_numpy(), index=value_keys(counts.index)).groupby(
        level=0, sort=False).sum()
    share_of = (per_key / max(1, int(counts.sum()))).reindex(keys).to_numpy()
    # Mostly-unique values (names, emails, IDs chosen as quasi-identifiers): keeping the
    # most frequent ones would keep raw identifiers, so such columns go straight to '*'.
    identifying = len(keys) > keep + 1 and len(keys) > 0.5 * max(1, int(counts.sum()))
    columns: list[list[str]] = [keys]
    names = ["as is"]
    if not identifying:
        top = set(keys[:keep])
        if len(keys) > keep + 1:  # top categories kept, the long tail merged
            columns.append([k if k in top else OTHER for k in keys])
            names.append(f"{keep} most frequent kept, the rest grouped as {OTHER}")
        frequent = {k for k, sh in zip(keys, share_of, strict=True) if sh >= rare} & top
        n_rare = len(keys) - len(frequent)
        if frequent and n_rare >= 2:  # some groups stay, at least two values merge
            columns.append([k if k in frequent else OTHER for k in keys])
            beyond = f" or beyond the {keep} most frequent" if len(keys) > keep + 1 else ""
            names.append(f"grouped: values under {rare:.0%} of rows{beyond} → {OTHER}")
    columns.append(["*"] * len(keys))
    names.append("suppressed")
    table = pd.DataFrame({i: c for i, c in enumerate(columns)})
    table, described = _distinct_levels(table, names)
    return Hierarchy(_with_missing(table, series.isna().any()), "category", described)


def names_count(widths: set[int]) -> str:
    """``2 and 3`` for the level counts found in a hierarchy dict (widths minus the value)."""
    return " and ".join(str(w - 1) for w in sorted(widths))


def hierarchy_files(folder: str | pathlib.Path, columns: Sequence[Any]) -> dict[Any, pathlib.Path]:
    """The ARX hierarchy file of each of `columns` found in `folder`.

    A column's file is ``<column>.csv``, or ARX's ``<dataset>_hierarchy_<column>.csv``
    (``adult_hierarchy_age.csv``). Columns without a file are left out (their hierarchies
    are built from the data).

    Raises
    ------
    HierarchyFileError
        `folder` is not a folder, two files match one column, or no file matches any column.
    """
    if not isinstance(folder, (str, pathlib.Path)):
        raise TypeError(f"A hierarchy folder is a path, not {type(folder).__name__}.")
    root = pathlib.Path(folder).expanduser()
    shown = repr(root.name or str(root))[:80]
    if not root.is_dir():
        what = "is a file, not a folder" if root.is_file() else "does not exist"
        raise HierarchyFileError(f"The hierarchy folder {shown} {what}: give a folder of ARX "
                                 "hierarchy CSVs named <column>.csv or "
                                 "<data>_hierarchy_<column>.csv.")
    files = sorted(p for p in root.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    found: dict[Any, pathlib.Path] = {}
    for column in columns:
        name = str(column)
        if not name or "/" in name or "\\" in name:
            continue
        exact = [p for p in files if p.stem == name]
        matches = exact or [p for p in files if p.stem.endswith(f"hierarchy_{name}")]
        if len(matches) > 1:
            raise HierarchyFileError(
                f"{len(matches)} files in the hierarchy folder match the column "
                f"{_one_line(name, 60)!r} ({', '.join(repr(p.name) for p in matches[:4])}): "
                "keep one, or pass a dict of hierarchies.")
        if matches:
            found[column] = matches[0]
    if not found:
        expected = ", ".join(f"{_one_line(c, 30)}.csv" for c in list(columns)[:5])
        raise HierarchyFileError(
            f"No file in the hierarchy folder {shown} is named after a quasi-identifier: "
            f"expected e.g. {expected} or <data>_hierarchy_<column>.csv.")
    return found


def load_hierarchies(folder: str | pathlib.Path,
                     columns: Sequence[Any]) -> dict[Any, Hierarchy]:
    """The ARX hierarchies in `folder` of those `columns` that have a file.

    See `hierarchy_files` for the file names. ``assess_risk(df, qis, hierarchies=folder)``
    does the same.

    Examples
    --------
    >>> load_hierarchies("hierarchies/", ["age", "sex"])  # doctest: +SKIP
    {'age': Hierarchy(...), 'sex': Hierarchy(...)}
    """
    out = {}
    for column, path in hierarchy_files(folder, columns).items():
        try:
            out[column] = Hierarchy.from_csv(path)
        except HierarchyFileError as exc:
            raise HierarchyFileError(f"The hierarchy of {_one_line(column, 60)!r}: {exc}") \
                from None
    return out


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
    if isinstance(spec, pd.Series):
        raise TypeError("A hierarchy must be a Hierarchy, a DataFrame (column 0 the value, "
                        "column L its level-L form), a dict or a path, not a Series.")
    raise TypeError(
        "A hierarchy must be a Hierarchy, a DataFrame, a dict or a path, "
        f"not {type(spec).__name__}."
    )
