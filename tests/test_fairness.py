"""Fairness metrics: equal to fairlearn on random data, ProPublica's COMPAS table, bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    equalized_odds_ratio,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from sklearn.metrics import accuracy_score, precision_score

import nbaudit
from nbaudit import audit_fairness

COMPAS = SHARED_DATA / "compas-scores-two-years.csv"


def random_case(seed: int, n: int = 5_000, groups: int = 4):
    rng = np.random.default_rng(seed)
    g = rng.choice([f"g{i}" for i in range(groups)], n, p=rng.dirichlet(np.ones(groups)))
    y = rng.integers(0, 2, n)
    p = np.where(rng.random(n) < 0.7, y, rng.integers(0, 2, n))
    return y, p, g


@pytest.mark.parametrize("seed", range(5))
def test_metrics_equal_fairlearn(seed):
    y, p, g = random_case(seed)
    audit = audit_fairness(y, p, sensitive_features=g, min_group_size=0)
    frame = MetricFrame(
        metrics={
            "selection_rate": selection_rate,
            "true_positive_rate": true_positive_rate,
            "false_positive_rate": false_positive_rate,
            "false_negative_rate": false_negative_rate,
            "true_negative_rate": true_negative_rate,
            "accuracy": accuracy_score,
            "precision": lambda yt, yp: precision_score(yt, yp, zero_division=np.nan),
        },
        y_true=y, y_pred=p, sensitive_features=g,
    )
    ours = audit.by_group
    for metric in frame.by_group.columns:
        np.testing.assert_allclose(ours.loc[frame.by_group.index, metric],
                                   frame.by_group[metric], rtol=0, atol=1e-12)
        assert audit.overall[metric] == pytest.approx(frame.overall[metric], abs=1e-12)
    d = audit.disparities["value"]
    assert d["demographic_parity_difference"] == pytest.approx(
        demographic_parity_difference(y, p, sensitive_features=g), abs=1e-12)
    assert d["demographic_parity_ratio"] == pytest.approx(
        demographic_parity_ratio(y, p, sensitive_features=g), abs=1e-12)
    assert d["equalized_odds_difference"] == pytest.approx(
        equalized_odds_difference(y, p, sensitive_features=g), abs=1e-12)
    assert d["equalized_odds_ratio"] == pytest.approx(
        equalized_odds_ratio(y, p, sensitive_features=g), abs=1e-12)


@pytest.mark.skipif(not COMPAS.exists(), reason="../shared/data is not present")
def test_propublica_compas_table():
    # Never copied into the repo (no licence, real names): read from ../shared/data and drop
    # the identifying columns at once.
    df = pd.read_csv(COMPAS).drop(columns=["name", "first", "last", "dob", "c_case_number",
                                           "r_case_number", "vr_case_number"])
    assert len(df) == 7_214
    audit = audit_fairness(df.two_year_recid, df.decile_score >= 5, sensitive_features=df.race)
    g = audit.by_group
    assert round(100 * g.loc["African-American", "false_positive_rate"], 2) == 44.85
    assert round(100 * g.loc["Caucasian", "false_positive_rate"], 2) == 23.45
    assert round(100 * g.loc["African-American", "false_negative_rate"], 2) == 27.99
    assert round(100 * g.loc["Caucasian", "false_negative_rate"], 2) == 47.72
    assert round(100 * audit.overall["false_positive_rate"], 2) == 32.35
    assert round(100 * audit.overall["false_negative_rate"], 2) == 37.40
    assert audit.table[list(g.index).index("African-American")].tolist() == [990, 805, 532, 1369]
    high = audit_fairness(df.two_year_recid, df.score_text == "High", sensitive_features=df.race)
    assert round(100 * high.by_group.loc["African-American", "false_positive_rate"], 2) == 15.82
    assert round(100 * high.by_group.loc["Caucasian", "false_negative_rate"], 2) == 79.81


def test_intersectional_groups_and_small_cells():
    df = nbaudit.datasets.credit(2_000, seed=1)
    audit = audit_fairness(df.repaid, df.repaid, sensitive_features=df[["sex", "age_group"]])
    assert all(isinstance(i, tuple) and len(i) == 2 for i in audit.by_group.index)
    assert audit.by_group["count"].sum() == 2_000
    tiny = audit_fairness([1, 0, 1, 0, 1, 1], [1, 0, 0, 0, 1, 1],
                          sensitive_features=["a", "a", "a", "b", "b", "b"])
    assert tiny.by_group["small"].all()


def test_bootstrap_intervals_are_seeded_and_cover_the_estimate():
    y, p, g = random_case(3, n=20_000)
    audit = audit_fairness(y, p, sensitive_features=g)
    ci = audit.confidence_intervals(["selection_rate"], n_boot=1_000, seed=7)
    again = audit.confidence_intervals(["selection_rate"], n_boot=1_000, seed=7)
    pd.testing.assert_frame_equal(ci, again)
    point = audit.by_group["selection_rate"]
    assert ((ci["selection_rate_low"] <= point) & (point <= ci["selection_rate_high"])).all()
    # The width matches the binomial standard error: 1.96 * sqrt(p(1-p)/n) on each side.
    n = audit.by_group["count"]
    se = np.sqrt(point * (1 - point) / n)
    width = ci["selection_rate_high"] - ci["selection_rate_low"]
    np.testing.assert_allclose(width, 2 * 1.96 * se, rtol=0.15)


def test_threshold_sweep_matches_single_thresholds():
    rng = np.random.default_rng(0)
    n = 10_000
    g = rng.choice(["a", "b", "c"], n)
    y = rng.integers(0, 2, n)
    score = np.clip(0.3 * y + rng.random(n) * 0.7, 0, 1)
    audit = audit_fairness(y, y_score=score, sensitive_features=g)
    sweep = audit.sweep(np.array([0.0, 0.25, 0.5, 0.9, 1.0]))
    for i, t in enumerate(sweep.thresholds):
        single = audit.at_threshold(float(t)).by_group
        np.testing.assert_allclose(sweep.metric("selection_rate")[i], single["selection_rate"])
        np.testing.assert_allclose(sweep.metric("true_positive_rate")[i],
                                   single["true_positive_rate"])
    per_group = audit.at_threshold({"a": 0.2, "b": 0.8, "c": 0.5}).by_group
    assert per_group.loc["a", "selection_rate"] > per_group.loc["b", "selection_rate"]
    table = sweep.tradeoff()
    assert list(table.columns) == ["threshold", "accuracy", "demographic_parity_difference"]


def test_mitigation_threshold_optimizer_reduces_the_gap():
    df = nbaudit.datasets.credit(4_000, seed=3)
    from sklearn.linear_model import LogisticRegression

    features = df[["income", "debt_ratio", "years_employed", "late_payments", "loan_amount"]]
    features = features.assign(zip_b=df.zip_code.str.startswith("2").astype(int))
    model = LogisticRegression(max_iter=2_000).fit(features, df.repaid)
    audit = audit_fairness(df.repaid, y_score=model.predict_proba(features)[:, 1],
                           sensitive_features=df.race)
    result = audit.mitigate(constraints="demographic_parity")
    before = result.before.disparities.loc["demographic_parity_difference", "value"]
    after = result.after.disparities.loc["demographic_parity_difference", "value"]
    assert after < before / 2
    assert "accuracy" in result.comparison.index
    with_model = audit_fairness(df.repaid, model.predict(features), sensitive_features=df.race)
    fitted = with_model.mitigate(estimator=model, X=features, constraints="equalized_odds")
    assert len(fitted.y_pred) == len(df)


# --- bad input --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"y_true": [0, 1, 1], "y_pred": [0, 1], "sensitive_features": ["a", "b", "a"]},
         "y_pred has 2 rows"),
        ({"y_true": [0, 1, 2], "y_pred": [0, 1, 1], "sensitive_features": ["a", "b", "a"]},
         "binary"),
        ({"y_true": ["yes", "no"], "y_pred": ["yes", "no"], "sensitive_features": ["a", "b"]},
         "pos_label"),
        ({"y_true": [0, 1], "y_score": [0.2, 1.7], "sensitive_features": ["a", "b"]},
         "between 0 and 1"),
        ({"y_true": [0, 1], "sensitive_features": ["a", "b"]}, "either y_pred"),
        ({"y_true": [0, 1], "y_pred": [0, 1], "sensitive_features": ["a"]}, "rows"),
        ({"y_true": [], "y_pred": [], "sensitive_features": []}, "no rows"),
    ],
)
def test_bad_input_messages(kwargs, message):
    with pytest.raises(ValueError, match=message):
        audit_fairness(**kwargs)


def test_nan_labels_dropped_and_missing_groups_kept():
    audit = audit_fairness([1, 0, np.nan, 1, 0, 1], [1, 0, 1, np.nan, 0, 1],
                           sensitive_features=["a", None, "a", "b", "b", None])
    assert audit.data.dropped == 2
    assert "missing" in audit.by_group.index
    labels = audit_fairness(["yes", "no", "yes"], ["yes", "yes", "no"], pos_label="yes",
                            sensitive_features=["a", "a", "b"])
    assert labels.by_group.loc["a", "selection_rate"] == 1.0


def test_single_group_and_no_positives():
    one = audit_fairness([0, 1, 1], [0, 1, 0], sensitive_features=["a", "a", "a"])
    assert one.disparities["passes"].isna().all()
    assert "only one group" in one.disparities["note"].iloc[0]
    none = audit_fairness([0, 0, 1, 1], [0, 1, 1, 1], sensitive_features=["a", "a", "b", "b"])
    assert np.isnan(none.by_group.loc["a", "true_positive_rate"])  # undefined, not zero


def test_model_without_predict_proba_and_magic(shell):
    from IPython.core.error import UsageError
    from sklearn.svm import LinearSVC

    df = nbaudit.datasets.credit(600, seed=2)
    X = df[["income", "debt_ratio", "late_payments"]].assign(sex=df.sex)
    svc = LinearSVC().fit(X[["income", "debt_ratio", "late_payments"]] / X.income.max(),
                          df.repaid)
    ip = shell
    ip.user_ns.update(df=df.assign(pred=df.repaid), credit=df)
    ip.run_line_magic("fairness", "df --y-true repaid --y-pred pred --sensitive sex,age_group -o a")
    assert isinstance(ip.user_ns["a"], nbaudit.FairnessAudit)
    ip.user_ns.update(svc=svc, Xs=X[["income", "debt_ratio", "late_payments"]] / X.income.max(),
                      y=df.repaid, sex=df.sex)
    ip.run_line_magic("fairness", "svc Xs y --sensitive sex -o b")
    assert ip.user_ns["b"].data.y_score is None  # no predict_proba: decisions only
    for line, message in [("df --y-true repaid --sensitive sex", "--y-pred"),
                          ("df --y-true nope --y-pred pred --sensitive sex", "No column"),
                          ("df --y-true repaid --y-pred pred", "--sensitive"),
                          ("df x --sensitive sex", "Give a DataFrame")]:
        with pytest.raises(UsageError, match=message):
            ip.run_line_magic("fairness", line)
