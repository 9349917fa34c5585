"""Reports as HTML (markdown-it-py, raw HTML off) and the renderer registry behind the results.

`markdown_to_html` renders CommonMark and tables: emphasis, code, lists and tables become tags.
No tag of the input reaches the page (data-derived text is escaped by `escape_md` before, and
markdown-it's ``html`` option is off as a second wall), except the provenance's own
``<details><summary>Provenance</summary>`` block, written by the report generator.

The results' ``to_markdown()``, ``to_html()``, ``to_json()``, ``model_card()`` call
`nbaudit._render.render`, which finds the function `nbaudit.reports` registered: each
registered renderer takes the method's arguments and gives the method's text.
"""

from __future__ import annotations

import inspect
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import nbaudit
from nbaudit import dp
from nbaudit._render import _RENDERERS, render
from nbaudit.fairness import FairnessAudit
from nbaudit.notebook_check import NotebookCheck
from nbaudit.pii.scan import PiiScan
from nbaudit.reports import (
    data_handling_report,
    escape_md,
    markdown_to_html,
    provenance,
    provenance_markdown,
    table,
)
from nbaudit.risk import RiskAssessment

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"
KEY = "a-markdown-html-test-key-0123456789"
# Every tag a report page may hold without charts: the page shell, what CommonMark and
# tables give, and the provenance's block. Nothing data-derived can add one.
PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "h4", "p",
             "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "strong", "em",
             "code", "details", "summary", "hr", "br"}


class Tree(HTMLParser):
    """Each start tag with the open tags above it, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.tags: list[tuple[str, tuple[str, ...], list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(self.open), attrs))
        if tag not in ("meta", "br", "hr"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if "style" not in self.open and "title" not in self.open:
            self.text.append(data)

    @property
    def names(self) -> list[str]:
        return [t for t, _, _ in self.tags]

    @property
    def visible(self) -> str:
        return " ".join("".join(self.text).split())


def tree(page: str) -> Tree:
    parsed = Tree()
    parsed.feed(page)
    parsed.close()
    return parsed


def assert_no_data_tags(page: str) -> Tree:
    """Only the tags a report writes, no attribute but the page's own, no raw hostile tag."""
    parsed = tree(page)
    assert set(parsed.names) <= PAGE_TAGS, set(parsed.names) - PAGE_TAGS
    for tag, _, attrs in parsed.tags:
        allowed = {"meta": {"charset"}, "th": {"style"}, "td": {"style"}}.get(tag, set())
        assert {name for name, _ in attrs} <= allowed, (tag, attrs)
    for raw in ("<img", "<script", "onerror=alert(1)>"):
        assert raw not in page
    return parsed


# --- Markdown renders as tags -------------------------------------------------------------
def test_emphasis_code_lists_and_tables_render_as_tags():
    md = ("# Title\n\nSome **bold**, `code`, _italics_ and *more*.\n\n- one\n- two\n\n"
          "1. first\n2. second\n\n| a | b |\n|---|---|\n| 1 | **2** |\n\n## Next\n")
    parsed = tree(markdown_to_html(md, "A report"))
    page = markdown_to_html(md, "A report")
    for tag in ("<h1>Title</h1>", "<strong>bold</strong>", "<code>code</code>",
                "<em>italics</em>", "<em>more</em>", "<li>one</li>", "<th>a</th>",
                "<td>1</td>", "<td><strong>2</strong></td>", "<h2>Next</h2>"):
        assert tag in page, tag
    for marker in ("**", "`", "_italics_", "| a |", "|---|"):
        assert marker not in parsed.visible, marker
    # every list item sits in a list, every cell in a row of a table
    for tag, above, _ in parsed.tags:
        if tag == "li":
            assert above[-1] in ("ul", "ol"), above
        if tag in ("td", "th"):
            assert above[-1] == "tr" and "table" in above, above
    assert parsed.names.count("ul") == 1 and parsed.names.count("ol") == 1
    assert parsed.names.count("li") == 4


def test_page_is_self_contained_with_title_and_styles():
    page = markdown_to_html("text", title=SCRIPT)
    assert page.startswith("<!doctype html><html><head><meta charset='utf-8'>")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in page
    assert "<style>" in page and "border-collapse" in page
    assert page.endswith("</body></html>")
    assert "<link" not in page and "src=" not in page  # nothing loaded from elsewhere


@pytest.mark.parametrize("raw", [
    IMG, SCRIPT, '<a href="https://evil.example">x</a>', "<b>bold</b>", "<details open>",
    "<summary>Provenance</summary>", "<!-- comment -->", "<div>\nblock\n</div>",
    "<details><summary>Provenance</summary> and more", " <details><summary>x</summary>",
    "<DETAILS><SUMMARY>Provenance</SUMMARY>", "</details><img src=x onerror=alert(1)>",
])
def test_raw_html_in_the_markdown_is_text(raw):
    """html=False: a tag written in the Markdown source is shown, never parsed (here not
    even escaped first: markdown_to_html's own wall)."""
    for md in (raw, f"Text {raw} inline.", f"| a |\n|---|\n| {raw} |", f"- {raw}"):
        parsed = tree(markdown_to_html(md))
        assert not {"img", "script", "a", "b", "div"} & set(parsed.names), (md, parsed.names)
        assert parsed.names.count("details") == 0 and parsed.names.count("summary") == 0
        assert " ".join(raw.split()) in parsed.visible


def test_provenance_block_is_the_one_html_a_report_writes():
    prov = provenance(pd.DataFrame({IMG: [1, 2], "b": [3, 4]}), {"k": 5, IMG: SCRIPT})
    md = "## Report\n\nIntro.\n" + provenance_markdown(prov)
    page = markdown_to_html(md)
    parsed = assert_no_data_tags(page)
    assert "<details><summary>Provenance</summary><ul>" in page
    assert page.count("<details>") == 1 and page.count("</details>") == 1
    assert page.index("</ul>") < page.index("</details>")  # the list is inside the block
    items = [above for tag, above, _ in parsed.tags if tag == "li"]
    assert len(items) == 4 and all("details" in above for above in items)
    assert f"Data: 2 rows x 2 columns ({IMG}, b)" in parsed.visible
    assert f"{IMG}={SCRIPT}" in parsed.visible
    assert f"<code>{prov['content_hash']}</code>" in page


def test_escaped_markdown_of_every_shape_shows_the_text():
    hostile = [IMG, SCRIPT, "**bold**", "`code`", "_it_", "- item", "1. first", "a | b",
               "# heading", "[x](javascript:alert(1))", "<details><summary>Provenance</summary>"]
    md = "\n\n".join([f"Name: {escape_md(h)}" for h in hostile]
                     + [f"- {escape_md(h)}" for h in hostile]
                     + [table([{"c": h} for h in hostile], ["c"])])
    parsed = assert_no_data_tags(markdown_to_html(md))
    assert not {"strong", "em", "code", "h1", "ol", "details"} & set(parsed.names)
    for h in hostile:
        assert parsed.visible.count(h) >= 3, h  # paragraph, list item, table cell


# --- data-derived text in real reports: a column name, a group label, a note --------------
@pytest.fixture(scope="module")
def hostile():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({IMG: rng.integers(18, 90, 400), "sex": rng.choice(["F", "M"], 400),
                          "email": [f"user{i}@example.org" for i in range(400)]})
    labels = np.array([IMG, SCRIPT, "plain"])[np.arange(400) % 3]
    groups = nbaudit.audit_fairness(rng.integers(0, 2, 400), rng.integers(0, 2, 400),
                                    sensitive_features=pd.Series(labels, name="group"),
                                    min_group_size=200)
    # a numeric sensitive feature is binned, and the note says so naming the column
    binned = nbaudit.audit_fairness(rng.integers(0, 2, 400), rng.integers(0, 2, 400),
                                    sensitive_features=frame[IMG])
    return frame, groups, binned


def test_hostile_column_group_label_and_note_never_become_tags(hostile, monkeypatch):
    monkeypatch.setattr("nbaudit.egress.live_scans", lambda: [])
    frame, groups, binned = hostile
    assert any(IMG in note for note in binned.notes)  # the note quotes the column name
    scan = nbaudit.scan_pii(frame)
    risk = nbaudit.assess_risk(frame, [IMG, "sex"])
    result = scan.pseudonymize(handling={IMG: "generalize"}, key=KEY)
    assert any(IMG in note for note in result.notes)
    pages = {"scan": scan.to_html(), "groups": groups.to_html(), "binned": binned.to_html(),
             "risk": risk.to_html(charts=False),
             "handling": markdown_to_html(data_handling_report(scan, result, risk)),
             "model card": markdown_to_html(groups.model_card(model_name=IMG))}
    for name, page in pages.items():
        parsed = assert_no_data_tags(page)
        assert IMG in parsed.visible, name
    assert SCRIPT in tree(pages["groups"]).visible
    # the tables are tables (not text with pipes) and the notes are list items
    assert "<td>&lt;img src=x onerror=alert(1)&gt;</td>" in pages["groups"]
    note = next(n for n in binned.notes if IMG in n)
    assert f"<li>{escape_md(note).replace(chr(92), '')}</li>" in pages["binned"]


# --- the registry: every result method has its renderer, with the method's arguments -------
METHODS = {"markdown": "to_markdown", "html": "to_html", "json": "to_json",
           "model_card": "model_card", "model_card_html": "model_card_html"}
RESULTS = {"PiiScan": PiiScan, "RiskAssessment": RiskAssessment, "FairnessAudit": FairnessAudit,
           "Session": dp.Session, "Release": dp.Release}


def test_registry_holds_every_result_kind():
    assert set(_RENDERERS) == {
        ("PiiScan", "markdown"), ("PiiScan", "html"), ("PiiScan", "json"),
        ("RiskAssessment", "markdown"), ("RiskAssessment", "html"), ("RiskAssessment", "json"),
        ("FairnessAudit", "markdown"), ("FairnessAudit", "html"), ("FairnessAudit", "json"),
        ("FairnessAudit", "model_card"), ("FairnessAudit", "model_card_html"),
        ("Session", "markdown"), ("Session", "html"), ("Release", "markdown")}
    with pytest.raises(LookupError, match="no markdown renderer for object"):
        render("markdown", object())


def _core_classes():
    import importlib
    import pkgutil

    for package in ("pii", "risk", "fairness", "dp"):
        root = importlib.import_module(f"nbaudit.{package}")
        for info in pkgutil.iter_modules(root.__path__, f"nbaudit.{package}."):
            module = importlib.import_module(info.name)
            for klass in vars(module).values():
                if inspect.isclass(klass) and klass.__module__ == module.__name__:
                    yield klass
    yield NotebookCheck


def test_every_method_that_renders_has_a_renderer():
    """A method that calls render(kind, self, ...) finds a renderer of its kind."""
    calls = 0
    for klass in set(_core_classes()):
        for name, method in vars(klass).items():
            try:
                source = inspect.getsource(method)
            except (OSError, TypeError):  # not a function, or made by @dataclass
                continue
            for kind in re.findall(r"\brender\(\s*\"(\w+)\",\s*self\b", source):
                calls += 1
                assert (klass.__name__, kind) in _RENDERERS, (klass.__name__, name, kind)
    assert calls >= len(_RENDERERS)  # the results have switched to the registry


@pytest.mark.parametrize(("result", "kind"), sorted(_RENDERERS))
def test_renderer_takes_the_methods_arguments(result, kind):
    method = inspect.signature(getattr(RESULTS[result], METHODS[kind]))
    function = inspect.signature(_RENDERERS[(result, kind)])

    def shape(sig):
        return [(p.name, p.kind, p.default) for p in list(sig.parameters.values())[1:]]

    assert shape(function) == shape(method)


_VOLATILE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?( UTC)?|"  # report dates
                       r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # plotly


def same(a: str, b: str) -> bool:
    return _VOLATILE.sub("#", a) == _VOLATILE.sub("#", b)


@pytest.fixture(scope="module")
def results():
    shop = nbaudit.datasets.ecommerce(300, seed=6)
    scan = nbaudit.scan_pii(shop)
    risk = nbaudit.assess_risk(shop, ["age", "zip_code", "sex"])
    best = risk.search(k=3)
    credit = nbaudit.datasets.credit(600, seed=2)
    audit = nbaudit.audit_fairness(credit.repaid, credit.late_payments == 0,
                                   sensitive_features=credit.sex)
    session = dp.Session(nbaudit.datasets.social_posts(300, seed=1), epsilon_total=1.0,
                         unit="user_id", contributions=1)
    session.query(count=True).release(epsilon=0.5)
    return {"scan": scan, "risk": risk, "best": best, "audit": audit, "session": session}


def test_render_gives_what_the_method_gives(results):
    scan, risk, best = results["scan"], results["risk"], results["best"]
    audit, session = results["audit"], results["session"]
    cases = [
        (scan, "markdown", (), {}), (scan, "html", (), {}), (scan, "json", (), {}),
        (risk, "markdown", (), {}), (risk, "markdown", (best,), {}),
        (risk, "html", (best,), {"charts": False}),
        (risk, "html", (best,), {"include_plotlyjs": False}),
        (risk, "json", (), {}), (risk, "json", (best,), {}),
        (audit, "markdown", (), {}), (audit, "html", (), {}), (audit, "json", (), {}),
        (audit, "model_card", (), {"model_name": "M", "intended_use": "**screening**"}),
        (audit, "model_card_html", (), {"model_name": "M", "include_plotlyjs": False}),
        (session, "markdown", (), {}), (session, "html", (), {}),
        (session.releases[0], "markdown", (), {}),
    ]
    seen = set()
    for result, kind, args, options in cases:
        by_method = getattr(result, METHODS[kind])(*args, **options)
        by_render = render(kind, result, *args, **options)
        assert isinstance(by_render, str) and by_render
        assert same(by_method, by_render), (type(result).__name__, kind)
        seen.add((type(result).__name__, kind))
    assert seen == set(_RENDERERS)


def test_html_renderers_wrap_their_markdown(results):
    """to_html is the Markdown's page: the same text, now as tags."""
    scan, audit, session = results["scan"], results["audit"], results["session"]
    for result, title in ((scan, "PII scan"), (audit, "Fairness audit"),
                          (session, "nbaudit differential privacy report")):
        page = result.to_html()
        assert same(page, markdown_to_html(result.to_markdown(), title))
        assert f"<title>{title}</title>" in page and "<table>" in page
        assert "<details><summary>Provenance</summary>" in page or result is session
    risk, best = results["risk"], results["best"]
    page = risk.to_html(best, charts=False)
    assert same(page, markdown_to_html(risk.to_markdown(best), "Re-identification risk"))
    charts = risk.to_html(best, include_plotlyjs=False)
    assert charts.count('class="plotly-graph-div"') == 2 and "<h2>Charts</h2>" in charts
