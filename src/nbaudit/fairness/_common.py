"""The fairness package's shared words: metric names and labels, limits, pass marks, and how a
group label is written. The lowest module of `nbaudit.fairness` (it imports no other)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from .._checks import probability, type_name

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
#: The pass marks: ratios pass at or above "ratio", differences at or below "difference".
#: The one place they are written (the widget, the messages and the docs read them here).
DEFAULT_THRESHOLDS: dict[str, float] = {"ratio": 0.8, "difference": 0.1}
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
#: Lone surrogates: they cannot be encoded as UTF-8, so neither saved nor sent to the browser.
SURROGATES = re.compile("[\ud800-\udfff]")


def label_text(label: Any) -> str:
    """A group label as text: intersectional groups as ``a × b`` (`JOIN`), everywhere."""
    return JOIN.join(str(p) for p in label) if isinstance(label, tuple) else str(label)


def shown_label(value: Any) -> str:
    """The user's own value (a pos_label, a key), shown back (a NumPy scalar as its value),
    truncated."""
    if isinstance(value, np.generic):
        value = value.item()
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def pct(value: float | None) -> str:
    return "undefined" if value is None or math.isnan(value) else f"{value:.1%}"


def metric_name(name: Any) -> str:
    """`name` checked against `METRICS` (and ``"count"``)."""
    if not isinstance(name, str) or name not in METRICS + ["count"]:
        shown = shown_label(name) if isinstance(name, str) else type_name(name)
        raise ValueError(f"Unknown metric {shown}; choose from {', '.join(METRICS)}.")
    return name


def _marks_text() -> str:
    return "{" + ", ".join(f"{k!r}: {v}" for k, v in DEFAULT_THRESHOLDS.items()) + "}"


def pass_marks(thresholds: Any) -> dict[str, float]:
    """The pass marks, checked: keys "ratio" and "difference" only, values in [0, 1]; the
    defaults (`DEFAULT_THRESHOLDS`) for the keys not given."""
    if thresholds is None:
        return dict(DEFAULT_THRESHOLDS)
    if not isinstance(thresholds, Mapping):
        raise TypeError("thresholds (the pass marks) must be a dict such as "
                        f"{_marks_text()}, not {type_name(thresholds)}.")
    unknown = [k for k in thresholds if k not in DEFAULT_THRESHOLDS]
    if unknown:
        shown = ", ".join(shown_label(k) for k in unknown[:5])
        raise ValueError(f"Unknown pass mark(s) {shown} in thresholds: the keys are 'ratio' "
                         f"(ratios pass at or above it, default {DEFAULT_THRESHOLDS['ratio']}) "
                         "and 'difference' (differences pass at or below it, default "
                         f"{DEFAULT_THRESHOLDS['difference']}). Per-group decision "
                         "thresholds go to audit.at_threshold({group: threshold}).")
    marks = dict(DEFAULT_THRESHOLDS)
    for key, value in thresholds.items():
        marks[key] = probability(value, f"thresholds[{key!r}]", str(DEFAULT_THRESHOLDS[key]))
    return marks
