"""Mitigation (issue 13): ExponentiatedGradient retrained and scored on rows it was not
trained on, and the reports of a mitigation, checked against the Mitigation's own figures and
against fairlearn run by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, demographic_parity_difference, selection_rate
from fairlearn.metrics import true_positive_rate as fl_tpr
from fairlearn.reductions import DemographicParity, ExponentiatedGradient
from sklearn.linear_model import LogisticRegression

import nbaudit
from nbaudit import audit_fairness
from nbaudit._text import escape_md

FEATURES = ["income", "debt_ratio", "years_employed", "late_payments"]


@pytest.fixture(scope="module")
def credit():
    """Training rows (first half) and audited test rows (second half) of the credit data."""
    df = nbaudit.datasets.credit(3_000, seed=5)
    X = df[FEATURES].assign(zip_b=df.zip_code.str.startswith("2").astype(int))
    train, test = df.index[:1_500], df.index[1_500:]
    model = LogisticRegression(max_iter=2_000).fit(X.loc[train], df.repaid[train])
    return df, X, train, test, model


@pytest.fixture(scope="module")
def eg(credit):
    df, X, train, test, model = credit
    audit = audit_fairness(df.repaid[test], model.predict(X.loc[test]),
                           sensitive_features=df.race[test])
    result = audit.mitigate("exponentiated_gradient", constraints="demographic_parity",
                            estimator=LogisticRegression(max_iter=2_000), X=X.loc[test],
                            X_train=X.loc[train], y_train=df.repaid[train],
                            sensitive_train=df.race[train], seed=3)
    return audit, result


def test_exponentiated_gradient_equals_fairlearn_by_hand(credit, eg):
    df, X, train, test, _ = credit
    audit, result = eg
    by_hand = ExponentiatedGradient(LogisticRegression(max_iter=2_000),
                                    constraints=DemographicParity())
    by_hand.fit(X.loc[train], df.repaid[train], sensitive_features=df.race[train])
    expected = np.asarray(by_hand.predict(X.loc[test], random_state=3))
    np.testing.assert_array_equal(result.y_pred, expected)
    assert result.y_pred.dtype == np.int8
    # trained on the training rows only, scored on every audited (test) row
    assert result.method == "exponentiated_gradient"
    assert result.constraints == "demographic_parity"
    assert result.fit_rows == 1_500
    np.testing.assert_array_equal(result.evaluation_rows, np.arange(1_500))
    assert result.evaluation == "retrained on X_train (1,500 rows), scored on the 1,500 " \
                                "audited rows"
    assert result.group_thresholds is None
    assert result.before is audit  # every audited row is an evaluation row


def test_exponentiated_gradient_figures_equal_fairlearn_metrics(credit, eg):
    df, _, _, test, _ = credit
    audit, result = eg
    y, groups = df.repaid[test].to_numpy(), df.race[test].to_numpy()
    frame = MetricFrame(metrics={"selection_rate": selection_rate, "true_positive_rate": fl_tpr},
                        y_true=y, y_pred=result.y_pred, sensitive_features=groups)
    for metric in ("selection_rate", "true_positive_rate"):
        np.testing.assert_allclose(result.after.by_group.loc[frame.by_group.index, metric],
                                   frame.by_group[metric], rtol=0, atol=1e-12)
    before = demographic_parity_difference(y, audit.data.y_pred, sensitive_features=groups)
    after = demographic_parity_difference(y, result.y_pred, sensitive_features=groups)
    comparison = result.comparison
    assert comparison.loc["demographic_parity_difference", "before"] == pytest.approx(before,
                                                                                     abs=1e-12)
    assert comparison.loc["demographic_parity_difference", "after"] == pytest.approx(after,
                                                                                    abs=1e-12)
    assert after < before / 2  # the constraint did its job on rows it was not trained on
    assert comparison.loc["accuracy", "after"] == pytest.approx(
        float(np.mean(result.y_pred == y)), abs=1e-12)
    state = result.to_dict()
    assert state["fit_rows"] == 1_500 and state["evaluation_rows"] == 1_500
    assert state["group_thresholds"] is None
    assert state["after"] == result.after.to_dict()


@pytest.mark.parametrize(("change", "message"), [
    ({"X_train": None}, "ExponentiatedGradient retrains a model"),
    ({"estimator": None}, "ExponentiatedGradient retrains a model"),
    ("short y_train", "as many rows as each other"),
    ("short X", "X has 10 rows but the audit has 1,500"),
])
def test_exponentiated_gradient_bad_input(credit, eg, change, message):
    df, X, train, test, _ = credit
    audit, _ = eg
    kwargs = {"estimator": LogisticRegression(), "X": X.loc[test], "X_train": X.loc[train],
              "y_train": df.repaid[train], "sensitive_train": df.race[train]}
    if change == "short y_train":
        kwargs["y_train"] = df.repaid[train][:-1]
    elif change == "short X":
        kwargs["X"] = X.loc[test][:10]
    else:
        kwargs.update(change)
    with pytest.raises(ValueError, match=message):
        audit.mitigate("exponentiated_gradient", **kwargs)


# --- reports of a mitigation ------------------------------------------------------------------
@pytest.fixture(scope="module")
def optimized(credit):
    df, X, _, test, model = credit
    audit = audit_fairness(df.repaid[test], y_score=model.predict_proba(X.loc[test])[:, 1],
                           sensitive_features=df.race[test])
    return audit, audit.mitigate(constraints="demographic_parity", seed=1)


def _section(markdown: str) -> list[str]:
    assert markdown.count("### Mitigation") == 1
    return markdown.split("### Mitigation", 1)[1].splitlines()


def _row(lines: list[str], first: str) -> list[str]:
    """The cells of the table row whose first cell is `first`."""
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r}")


def test_markdown_of_a_mitigation_shows_its_own_figures(optimized):
    audit, result = optimized
    lines = _section(audit.to_markdown(result))
    before, after = result.before.overall, result.after.overall
    assert (f"Accuracy {before['accuracy']:.1%} → {after['accuracy']:.1%}, selection rate "
            f"{before['selection_rate']:.1%} → {after['selection_rate']:.1%} (on the "
            "evaluation rows).") in "\n".join(lines)
    assert escape_md(result.evaluation) in "\n".join(lines)
    comparison = result.comparison
    for name in ("demographic_parity_difference", "disparate_impact_ratio",
                 "equalized_odds_difference"):
        cells = _row(lines, name.replace("_", " "))
        assert cells[1] == f"{comparison.loc[name, 'before']:.3f}"
        assert cells[2] == f"{comparison.loc[name, 'after']:.3f}"
        assert cells[4] == ("yes" if comparison.loc[name, "passes_before"] else "no")
        assert cells[5] == ("yes" if comparison.loc[name, "passes_after"] else "no")
    # per group, before → after on the evaluation rows
    fb, fa = result.before.by_group, result.after.by_group
    for group in fa.index:
        cells = _row(lines, group)
        if len(cells) == 2:  # the learned-thresholds table comes later
            continue
        assert cells[1] == f"{int(fa.loc[group, 'count']):,}"
        assert cells[2] == (f"{fb.loc[group, 'selection_rate']:.1%} → "
                            f"{fa.loc[group, 'selection_rate']:.1%}")


def test_markdown_of_a_mitigation_shows_the_learned_thresholds(optimized):
    audit, result = optimized
    lines = _section(audit.to_markdown(result))
    rules = result.group_thresholds
    assert list(rules.index) == ["group_a", "group_b"]
    start = lines.index("Learned thresholds (fitted on the fitting rows):")
    table = lines[start:]
    for group, rule in rules.iterrows():
        assert _row(table, group)[1] == escape_md(rule["rule"])
        assert rule["rule"].startswith(f"score above {rule['threshold']:.3f}")


def test_learned_thresholds_decide_every_row_outside_their_band(optimized):
    # The reported rule is the one applied: above both thresholds always positive, at or
    # below both always negative (randomization only between them).
    audit, result = optimized
    d = audit.data
    for code, group in enumerate(d.labels):
        rule = result.group_thresholds.loc[group]
        cuts = [rule["threshold"]] + ([] if np.isnan(rule["other_threshold"])
                                      else [rule["other_threshold"]])
        rows = d.groups == code
        score, decided = d.y_score[rows], result.y_pred[rows]
        assert decided[score > max(cuts)].all()
        assert not decided[score <= min(cuts)].any()


def test_model_card_carries_the_mitigation(optimized):
    audit, result = optimized
    card = audit.model_card(model_name="credit", mitigation=result)
    assert card.startswith("# Model card: credit")
    def until_provenance(lines: list[str]) -> list[str]:
        end = next(i for i, line in enumerate(lines) if line.startswith(("<details", "## ")))
        return lines[:end]

    assert until_provenance(_section(card)) == until_provenance(
        _section(audit.to_markdown(result)))
    state = pd.Series({d["name"]: d["value"] for d in result.to_dict()["after"]["disparities"]})
    assert state["demographic_parity_difference"] == pytest.approx(
        result.comparison.loc["demographic_parity_difference", "after"], abs=1e-15)
