"""Mitigation with fairlearn: ThresholdOptimizer (post-processing), ExponentiatedGradient."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from .audit import FairnessAudit


@dataclass(frozen=True)
class Mitigation:
    """Before and after a mitigation, side by side.

    Attributes
    ----------
    before, after
        The audits of the original and the mitigated decisions.
    method, constraints
        What was run.
    y_pred
        The mitigated decisions (for the audited rows, in order).
    """

    before: FairnessAudit
    after: FairnessAudit
    method: str
    constraints: str
    y_pred: np.ndarray

    @property
    def comparison(self) -> pd.DataFrame:
        """Disparities and overall accuracy, before and after."""
        b, a = self.before.disparities, self.after.disparities
        frame = pd.DataFrame({"before": b["value"], "after": a["value"],
                              "threshold": b["threshold"],
                              "passes_before": b["passes"].astype(object),
                              "passes_after": a["passes"].astype(object)})
        frame.loc["accuracy"] = [self.before.overall["accuracy"], self.after.overall["accuracy"],
                                 None, None, None]
        frame.loc["selection_rate"] = [self.before.overall["selection_rate"],
                                       self.after.overall["selection_rate"], None, None, None]
        return frame

    @property
    def by_group(self) -> pd.DataFrame:
        """Per-group metrics before and after (columns: metric x before/after)."""
        cols = ["count", "selection_rate", "true_positive_rate", "false_positive_rate",
                "accuracy"]
        return pd.concat({"before": self.before.by_group[cols],
                          "after": self.after.by_group[cols]}, axis=1)

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "constraints": self.constraints,
                "before": self.before.to_dict(), "after": self.after.to_dict()}


def _scores_estimator() -> Any:
    from sklearn.base import BaseEstimator, ClassifierMixin

    class ScoreColumn(ClassifierMixin, BaseEstimator):
        """A 'model' whose prediction is its single input column: the audited scores."""

        def fit(self, X: Any, y: Any) -> ScoreColumn:  # noqa: N803 - sklearn's names
            self.classes_ = np.array([0, 1])
            return self

        def predict(self, X: Any) -> np.ndarray:  # noqa: N803
            return np.asarray(X, dtype=float)[:, 0]

    return ScoreColumn()


def mitigate(audit: FairnessAudit, *, method: str, constraints: str, estimator: Any, X: Any,
             X_train: Any, y_train: Any, sensitive_train: Any, seed: int) -> Mitigation:  # noqa: N803
    try:
        from fairlearn.postprocessing import ThresholdOptimizer
        from fairlearn.reductions import (
            DemographicParity,
            EqualizedOdds,
            ExponentiatedGradient,
            TruePositiveRateParity,
        )
    except ImportError as exc:  # pragma: no cover - fairlearn is a dependency
        raise ImportError("Mitigation needs fairlearn: pip install fairlearn") from exc
    from .audit import FairnessAudit, Prepared

    d = audit.data
    groups = np.array([str(audit.data.labels[g]) for g in d.groups], dtype=object)
    if method == "threshold_optimizer":
        if d.y_score is not None and estimator is None:
            model, features, predict_method = _scores_estimator(), d.y_score[:, None], "predict"
            model.fit(features, d.y_true)
        elif estimator is not None and X is not None:
            model, features = estimator, X
            predict_method = "predict_proba" if hasattr(estimator, "predict_proba") else "predict"
        else:
            raise ValueError("ThresholdOptimizer needs scores (audit_fairness(y_score=...)) or "
                             "a fitted estimator with X.")
        if d.dropped:
            raise ValueError("Rows were dropped for missing values; mitigate on complete rows.")
        opt = ThresholdOptimizer(estimator=model, constraints=constraints, prefit=True,
                                 predict_method=predict_method, objective="accuracy_score")
        opt.fit(features, d.y_true, sensitive_features=groups)
        y_new = np.asarray(opt.predict(features, sensitive_features=groups, random_state=seed))
    elif method == "exponentiated_gradient":
        if estimator is None or X_train is None or y_train is None or sensitive_train is None \
                or X is None:
            raise ValueError("ExponentiatedGradient retrains a model: give estimator, X_train, "
                             "y_train, sensitive_train and X (the audited rows' features).")
        from sklearn.base import clone

        moment = {"demographic_parity": DemographicParity, "equalized_odds": EqualizedOdds,
                  "true_positive_rate_parity": TruePositiveRateParity}[constraints]()
        eg = ExponentiatedGradient(clone(estimator), constraints=moment)
        eg.fit(X_train, y_train, sensitive_features=sensitive_train)
        y_new = np.asarray(eg.predict(X, random_state=seed))
    else:
        raise ValueError(f"Unknown method {method!r}: 'threshold_optimizer' or "
                         "'exponentiated_gradient'.")
    y_new = y_new.astype(np.int8)
    if len(y_new) != len(d.y_true):
        raise ValueError("The mitigated model returned a different number of rows.")
    data = Prepared(d.y_true, y_new, None, d.groups, d.labels, d.features, d.dropped, None,
                    d.pos_label)
    after = FairnessAudit(data, audit.min_group_size, dict(audit.thresholds))
    return Mitigation(audit, after, method, constraints, y_new)
