"""The %reid_risk explorer in a real JupyterLab 4 + Chromium: controls, chart, search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_lab import WIDGET_TIMEOUT, no_page_errors, open_notebook, start_run_all, wait_run_all

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser_requirements` fixture skips (or fails under CI) with a reason
    expect = None

pytestmark = pytest.mark.browser


def card_value(widget: Any, label: str) -> str:
    card = widget.locator(".nba-live .nba-card", has=widget.page.locator(
        ".nba-card-label", has_text=label)).first
    return card.locator(".nba-card-value").inner_text()


def test_explorer_controls_chart_and_search(notebook_named: Any, page: Any, lab_server: Any,
                                            artifacts: Path):
    panel = open_notebook(page, lab_server, notebook_named("02_reidentification_risk.ipynb"))
    start_run_all(page)
    widget = panel.locator(".nba-risk")
    widget.locator(".nba-explorer").wait_for(state="attached", timeout=WIDGET_TIMEOUT)
    wait_run_all(page)
    widget.scroll_into_view_if_needed()
    expect(widget.locator(".nba-title")).to_have_text("Re-identification risk")
    assert card_value(widget, "k") == "1"
    widget.screenshot(path=str(artifacts / "lab_reid.png"))

    # Move the zip_code control to its top level: k must rise above 1.
    slider = widget.locator("input[data-qi='zip_code']")
    top = int(slider.get_attribute("max"))
    slider.evaluate("(e, v) => { e.value = String(v); e.dispatchEvent(new Event('input')); }", top)
    page.wait_for_function(
        """(root) => {
            const cards = [...root.querySelectorAll('.nba-live .nba-card')];
            const k = cards.find((c) => c.querySelector('.nba-card-label').textContent === 'k');
            return k && Number(k.querySelector('.nba-card-value').textContent) > 1;
        }""",
        arg=widget.element_handle(),
        timeout=30_000,
    )
    expect(widget.locator(".nba-level").first).to_contain_text("level")

    # Two points on the trade-off chart now; clicking the first (no generalization) applies it.
    dots = widget.locator("svg.nba-tradeoff circle.nba-dot")
    expect(dots).to_have_count(2, timeout=30_000)
    first = widget.locator("svg.nba-tradeoff circle.nba-dot[data-index='0']")
    first.dispatch_event("click")
    page.wait_for_function(
        "(root) => root.querySelector(\"input[data-qi='zip_code']\").value === '0'",
        arg=widget.element_handle(), timeout=30_000,
    )
    assert card_value(widget, "k") == "1"

    # Search: the levels jump to the optimum, which is 5-anonymous.
    widget.locator("button[data-action='search']").click()
    expect(widget.locator(".nba-search-info")).to_contain_text("evaluated", timeout=60_000)
    expect(widget.locator(".nba-verdict")).to_contain_text("5-anonymous", timeout=30_000)
    assert int(card_value(widget, "k")) >= 5
    expect(widget.locator("svg.nba-tradeoff circle.nba-found")).to_have_count(1)
    widget.screenshot(path=str(artifacts / "lab_reid_search.png"))

    # Store the generalized frame in the kernel.
    widget.locator("button[data-action='to-frame']").click()
    expect(widget.locator(".nba-stored")).to_contain_text("anonymized: 5,000 rows", timeout=30_000)
    no_page_errors(page)
