"""The %fairness widget in a real JupyterLab 4 + Chromium: metric switch, threshold drag."""

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


def bar_values(widget: Any) -> list[float]:
    return [float(v) for v in widget.locator("svg.nba-bars rect.nba-bar").evaluate_all(
        "(els) => els.map((e) => e.dataset.value)")]


def test_metric_switch_and_threshold_drag(notebook_named: Any, page: Any, lab_server: Any,
                                          artifacts: Path):
    panel = open_notebook(page, lab_server, notebook_named("03_fairness_audit.ipynb"))
    start_run_all(page)
    widget = panel.locator(".nba-fair").first
    widget.locator("svg.nba-bars").wait_for(state="attached", timeout=WIDGET_TIMEOUT)
    wait_run_all(page)
    widget.scroll_into_view_if_needed()
    expect(widget.locator(".nba-title")).to_have_text("Fairness audit")
    expect(widget.locator("svg.nba-bars rect.nba-bar")).to_have_count(4)  # four age groups
    expect(widget.locator("table.nba-disparities tr[data-measure]")).to_have_count(6)
    widget.screenshot(path=str(artifacts / "lab_fairness.png"))

    # Switch the metric: the bars change.
    selection = bar_values(widget)
    widget.locator("select[aria-label='Metric']").select_option("false_positive_rate")
    page.wait_for_function(
        """([root, old]) => {
            const v = [...root.querySelectorAll('svg.nba-bars rect.nba-bar')]
                .map((e) => Number(e.dataset.value));
            return v.length === old.length && v.some((x, i) => Math.abs(x - old[i]) > 1e-9);
        }""",
        arg=[widget.element_handle(), selection], timeout=30_000)

    # Drag the threshold slider with the mouse: bars and disparity table follow.
    disparity = widget.locator("tr[data-measure='demographic_parity_difference'] td").nth(1)
    before_value = disparity.inner_text()
    before_bars = bar_values(widget)
    slider = widget.locator("input.nba-threshold")
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.5, y)
    page.mouse.down()
    for frac in (0.45, 0.4, 0.35, 0.3, 0.25, 0.2):
        page.mouse.move(box["x"] + box["width"] * frac, y, steps=3)
    page.mouse.up()
    page.wait_for_function(
        "(el) => Number(el.value) < 0.4", arg=slider.element_handle(), timeout=10_000)
    expect(widget.locator(".nba-threshold-value")).not_to_have_text("0.50", timeout=30_000)
    page.wait_for_function(
        """([root, old]) => {
            const v = [...root.querySelectorAll('svg.nba-bars rect.nba-bar')]
                .map((e) => Number(e.dataset.value));
            return v.some((x, i) => Math.abs(x - old[i]) > 1e-9);
        }""",
        arg=[widget.element_handle(), before_bars], timeout=30_000)
    assert disparity.inner_text() != before_value
    widget.screenshot(path=str(artifacts / "lab_fairness_threshold.png"))

    # One threshold per group: lowering the youngest group's threshold raises its bar only.
    widget.locator("input[data-control='per-group']").check()
    young = widget.locator("input[data-group='18-25']")
    expect(young).to_be_visible(timeout=10_000)
    before_young = bar_values(widget)[0]
    young.evaluate("(e) => { e.value = '0.05'; e.dispatchEvent(new Event('input')); }")
    page.wait_for_function(
        """([root, old]) => {
            const bar = root.querySelector("svg.nba-bars rect.nba-bar[data-group='18-25']");
            return bar && Number(bar.dataset.value) > old + 0.01;
        }""",
        arg=[widget.element_handle(), before_young], timeout=30_000)

    # Mitigate: a before/after table appears.
    widget.locator("button[data-action='mitigate']").click()
    expect(widget.locator(".nba-mitigation table.nba-disparities")).to_be_visible(timeout=60_000)
    widget.screenshot(path=str(artifacts / "lab_fairness_mitigated.png"))
    no_page_errors(page)
