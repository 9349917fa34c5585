"""The egress gate (issue 10, "Make it structural"): every string that leaves the kernel
passes through `nbaudit.egress`, which masks every value a live scan knows to be personal,
even where the code that produced the string forgot to."""

from __future__ import annotations

import gc
import json

import pandas as pd
import pytest
from conftest import recording
from IPython.core.error import UsageError

import nbaudit
from nbaudit import egress, reports
from nbaudit.magics import _usage_error
from nbaudit.widgets import PiiScanWidget

EMAIL = "zebulon.quarrington@example.org"
SURNAME = "whitfield"
KEY = "egress-test-key-3f9a1c7e5b2d"


@pytest.fixture()
def scan():
    df = pd.DataFrame({
        "customer_id": [f"C{1000 + i}" for i in range(30)],
        "email": [EMAIL] + [f"user{i}@example.net" for i in range(1, 30)],
        "last_name": [SURNAME] + ["okafor", "brandstetter", "mokoena", "quayle", "volkonsky"] * 5
        + ["raghunathan"] * 4,
        "plan": ["basic", "plus", "pro"] * 10,
    })
    result = nbaudit.scan_pii(df)
    assert result.column("email").role == "identifier"
    assert result.column("last_name").role == "identifier"
    return result


def test_release_masks_known_values_anywhere_in_nested_payloads(scan):
    payload = {"note": f"mail {EMAIL}, thanks", "rows": [[EMAIL.upper()], ("x", EMAIL)],
               EMAIL: 1}
    out = egress.release(payload, scan)
    assert EMAIL not in json.dumps(out).lower()
    assert out["note"].startswith("mail ") and out["note"].endswith(", thanks")
    assert out["rows"][1][0] == "x" and isinstance(out["rows"][1], tuple)


def test_everyday_words_of_other_scans_stay(scan):
    """Another frame's report keeps the word "Whitfield" (a group, a town), while an email a
    live scan knows is masked in anything; the scan's own outputs mask both."""
    text = f"Group Whitfield; contact {EMAIL}"
    other = egress.release(text)
    assert "Whitfield" in other and EMAIL not in other
    own = egress.release(text, scan)
    assert "Whitfield" not in own and EMAIL not in own


def test_tool_words_are_never_masked():
    df = pd.DataFrame({"name": ["identifier", "mask", "tokenize"] * 10,
                       "email": [f"u{i}@example.com" for i in range(30)]})
    scan = nbaudit.scan_pii(df)
    assert egress.release("role identifier, handling mask", scan) == \
        "role identifier, handling mask"


def test_dead_scans_are_forgotten():
    df = pd.DataFrame({"email": [f"gone{i}.person@example.com" for i in range(20)]})
    scan = nbaudit.scan_pii(df)
    assert "gone3.person@example.com" not in egress.release("a gone3.person@example.com b")
    del scan
    gc.collect()
    assert egress.release("a gone3.person@example.com b") == "a gone3.person@example.com b"


def test_widget_state_and_messages_pass_the_gate(scan):
    """A code path that puts a raw value into a synced trait or a message is caught."""
    widget = recording(PiiScanWidget(scan))
    widget.error = f"something about {EMAIL}"  # a careless new error message
    state = json.dumps(widget.get_state())
    assert EMAIL not in state and "something about" in state
    widget.send({"type": "error", "message": f"oops {EMAIL}"})
    assert EMAIL not in json.dumps(widget.sent)
    # The explicit Reveal reply is the one exception: the page in clear, never saved.
    widget._on_custom(widget, {"type": "reveal"}, [])
    revealed = [m for m in widget.sent if m.get("type") == "revealed"]
    assert EMAIL in json.dumps(revealed)
    assert EMAIL not in json.dumps(widget.get_state())


def test_reports_and_error_messages_pass_the_gate(scan):
    page = reports.markdown_to_html(f"# Report\n\nContact {EMAIL}")
    assert EMAIL not in page
    md = reports.data_handling_report(scan)
    assert EMAIL not in md
    assert EMAIL not in json.dumps(scan.to_json())
    err = _usage_error(ValueError(f"bad value {EMAIL}"), "the scan")
    assert isinstance(err, UsageError) and EMAIL not in str(err)
    err = _usage_error(UsageError(f"bad value {EMAIL}"), "the scan")
    assert EMAIL not in str(err)


def test_pseudonymized_frame_masks_known_values_in_other_columns(scan):
    """A column the scan left alone (here: "plan" holding an email by mistake, and a free-form
    comment) loses the known values; a column the user keeps on purpose does not."""
    df = scan.frame.copy()
    df["plan"] = df["plan"].astype(object)
    df.loc[0, "plan"] = EMAIL
    df["comment"] = ["ok"] * 29 + [f"ask {SURNAME} first"]
    rescan = nbaudit.scan_pii(df)
    out = rescan.pseudonymize(key=KEY)
    assert not out.frame.astype(str).apply(lambda s: s.str.contains(EMAIL)).any().any()
    assert SURNAME not in out.frame["comment"].iloc[29]
    assert out.frame["comment"].iloc[0] == "ok"
    assert any("found in other columns" in n for n in out.notes)
    kept = rescan.pseudonymize(key=KEY, handling={"comment": "keep"})
    assert SURNAME in kept.frame["comment"].iloc[29]
    assert df.loc[0, "plan"] == EMAIL  # the input is untouched
