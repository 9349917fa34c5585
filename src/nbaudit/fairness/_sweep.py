"""Threshold sweeps: per-group confusion counts at many thresholds, from one sort of the scores."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import choice, type_name, whole_number
from ._charts import tradeoff_chart
from ._common import MAX_CELLS, MAX_SWEEP, TRADEOFF_MEASURES, metric_name
from ._inputs import Prepared
from ._metrics import rates

if TYPE_CHECKING:
    import plotly.graph_objects as go


def sweep_thresholds(thresholds: Any) -> np.ndarray:
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


@dataclass(frozen=True)
class ThresholdSweep:
    """Confusion counts per threshold and group: ``counts[t, g] = (TN, FP, FN, TP)``."""

    thresholds: np.ndarray
    counts: np.ndarray
    labels: list[Any]

    def metric(self, name: str) -> np.ndarray:
        """(thresholds, groups) values of one metric."""
        return rates(self.counts)[metric_name(name)]

    def overall(self, name: str) -> np.ndarray:
        """(thresholds,) values of one metric over all groups."""
        return rates(self.counts.sum(axis=1))[metric_name(name)]

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

    def figure(self, *, current: float | None = None) -> go.Figure:
        """The widget's trade-off chart as a plotly figure: accuracy (left axis, %) and the
        demographic parity and equalized odds differences (right axis, 0 to 1) at every
        threshold; `current` draws the chosen threshold.

        Returns
        -------
        plotly.graph_objects.Figure
        """
        dp = self.tradeoff("demographic_parity_difference")
        eo = self.tradeoff("equalized_odds_difference")
        return tradeoff_chart(self.thresholds, accuracy=dp["accuracy"],
                              demographic_parity=dp["demographic_parity_difference"],
                              equalized_odds=eo["equalized_odds_difference"], current=current)


def sweep(data: Prepared, thresholds: Sequence[float] | int = 101) -> ThresholdSweep:
    """Per-group confusion counts for many thresholds at once (see `FairnessAudit.sweep`).

    Scores are sorted once per group; each threshold is then a binary search.
    """
    d = data
    if d.y_score is None:
        raise ValueError("A threshold sweep needs scores: call audit_fairness with y_score=.")
    ts = sweep_thresholds(thresholds)
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
