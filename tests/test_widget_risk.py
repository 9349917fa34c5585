"""The re-identification explorer's model, without a browser."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import recording

import nbaudit
from nbaudit.widgets import ReidRiskWidget

QIS = ["age", "zip_code", "sex", "date_of_birth"]


@pytest.fixture()
def widget(shop_df):
    w = ReidRiskWidget.from_frame(shop_df, QIS, ["health_condition"], k=5, max_suppression=0.04)
    return recording(w)


def state_text(w) -> str:
    state = w.get_state()
    state.pop("_esm", None)
    state.pop("_css", None)
    return json.dumps(state)


def test_state_is_json_and_masks_level_zero_values(widget, shop_df):
    text = state_text(widget)
    assert widget.now["k"] == 1
    for dob in shop_df.date_of_birth.head(100):
        assert dob not in text
    for email in shop_df.email.head(100):
        assert email not in text
    riskiest = widget.current["riskiest"]
    assert riskiest and riskiest[0]["records"] == 1


def test_moving_a_control_recomputes(widget):
    before = widget.current["k"]
    levels = {"age": 3, "zip_code": 4, "sex": 1, "date_of_birth": 4}
    widget.levels = levels  # the browser
    expected = widget.risk.evaluate(levels, k=5, max_suppression=0.04, closeness=False)
    assert widget.current["k"] == expected.k >= before
    assert widget.current["suppressed"] == expected.suppressed
    assert widget.current["levels"]["zip_code"] == 4
    assert len(widget.explored) == 2
    assert "'age': 3,  # " in widget.code and "risk.apply(" in widget.code
    widget.max_suppression = 0.5
    loose = widget.risk.evaluate(levels, k=5, max_suppression=0.5, closeness=False)
    assert widget.current["suppressed"] == loose.suppressed == loose.records_below_k > 0
    assert widget.current["k"] == loose.k >= 5
    widget.target_k = 0  # clamped
    assert widget.target_k == 1


def test_bad_levels_are_clamped_not_fatal(widget):
    widget.levels = {"age": 99, "zip_code": -3, "sex": "x", "nope": 1}
    assert widget.current["levels"]["age"] == widget.risk.max_levels["age"]
    assert widget.current["levels"]["zip_code"] == 0


def test_search_message_applies_the_best(widget):
    widget._on_custom(widget, {"type": "search"}, [])  # starts a background thread
    assert widget.wait_search(60) and widget.status == "ready"
    result = widget.search_result
    assert result["levels"] and result["nodes_evaluated"] > 0
    assert widget.levels == result["levels"]
    assert widget.current["k"] >= 5
    assert any(p["source"] == "search" for p in widget.explored)


def test_clicking_a_point_applies_it(widget):
    widget.levels = {"age": 2, "zip_code": 2, "sex": 0, "date_of_birth": 3}
    first = widget.explored[0]["levels"]
    widget._on_custom(widget, {"type": "apply_point", "levels": first}, [])
    assert widget.levels == first


def test_changing_quasi_identifiers_rebuilds(widget):
    widget.quasi_identifiers = ["age", "sex"]
    assert [q["name"] for q in widget.setup["quasi_identifiers"]] == ["age", "sex"]
    widget.quasi_identifiers = ["nope"]
    assert "No column 'nope'" in widget.error


@pytest.mark.parametrize("message", [{"type": "apply_point", "levels": "x"}, {"type": "zzz"}, 5])
def test_bad_messages_do_not_crash(widget, message):
    widget._on_custom(widget, message, [])
    assert widget.status == "ready"


def test_magic_reid_risk(shop_df, shell):
    from IPython.core.error import UsageError
    ip = shell
    ip.user_ns["shop"] = shop_df
    ip.run_line_magic("reid_risk", "shop --qi age,zip_code,sex --sensitive health_condition -o r")
    assert isinstance(ip.user_ns["r"], nbaudit.RiskAssessment)
    ip.run_line_magic("reid_risk", "shop -o r2")  # quasi-identifiers from a PII scan
    assert set(ip.user_ns["r2"].quasi_identifiers) >= {"age", "zip_code", "sex"}
    for line, message in [("shop --qi nope", "No column"), ("nothing_here", "not defined"),
                          ("shop --qi age --k 0", "k must"), ("shop --qi age --bogus", "parse")]:
        with pytest.raises(UsageError, match=message):
            ip.run_line_magic("reid_risk", line)


def test_create_dataframe_button(widget, shop_df, shell):
    ip = shell
    widget.levels = {"age": 3, "zip_code": 4, "sex": 1, "date_of_birth": 4}
    widget._on_custom(widget, {"type": "to_frame", "name": "anon"}, [])
    assert widget.sent[-1] == {"type": "stored", "name": "anon", "rows": len(shop_df)}
    assert ip.user_ns["anon"]["zip_code"].str.endswith("*").all()
    widget._on_custom(widget, {"type": "to_frame", "name": "not valid"}, [])
    assert widget.sent[-1]["type"] == "error"


# --- issue 12 -------------------------------------------------------------------------------
def _shown(shell, monkeypatch, line):
    """Run %reid_risk and return the widget it displayed."""
    import nbaudit.magics as magics

    shown = []
    monkeypatch.setattr(magics, "display", shown.append)
    shell.run_line_magic("reid_risk", line)
    return shown[-1]


@pytest.mark.parametrize(("expression", "first"), [
    ("shop", "risk = nbaudit.assess_risk(shop, "),
    ("shop.head(300)", "frame = shop.head(300)"),
    ('frames["x"]', 'frame = frames["x"]'),
])
def test_reproduce_code_names_the_users_variable_and_runs(shell, monkeypatch, shop_df,
                                                           expression, first):
    shell.user_ns.update(shop=shop_df, frames={"x": shop_df})
    w = _shown(shell, monkeypatch, f"{expression} --qi age,zip_code,sex")
    w.levels = {"age": 2, "zip_code": 3, "sex": 0}
    assert w.code.splitlines()[2].startswith(first)
    assert " df" not in w.code and "(df," not in w.code
    namespace = {"shop": shop_df, "frames": {"x": shop_df}}
    exec(w.code, namespace)  # pasted into a cell, it runs on the user's frame
    expected = w.risk.apply({"age": 2, "zip_code": 3}, k=5, max_suppression=0.04)
    pd.testing.assert_frame_equal(namespace["anonymized"], expected)


def test_reproduce_code_from_python_says_df_or_the_given_name(shop_df):
    w = ReidRiskWidget.from_frame(shop_df, ["age", "sex"])
    assert "# df: the DataFrame that was assessed" in w.code
    assert "assess_risk(df, " in w.code
    named = ReidRiskWidget.from_frame(shop_df, ["age", "sex"], frame_name="orders")
    assert "assess_risk(orders, " in named.code and "# df" not in named.code


def test_level_words_in_setup_code_report_and_search(widget):
    words = {q["name"]: q["levels"] for q in widget.setup["quasi_identifiers"]}
    assert words["sex"][-1] == "suppressed" and words["age"][0] == "as is"
    assert "first 3 digits" in words["zip_code"]
    level = words["zip_code"].index("first 3 digits")
    widget.levels = {"age": 2, "zip_code": level, "sex": 1, "date_of_birth": 0}
    assert widget.current["describe"]["zip_code"] == "first 3 digits"
    assert f"'zip_code': {level},  # first 3 digits" in widget.code
    report = widget.report_markdown()
    assert "first 3 digits, sex: suppressed" in report
    shown = f"information loss (non-uniform entropy) {widget.current['information_loss']:.1%}"
    assert shown in report  # the same number as the card
    point = widget.explored[-1]
    assert point["loss"] == widget.current["information_loss"]
    widget._on_custom(widget, {"type": "search"}, [])
    assert widget.wait_search(60)
    result = widget.search_result
    assert result["descriptions"] == widget.risk.describe(result["levels"])
    assert result["wall_seconds"] >= result["seconds"]


def test_riskiest_shows_generalized_values_and_masks_like_the_cells_tab():
    from nbaudit.pii.masking import mask_value

    rng = np.random.default_rng(4)
    n = 600
    df = pd.DataFrame({
        "sex": rng.choice(["Female", "Male"], n),
        "age": rng.integers(18, 90, n),
        "marital": rng.choice(["Married", "Divorced", "Never-married", "Widowed"], n),
    })
    scan = nbaudit.scan_pii(df)
    entity = {c.name: c.entity for c in scan.columns}
    assert entity["sex"] != "NONE" and entity["age"] != "NONE" and entity["marital"] == "NONE"
    w = ReidRiskWidget.from_frame(df, ["sex", "age", "marital"])  # finds the live scan
    cells = {c["name"]: c for r in w.current["riskiest"] for c in r["values"]}
    assert cells["sex"]["masked"] and cells["age"]["masked"] and not cells["marital"]["masked"]
    page = scan.page(0, page_size=50)
    sex = page["columns"].index("sex")
    in_cells = {seg[0] for row in page["rows"] for seg in row["cells"][sex]}
    shown = {c["value"] for r in w.current["riskiest"] for c in r["values"] if c["name"] == "sex"}
    assert shown <= in_cells | {"*"}  # one mask for one value in both views
    assert shown <= {mask_value("Female", entity["sex"]), mask_value("Male", entity["sex"])}
    # Generalized, the values are shown: intervals of age, and rows differ.
    age_top = w.risk.max_levels["age"]
    w.levels = {"sex": 0, "age": age_top - 1, "marital": 0}
    rows = w.current["riskiest"]
    ages = {r["values"][1]["value"] for r in rows}
    assert all(a.startswith("[") for a in ages) and not any(r["values"][1]["masked"]
                                                          for r in rows)
    assert len({tuple(c["value"] for c in r["values"]) for r in rows}) == len(rows)


def test_riskiest_without_any_scan_masks_flagged_qis_only(shop_df):
    w = ReidRiskWidget.from_frame(shop_df, ["age", "zip_code", "sex", "date_of_birth"])
    text = json.dumps(w.current["riskiest"])
    for dob in shop_df.date_of_birth.head(200):
        assert str(dob) not in text
    masked = {c["name"]: c["masked"] for c in w.current["riskiest"][0]["values"]}
    assert masked["date_of_birth"] and masked["zip_code"]


def test_magic_hierarchies_from_a_variable_and_a_folder(shell, monkeypatch, shop_df,
                                                        tmp_path):
    shell.user_ns["shop"] = shop_df
    sexes = sorted(shop_df["sex"].astype(str).unique())
    H = {"sex": {s: ["person", "*"] for s in sexes}}
    shell.user_ns["H"] = H
    w = _shown(shell, monkeypatch, "shop --qi age,sex --hierarchies H -o r_h")
    assert shell.user_ns["r_h"].hierarchies["sex"].max_level == 2
    assert "hierarchies=H)" in w.code
    ages = sorted(shop_df["age"].unique())
    (tmp_path / "shop_hierarchy_age.csv").write_text(
        "".join(f"{a};{a // 10 * 10}s;*\n" for a in ages), encoding="utf-8")
    w2 = _shown(shell, monkeypatch, f"shop --qi age,sex --hierarchies '{tmp_path}' -o r_f")
    risk = shell.user_ns["r_f"]
    assert risk.hierarchies["age"].kind == "arx" and risk.hierarchies["sex"].kind == "category"
    assert f"hierarchies={str(tmp_path)!r}" in w2.code


def test_widget_figures(widget):
    widget.levels = {"age": 2, "zip_code": 3, "sex": 0, "date_of_birth": 3}
    fig = widget.figure("tradeoff")
    assert sum(len(t.x) for t in fig.data if t.mode == "markers") == len(widget.explored)
    hist = widget.figure("class_sizes")
    assert list(hist.data[1].y) == [b["records"] for b in widget.current["class_sizes"]]


def test_masked_values_carry_their_nearest_generalization_and_rows_differ(shop_df):
    w = ReidRiskWidget.from_frame(shop_df, ["age", "zip_code", "sex"])
    rows = w.current["riskiest"]
    shown = [tuple((c["value"], c.get("hint")) for c in r["values"]) + (r["records"],)
             for r in rows]
    assert len(set(shown)) == len(shown)  # no two rows look the same
    ages = [c for r in rows for c in r["values"] if c["name"] == "age"]
    assert all(c["masked"] and c["hint"].startswith("[") for c in ages)
    raw = set(shop_df["zip_code"].astype(str)) | set(shop_df["age"].astype(str))
    assert not any(c.get("hint") in raw for r in rows for c in r["values"])
    assert sum(r["classes"] for r in rows) == min(8, w.current["n_classes"])


def test_scan_tab_reproduce_code_names_the_scanned_frame(shop_df):
    """The PII widget's Re-identification tab uses the name %pii_scan was given."""
    from nbaudit.widgets import PiiScanWidget

    widget = PiiScanWidget(nbaudit.scan_pii(shop_df.head(300)))
    widget.frame_name = "shop"
    widget._on_custom(widget, {"type": "open_reid"}, [])
    assert widget.reid is not None
    assert "nbaudit.assess_risk(shop, " in widget.reid.code
