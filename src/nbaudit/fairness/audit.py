"""`audit_fairness`: per-group metrics of a model's decisions, with uncertainty.

Everything comes from one confusion table per group, built with a single `bincount`:
group x (true label, decision). Bootstrap intervals resample that table (a multinomial draw
is exactly a row resample for statistics of the table), threshold sweeps sort the scores once.
That is why this stays interactive on millions of rows where fairlearn's MetricFrame does not.

Bad input gets a message that names the argument, its column, dtype and counts (never a value
of the data) and says what to do; the caller's objects are never modified.
"""

from __future__ import annotations

import math
import numbers
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._checks import choice, probability, shown, type_name, whole_number
from .._checks import seed as check_seed
from ..reports import escape_html, names_text, quote_name

if TYPE_CHECKING:
    from .mitigation import Mitigation

MISSING_GROUP = "missing"
METRICS = ["selection_rate", "true_positive_rate", "false_positive_rate", "false_negative_rate",
           "true_negative_rate", "precision", "accuracy", "base_rate"]
METRIC_LABELS = {
    "selection_rate": "selection rate",
    "true_positive_rate": "true positive rate (recall)",
    "false_positive_rate": "false positive rate",
    "false_negative_rate": "false negative rate",
    "true_negative_rate": "true negative rate",
    "precision": "precision",
    "accuracy": "accuracy",
    "base_rate": "base rate (share of true positives)",
}
DisparityKind = Literal["difference", "ratio"]
DEFAULT_THRESHOLDS = {"ratio": 0.8, "difference": 0.1}
#: Default of ``audit_fairness(max_groups=)``: more groups than this is refused (an email or
#: an ID column passed as a sensitive feature by mistake), with binning offered.
MAX_GROUPS = 100
#: Most thresholds in one `FairnessAudit.sweep`.
MAX_SWEEP = 10_001
#: Most (thresholds x groups) of a sweep and (resamples x groups) of a bootstrap: bounds the
#: memory (about 100 bytes each) and the time of one call.
MAX_CELLS = 2_000_000
#: Groups named in a note (the groups left out of the disparities); the rest are counted.
NOTE_GROUPS = 10
TRADEOFF_MEASURES = ("demographic_parity_difference", "equal_opportunity_difference",
                     "equalized_odds_difference")
#: ``bins="auto"``: a numeric sensitive feature with at least this many distinct values (an
#: exact age, an income) is cut into `AUTO_BINS` quantile bins, and the audit says so.
AUTO_BIN_VALUES = 20
AUTO_BINS = 5
#: What each metric is a share of: its small-count flag and its interval rest on this count.
DENOMINATORS = {
    "selection_rate": "rows",
    "true_positive_rate": "positives",
    "false_positive_rate": "negatives",
    "false_negative_rate": "positives",
    "true_negative_rate": "negatives",
    "precision": "predicted positives",
    "accuracy": "rows",
    "base_rate": "rows",
}
#: The separator of intersectional group labels, everywhere (widget, reports, keys).
JOIN = " × "
_SURROGATES = re.compile("[\ud800-\udfff]")


# --- input ------------------------------------------------------------------------------
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


def _shown_label(value: Any) -> str:
    """The user's own pos_label, shown back (a NumPy scalar as its value), truncated."""
    if isinstance(value, np.generic):
        value = value.item()
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


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
    shown = _shown_label(pos_label)
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


def _clean_label(value: Any) -> Any:
    """A group label as shown: NumPy scalars as Python ones; lone surrogates (which cannot be
    encoded as UTF-8, so neither saved nor sent to the browser) written as escapes, the text
    ``\\ud800``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str) and _SURROGATES.search(value):
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
    if any(isinstance(u, str) and _SURROGATES.search(u) for u in uniques):
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
    return Prepared(yt, yp, score, groups.astype(np.int64).ravel(), labels, features, dropped,
                    threshold if score is not None else None, pos_label, binned,
                    positive_name)


# --- metrics from confusion tables ----------------------------------------------------------
def confusion(groups: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray,
              n_groups: int) -> np.ndarray:
    """(groups, 4) counts of TN, FP, FN, TP from one bincount."""
    cell = groups * 4 + y_true.astype(np.int64) * 2 + y_pred.astype(np.int64)
    return np.bincount(cell, minlength=n_groups * 4).reshape(n_groups, 4)


def rates(table: np.ndarray) -> dict[str, np.ndarray]:
    """Metrics from confusion counts (the last axis is TN, FP, FN, TP). Undefined is NaN."""
    tn, fp, fn, tp = (table[..., i].astype(float) for i in range(4))
    n = tn + fp + fn + tp
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "count": n,
            "selection_rate": (fp + tp) / n,
            "true_positive_rate": tp / (tp + fn),
            "false_positive_rate": fp / (fp + tn),
            "false_negative_rate": fn / (fn + tp),
            "true_negative_rate": tn / (tn + fp),
            "precision": tp / (tp + fp),
            "accuracy": (tp + tn) / n,
            "base_rate": (tp + fn) / n,
        }


def _fractions(table: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(numerator, denominator) counts of each rate metric (last axis TN, FP, FN, TP)."""
    tn, fp, fn, tp = (table[..., i].astype(float) for i in range(4))
    n = tn + fp + fn + tp
    return {
        "selection_rate": (fp + tp, n),
        "true_positive_rate": (tp, tp + fn),
        "false_positive_rate": (fp, fp + tn),
        "false_negative_rate": (fn, fn + tp),
        "true_negative_rate": (tn, tn + fp),
        "precision": (tp, tp + fp),
        "accuracy": (tp + tn, n),
        "base_rate": (tp + fn, n),
    }


def wilson_interval(successes: Any, trials: Any,
                    level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score intervals for proportions: honest at small counts and at 0% or 100%.

    Three positives out of three give [43.9%, 100%], not the bootstrap's [100%, 100%].

    Parameters
    ----------
    successes, trials
        Counts (arrays of the same shape). No trials: NaN.
    level
        Coverage, strictly between 0 and 1.

    Returns
    -------
    (low, high)
        Arrays of bounds in [0, 1].
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    none = n <= 0
    return np.where(none, np.nan, low), np.where(none, np.nan, high)


@dataclass(frozen=True)
class Disparity:
    """One parity measure, the groups it compares, and whether it passes."""

    name: str
    value: float
    kind: DisparityKind
    threshold: float
    passes: bool | None
    groups: tuple[Any, Any] | None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": None if math.isnan(self.value) else self.value,
                "kind": self.kind, "threshold": self.threshold, "passes": self.passes,
                "groups": [_label_text(g) for g in self.groups] if self.groups else None,
                "note": self.note}


def _spread(values: np.ndarray, labels: list[Any],
            kind: DisparityKind) -> tuple[float, tuple[Any, Any] | None]:
    ok = ~np.isnan(values)
    if ok.sum() < 2:
        return float("nan"), None
    idx = np.flatnonzero(ok)
    lo, hi = idx[np.argmin(values[ok])], idx[np.argmax(values[ok])]
    if kind == "difference":
        return float(values[hi] - values[lo]), (labels[lo], labels[hi])
    return (float(values[lo] / values[hi]) if values[hi] > 0 else float("nan"),
            (labels[lo], labels[hi]))


def disparities(metrics: dict[str, np.ndarray], labels: list[Any],
                thresholds: Mapping[str, float] | None = None) -> list[Disparity]:
    """Demographic parity, disparate impact, equal opportunity and equalized odds."""
    limits = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    out: list[Disparity] = []
    if len(labels) < 2:
        note = "only one group: disparities are undefined"
        undefined: list[tuple[str, DisparityKind]] = [
            ("demographic_parity_difference", "difference"),
            ("demographic_parity_ratio", "ratio"),
            ("disparate_impact_ratio", "ratio"),
            ("equal_opportunity_difference", "difference"),
            ("equalized_odds_difference", "difference"),
            ("equalized_odds_ratio", "ratio"),
        ]
        for name, kind in undefined:
            out.append(Disparity(name, float("nan"), kind, limits[kind], None, None, note))
        return out

    def make(name: str, value: float, kind: DisparityKind, groups: tuple[Any, Any] | None,
             note: str = "") -> None:
        limit = limits[kind]
        passes = None if math.isnan(value) else (value <= limit if kind == "difference"
                                                 else value >= limit)
        out.append(Disparity(name, value, kind, limit, passes, groups, note))

    sel = metrics["selection_rate"]
    d, g = _spread(sel, labels, "difference")
    make("demographic_parity_difference", d, "difference", g,
         "largest minus smallest selection rate")
    r, g = _spread(sel, labels, "ratio")
    make("demographic_parity_ratio", r, "ratio", g, "smallest over largest selection rate")
    make("disparate_impact_ratio", r, "ratio", g,
         "four-fifths rule: the least selected group against the most selected")
    tpr, fpr = metrics["true_positive_rate"], metrics["false_positive_rate"]
    d, g = _spread(tpr, labels, "difference")
    make("equal_opportunity_difference", d, "difference", g, "spread of true positive rates")
    d_fpr, g_fpr = _spread(fpr, labels, "difference")
    if math.isnan(d) or (not math.isnan(d_fpr) and d_fpr > d):
        make("equalized_odds_difference", d_fpr, "difference", g_fpr,
             "the larger of the TPR and FPR spreads (here FPR)")
    else:
        make("equalized_odds_difference", d, "difference", g,
             "the larger of the TPR and FPR spreads (here TPR)")
    r_tpr, g_tpr = _spread(tpr, labels, "ratio")
    r_fpr, g_fpr = _spread(fpr, labels, "ratio")
    if math.isnan(r_tpr) or (not math.isnan(r_fpr) and r_fpr < r_tpr):
        make("equalized_odds_ratio", r_fpr, "ratio", g_fpr,
             "the smaller of the TPR and FPR ratios (here FPR)")
    else:
        make("equalized_odds_ratio", r_tpr, "ratio", g_tpr,
             "the smaller of the TPR and FPR ratios (here TPR)")
    return out


# --- the result -------------------------------------------------------------------------
@dataclass
class FairnessAudit:
    """Per-group metrics of a model's decisions. Made by `audit_fairness`.

    Attributes
    ----------
    by_group
        DataFrame indexed by group label (a tuple for intersectional groups): count,
        selection_rate, true_positive_rate, false_positive_rate, false_negative_rate,
        true_negative_rate, precision, accuracy, base_rate, and `small` (below min_group_size).
    overall
        The same metrics over all rows (a Series).
    disparities
        DataFrame of parity measures, each with its threshold, whether it passes and the
        groups it compares.
    """

    data: Prepared
    min_group_size: int = 30
    thresholds: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_THRESHOLDS))

    def __post_init__(self) -> None:
        d = self.data
        self.table = confusion(d.groups, d.y_true, d.y_pred, len(d.labels))
        self._rates = rates(self.table)
        self._overall = rates(self.table.sum(axis=0))
        self._ci_cache: dict[tuple, pd.DataFrame] = {}

    @property
    def groups(self) -> list[Any]:
        return list(self.data.labels)

    def _index(self) -> pd.Index:
        """Group labels; several features give a MultiIndex (one level per feature, as
        fairlearn's MetricFrame), never tuples printed as Python tuples."""
        features = self.data.features
        if len(features) > 1 and self.data.labels and all(
                isinstance(g, tuple) and len(g) == len(features) for g in self.data.labels):
            return pd.MultiIndex.from_tuples(self.data.labels, names=features)
        return pd.Index(self.data.labels, name=JOIN.join(features), tupleize_cols=False)

    @property
    def denominators(self) -> pd.DataFrame:
        """Per group, the count each metric is a share of (`DENOMINATORS`): rows for the
        selection rate, positives for TPR and FNR, negatives for FPR and TNR, predicted
        positives for precision. A metric is only as reliable as this count."""
        return pd.DataFrame({m: n.astype(int) for m, (_, n) in _fractions(self.table).items()},
                            index=self._index())

    @property
    def small_by_metric(self) -> pd.DataFrame:
        """Per group and metric, whether its denominator is below `min_group_size`."""
        return self.denominators < self.min_group_size

    @property
    def notes(self) -> list[str]:
        """What the audit did to the inputs and why a figure is missing, in words."""
        out = [b.describe() for b in self.data.binned]
        refusal = self._refusal()
        if refusal:
            out.append(refusal)
        return out

    def _refusal(self) -> str:
        """Why the disparities are not computed at all (no two groups large enough)."""
        m = self.min_group_size
        big = int((self._rates["count"] >= m).sum())
        if len(self.data.labels) < 2 or big >= 2:
            return ""
        return (f"Disparities refused: {big} of the {len(self.data.labels):,} groups "
                f"{'has' if big == 1 else 'have'} at least min_group_size={m} rows, and "
                "differences between smaller groups are noise (a group of one row has a rate "
                "of 0% or 100%). Bin the feature into fewer groups (bins=5; magic: --bins 5), "
                "merge groups, or lower min_group_size (0 compares every group).")

    @property
    def by_group(self) -> pd.DataFrame:
        index = self._index()
        frame = pd.DataFrame({k: v for k, v in self._rates.items()}, index=index)
        frame["count"] = frame["count"].astype(int)
        frame["small"] = frame["count"] < self.min_group_size
        return frame

    @property
    def overall(self) -> pd.Series:
        return pd.Series({k: float(v) for k, v in self._overall.items()}, name="overall")

    @property
    def disparity_list(self) -> list[Disparity]:
        """Parity measures over the groups whose rates rest on enough people.

        Each rate counts only where its denominator (`denominators`) reaches
        `min_group_size`: the selection rate where the group has that many rows, the true
        positive rate where it has that many positives, the false positive rate where it has
        that many negatives. A group of a dozen people swings any rate by chance; its
        figures stay in `by_group` (flagged) but do not decide the disparities. With fewer
        than two such groups a measure is undefined (NaN, passes None) and its note says
        why. Set min_group_size=0 to compare every group, as fairlearn does.
        """
        m = self.min_group_size
        labels = self.data.labels
        fractions = _fractions(self.table)
        chosen = dict(self._rates)
        left: dict[str, list[str]] = {}
        for metric, what in (("selection_rate", "rows"), ("true_positive_rate", "positives"),
                             ("false_positive_rate", "negatives")):
            keep = fractions[metric][1] >= m
            chosen[metric] = np.where(keep, self._rates[metric], np.nan)
            left[what] = [_label_text(g) for g, k in zip(labels, keep, strict=True) if not k]
        out = disparities(chosen, labels, self.thresholds)
        uses = {"demographic_parity_difference": ("rows",),
                "demographic_parity_ratio": ("rows",), "disparate_impact_ratio": ("rows",),
                "equal_opportunity_difference": ("positives",),
                "equalized_odds_difference": ("positives", "negatives"),
                "equalized_odds_ratio": ("positives", "negatives")}
        refusal = self._refusal()
        noted = []
        for d in out:
            note = d.note
            if refusal:
                note = refusal
            elif len(labels) >= 2:
                for what in uses[d.name]:
                    names = left[what]
                    if names:
                        text = ", ".join(names[:NOTE_GROUPS])
                        if len(names) > NOTE_GROUPS:
                            text += f" and {len(names) - NOTE_GROUPS:,} more"
                        note += f"; left out (under {m} {what}): {text}"
                if math.isnan(d.value) and d.groups is None:
                    note += ("; undefined: fewer than two groups have enough "
                             + " and ".join(uses[d.name]))
            noted.append(Disparity(d.name, d.value, d.kind, d.threshold, d.passes, d.groups,
                                   note))
        return noted

    @property
    def disparities(self) -> pd.DataFrame:
        rows = [d.to_dict() for d in self.disparity_list]
        return pd.DataFrame(rows).set_index("name")

    @property
    def small_groups(self) -> list[Any]:
        return [g for g, n in zip(self.data.labels, self._rates["count"], strict=True)
                if n < self.min_group_size]

    def confidence_intervals(self, metrics: Sequence[str] | None = None, *, n_boot: int = 1000,
                             level: float = 0.95, seed: int = 0,
                             method: Literal["bootstrap", "wilson"] = "bootstrap",
                             ) -> pd.DataFrame:
        """Bootstrap percentile (or Wilson score) intervals for each group's metrics.

        Resampling rows with replacement changes a statistic of the confusion tables only
        through the resampled counts, which follow a multinomial law over the table's cells:
        drawing them directly is the same bootstrap, vectorised and independent of the number
        of rows. Seeded and reproducible.

        A bootstrap cannot vary what a handful of rows never show: 3 positives all detected
        give [100%, 100%]. ``method="wilson"`` gives Wilson score intervals from each
        metric's numerator and denominator (`denominators`), honest at small counts; the
        widget and the reports show them beside the bootstrap.

        Parameters
        ----------
        metrics
            Names from `METRICS` (one name or a list); default: all of them.
        n_boot
            Resamples, 1 to 100,000; ``n_boot`` x groups is at most `MAX_CELLS`.
        level
            Coverage of the intervals, strictly between 0 and 1.
        seed
            Seed of the resampling (a whole number >= 0).
        method
            ``"bootstrap"`` (default) or ``"wilson"`` (closed form: `n_boot` and `seed` are
            not used).

        Returns
        -------
        DataFrame
            Indexed by group, with ``<metric>_low`` and ``<metric>_high`` columns.
        """
        if isinstance(metrics, str):
            metrics = [metrics]
        wanted = list(metrics) if metrics is not None else list(METRICS)
        wanted = wanted or list(METRICS)
        if not all(isinstance(m, str) for m in wanted):
            raise TypeError(f"metrics must be metric names (text); choose from "
                            f"{', '.join(METRICS)}.")
        unknown = set(wanted) - set(METRICS)
        if unknown:
            raise ValueError(f"Unknown metric(s) {', '.join(map(_shown_label, sorted(unknown)))}"
                             f"; choose from {', '.join(METRICS)}.")
        n_boot = whole_number(n_boot, "n_boot", 1, "1000", maximum=100_000)
        groups = len(self.data.labels)
        if n_boot * groups > MAX_CELLS:
            raise ValueError(f"{n_boot:,} resamples of {groups:,} groups is too much work for one "
                             f"call (at most {MAX_CELLS:,} resamples x groups): lower n_boot "
                             f"(e.g. n_boot={max(1, MAX_CELLS // groups):,}) or audit fewer "
                             "groups (bin the sensitive features).")
        if isinstance(level, bool) or not isinstance(level, numbers.Real):
            raise TypeError(f"level must be a number between 0 and 1 such as 0.95, not "
                            f"{type_name(level)}.")
        if not 0 < level < 1:
            raise ValueError("level must be strictly between 0 and 1, e.g. 0.95.")
        seed = check_seed(seed)
        choice(method, "method", ("bootstrap", "wilson"))
        if method == "wilson":
            fractions = _fractions(self.table)
            out_w = {}
            for m in wanted:
                low, high = wilson_interval(*fractions[m], level=level)
                out_w[f"{m}_low"], out_w[f"{m}_high"] = low, high
            return pd.DataFrame(out_w, index=self._index())
        key = (tuple(wanted), n_boot, level, seed)
        if key not in self._ci_cache:
            rng = np.random.default_rng(seed)
            flat = self.table.ravel().astype(float)
            n = int(flat.sum())
            draws = rng.multinomial(n, flat / n, size=n_boot).reshape(n_boot, *self.table.shape)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                boot = rates(draws)
                lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
                out = {}
                for m in wanted:
                    out[f"{m}_low"] = np.nanquantile(boot[m], lo_q, axis=0)
                    out[f"{m}_high"] = np.nanquantile(boot[m], hi_q, axis=0)
            index = self._index()
            self._ci_cache[key] = pd.DataFrame(out, index=index)
        return self._ci_cache[key].copy()

    # -- thresholds ------------------------------------------------------------------------
    def sweep(self, thresholds: Sequence[float] | int = 101) -> ThresholdSweep:
        """Per-group confusion counts for many thresholds at once (scores needed).

        Scores are sorted once per group; each threshold is then a binary search.

        Parameters
        ----------
        thresholds
            How many evenly spaced thresholds from 0 to 1 (2 to `MAX_SWEEP`), or the
            thresholds themselves (numbers in [0, 1]). Thresholds x groups is at most
            `MAX_CELLS`.

        Returns
        -------
        ThresholdSweep
        """
        d = self.data
        if d.y_score is None:
            raise ValueError("A threshold sweep needs scores: call audit_fairness with y_score=.")
        ts = _sweep_thresholds(thresholds)
        n_groups = len(d.labels)
        if len(ts) * n_groups > MAX_CELLS:
            raise ValueError(f"{len(ts):,} thresholds x {n_groups:,} groups is too much work for "
                             f"one sweep (at most {MAX_CELLS:,}): sweep fewer thresholds "
                             f"(e.g. {max(2, MAX_CELLS // n_groups):,}) or audit fewer groups "
                             "(bin the sensitive features).")
        counts = np.zeros((len(ts), n_groups, 4), dtype=np.int64)
        order = np.lexsort((d.y_score, d.y_true, d.groups))
        g_sorted, t_sorted, s_sorted = d.groups[order], d.y_true[order], d.y_score[order]
        bounds = np.searchsorted(g_sorted * 2 + t_sorted, np.arange(2 * n_groups + 1))
        for g in range(n_groups):
            for truth in (0, 1):
                lo, hi = bounds[2 * g + truth], bounds[2 * g + truth + 1]
                scores = s_sorted[lo:hi]
                above = len(scores) - np.searchsorted(scores, ts, side="left")  # score >= t
                if truth == 0:
                    counts[:, g, 1] = above  # FP
                    counts[:, g, 0] = len(scores) - above  # TN
                else:
                    counts[:, g, 3] = above  # TP
                    counts[:, g, 2] = len(scores) - above  # FN
        return ThresholdSweep(ts, counts, d.labels)

    def at_threshold(self, threshold: float | Mapping[Any, float]) -> FairnessAudit:
        """The audit of the decisions ``score >= threshold`` (one per group if a mapping).

        Parameters
        ----------
        threshold
            A number in [0, 1], or a mapping from group to threshold. Its keys are group
            labels (``audit.groups``; for intersectional groups the tuple or its text
            ``"F × 30-45"``); groups it leaves out keep the audit's threshold. A key that is
            not a group is refused.

        Returns
        -------
        FairnessAudit
        """
        d = self.data
        if d.y_score is None:
            raise ValueError("Changing the threshold needs scores: audit_fairness(y_score=...).")
        if isinstance(threshold, Mapping):
            per_group = self._per_group(threshold)
            pred = (d.y_score >= per_group[d.groups]).astype(np.int8)
        else:
            threshold = probability(threshold, "threshold")
            pred = (d.y_score >= threshold).astype(np.int8)
        data = replace(d, y_pred=pred,
                       threshold=threshold if not isinstance(threshold, Mapping) else None)
        return FairnessAudit(data, self.min_group_size, dict(self.thresholds))

    def _per_group(self, threshold: Mapping[Any, Any]) -> np.ndarray:
        """One threshold per group code from a mapping keyed by group label or its text."""
        d = self.data
        default = d.threshold if d.threshold is not None else 0.5
        by_label: dict[Any, int] = {}
        by_text: dict[str, int] = {}
        for i, label in enumerate(d.labels):
            by_label.setdefault(label, i)
            by_text.setdefault(_label_text(label), i)
        values = np.full(len(d.labels), float(default))
        unknown = 0
        for key, value in threshold.items():
            try:
                code = by_label.get(key)
            except TypeError:  # an unhashable key cannot be a group
                code = None
            if code is None and isinstance(key, str):
                code = by_text.get(key)
            if code is None:
                unknown += 1
                continue
            values[code] = probability(value, "each per-group threshold")
        if unknown:
            raise ValueError(f"{unknown:,} of the {len(threshold):,} keys of the per-group "
                             f"thresholds are not groups of this audit (it has "
                             f"{len(d.labels):,} groups: see audit.groups). Use the group "
                             "labels as keys (for intersectional groups the tuple, or its "
                             f"text with {JOIN!r}).")
        return values

    def figure(self, metric: str = "selection_rate", *, ci: bool = True,
               interval: Literal["wilson", "bootstrap"] = "wilson") -> Any:
        """A plotly chart: one metric by group with intervals, or ``"tradeoff"``.

        Parameters
        ----------
        metric
            A name from `METRICS` (bars by group, the widget's chart), or ``"tradeoff"``
            (accuracy and disparities at every threshold: ``self.sweep(101).figure()``).
        ci
            Draw the intervals.
        interval
            ``"wilson"`` (default, honest at small counts) or ``"bootstrap"``.

        Returns
        -------
        plotly.graph_objects.Figure
            Horizontal bars when there are many groups or long labels, so that no label is
            cut; the hover shows the exact value, the interval and the denominator.
        """
        go = _plotly()
        if metric == "tradeoff":
            return self.sweep(101).figure(current=self.data.threshold)
        if metric not in METRICS:
            raise ValueError(f"Unknown metric {_shown_label(metric)}; choose from "
                             f"{', '.join(METRICS)}, or 'tradeoff'.")
        choice(interval, "interval", ("wilson", "bootstrap"))
        frame = self.by_group
        # Plotly renders <a href>, <b>, <br>... in labels: group names are data, escaped.
        names = [escape_html(_label_text(g)) for g in frame.index]
        values = frame[metric].to_numpy()
        dens = self.denominators[metric].to_numpy()
        small = dens < self.min_group_size
        if ci:
            bounds = self.confidence_intervals([metric], method=interval)
            low = bounds[f"{metric}_low"].to_numpy()
            high = bounds[f"{metric}_high"].to_numpy()
        else:
            low = high = np.full(len(values), np.nan)
        what = DENOMINATORS[metric]
        hover = [f"{n}<br>{_pct(v)}" + (f" (95% {interval} {_pct(lo)}–{_pct(hi)})"
                                        if ci and not math.isnan(lo) else "")
                 + f"<br>{int(d):,} {what}" + (" — too few to trust" if sm else "")
                 for n, v, lo, hi, d, sm in zip(names, values, low, high, dens, small,
                                                strict=True)]
        horizontal = len(names) > 12 or max((len(n) for n in names), default=0) > 14
        error = None
        if ci:
            error = {"type": "data", "symmetric": False, "array": high - values,
                     "arrayminus": values - low}
        colours = ["#bbbbbb" if sm else "#1f77b4" for sm in small]
        bar = (go.Bar(y=names, x=values, error_x=error, orientation="h", hovertext=hover,
                      hoverinfo="text", marker_color=colours) if horizontal else
               go.Bar(x=names, y=values, error_y=error, hovertext=hover, hoverinfo="text",
                      marker_color=colours))
        fig = go.Figure(bar)
        overall = float(self._overall[metric])
        label = escape_html(METRIC_LABELS.get(metric, metric))
        if horizontal:
            fig.add_vline(x=overall, line_dash="dash", annotation_text="all rows")
            fig.update_layout(xaxis={"range": [0, 1], "tickformat": ".0%", "title": label},
                              yaxis={"autorange": "reversed", "automargin": True},
                              height=max(300, 120 + 22 * len(names)))
        else:
            fig.add_hline(y=overall, line_dash="dash", annotation_text="all rows")
            fig.update_layout(yaxis={"range": [0, 1], "tickformat": ".0%", "title": label},
                              xaxis={"automargin": True}, height=380)
        fig.update_layout(title=f"{label} by group (grey: fewer than {self.min_group_size} "
                                f"{what})", template="plotly_white")
        return fig

    def mitigate(self, method: Literal["threshold_optimizer", "exponentiated_gradient"] =
                 "threshold_optimizer", *,
                 constraints: Literal["demographic_parity", "equalized_odds",
                                      "true_positive_rate_parity"] = "equalized_odds",
                 estimator: Any = None, X: Any = None, X_train: Any = None,
                 y_train: Any = None, sensitive_train: Any = None,
                 seed: int = 0, holdout: float = 0.5) -> Mitigation:
        """Run a fairlearn mitigation and audit the result on rows it was not fitted on.

        ``threshold_optimizer`` (post-processing) needs scores (given to `audit_fairness`)
        or a fitted `estimator` with the features `X` of the audited rows; it learns
        group-specific (randomized) thresholds on a seeded split of the audited rows
        (stratified by group and true outcome) and is scored on the `holdout` share it did
        not see. ``exponentiated_gradient`` (in-processing) retrains a copy of `estimator`
        on `X_train`, `y_train`, `sensitive_train`, and is scored on `X`.

        Parameters
        ----------
        holdout
            Share of the audited rows kept for scoring (default 0.5); 0 fits and scores on
            the same rows, which flatters the result (and says so).
        seed
            Seed of the split and of the randomized thresholds.

        Returns
        -------
        Mitigation
            ``before`` and ``after`` on the evaluation rows, ``evaluation`` (in words),
            ``group_thresholds``, ``comparison``, ``figure()``.
        """
        from .mitigation import mitigate

        return mitigate(self, method=method, constraints=constraints, estimator=estimator,
                        X=X, X_train=X_train, y_train=y_train, sensitive_train=sensitive_train,
                        seed=seed, holdout=holdout)

    def to_dict(self, ci: bool = False) -> dict[str, Any]:
        """JSON-safe figures (no row-level data)."""
        frame = self.by_group
        groups = []
        bounds = self.confidence_intervals() if ci else None
        fractions = _fractions(self.table)
        dens = {m: n for m, (_, n) in fractions.items()}
        wilson = {m: wilson_interval(k, n) for m, (k, n) in fractions.items()}
        for i, label in enumerate(frame.index):
            row = {"group": _label_text(label), "count": int(frame["count"].iloc[i]),
                   "small": bool(frame["small"].iloc[i])}
            for m in METRICS:
                v = float(frame[m].iloc[i])
                row[m] = None if math.isnan(v) else v
                if bounds is not None:
                    lo, hi = bounds[f"{m}_low"].iloc[i], bounds[f"{m}_high"].iloc[i]
                    row[f"{m}_ci"] = None if (math.isnan(lo) or math.isnan(hi)) else [lo, hi]
            for m in METRICS:
                row[f"{m}_n"] = int(dens[m][i])
                row[f"{m}_small"] = bool(dens[m][i] < self.min_group_size)
                lo, hi = wilson[m][0][i], wilson[m][1][i]
                row[f"{m}_wilson"] = None if math.isnan(lo) else [float(lo), float(hi)]
            groups.append(row)
        overall = {m: (None if math.isnan(v) else float(v)) for m, v in self._overall.items()}
        return {
            "join": JOIN,
            "positive_name": self.data.positive_name,
            "notes": self.notes,
            "binned": [b.to_dict() for b in self.data.binned],
            "denominators": dict(DENOMINATORS),
            "features": self.data.features,
            "n": int(self.table.sum()),
            "dropped": self.data.dropped,
            "threshold": self.data.threshold,
            "has_scores": self.data.y_score is not None,
            "min_group_size": self.min_group_size,
            "groups": groups,
            "overall": overall,
            "disparities": [d.to_dict() for d in self.disparity_list],
        }

    def to_markdown(self, mitigation: Mitigation | None = None) -> str:
        """Per-group metrics with intervals and the disparities, as Markdown."""
        from ..reports import fairness_markdown

        return fairness_markdown(self, mitigation)

    def to_html(self, mitigation: Mitigation | None = None) -> str:
        from ..reports import markdown_to_html

        return markdown_to_html(self.to_markdown(mitigation), "Fairness audit")

    def to_json(self) -> str:
        """The audit as JSON (through the egress gate, like every report)."""
        from ..reports import fairness_provenance, json_report

        return json_report({**self.to_dict(ci=True), "provenance": fairness_provenance(self)})

    def model_card(self, **text: Any) -> str:
        """A model card around this audit (see `nbaudit.reports.model_card`)."""
        from ..reports import model_card

        return model_card(self, **text)

    def model_card_html(self, **text: Any) -> str:
        """The model card as a standalone HTML page with plotly charts (works offline)."""
        from ..reports import model_card_html

        return model_card_html(self, **text)

    def __repr__(self) -> str:
        worst = [d for d in self.disparity_list if d.passes is False]
        return (f"FairnessAudit({len(self.data.labels)} groups of {', '.join(self.data.features)}"
                f"; {int(self.table.sum()):,} rows; failing: "
                f"{', '.join(d.name for d in worst) or 'none'})")


def _label_text(label: Any) -> str:
    """A group label as text: intersectional groups as ``a × b`` (`JOIN`), everywhere."""
    return JOIN.join(str(p) for p in label) if isinstance(label, tuple) else str(label)


def _pct(value: float) -> str:
    return "undefined" if value is None or math.isnan(value) else f"{value:.1%}"


def _plotly() -> Any:
    try:
        import plotly.graph_objects as go
    except ImportError as exc:  # pragma: no cover - plotly is a dependency
        raise ImportError("figure() needs plotly: pip install plotly") from exc
    return go


def _metric_name(name: Any) -> str:
    if not isinstance(name, str) or name not in METRICS + ["count"]:
        shown = _shown_label(name) if isinstance(name, str) else type_name(name)
        raise ValueError(f"Unknown metric {shown}; choose from {', '.join(METRICS)}.")
    return name


def _sweep_thresholds(thresholds: Any) -> np.ndarray:
    """The thresholds of a sweep: a count of evenly spaced ones, or the values themselves."""
    if isinstance(thresholds, (numbers.Integral, np.integer)) and not isinstance(
            thresholds, (bool, np.bool_)):
        count = whole_number(thresholds, "sweep(thresholds)", 2, "101", maximum=MAX_SWEEP)
        return np.linspace(0, 1, count)
    if isinstance(thresholds, (str, bytes, Mapping, bool, numbers.Number)) or not hasattr(
            thresholds, "__len__"):
        raise TypeError("sweep(thresholds) must be a number of thresholds (a whole number "
                        "such as 101) or a list of thresholds between 0 and 1, not "
                        f"{type_name(thresholds)}.")
    try:
        ts = np.asarray(thresholds, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("sweep(thresholds) must hold numbers between 0 and 1.") from None
    if ts.ndim != 1 or not 1 <= len(ts) <= MAX_SWEEP:
        raise ValueError(f"sweep(thresholds) must be a flat list of 1 to {MAX_SWEEP:,} "
                         f"thresholds (got shape {ts.shape}).")
    if not ((ts >= 0) & (ts <= 1)).all():  # NaN fails too
        raise ValueError("sweep(thresholds) must be numbers between 0 and 1: "
                         f"{int((~((ts >= 0) & (ts <= 1))).sum()):,} of {len(ts):,} are not.")
    return ts


def _pass_marks(thresholds: Any) -> dict[str, float]:
    """The pass marks, checked: keys "ratio" and "difference" only, values in [0, 1]."""
    if thresholds is None:
        return dict(DEFAULT_THRESHOLDS)
    if not isinstance(thresholds, Mapping):
        raise TypeError("thresholds (the pass marks) must be a dict such as "
                        f"{{'ratio': 0.8, 'difference': 0.1}}, not {type_name(thresholds)}.")
    unknown = [k for k in thresholds if k not in DEFAULT_THRESHOLDS]
    if unknown:
        shown = ", ".join(_shown_label(k) for k in unknown[:5])
        raise ValueError(f"Unknown pass mark(s) {shown} in thresholds: the keys are 'ratio' "
                         "(ratios pass at or above it, default 0.8) and 'difference' "
                         "(differences pass at or below it, default 0.1). Per-group decision "
                         "thresholds go to audit.at_threshold({group: threshold}).")
    marks = dict(DEFAULT_THRESHOLDS)
    for key, value in thresholds.items():
        marks[key] = probability(value, f"thresholds[{key!r}]", str(DEFAULT_THRESHOLDS[key]))
    return marks


@dataclass(frozen=True)
class ThresholdSweep:
    """Confusion counts per threshold and group: ``counts[t, g] = (TN, FP, FN, TP)``."""

    thresholds: np.ndarray
    counts: np.ndarray
    labels: list[Any]

    def metric(self, name: str) -> np.ndarray:
        """(thresholds, groups) values of one metric."""
        return rates(self.counts)[_metric_name(name)]

    def overall(self, name: str) -> np.ndarray:
        """(thresholds,) values of one metric over all groups."""
        return rates(self.counts.sum(axis=1))[_metric_name(name)]

    def tradeoff(self, disparity: str = "demographic_parity_difference") -> pd.DataFrame:
        """Accuracy and a disparity at every threshold.

        `disparity` is one of `TRADEOFF_MEASURES`: demographic parity, equal opportunity or
        equalized odds difference (the largest minus the smallest rate, NaN groups ignored).
        """
        choice(disparity, "disparity", TRADEOFF_MEASURES)
        r = rates(self.counts)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if disparity.startswith("demographic_parity"):
                values = r["selection_rate"]
            elif disparity.startswith("equal_opportunity"):
                values = r["true_positive_rate"]
            else:
                tpr, fpr = r["true_positive_rate"], r["false_positive_rate"]
                values = None
                spread = np.maximum(np.nanmax(tpr, 1) - np.nanmin(tpr, 1),
                                    np.nanmax(fpr, 1) - np.nanmin(fpr, 1))
            if values is not None:
                spread = np.nanmax(values, 1) - np.nanmin(values, 1)
        return pd.DataFrame({"threshold": self.thresholds,
                             "accuracy": self.overall("accuracy"),
                             disparity: spread})

    def figure(self, current: float | None = None) -> Any:
        """The widget's trade-off chart as a plotly figure: accuracy (left axis, %) and the
        demographic parity and equalized odds differences (right axis, 0 to 1) at every
        threshold; `current` draws the chosen threshold.

        Returns
        -------
        plotly.graph_objects.Figure
        """
        go = _plotly()
        dp = self.tradeoff("demographic_parity_difference")
        eo = self.tradeoff("equalized_odds_difference")
        fig = go.Figure()
        fig.add_trace(go.Scatter(x=self.thresholds, y=dp["accuracy"], name="accuracy",
                                 hovertemplate="threshold %{x:.2f}: accuracy %{y:.1%}"
                                               "<extra></extra>"))
        for frame, name, label in ((dp, "demographic_parity_difference",
                                    "demographic parity difference"),
                                   (eo, "equalized_odds_difference",
                                    "equalized odds difference")):
            fig.add_trace(go.Scatter(x=self.thresholds, y=frame[name], name=label, yaxis="y2",
                                     hovertemplate=f"threshold %{{x:.2f}}: {label} "
                                                   "%{y:.3f}<extra></extra>"))
        if current is not None:
            fig.add_vline(x=float(current), line_dash="dot", annotation_text="threshold")
        fig.update_layout(
            title="Accuracy and disparities by decision threshold", template="plotly_white",
            xaxis={"title": "decision threshold on the score", "range": [0, 1]},
            yaxis={"title": "accuracy", "range": [0, 1], "tickformat": ".0%"},
            yaxis2={"title": "difference between groups (0 = parity)", "range": [0, 1],
                    "overlaying": "y", "side": "right", "tickformat": ".1f"},
            legend={"orientation": "h", "y": -0.25}, height=420)
        return fig


def audit_fairness(
    y_true: Any,
    y_pred: Any = None,
    *,
    sensitive_features: Any,
    y_score: Any = None,
    threshold: float = 0.5,
    pos_label: Any = None,
    min_group_size: int = 30,
    thresholds: Mapping[str, float] | None = None,
    max_groups: int | None = MAX_GROUPS,
    bins: int | Literal["auto"] | None = "auto",
    positive_name: str | None = None,
) -> FairnessAudit:
    """Per-group metrics of a model's decisions, and the parity measures between groups.

    Parameters
    ----------
    y_true
        True outcomes (0/1, booleans, or two labels with `pos_label`). Rows with a missing
        label, decision or score are dropped and counted (``audit.data.dropped``).

        Pandas inputs (Series, DataFrames) are paired by index: when their indexes hold the
        same labels in another order, rows are matched by label (in the order of the first
        one); indexes with different labels are refused. Arrays and lists are paired by
        position. No input is modified.
    y_pred
        The model's decisions. Give this or `y_score`.
    sensitive_features
        One array/Series, or a DataFrame/dict of several (intersectional groups, labelled by
        tuples). Missing values form their own group, "missing". Cells must be single
        values (not lists or dicts).
    y_score
        Scores in [0, 1] (NaN: missing, the row is dropped; infinite scores are refused);
        decisions are ``score >= threshold``, and threshold sweeps become available.
    threshold
        The decision threshold on the scores, in [0, 1].
    pos_label
        The positive outcome when labels are not 0/1 (or one outcome against all others).
    min_group_size
        Groups smaller than this (a whole number >= 0) are flagged as too small to trust.
    thresholds
        Pass marks: ``{"ratio": 0.8, "difference": 0.1}`` by default; other keys are
        refused.
    max_groups
        The most groups an audit may have, per sensitive feature and for their
        intersection (default `MAX_GROUPS`, 100); more is refused with a message that
        offers binning, since an identifier column (emails, IDs) passed by mistake gives one
        group per person. None: no limit.
    bins
        ``"auto"`` (default): a numeric (not boolean) sensitive feature with at least
        `AUTO_BIN_VALUES` (20) distinct values, an exact age or income, is cut into
        `AUTO_BINS` (5) quantile bins, and the audit says so (``audit.notes``). A number:
        every numeric feature with more than `bins` distinct values is cut into `bins`
        quantile bins (see `quantile_bins`). None: never bin.
    positive_name
        The user's word for a positive decision ("high risk", "approved"), used in the
        widget ("high risk when score >= 0.5") and the reports. Default: "positive
        decision".

    Returns
    -------
    FairnessAudit
        ``by_group``, ``overall``, ``disparities``, ``confidence_intervals()``, ``sweep()``,
        ``at_threshold()``, ``mitigate()``, ``figure()``.
    """
    min_group_size = whole_number(min_group_size, "min_group_size", 0, "30")
    limits = _pass_marks(thresholds)
    if max_groups is not None:
        max_groups = whole_number(max_groups, "max_groups", 1, "100")
    if bins is not None and not (isinstance(bins, str) and bins == "auto"):
        if isinstance(bins, str):
            raise ValueError(f"bins must be 'auto', a whole number such as 5, or None, not "
                             f"{shown(bins)}.")
        bins = whole_number(bins, "bins", 2, "5", maximum=MAX_GROUPS)
    if positive_name is not None:
        if not isinstance(positive_name, str) or not positive_name.strip():
            raise TypeError("positive_name must be a short text such as 'high risk', not "
                            f"{type_name(positive_name)}.")
        positive_name = _SURROGATES.sub("?", " ".join(positive_name.split()))[:40]
    data = prepare(y_true, y_pred, sensitive_features=sensitive_features, y_score=y_score,
                   threshold=threshold, pos_label=pos_label, max_groups=max_groups, bins=bins,
                   positive_name=positive_name)
    return FairnessAudit(data, min_group_size, limits)
