"""Mitigation with fairlearn: ThresholdOptimizer (post-processing), ExponentiatedGradient."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._checks import choice, type_name
from ._checks import seed as check_seed

if TYPE_CHECKING:
    from .audit import FairnessAudit

METHODS = ("threshold_optimizer", "exponentiated_gradient")
CONSTRAINTS = ("demographic_parity", "equalized_odds", "true_positive_rate_parity")


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


def _rows(value: Any, name: str) -> int:
    try:
        return len(value)
    except TypeError:
        raise TypeError(f"{name} must be a table of features (a DataFrame or a 2-D array), "
                        f"not {type_name(value)}.") from None


def _fit(what: str, fit: Any) -> Any:
    """Run fairlearn; its errors become ours, without their text (it may quote group values,
    e.g. "Degenerate labels for sensitive feature value ...")."""
    try:
        return fit()
    except (ValueError, TypeError, IndexError, KeyError) as exc:
        raise ValueError(f"fairlearn's {what} failed on these data ({type(exc).__name__}; "
                         "its message is in this error's __cause__, and may quote group "
                         "values). Check that every group has both outcomes and enough "
                         "rows.") from exc


def _check_outcomes(audit: FairnessAudit) -> None:
    """Every group needs both true outcomes, or ThresholdOptimizer has no trade-off to find."""
    positives = audit.table[:, 2] + audit.table[:, 3]
    counts = audit.table.sum(axis=1)
    one = int(((positives == 0) | (positives == counts)).sum())
    if one:
        raise ValueError(f"{one:,} of the {len(counts):,} groups have only one true outcome "
                         "(every row positive or every row negative: base_rate 0 or 1 in "
                         "audit.by_group). ThresholdOptimizer needs both outcomes in every "
                         "group: merge those groups into others or leave their rows out.")


def mitigate(audit: FairnessAudit, *, method: str, constraints: str, estimator: Any, X: Any,
             X_train: Any, y_train: Any, sensitive_train: Any, seed: int) -> Mitigation:  # noqa: N803
    """See `FairnessAudit.mitigate`."""
    choice(method, "method", METHODS)
    choice(constraints, "constraints", CONSTRAINTS)
    seed = check_seed(seed)
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
    groups = d.groups  # group codes: exact (labels 1 and "1" stay apart), and no label
    # value can reach fairlearn's messages
    if method == "threshold_optimizer":
        if d.y_score is not None and estimator is None:
            model, features, predict_method = _scores_estimator(), d.y_score[:, None], "predict"
            model.fit(features, d.y_true)
        elif estimator is not None and X is not None:
            if not hasattr(estimator, "predict"):
                raise TypeError(f"estimator must be a fitted model (with .predict), not "
                                f"{type_name(estimator)}.")
            if d.dropped:
                raise ValueError(f"{d.dropped:,} rows were dropped for missing values, so X "
                                 "no longer matches the audited rows: audit and mitigate on "
                                 "complete rows (drop the rows with missing values first).")
            if _rows(X, "X") != len(d.y_true):
                raise ValueError(f"X has {_rows(X, 'X'):,} rows but the audit has "
                                 f"{len(d.y_true):,}: give the features of the audited rows.")
            model, features = estimator, X
            predict_method = "predict_proba" if hasattr(estimator, "predict_proba") else "predict"
        else:
            raise ValueError("ThresholdOptimizer needs scores (audit_fairness(y_score=...)) or "
                             "a fitted estimator with X.")
        _check_outcomes(audit)
        opt = ThresholdOptimizer(estimator=model, constraints=constraints, prefit=True,
                                 predict_method=predict_method, objective="accuracy_score")
        _fit("ThresholdOptimizer", lambda: opt.fit(features, d.y_true, sensitive_features=groups))
        y_new = np.asarray(_fit("ThresholdOptimizer", lambda: opt.predict(
            features, sensitive_features=groups, random_state=seed)))
    elif method == "exponentiated_gradient":
        if estimator is None or X_train is None or y_train is None or sensitive_train is None \
                or X is None:
            raise ValueError("ExponentiatedGradient retrains a model: give estimator, X_train, "
                             "y_train, sensitive_train and X (the audited rows' features).")
        from sklearn.base import clone

        moment = {"demographic_parity": DemographicParity, "equalized_odds": EqualizedOdds,
                  "true_positive_rate_parity": TruePositiveRateParity}[constraints]()
        if _rows(X, "X") != len(d.y_true) or d.dropped:
            raise ValueError(f"X has {_rows(X, 'X'):,} rows but the audit has "
                             f"{len(d.y_true):,} complete rows: give the features of the "
                             "audited rows (without rows that have missing values).")
        if _rows(X_train, "X_train") != _rows(y_train, "y_train") or \
                _rows(X_train, "X_train") != _rows(sensitive_train, "sensitive_train"):
            raise ValueError("X_train, y_train and sensitive_train must have as many rows as "
                             "each other.")
        eg = ExponentiatedGradient(clone(estimator), constraints=moment)
        _fit("ExponentiatedGradient", lambda: eg.fit(X_train, y_train,
                                                    sensitive_features=sensitive_train))
        y_new = np.asarray(_fit("ExponentiatedGradient", lambda: eg.predict(
            X, random_state=seed)))
    if y_new.ndim != 1 or len(y_new) != len(d.y_true):
        raise ValueError("The mitigated model returned a different number of rows.")
    if not np.isin(y_new, (0, 1)).all():
        raise ValueError("The mitigated model returned decisions other than 0/1: train it on "
                         "0/1 labels.")
    y_new = y_new.astype(np.int8)
    data = Prepared(d.y_true, y_new, None, d.groups, d.labels, d.features, d.dropped, None,
                    d.pos_label)
    after = FairnessAudit(data, audit.min_group_size, dict(audit.thresholds))
    return Mitigation(audit, after, method, constraints, y_new)
