"""The risk core against hand-computed figures: journalist and marketer risk, the riskiest
classes, `t=` and `metric="loss"` in the search (against every node of the lattice), the
reproducing code run and compared with `apply`, and the `PrivacyModel` value."""

from __future__ import annotations

import dataclasses
import itertools

import pandas as pd
import pytest

import nbaudit
from nbaudit import assess_risk
from nbaudit.risk.model import PrivacyModel

ZIP_H = {"02139": ["0213*", "*"], "02138": ["0213*", "*"], "94110": ["9411*", "*"],
         "94117": ["9411*", "*"]}


@pytest.fixture()
def tiny():
    return pd.DataFrame({
        "age": [23, 27, 35, 35, 52, 58, 58, 61],
        "zip": ["02139", "02138", "02139", "02139", "94110", "94110", "94117", "94117"],
        "sex": ["F", "F", "M", "M", "F", "M", "M", "M"],
        "diagnosis": ["flu", "flu", "asthma", "flu", "cancer", "flu", "asthma", "asthma"],
    })


@pytest.fixture(scope="module")
def shop():
    return nbaudit.datasets.ecommerce(600, seed=5)


def _optimum(risk, metric, **model):
    """The cheapest node meeting the model, by evaluating every node of the lattice."""
    best = None
    for node in itertools.product(*[range(m + 1) for m in risk.max_levels.values()]):
        f = risk.evaluate(node, **model)
        if f.satisfied and (best is None or f.info_loss[metric] < best.info_loss[metric]):
            best = f
    return best


# --- journalist and marketer risk ---------------------------------------------------------
def test_journalist_and_marketer_risk_by_hand(tiny):
    # zip at level 1: classes (0213*, F) 2, (0213*, M) 2, (9411*, F) 1, (9411*, M) 3.
    risk = assess_risk(tiny, ["zip", "sex"], hierarchies={"zip": ZIP_H}, population_size=80)
    f = risk.evaluate({"zip": 1}, k=2)
    # Sampling fraction 8/80: population class sizes F = f / 0.1 = 20, 20, 10, 30.
    assert f.journalist_risk == pytest.approx(1 / 10)  # the smallest population class
    # Marketer: (1/n) * sum over classes of f/F = 4 classes x 0.1 / 8 records.
    assert f.marketer_risk == pytest.approx(4 * 0.1 / 8)
    assert f.highest_risk == 1.0 and f.average_risk == pytest.approx(4 / 8)  # prosecutor
    # Suppressing the lone (9411*, F): 7 records kept, fraction 7/80, F = f * 80/7.
    s = risk.evaluate({"zip": 1}, k=2, max_suppression=0.125)
    assert s.suppressed == 1
    assert s.journalist_risk == pytest.approx(7 / (2 * 80))
    assert s.marketer_risk == pytest.approx(3 * (7 / 80) / 7)


def test_without_a_population_journalist_and_marketer_are_the_prosecutor(tiny):
    risk = assess_risk(tiny, ["zip", "sex"], hierarchies={"zip": ZIP_H})
    f = risk.evaluate({"zip": 1}, k=2)
    assert f.journalist_risk == f.highest_risk == 1.0
    assert f.marketer_risk == pytest.approx(f.average_risk) == pytest.approx(4 / 8)
    # A population as large as the data: the sample is the population.
    same = assess_risk(tiny, ["zip", "sex"], hierarchies={"zip": ZIP_H}, population_size=8)
    assert same.evaluate({"zip": 1}).journalist_risk == 1.0


# --- the riskiest classes -----------------------------------------------------------------
def test_riskiest_called_directly(tiny):
    risk = assess_risk(tiny, ["age", "zip", "sex"])
    table = risk.riskiest()
    assert list(table.columns) == ["age", "zip", "sex", "records"]
    assert table["records"].tolist() == [1, 1, 1, 1, 1, 1, 2]  # 7 classes, smallest first
    singles = {tuple(r) for r in table.iloc[:6, :3].itertuples(index=False)}
    assert singles == {("23", "02139", "F"), ("27", "02138", "F"), ("52", "94110", "F"),
                       ("58", "94110", "M"), ("58", "94117", "M"), ("61", "94117", "M")}
    assert tuple(table.iloc[6, :3]) == ("35", "02139", "M")
    assert len(risk.riskiest(2)) == 2 and risk.riskiest(2)["records"].tolist() == [1, 1]
    # The 6 lone records fit a 75% budget: suppression removes them, one class is left.
    left = risk.riskiest(5, k=2, max_suppression=0.75)
    assert left["records"].tolist() == [2]
    # Over budget (50% = 4 records): nothing is suppressed, the singles are still there.
    assert risk.riskiest(5, k=2, max_suppression=0.5)["records"].tolist() == [1] * 5


def test_riskiest_shows_the_generalized_values(tiny):
    risk = assess_risk(tiny, ["zip", "sex"], hierarchies={"zip": ZIP_H})
    table = risk.riskiest(10, levels={"zip": 1})
    assert table["records"].tolist() == [1, 2, 2, 3]
    rows = sorted(table.itertuples(index=False), key=lambda r: (r.records, r.zip, r.sex))
    assert [tuple(r) for r in rows] == [("9411*", "F", 1), ("0213*", "F", 2),
                                       ("0213*", "M", 2), ("9411*", "M", 3)]


# --- the search: t as a constraint, the loss metric ---------------------------------------
@pytest.mark.parametrize("t", [0.5, 0.3, 0.2, 0.1])
def test_t_closeness_constrains_the_search(shop, t):
    risk = assess_risk(shop, ["age", "zip_code", "sex"], sensitive=["health_condition"])
    free = risk.search(k=3, max_suppression=0.04)
    found = risk.search(k=3, t=t, max_suppression=0.04)
    assert found.complete and found.criteria["t"] == t
    assert found.figures.t_closeness["health_condition"] <= t
    # t binds: without it the optimum is farther from the overall distribution than t.
    assert free.figures.t_closeness["health_condition"] > t
    assert found.info_loss > free.info_loss
    best = _optimum(risk, "entropy", k=3, t=t, max_suppression=0.04)
    assert found.info_loss == pytest.approx(best.info_loss["entropy"], rel=1e-12)
    # apply meets it too: every class of the generalized frame is within t.
    out = risk.apply(found.levels, k=3, t=t, max_suppression=0.04, suppressed="drop")
    assert len(out) == len(shop) - found.figures.suppressed
    again = assess_risk(out.astype(str), ["age", "zip_code", "sex"],
                        sensitive=["health_condition"])
    assert again.k >= 3


def test_an_impossible_t_is_reported(tiny):
    risk = assess_risk(tiny, ["zip", "sex"], sensitive=["diagnosis"],
                       hierarchies={"zip": ZIP_H})
    # t=0: every class must have the overall distribution; only the one class '*' has it.
    found = risk.search(k=1, t=0.0, max_suppression=0.0)
    assert found.levels == {"zip": 2, "sex": 1}
    assert found.figures.t_closeness["diagnosis"] == pytest.approx(0.0, abs=1e-12)


def test_search_by_the_loss_metric(shop):
    risk = assess_risk(shop, ["age", "zip_code", "sex"])
    by_loss = risk.search(k=5, max_suppression=0.0, metric="loss")
    by_entropy = risk.search(k=5, max_suppression=0.0, metric="entropy")
    assert by_loss.metric == "loss" and by_loss.complete
    assert by_loss.levels == {"age": 1, "zip_code": 5, "sex": 0}
    assert by_entropy.levels == {"age": 4, "zip_code": 1, "sex": 1}  # another optimum
    assert by_loss.info_loss == by_loss.figures.info_loss["loss"]
    best = _optimum(risk, "loss", k=5, max_suppression=0.0)
    assert by_loss.info_loss == pytest.approx(best.info_loss["loss"], rel=1e-12)
    assert by_loss.info_loss < by_entropy.figures.info_loss["loss"]


def test_loss_metric_by_hand(tiny):
    risk = assess_risk(tiny, ["zip", "sex"], hierarchies={"zip": ZIP_H})
    # Iyengar: zip at level 1 puts 2 of the 4 leaves under each value: (2-1)/(4-1) = 1/3;
    # sex as is: 0. The mean over the attributes: 1/6.
    assert risk.evaluate({"zip": 1}).info_loss["loss"] == pytest.approx(1 / 6)
    # Suppressing 1 of 8 records counts it as fully lost: 1/6 + (5/6) / 8.
    f = risk.evaluate({"zip": 1}, k=2, max_suppression=0.125)
    assert f.info_loss["loss"] == pytest.approx(1 / 6 + (5 / 6) / 8)
    found = risk.search(k=2, max_suppression=0.0, metric="loss")
    # (zip *, sex as is): (1 + 0) / 2 = 1/2 with classes F 3, M 5, cheaper than
    # (0213*/9411*, sex *): (1/3 + 1) / 2; (9411*, F) alone fails k=2 below both.
    assert found.levels == {"zip": 2, "sex": 0}
    assert found.info_loss == pytest.approx(1 / 2)


# --- the reproducing code, run ------------------------------------------------------------
@pytest.mark.parametrize(("levels", "k", "max_suppression"), [
    ({"age": 2, "zip_code": 3, "sex": 0}, 5, 0.04),
    ({"age": 1, "zip_code": 1, "sex": 1}, 3, 0.5),
    (None, 1, 0.0),
])
def test_code_reproduces_apply(shop, levels, k, max_suppression):
    risk = assess_risk(shop, ["age", "zip_code", "sex"], sensitive=["health_condition"])
    code = risk.code(levels, k=k, max_suppression=max_suppression, frame_name="shop")
    namespace = {"shop": shop.copy()}
    exec(compile(code, "<risk.code>", "exec"), namespace)  # noqa: S102 - the code we generate
    expected = risk.apply(levels, k=k, max_suppression=max_suppression)
    pd.testing.assert_frame_equal(namespace["anonymized"], expected)
    assert isinstance(namespace["risk"], nbaudit.RiskAssessment)


def test_code_with_user_hierarchies_reproduces_apply(tiny):
    risk = assess_risk(tiny, ["zip", "sex"], hierarchies={"zip": ZIP_H})
    code = risk.code({"zip": 1}, k=2, max_suppression=0.125, hierarchies="H")
    assert "hierarchies=H" in code
    namespace = {"df": tiny.copy(), "H": {"zip": ZIP_H}}
    exec(compile(code, "<risk.code>", "exec"), namespace)  # noqa: S102
    expected = risk.apply({"zip": 1}, k=2, max_suppression=0.125)
    pd.testing.assert_frame_equal(namespace["anonymized"], expected)
    assert (expected["zip"] == "*").sum() == 1  # the lone (9411*, F) record, masked


# --- the privacy model, one value -----------------------------------------------------------
def test_privacy_model_is_checked_once_and_frozen():
    model = PrivacyModel.checked(k=3, l=2, t=0.2, max_suppression=0.05, n_records=10)
    assert model == PrivacyModel(k=3, l=2, t=0.2, max_suppression=0.05)
    assert model.budget(100) == 5 and not model.plain_k
    assert model.criteria() == {"k": 3, "l": 2, "t": 0.2, "max_suppression": 0.05}
    assert PrivacyModel(k=2).plain_k
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.k = 4  # type: ignore[misc]
    with pytest.raises(ValueError, match="larger than the number of records"):
        PrivacyModel.checked(k=11, n_records=10)
    with pytest.raises(ValueError, match="sensitive"):
        PrivacyModel.checked(k=2, l=2, n_records=10, has_sensitive=False)
    with pytest.raises(ValueError, match="whole number"):
        PrivacyModel.checked(k=2.5, n_records=10)


def test_search_options_are_keyword_only(tiny):
    risk = assess_risk(tiny, ["age", "sex"])
    with pytest.raises(TypeError):
        risk.search(2)  # type: ignore[misc]
    assert risk.search(k=2, max_suppression=0.0).criteria["k"] == 2
