"""The %pii_scan widget in a real JupyterLab 4 + Chromium: render, tabs, paging, reveal, XSS."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser_requirements` fixture skips (or fails under CI) with a reason
    expect = None

from .helpers import (
    WIDGET_TIMEOUT,
    no_page_errors,
    opaque,
    open_notebook,
    set_theme,
    start_run_all,
    wait_run_all,
)

pytestmark = pytest.mark.browser

EXPECTED_CHIPS = {
    "email": "EMAIL_ADDRESS",
    "customer_name": "PERSON",
    "zip_code": "POSTAL_CODE",
    "review": "FREE_TEXT",
}

XSS_PAYLOAD = '<img src=x onerror="window.__xss=1">'


# -- helpers ------------------------------------------------------------------------------
def wait_widget(panel: Any) -> Any:
    """The notebook's rendered widget (its inventory table visible), scrolled into view."""
    widget = panel.locator(".nba-pii")
    widget.locator(".nba-inventory").wait_for(state="attached", timeout=WIDGET_TIMEOUT)
    widget.scroll_into_view_if_needed()
    expect(widget.locator(".nba-inventory")).to_be_visible(timeout=30_000)
    return widget


def email_marks_text(widget: Any) -> list[str]:
    return widget.locator(".nba-cells mark.nba-hit[data-entity='EMAIL_ADDRESS']").all_inner_texts()


def wait_marks(widget: Any, masked: bool) -> None:
    """Wait until the cell table's EMAIL_ADDRESS marks are all masked (or all raw)."""
    widget.page.wait_for_function(
        """({root, masked}) => {
            const marks = [...root.querySelectorAll(
                ".nba-cells mark.nba-hit[data-entity='EMAIL_ADDRESS']")];
            return marks.length > 0
                && marks.every((m) => m.textContent.includes('***') === masked);
        }""",
        arg={"root": widget.element_handle(), "masked": masked},
        timeout=30_000,
    )


def scrolled_right(widget: Any, scroller: str, path: Path) -> None:
    """Screenshot with the table scrolled fully right (the columns a user must scroll to)."""
    box = widget.locator(scroller)
    box.evaluate("(e) => { e.scrollLeft = e.scrollWidth; }")
    widget.screenshot(path=str(path))
    box.evaluate("(e) => { e.scrollLeft = 0; }")


# -- tests --------------------------------------------------------------------------------
def test_inventory_renders(notebook_copy: str, page: Any, lab_server: Any, artifacts: Path):
    panel = open_notebook(page, lab_server, notebook_copy)
    start_run_all(page)
    widget = wait_widget(panel)

    expect(widget.locator(".nba-title")).to_have_text("PII scan")
    expect(widget.locator(".nba-subtitle")).to_contain_text("2,000 rows")
    expect(widget.locator("button.nba-tab[data-tab='inventory']")).to_have_class(
        "nba-tab nba-active"
    )
    for column, entity in EXPECTED_CHIPS.items():
        row = widget.locator(f".nba-inventory tr[data-column='{column}']")
        expect(row).to_have_count(1)
        expect(row.locator("span.nba-chip")).to_have_text(entity)

    wait_run_all(page)  # the rest of the notebook (pandas outputs) runs too
    widget.scroll_into_view_if_needed()
    widget.screenshot(path=str(artifacts / "lab_inventory.png"))
    page.screenshot(path=str(artifacts / "lab_inventory_page.png"))
    scrolled_right(widget, ".nba-scroll", artifacts / "lab_inventory_right.png")
    # Apply the suggested handling: a pseudonymized frame lands in the kernel.
    widget.locator("button[data-action='apply-handling']").click()
    expect(widget.locator(".nba-stored")).to_contain_text("pseudonymized: 2,000 rows",
                                                          timeout=30_000)
    no_page_errors(page)


def test_cells_mask_page_reveal(notebook_copy: str, page: Any, lab_server: Any, artifacts: Path):
    panel = open_notebook(page, lab_server, notebook_copy)
    start_run_all(page)
    widget = wait_widget(panel)
    # The later cells keep the kernel busy for seconds (a second scan): the pager's requests
    # wait in its queue, so click once the run is over, as a user reading the widget would.
    wait_run_all(page)

    widget.locator("button.nba-tab[data-tab='cells']").click()
    cells = widget.locator("table.nba-cells")
    expect(cells).to_be_visible()
    info = widget.locator(".nba-pageinfo")
    expect(info).to_have_text(re.compile(r"^Page 1 of [\d,]+ · 2,000 rows$"))
    expect(widget.locator("button[data-action='prev']")).to_be_disabled()
    assert cells.locator("mark.nba-hit").count() > 0, "no highlighted cell on page 1"
    wait_marks(widget, masked=True)
    assert all("***@" in t for t in email_marks_text(widget)), email_marks_text(widget)

    widget.locator("button[data-action='next']").click()
    expect(info).to_contain_text("Page 2 of ")
    wait_marks(widget, masked=True)
    reveal = widget.locator("label.nba-reveal input[type='checkbox']")
    expect(reveal).not_to_be_checked()
    widget.screenshot(path=str(artifacts / "lab_cells.png"))
    masked_page2 = email_marks_text(widget)

    reveal.check()
    wait_marks(widget, masked=False)
    expect(info).to_contain_text("Page 2 of ")
    expect(widget.locator("label.nba-reveal input[type='checkbox']")).to_be_checked()
    expect(widget.locator(".nba-note.nba-warn")).to_be_visible()
    raw_page2 = email_marks_text(widget)
    assert len(raw_page2) == len(masked_page2)
    for masked, raw in zip(masked_page2, raw_page2, strict=True):
        # j***@example.com <- jane.doe@example.com: same first letter and domain
        assert "@" in raw and "***" not in raw
        assert raw[0] == masked[0] and raw.split("@")[-1] == masked.split("@")[-1], (masked, raw)
    widget.screenshot(path=str(artifacts / "lab_cells_revealed.png"))
    scrolled_right(widget, ".nba-cells-scroll", artifacts / "lab_cells_revealed_right.png")

    # Saving now (widget state saving is on, see conftest) must not write the raw values.
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    saved = json.dumps(lab_server.api("GET", f"/api/contents/{notebook_copy}")["content"])
    assert "application/vnd.jupyter.widget-state+json" in saved, "widget state was not saved"
    assert masked_page2[0] in saved, "the masked page is not in the saved widget state"
    leaked = [raw for raw in raw_page2 if raw in saved]
    assert not leaked, f"raw values saved in the notebook: {leaked}"

    widget.locator("button[data-action='next']").click()
    expect(info).to_contain_text("Page 3 of ")
    wait_marks(widget, masked=True)
    expect(widget.locator("label.nba-reveal input[type='checkbox']")).not_to_be_checked()
    expect(widget.locator(".nba-note.nba-warn")).to_have_count(0)
    page.screenshot(path=str(artifacts / "lab_cells_page.png"))
    no_page_errors(page)


def _xss_notebook() -> dict[str, Any]:
    sources = [
        "%load_ext nbaudit",
        "import pandas as pd\n"
        f"df = pd.DataFrame({{'note': [{XSS_PAYLOAD!r}] * 30, "
        "'email': ['a.b@example.com'] * 30})",
        "%pii_scan df",
    ]
    cells = [
        {
            "cell_type": "code",
            "id": f"xss-{i}",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": src,
        }
        for i, src in enumerate(sources)
    ]
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@pytest.fixture
def xss_notebook(lab_server: Any) -> Iterator[str]:
    name = "xss_check.ipynb"
    lab_server.api(
        "PUT",
        f"/api/contents/{name}",
        {"type": "notebook", "format": "json", "content": _xss_notebook()},
    )
    yield name
    lab_server.shutdown_sessions(name)


def test_cell_values_are_text_not_html(
    xss_notebook: str, page: Any, lab_server: Any, artifacts: Path
):
    panel = open_notebook(page, lab_server, xss_notebook)
    start_run_all(page)
    widget = wait_widget(panel)
    wait_run_all(page)

    widget.locator("button.nba-tab[data-tab='cells']").click()
    cells = widget.locator("table.nba-cells")
    expect(cells).to_be_visible()
    expect(cells.locator("td", has_text="<img src=x").first).to_be_visible()
    texts = cells.locator("tbody td").all_inner_texts()
    assert XSS_PAYLOAD in texts, texts[:6]

    for step in ("masked", "revealed"):
        if step == "revealed":  # raw values come by a custom message: the other code path
            widget.locator("label.nba-reveal input[type='checkbox']").check()
            expect(widget.locator(".nba-note.nba-warn")).to_be_visible()
            expect(cells.locator("td", has_text="<img src=x").first).to_be_visible()
        page.wait_for_timeout(1_000)  # an injected <img onerror> would have fired by now
        assert cells.locator("img").count() == 0, step
        assert widget.locator("img").count() == 0, step
        assert page.evaluate("() => typeof window.__xss") == "undefined", step
        assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    widget.screenshot(path=str(artifacts / "lab_xss.png"))
    no_page_errors(page)


def test_reid_tab_of_the_scan(notebook_copy: str, page: Any, lab_server: Any, artifacts: Path):
    panel = open_notebook(page, lab_server, notebook_copy)
    start_run_all(page)
    widget = wait_widget(panel)
    wait_run_all(page)
    widget.locator("button.nba-tab[data-tab='reid']").click()
    explorer = widget.locator(".nba-risk .nba-explorer")
    expect(explorer).to_be_visible(timeout=60_000)
    sliders = widget.locator(".nba-risk input[type='range'][data-qi]")
    names = sorted(sliders.evaluate_all("(els) => els.map((e) => e.dataset.qi)"))
    assert names == sorted(["city", "zip_code", "date_of_birth", "age", "sex"])
    widget.screenshot(path=str(artifacts / "lab_scan_reid_tab.png"))
    no_page_errors(page)


@pytest.fixture
def report_notebook(lab_server: Any) -> Iterator[str]:
    name = "report_option.ipynb"
    nb = _xss_notebook()
    nb["cells"][1]["source"] = ("import nbaudit\ncredit = nbaudit.datasets.credit(500)\n"
                                "shop = nbaudit.datasets.ecommerce(300)")
    nb["cells"][2]["source"] = "%reid_risk shop --qi age,sex,zip_code --report"
    nb["cells"].append({**nb["cells"][2], "id": "fair",
                        "source": "%fairness credit --y-true repaid --y-pred repaid "
                                  "--sensitive sex --report"})
    lab_server.api("PUT", f"/api/contents/{name}",
                   {"type": "notebook", "format": "json", "content": nb})
    yield name
    lab_server.shutdown_sessions(name)


def test_report_option_inserts_cells_without_a_click(report_notebook: str, page: Any,
                                                     lab_server: Any, artifacts: Path):
    panel = open_notebook(page, lab_server, report_notebook)
    start_run_all(page)
    wait_run_all(page)
    page.wait_for_function(
        """() => {
            const nb = window.jupyterapp.shell.currentWidget.content;
            const sources = nb.widgets.filter((c) => c.model.type === 'markdown')
                .map((c) => c.model.sharedModel.getSource());
            return sources.some((s) => s.startsWith('## Re-identification risk'))
                && sources.some((s) => s.startsWith('## Fairness audit'));
        }""",
        timeout=60_000,
    )
    types = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.widgets.map((c) => c.model.type)")
    assert types == ["code", "code", "code", "markdown", "code", "markdown"]
    panel.screenshot(path=str(artifacts / "lab_report_option.png"))
    no_page_errors(page)


# -- issue 12: inventory, Cells paging, one Export; light and dark ------------------------------
def test_inventory_sticky_names_help_and_words(notebook_copy: str, page: Any, lab_server: Any,
                                               artifacts: Path):
    panel = open_notebook(page, lab_server, notebook_copy)
    start_run_all(page)
    widget = wait_widget(panel)
    wait_run_all(page)
    widget.scroll_into_view_if_needed()
    # Plurals and "quasi-identifier" with a hyphen wherever a person reads.
    subtitle = widget.locator(".nba-subtitle").inner_text()
    assert re.search(r"\b\d+ identifiers\b", subtitle), subtitle
    assert re.search(r"\b\d+ quasi-identifiers\b", subtitle), subtitle
    assert "quasi_identifier" not in widget.inner_text()
    expect(widget.locator("tr[data-column='zip_code'] td[data-role]")).to_have_text(
        "quasi-identifier")
    # Help badges on Role, Level and Confidence (lib/help.ts).
    for head in ("role", "level", "confidence"):
        badge = widget.locator(f"th[data-head='{head}'] .nba-help[data-help='{head}']")
        expect(badge).to_have_count(1)
    # Evidence: a full-width line under each column's figures, the reasons, then statistics.
    email = widget.locator(".nba-inventory tr[data-evidence-for='email']")
    expect(email.locator(".nba-reasons")).to_contain_text("header 'email'")
    expect(email.locator(".nba-statistics")).to_contain_text("distinct of")
    scroller = widget.locator(".nba-inventory-scroll")
    box = scroller.bounding_box()
    evidence = email.locator("td.nba-evidence").bounding_box()
    assert box and evidence
    # At 1400 px (file browser open) the evidence reads without scrolling right.
    assert scroller.evaluate("(e) => e.scrollWidth <= e.clientWidth"), "inventory scrolls"
    assert evidence["x"] + evidence["width"] <= box["x"] + box["width"] + 1, (evidence, box)
    # "none" in the health column is not highlighted as HEALTH.
    health = widget.locator(".nba-inventory tr[data-evidence-for='health_condition'] .nba-reasons")
    expect(health).to_contain_text("none or unknown neither counted nor flagged")
    for theme in ("light", "dark"):
        set_theme(page, theme)
        widget.scroll_into_view_if_needed()
        widget.screenshot(path=str(artifacts / f"lab_inventory_{theme}.png"))
        # Scrolled fully right: every row keeps its column name, on an opaque background.
        narrow = {"width": 900, "height": 1000}
        page.set_viewport_size(narrow)
        page.wait_for_timeout(300)
        scroller.evaluate("(e) => { e.scrollLeft = e.scrollWidth; }")
        page.wait_for_timeout(200)
        assert scroller.evaluate("(e) => e.scrollLeft") > 0, "nothing to scroll at 900 px"
        left = scroller.bounding_box()["x"]
        name_cell = widget.locator(".nba-inventory tr[data-column='email'] td.nba-sticky")
        cell_box = name_cell.bounding_box()
        assert abs(cell_box["x"] - left) <= 2, (cell_box, left)
        expect(name_cell).to_be_visible()
        background = name_cell.evaluate("(e) => getComputedStyle(e).backgroundColor")
        assert opaque(background), background
        head_bg = widget.locator(".nba-inventory th.nba-sticky").evaluate(
            "(e) => getComputedStyle(e).backgroundColor")
        assert opaque(head_bg), head_bg
        widget.screenshot(path=str(artifacts / f"lab_inventory_right_{theme}.png"))
        scroller.evaluate("(e) => { e.scrollLeft = 0; }")
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.wait_for_timeout(300)
        # The Confidence help text on hover, inside the table and readable.
        badge = widget.locator("th[data-head='confidence'] .nba-help")
        badge.hover()
        expect(badge.locator(".nba-help-text")).to_be_visible()
        widget.locator(".nba-inventory-scroll").screenshot(
            path=str(artifacts / f"lab_inventory_help_{theme}.png"))
        page.mouse.move(0, 0)
    set_theme(page, "light")
    no_page_errors(page)


def test_cells_jump_page_size_and_find_row(notebook_copy: str, page: Any, lab_server: Any,
                                           artifacts: Path):
    panel = open_notebook(page, lab_server, notebook_copy)
    start_run_all(page)
    widget = wait_widget(panel)
    wait_run_all(page)
    widget.locator("button.nba-tab[data-tab='cells']").click()
    info = widget.locator(".nba-pageinfo")
    expect(info).to_have_text("Page 1 of 100 · 2,000 rows")
    widget.locator("select[data-action='page-size']").select_option("50")
    expect(info).to_have_text("Page 1 of 40 · 2,000 rows")
    assert widget.locator("table.nba-cells tbody tr").count() == 50
    box = widget.locator("input[data-action='page-number']")
    box.fill("17")
    box.press("Enter")
    expect(info).to_have_text("Page 17 of 40 · 2,000 rows")
    expect(widget.locator("table.nba-cells tbody tr").first).to_have_attribute("data-row", "800")
    note = widget.locator(".nba-navnote")
    # Numbers past either end: the nearest page, and a message; not a whole number: a message.
    for typed, shown, said in [("999", "Page 40 of 40", "There is no page 999: showing the last"),
                               ("-5", "Page 1 of 40", "There is no page -5: showing page 1"),
                               ("2.5", "Page 1 of 40", "type a whole number from 1 to 40")]:
        box = widget.locator("input[data-action='page-number']")
        box.fill(typed)
        box.press("Enter")
        expect(info).to_contain_text(shown)
        expect(note).to_contain_text(said)
        expect(note).to_have_class(re.compile("nba-navbad"))
    # Find a row: its page, the row marked.
    row = widget.locator("input[data-action='row-number']")
    row.fill("1,234")
    widget.locator("button[data-action='find-row']").click()
    expect(info).to_have_text("Page 25 of 40 · 2,000 rows")
    found = widget.locator("table.nba-cells tr.nba-found")
    expect(found).to_have_attribute("data-row", "1234")
    expect(note).to_have_text("Row 1,234 is on page 25 (highlighted).")
    # "none" in the health column: in clear, not highlighted or masked.
    col = widget.locator("table.nba-cells thead th").all_inner_texts()
    health = next(i for i, t in enumerate(col) if t.startswith("health_condition"))
    cells = widget.locator(f"table.nba-cells tbody td:nth-child({health + 1})")
    texts = cells.all_inner_texts()
    assert "none" in texts, texts
    nones = [i for i, t in enumerate(texts) if t == "none"]
    for i in nones[:5]:
        assert cells.nth(i).locator("mark, .nba-masked").count() == 0
    assert widget.locator("mark.nba-hit[data-entity='HEALTH']").count() > 0
    for theme in ("light", "dark"):
        set_theme(page, theme)
        widget.locator(".nba-pager").scroll_into_view_if_needed()
        widget.screenshot(path=str(artifacts / f"lab_cells_found_{theme}.png"))
    # A row that does not exist: refused with the range, the page stays.
    row.fill("99999")
    row.press("Enter")
    expect(note).to_contain_text("from 0 to 1,999")
    expect(info).to_have_text("Page 25 of 40 · 2,000 rows")
    expect(row).to_have_value("99999")  # what was typed stays, to be corrected
    for theme in ("dark", "light"):
        set_theme(page, theme)
        widget.locator(".nba-pager").scroll_into_view_if_needed()
        widget.screenshot(path=str(artifacts / f"lab_cells_badrow_{theme}.png"))
    # Only the health column: conditions masked and marked, "none" in clear.
    widget.locator("label.nba-control", has_text="Entity").locator("select").select_option(
        "HEALTH")
    expect(widget.locator("table.nba-cells thead th")).to_have_count(2)
    expect(widget.locator("table.nba-cells tbody td", has_text=re.compile("^none$")).first
           ).to_be_visible()
    for theme in ("light", "dark"):
        set_theme(page, theme)
        widget.locator(".nba-pager").scroll_into_view_if_needed()
        widget.screenshot(path=str(artifacts / f"lab_cells_health_{theme}.png"))
    set_theme(page, "light")
    no_page_errors(page)


def test_scan_has_one_export_at_the_top(notebook_copy: str, page: Any, lab_server: Any,
                                        artifacts: Path):
    panel = open_notebook(page, lab_server, notebook_copy)
    start_run_all(page)
    widget = wait_widget(panel)
    wait_run_all(page)
    widget.locator("button.nba-tab[data-tab='reid']").click()
    expect(widget.locator(".nba-risk .nba-explorer")).to_be_visible(timeout=60_000)
    buttons = widget.locator("button[data-action='export']")
    expect(buttons).to_have_count(1)
    expect(buttons).to_have_text("Export scan report")
    assert "re-identification" in (buttons.get_attribute("title") or "")
    tabs = widget.locator(".nba-tabs").bounding_box()
    assert buttons.bounding_box()["y"] < tabs["y"], "Export is not in the top toolbar"
    expect(widget.locator(".nba-export-scope")).to_contain_text("Export scan report")
    for theme in ("light", "dark"):
        set_theme(page, theme)
        widget.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"lab_scan_reid_export_{theme}.png"))
    set_theme(page, "light")
    buttons.click()
    done = widget.locator(".nba-exported")
    expect(done).to_be_visible(timeout=30_000)
    source = page.evaluate(
        "() => window.jupyterapp.shell.currentWidget.content.widgets"
        ".map((c) => c.model.sharedModel.getSource())"
        ".find((s) => s.startsWith('## PII scan'))")
    assert source and "## Re-identification risk" in source  # the tab's analysis is in it
    scan_part = source.split("## Re-identification risk")[0]
    assert "| quasi-identifier |" in scan_part and "quasi_identifier" not in scan_part
    assert "distinct of" not in scan_part
    no_page_errors(page)
