"""`audit_fairness`: per-group metrics of a model's decisions, with uncertainty.

Everything comes from one confusion table per group, built with a single `bincount`:
group x (true label, decision). Bootstrap intervals resample that table (a multinomial draw
is exactly a row resample for statistics of the table), threshold sweeps sort the scores once.
That is why this stays interactive on millions of rows where fairlearn's MetricFrame does not.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..reports import escape_html, quote_name

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


def _as_array(values: Any, name: str) -> np.ndarray:
    if isinstance(values, (pd.Series, pd.Index)):
        return values.to_numpy()
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise ValueError(f"{name} must be one column, not {values.shape[1]}.")
        return values.iloc[:, 0].to_numpy()
    array = np.asarray(values)
    if array.ndim != 1:
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


def _binary(values: np.ndarray, name: str, pos_label: Any,
            what: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """0/1 values and a mask of missing ones, with a message for anything not binary.

    Messages name the input (`what`), its dtype and counts, never its values.
    """
    what = what or describe_input(values, name)
    series = pd.Series(values)
    missing = series.isna().to_numpy()
    present = series[~missing]
    distinct = list(pd.unique(present))
    if pos_label is not None:
        positive = present == pos_label
        if not positive.any() and len(present):
            raise ValueError(f"pos_label={_shown_label(pos_label)} never occurs in {what}, "
                             f"which has {len(distinct):,} distinct values. Check its spelling "
                             "and type (the number 1 and the text '1' differ).")
    else:
        try:
            as_set = set(distinct)
        except TypeError:  # unhashable cells (lists...): not labels
            as_set = {None}
        if as_set <= {0, 1} or as_set <= {True, False}:
            positive = present.astype(bool)
        elif len(distinct) <= 2 and all(isinstance(v, str) for v in distinct):
            raise ValueError(f"{what} holds {len(distinct)} distinct text labels: say which one "
                             "is the positive outcome with pos_label=... (list them with "
                             ".unique() on the column).")
        else:
            raise ValueError(f"{what} must be binary: it has {len(distinct):,} distinct values; "
                             "a label needs 2 (pass pos_label=... for labels other than 0/1).")
    out = np.zeros(len(values), dtype=np.int8)
    out[~missing] = np.asarray(positive, dtype=bool)
    return out, missing


def _group_codes(sensitive: Any, n: int) -> tuple[np.ndarray, list[Any], list[str]]:
    if isinstance(sensitive, pd.Series):
        frame = sensitive.to_frame(name=sensitive.name if sensitive.name is not None else "group")
    elif isinstance(sensitive, pd.DataFrame):
        frame = sensitive
    elif isinstance(sensitive, Mapping):
        frame = pd.DataFrame({str(k): _as_array(v, str(k)) for k, v in sensitive.items()})
    else:
        array = np.asarray(sensitive, dtype=object)
        if array.ndim == 2:
            frame = pd.DataFrame(array, columns=[f"feature_{i}" for i in range(array.shape[1])])
        else:
            frame = pd.DataFrame({"group": array})
    if len(frame) != n:
        raise ValueError(f"sensitive_features has {len(frame):,} rows but the labels have {n:,}.")
    if frame.shape[1] == 0:
        raise ValueError("Give at least one sensitive feature.")
    codes = np.zeros(n, dtype=np.int64)
    radix = 1
    uniques_per: list[list[Any]] = []
    for col in frame.columns:
        try:
            c, u = pd.factorize(frame[col], sort=True, use_na_sentinel=True)
        except TypeError:  # mixed types cannot be sorted: keep the order of appearance
            c, u = pd.factorize(frame[col], sort=False, use_na_sentinel=True)
        u = list(u)
        if (c < 0).any():
            c = np.where(c < 0, len(u), c)
            u.append(MISSING_GROUP)
        uniques_per.append(u)
        codes += c.astype(np.int64) * radix
        radix *= max(len(u), 1)
    if len(uniques_per) == 1:  # one feature: factorize's codes are already dense
        labels = [u.item() if isinstance(u, np.generic) else u for u in uniques_per[0]]
        used = np.bincount(codes, minlength=len(labels)) > 0
        if used.all():
            return codes, labels, [str(c) for c in frame.columns]
    present, inverse = np.unique(codes, return_inverse=True)
    labels = []
    for code in present:
        parts = []
        for u in uniques_per:
            parts.append(u[code % len(u)] if u else None)
            code //= max(len(u), 1)
        parts = [p.item() if isinstance(p, np.generic) else p for p in parts]
        labels.append(parts[0] if len(parts) == 1 else tuple(parts))
    return inverse.astype(np.int64), labels, [str(c) for c in frame.columns]


def _scores(y_score: Any) -> np.ndarray:
    """Scores as floats; text or other non-numbers get a message with counts, not values."""
    array = _as_array(y_score, "y_score")
    try:
        return array.astype(float)
    except (TypeError, ValueError):
        pass
    series = pd.Series(array, dtype=object)
    present = series.notna()
    numbers = pd.to_numeric(series[present], errors="coerce")
    bad = int(numbers.isna().sum())
    raise ValueError(f"{describe_input(y_score, 'y_score')} must hold numbers (scores between 0 "
                     f"and 1): {bad:,} of {int(present.sum()):,} non-missing values are not "
                     "numbers.") from None


def prepare(y_true: Any, y_pred: Any = None, *, sensitive_features: Any, y_score: Any = None,
            threshold: float = 0.5, pos_label: Any = None) -> Prepared:
    """Validate and encode the inputs (see `audit_fairness`)."""
    if (y_pred is None) == (y_score is None):
        raise ValueError("Give either y_pred (decisions) or y_score (scores), not both or none.")
    truth = _as_array(y_true, "y_true")
    n = len(truth)
    if n == 0:
        raise ValueError("There are no rows to audit.")
    groups, labels, features = _group_codes(sensitive_features, n)
    yt, missing = _binary(truth, "y_true", pos_label, describe_input(y_true, "y_true"))
    score = None
    if y_score is not None:
        score = _scores(y_score)
        if len(score) != n:
            raise ValueError(f"y_score has {len(score):,} rows but y_true has {n:,}.")
        finite = np.isfinite(score)
        if ((score[finite] < 0) | (score[finite] > 1)).any():
            raise ValueError("Scores must be probabilities between 0 and 1 (for a decision "
                             "function, rescale it, e.g. with a sigmoid, first).")
        missing = missing | ~finite
        yp = (np.nan_to_num(score, nan=-1.0) >= threshold).astype(np.int8)
    else:
        pred = _as_array(y_pred, "y_pred")
        if len(pred) != n:
            raise ValueError(f"y_pred has {len(pred):,} rows but y_true has {n:,}.")
        yp, miss_p = _binary(pred, "y_pred", pos_label, describe_input(y_pred, "y_pred"))
        missing = missing | miss_p
    dropped = int(missing.sum())
    if dropped:
        keep = ~missing
        yt, yp, groups = yt[keep], yp[keep], groups[keep]
        score = score[keep] if score is not None else None
        if not len(yt):
            raise ValueError("Every row has a missing label, decision or score.")
        present, groups = np.unique(groups, return_inverse=True)
        labels = [labels[i] for i in present]
    return Prepared(yt, yp, score, groups.astype(np.int64), labels, features, dropped,
                    threshold if score is not None else None, pos_label)


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
                "groups": [str(g) for g in self.groups] if self.groups else None,
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

    @property
    def by_group(self) -> pd.DataFrame:
        index = pd.Index(self.data.labels, name=" × ".join(self.data.features), tupleize_cols=False)
        frame = pd.DataFrame({k: v for k, v in self._rates.items()}, index=index)
        frame["count"] = frame["count"].astype(int)
        frame["small"] = frame["count"] < self.min_group_size
        return frame

    @property
    def overall(self) -> pd.Series:
        return pd.Series({k: float(v) for k, v in self._overall.items()}, name="overall")

    @property
    def disparity_list(self) -> list[Disparity]:
        """Parity measures over the groups with at least `min_group_size` rows.

        A group of a dozen people swings any rate by chance; its figures stay in `by_group`
        (flagged `small`) but it does not decide the disparities. Set min_group_size=0 to
        compare every group, as fairlearn does.
        """
        big = self._rates["count"] >= self.min_group_size
        if big.sum() < 2:
            big = np.ones_like(big, dtype=bool)
        chosen = {k: v[big] for k, v in self._rates.items()}
        labels = [g for g, b in zip(self.data.labels, big, strict=True) if b]
        out = disparities(chosen, labels, self.thresholds)
        left_out = [_label_text(g) for g, b in zip(self.data.labels, big, strict=True) if not b]
        if left_out:
            note = f"; left out (under {self.min_group_size} rows): {', '.join(left_out)}"
            out = [Disparity(d.name, d.value, d.kind, d.threshold, d.passes, d.groups,
                             d.note + note) for d in out]
        return out

    @property
    def disparities(self) -> pd.DataFrame:
        rows = [d.to_dict() for d in self.disparity_list]
        return pd.DataFrame(rows).set_index("name")

    @property
    def small_groups(self) -> list[Any]:
        return [g for g, n in zip(self.data.labels, self._rates["count"], strict=True)
                if n < self.min_group_size]

    def confidence_intervals(self, metrics: Sequence[str] | None = None, *, n_boot: int = 1000,
                             level: float = 0.95, seed: int = 0) -> pd.DataFrame:
        """Bootstrap percentile intervals for each group's metrics.

        Resampling rows with replacement changes a statistic of the confusion tables only
        through the resampled counts, which follow a multinomial law over the table's cells:
        drawing them directly is the same bootstrap, vectorised and independent of the number
        of rows. Seeded and reproducible.

        Returns
        -------
        DataFrame
            Indexed by group, with ``<metric>_low`` and ``<metric>_high`` columns.
        """
        wanted = list(metrics or METRICS)
        unknown = set(wanted) - set(METRICS)
        if unknown:
            raise ValueError(f"Unknown metric(s) {', '.join(map(_shown_label, sorted(unknown)))}"
                             f"; choose from {', '.join(METRICS)}.")
        if not 0 < level < 1:
            raise ValueError("level must be between 0 and 1, e.g. 0.95.")
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
            index = pd.Index(self.data.labels, name=" × ".join(self.data.features),
                             tupleize_cols=False)
            self._ci_cache[key] = pd.DataFrame(out, index=index)
        return self._ci_cache[key].copy()

    # -- thresholds ------------------------------------------------------------------------
    def sweep(self, thresholds: Sequence[float] | int = 101) -> ThresholdSweep:
        """Per-group confusion counts for many thresholds at once (scores needed).

        Scores are sorted once per group; each threshold is then a binary search.
        """
        d = self.data
        if d.y_score is None:
            raise ValueError("A threshold sweep needs scores: call audit_fairness with y_score=.")
        ts = np.linspace(0, 1, thresholds) if isinstance(thresholds, int) else \
            np.asarray(thresholds, dtype=float)
        n_groups = len(d.labels)
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
        """The audit of the decisions ``score >= threshold`` (one per group if a mapping)."""
        d = self.data
        if d.y_score is None:
            raise ValueError("Changing the threshold needs scores: audit_fairness(y_score=...).")
        if isinstance(threshold, Mapping):
            per_group = np.array([float(threshold.get(g, d.threshold or 0.5))
                                  for g in d.labels])
            pred = (d.y_score >= per_group[d.groups]).astype(np.int8)
        else:
            pred = (d.y_score >= float(threshold)).astype(np.int8)
        data = Prepared(d.y_true, pred, d.y_score, d.groups, d.labels, d.features, d.dropped,
                        threshold if not isinstance(threshold, Mapping) else None, d.pos_label)
        return FairnessAudit(data, self.min_group_size, dict(self.thresholds))

    def figure(self, metric: str = "selection_rate", *, ci: bool = True) -> Any:
        """A plotly bar chart of one metric by group, with bootstrap intervals."""
        try:
            import plotly.graph_objects as go
        except ImportError as exc:  # pragma: no cover - plotly is a dependency
            raise ImportError("figure() needs plotly: pip install plotly") from exc
        if metric not in METRICS:
            raise ValueError(f"Unknown metric {_shown_label(metric)}; choose from "
                             f"{', '.join(METRICS)}.")
        frame = self.by_group
        # Plotly renders <a href>, <b>, <br>... in labels: group names are data, escaped.
        names = [escape_html(_label_text(g)) for g in frame.index]
        error = None
        if ci:
            bounds = self.confidence_intervals([metric])
            error = {"type": "data", "symmetric": False,
                     "array": (bounds[f"{metric}_high"] - frame[metric]).to_numpy(),
                     "arrayminus": (frame[metric] - bounds[f"{metric}_low"]).to_numpy()}
        colours = ["#bbbbbb" if s else "#1f77b4" for s in frame["small"]]
        fig = go.Figure(go.Bar(x=names, y=frame[metric], error_y=error, marker_color=colours))
        fig.add_hline(y=float(self._overall[metric]), line_dash="dash",
                      annotation_text="overall")
        fig.update_layout(title=escape_html(METRIC_LABELS.get(metric, metric)),
                          yaxis_range=[0, 1],
                          template="plotly_white", height=360)
        return fig

    def mitigate(self, method: Literal["threshold_optimizer", "exponentiated_gradient"] =
                 "threshold_optimizer", *,
                 constraints: Literal["demographic_parity", "equalized_odds",
                                      "true_positive_rate_parity"] = "equalized_odds",
                 estimator: Any = None, X: Any = None, X_train: Any = None,
                 y_train: Any = None, sensitive_train: Any = None,
                 seed: int = 0) -> Mitigation:
        """Run a fairlearn mitigation and audit the result.

        ``threshold_optimizer`` (post-processing) needs scores (given to `audit_fairness`)
        or a fitted `estimator` with the features `X` of the audited rows; it learns
        group-specific (randomized) thresholds. ``exponentiated_gradient`` (in-processing)
        retrains a copy of `estimator` on `X_train`, `y_train`, `sensitive_train`, and
        predicts `X`.
        """
        from .mitigation import mitigate

        return mitigate(self, method=method, constraints=constraints, estimator=estimator,
                        X=X, X_train=X_train, y_train=y_train, sensitive_train=sensitive_train,
                        seed=seed)

    def to_dict(self, ci: bool = False) -> dict[str, Any]:
        """JSON-safe figures (no row-level data)."""
        frame = self.by_group
        groups = []
        bounds = self.confidence_intervals() if ci else None
        for i, label in enumerate(frame.index):
            row = {"group": _label_text(label), "count": int(frame["count"].iloc[i]),
                   "small": bool(frame["small"].iloc[i])}
            for m in METRICS:
                v = float(frame[m].iloc[i])
                row[m] = None if math.isnan(v) else v
                if bounds is not None:
                    lo, hi = bounds[f"{m}_low"].iloc[i], bounds[f"{m}_high"].iloc[i]
                    row[f"{m}_ci"] = None if (math.isnan(lo) or math.isnan(hi)) else [lo, hi]
            groups.append(row)
        overall = {m: (None if math.isnan(v) else float(v)) for m, v in self._overall.items()}
        return {
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
        import json

        return json.dumps(self.to_dict(ci=True))

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
    return " × ".join(str(p) for p in label) if isinstance(label, tuple) else str(label)


@dataclass(frozen=True)
class ThresholdSweep:
    """Confusion counts per threshold and group: ``counts[t, g] = (TN, FP, FN, TP)``."""

    thresholds: np.ndarray
    counts: np.ndarray
    labels: list[Any]

    def metric(self, name: str) -> np.ndarray:
        """(thresholds, groups) values of one metric."""
        return rates(self.counts)[name]

    def overall(self, name: str) -> np.ndarray:
        return rates(self.counts.sum(axis=1))[name]

    def tradeoff(self, disparity: str = "demographic_parity_difference") -> pd.DataFrame:
        """Accuracy and a disparity at every threshold."""
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
) -> FairnessAudit:
    """Per-group metrics of a model's decisions, and the parity measures between groups.

    Parameters
    ----------
    y_true
        True outcomes (0/1, booleans, or two labels with `pos_label`). Rows with a missing
        label, decision or score are dropped and counted (``audit.data.dropped``).
    y_pred
        The model's decisions. Give this or `y_score`.
    sensitive_features
        One array/Series, or a DataFrame/dict of several (intersectional groups, labelled by
        tuples). Missing values form their own group, "missing".
    y_score
        Scores in [0, 1]; decisions are ``score >= threshold``, and threshold sweeps become
        available.
    pos_label
        The positive outcome when labels are not 0/1.
    min_group_size
        Groups smaller than this are flagged as too small to trust.
    thresholds
        Pass marks: ``{"ratio": 0.8, "difference": 0.1}`` by default.

    Returns
    -------
    FairnessAudit
        ``by_group``, ``overall``, ``disparities``, ``confidence_intervals()``, ``sweep()``,
        ``at_threshold()``, ``mitigate()``, ``figure()``.
    """
    data = prepare(y_true, y_pred, sensitive_features=sensitive_features, y_score=y_score,
                   threshold=threshold, pos_label=pos_label)
    limits = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    return FairnessAudit(data, int(min_group_size), limits)
