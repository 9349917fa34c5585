"""Re-identification risk: ARX's figures, hand-checked small cases, properties, bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import SHARED_DATA
from hypothesis import given, settings
from hypothesis import strategies as st

import nbaudit
from nbaudit import Hierarchy, assess_risk

ADULT = SHARED_DATA / "adult_arx.csv"
needs_adult = pytest.mark.skipif(not ADULT.exists(), reason="../shared/data is not present")


@pytest.fixture(scope="module")
def arx():
    ref = json.loads((SHARED_DATA / "arx_adult_reference_figures.json").read_text())
    df = pd.read_csv(ADULT, sep=";")
    hierarchies = {a: Hierarchy.from_csv(SHARED_DATA / f"adult_arx_hierarchy_{a}.csv")
                   for a in ref["transformation_order_9qi"]}
    return ref, df, hierarchies


# --- ARX's figures on Adult -------------------------------------------------------------
@needs_adult
def test_adult_risk_without_generalization(arx):
    ref, df, hierarchies = arx
    risk = assess_risk(df, ref["transformation_order_9qi"], hierarchies=hierarchies)
    expected = ref["risk_9qi_ungeneralized"]
    assert risk.n_classes == expected["equivalence_classes"] == 19_502
    assert risk.average_risk == expected["average_prosecutor_risk"]  # 0.6465751607983555
    assert risk.highest_risk == expected["highest_risk"]
    assert risk.sample_uniques == expected["sample_uniques"] == 15_512
    assert risk.k == 1


@needs_adult
def test_adult_after_2_anonymity(arx):
    ref, df, hierarchies = arx
    order = ref["transformation_order_9qi"]
    expected = ref["risk_9qi_after_2anon_no_suppression"]
    risk = assess_risk(df, order, hierarchies=hierarchies)
    f = risk.evaluate(expected["transformation_found_by_enumeration"], k=2)
    assert f.n_classes == expected["equivalence_classes"]
    assert f.average_risk == pytest.approx(expected["average_risk"], rel=1e-15)
    assert f.highest_risk == expected["highest_risk"]


@needs_adult
@pytest.mark.parametrize("index", range(4))
def test_adult_optimal_transformations(arx, index):
    ref, df, hierarchies = arx
    order = ref["transformation_order_9qi"]
    case = ref["kanonymity_optima_9qi"][index]
    risk = assess_risk(df, order, hierarchies=hierarchies)
    found = risk.search(k=case["k"], max_suppression=case["suppression_limit"], metric="entropy")
    assert [found.levels[a] for a in order] == case["transformation"]
    # ARX sums the same terms in another order: equal to the last few bits.
    assert found.info_loss == pytest.approx(case["info_loss"], rel=1e-12)
    f = found.figures
    all_classes = risk.encoding.class_keys(tuple(case["transformation"]))[1]
    assert len(all_classes) == case["classes"]  # before suppression, as ARX counts them
    assert f.records_below_k == case.get("records_in_classes_below_k", 0)
    if "min_class_size" in case:
        assert f.k == case["min_class_size"]
    assert f.k >= case["k"]
    assert found.nodes_evaluated < found.lattice_size == 12_960


@needs_adult
def test_adult_utility_metrics(arx):
    ref, df, hierarchies = arx
    order = ref["transformation_order_8qi"]
    risk = assess_risk(df, order, hierarchies={a: hierarchies[a] for a in order})
    cases = ref["utility_8qi_k5_supp0"]
    names = {"AECS": "aecs", "DM create": "dm", "DM* create": "dm_star"}
    checked = 0
    for key, values in cases.items():
        metric = next((m for prefix, m in names.items() if key.startswith(prefix)), None)
        if metric is None:
            continue
        for transformation, expected in values.items():
            f = risk.evaluate(json.loads(transformation), k=5)
            assert f.info_loss[metric] == pytest.approx(expected, rel=1e-12), (metric,
                                                                                transformation)
            checked += 1
    assert checked == 30


# --- small frames with known answers ---------------------------------------------------
@pytest.fixture()
def tiny():
    return pd.DataFrame({
        "age": [23, 27, 35, 35, 52, 58, 58, 61],
        "zip": ["02139", "02138", "02139", "02139", "94110", "94110", "94117", "94117"],
        "sex": ["F", "F", "M", "M", "F", "M", "M", "M"],
        "diagnosis": ["flu", "flu", "asthma", "flu", "cancer", "flu", "asthma", "asthma"],
        "income": [30, 45, 50, 52, 90, 85, 40, 41],
    })


def test_tiny_known_answers(tiny):
    risk = assess_risk(tiny, ["age", "zip", "sex"], sensitive=["diagnosis"])
    # classes: (35,02139,M) x2, (58,94110,M), (58,94117,M), (61,94117,M), and 3 more singles
    assert risk.n_classes == 7
    assert risk.k == 1 and risk.sample_uniques == 6
    assert risk.average_risk == pytest.approx(7 / 8)
    assert risk.l_diversity == {"diagnosis": 1}
    zip_h = {"02139": ["0213*", "*"], "02138": ["0213*", "*"], "94110": ["9411*", "*"],
             "94117": ["9411*", "*"]}
    risk = assess_risk(tiny, ["zip", "sex"], sensitive=["diagnosis"], hierarchies={"zip": zip_h})
    f = risk.evaluate({"zip": 1}, k=2)
    # (0213*, F) x2, (0213*, M) x2, (9411*, F) x1, (9411*, M) x3
    assert sorted(risk.encoding.class_keys(tuple(f.levels.values()))[1].tolist()) == [1, 2, 2, 3]
    assert f.k == 1 and f.records_below_k == 1
    supp = risk.evaluate({"zip": 1}, k=2, max_suppression=0.125)
    assert supp.k == 2 and supp.suppressed == 1 and supp.n_classes == 3
    assert supp.l_diversity == {"diagnosis": 1}  # (0213*, F): flu, flu
    # t-closeness, equal distance, worst class (9411*, F) = {cancer: 1} against the overall
    # {flu: 4/8, asthma: 3/8, cancer: 1/8}: (4/8 + 3/8 + 7/8) / 2
    assert f.t_closeness["diagnosis"] == pytest.approx(0.875, abs=1e-12)


def test_t_closeness_ordered_for_numbers(tiny):
    risk = assess_risk(tiny, ["sex"], sensitive=["income"])
    f = risk.evaluate()
    # hand computation: ordered EMD between each sex's income distribution and the overall one
    values = np.sort(tiny.income.unique())
    overall = tiny.income.value_counts(normalize=True).reindex(values).to_numpy()
    worst = 0.0
    for _, group in tiny.groupby("sex"):
        p = group.income.value_counts(normalize=True).reindex(values, fill_value=0).to_numpy()
        worst = max(worst, np.abs(np.cumsum(p - overall)).sum() / (len(values) - 1))
    assert f.t_closeness["income"] == pytest.approx(worst)


def test_nulls_form_their_own_class():
    df = pd.DataFrame({"age": [30, 30, None, None, 40], "sex": ["F", "F", "M", None, "M"]})
    risk = assess_risk(df, ["age", "sex"])
    # (30,F) x2, (NaN,M), (NaN,None), (40,M): pycanon would drop the null rows and say k=2
    assert risk.n_classes == 4 and risk.k == 1


def test_search_with_l_diversity_and_apply(tiny, shop):
    risk = assess_risk(shop, ["age", "zip_code", "sex"], sensitive=["health_condition"])
    found = risk.search(k=3, l=2, max_suppression=0.05)
    assert found.levels is not None
    assert found.figures.k >= 3 and found.figures.l_diversity["health_condition"] >= 2
    before = shop.copy()
    out = risk.apply(found.levels, k=3, l=2, max_suppression=0.05)
    pd.testing.assert_frame_equal(shop, before)  # input untouched
    assert len(out) == len(shop)
    dropped = risk.apply(found.levels, k=3, l=2, max_suppression=0.05, suppressed="drop")
    assert len(shop) - len(dropped) == found.figures.suppressed
    again = assess_risk(dropped.astype({"age": str}), ["age", "zip_code", "sex"],
                        sensitive=["health_condition"])
    assert again.k >= 3 and again.l_diversity["health_condition"] >= 2
    # The generated code, run on the frame, gives what apply gives (l is not in the code:
    # compare with apply under k and the budget alone).
    code = risk.code(found.levels, k=3, max_suppression=0.05, frame_name="shop")
    namespace = {"shop": shop.copy()}
    exec(compile(code, "<risk.code>", "exec"), namespace)  # noqa: S102 - our own code
    pd.testing.assert_frame_equal(namespace["anonymized"],
                                  risk.apply(found.levels, k=3, max_suppression=0.05))


def test_search_reports_impossible(tiny):
    risk = assess_risk(tiny, ["age"], hierarchies={"age": {v: [v] for v in tiny.age}})
    found = risk.search(k=3, max_suppression=0.0)
    assert found.levels is None and found.figures is None


@pytest.fixture(scope="module")
def shop():
    return nbaudit.datasets.ecommerce(600, seed=5)


def test_automatic_hierarchies(shop):
    risk = assess_risk(shop, ["age", "zip_code", "sex", "date_of_birth", "city"])
    kinds = {q: h.kind for q, h in risk.hierarchies.items()}
    assert kinds == {"age": "interval", "zip_code": "mask", "sex": "category",
                     "date_of_birth": "date", "city": "category"}
    for h in risk.hierarchies.values():
        assert set(h.table.iloc[:, -1]) == {"*"}
    zip_levels = risk.hierarchies["zip_code"].table.iloc[0].tolist()
    assert zip_levels[1].endswith("*") and len(zip_levels[1]) == 5


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5), st.integers(0, 3)),
                min_size=2, max_size=3))
def test_generalization_never_lowers_k(steps):
    df = nbaudit.datasets.ecommerce(300, seed=9)
    risk = assess_risk(df, ["age", "zip_code", "date_of_birth"])
    levels = [0, 0, 0]
    previous = risk.evaluate(levels).k
    for step in steps:
        levels = [min(max(a, b), m) for a, b, m in
                  zip(levels, step, risk.encoding.max_levels, strict=True)]
        k = risk.evaluate(levels).k
        assert k >= previous
        previous = k


# --- bad input --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"quasi_identifiers": ["nope"]}, ValueError, "Columns: age"),
        ({"quasi_identifiers": []}, ValueError, "at least one"),
        ({"quasi_identifiers": ["age"], "sensitive": ["nope"]}, ValueError, "sensitive"),
        ({"quasi_identifiers": ["age"], "sensitive": ["age"]}, ValueError, "both"),
        ({"quasi_identifiers": ["zip"], "hierarchies": {"zip": {"02139": ["*"]}}}, ValueError,
         "no row for"),
        ({"quasi_identifiers": ["age"], "hierarchies": {"sex": {}}}, ValueError, "not quasi"),
        ({"quasi_identifiers": ["age"], "population_size": 3}, ValueError, "population_size"),
    ],
)
def test_bad_arguments(tiny, kwargs, error, message):
    with pytest.raises(error, match=message):
        assess_risk(tiny, **kwargs)


def test_bad_evaluate_and_search_arguments(tiny):
    risk = assess_risk(tiny, ["age", "sex"])
    with pytest.raises(ValueError, match="larger than the number of records"):
        risk.search(k=100)
    with pytest.raises(ValueError, match="levels 0 to"):
        risk.evaluate({"age": 99})
    with pytest.raises(ValueError, match="not a quasi-identifier"):
        risk.evaluate({"zip": 1})
    with pytest.raises(ValueError, match="sensitive"):
        risk.search(k=2, l=2)
    with pytest.raises(ValueError, match="max_suppression"):
        risk.evaluate(max_suppression=4)
    with pytest.raises(TypeError, match="DataFrame"):
        assess_risk([1, 2], ["a"])
    with pytest.raises(ValueError, match="no rows"):
        assess_risk(tiny.iloc[:0], ["age"])


def test_awkward_values():
    df = pd.DataFrame({
        "single": ["x"] * 5,
        "all_null": [None] * 5,
        "num": [1.0, np.inf, -np.inf, np.nan, 2.0],
    })
    risk = assess_risk(df, ["single", "all_null", "num"])
    assert risk.n_classes == 5
    assert assess_risk(df.iloc[:1], ["single"]).k == 1
    out = risk.apply({"num": risk.max_levels["num"]})
    assert set(out["num"]) == {"*"}


# --- issue 12: levels in words, rare categories grouped, folders, charts -----------------
def test_levels_are_described_in_words():
    df = pd.DataFrame({
        "age": np.arange(200) % 80 + 10,
        "zip_code": [f"{100 + i % 7}{i % 5}{i % 3}" for i in range(200)],
        "born": pd.date_range("1950-01-01", periods=200, freq="10D"),
        "race": ["White"] * 170 + ["Black"] * 20 + ["Asian"] * 6 + ["Other"] * 4,
    })
    risk = assess_risk(df, ["age", "zip_code", "born", "race"])
    words = {q: h.describe_levels() for q, h in risk.hierarchies.items()}
    assert words["age"][0] == "as is" and words["age"][-1] == "suppressed"
    assert "10-year intervals" in words["age"]
    assert "first 3 digits" in words["zip_code"]
    assert "year" in words["born"] and "month" in words["born"]
    assert words["race"] == ["as is", "grouped: values under 5% of rows → (other)",
                             "suppressed"]
    top = {q: h.max_level for q, h in risk.hierarchies.items()}
    assert set(risk.describe(top).values()) == {"suppressed"}
    assert risk.describe_text({"zip_code": words["zip_code"].index("first 3 digits")}) \
        .startswith("age: as is, zip_code: first 3 digits")


def test_rare_categories_form_an_intermediate_level():
    race = pd.Series(["White"] * 860 + ["Black"] * 93 + ["Asian"] * 30 + ["Eskimo"] * 9
                     + ["Other"] * 8)
    h = Hierarchy.build(race)
    assert h.max_level == 2  # as is, rare grouped, '*'
    level = dict(zip(h.table[0], h.table[1], strict=True))
    assert level["White"] == "White" and level["Black"] == "Black"
    assert level["Asian"] == level["Eskimo"] == level["Other"] == "(other)"
    two = pd.Series(["a"] * 50 + ["b"] * 50)  # nothing rare: keep or delete only
    assert Hierarchy.build(two).max_level == 1


def test_search_and_report_use_the_words_and_one_information_loss(shop):
    risk = assess_risk(shop, ["age", "zip_code", "sex"])
    found = risk.search(k=5, max_suppression=0.04)
    assert found.descriptions == risk.describe(found.levels)
    assert found.wall_seconds >= found.seconds > 0
    assert found.information_loss == found.figures.info_loss["entropy_share"]
    text = risk.to_markdown(found)
    assert "level " not in text.split("Best generalization")[1].split("\n")[0]
    for q, words in found.descriptions.items():
        assert f"{q}: {words}" in text.replace("\\", "")
    assert "information loss (non-uniform entropy)" in text
    assert f"{found.information_loss:.1%}" in text
    code = risk.code(found.levels, k=5, max_suppression=0.04)
    for q, words in found.descriptions.items():
        assert f"{q!r}: {found.levels[q]},  # {words}" in code


@needs_adult
def test_hierarchies_from_an_arx_folder(tmp_path, arx):
    ref, df, _ = arx
    risk = assess_risk(df, ["age", "race", "sex"], hierarchies=SHARED_DATA)
    assert {h.kind for h in risk.hierarchies.values()} == {"arx"}
    assert f"hierarchies={str(SHARED_DATA)!r}" in risk.code()
    (tmp_path / "age.csv").write_text((SHARED_DATA / "adult_arx_hierarchy_age.csv")
                                      .read_text())
    mixed = assess_risk(df, ["age", "race"], hierarchies=tmp_path)
    assert mixed.hierarchies["age"].kind == "arx" and mixed.hierarchies["race"].kind == \
        "category"


def test_figures_as_plotly(shop):
    import plotly.graph_objects as go

    risk = assess_risk(shop, ["age", "zip_code", "sex"])
    risk.evaluate({"age": 2, "zip_code": 3}, k=5)
    found = risk.search(k=5, max_suppression=0.04)
    fig = risk.figure("tradeoff")
    assert isinstance(fig, go.Figure)
    assert fig.layout.xaxis.range[1] >= 100 and fig.layout.yaxis.type == "log"
    assert "information loss (non-uniform entropy)" in fig.layout.xaxis.title.text
    xs = [x for t in fig.data for x in t.x]
    assert 100 * found.information_loss in xs and 0.0 in xs
    assert any(t.name == "found by the search" for t in fig.data)
    hist = risk.figure("class_sizes", levels=found.levels, k=5, max_suppression=0.04)
    assert hist.layout.yaxis.title.text == "records"
    assert [t.name for t in hist.data] == ["as is", "generalized"]
    assert sum(hist.data[1].y) == len(shop) - found.figures.suppressed
    page = risk.to_html(found, include_plotlyjs=False)  # the charts' JSON, no plotly.js
    assert page.count("plotly-graph-div") >= 2 and "Records by class size" in page
    for value in shop["zip_code"].head(50):
        assert value not in page
