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
    rng = np.random.default_rng(1)
    pred = np.where(rng.random(len(df)) < 0.8, df.repaid, 1 - df.repaid)
    audit = audit_fairness(df.repaid, pred, sensitive_features=df[["sex", "age_group"]],
                           min_group_size=0)
    assert all(isinstance(i, tuple) and len(i) == 2 for i in audit.by_group.index)
    assert audit.by_group["count"].sum() == 2_000
    frame = MetricFrame(metrics={"selection_rate": selection_rate,
                                 "true_positive_rate": true_positive_rate,
                                 "false_positive_rate": false_positive_rate},
                        y_true=df.repaid, y_pred=pred,
                        sensitive_features=df[["sex", "age_group"]])
    for metric in frame.by_group.columns:
        np.testing.assert_allclose(audit.by_group.loc[frame.by_group.index, metric],
                                   frame.by_group[metric], rtol=0, atol=1e-12)
    assert audit.disparities.loc["equalized_odds_difference", "value"] == pytest.approx(
        equalized_odds_difference(df.repaid, pred, sensitive_features=df[["sex", "age_group"]]),
        abs=1e-12)
    tiny = audit_fairness([1, 0, 1, 0, 1, 1], [1, 0, 0, 0, 1, 1],
                          sensitive_features=["a", "a", "a", "b", "b", "b"])
    assert tiny.by_group["small"].all()
    assert tiny.table.tolist() == [[1, 0, 1, 1], [1, 0, 0, 2]]  # TN, FP, FN, TP
    assert tiny.by_group["selection_rate"].tolist() == [1 / 3, 2 / 3]
    assert tiny.by_group["true_positive_rate"].tolist() == [0.5, 1.0]


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
    cut = np.select([g == "a", g == "b"], [0.2, 0.8], 0.5)
    for group in ("a", "b", "c"):
        assert per_group.loc[group, "selection_rate"] == pytest.approx(
            float(np.mean(score[g == group] >= cut[g == group])), abs=1e-15)
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
    assert before == pytest.approx(demographic_parity_difference(
        result.before.data.y_true, result.before.data.y_pred,
        sensitive_features=[result.before.data.labels[c] for c in result.before.data.groups]),
        abs=1e-12)
    assert result.comparison.loc["accuracy", "after"] == result.after.overall["accuracy"]
    with_model = audit_fairness(df.repaid, model.predict(features), sensitive_features=df.race)
    fitted = with_model.mitigate(estimator=model, X=features, constraints="equalized_odds")
    assert len(fitted.y_pred) == len(df) and set(np.unique(fitted.y_pred)) <= {0, 1}
    rows = fitted.evaluation_rows
    by_hand = audit_fairness(df.repaid.to_numpy()[rows], fitted.y_pred[rows],
                             sensitive_features=df.race.to_numpy()[rows])
    np.testing.assert_array_equal(fitted.after.table, by_hand.table)


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
    # rows 0, 1, 4, 5 remain: groups a, missing, b, missing
    assert list(audit.by_group.index) == ["a", "b", "missing"]
    assert audit.by_group["count"].tolist() == [1, 1, 2]
    assert audit.by_group["selection_rate"].tolist() == [1.0, 0.0, 0.5]
    labels = audit_fairness(["yes", "no", "yes"], ["yes", "yes", "no"], pos_label="yes",
                            sensitive_features=["a", "a", "b"])
    assert labels.by_group.loc["a", "selection_rate"] == 1.0
    assert labels.by_group.loc["b", "selection_rate"] == 0.0
    assert labels.table.tolist() == [[0, 1, 0, 1], [0, 0, 1, 0]]


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


# --- issue 12: numeric features, denominators, honest intervals, held-out mitigation --------
GERMAN = SHARED_DATA / "german_credit_statlog.csv"


def ages(n: int = 1_000, seed: int = 0):
    rng = np.random.default_rng(seed)
    age = rng.integers(19, 76, n)  # ~57 distinct numbers, like German credit's 53
    y = rng.integers(0, 2, n)
    p = np.where(rng.random(n) < 0.7, y, 1 - y)
    return y, p, pd.Series(age, name="age")


def test_many_valued_numeric_feature_is_binned_and_said_so():
    y, p, age = ages()
    audit = audit_fairness(y, p, sensitive_features=age)
    assert len(audit.groups) == 5 and all(str(g).startswith("[") for g in audit.groups)
    assert audit.data.binned[0].automatic and audit.data.binned[0].values == age.nunique()
    assert "'age' was cut into 5 quantile bins automatically" in audit.notes[0]
    assert "bins=None" in audit.notes[0] and "--bins" in audit.notes[0]
    state = audit.to_dict()
    assert state["binned"][0]["bins"] == 5 and state["notes"] == audit.notes
    assert "5 quantile bins" in audit.to_markdown()
    # the user's choice: other bins, or none (exact values, each a group)
    assert len(audit_fairness(y, p, sensitive_features=age, bins=3).groups) == 3
    exact = audit_fairness(y, p, sensitive_features=age, bins=None)
    assert len(exact.groups) == age.nunique() and not exact.data.binned
    assert exact.notes[0].startswith("Disparities refused")  # ~18 rows per age


def test_disparities_refused_when_no_two_groups_are_large_enough():
    y, p, age = ages(600)
    exact = audit_fairness(y, p, sensitive_features=age, bins=None)  # ~10 rows per age
    assert exact.by_group["small"].all()
    d = exact.disparities
    assert d["value"].isna().all() and d["passes"].isna().all()
    assert d["note"].str.startswith("Disparities refused").all()
    assert any(n.startswith("Disparities refused") for n in exact.notes)
    text = exact.to_markdown()
    assert "Disparities refused" in text and "1.000" not in text
    # with min_group_size=0 they are compared, as fairlearn does
    assert audit_fairness(y, p, sensitive_features=age, bins=None,
                          min_group_size=0).disparities["value"].notna().all()


@pytest.mark.skipif(not GERMAN.exists(), reason="../shared/data is not present")
def test_german_credit_age():
    df = pd.read_csv(GERMAN)
    with pytest.raises(ValueError, match="pos_label=1 or pos_label=2") as info:
        audit_fairness(df.credit, df.credit, sensitive_features=df.age)
    assert "np.int64" not in str(info.value)
    audit = audit_fairness(df.credit, df.credit == 1, pos_label=1, sensitive_features=df.age)
    assert len(audit.groups) == 5 and audit.by_group["count"].min() >= 150
    refused = audit_fairness(df.credit, df.credit == 1, pos_label=1, sensitive_features=df.age,
                             bins=None, min_group_size=100)
    assert refused.disparities["value"].isna().all()


def test_small_flags_follow_each_metric_denominator():
    rng = np.random.default_rng(1)
    # "rare": 43 rows but only 3 positives, all detected
    y = np.r_[np.ones(3), np.zeros(40), rng.integers(0, 2, 400)].astype(int)
    p = np.r_[np.ones(3), np.zeros(40), np.where(rng.random(400) < 0.7, y[43:], 1 - y[43:])]
    g = np.array(["rare"] * 43 + ["common"] * 400)
    audit = audit_fairness(y, p.astype(int), sensitive_features=g)
    assert not audit.by_group.loc["rare", "small"]  # 43 rows
    flags = audit.small_by_metric
    assert flags.loc["rare", "true_positive_rate"] and flags.loc["rare", "false_negative_rate"]
    assert not flags.loc["rare", "selection_rate"]
    assert not flags.loc["rare", "false_positive_rate"]  # 40 negatives
    assert audit.denominators.loc["rare", "true_positive_rate"] == 3
    assert audit.denominators.loc["rare", "precision"] == 3
    # the rare group does not decide the TPR spread; it still counts for selection rates
    eo = audit.disparities.loc["equal_opportunity_difference"]
    assert np.isnan(eo["value"]) and "under 30 positives): rare" in eo["note"]
    assert audit.disparities.loc["demographic_parity_difference", "groups"] is not None
    # bootstrap: [100%, 100%] on 3 positives; Wilson: [43.9%, 100%]
    boot = audit.confidence_intervals(["true_positive_rate"])
    assert boot.loc["rare", "true_positive_rate_low"] == 1.0
    wilson = audit.confidence_intervals(["true_positive_rate"], method="wilson")
    assert wilson.loc["rare", "true_positive_rate_low"] == pytest.approx(0.43850, abs=1e-5)
    row = next(r for r in audit.to_dict()["groups"] if r["group"] == "rare")
    assert row["true_positive_rate_small"] and row["true_positive_rate_n"] == 3
    assert row["true_positive_rate_wilson"][0] == pytest.approx(0.43850, abs=1e-5)
    assert "(only 3 positives)" in audit.to_markdown()


@pytest.mark.parametrize("seed", range(3))
def test_wilson_equals_scipy(seed):
    from scipy.stats import binomtest

    from nbaudit.fairness.audit import wilson_interval

    rng = np.random.default_rng(seed)
    for n in rng.integers(1, 500, 20):
        k = int(rng.integers(0, n + 1))
        lo, hi = wilson_interval(k, n)
        ref = binomtest(k, int(n)).proportion_ci(method="wilson")
        assert float(lo) == pytest.approx(ref.low, abs=1e-12)
        assert float(hi) == pytest.approx(ref.high, abs=1e-12)
    assert np.isnan(wilson_interval(0, 0)[0])


def scored_credit(n: int = 4_000, seed: int = 3):
    from sklearn.linear_model import LogisticRegression

    df = nbaudit.datasets.credit(n, seed=seed)
    features = df[["income", "debt_ratio", "years_employed", "late_payments"]].assign(
        zip_b=df.zip_code.str.startswith("2").astype(int))
    model = LogisticRegression(max_iter=2_000).fit(features, df.repaid)
    return df, audit_fairness(df.repaid, y_score=model.predict_proba(features)[:, 1],
                              sensitive_features=df[["sex", "race"]])


def test_mitigation_is_scored_on_rows_it_was_not_fitted_on():
    df, audit = scored_credit()
    result = audit.mitigate(constraints="demographic_parity", seed=4)
    rows = result.evaluation_rows
    assert result.fit_rows + len(rows) == len(df) and len(rows) == pytest.approx(2_000, abs=10)
    assert f"fitted on {result.fit_rows:,} rows, scored on the other {len(rows):,}" in \
        result.evaluation
    assert "stratified by group and outcome" in result.evaluation and "seed 4" in \
        result.evaluation
    # before and after are the audits of the evaluation rows only
    by_hand = audit_fairness(audit.data.y_true[rows], result.y_pred[rows],
                             sensitive_features=[audit.data.labels[c]
                                                 for c in audit.data.groups[rows]])
    np.testing.assert_array_equal(result.after.table, by_hand.table)
    assert int(result.before.table.sum()) == len(rows)
    # stratified: about half of each group and outcome is held out
    strata = audit.data.groups * 2 + audit.data.y_true
    held = np.bincount(strata[rows], minlength=strata.max() + 1)
    allc = np.bincount(strata)
    assert (np.abs(held - allc / 2) <= 1).all()
    # the learned rule of every group, thresholds on the score
    rules = result.group_thresholds
    assert list(rules.index) == ["F × group_a", "F × group_b", "M × group_a", "M × group_b"]
    assert rules["threshold"].between(0, 1).all() and rules["share"].between(0.5, 1).all()
    assert rules["rule"].str.startswith("score above").all()
    # seeded
    again = audit.mitigate(constraints="demographic_parity", seed=4)
    np.testing.assert_array_equal(again.evaluation_rows, rows)
    same = audit.mitigate(constraints="demographic_parity", holdout=0)
    assert "optimistic" in same.evaluation and int(same.after.table.sum()) == len(df)
    with pytest.raises(ValueError, match="holdout"):
        audit.mitigate(holdout=1.5)
    state = result.to_dict()
    assert state["fit_rows"] == result.fit_rows and len(state["group_thresholds"]) == 4
    assert {"groups_before", "groups_after"} <= set(result.comparison.columns)


def test_one_format_for_intersectional_groups_and_neutral_words():
    df, audit = scored_credit(2_000)
    assert isinstance(audit.by_group.index, pd.MultiIndex)
    assert list(audit.by_group.index.names) == ["sex", "race"]
    assert audit.by_group.loc[("F", "group_a"), "count"] > 0
    text = audit.to_markdown(audit.mitigate(constraints="demographic_parity"))
    assert "('F'" not in text and "F × group_a" in text and " x group" not in text
    assert "approve" not in text.lower() and "positive decision when score ≥ 0.5" in text
    named = audit_fairness(df.repaid, y_score=audit.data.y_score, sensitive_features=df.sex,
                           positive_name="high risk")
    assert named.to_dict()["positive_name"] == "high risk"
    assert "high risk when score ≥ 0.5" in named.to_markdown()
    for groups in (d["groups"] for d in audit.to_dict()["disparities"]):
        assert all(" × " in g for g in groups)
    with pytest.raises(TypeError, match="positive_name"):
        audit_fairness(df.repaid, y_score=audit.data.y_score, sensitive_features=df.sex,
                       positive_name=3)


def test_errors_print_no_numpy_reprs():
    for kwargs, fragment in [({"threshold": np.float64(1.5)}, "not 1.5"),
                             ({"min_group_size": np.float64(2.5)}, "not 2.5")]:
        with pytest.raises(ValueError) as info:
            audit_fairness([0, 1], y_score=[0.2, 0.8], sensitive_features=["a", "b"], **kwargs)
        assert fragment in str(info.value) and "np." not in str(info.value)
    with pytest.raises(ValueError, match="pos_label=1 or pos_label=2") as info:
        audit_fairness(np.array([1, 2, 2]), np.array([1, 1, 2]), sensitive_features=["a"] * 3)
    assert "np.int64" not in str(info.value)


def test_magic_pos_label_bins_and_positive_name(shell):
    from IPython.core.error import UsageError

    y, p, age = ages()
    shell.user_ns["aged"] = pd.DataFrame({"y": y + 1, "p": p + 1, "s": p * 0.6 + 0.2,
                                          "age": age})
    with pytest.raises(UsageError, match="pass the positive outcome|--pos-label 1 or "
                       "--pos-label 2") as info:
        shell.run_line_magic("fairness", "aged --y-true y --y-pred p --sensitive age")
    assert "pos_label" not in str(info.value) and "np.int64" not in str(info.value)
    shell.run_line_magic("fairness", "aged --y-true y --y-pred p --sensitive age "
                                     "--pos-label 1 -o fa")
    assert len(shell.user_ns["fa"].groups) == 5 and shell.user_ns["fa"].data.binned
    shell.run_line_magic("fairness", "aged --y-true y --y-pred p --sensitive age "
                                     "--pos-label 1 --bins none -o fb")
    assert len(shell.user_ns["fb"].groups) == age.nunique()
    shell.run_line_magic("fairness", "aged --y-true y --y-pred p --sensitive age "
                                     "--pos-label 1 --bins 3 -o fc")
    assert len(shell.user_ns["fc"].groups) == 3
    shell.user_ns["aged"] = shell.user_ns["aged"].assign(y=y, p=p)
    shell.run_line_magic("fairness", "aged --y-true y --score s --sensitive age "
                                     "--positive-name 'high risk' -o fd")
    assert shell.user_ns["fd"].data.positive_name == "high risk"


def test_plotly_figures_of_every_widget_chart():
    df, audit = scored_credit(2_000)
    bars = audit.figure("true_positive_rate")
    assert bars.data[0].type == "bar" and "Wilson" not in bars.layout.title.text
    assert "wilson" in bars.data[0].hovertext[0] and "positives" in bars.data[0].hovertext[0]
    assert bars.layout.yaxis.tickformat == ".0%"
    trade = audit.figure("tradeoff")
    assert [t.name for t in trade.data] == ["accuracy", "demographic parity difference",
                                            "equalized odds difference"]
    assert trade.data[1].yaxis == "y2" and trade.layout.yaxis.tickformat == ".0%"
    assert trade.layout.yaxis2.tickformat == ".1f"  # differences are not percentages
    sweep_fig = audit.sweep(11).figure()
    assert len(sweep_fig.data[0].x) == 11
    mitigation = audit.mitigate(constraints="demographic_parity")
    before_after = mitigation.figure("selection_rate")
    assert [t.name for t in before_after.data] == ["before", "after"]
    many = audit_fairness(np.tile([0, 1], 1_000), np.tile([0, 1, 1, 0], 500),
                          sensitive_features=[f"a long group name {i % 40}" for i in range(2_000)])
    fig = many.figure()
    assert fig.data[0].orientation == "h" and fig.layout.yaxis.automargin
    with pytest.raises(ValueError, match="tradeoff"):
        audit.figure("nonsense")
