"""Metrics from confusion tables: rates, Wilson and bootstrap intervals, parity measures.

Everything comes from one confusion table per group, built with a single `bincount`:
group x (true label, decision). Bootstrap intervals resample that table (a multinomial draw
is exactly a row resample for statistics of the table). Arrays in, arrays out: no result
object, so that the result (`FairnessAudit`) and mitigation can both build on this module.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from .._checks import choice, type_name, whole_number
from .._checks import seed as check_seed
from ._common import (
    DEFAULT_THRESHOLDS,
    MAX_CELLS,
    METRICS,
    NOTE_GROUPS,
    DisparityKind,
    label_text,
    shown_label,
)


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


def fractions(table: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
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


def wilson_interval(successes: Any, trials: Any, *,
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
                "groups": [label_text(g) for g in self.groups] if self.groups else None,
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


def disparities(metrics: dict[str, np.ndarray], labels: list[Any], *,
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


#: The denominators each parity measure rests on (see `FairnessAudit.disparity_list`).
_USES = {"demographic_parity_difference": ("rows",),
         "demographic_parity_ratio": ("rows",), "disparate_impact_ratio": ("rows",),
         "equal_opportunity_difference": ("positives",),
         "equalized_odds_difference": ("positives", "negatives"),
         "equalized_odds_ratio": ("positives", "negatives")}


def refusal(table: np.ndarray, min_group_size: int) -> str:
    """Why the disparities are not computed at all (no two groups large enough), or ""."""
    counts = table.sum(axis=-1)
    big = int((counts >= min_group_size).sum())
    if len(counts) < 2 or big >= 2:
        return ""
    return (f"Disparities refused: {big} of the {len(counts):,} groups "
            f"{'has' if big == 1 else 'have'} at least min_group_size={min_group_size} rows, "
            "and differences between smaller groups are noise (a group of one row has a rate "
            "of 0% or 100%). Bin the feature into fewer groups (bins=5; magic: --bins 5), "
            "merge groups, or lower min_group_size (0 compares every group).")


def trusted_disparities(table: np.ndarray, labels: list[Any], *, min_group_size: int,
                        thresholds: Mapping[str, float]) -> list[Disparity]:
    """The parity measures over the rates whose denominators reach `min_group_size`, each
    with a note naming the groups left out (see `FairnessAudit.disparity_list`)."""
    m = min_group_size
    parts = fractions(table)
    chosen = rates(table)
    left: dict[str, list[str]] = {}
    for metric, what in (("selection_rate", "rows"), ("true_positive_rate", "positives"),
                         ("false_positive_rate", "negatives")):
        keep = parts[metric][1] >= m
        chosen[metric] = np.where(keep, chosen[metric], np.nan)
        left[what] = [label_text(g) for g, k in zip(labels, keep, strict=True) if not k]
    refused = refusal(table, m)
    noted = []
    for d in disparities(chosen, labels, thresholds=thresholds):
        note = d.note
        if refused:
            note = refused
        elif len(labels) >= 2:
            for what in _USES[d.name]:
                names = left[what]
                if names:
                    text = ", ".join(names[:NOTE_GROUPS])
                    if len(names) > NOTE_GROUPS:
                        text += f" and {len(names) - NOTE_GROUPS:,} more"
                    note += f"; left out (under {m} {what}): {text}"
            if math.isnan(d.value) and d.groups is None:
                note += ("; undefined: fewer than two groups have enough "
                         + " and ".join(_USES[d.name]))
        noted.append(Disparity(d.name, d.value, d.kind, d.threshold, d.passes, d.groups, note))
    return noted


def interval_metrics(metrics: str | Sequence[str] | None) -> list[str]:
    """The metrics of `confidence_intervals`: one name, a list, or None (all of them)."""
    if isinstance(metrics, str):
        metrics = [metrics]
    wanted = list(metrics) if metrics is not None else list(METRICS)
    wanted = wanted or list(METRICS)
    if not all(isinstance(m, str) for m in wanted):
        raise TypeError(f"metrics must be metric names (text); choose from "
                        f"{', '.join(METRICS)}.")
    unknown = set(wanted) - set(METRICS)
    if unknown:
        raise ValueError(f"Unknown metric(s) {', '.join(map(shown_label, sorted(unknown)))}"
                         f"; choose from {', '.join(METRICS)}.")
    return wanted


def check_interval_options(n_boot: Any, level: Any, seed: Any, method: Any,
                           groups: int) -> tuple[int, float, int]:
    """`n_boot`, `level`, `seed` and `method` of `confidence_intervals`, checked."""
    n_boot = whole_number(n_boot, "n_boot", 1, "1000", maximum=100_000)
    if n_boot * groups > MAX_CELLS:
        raise ValueError(f"{n_boot:,} resamples of {groups:,} groups is too much work for one "
                         f"call (at most {MAX_CELLS:,} resamples x groups): lower n_boot "
                         f"(e.g. n_boot={max(1, MAX_CELLS // groups):,}) or audit fewer "
                         "groups (bin the sensitive features).")
    if isinstance(level, bool) or not isinstance(level, numbers.Real):
        raise TypeError(f"level must be a number between 0 and 1 such as 0.95, not "
                        f"{type_name(level)}.")
    coverage = float(level)
    if not 0 < coverage < 1:  # NaN fails too
        raise ValueError("level must be strictly between 0 and 1, e.g. 0.95.")
    seed = check_seed(seed)
    choice(method, "method", ("bootstrap", "wilson"))
    return n_boot, coverage, seed


def wilson_intervals(table: np.ndarray, metrics: list[str], *,
                     level: float) -> dict[str, np.ndarray]:
    """``<metric>_low`` and ``<metric>_high`` per group: Wilson score intervals."""
    parts = fractions(table)
    out = {}
    for m in metrics:
        low, high = wilson_interval(*parts[m], level=level)
        out[f"{m}_low"], out[f"{m}_high"] = low, high
    return out


def bootstrap_intervals(table: np.ndarray, metrics: list[str], *, n_boot: int, level: float,
                        seed: int) -> dict[str, np.ndarray]:
    """``<metric>_low`` and ``<metric>_high`` per group: bootstrap percentile intervals.

    Resampling rows with replacement changes a statistic of the confusion tables only
    through the resampled counts, which follow a multinomial law over the table's cells:
    drawing them directly is the same bootstrap, vectorised and independent of the number
    of rows.
    """
    rng = np.random.default_rng(seed)
    flat = table.ravel().astype(float)
    n = int(flat.sum())
    draws = rng.multinomial(n, flat / n, size=n_boot).reshape(n_boot, *table.shape)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        boot = rates(draws)
        lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
        out = {}
        for m in metrics:
            out[f"{m}_low"] = np.nanquantile(boot[m], lo_q, axis=0)
            out[f"{m}_high"] = np.nanquantile(boot[m], hi_q, axis=0)
    return out
