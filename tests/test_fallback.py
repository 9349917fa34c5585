"""The static fallback saved beside every widget view (issue 12, point 11).

JupyterLab saves widget state only when the user turns it on: a reopened notebook then has no
model for the view, and nbconvert, GitHub and nbviewer never have one. Each widget's mimebundle
therefore carries a masked `text/plain` and `text/html` summary (its report, through the egress
gate), and a summary made before the result existed is updated once when it arrives. The
result objects have a readable `repr` (the text a terminal shows).
"""

from __future__ import annotations

import html
import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

import nbaudit
from nbaudit import dp
from nbaudit.widgets import DPWidget, PiiScanWidget, ReidRiskWidget
from nbaudit.widgets._base import WIDGET_VIEW, AuditWidget
from nbaudit.widgets.fairness import FairnessWidget

PLANTED_EMAIL = "zelda.quartermain@example.org"
PLANTED_NAME = "Zelda Quartermain"
PLANTED_PHONE = "+1 415 555 0199"


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 240
    firsts = ["Anna", "Boris", "Chloe", "Dmitri", "Elena", "Farid", "Greta", "Hugo"]
    lasts = ["Lindqvist", "Okafor", "Moreau", "Petrov", "Tanaka", "Nowak", "Silva", "Weber"]
    names = [f"{firsts[i % 8]} {lasts[(i * 3) % 8]}" for i in range(n)]
    emails = [f"{nm.lower().replace(' ', '.')}{i}@example.com" for i, nm in enumerate(names)]
    phones = [f"+1 415 555 {1000 + i:04d}" for i in range(n)]
    names[0], emails[0], phones[0] = PLANTED_NAME, PLANTED_EMAIL, PLANTED_PHONE
    reviews = [f"great service, write to {e}" if i % 5 == 0 else "fine" for i, e in
               enumerate(emails)]
    return pd.DataFrame({
        "customer_name": names, "email": emails, "phone": phones, "review": reviews,
        "age": rng.integers(18, 90, n), "sex": rng.choice(["F", "M"], n),
        "zip_code": rng.choice(["10115", "10117", "20095", "80331"], n),
        "spend": np.round(rng.uniform(0, 400, n), 2),
    })


def _raw_forms(value: str) -> list[str]:
    return [value, json.dumps(value)[1:-1], html.escape(value)]


def _bundle(widget: AuditWidget) -> dict[str, Any]:
    result = widget._repr_mimebundle_()
    assert isinstance(result, tuple), result
    data, _metadata = result
    return data


def _assert_static(widget: AuditWidget, title: str) -> dict[str, Any]:
    data = _bundle(widget)
    assert set(data) >= {WIDGET_VIEW, "text/plain", "text/html"}, set(data)
    assert data[WIDGET_VIEW]["model_id"] == widget.model_id
    plain, page = data["text/plain"], data["text/html"]
    assert "object at 0x" not in plain, plain
    assert plain.startswith(f"{type(widget).__name__}: {title}"), plain
    assert 2 <= len(plain.splitlines()) <= 10, plain  # a few lines
    assert "run the cell again" in plain
    assert page.startswith('<div class="nba-static"'), page[:200]
    assert f"<h2>{title}</h2>" in page, page[:500]
    assert "<script" not in page.lower() and "<!doctype" not in page.lower()
    json.dumps(data)  # what is saved in the .ipynb
    return data


def _no_raw(data: dict[str, Any], *values: str) -> None:
    text = data["text/plain"] + "\n" + data["text/html"]
    for value in values:
        for form in _raw_forms(value):
            assert form not in text, f"raw value {value!r} in the static summary"


def test_pii_widget_fallback_is_its_masked_report(people):
    scan = nbaudit.scan_pii(people)
    widget = PiiScanWidget(scan)
    data = _assert_static(widget, "PII scan")
    assert "240 rows x 8 columns" in data["text/plain"]
    # the inventory table is there, with entities
    assert ">EMAIL_ADDRESS</td>" in data["text/html"]
    _no_raw(data, PLANTED_EMAIL, PLANTED_NAME, PLANTED_PHONE, "Quartermain")


def test_pii_widget_with_reid_tab_is_gated_for_planted_values(people):
    scan = nbaudit.scan_pii(people)
    widget = PiiScanWidget(scan)
    widget._handle_open_reid({"type": "open_reid", "quasi_identifiers": ["age", "sex"]})
    # The gate masks known values wherever a report would quote them: plant one in the report.
    widget.report_markdown = lambda: f"## PII scan\n\nContact {PLANTED_EMAIL} or {PLANTED_NAME}."
    data = _bundle(widget)
    _no_raw(data, PLANTED_EMAIL, PLANTED_NAME, "Quartermain")
    assert "z***@example.org" in data["text/plain"], data["text/plain"]
    assert "z***@example.org" in data["text/html"]


def test_risk_widget_fallback(people):
    widget = ReidRiskWidget.from_frame(people, ["age", "sex", "zip_code"], k=3)
    data = _assert_static(widget, "Re-identification risk")
    assert "Quasi-identifiers: age, sex, zip_code" in data["text/plain"]
    assert "<table>" in data["text/html"] and "<td style=\"text-align: left\">" in data["text/html"]
    _no_raw(data, PLANTED_EMAIL, PLANTED_NAME)


def test_fairness_widget_fallback():
    rng = np.random.default_rng(0)
    n = 2_000
    g = rng.choice(["a", "b"], n)
    y = rng.integers(0, 2, n)
    score = np.clip(0.35 * y + 0.5 * rng.random(n) + np.where(g == "b", -0.1, 0), 0, 1)
    widget = FairnessWidget(nbaudit.audit_fairness(y, y_score=score, sensitive_features=g))
    data = _assert_static(widget, "Fairness audit")
    assert "<table>" in data["text/html"] and "<td style=\"text-align: left\">" in data["text/html"]


def test_dp_widget_fallback_has_no_true_aggregate(people):
    session = dp.Session(people, epsilon_total=1.0)
    widget = DPWidget(session.query(by="sex", count=True, means={"spend": (0, 400)},
                                    keys={"sex": ["F", "M"]}), epsilon=0.5)
    data = _bundle(widget)
    assert set(data) >= {WIDGET_VIEW, "text/plain", "text/html"}
    assert "object at 0x" not in data["text/plain"]
    assert data["text/html"].startswith('<div class="nba-static"')
    text = data["text/plain"] + data["text/html"]
    # nothing released yet: the true counts and means must not appear
    for sex, group in people.groupby("sex"):
        assert f">{len(group)}<" not in data["text/html"], sex
        assert f"{group['spend'].mean():.2f}" not in text, sex


def test_placeholder_then_one_update_when_the_result_comes(people, monkeypatch):
    shown: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []

    class Handle:
        def update(self, data, **kwargs):
            updates.append(data)

    def fake_display(data, **kwargs):
        assert kwargs.get("raw") is True and kwargs.get("display_id") is True
        shown.append(data)
        return Handle()

    monkeypatch.setattr("IPython.display.display", fake_display)
    widget = PiiScanWidget()
    order: list[str] = []
    widget._send = lambda msg, buffers=None: order.extend(
        f"state:{k}" for k in msg.get("state", {}))
    widget.start()
    widget._ipython_display_()  # what display(widget) does, as the magic does before the scan
    assert len(shown) == 1
    assert "(running)" in shown[0]["text/plain"], shown[0]["text/plain"]
    assert WIDGET_VIEW in shown[0]

    Handle.update = lambda self, data, **kw: (updates.append(data), order.append("update"))
    widget.scan_frame(people)  # the result: the saved summary is brought up to date
    assert len(updates) == 1, updates
    # ... before the front end hears of the result (Lab rebuilds the view of an updated
    # display: the user must not see a first view with the result replaced by a second one)
    assert "state:summary" in order, order
    before = order[:order.index("update")]
    assert "state:summary" not in before and "state:status" in order[len(before):], order
    assert updates[0]["text/plain"].startswith("PiiScanWidget: PII scan")
    assert updates[0][WIDGET_VIEW]["model_id"] == widget.model_id
    _no_raw(updates[0], PLANTED_EMAIL, PLANTED_NAME, PLANTED_PHONE)

    widget.page = 1  # later changes do not re-render the view (Lab would rebuild it)
    widget.status = "running"
    widget.status = "ready"
    assert len(updates) == 1


def test_a_widget_displayed_with_its_result_is_not_updated(people, monkeypatch):
    updates: list[Any] = []

    class Handle:
        def update(self, data, **kwargs):
            updates.append(data)

    monkeypatch.setattr("IPython.display.display", lambda data, **kw: Handle())
    widget = ReidRiskWidget.from_frame(people, ["age", "sex"], k=3)
    widget._ipython_display_()
    widget.status = "running"
    widget.status = "ready"
    assert updates == []


def test_failed_widget_says_so():
    widget = PiiScanWidget()
    widget.status, widget.error = "error", "The frame has no rows."
    data = _bundle(widget)
    assert data["text/plain"] == "PiiScanWidget (failed): The frame has no rows."
    assert "The frame has no rows." in data["text/html"]


def test_a_failing_summary_never_breaks_the_display(people):
    widget = ReidRiskWidget.from_frame(people, ["age", "sex"], k=3)

    def broken() -> str:
        raise RuntimeError("boom")

    widget.fallback_markdown = broken
    data = _bundle(widget)
    assert WIDGET_VIEW in data and "ReidRiskWidget" in data["text/plain"]


def test_fallback_html_escapes_labels():
    widget = PiiScanWidget()
    widget.fallback_markdown = lambda: "## PII scan\n\n<img src=x onerror=alert(1)> in a note"
    page = _bundle(widget)["text/html"]
    assert "<img" not in page and "&lt;img" in page


def test_results_have_a_useful_repr(people):
    scan = nbaudit.scan_pii(people)
    risk = nbaudit.assess_risk(people, quasi_identifiers=["age", "sex", "zip_code"], k=3)
    best = risk.search(k=3, max_suppression=0.1)
    session = dp.Session(people, epsilon_total=1.0)
    query = session.query(by="sex", count=True, keys={"sex": ["F", "M"]})
    plan = query.plan(0.5)
    release = query.release(0.25)
    del release
    rel = session.releases[-1]
    reprs = {"scan": repr(scan), "risk": repr(risk), "best": repr(best),
             "figures": repr(best.figures), "session": repr(session), "query": repr(query),
             "plan": repr(plan), "release": repr(rel)}
    for name, text in reprs.items():
        assert "object at 0x" not in text, (name, text)
        assert len(text) <= 400, (name, len(text), text)
        for value in (PLANTED_EMAIL, PLANTED_NAME, PLANTED_PHONE):
            assert value not in text, (name, text)
    assert reprs["best"].startswith("SearchResult(") and "k=" in reprs["best"]
    assert "age" in reprs["best"]
    assert reprs["figures"].startswith("RiskFigures(k=")
    assert reprs["session"].startswith("Session(240 rows") and "spent 0.25" in reprs["session"]
    assert reprs["query"].startswith("Query(count by sex")
    assert reprs["plan"].startswith("QueryPlan(epsilon=0.5")
    assert reprs["release"].startswith("Release(1: count by sex")
