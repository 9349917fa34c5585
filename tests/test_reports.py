"""Reports: Markdown/HTML/JSON on every result, provenance, no leaks, Data Handling Report."""

from __future__ import annotations

import json

import pytest

import nbaudit
from nbaudit.reports import content_hash, data_handling_report, markdown_to_html

KEY = "a-report-test-key-0123456789"


@pytest.fixture(scope="module")
def shop():
    return nbaudit.datasets.ecommerce(500, seed=4)


def planted(df):
    return [v for c in ("customer_name", "email", "phone", "payment_card", "street_address")
            for v in df[c].astype(str)]


def test_scan_reports_hold_no_values(shop):
    scan = nbaudit.scan_pii(shop)
    md, page, js = scan.to_markdown(), scan.to_html(), scan.to_json()
    for text in (md, page, js):
        for value in planted(shop):
            assert value not in text
    assert "| email |" in md and "EMAIL_ADDRESS" in md
    assert "<table>" in page and "<th>column</th>" in page
    prov = json.loads(js)["provenance"]
    assert prov["rows"] == 500 and prov["content_hash"] == content_hash(shop)
    assert "pandas" in prov["versions"]


def test_risk_and_fairness_reports(shop):
    risk = nbaudit.assess_risk(shop, ["age", "zip_code", "sex"], sensitive=["health_condition"])
    best = risk.search(k=5)
    md = risk.to_markdown(best)
    assert "after generalization" in md and "Best generalization for k=5" in md
    assert json.loads(risk.to_json(best))["search"]["levels"] == best.levels
    credit = nbaudit.datasets.credit(1_000)
    audit = nbaudit.audit_fairness(credit.repaid, credit.late_payments == 0,
                                   sensitive_features=credit.sex)
    text = audit.to_markdown()
    assert "### Disparities" in text and "demographic parity difference" in text
    card = audit.model_card(model_name="Credit scorer", intended_use="Pre-screening")
    assert card.startswith("# Model card: Credit scorer") and "Pre-screening" in card
    assert "## Fairness analysis" in card and "## Limitations" in card


def test_data_handling_report_residual_risk(shop):
    scan = nbaudit.scan_pii(shop)
    result = scan.pseudonymize(key=KEY)
    report = data_handling_report(scan, result)
    assert report.startswith("# Data Handling Report")
    assert "Direct identifiers left in clear: none" in report
    assert "health_condition" in report  # special category kept, said so
    assert KEY not in report
    kept = scan.pseudonymize(handling={"email": "keep"}, key=KEY)
    assert "**Residual risk: high.**" in data_handling_report(scan, kept)
    risk = nbaudit.assess_risk(shop, ["age", "zip_code", "sex"])
    best = risk.search(k=5)
    assert "**Residual risk: low.**" in data_handling_report(scan, result, risk, best)
    for value in planted(shop):
        assert value not in report


def test_markdown_to_html_escapes():
    page = markdown_to_html("## T\n\n| a | b |\n|---|---|\n| <img src=x> | 1 |\n")
    assert "<img src=x>" not in page and "&lt;img src=x&gt;" in page


def test_model_card_html_embeds_charts_offline():
    credit = nbaudit.datasets.credit(800)
    audit = nbaudit.audit_fairness(credit.repaid, credit.late_payments == 0,
                                   sensitive_features=credit.age_group)
    page = audit.model_card_html(model_name="Scorer")
    assert page.count('class="plotly-graph-div"') == 3
    assert "<h1>Model card: Scorer</h1>" in page
    assert "<script src=\"https://cdn.plot.ly" not in page  # plotly.js embedded: offline
