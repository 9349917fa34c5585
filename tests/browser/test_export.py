"""Export to report cell, by click, in every widget, in JupyterLab 4 and in Notebook 7.

The button is in the same place in every widget: the toolbar right under its title.

The Markdown cell lands right below the widget's cell, inserted by nbaudit's labextension (the
documented route, not the fallback), rendered, and holds no raw personal value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nbaudit import datasets

from .helpers import WIDGET_TIMEOUT, no_page_errors, open_notebook

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser_requirements` fixture skips (or fails under CI) with a reason
    expect = None

pytestmark = pytest.mark.browser

CASES = {
    # notebook, widget selector, the heading its report starts with, planted values
    "pii": ("01_pii_scan.ipynb", ".nba-pii", "## PII scan",
            lambda: datasets.ecommerce(n=2_000, seed=7)[["email", "customer_name", "phone"]]),
    "reid": ("02_reidentification_risk.ipynb", ".nba-risk", "## Re-identification risk",
             lambda: datasets.ecommerce(n=5_000, seed=11)[["email", "customer_name"]]),
    "fairness": ("03_fairness_audit.ipynb", ".nba-fair", "## Fairness audit", None),
}

AT_THE_TOP = """(w) => {
    const bar = w.querySelector("button[data-action='export']")?.closest('.nba-toolbar');
    const head = w.querySelector('.nba-header');
    return !!bar && !!head && head.nextElementSibling === bar;
}"""


def open_and_run(page: Any, server: Any, name: str, frontend: str) -> None:
    open_notebook(page, server, name, frontend)
    # Notebook 7.6 throws errors of its own while starting ("reading 'schema'", "Command
    # 'filebrowser:open-path' not registered", with no nbaudit at all): errors are checked
    # from here on, when nbaudit's widgets run.
    page.console_log.clear()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.content.widgets.some("
        "(c) => c.model.type === 'code' && c.model.executionCount === null)",
        timeout=180_000)


@pytest.mark.parametrize("frontend", ["lab", "notebook7"])
@pytest.mark.parametrize("case", list(CASES))
def test_export_button(case: str, frontend: str, notebook_named: Any, page: Any,
                       lab_server: Any, artifacts: Path):
    notebook, selector, heading, planted = CASES[case]
    name = notebook_named(notebook)
    open_and_run(page, lab_server, name, frontend)
    widget = page.locator(selector).first
    widget.wait_for(state="attached", timeout=WIDGET_TIMEOUT)
    widget.scroll_into_view_if_needed()
    # one place in every widget: the toolbar right under its title (issue 12, point 12)
    assert widget.evaluate(AT_THE_TOP), "Export is not right under the widget's title"
    before = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets.length")
    widget.locator("button[data-action='export']").first.click()
    done = widget.locator(".nba-exported").first
    expect(done).to_be_visible(timeout=30_000)
    assert done.get_attribute("data-route") == "event"  # nbaudit's labextension took it
    cells = page.evaluate(
        """(sel) => window.jupyterapp.shell.currentWidget.content.widgets.map((c) => ({
            type: c.model.type, source: c.model.sharedModel.getSource(),
            rendered: c.model.type === 'markdown' ? c.rendered : null,
            hasWidget: !!c.node.querySelector(sel)}))""", selector)
    assert len(cells) == before + 1
    owner = next(i for i, c in enumerate(cells) if c["hasWidget"])
    report = cells[owner + 1]
    assert report["type"] == "markdown" and report["source"].startswith(heading)
    assert report["rendered"] is True
    if planted is not None:
        values = planted()
        for column in values.columns:
            for value in values[column]:
                assert value not in report["source"]
    page.screenshot(path=str(artifacts / f"export_{case}_{frontend}.png"))
    no_page_errors(page)
