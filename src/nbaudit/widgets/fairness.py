"""The `%fairness` widget: per-group bars with intervals, disparities, thresholds, mitigation."""

from __future__ import annotations

import contextlib
import math
from typing import Any

import traitlets

from ..fairness import DEFAULT_THRESHOLDS, METRICS, FairnessAudit, Mitigation, label_text
from ..fairness.audit import MAX_GROUPS
from ..fairness.mitigation import CONSTRAINTS
from ._base import AuditWidget, bundle

#: The most groups the widget shows. An audit with more (``audit_fairness(max_groups=None)``
#: on an identifier column) gets a message instead: its group labels never enter the
#: widget's state, and no work is done per group on a slider move.
WIDGET_MAX_GROUPS = MAX_GROUPS


def _unit(value: Any, default: float) -> float:
    """A threshold from the browser: a number clamped to [0, 1]; anything else, `default`."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(number) else min(1.0, max(0.0, number))


def _clean(values: Any) -> list[float | None]:
    return [None if (v is None or (isinstance(v, float) and math.isnan(v))) else float(v)
            for v in values]


class FairnessWidget(AuditWidget):
    """Shows a `FairnessAudit`; the browser picks the metric, the threshold and mitigation.

    State holds group-level figures only (counts and rates), never a row of data, and at
    most `WIDGET_MAX_GROUPS` groups.
    """

    _esm = bundle("fairness")

    metric = traitlets.Unicode("selection_rate", help="Metric drawn as bars.").tag(sync=True)
    threshold = traitlets.Float(0.5, help="Decision threshold on the scores.").tag(sync=True)
    group_thresholds = traitlets.Dict(
        help="One threshold per group (group label -> threshold); empty: one for all.").tag(
        sync=True)
    limits = traitlets.Dict(dict(DEFAULT_THRESHOLDS),
                            help="Pass marks of the parity measures.").tag(sync=True)
    summary = traitlets.Dict(help="FairnessAudit.to_dict(ci=True) at the threshold.").tag(
        sync=True)
    tradeoff = traitlets.Dict(help="Accuracy and disparities for thresholds 0..1.").tag(
        sync=True)
    mitigation = traitlets.Dict(
        help="Mitigation.to_dict() of the last mitigation: before/after on the held-out "
             "evaluation rows, how it was fitted, the learned thresholds.").tag(sync=True)
    metrics = traitlets.List(traitlets.Unicode(), METRICS).tag(sync=True)

    audit: FairnessAudit | None = None  # at the widget's threshold
    base: FairnessAudit | None = None  # as given
    estimator: Any = None
    _last_mitigation: Mitigation | None = None
    features: Any = None

    def __init__(self, audit: FairnessAudit | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if audit is not None:
            self.show(audit)

    def show(self, audit: FairnessAudit) -> None:
        if not isinstance(audit, FairnessAudit):
            raise TypeError(f"FairnessWidget shows a FairnessAudit (from audit_fairness), not "
                            f"{type(audit).__name__}.")
        groups = len(audit.data.labels)
        if groups > WIDGET_MAX_GROUPS:
            self.base = self.audit = None
            self.summary, self.tradeoff, self.mitigation = {}, {}, {}
            self.error = (f"This audit has {groups:,} groups: the widget shows at most "
                          f"{WIDGET_MAX_GROUPS}. Bin the sensitive feature (bins=5 in "
                          "audit_fairness, or pd.cut / pd.qcut) or pick a group column; the "
                          "audit itself is still available from Python (audit.by_group).")
            self.status = "error"
            return
        self.base = audit
        self.error = ""
        self.limits = dict(audit.thresholds)
        if audit.data.y_score is not None:
            self.threshold = float(audit.data.threshold or 0.5)
            sweep = audit.sweep(101)
            table = sweep.tradeoff("demographic_parity_difference")
            eo = sweep.tradeoff("equalized_odds_difference")
            self.tradeoff = {
                "thresholds": _clean(table["threshold"]),
                "accuracy": _clean(table["accuracy"]),
                "demographic_parity_difference": _clean(table["demographic_parity_difference"]),
                "equalized_odds_difference": _clean(eo["equalized_odds_difference"]),
            }
        self._publish()

    def _publish(self) -> None:
        if self.base is None:
            return
        audit = self.base
        if audit.data.y_score is not None:
            common = min(1.0, max(0.0, float(self.threshold)))
            if self.group_thresholds:
                per_group = {}
                texts = {label_text(label): label for label in audit.data.labels}
                unknown = len(set(self.group_thresholds) - set(texts))
                for text, label in texts.items():
                    per_group[label] = _unit(self.group_thresholds.get(text), common)
                self.error = (f"{unknown:,} key(s) of group_thresholds are not groups of this "
                              "audit and were ignored: use the group labels shown in the "
                              "table.") if unknown else ""
                audit = audit.at_threshold(per_group)
            else:
                self.error = ""
                audit = audit.at_threshold(common)
        # a new audit: the one given (decisions only) is the user's own object, never changed
        audit = audit.with_pass_marks(self.limits)
        self.audit = audit
        self.summary = audit.to_dict(ci=True)
        self.status = "ready"

    @traitlets.observe("threshold", "limits", "group_thresholds")
    def _on_change(self, _change: dict[str, Any]) -> None:
        self._publish()

    @traitlets.validate("threshold")
    def _valid_threshold(self, proposal: dict[str, Any]) -> float:
        """From the browser or Python: clamped to [0, 1]; NaN keeps the current value."""
        return _unit(proposal["value"], float(self.threshold))

    @traitlets.validate("metric")
    def _valid_metric(self, proposal: dict[str, Any]) -> str:
        value = proposal["value"]
        return value if value in METRICS else "selection_rate"

    @traitlets.validate("limits")
    def _valid_limits(self, proposal: dict[str, Any]) -> dict[str, float]:
        value = proposal["value"]
        out = dict(DEFAULT_THRESHOLDS)
        if isinstance(value, dict):
            for key in out:
                with contextlib.suppress(TypeError, ValueError):
                    out[key] = min(1.0, max(0.0, float(value.get(key, out[key]))))
        return out

    def _handle_mitigate(self, content: dict[str, Any]) -> None:
        if self.audit is None:
            return
        constraints = content.get("constraints", "equalized_odds")
        if constraints not in CONSTRAINTS:
            raise ValueError(f"unknown constraints {constraints!r}")
        self.status = "running"
        self.progress_message = "fitting ThresholdOptimizer"
        try:
            result = self.audit.mitigate("threshold_optimizer", constraints=constraints,
                                         estimator=self.estimator if self.audit.data.y_score
                                         is None else None, X=self.features)
        finally:
            self.status = "ready"
        self._last_mitigation = result
        # before and after on the held-out rows the thresholds were not fitted on
        self.mitigation = result.to_dict()

    def report_markdown(self) -> str:
        if self.audit is None:
            raise ValueError(self.error or "No audit yet.")
        return self.audit.to_markdown(self._last_mitigation)
