"""Widget models without a browser: JSON-safe state, no raw PII, front-end changes recompute."""

from __future__ import annotations

import json
import logging

import numpy as np
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
    scan = widget.scan
    assert widget.page_data["n_rows"] == scan.n_rows  # some column is flagged in every row
    widget.cell_columns = ["review"]  # free text: PII in some reviews only
    flagged = scan.flags("review")
    assert 0 < flagged.sum() < scan.n_rows
    assert widget.page_data["n_rows"] == flagged.sum()
    assert [r["row"] for r in widget.page_data["rows"]] == list(
        np.flatnonzero(flagged)[:widget.page_size])


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
    expected = [c.name for c in widget.scan.columns
                if c.role == "sensitive" and c.entity != "SECRET"]
    assert expected and widget.reid.sensitive == expected
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


# --- Cells tab at scale: jump to page, page size, find a row (issue 12, point 9) -------------
def test_find_row_moves_to_its_page_and_says_so(widget):
    widget.page_size = 50
    widget._on_custom(widget, {"type": "find_row", "row": 437}, [])
    assert widget.page == 8 and widget.page_data["page"] == 8
    assert 437 in [r["row"] for r in widget.page_data["rows"]]
    assert widget.sent[-1] == {"type": "found", "row": 437, "found": True, "page": 8,
                               "error": ""}
    widget._on_custom(widget, {"type": "find_row", "row": "12"}, [])  # typed text
    assert widget.page == 0 and widget.sent[-1]["found"] is True


@pytest.mark.parametrize(("row", "message"), [
    (800, "There is no row 800: rows are numbered 0 to 799."),
    (-3, "row must be at least 0, not -3"),
    (1.5, "whole number"),
    ("abc", "row must be a whole number such as 0 (a row position"),
    (None, "row must be a whole number such as 0 (a row position"),
    (10**40, "There is no row"),
])
def test_find_row_refuses_bad_rows_with_a_message(widget, row, message):
    widget.page = 2
    before = widget.page_data
    widget._on_custom(widget, {"type": "find_row", "row": row}, [])
    reply = widget.sent[-1]
    assert reply["type"] == "found" and reply["found"] is False and message in reply["error"]
    assert widget.page == 2 and widget.page_data == before and widget.status == "ready"


def test_find_row_with_rows_with_pii_only(widget):
    widget.cell_columns = ["review"]
    widget.flagged_rows_only = True
    flagged = set(widget.scan.flags("review").nonzero()[0].tolist())
    gap = next(r for r in range(800) if r not in flagged)
    widget._on_custom(widget, {"type": "find_row", "row": gap}, [])
    assert widget.sent[-1]["found"] is False and not widget.sent[-1]["error"]
    assert any(r["row"] > gap for r in widget.page_data["rows"])


@pytest.mark.parametrize("size", [20, 50, 100, 200])
def test_page_sizes_the_browser_offers(widget, size):
    assert size in PiiScanWidget.PAGE_SIZES
    widget.page_size = size
    widget.page = 1
    rows = [r["row"] for r in widget.page_data["rows"]]
    assert widget.page_data["page_size"] == size and rows[0] == size
    assert len(rows) == min(size, 800 - size)


@pytest.mark.parametrize(("page", "size", "want_page", "want_size"), [
    (10**12, 20, 39, 20), (-10**12, 20, 0, 20), (3, 0, 3, 1), (0, -7, 0, 1),
    (0, 10**9, 0, 500),
])
def test_page_numbers_out_of_range_are_clamped(widget, page, size, want_page, want_size):
    widget.page_size = size
    widget.page = page
    assert widget.page_data["page"] == want_page
    assert widget.page_data["page_size"] == want_size
    assert widget.status == "ready" and not widget.error


def test_widget_evidence_keeps_the_statistics(widget):
    email = next(c for c in widget.summary["inventory"] if c["column"] == "email")
    assert "distinct of" in email["statistics"] and "distinct of" not in email["evidence"]
    assert email["role"] == "identifier"
    qi = next(c for c in widget.summary["inventory"] if c["column"] == "zip_code")
    assert qi["role"] == "quasi_identifier"  # the machine name stays in the data


def test_a_million_rows_find_the_last_row_and_change_page_size():
    import numpy as np
    import pandas as pd

    n = 1_000_000
    df = pd.DataFrame({"email": [f"user{i}@example.com" for i in range(n)],
                       "health_condition": np.array(["none", "asthma", "diabetes"])[
                           np.arange(n) % 3]})
    w = recording(PiiScanWidget(nbaudit.scan_pii(df)))
    assert w.page_data["n_pages"] == 50_000
    w._on_custom(w, {"type": "find_row", "row": n - 1}, [])
    assert w.page == 49_999 and w.page_data["rows"][-1]["row"] == n - 1
    w.page_size = 200
    w.page = 4_321
    assert w.page_data["n_pages"] == 5_000 and w.page_data["rows"][0]["row"] == 864_200
    # "none" in the health column: in clear, not highlighted; conditions masked and marked.
    cells = {r["row"]: r["cells"][1] for r in w.page_data["rows"]}
    assert cells[864_201] == [["none", ""]]  # 864,201 % 3 == 0
    marked = [c for c in cells.values() if c[0][1] == "HEALTH"]
    assert len(marked) > 100 and all("*" in c[0][0] for c in marked)
