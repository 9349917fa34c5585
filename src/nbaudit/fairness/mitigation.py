"""Mitigation with fairlearn: ThresholdOptimizer (post-processing), ExponentiatedGradient
(in-processing).

This module fits and predicts on the validated inputs (`Prepared`) and says which rows were
fitted on and which are for scoring; `FairnessAudit.mitigate` audits the new decisions on
the scoring rows and returns the `Mitigation` result. It knows no result class, so that the
result can call it without a circle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np
import pandas as pd

from .._checks import choice, type_name
from .._checks import seed as check_seed
from ._common import label_text
from ._inputs import Prepared, subset
from ._metrics import confusion

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator

Method = Literal["threshold_optimizer", "exponentiated_gradient"]
Constraints = Literal["demographic_parity", "equalized_odds", "true_positive_rate_parity"]
METHODS: tuple[Method, ...] = ("threshold_optimizer", "exponentiated_gradient")
CONSTRAINTS: tuple[Constraints, ...] = ("demographic_parity", "equalized_odds",
                                        "true_positive_rate_parity")
_T = TypeVar("_T")


@dataclass(frozen=True)
class MitigationFit:
    """What a mitigation produced, before it is audited.

    Attributes
    ----------
    y_pred
        The mitigated 0/1 decisions for every audited row, in order (fitting rows included).
    fit_rows
        How many rows the mitigation was fitted on.
    evaluation_rows
        Positions (into the audited rows) of the rows to score it on.
    evaluation
        In words: what was fitted on which rows and scored on which.
    group_thresholds
        ThresholdOptimizer's learned rule per group (see `learned_thresholds`); None for
        ExponentiatedGradient.
    """

    y_pred: np.ndarray
    fit_rows: int
    evaluation_rows: np.ndarray
    evaluation: str
    group_thresholds: pd.DataFrame | None = None


def _scores_estimator() -> BaseEstimator:
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


def _fit(what: str, fit: Callable[[], _T]) -> _T:
    """Run fairlearn; its errors become ours, without their text (it may quote group values,
    e.g. "Degenerate labels for sensitive feature value ...")."""
    try:
        return fit()
    except (ValueError, TypeError, IndexError, KeyError) as exc:
        raise ValueError(f"fairlearn's {what} failed on these data ({type(exc).__name__}; "
                         "its message is in this error's __cause__, and may quote group "
                         "values). Check that every group has both outcomes and enough "
                         "rows.") from exc


def _check_outcomes(data: Prepared) -> None:
    """Every group needs both true outcomes, or ThresholdOptimizer has no trade-off to find."""
    table = confusion(data.groups, data.y_true, data.y_pred, len(data.labels))
    positives = table[:, 2] + table[:, 3]
    counts = table.sum(axis=1)
    one = int(((positives == 0) | (positives == counts)).sum())
    if one:
        raise ValueError(f"{one:,} of the {len(counts):,} groups have only one true outcome "
                         "(every row positive or every row negative: base_rate 0 or 1 in "
                         "audit.by_group). ThresholdOptimizer needs both outcomes in every "
                         "group: merge those groups into others or leave their rows out.")


def split_rows(groups: np.ndarray, y_true: np.ndarray, holdout: float,
               seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the fitting and the evaluation rows: a seeded split stratified by group
    and true outcome (each (group, outcome) cell of two rows or more has rows on both sides;
    a lone row goes to fitting)."""
    n = len(y_true)
    rng = np.random.default_rng(seed)
    strata = groups.astype(np.int64) * 2 + y_true.astype(np.int64)
    shuffled = rng.permutation(n)
    perm = shuffled[np.argsort(strata[shuffled], kind="stable")]
    cuts = np.flatnonzero(np.diff(strata[perm])) + 1
    evaluate = np.zeros(n, dtype=bool)
    for lo, hi in zip([0, *cuts.tolist()], [*cuts.tolist(), n], strict=True):
        size = hi - lo
        k = min(max(round(size * holdout), 1), size - 1) if size >= 2 else 0
        evaluate[perm[lo:lo + k]] = True
    return np.flatnonzero(~evaluate), np.flatnonzero(evaluate)


def _take(X: Any, rows: np.ndarray) -> object:  # noqa: N803 - sklearn's name
    """Some rows of a feature table, in its own type where it has one (pandas, arrays)."""
    if hasattr(X, "iloc"):
        return X.iloc[rows]
    if hasattr(X, "__getitem__") and hasattr(X, "shape"):
        return X[rows]
    return np.asarray(X)[rows]


def learned_thresholds(opt: Any, labels: list[Any]) -> pd.DataFrame | None:
    """ThresholdOptimizer's rule per group: a threshold on the score for most of the group's
    rows, randomized with a second one for the rest (fairlearn's interpolation).

    `labels` are the audit's group labels, indexed by the group codes it was fitted on."""
    try:
        rules = opt.interpolated_thresholder_.interpolation_dict
    except AttributeError:  # pragma: no cover - fairlearn's internals moved
        return None
    rows = []
    for code, label in enumerate(labels):
        rule = rules.get(code)
        if rule is None:
            continue
        parts = sorted(((float(rule.get("p0", 0)), rule.get("operation0")),
                        (float(rule.get("p1", 0)), rule.get("operation1"))),
                       key=lambda p: -p[0])
        (share, main), (other_share, other) = parts

        def value(op: Any) -> float:
            return float(getattr(op, "threshold", np.nan)) if op is not None else np.nan

        def sign(op: Any) -> str:
            return "below" if getattr(op, "operator", ">") == "<" else "above"

        text = f"score {sign(main)} {value(main):.3f}"
        if other_share > 0.0005 and other is not None:
            text += (f" for {share:.1%} of rows, score {sign(other)} {value(other):.3f} for "
                     f"the other {other_share:.1%} (randomized)")
        rows.append({"group": label_text(label), "threshold": value(main), "share": share,
                     "other_threshold": value(other) if other_share > 0 else np.nan,
                     "other_share": other_share, "rule": text})
    if not rows:
        return None
    return pd.DataFrame(rows).set_index("group")


def _scoring_model(data: Prepared, estimator: Any, X: Any) -> tuple[Any, Any, str]:  # noqa: N803
    """ThresholdOptimizer's prefit model, its features and its predict method: the audited
    scores themselves, or the user's fitted estimator on `X`."""
    n = len(data.y_true)
    if data.y_score is not None and estimator is None:
        model = _scores_estimator()
        features = data.y_score[:, None]
        model.fit(features, data.y_true)
        return model, features, "predict"
    if estimator is not None and X is not None:
        if not hasattr(estimator, "predict"):
            raise TypeError(f"estimator must be a fitted model (with .predict), not "
                            f"{type_name(estimator)}.")
        if data.dropped:
            raise ValueError(f"{data.dropped:,} rows were dropped for missing values, so X "
                             "no longer matches the audited rows: audit and mitigate on "
                             "complete rows (drop the rows with missing values first).")
        if _rows(X, "X") != n:
            raise ValueError(f"X has {_rows(X, 'X'):,} rows but the audit has "
                             f"{n:,}: give the features of the audited rows.")
        method = "predict_proba" if hasattr(estimator, "predict_proba") else "predict"
        return estimator, X, method
    raise ValueError("ThresholdOptimizer needs scores (audit_fairness(y_score=...)) or "
                     "a fitted estimator with X.")


def _threshold_optimizer(data: Prepared, *, constraints: str, estimator: Any, X: Any,  # noqa: N803
                         seed: int, holdout: float) -> MitigationFit:
    """Group-specific (randomized) thresholds, learned on a stratified share of the rows."""
    try:
        from fairlearn.postprocessing import ThresholdOptimizer
    except ImportError as exc:  # pragma: no cover - fairlearn is a dependency
        raise ImportError("Mitigation needs fairlearn: pip install fairlearn") from exc

    # group codes: exact (labels 1 and "1" stay apart), and no label value can reach
    # fairlearn's messages
    groups, n = data.groups, len(data.y_true)
    model, features, predict_method = _scoring_model(data, estimator, X)
    _check_outcomes(data)
    if holdout > 0:
        fit_idx, eval_idx = split_rows(groups, data.y_true, holdout, seed)
        fitting = subset(data, fit_idx)
        if len(fitting.labels) != len(data.labels):  # pragma: no cover - stratified
            raise ValueError("The fitting rows lack some groups: use a smaller holdout.")
        _check_outcomes(fitting)
        fit_x = _take(features, fit_idx)
    else:
        fit_idx = eval_idx = np.arange(n)
        fit_x = features
    opt = ThresholdOptimizer(estimator=model, constraints=constraints, prefit=True,
                             predict_method=predict_method, objective="accuracy_score")
    _fit("ThresholdOptimizer", lambda: opt.fit(fit_x, data.y_true[fit_idx],
                                               sensitive_features=groups[fit_idx]))
    y_new = np.asarray(_fit("ThresholdOptimizer", lambda: opt.predict(
        features, sensitive_features=groups, random_state=seed)))
    evaluation = (f"thresholds fitted on {len(fit_idx):,} rows, scored on the other "
                  f"{len(eval_idx):,} (a {1 - holdout:.0%}/{holdout:.0%} split stratified "
                  f"by group and outcome, seed {seed})" if holdout > 0 else
                  f"fitted and scored on the same {n:,} rows (holdout=0): the after "
                  "figures are optimistic")
    return MitigationFit(y_new, len(fit_idx), eval_idx, evaluation,
                         learned_thresholds(opt, data.labels))


def _exponentiated_gradient(data: Prepared, *, constraints: str, estimator: Any, X: Any,  # noqa: N803
                            X_train: Any, y_train: Any, sensitive_train: Any,  # noqa: N803
                            seed: int) -> MitigationFit:
    """A copy of `estimator` retrained on the training rows under the constraint, scored on
    every audited row (`X`)."""
    try:
        from fairlearn.reductions import (
            DemographicParity,
            EqualizedOdds,
            ExponentiatedGradient,
            TruePositiveRateParity,
        )
    except ImportError as exc:  # pragma: no cover - fairlearn is a dependency
        raise ImportError("Mitigation needs fairlearn: pip install fairlearn") from exc
    from sklearn.base import clone

    n = len(data.y_true)
    if estimator is None or X_train is None or y_train is None or sensitive_train is None \
            or X is None:
        raise ValueError("ExponentiatedGradient retrains a model: give estimator, X_train, "
                         "y_train, sensitive_train and X (the audited rows' features).")
    moment = {"demographic_parity": DemographicParity, "equalized_odds": EqualizedOdds,
              "true_positive_rate_parity": TruePositiveRateParity}[constraints]()
    if _rows(X, "X") != n or data.dropped:
        raise ValueError(f"X has {_rows(X, 'X'):,} rows but the audit has "
                         f"{n:,} complete rows: give the features of the "
                         "audited rows (without rows that have missing values).")
    train = _rows(X_train, "X_train")
    if train != _rows(y_train, "y_train") or train != _rows(sensitive_train, "sensitive_train"):
        raise ValueError("X_train, y_train and sensitive_train must have as many rows as "
                         "each other.")
    eg = ExponentiatedGradient(clone(estimator), constraints=moment)
    _fit("ExponentiatedGradient", lambda: eg.fit(X_train, y_train,
                                                sensitive_features=sensitive_train))
    y_new = np.asarray(_fit("ExponentiatedGradient", lambda: eg.predict(X, random_state=seed)))
    return MitigationFit(y_new, train, np.arange(n),
                         f"retrained on X_train ({train:,} rows), scored on the {n:,} "
                         "audited rows")


def _check_holdout(holdout: Any) -> float:
    if isinstance(holdout, bool) or not isinstance(holdout, (int, float, np.floating)) \
            or not 0 <= float(holdout) < 1:
        raise ValueError("holdout must be a share of the rows in [0, 1), e.g. 0.5 (0: fit "
                         "and score on the same rows, which flatters the result).")
    return float(holdout)


def fit_mitigation(data: Prepared, *, method: Method = "threshold_optimizer",
                   constraints: Constraints = "equalized_odds", estimator: Any = None,
                   X: Any = None, X_train: Any = None, y_train: Any = None,  # noqa: N803
                   sensitive_train: Any = None, seed: int = 0,
                   holdout: float = 0.5) -> MitigationFit:
    """Run a fairlearn mitigation on the audited inputs (see `FairnessAudit.mitigate`).

    Returns
    -------
    MitigationFit
        The mitigated 0/1 decisions of every row and the rows to score them on.
    """
    choice(method, "method", METHODS)
    choice(constraints, "constraints", CONSTRAINTS)
    seed = check_seed(seed)
    holdout = _check_holdout(holdout)
    if method == "threshold_optimizer":
        fit = _threshold_optimizer(data, constraints=constraints, estimator=estimator, X=X,
                                   seed=seed, holdout=holdout)
    else:
        fit = _exponentiated_gradient(data, constraints=constraints, estimator=estimator, X=X,
                                      X_train=X_train, y_train=y_train,
                                      sensitive_train=sensitive_train, seed=seed)
    y_new = fit.y_pred
    if y_new.ndim != 1 or len(y_new) != len(data.y_true):
        raise ValueError("The mitigated model returned a different number of rows.")
    if not np.isin(y_new, (0, 1)).all():
        raise ValueError("The mitigated model returned decisions other than 0/1: train it on "
                         "0/1 labels.")
    return MitigationFit(y_new.astype(np.int8), fit.fit_rows, fit.evaluation_rows,
                         fit.evaluation, fit.group_thresholds)
