"""The inputs of a fairness audit, validated and encoded: binary labels and decisions, group
codes per row (intersections, quantile bins, missing values as a group), optional scores.

Bad input gets a message that names the argument, its column, dtype and counts (never a value
of the data) and says what to do; the caller's objects are never modified.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .._checks import probability, type_name
from .._text import names_text, quote_name
from ._common import (
    AUTO_BIN_VALUES,
    AUTO_BINS,
    MAX_GROUPS,
    MISSING_GROUP,
    SURROGATES,
    shown_label,
)


@dataclass(frozen=True)
class Prepared:
    """Validated inputs: binary labels and decisions, group codes, optional scores."""

    y_true: np.ndarray  # 0/1 int8
    y_pred: np.ndarray  # 0/1 int8
    y_score: np.ndarray | None
    groups: np.ndarray  # int64 group code per row
    labels: list[Any]  # group label per code (a tuple for intersectional groups)
    features: list[str]
    dropped: int  # rows dropped for a missing label, decision or score
    threshold: float | None
    pos_label: Any
    binned: tuple[Binning, ...] = ()  # numeric features cut into quantile bins
    positive_name: str | None = None  # the user's word for a positive decision


@dataclass(frozen=True)
class Binning:
    """A numeric sensitive feature cut into quantile bins (see `quantile_bins`)."""

    feature: str
    values: int  # distinct values before binning
    bins: int  # bins made (ties may make fewer than asked)
    automatic: bool  # bins="auto" chose it

    def describe(self) -> str:
        how = (f"automatically (it has {self.values:,} distinct numbers, at least "
               f"{AUTO_BIN_VALUES})" if self.automatic else
               f"as asked ({self.values:,} distinct numbers)")
        return (f"{quote_name(self.feature)} was cut into {self.bins} quantile bins {how}. "
                "Choose other bins with bins=N (magic: --bins N), keep the exact values with "
                "bins=None (--bins none), or pass your own groups, e.g. "
                f"pd.cut(df[{quote_name(self.feature)}], [0, 25, 45, 65, 120]).")

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "values": self.values, "bins": self.bins,
                "automatic": self.automatic, "text": self.describe()}


def _as_array(values: Any, name: str) -> np.ndarray:
    """One column of values as a 1-D array (a Series' own order: align them first)."""
    if isinstance(values, (pd.Series, pd.Index)):
        return values.to_numpy()
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise ValueError(f"{name} must be one column, not {values.shape[1]}: select it, "
                             "e.g. df['outcome'].")
        return values.iloc[:, 0].to_numpy()
    if values is None or isinstance(values, (str, bytes, Mapping, set, frozenset)) or not (
            hasattr(values, "__len__") or hasattr(values, "__array__")):
        raise TypeError(f"{name} must be one column of values (a Series, a 1-D array or a "
                        f"list), not {type_name(values)}.")
    try:
        array = np.asarray(values)
    except ValueError:  # ragged nested lists
        raise ValueError(f"{name} must be one-dimensional: its items are lists of different "
                         "lengths.") from None
    if array.ndim != 1:
        if array.ndim == 0:
            raise TypeError(f"{name} must be one column of values (a Series, a 1-D array or "
                            f"a list), not a single {type_name(values)}.")
        raise ValueError(f"{name} must be one-dimensional (got shape {array.shape}).")
    return array


def describe_input(values: Any, name: str) -> str:
    """``y_true (column 'outcome', dtype object)``: what an input is, for error messages.

    Names the argument, the column (a Series' name) and the dtype, never a value: messages
    are saved in notebooks as error outputs.

    Parameters
    ----------
    values
        What was passed (a Series, array, list...).
    name
        The argument's name, e.g. ``"y_true"``.

    Returns
    -------
    str
        The description.
    """
    parts = []
    if isinstance(values, (pd.Series, pd.Index)) and values.name is not None:
        parts.append(f"column {quote_name(values.name)}")
    dtype = getattr(values, "dtype", None)
    if dtype is None:
        try:
            dtype = np.asarray(values).dtype
        except (TypeError, ValueError):  # ragged: no dtype to tell
            dtype = None
    if dtype is not None:
        parts.append(f"dtype {dtype}")
    return f"{name} ({', '.join(parts)})" if parts else name


def _unhashable(values: Any, what: str) -> TypeError:
    """The error for cells that cannot be labels or groups (lists, dicts, arrays...)."""
    kind = "lists or other containers"
    for value in values:
        try:
            hash(value)
        except TypeError:
            kind = f"{type_name(value)} values"
            break
    return TypeError(f"{what} holds {kind}, not one value per row: each row needs a single "
                     "text, number or bool. Turn each cell into one value first (e.g. "
                     ".astype(str), or .str[0] for the first item of each list).")


def _nested(values: Any) -> bool:
    """An Arrow list, struct or map column (pandas' ArrowDtype): no one value per row."""
    dtype = getattr(values, "dtype", None)
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa

        return bool(pa.types.is_nested(dtype.pyarrow_dtype))
    return False


def _check_pos_label(pos_label: Any) -> None:
    if pos_label is None:
        return
    if isinstance(pos_label, (list, tuple, dict, set, frozenset, np.ndarray, pd.Series,
                              pd.Index, pd.DataFrame)):
        raise TypeError("pos_label must be one value (the positive outcome, e.g. 1, True or "
                        f"'approved'), not a {type_name(pos_label)}.")
    try:
        hash(pos_label)
    except TypeError:
        raise TypeError("pos_label must be one value (the positive outcome, e.g. 1, True or "
                        f"'approved'), not a {type_name(pos_label)}.") from None
    if pd.isna(pos_label):
        raise ValueError("pos_label cannot be a missing value (NaN, None, NA): give the "
                         "positive outcome, e.g. 1, True or 'approved'.")


@dataclass
class _Outcome:
    """One of y_true / y_pred, read: 0/1 where present, the missing rows, its values."""

    values: np.ndarray  # 0/1 int8 (0 where missing)
    missing: np.ndarray
    distinct: list[Any]
    what: str

    @property
    def has_positive(self) -> bool:
        return bool(self.values[~self.missing].any())


def _outcome(raw: Any, name: str, pos_label: Any) -> _Outcome:
    """0/1 values and a mask of missing ones, with a message for anything not binary.

    Messages name the input, its dtype and counts, never its values.
    """
    what = describe_input(raw, name)
    if _nested(raw):
        raise _unhashable([[]], what)
    values = _as_array(raw, name)
    series = pd.Series(values, dtype=object if values.dtype == object else None, copy=False)
    missing = series.isna().to_numpy()
    present = series[~missing]
    try:
        distinct = list(pd.unique(present))
    except TypeError:
        raise _unhashable(present, what) from None
    if pos_label is not None:
        positive = (present == pos_label).to_numpy(dtype=bool)
    else:
        try:
            as_set = set(distinct)
        except TypeError:  # pragma: no cover - pd.unique refused unhashable cells above
            as_set = {None}
        if as_set <= {0, 1} or as_set <= {True, False}:
            positive = present.astype(bool).to_numpy()
        elif len(distinct) <= 2 and all(isinstance(v, str) for v in distinct):
            raise ValueError(f"{what} holds {len(distinct)} distinct text labels: say which one "
                             "is the positive outcome with pos_label=... (list them with "
                             ".unique() on the column).")
        elif len(distinct) <= 2:
            codes = _integer_codes(distinct)
            if codes:  # coded outcomes such as 1/2 (German credit): name them as written
                raise ValueError(f"{what} holds {len(distinct)} distinct values that are not "
                                 "0/1 or True/False: say which one is the positive outcome, "
                                 + " or ".join(f"pos_label={c}" for c in codes) + ".")
            raise ValueError(f"{what} holds {len(distinct)} distinct values that are not 0/1 or "
                             "True/False: say which one is the positive outcome with "
                             "pos_label=... (list them with .unique() on the column).")
        else:
            raise ValueError(f"{what} must be binary: it has {len(distinct):,} distinct values. "
                             "Check that it is the right column, or pass pos_label=... to audit "
                             "one outcome against all the others.")
    out = np.zeros(len(values), dtype=np.int8)
    out[~missing] = positive
    return _Outcome(out, missing, distinct, what)


def _integer_codes(distinct: list[Any]) -> list[int]:
    """Two small whole numbers (outcome codes such as 1 and 2), as Python ints; else []."""
    out = []
    for v in distinct:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Integral, np.integer,
                                                                 float, np.floating)):
            return []
        number = float(v)
        if not math.isfinite(number) or number != int(number) or abs(number) > 9:
            return []
        out.append(int(number))
    return sorted(out)


def _same_values(a: list[Any], b: list[Any]) -> bool:
    """Whether every value of `a` is among those of `b`."""
    try:
        return set(a) <= set(b)
    except TypeError:  # pragma: no cover - both were hashed by pd.unique
        return False


def _check_positive(truth: _Outcome, pred: _Outcome | None, pos_label: Any) -> None:
    """pos_label must occur; an input without it must use the other's values (no positives).

    A model that never says yes, or data with no positive case, is a legitimate audit; the
    label 'Yes' against values 'yes'/'no', or 1 against '1', is a mistake to report.
    """
    if pos_label is None or not (truth.distinct or (pred is not None and pred.distinct)):
        return
    hint = ("Check its spelling and type (the number 1 and the text '1' differ; list the "
            "values with .unique() on the column).")
    shown = shown_label(pos_label)
    if pred is None:
        if not truth.has_positive:
            raise ValueError(f"pos_label={shown} never occurs in {truth.what}, which has "
                             f"{len(truth.distinct):,} distinct values. {hint}")
        return
    if not truth.has_positive and not pred.has_positive:
        raise ValueError(f"pos_label={shown} occurs neither in {truth.what} nor in "
                         f"{pred.what}. {hint}")
    for one, other in ((truth, pred), (pred, truth)):
        if not one.has_positive and not _same_values(one.distinct, other.distinct):
            raise ValueError(f"pos_label={shown} never occurs in {one.what}, whose values are "
                             f"not those of {other.what}: they do not seem to use the same "
                             f"labels. {hint}")


def _indexed(value: Any) -> bool:
    return isinstance(value, (pd.Series, pd.DataFrame))


def _align(named: list[tuple[str, Any]]) -> list[Any]:
    """Pandas inputs (Series, DataFrames) put in the order of the first one's index.

    Pandas objects are paired by index, as pandas itself does: when their indexes hold the
    same labels in another order, rows are matched by label. Indexes with different labels
    are refused (pairing them by position is how a shuffled test set gets the wrong
    predictions). Arrays and lists are paired by position. Nothing is modified: a reordered
    input is a new object.
    """
    ref_name, ref = next(((n, v) for n, v in named if _indexed(v)), ("", None))
    if ref is None:
        return [v for _, v in named]
    out = []
    for name, value in named:
        if not _indexed(value) or value is ref or value.index.equals(ref.index) \
                or len(value.index) != len(ref.index):  # lengths get their own message
            out.append(value)
            continue
        fix = (f"Select the same rows in both (e.g. {name}.loc[{ref_name}.index]), or pass "
               f"plain arrays ({name}.to_numpy()) to pair them by position.")
        if not (value.index.is_unique and ref.index.is_unique):
            raise ValueError(f"{name} and {ref_name} have different indexes with repeated "
                             f"labels: nbaudit pairs pandas inputs by index and cannot pair "
                             f"these rows. {fix}")
        indexer = value.index.get_indexer(ref.index)
        unmatched = int((indexer < 0).sum())
        if unmatched:
            raise ValueError(f"{name} and {ref_name} are pandas objects with different "
                             f"indexes: {unmatched:,} of the {len(ref.index):,} index labels "
                             f"of {ref_name} are not in {name}'s. nbaudit pairs pandas inputs "
                             f"by index. {fix}")
        out.append(value.iloc[indexer])
    return out


def _features(sensitive: Any) -> list[tuple[str, Any]]:
    """(name, column) of each sensitive feature, from any of the accepted forms."""
    what = "sensitive_features"
    example = "e.g. df['sex'], or df[['sex', 'race']] for intersectional groups"
    if sensitive is None:
        raise TypeError(f"{what} is required: pass the column(s) of group membership, "
                        f"{example}.")
    if isinstance(sensitive, (str, bytes)):
        raise TypeError(f"{what} must be the column itself ({example}), not its name as "
                        "text.")
    if hasattr(sensitive, "to_pandas") and not isinstance(sensitive, (pd.Series, pd.Index,
                                                                      pd.DataFrame)):
        sensitive = sensitive.to_pandas()  # Polars, PyArrow
    if isinstance(sensitive, (pd.Series, pd.Index)):
        return [(str(sensitive.name) if sensitive.name is not None else "group", sensitive)]
    if isinstance(sensitive, pd.DataFrame):
        columns = sensitive.columns
        if columns.has_duplicates:
            twice = columns[columns.duplicated()].unique()
            raise ValueError(f"{what} has the column(s) {names_text(twice)} more than once: "
                             "name each sensitive feature once.")
        return [(str(c), sensitive.iloc[:, i]) for i, c in enumerate(columns)]
    if isinstance(sensitive, Mapping):
        return [(str(k), v) for k, v in sensitive.items()]
    if isinstance(sensitive, (list, tuple)) and sensitive and all(
            isinstance(v, (pd.Series, pd.Index)) for v in sensitive):
        return [(str(v.name) if v.name is not None else f"feature_{i}", v)
                for i, v in enumerate(sensitive)]
    if not (hasattr(sensitive, "__len__") or hasattr(sensitive, "__array__")) or isinstance(
            sensitive, (set, frozenset)):
        raise TypeError(f"{what} must be one or more columns ({example}), not "
                        f"{type_name(sensitive)}.")
    try:
        array = np.asarray(sensitive, dtype=object)
    except ValueError:  # ragged
        raise ValueError(f"{what} must be a column or a table with one row per record: its "
                         f"items have different lengths. Pass a DataFrame ({example}).") from None
    if isinstance(sensitive, np.ndarray) and sensitive.dtype != object:
        array = sensitive  # numbers stay numbers (so that they can be binned)

    def typed(column: np.ndarray) -> np.ndarray:
        """Numbers in an object column (a list of ages) back as numbers."""
        if column.dtype != object:
            return column
        inferred = pd.Series(column, dtype=object, copy=False).infer_objects()
        return inferred.to_numpy() if inferred.dtype.kind in "iuf" else column

    if array.ndim == 1:
        return [("group", typed(array))]
    if array.ndim == 2:
        return [(f"feature_{i}", typed(array[:, i])) for i in range(array.shape[1])]
    if array.ndim == 0:
        raise TypeError(f"{what} must be one or more columns ({example}), not a single "
                        f"{type_name(sensitive)}.")
    raise ValueError(f"{what} must be one column or a table (got shape {array.shape}).")


def _edge(value: float, digits: int) -> str:
    if value == int(value) and abs(value) >= 1e4:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def quantile_bins(values: Any, bins: int) -> pd.Categorical:
    """Numeric values cut into (at most) `bins` groups of about equal size.

    Edges are quantiles of the values; bins are ``[low, high)`` and the last ``[low, high]``;
    ties at an edge may make fewer bins. Missing values stay missing.

    Parameters
    ----------
    values
        A numeric column (Series, array).
    bins
        How many bins.

    Returns
    -------
    pandas.Categorical
        Ordered categories such as ``"[18, 31)"``.
    """
    x = pd.Series(values, copy=False).to_numpy(dtype=float, na_value=np.nan)
    present = ~np.isnan(x)
    if not present.any():
        return pd.Categorical([None] * len(x), categories=[], ordered=True)
    edges = np.unique(np.quantile(x[present], np.linspace(0, 1, bins + 1)))
    if len(edges) == 1:
        edges = np.array([edges[0], edges[0]])
    codes = np.searchsorted(edges[1:-1], x, side="right")
    codes[~present] = -1
    for digits in (4, 6, 10, 17):
        labels = [f"[{_edge(lo, digits)}, {_edge(hi, digits)}"
                  + ("]" if i == len(edges) - 2 else ")")
                  for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True))]
        if len(set(labels)) == len(labels):
            break
    return pd.Categorical.from_codes(codes, categories=labels, ordered=True)


def _clean_label(value: Hashable) -> Hashable:
    """A group label as shown: NumPy scalars as Python ones; lone surrogates (which cannot be
    encoded as UTF-8, so neither saved nor sent to the browser) written as escapes, the text
    ``\\ud800``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str) and SURROGATES.search(value):
        value = value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def _too_many(name: str, values: Any, count: int, max_groups: int) -> ValueError:
    q = quote_name(name)
    start = (f"sensitive feature {q} has {count:,} distinct values, more than "
             f"max_groups={max_groups}: a group needs many rows for its rates to mean "
             "anything, and so many groups cannot be shown.")
    dtype = getattr(values, "dtype", None)
    if dtype is not None and pd.api.types.is_numeric_dtype(dtype) \
            and not pd.api.types.is_bool_dtype(dtype):
        how = (f" Bin it: bins=5 cuts every many-valued numeric sensitive feature into 5 "
               f"quantile bins, or make your own groups with pd.cut(df[{q}], [0, 25, 45, 65, "
               f"120]) or pd.qcut(df[{q}], 5).")
    elif dtype is not None and pd.api.types.is_datetime64_any_dtype(dtype):
        how = f" Group the dates first, e.g. df[{q}].dt.year."
    else:
        how = (" It looks like an identifier (an ID, an email, a name) rather than a group "
               "such as sex or age band: pick a group column, or map the values to a few "
               "groups first.")
    return ValueError(start + how + " To audit that many groups anyway, raise the limit with "
                      "max_groups=N (None: no limit).")


def _numeric(values: Any) -> bool:
    dtype = getattr(values, "dtype", None)
    return dtype is not None and pd.api.types.is_numeric_dtype(dtype) \
        and not pd.api.types.is_bool_dtype(dtype)


def _encode_feature(name: str, values: Any, n: int, max_groups: int | None,
                    bins: int | str | None,
                    ) -> tuple[np.ndarray, list[Any], Binning | None]:
    """Group codes (0..k-1, missing included as a group) and labels of one feature, and how
    it was binned (None: not binned)."""
    what = f"sensitive feature {quote_name(name)}"
    if _nested(values):
        raise _unhashable([[]], what)
    if not isinstance(values, (pd.Series, pd.Index, pd.Categorical)):
        values = _as_array(values, what)
    if len(values) != n:
        raise ValueError(f"{what} has {len(values):,} rows but y_true has {n:,}.")
    binning = None
    if bins is not None and _numeric(values):
        distinct = int(pd.Series(values, copy=False).nunique())
        wanted = AUTO_BINS if bins == "auto" else int(bins)
        if (distinct >= AUTO_BIN_VALUES if bins == "auto" else distinct > wanted):
            values = quantile_bins(values, wanted)
            binning = Binning(name, distinct, len(values.categories), bins == "auto")
    try:
        codes, uniques = pd.factorize(values, sort=True, use_na_sentinel=True)
    except TypeError:  # mixed types cannot be sorted: keep the order of appearance
        try:
            codes, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
        except TypeError:
            raise _unhashable(values, what) from None
    if max_groups is not None and len(uniques) > max_groups:
        raise _too_many(name, values, len(uniques), max_groups)
    labels = [_clean_label(u) for u in uniques]
    codes = np.asarray(codes, dtype=np.int64)
    if any(isinstance(u, str) and SURROGATES.search(u) for u in uniques):
        # an escaped label may now read like another one (the text "\\ud800" was in the data)
        merged, kept = pd.factorize(pd.Series(labels, dtype=object))
        codes = np.where(codes < 0, codes, merged[np.maximum(codes, 0)])
        labels = list(kept)
    if (codes < 0).any():
        taken = any(isinstance(v, str) and v == MISSING_GROUP for v in labels)
        labels.append(f"({MISSING_GROUP})" if taken else MISSING_GROUP)
        codes = np.where(codes < 0, len(labels) - 1, codes)
    return codes, labels, binning


def _group_codes(sensitive: Any, n: int, max_groups: int | None = MAX_GROUPS,
                 bins: int | str | None = None,
                 ) -> tuple[np.ndarray, list[Any], list[str], tuple[Binning, ...]]:
    """Dense group codes per row, the label of each code, the features' names, and the
    binning of numeric features.

    Several features make intersectional groups labelled by tuples, sorted feature by
    feature. Codes are combined in mixed radix and re-densified before they could overflow
    int64, so any number of features works.
    """
    features = _features(sensitive)
    if not features:
        raise ValueError("Give at least one sensitive feature, e.g. df['sex'].")
    triples = [_encode_feature(name, values, n, max_groups, bins) for name, values in features]
    binned = tuple(b for _, _, b in triples if b is not None)
    encoded = [(c, lb) for c, lb, _ in triples]
    names = [name for name, _ in features]
    if len(encoded) == 1:
        codes, labels = encoded[0]
        if np.bincount(codes, minlength=len(labels)).all():
            return codes, labels, names, binned
    codes = np.zeros(n, dtype=np.int64)
    radix = 1
    base: list[tuple[Any, ...]] = [()]  # the label parts of each code, pending ones apart
    pending: list[list[Any]] = []  # uniques of the features folded in since the last compact

    def compact(final: bool) -> None:
        nonlocal codes, radix, base, pending
        present, inverse = np.unique(codes, return_inverse=True)
        if final and max_groups is not None and len(present) > max_groups:
            counts = ", ".join(f"{quote_name(nm)}: {len(lb):,}"
                               for nm, (_, lb) in zip(names, encoded, strict=True))
            raise ValueError(f"the {len(names)} sensitive features make {len(present):,} "
                             f"groups together ({counts}), more than max_groups={max_groups}. "
                             "Use fewer features, bin the numeric ones (bins=5 makes 5 "
                             "quantile bins of each), or raise the limit with max_groups=N "
                             "(None: no limit).")
        new = []
        for code in present.tolist():
            tail = []
            for u in reversed(pending):
                code, r = divmod(code, len(u))
                tail.append(u[r])
            new.append(base[code] + tuple(reversed(tail)))
        codes, radix, base, pending = inverse.astype(np.int64).ravel(), len(present), new, []

    for c, u in encoded:
        k = max(len(u), 1)
        if radix * k >= 2 ** 62:
            compact(False)
        codes = codes * k + c
        radix *= k
        pending.append(u)
    compact(True)
    labels = [parts[0] if len(parts) == 1 else parts for parts in base]
    return codes, labels, names, binned


def _scores(y_score: Any) -> np.ndarray:
    """Scores as floats in [0, 1] or NaN (missing); anything else gets a message with counts,
    not values."""
    what = describe_input(y_score, "y_score")
    array = _as_array(y_score, "y_score")
    if array.dtype.kind in "mM":
        raise TypeError(f"{what} holds dates or durations: scores must be probabilities "
                        "between 0 and 1.")
    if array.dtype.kind == "c":
        raise TypeError(f"{what} holds complex numbers: scores must be real probabilities "
                        "between 0 and 1.")
    try:
        score = array.astype(float)
    except (TypeError, ValueError):
        series = pd.Series(array, dtype=object)
        present = series.notna()
        numbers_ = pd.to_numeric(series[present], errors="coerce")
        bad = int(numbers_.isna().sum())
        if bad:
            raise ValueError(f"{what} must hold numbers (scores between 0 and 1): {bad:,} of "
                             f"{int(present.sum()):,} non-missing values are not "
                             "numbers.") from None
        score = np.full(len(array), np.nan)
        score[present.to_numpy()] = numbers_.to_numpy(dtype=float)
    infinite = int(np.isinf(score).sum())
    if infinite:
        raise ValueError(f"{what} has {infinite:,} infinite values: scores must be "
                         "probabilities between 0 and 1. Fix them at their source, or set "
                         "them to NaN (y_score.replace([np.inf, -np.inf], np.nan)) to drop "
                         "those rows.")
    finite = ~np.isnan(score)
    outside = int(((score[finite] < 0) | (score[finite] > 1)).sum())
    if outside:
        raise ValueError(f"Scores must be probabilities between 0 and 1: {outside:,} of "
                         f"{int(finite.sum()):,} values of {what} are outside [0, 1]. For a "
                         "decision function or a logit, rescale it first, e.g. with a "
                         "sigmoid (scipy.special.expit).")
    return score


def prepare(y_true: Any, y_pred: Any = None, *, sensitive_features: Any, y_score: Any = None,
            threshold: float = 0.5, pos_label: Any = None,
            max_groups: int | None = MAX_GROUPS, bins: int | str | None = None,
            positive_name: str | None = None) -> Prepared:
    """Validate and encode the inputs (see `audit_fairness`)."""
    if (y_pred is None) == (y_score is None):
        raise ValueError("Give either y_pred (decisions) or y_score (scores), not both or none.")
    threshold = probability(threshold, "threshold")
    _check_pos_label(pos_label)
    named = [("y_true", y_true), ("y_pred", y_pred), ("y_score", y_score)]
    if isinstance(sensitive_features, Mapping):
        keys = list(sensitive_features)
        named += [(f"sensitive_features[{quote_name(k)}]", sensitive_features[k]) for k in keys]
    else:
        named.append(("sensitive_features", sensitive_features))
    aligned = _align(named)
    y_true, y_pred, y_score = aligned[:3]
    if isinstance(sensitive_features, Mapping):
        sensitive_features = dict(zip(keys, aligned[3:], strict=True))
    else:
        sensitive_features = aligned[3]
    truth = _outcome(y_true, "y_true", pos_label)
    n = len(truth.values)
    if n == 0:
        raise ValueError("There are no rows to audit: y_true is empty.")
    missing = truth.missing
    score = None
    if y_score is not None:
        score = _scores(y_score)
        if len(score) != n:
            raise ValueError(f"y_score has {len(score):,} rows but y_true has {n:,}.")
        _check_positive(truth, None, pos_label)
        missing = missing | np.isnan(score)
        yp = (np.nan_to_num(score, nan=-1.0) >= threshold).astype(np.int8)
    else:
        pred = _outcome(y_pred, "y_pred", pos_label)
        if len(pred.values) != n:
            raise ValueError(f"y_pred has {len(pred.values):,} rows but y_true has {n:,}.")
        _check_positive(truth, pred, pos_label)
        yp = pred.values
        missing = missing | pred.missing
    groups, labels, features, binned = _group_codes(sensitive_features, n, max_groups, bins)
    yt = truth.values
    dropped = int(missing.sum())
    if dropped:
        keep = ~missing
        yt, yp, groups = yt[keep], yp[keep], groups[keep]
        score = score[keep] if score is not None else None
        if not len(yt):
            raise ValueError("Every row has a missing label, decision or score: check the "
                             "inputs' missing values (e.g. y_true.isna().sum()).")
        present, groups = np.unique(groups, return_inverse=True)
        labels = [labels[i] for i in present]
    return Prepared(y_true=yt, y_pred=yp, y_score=score, groups=groups.astype(np.int64).ravel(),
                    labels=labels, features=features, dropped=dropped,
                    threshold=threshold if score is not None else None, pos_label=pos_label,
                    binned=binned, positive_name=positive_name)


def subset(data: Prepared, rows: np.ndarray, y_pred: np.ndarray | None = None, *,
           keep_scores: bool = True) -> Prepared:
    """The inputs of some rows (positions), optionally with other decisions for all rows.

    Group codes are re-densified over the groups present; without scores (`keep_scores`
    False: decisions that no longer come from a threshold) the threshold goes too.
    """
    present, codes = np.unique(data.groups[rows], return_inverse=True)
    return replace(data, y_true=data.y_true[rows],
                   y_pred=(data.y_pred if y_pred is None else y_pred)[rows],
                   y_score=data.y_score[rows] if (keep_scores and data.y_score is not None)
                   else None,
                   groups=codes.astype(np.int64).ravel(),
                   labels=[data.labels[i] for i in present],
                   threshold=data.threshold if keep_scores else None)
