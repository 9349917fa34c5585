"""Widget models without a browser: JSON-safe state, no raw PII, front-end changes recompute."""

from __future__ import annotations

import json
import logging

import pytest
from conftest import recording

import nbaudit
from nbaudit.widgets import PiiScanWidget


@pytest.fixture()
def widget(shop_df):
    w = PiiScanWidget(nbaudit.scan_pii(shop_df))
    return recording(w)


def state_text(w) -> str:
    state = w.get_state()
    state.pop("_esm", None)
    state.pop("_css", None)
    return json.dumps(state)


def raw_values(df):
    return [v for col in ("email", "customer_name", "phone", "payment_card")
            for v in df[col].astype(str)]


def test_state_is_json_and_holds_no_raw_pii(widget, shop_df):
    text = state_text(widget)
    assert widget.status == "ready"
    assert widget.summary["n_rows"] == len(shop_df)
    assert widget.page_data["rows"]
    for value in raw_values(shop_df):
        assert value not in text


def test_paging_from_the_frontend_recomputes(widget):
    first = widget.page_data["rows"][0]["row"]
    widget.page = 3  # what the browser does
    assert widget.page_data["page"] == 3
    assert widget.page_data["rows"][0]["row"] == first + 3 * widget.page_size
    widget.page = 99_999
    assert widget.page_data["page"] == widget.page_data["n_pages"] - 1


def test_column_and_row_filters(widget):
    widget.cell_columns = ["email", "nope"]
    assert widget.page_data["columns"] == ["email"]
    widget.cell_columns = []
    assert len(widget.page_data["columns"]) == 16
    widget.flagged_rows_only = True
    assert widget.page_data["n_rows"] <= widget.summary["n_rows"]


def test_reveal_travels_as_a_message_never_as_state(widget, shop_df):
    widget._on_custom(widget, {"type": "reveal"}, [])
    assert widget.sent and widget.sent[-1]["type"] == "revealed"
    revealed = json.dumps(widget.sent[-1])
    assert shop_df.email.iloc[0] in revealed
    assert shop_df.email.iloc[0] not in state_text(widget)
    assert widget.page_data["revealed"] is False


@pytest.mark.parametrize("message", [None, "x", 42, [], {}, {"type": 3}, {"type": "nope"},
                                     {"type": "__init__"}])
def test_unexpected_messages_are_ignored_with_a_warning(widget, message, caplog):
    with caplog.at_level(logging.WARNING, logger="nbaudit"):
        widget._on_custom(widget, message, [])
    assert "ignored" in caplog.text
    assert widget.status == "ready"


def test_bad_trait_values_do_not_break_the_widget(widget):
    widget.page = -5
    assert widget.page_data["page"] == 0
    widget.page_size = 10_000
    assert len(widget.page_data["rows"]) <= 500


def test_unknown_keyword_is_rejected():
    with pytest.raises(TypeError, match="Unexpected"):
        PiiScanWidget(colour="red")


def test_scan_frame_reports_progress_and_errors(shop_df):
    w = PiiScanWidget()
    seen = []
    w.observe(lambda ch: seen.append(ch["new"]), "progress")
    w.scan_frame(shop_df.head(50))
    assert w.status == "ready" and seen and seen[-1] == 1.0
    with pytest.raises(TypeError):
        w.scan_frame("not a frame")
    assert w.status == "error" and "DataFrame" in w.error


def test_bundle_is_built():
    from nbaudit.widgets._base import STATIC

    assert (STATIC / "pii_scan.js").exists(), "run `npm run build` (make build-js)"


def test_reid_tab_is_built_on_demand_with_suggested_quasi_identifiers(widget):
    assert widget.reid is None
    widget._on_custom(widget, {"type": "open_reid"}, [])
    assert widget.reid is not None
    assert widget.reid.quasi_identifiers == widget.scan.quasi_identifiers
    assert widget.reid.sensitive == ["health_condition"]
    state = widget.get_state()
    assert state["reid"].startswith("IPY_MODEL_")
    json.dumps({k: v for k, v in state.items() if k not in ("_esm", "_css")})


def test_apply_handling_button_stores_a_pseudonymized_frame(widget, shop_df, shell):
    widget._on_custom(widget, {"type": "apply_handling", "name": "pseudo"}, [])
    assert widget.sent[-1]["type"] == "stored"
    out = shell.user_ns["pseudo"]
    assert out.email.str.endswith("@example.invalid").all()
    assert "street_address" not in out.columns
    widget._on_custom(widget, {"type": "apply_handling", "name": "1bad"}, [])
    assert widget.sent[-1]["type"] == "error"
