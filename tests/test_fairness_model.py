"""`audit_model` (issue 13): the logic of ``%fairness model X y`` as a plain function, and the
magic as a thin layer over it (same result through either door)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

import nbaudit
from nbaudit import audit_fairness
from nbaudit.fairness import audit_model


@pytest.fixture(scope="module")
def data():
    df = nbaudit.datasets.credit(1_200, seed=8)
    X = df[["income", "debt_ratio", "late_payments"]].assign(
        income=lambda d: d.income / d.income.max())
    return df, X, LogisticRegression(max_iter=1_000).fit(X, df.repaid)


def test_exported_from_the_package():
    assert nbaudit.fairness.audit_model is audit_model
    assert "audit_model" in nbaudit.fairness.__all__


def test_scores_of_a_probabilistic_model(data):
    df, X, model = data
    audit = audit_model(model, X, df.repaid, sensitive_features=df.sex, threshold=0.4)
    np.testing.assert_array_equal(audit.data.y_score, model.predict_proba(X)[:, 1])
    ref = audit_fairness(df.repaid, y_score=model.predict_proba(X)[:, 1],
                         sensitive_features=df.sex, threshold=0.4)
    pd.testing.assert_frame_equal(audit.by_group, ref.by_group)
    assert audit.data.threshold == 0.4


def test_decisions_of_a_model_without_probabilities(data):
    df, X, _ = data
    svc = LinearSVC().fit(X, df.repaid)
    audit = audit_model(svc, X, df.repaid, sensitive_features=df.sex)
    assert audit.data.y_score is None
    np.testing.assert_array_equal(audit.data.y_pred, svc.predict(X))


def test_sensitive_features_named_by_column_of_x(data):
    df, X, model = data
    Xs = X.assign(sex=df.sex, age_group=df.age_group)
    picked = _Columns(model, list(X.columns))
    scores = model.predict_proba(X)[:, 1]
    # a name of a column of X is that column; several names give intersectional groups
    one = audit_model(picked, Xs, df.repaid, sensitive_features="sex")
    pd.testing.assert_frame_equal(
        one.by_group, audit_fairness(df.repaid, y_score=scores, sensitive_features=df.sex).by_group)
    two = audit_model(picked, Xs, df.repaid, sensitive_features=["sex", "age_group"])
    assert list(two.by_group.index.names) == ["sex", "age_group"]
    ref = audit_fairness(df.repaid, y_score=scores, sensitive_features=df[["sex", "age_group"]])
    pd.testing.assert_frame_equal(two.by_group, ref.by_group)


class _Columns:
    """A model that uses some columns of the frame it is given (a pipeline's column pick)."""

    def __init__(self, model, columns):
        self.model, self.columns = model, columns

    def predict(self, X):  # noqa: N803
        return self.model.predict(X[self.columns])

    def predict_proba(self, X):  # noqa: N803
        return self.model.predict_proba(X[self.columns])


@pytest.mark.parametrize(("make", "kind", "message"), [
    (lambda df, X, m: (object(), X, df.sex), TypeError,
     "model must be a fitted classifier \\(with .predict\\), not object"),
    (lambda df, X, m: (m, X, "nope"), ValueError, "No column 'nope' in X"),
    (lambda df, X, m: (m, X.to_numpy(), "sex"), TypeError, "X is a ndarray, not a DataFrame"),
    (lambda df, X, m: (LogisticRegression(max_iter=500).fit(X, df.age_group), X, df.sex),
     ValueError, r"The model predicts \d classes: a fairness audit needs a binary classifier"),
])
def test_bad_input(data, make, kind, message):
    df, X, model = data
    m, features, sensitive = make(df, X, model)
    with pytest.raises(kind, match=message):
        audit_model(m, features, df.repaid, sensitive_features=sensitive)


def test_magic_is_a_thin_door_to_audit_model(shell, data):
    df, X, model = data
    shell.user_ns.update(model=model, X=X, y=df.repaid, sex=df.sex)
    shell.run_line_magic("fairness", "model X y --sensitive sex --threshold 0.4 "
                                     "--min-group-size 10 -o through_magic")
    direct = audit_model(model, X, df.repaid, sensitive_features={"sex": df.sex},
                         threshold=0.4, min_group_size=10)
    assert shell.user_ns["through_magic"].to_dict(ci=True) == direct.to_dict(ci=True)


def test_magic_frame_form_equals_audit_fairness(shell, data):
    df, _, _ = data
    shell.user_ns["cdf"] = df.assign(pred=df.repaid.sample(frac=1, random_state=1).to_numpy())
    shell.run_line_magic("fairness", "cdf --y-true repaid --y-pred pred --sensitive sex,race "
                                     "--bins none -o frame_form")
    frame = shell.user_ns["cdf"]
    direct = audit_fairness(frame.repaid, frame.pred, sensitive_features=frame[["sex", "race"]],
                            bins=None)
    assert shell.user_ns["frame_form"].to_dict(ci=True) == direct.to_dict(ci=True)


def test_magic_model_errors_are_usage_errors(shell, data):
    from IPython.core.error import UsageError

    df, X, _ = data
    shell.user_ns.update(notmodel=3, X=X, y=df.repaid, sex=df.sex)
    with pytest.raises(UsageError, match="model must be a fitted classifier"):
        shell.run_line_magic("fairness", "notmodel X y --sensitive sex")
