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
    # one table row per column, with its entity, in the Markdown and in the page
    rows = [line for line in md.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == len(scan.columns) == shop.shape[1]
    for row, column in zip(rows, scan.columns, strict=True):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[0].replace("\\", "") == column.name and cells[2] == column.entity
    assert "<table>" in page and "<th>column</th>" in page
    assert page.count("<tr>") == len(scan.columns) + 1
    assert "<td>EMAIL_ADDRESS</td>" in page and "| email |" not in page
    data = json.loads(js)
    assert {k: v for k, v in data.items() if k != "provenance"} == json.loads(
        json.dumps(scan.to_dict()))
    prov = data["provenance"]
    assert prov["rows"] == 500 and prov["content_hash"] == content_hash(shop)
    assert prov["columns"] == [c.name for c in scan.columns]
    assert prov["parameters"] == {"sample_size": scan.sample_size, "min_score": scan.min_score}
    assert "pandas" in prov["versions"]
    assert f"content hash `{content_hash(shop)}`" in md


def test_risk_and_fairness_reports(shop):
    risk = nbaudit.assess_risk(shop, ["age", "zip_code", "sex"], sensitive=["health_condition"])
    best = risk.search(k=5)
    md = risk.to_markdown(best)
    assert "after generalization" in md and "Best generalization for k=5" in md
    # the figures in the table are the assessment's, as is and after the search
    rows = {line.split(" | ")[0].strip("| "): line.strip("|").split(" | ")
            for line in md.splitlines() if line.startswith("| as is") or line.startswith(
                "| after generalization")}
    now, after = risk.now, best.figures
    assert int(rows["as is"][1]) == now.k and int(rows["after generalization"][1]) == after.k
    assert after.k >= 5 > now.k
    assert rows["as is"][3].startswith(f"{now.sample_uniques:,} (")
    assert rows["after generalization"][6] == f"{after.highest_risk:.1%}"
    data = json.loads(risk.to_json(best))
    assert data["search"]["levels"] == best.levels
    assert {k: v for k, v in data.items() if k not in ("search", "provenance")} == json.loads(
        json.dumps(risk.to_dict()))
    assert data["provenance"]["parameters"] == {"target_k": risk.target_k}
    assert data["provenance"]["content_hash"] == content_hash(shop)
    assert json.loads(risk.to_json())["search"] is None
    credit = nbaudit.datasets.credit(1_000)
    audit = nbaudit.audit_fairness(credit.repaid, credit.late_payments == 0,
                                   sensitive_features=credit.sex)
    text = audit.to_markdown()
    assert "### Disparities" in text and "demographic parity difference" in text
    # each disparity's row holds its value and verdict
    for d in audit.disparity_list:
        row = next(line for line in text.splitlines()
                   if line.startswith(f"| {d.name.replace('_', ' ')} |"))
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[1] == ("—" if d.value is None else f"{d.value:.3f}")
        assert cells[3] == {True: "yes", False: "no", None: "—"}[d.passes]
    groups = [line for line in text.splitlines() if line.startswith("| ")]
    assert sum(line.split(" | ")[0][2:] in ("F", "M") for line in groups) == 2
    data = json.loads(audit.to_json())
    assert data["provenance"]["rows"] == len(credit)
    assert [g["group"] for g in data["groups"]] == [g["group"] for g in audit.to_dict(
        ci=True)["groups"]]
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
    assert "**Residual risk: medium.**" in data_handling_report(scan, result, risk)
    # one row per column, each with the handling the pseudonymization applied
    rows = [line for line in report.splitlines() if line.startswith("| ")][1:]
    assert len(rows) == len(scan.columns)
    for row, column in zip(rows, scan.columns, strict=True):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        applied = result.handling.get(column.name, "keep") if column.entity != "NONE" else "keep"
        assert cells[0].replace("\\", "") == column.name and cells[5] == applied
    assert "<strong>Residual risk: high.</strong>" in markdown_to_html(
        data_handling_report(scan, kept))
    for value in planted(shop):
        assert value not in report


def test_markdown_to_html_escapes():
    page = markdown_to_html("## T\n\n| a | b |\n|---|---|\n| <img src=x> | **1** |\n")
    assert "<img src=x>" not in page and "<td>&lt;img src=x&gt;</td>" in page
    assert "<h2>T</h2>" in page and "<td><strong>1</strong></td>" in page
    assert "<thead>" in page and "<tbody>" in page


def test_model_card_html_embeds_charts_offline():
    credit = nbaudit.datasets.credit(800)
    audit = nbaudit.audit_fairness(credit.repaid, credit.late_payments == 0,
                                   sensitive_features=credit.age_group)
    page = audit.model_card_html(model_name="Scorer")
    assert page.count('class="plotly-graph-div"') == 3
    assert "<h1>Model card: Scorer</h1>" in page
    assert "<script src=\"https://cdn.plot.ly" not in page  # plotly.js embedded: offline


# --- PII reports: words people read, reasons without statistics (issue 12, points 12, 15) ----
STATISTICS = ("distinct of", " chars,", " words,", "% digits")


def test_pii_reports_keep_reasons_and_drop_statistics(shop):
    scan = nbaudit.scan_pii(shop)
    result = scan.pseudonymize(key=KEY)
    risk = nbaudit.assess_risk(shop, ["age", "zip_code", "sex"])
    texts = {"markdown": scan.to_markdown(), "html": scan.to_html(),
             "data handling": data_handling_report(scan, result, risk, risk.search(k=5))}
    for name, text in texts.items():
        for noise in STATISTICS:
            assert noise not in text, (name, noise)
    md = texts["markdown"]
    for reason in ("header 'email'", "values match", "Luhn checksum passed",
                   "GDPR Art. 9 special category"):
        assert reason in md and reason in texts["html"].replace("&#x27;", "'"), reason
    # The JSON keeps everything, statistics included, for machines.
    inventory = json.loads(scan.to_json())["inventory"]
    assert all("distinct of" in c["statistics"] for c in inventory if c["dtype"] == "str")


def test_possible_pii_reason_survives_in_the_report():
    import pandas as pd

    df = pd.DataFrame({"customer_name": ["x1", "y2", "z3", "q4"] * 10})
    md = nbaudit.scan_pii(df).to_markdown()
    assert "possible PII: header 'name'" in md and "distinct of" not in md


def test_pii_reports_say_quasi_identifier_and_plurals(shop):
    scan = nbaudit.scan_pii(shop)
    texts = [scan.to_markdown(), scan.to_html(), data_handling_report(scan)]
    for text in texts:
        assert "quasi_identifier" not in text
        assert "| quasi-identifier |" in text or "<td>quasi-identifier</td>" in text
    md = texts[0]
    n_id = sum(c.role == "identifier" for c in scan.flagged)
    n_qi = sum(c.role == "quasi_identifier" for c in scan.flagged)
    assert n_id > 1 and n_qi > 1
    assert f"({n_id} identifiers, {n_qi} quasi-identifiers, 1 sensitive)" in md
    assert '"quasi_identifier"' in scan.to_json()  # machine name in JSON


@pytest.mark.parametrize(("role", "n", "text"), [
    ("identifier", 1, "identifier"), ("identifier", 7, "identifiers"),
    ("identifier", 0, "identifiers"), ("quasi_identifier", 1, "quasi-identifier"),
    ("quasi_identifier", 5, "quasi-identifiers"), ("sensitive", 2, "sensitive"),
    ("none", 3, "none"), ("some_new_role", 1, "some-new-role"),
])
def test_role_text(role, n, text):
    from nbaudit.reports import role_text

    assert role_text(role, n) == text


def test_fairness_report_provenance_fnr_and_after_groups():
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from nbaudit.reports import fairness_frame

    df = nbaudit.datasets.credit(3_000, seed=5)
    X = df[["income", "debt_ratio", "late_payments"]].assign(
        zip_b=df.zip_code.str.startswith("2").astype(int))
    model = LogisticRegression(max_iter=2_000).fit(X, df.repaid)
    audit = nbaudit.audit_fairness(df.repaid, y_score=model.predict_proba(X)[:, 1],
                                   sensitive_features=df[["sex", "race"]])
    mitigation = audit.mitigate(constraints="demographic_parity")
    text = audit.to_markdown(mitigation)
    # provenance: the audited inputs' shape and keyed content hash
    frame = fairness_frame(audit)
    assert frame.shape == (3_000, 5)
    assert "- Data: 3,000 rows x 5 columns" in text
    assert f"content hash `{content_hash(frame)}`" in text
    prov = json.loads(audit.to_json())["provenance"]
    assert prov["rows"] == 3_000 and prov["content_hash"] == content_hash(frame)
    # the hash follows the content: other decisions, another hash
    other = audit.at_threshold(0.3)
    assert content_hash(fairness_frame(other)) != content_hash(frame)
    # false negative rate (ProPublica's headline figure) per group
    header = next(line for line in text.splitlines() if line.startswith("| group | n |"))
    assert "FNR" in header
    # after mitigation: the groups the after figures compare, not the before ones
    section = text.split("### Mitigation")[1]
    assert "groups after" in section
    after = mitigation.after.disparity_list[0]
    before = mitigation.before.disparity_list[0]
    assert after.groups != before.groups  # else this test could not tell them apart
    after_pair = " vs ".join(" × ".join(g) for g in after.groups)
    row = next(line for line in section.splitlines()
               if line.startswith("| demographic parity difference"))
    assert row.replace("\\", "").rstrip(" |").endswith(after_pair)
    assert "scored on the other" in section and "Learned thresholds" in section
    assert np.isfinite(mitigation.after.overall["accuracy"])
    card = audit.model_card(model_name="Scorer", mitigation=mitigation)
    assert "false negative rate" in card
    page = audit.model_card_html(model_name="Scorer", mitigation=mitigation,
                                 include_plotlyjs=False)
    assert page.count("plotly-graph-div") >= 5  # 3 metrics, trade-off, before/after
