"""Notebook 7 (served by the same server): the scan widget renders and exports its report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_lab import WIDGET_TIMEOUT, no_page_errors

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser_requirements` fixture skips (or fails under CI) with a reason
    expect = None

pytestmark = pytest.mark.browser


def test_notebook7_scan_and_export(notebook_copy: str, page: Any, lab_server: Any,
                                   artifacts: Path):
    page.goto(lab_server.url(f"notebooks/{notebook_copy}"))
    page.wait_for_function(
        """() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel
            ?.status === 'idle'""",
        timeout=90_000,
    )
    # Notebook 7.6 throws errors of its own while starting ("reading 'schema'",
    # "Command 'filebrowser:open-path' not registered", also with no nbaudit at all): only
    # what happens from here on, when nbaudit's widgets run, is checked.
    page.console_log.clear()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    widget = page.locator(".nba-pii").first
    widget.locator(".nba-inventory").wait_for(state="attached", timeout=WIDGET_TIMEOUT)
    widget.scroll_into_view_if_needed()
    expect(widget.locator("tr[data-column='email'] .nba-chip")).to_have_text("EMAIL_ADDRESS")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.content.widgets.some("
        "(c) => c.model.type === 'code' && c.model.executionCount === null)",
        timeout=180_000,
    )
    widget.locator("button[data-action='export']").first.click()
    expect(widget.locator(".nba-exported")).to_be_visible(timeout=30_000)
    # inserted by nbaudit's labextension (not the fallback through the widget manager)
    assert widget.locator(".nba-exported").get_attribute("data-route") == "event"
    index = page.evaluate(
        """() => window.jupyterapp.shell.currentWidget.content.widgets.findIndex(
            (c) => c.model.type === 'markdown'
                && c.model.sharedModel.getSource().startsWith('## PII scan'))""")
    widget_index = page.evaluate(
        """() => window.jupyterapp.shell.currentWidget.content.widgets.findIndex(
            (c) => c.node.querySelector('.nba-pii'))""")
    assert index == widget_index + 1
    page.screenshot(path=str(artifacts / "notebook7_export.png"))
    no_page_errors(page)
