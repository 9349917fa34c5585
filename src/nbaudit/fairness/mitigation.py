"""Mitigation with fairlearn: ThresholdOptimizer (post-processing), ExponentiatedGradient."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._checks import choice, type_name
from .._checks import seed as check_seed

if TYPE_CHECKING:
    from .audit import FairnessAudit

METHODS = ("threshold_optimizer", "exponentiated_gradient")
CONSTRAINTS = ("demographic_parity", "equalized_odds", "true_positive_rate_parity")


@dataclass(frozen=True)
class Mitigation:
    """Before and after a mitigation, side by side, on rows the mitigation was not fitted on.

    ThresholdOptimizer learns its thresholds on one part of the audited rows (a seeded split,
    stratified by group and true outcome) and is scored on the other, so the "after" figures
    are not flattered by fitting. ExponentiatedGradient retrains on `X_train` and is scored
    on the audited rows.

    Attributes
    ----------
    before, after
        The audits of the original and the mitigated decisions on the evaluation rows.
    method, constraints
        What was run.
    y_pred
        The mitigated decisions for every audited row, in order (fitting rows included).
    evaluation_rows
        Positions (into the audited rows) of the rows `before` and `after` are computed on.
    fit_rows
        How many rows the mitigation was fitted on.
    evaluation
        In words: what was fitted on which rows and scored on which.
    group_thresholds
        The learned decision rule per group (ThresholdOptimizer; None otherwise): a
        DataFrame with the threshold used for most rows of the group, the share of rows it
        applies to, and the other threshold it is randomized with.
    """

    before: FairnessAudit
    after: FairnessAudit
    method: str
    constraints: str
    y_pred: np.ndarray
    evaluation_rows: np.ndarray | None = None
    fit_rows: int = 0
    evaluation: str = ""
    group_thresholds: pd.DataFrame | None = None

    @property
    def comparison(self) -> pd.DataFrame:
        """Disparities and overall accuracy, before and after (on the evaluation rows)."""
        b, a = self.before.disparities, self.after.disparities
        frame = pd.DataFrame({"before": b["value"], "after": a["value"],
                              "threshold": b["threshold"],
                              "passes_before": b["passes"].astype(object),
                              "passes_after": a["passes"].astype(object),
                              "groups_before": b["groups"], "groups_after": a["groups"]})
        for metric in ("accuracy", "selection_rate"):
            frame.loc[metric] = [self.before.overall[metric], self.after.overall[metric],
                                 None, None, None, None, None]
        return frame

    @property
    def by_group(self) -> pd.DataFrame:
        """Per-group metrics before and after (columns: before/after x metric)."""
        cols = ["count", "selection_rate", "true_positive_rate", "false_positive_rate",
                "false_negative_rate", "accuracy"]
        return pd.concat({"before": self.before.by_group[cols],
                          "after": self.after.by_group[cols]}, axis=1)

    def figure(self, metric: str = "selection_rate") -> Any:
        """Before/after bars side by side for each group (the widget's chart), as plotly.

        Returns
        -------
        plotly.graph_objects.Figure
        """
        from ..reports import escape_html
        from .audit import METRIC_LABELS, METRICS, _label_text, _plotly

        go = _plotly()
        choice(metric, "metric", tuple(METRICS))
        names = [escape_html(_label_text(g)) for g in self.before.by_group.index]
        fig = go.Figure()
        for state, audit, colour in (("before", self.before, "#9ca3af"),
                                     ("after", self.after, "#1f77b4")):
            values = audit.by_group[metric].to_numpy()
            fig.add_trace(go.Bar(name=state, x=names, y=values, marker_color=colour,
                                 hovertemplate=f"%{{x}} {state}: %{{y:.1%}}<extra></extra>"))
        label = escape_html(METRIC_LABELS.get(metric, metric))
        fig.update_layout(barmode="group", template="plotly_white", height=380,
                          title=f"{label} before and after mitigation "
                                f"({escape_html(self.evaluation)})",
                          yaxis={"range": [0, 1], "tickformat": ".0%", "title": label},
                          xaxis={"automargin": True})
        return fig

    def to_dict(self) -> dict[str, Any]:
        from .audit import _label_text

        thresholds = None
        if self.group_thresholds is not None:
            thresholds = [{"group": _label_text(g), **{k: (None if pd.isna(v) else v)
                                                         for k, v in row.items()}}
                          for g, row in self.group_thresholds.iterrows()]
        return {"method": self.method, "constraints": self.constraints,
                "fit_rows": self.fit_rows,
                "evaluation_rows": int(self.after.table.sum()),
                "evaluation": self.evaluation, "group_thresholds": thresholds,
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


def _subset(audit: FairnessAudit, rows: np.ndarray, y_pred: np.ndarray | None = None,
            keep_scores: bool = True) -> FairnessAudit:
    """The audit of some of its rows (optionally with other decisions for them)."""
    from dataclasses import replace

    from .audit import FairnessAudit

    d = audit.data
    present, codes = np.unique(d.groups[rows], return_inverse=True)
    data = replace(d, y_true=d.y_true[rows],
                   y_pred=(d.y_pred if y_pred is None else y_pred)[rows],
                   y_score=d.y_score[rows] if (keep_scores and d.y_score is not None) else None,
                   groups=codes.astype(np.int64).ravel(),
                   labels=[d.labels[i] for i in present],
                   threshold=d.threshold if keep_scores else None)
    return FairnessAudit(data, audit.min_group_size, dict(audit.thresholds))


def _take(X: Any, rows: np.ndarray) -> Any:  # noqa: N803 - sklearn's name
    if hasattr(X, "iloc"):
        return X.iloc[rows]
    if hasattr(X, "__getitem__") and hasattr(X, "shape"):
        return X[rows]
    return np.asarray(X)[rows]


def learned_thresholds(opt: Any, audit: FairnessAudit) -> pd.DataFrame | None:
    """ThresholdOptimizer's rule per group: a threshold on the score for most of the group's
    rows, randomized with a second one for the rest (fairlearn's interpolation)."""
    from .audit import _label_text

    try:
        rules = opt.interpolated_thresholder_.interpolation_dict
    except AttributeError:  # pragma: no cover - fairlearn's internals moved
        return None
    rows = []
    for code, label in enumerate(audit.data.labels):
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
        rows.append({"group": _label_text(label), "threshold": value(main), "share": share,
                     "other_threshold": value(other) if other_share > 0 else np.nan,
                     "other_share": other_share, "rule": text})
    if not rows:
        return None
    frame = pd.DataFrame(rows).set_index("group")
    return frame


def mitigate(audit: FairnessAudit, *, method: str, constraints: str, estimator: Any, X: Any,  # noqa: N803
             X_train: Any, y_train: Any, sensitive_train: Any, seed: int,  # noqa: N803
             holdout: float = 0.5) -> Mitigation:
    """See `FairnessAudit.mitigate`."""
    choice(method, "method", METHODS)
    choice(constraints, "constraints", CONSTRAINTS)
    seed = check_seed(seed)
    if isinstance(holdout, bool) or not isinstance(holdout, (int, float, np.floating)) \
            or not 0 <= float(holdout) < 1:
        raise ValueError("holdout must be a share of the rows in [0, 1), e.g. 0.5 (0: fit "
                         "and score on the same rows, which flatters the result).")
    holdout = float(holdout)
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

    d = audit.data
    groups = d.groups  # group codes: exact (labels 1 and "1" stay apart), and no label
    # value can reach fairlearn's messages
    n = len(d.y_true)
    thresholds = None
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
            if _rows(X, "X") != n:
                raise ValueError(f"X has {_rows(X, 'X'):,} rows but the audit has "
                                 f"{n:,}: give the features of the audited rows.")
            model, features = estimator, X
            predict_method = "predict_proba" if hasattr(estimator, "predict_proba") else "predict"
        else:
            raise ValueError("ThresholdOptimizer needs scores (audit_fairness(y_score=...)) or "
                             "a fitted estimator with X.")
        _check_outcomes(audit)
        if holdout > 0:
            fit_idx, eval_idx = split_rows(groups, d.y_true, holdout, seed)
        else:
            fit_idx = eval_idx = np.arange(n)
        fit_audit = _subset(audit, fit_idx) if holdout > 0 else audit
        if len(fit_audit.data.labels) != len(d.labels):  # pragma: no cover - stratified
            raise ValueError("The fitting rows lack some groups: use a smaller holdout.")
        _check_outcomes(fit_audit)
        opt = ThresholdOptimizer(estimator=model, constraints=constraints, prefit=True,
                                 predict_method=predict_method, objective="accuracy_score")
        fit_x = _take(features, fit_idx) if holdout > 0 else features
        _fit("ThresholdOptimizer", lambda: opt.fit(fit_x, d.y_true[fit_idx],
                                                   sensitive_features=groups[fit_idx]))
        y_new = np.asarray(_fit("ThresholdOptimizer", lambda: opt.predict(
            features, sensitive_features=groups, random_state=seed)))
        thresholds = learned_thresholds(opt, audit)
        evaluation = (f"thresholds fitted on {len(fit_idx):,} rows, scored on the other "
                      f"{len(eval_idx):,} (a {1 - holdout:.0%}/{holdout:.0%} split stratified "
                      f"by group and outcome, seed {seed})" if holdout > 0 else
                      f"fitted and scored on the same {n:,} rows (holdout=0): the after "
                      "figures are optimistic")
    elif method == "exponentiated_gradient":
        if estimator is None or X_train is None or y_train is None or sensitive_train is None \
                or X is None:
            raise ValueError("ExponentiatedGradient retrains a model: give estimator, X_train, "
                             "y_train, sensitive_train and X (the audited rows' features).")
        from sklearn.base import clone

        moment = {"demographic_parity": DemographicParity, "equalized_odds": EqualizedOdds,
                  "true_positive_rate_parity": TruePositiveRateParity}[constraints]()
        if _rows(X, "X") != n or d.dropped:
            raise ValueError(f"X has {_rows(X, 'X'):,} rows but the audit has "
                             f"{n:,} complete rows: give the features of the "
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
        fit_idx, eval_idx = np.arange(0), np.arange(n)
        evaluation = (f"retrained on X_train ({_rows(X_train, 'X_train'):,} rows), scored on "
                      f"the {n:,} audited rows")
    if y_new.ndim != 1 or len(y_new) != n:
        raise ValueError("The mitigated model returned a different number of rows.")
    if not np.isin(y_new, (0, 1)).all():
        raise ValueError("The mitigated model returned decisions other than 0/1: train it on "
                         "0/1 labels.")
    y_new = y_new.astype(np.int8)
    full = len(eval_idx) == n
    before = audit if full else _subset(audit, eval_idx)
    after = _subset(audit, eval_idx, y_new, keep_scores=False)
    return Mitigation(before, after, method, constraints, y_new, eval_idx,
                      len(fit_idx) if method == "threshold_optimizer" else
                      _rows(X_train, "X_train"), evaluation, thresholds)
