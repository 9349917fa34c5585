"""The re-identification explorer's model, without a browser."""

from __future__ import annotations

import json

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
    widget.levels = {"age": 3, "zip_code": 4, "sex": 1, "date_of_birth": 4}  # the browser
    assert widget.current["k"] >= before
    assert widget.current["levels"]["zip_code"] == 4
    assert len(widget.explored) == 2
    assert "apply({'age': 3" in widget.code
    widget.max_suppression = 0.5
    assert widget.current["suppressed"] >= 0
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
