"""Reports run no script: data-derived text is escaped in Markdown, HTML and plotly labels.

Column names and group names come from the data. Inserted into a report cell (*Export to
report cell*, ``--report``) and exported with nbconvert, or written into ``to_html()`` and
``model_card_html``, they must render as text: no tag, no attribute, no link, no emphasis.
"""

from __future__ import annotations

import html
import json
import socket
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import nbaudit
from nbaudit import reports

IMG = "<img src=x onerror=alert(1)>"
ANCHOR = '<a href="https://evil.example">x</a>'
SCRIPT = "<script>alert(1)</script>"
HOSTILE = [
    IMG, ANCHOR, SCRIPT,
    "a | b", "two\nlines\r\nhere", "`code` and ``more``", "*bold* _em_ **strong** ~~gone~~",
    "[link](javascript:alert(1))", "![pic](https://evil.example/p.png)", "# heading",
    "https://evil.example/path", "www.evil.example", "jane.doe@example.com", "$\\alpha$ math",
    "&lt;escaped&gt; & amp", "back\\slash\\", "<b>bold</b><br>", "tab\there", "  - item",
    "1. first", "> quote", "---", "a\u2028b", "\\|", "__init__",
]


@pytest.fixture(autouse=True)
def no_scans(monkeypatch):
    """Escaping on its own: the egress gate would mask HOSTILE's email if another test's scan
    that knows it is still alive (tests/test_egress.py tests the gate)."""
    monkeypatch.setattr("nbaudit.egress.live_scans", lambda: [])


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """nbconvert must convert offline: any connection attempt fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


class Tags(HTMLParser):
    """The tags, attributes and visible text of a page (script and style bodies skipped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    parser.close()
    return parser


def assert_inert(page: str) -> Tags:
    """No tag, attribute or link of the hostile strings survives in `page`."""
    parsed = parse(page)
    for tag, attrs in parsed.tags:
        assert tag != "img", (tag, attrs)
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):  # event handlers: none of ours
                assert "alert" not in value, (tag, attrs)
            if name in ("href", "src", "srcdoc", "action", "formaction", "data", "poster") \
                    and not value.startswith("#"):  # in-page anchors are inert
                assert "evil.example" not in value and "alert" not in value, (tag, attrs)
                assert not value.lower().startswith("javascript:"), (tag, attrs)
    for raw in ("<img", "<script>alert", '<a href="https://evil.example"', "<b>bold</b>"):
        assert raw not in page
    return parsed


def visible(parsed: Tags) -> str:
    return " ".join("".join(parsed.text).split())


def flat(text: str) -> str:
    return " ".join(text.split())


# --- the helpers --------------------------------------------------------------------------
def test_escape_md_is_inert_markdown_that_renders_as_the_text():
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    for text in HOSTILE:
        escaped = reports.escape_md(text)
        assert "\n" not in escaped and "\r" not in escaped and "\u2028" not in escaped
        assert "<" not in escaped and ">" not in escaped
        rendered = markdown2html_mistune(f"Column: {escaped}.")
        parsed = assert_inert(rendered)
        assert [t for t, _ in parsed.tags] == ["p"], (text, rendered)
        assert visible(parsed) == flat(f"Column: {text}."), (text, rendered)
        # and in a table cell: one cell, the text in it
        cell = markdown2html_mistune(reports.table([{"c": text, "n": 1}], ["c", "n"]))
        parsed = assert_inert(cell)
        assert [t for t, _ in parsed.tags].count("td") == 2, (text, cell)
        assert flat(text) in visible(parsed), (text, cell)


def test_escape_html():
    assert reports.escape_html(ANCHOR) == html.escape(ANCHOR, quote=True)
    assert reports.escape_html(3) == "3"


def test_markdown_to_html_shows_escaped_markdown_as_text():
    md = reports.table([{"a": t, "b": 1} for t in HOSTILE], ["a", "b"])
    page = reports.markdown_to_html("## Title\n\n" + md + "\n\nSee " + reports.escape_md(IMG))
    parsed = assert_inert(page)
    assert [t for t, _ in parsed.tags].count("tr") == len(HOSTILE) + 1
    text = visible(parsed)
    for t in HOSTILE:
        assert flat(t) in text


# --- reports of hostile frames ------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_audit():
    rng = np.random.default_rng(0)
    groups = np.array([ANCHOR, SCRIPT, "a | b\n# h", "*x* `y`"])[np.arange(400) % 4]
    y = rng.integers(0, 2, 400)
    return nbaudit.audit_fairness(y, rng.integers(0, 2, 400), min_group_size=150,
                                  sensitive_features=pd.Series(groups, name=IMG))


@pytest.fixture(scope="module")
def hostile_frame():
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        IMG: rng.integers(18, 90, 300),
        ANCHOR: rng.choice(["F", "M"], 300),
        "email": [f"person{i}@example.com" for i in range(300)],
        SCRIPT: rng.choice(["flu", "asthma", "none"], 300),
    })


def reports_of(audit, frame):
    from nbaudit.widgets import ReidRiskWidget
    from nbaudit.widgets.fairness import FairnessWidget

    risk = nbaudit.assess_risk(frame, [IMG, ANCHOR], sensitive=[SCRIPT])
    best = risk.search(k=5, max_suppression=0.1)
    scan = nbaudit.scan_pii(frame)
    widget = ReidRiskWidget.from_frame(frame, [IMG, ANCHOR], [SCRIPT])
    widget.levels = {IMG: 1, ANCHOR: 0}
    return {
        "fairness": audit.to_markdown(),
        "fairness widget": FairnessWidget(audit).report_markdown(),
        "model card": audit.model_card(model_name=SCRIPT),
        "risk": risk.to_markdown(best),
        "risk widget": widget.report_markdown(),
        "scan": scan.to_markdown(),
        "handling": reports.data_handling_report(scan, None, risk, best),
    }


def test_markdown_reports_escape_data(hostile_audit, hostile_frame):
    for name, md in reports_of(hostile_audit, hostile_frame).items():
        for raw in (IMG, ANCHOR, SCRIPT, "<img", "<a ", "<script", "\n# h", "*x*", "`y`"):
            assert raw not in md, (name, raw)


def test_nbconvert_html_of_report_cells_runs_nothing(hostile_audit, hostile_frame):
    import nbformat
    from nbconvert import HTMLExporter

    cells = reports_of(hostile_audit, hostile_frame)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(md) for md in cells.values()]
    page, _ = HTMLExporter().from_notebook_node(nb)
    parsed = assert_inert(page)
    text = visible(parsed)
    assert IMG in text and ANCHOR in text  # shown as text, not dropped
    assert SCRIPT in text


def test_to_html_pages_escape_data(hostile_audit, hostile_frame):
    risk = nbaudit.assess_risk(hostile_frame, [IMG, ANCHOR])
    scan = nbaudit.scan_pii(hostile_frame)
    for page in (hostile_audit.to_html(), risk.to_html(), scan.to_html()):
        parsed = assert_inert(page)
        assert IMG in visible(parsed)


def test_figure_labels_escape_html(hostile_audit):
    fig = hostile_audit.figure("selection_rate")
    bars = fig.data[0]
    labels = [str(x) for x in (bars.y if bars.orientation == "h" else bars.x)]
    assert all("<" not in x and ">" not in x for x in labels), labels
    assert html.escape(ANCHOR) in labels
    with pytest.raises(ValueError, match="Unknown metric"):
        hostile_audit.figure("<b>metric</b>")
    dumped = fig.to_json()
    assert "<a href" not in dumped and "\\u003ca href" not in dumped


def test_model_card_html_escapes_group_anchor():
    rng = np.random.default_rng(2)
    groups = np.array([ANCHOR, "<b>bold</b><br>", "plain"])[np.arange(300) % 3]
    audit = nbaudit.audit_fairness(rng.integers(0, 2, 300), rng.integers(0, 2, 300),
                                   sensitive_features=pd.Series(groups, name="grp"))
    page = audit.model_card_html(model_name=IMG, include_plotlyjs=False)
    parsed = assert_inert(page)
    for form in ("<a href", "\\u003ca href", "\\u003cb\\u003e", json.dumps(ANCHOR)[1:-1]):
        assert form not in page, form
    assert ANCHOR in visible(parsed) and IMG in visible(parsed)  # the tables show them as text
