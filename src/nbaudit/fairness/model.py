"""`audit_model`: the fairness audit of a fitted classifier on a test set (``%fairness model X
y``), as a plain function."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._checks import type_name
from .._text import names_text, quote_name
from ._common import MAX_GROUPS
from .audit import FairnessAudit, audit_fairness


def _columns_of(X: Any, names: list[str]) -> dict[str, Any]:  # noqa: N803 - sklearn's name
    """Sensitive features named by column: the columns of `X`, each with its own name."""
    if not isinstance(X, pd.DataFrame):
        raise TypeError("sensitive_features names columns, but X is a "
                        f"{type_name(X)}, not a DataFrame: pass the columns themselves "
                        "(e.g. sensitive_features=df['sex']).")
    missing = [n for n in names if n not in X.columns]
    if missing:
        raise ValueError(f"No column {', '.join(map(quote_name, missing))} in X "
                         f"(columns: {names_text(X.columns)}): name columns of X, or pass "
                         "the sensitive columns themselves.")
    return {n: X[n] for n in names}


def model_outputs(model: Any, X: Any) -> tuple[np.ndarray | None, Any]:  # noqa: N803
    """The model's scores for the positive class (``predict_proba``), or, for a model
    without probabilities, its decisions (``predict``): ``(scores, None)`` or
    ``(None, decisions)``."""
    if not hasattr(model, "predict"):
        raise TypeError(f"model must be a fitted classifier (with .predict), not "
                        f"{type_name(model)}.")
    if not hasattr(model, "predict_proba"):
        return None, model.predict(X)
    proba = np.asarray(model.predict_proba(X))
    if proba.ndim == 2 and proba.shape[1] != 2:
        raise ValueError(f"The model predicts {proba.shape[1]} classes: a fairness audit "
                         "needs a binary classifier.")
    return (proba[:, 1] if proba.ndim == 2 else proba), None


def audit_model(
    model: Any,
    X: Any,  # noqa: N803 - scikit-learn's name
    y_true: Any,
    *,
    sensitive_features: Any,
    pos_label: Any = None,
    threshold: float = 0.5,
    min_group_size: int = 30,
    thresholds: Mapping[str, float] | None = None,
    max_groups: int | None = MAX_GROUPS,
    bins: int | Literal["auto"] | None = "auto",
    positive_name: str | None = None,
) -> FairnessAudit:
    """The fairness audit of a fitted binary classifier on a test set.

    A model with ``predict_proba`` is audited on its scores for the positive class (the
    second column), so that thresholds can be swept and changed; a model without it (an SVM)
    on its decisions from ``predict``. ``%fairness model X y --sensitive sex`` calls this.

    Parameters
    ----------
    model
        A fitted scikit-learn style classifier with two classes.
    X
        The features the model predicts from, one row per audited person.
    y_true
        The true outcomes of the rows of `X`.
    sensitive_features
        A column name of `X` or a list of them (several give intersectional groups), or the
        columns themselves in any form `audit_fairness` takes (a Series, a DataFrame, a dict
        of columns). Pandas inputs are paired with `y_true` by index.
    pos_label, threshold, min_group_size, thresholds, max_groups, bins, positive_name
        As for `audit_fairness`.

    Returns
    -------
    FairnessAudit
        As `audit_fairness` returns it.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> df = nbaudit.datasets.credit(500)  # doctest: +SKIP
    >>> X = df[["income", "debt_ratio"]]  # doctest: +SKIP
    >>> model = LogisticRegression().fit(X, df.repaid)  # doctest: +SKIP
    >>> audit_model(model, X, df.repaid, sensitive_features=df.sex)  # doctest: +SKIP
    """
    if isinstance(sensitive_features, str):
        sensitive_features = _columns_of(X, [sensitive_features])
    elif isinstance(sensitive_features, (list, tuple)) and sensitive_features and all(
            isinstance(s, str) for s in sensitive_features):
        sensitive_features = _columns_of(X, list(sensitive_features))
    score, pred = model_outputs(model, X)
    return audit_fairness(y_true, pred, y_score=score, sensitive_features=sensitive_features,
                          pos_label=pos_label, threshold=threshold,
                          min_group_size=min_group_size, thresholds=thresholds,
                          max_groups=max_groups, bins=bins, positive_name=positive_name)
