"""The fairness widget's model, without a browser."""

from __future__ import annotations

import json

import numpy as np
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
    lo, hi = groups["a"]["selection_rate_ci"]
    assert lo <= groups["a"]["selection_rate"] <= hi
    assert len(widget.tradeoff["thresholds"]) == 101


def test_threshold_from_the_browser_recomputes(widget):
    before = widget.summary["overall"]["selection_rate"]
    widget.threshold = 0.2
    assert widget.summary["overall"]["selection_rate"] > before
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
    widget._on_custom(widget, {"type": "mitigate", "constraints": "bogus"}, [])
    assert widget.sent[-1]["type"] == "error"
    assert widget.status == "ready"


def test_per_group_thresholds(widget):
    widget.group_thresholds = {"a": 0.1, "b": 0.9, "tiny": "x"}  # as the browser sends them
    groups = {g["group"]: g for g in widget.summary["groups"]}
    assert groups["a"]["selection_rate"] > 0.8 > groups["b"]["selection_rate"]
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
    lo, hi = g["true_positive_rate_wilson"]
    assert lo <= g["true_positive_rate"] <= hi
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
