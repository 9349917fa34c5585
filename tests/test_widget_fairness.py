"""The fairness widget's model, without a browser."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import recording

import nbaudit
from nbaudit.widgets.fairness import FairnessWidget


@pytest.fixture()
def widget():
    rng = np.random.default_rng(0)
    n = 4_000
    g = rng.choice(["a", "b", "tiny"], n, p=[0.6, 0.395, 0.005])
    y = rng.integers(0, 2, n)
    score = np.clip(0.35 * y + 0.5 * rng.random(n) + np.where(g == "b", -0.1, 0), 0, 1)
    w = FairnessWidget(nbaudit.audit_fairness(y, y_score=score, sensitive_features=g))
    return recording(w)


def test_state_is_json_with_intervals_and_no_rows(widget):
    state = {k: v for k, v in widget.get_state().items() if k not in ("_esm", "_css")}
    text = json.dumps(state)
    assert len(text) < 50_000  # group figures only
    groups = {g["group"]: g for g in widget.summary["groups"]}
    assert groups["tiny"]["small"] and not groups["a"]["small"]
    # the audit's own bootstrap intervals (seeded), not merely bounds around the estimate
    ci = widget.base.confidence_intervals()
    assert groups["a"]["selection_rate_ci"] == [ci.loc["a", "selection_rate_low"],
                                                ci.loc["a", "selection_rate_high"]]
    lo, hi = groups["a"]["selection_rate_ci"]
    assert lo < groups["a"]["selection_rate"] < hi
    sweep = widget.base.sweep(101)
    assert widget.tradeoff["thresholds"] == sweep.thresholds.tolist()
    np.testing.assert_allclose(widget.tradeoff["accuracy"], sweep.overall("accuracy"))


def test_threshold_from_the_browser_recomputes(widget):
    before = widget.summary["overall"]["selection_rate"]
    widget.threshold = 0.2
    expected = widget.base.at_threshold(0.2)
    assert widget.summary["overall"]["selection_rate"] == expected.overall["selection_rate"]
    assert widget.summary["groups"] == expected.to_dict(ci=True)["groups"]
    assert expected.overall["selection_rate"] > before
    widget.threshold = 7.0  # out of range: clamped at 1
    assert widget.summary["overall"]["selection_rate"] == 0.0


def test_metric_and_limits_are_validated(widget):
    widget.metric = "nonsense"
    assert widget.metric == "selection_rate"
    widget.limits = {"ratio": 0.9, "difference": "x"}
    assert widget.limits == {"ratio": 0.9, "difference": 0.1}
    marks = {d["name"]: d["threshold"] for d in widget.summary["disparities"]}
    assert marks["disparate_impact_ratio"] == 0.9


def test_mitigate_message(widget):
    widget._on_custom(widget, {"type": "mitigate", "constraints": "demographic_parity"}, [])
    after = {d["name"]: d["value"] for d in widget.mitigation["after"]["disparities"]}
    before = {d["name"]: d["value"] for d in widget.mitigation["before"]["disparities"]}
    assert after["demographic_parity_difference"] < before["demographic_parity_difference"]
    # what the browser gets is the Python API's result (seeded: the same split and rules)
    assert widget.mitigation == widget.audit.mitigate(constraints="demographic_parity").to_dict()
    widget._on_custom(widget, {"type": "mitigate", "constraints": "bogus"}, [])
    assert widget.sent[-1]["type"] == "error"
    assert widget.status == "ready"


def test_per_group_thresholds(widget):
    widget.group_thresholds = {"a": 0.1, "b": 0.9, "tiny": "x"}  # as the browser sends them
    groups = {g["group"]: g for g in widget.summary["groups"]}
    assert groups["a"]["selection_rate"] > 0.8 > groups["b"]["selection_rate"]
    # "x" is no threshold: that group keeps the common one (0.5)
    expected = widget.base.at_threshold({"a": 0.1, "b": 0.9, "tiny": 0.5})
    assert widget.summary["groups"] == expected.to_dict(ci=True)["groups"]
    widget.group_thresholds = {}
    same = {g["group"]: g for g in widget.summary["groups"]}
    assert same["a"]["selection_rate"] < groups["a"]["selection_rate"]


def test_state_carries_denominators_wilson_and_notes():
    rng = np.random.default_rng(2)
    n = 3_000
    age = rng.integers(19, 76, n)
    y = rng.integers(0, 2, n)
    score = np.clip(0.3 * y + 0.7 * rng.random(n), 0, 1)
    w = FairnessWidget(nbaudit.audit_fairness(y, y_score=score, sensitive_features=age,
                                              positive_name="high risk"))
    state = json.loads(json.dumps({k: v for k, v in w.get_state().items()
                                   if k not in ("_esm", "_css")}))
    summary = state["summary"]
    assert len(summary["groups"]) == 5 and summary["positive_name"] == "high risk"
    assert "quantile bins automatically" in summary["notes"][0]
    g = summary["groups"][0]
    assert g["true_positive_rate_n"] + g["false_positive_rate_n"] == g["count"]
    from scipy.stats import binomtest

    positives = g["true_positive_rate_n"]
    hits = round(g["true_positive_rate"] * positives)
    ref = binomtest(hits, positives).proportion_ci(method="wilson")
    assert g["true_positive_rate_wilson"] == pytest.approx([ref.low, ref.high], abs=1e-12)
    assert summary["denominators"]["false_positive_rate"] == "negatives"


def test_mitigation_state_is_held_out_with_rules(widget):
    widget._on_custom(widget, {"type": "mitigate", "constraints": "demographic_parity"}, [])
    m = widget.mitigation
    assert m["fit_rows"] > 0 and m["evaluation_rows"] > 0
    assert m["fit_rows"] + m["evaluation_rows"] == widget.summary["n"]
    assert "scored on the other" in m["evaluation"]
    assert {r["group"] for r in m["group_thresholds"]} == {"a", "b", "tiny"}
    assert m["after"]["n"] == m["evaluation_rows"] == m["before"]["n"]
    json.dumps(widget.get_state()["mitigation"])
    report = widget.report_markdown()
    assert "### Mitigation" in report and "Learned thresholds" in report


def test_limits_never_change_the_users_audit_decisions_only():
    # Regression (issue 13): with decisions only (no scores) the widget showed the audit it
    # was given and wrote its pass marks into it: the user's own object changed under them.
    rng = np.random.default_rng(4)
    n = 2_000
    g = rng.choice(["a", "b"], n, p=[0.55, 0.45])
    y = rng.integers(0, 2, n)
    p = np.where(rng.random(n) < np.where(g == "a", 0.8, 0.6), y, 1 - y)
    audit = nbaudit.audit_fairness(y, p, sensitive_features=g)
    marks, table = dict(audit.thresholds), audit.table.copy()
    disparities = audit.disparities.copy()
    w = FairnessWidget(audit)
    w.limits = {"ratio": 0.9, "difference": 0.05}
    assert audit.thresholds == marks == nbaudit.fairness.DEFAULT_THRESHOLDS
    np.testing.assert_array_equal(audit.table, table)
    pd.testing.assert_frame_equal(audit.disparities, disparities)
    assert w.audit is not audit and w.audit.thresholds == {"ratio": 0.9, "difference": 0.05}
    # the widget judges against the new marks exactly as audit_fairness(thresholds=...) does
    ref = nbaudit.audit_fairness(y, p, sensitive_features=g,
                                 thresholds={"ratio": 0.9, "difference": 0.05})
    assert w.summary["disparities"] == ref.to_dict()["disparities"]
    w.limits = {"ratio": 0.5}
    assert audit.thresholds == marks and w.audit.thresholds == {"ratio": 0.5, "difference": 0.1}
