"""The %dp widget in a real JupyterLab 4 + Chromium: slider moves, release, ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .helpers import WIDGET_TIMEOUT, no_page_errors, open_notebook, start_run_all, wait_run_all

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser_requirements` fixture skips (or fails under CI) with a reason
    expect = None

pytestmark = pytest.mark.browser


def half_widths(widget: Any) -> list[str]:
    return widget.locator("table.nba-dp-preview td.nba-dp-hw").all_inner_texts()


def test_slider_rescales_and_release_spends(notebook_named: Any, page: Any, lab_server: Any,
                                            artifacts: Path):
    panel = open_notebook(page, lab_server, notebook_named("04_differential_privacy.ipynb"))
    start_run_all(page)
    widget = panel.locator(".nba-dp").first
    widget.locator("table.nba-dp-preview").wait_for(state="attached", timeout=WIDGET_TIMEOUT)
    wait_run_all(page)
    widget.scroll_into_view_if_needed()
    assert widget.locator("table.nba-dp-preview tbody tr").count() >= 3
    assert widget.locator("table.nba-dp-release").count() == 0  # nothing released yet
    widget.screenshot(path=str(artifacts / "lab_dp.png"))

    # Move the epsilon slider up: every stated half-width shrinks (client-side rescaling).
    before = half_widths(widget)
    slider = widget.locator("input.nba-dp-epsilon")
    slider.evaluate("(e) => { e.value = String(Number(e.max) - 2); "
                    "e.dispatchEvent(new Event('input')); e.dispatchEvent(new Event('change')); }")
    page.wait_for_function(
        """([root, old]) => {
            const now = [...root.querySelectorAll('table.nba-dp-preview td.nba-dp-hw')]
                .map((e) => e.textContent);
            return now.length === old.length && now.some((t, i) => t !== old[i]);
        }""",
        arg=[widget.element_handle(), before], timeout=10_000)

    def number(text: str) -> float:
        return float(text.replace("±", "").replace(",", "").strip())

    after = half_widths(widget)
    pairs = [(number(b), number(a)) for b, a in zip(before, after, strict=True)
             if b.startswith("±") and a.startswith("±")]
    assert pairs and all(a < b for b, a in pairs), pairs

    # Release: a noisy table appears and the ledger records the spend.
    widget.locator("button[data-action='release']").click()
    expect(widget.locator("table.nba-dp-release").first).to_be_visible(timeout=60_000)
    expect(widget.locator("table.nba-dp-ledger tbody tr")).to_have_count(1)
    widget.screenshot(path=str(artifacts / "lab_dp_released.png"))
    no_page_errors(page)
