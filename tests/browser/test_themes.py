"""Themes and reopened notebooks, in a real JupyterLab 4 + Chromium (issue 12, points 11, 13).

* Every demo notebook is run, and every widget it shows is screenshot in JupyterLab Light and
  JupyterLab Dark (``test-artifacts/theme_<notebook>_<theme>_<n>.png``); in each theme the
  rendered text colours of the key elements (errors, warnings, notes, muted text, highlighted
  cells, chips, badges, buttons, tabs, axis labels...) are measured against the background
  they are drawn on (``getComputedStyle``, alpha composited up the tree) and must reach
  4.5:1. Elements a notebook does not happen to show (an error box) are measured as probes:
  a span with the element's class, put into the widget for the measurement and removed.
* A notebook run and saved with widget state saving OFF (JupyterLab's default), closed and
  reopened on a new kernel, shows each widget's static summary, and the saved file holds no
  raw personal value.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .helpers import (
    KERNEL_TIMEOUT,
    THEMES,
    WIDGET_TIMEOUT,
    no_page_errors,
    open_notebook,
    set_theme,
    start_run_all,
    wait_run_all,
)

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser_requirements` fixture skips (or fails under CI) with a reason
    expect = None

pytestmark = pytest.mark.browser

WIDGET_ROOTS = ".nba-pii, .nba-risk, .nba-fair, .nba-dp"
AA = 4.5
TALL = {"width": 1400, "height": 2400}
NOTEBOOKS = {
    "01_pii_scan.ipynb": ".nba-pii",
    "02_reidentification_risk.ipynb": ".nba-risk",
    "03_fairness_audit.ipynb": ".nba-fair",
    "04_differential_privacy.ipynb": ".nba-dp",
}
# Classes measured as probes in every widget when the notebook shows none of them.
PROBES = ["nba-error", "nba-warn", "nba-note", "nba-muted", "nba-badtext", "nba-good",
          "nba-warn-text", "nba-masked"]

# In the page: the colour of an element and of what is under it, composited, and the ratio.
_MEASURE = """
(args) => {
  const [roots, probes] = args;
  const cv = document.createElement('canvas');
  cv.width = cv.height = 1;
  const ctx = cv.getContext('2d', {willReadFrequently: true});
  const rgba = (css) => {  // any CSS colour (color-mix, color(srgb ...)) -> [r, g, b, a]
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = 'rgba(0, 0, 0, 0)';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, bottom) => [0, 1, 2]
    .map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const lum = (c) => {
    const lin = (v) => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const backdrop = (el) => {  // the backgrounds under el, composited over the page
    const layers = [];
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      if (n instanceof SVGElement && !(n instanceof SVGSVGElement)) continue;
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let bg = [255, 255, 255, 1];
    for (const layer of layers.reverse()) bg = over(layer, bg);
    return bg;
  };
  const opacity = (el) => {
    let o = 1;
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
      o *= Number(getComputedStyle(n).opacity);
    }
    return o;
  };
  const hex = (c) => '#' + c.slice(0, 3)
    .map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  const out = [];
  const measure = (el, label) => {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return;
    if (!el.getClientRects().length) return;
    if (el.closest(':disabled')) return;  // WCAG 1.4.3: inactive controls are exempt
    const text = [...el.childNodes].filter((n) => n.nodeType === 3)
      .map((n) => n.textContent).join('').trim();
    if (!text) return;
    const svgText = el instanceof SVGElement;
    let fg = rgba(svgText ? style.fill : style.color);
    fg = [fg[0], fg[1], fg[2], fg[3] * opacity(el)];
    const bg = backdrop(el);
    const shown = over(fg, bg);
    out.push({label, text: text.slice(0, 40), fg: hex(shown), bg: hex(bg), ratio: ratio(shown, bg),
              size: style.fontSize, weight: style.fontWeight});
  };
  const SEL = ['.nba-error', '.nba-warn', '.nba-note', '.nba-muted', '.nba-badtext', '.nba-good',
    '.nba-warn-text', '.nba-card-value', '.nba-card-label', 'mark.nba-hit', '.nba-chip',
    '.nba-badge', 'button', '.nba-tab', 'text', '.nba-evidence', 'th', 'td', '.nba-masked',
    '.nba-legend', '.nba-pageinfo', '.nba-mode', '.nba-level', 'label', '.nba-verdict',
    '.nba-help', '.nba-readout', '.nba-title', '.nba-subtitle', 'summary', 'p', 'span'];
  roots.forEach((root, i) => {
    for (const sel of SEL) for (const el of root.querySelectorAll(sel)) measure(el, `${i}:${sel}`);
    for (const cls of probes) {
      const probe = document.createElement(cls === 'nba-error' ? 'div' : 'span');
      probe.className = cls;
      probe.textContent = 'probe ' + cls;
      root.append(probe);
      measure(probe, `${i}:probe .${cls}`);
      probe.remove();
    }
  });
  return out;
}
"""


def widget_roots(page: Any, panel: Any) -> list[Any]:
    """The top-level widgets of the notebook (not the views nested in another widget)."""
    handles = panel.locator(WIDGET_ROOTS).element_handles()
    return [h for h in handles
            if not h.evaluate("(e) => !!e.parentElement.closest('.nba-pii, .nba-risk, "
                              ".nba-fair, .nba-dp')")]


@pytest.fixture
def restore_light_theme(page: Any, lab_server: Any) -> Iterator[None]:
    """The theme is a user setting of the shared server: put Light back for the next tests."""
    yield
    with contextlib.suppress(Exception):
        lab_server.api("PUT", "/lab/api/settings/@jupyterlab/apputils-extension:themes",
                       {"raw": "{}"})


def _pii_views(widget: Any) -> list[tuple[str, Any]]:
    """The scan widget's states: each tab, and the Cells tab with values revealed (the
    reveal warning is one of the colours the issue measured)."""
    def tab(name: str, ready: str) -> Any:
        def go() -> None:
            widget.locator(f"button.nba-tab[data-tab='{name}']").click()
            expect(widget.locator(ready).first).to_be_visible(timeout=60_000)
        return go

    def reveal() -> None:
        widget.locator("label.nba-reveal input[type='checkbox']").check()
        expect(widget.locator(".nba-note.nba-warn")).to_be_visible(timeout=30_000)

    return [("inventory", tab("inventory", ".nba-inventory")),
            ("cells", tab("cells", "table.nba-cells mark.nba-hit")),
            ("revealed", reveal),
            ("reid", tab("reid", ".nba-risk .nba-cards"))]


# ids without a dot: the notebook copy is named after the test, and Lab's workspace URL
# (named after the notebook) must not look like a file name
@pytest.mark.parametrize("notebook", list(NOTEBOOKS), ids=["pii", "risk", "fairness", "dp"])
def test_widgets_in_light_and_dark(notebook: str, notebook_named: Any, page: Any,
                                   lab_server: Any, artifacts: Path, restore_light_theme: None):
    page.set_viewport_size(TALL)  # whole widgets in view: no menu or status bar over them
    panel = open_notebook(page, lab_server, notebook_named(notebook))
    start_run_all(page)
    first = panel.locator(NOTEBOOKS[notebook]).first
    first.wait_for(state="attached", timeout=WIDGET_TIMEOUT)
    wait_run_all(page)
    stem = notebook.split("_")[0]
    views = _pii_views(first) if notebook.startswith("01") else [("main", None)]
    failures = []
    for view, action in views:
        set_theme(page, THEMES["light"])
        if action is not None:
            first.scroll_into_view_if_needed()
            action()
        roots = widget_roots(page, panel)
        assert roots, "no widget rendered"
        for key, theme in THEMES.items():
            set_theme(page, theme)
            for i, root in enumerate(roots):
                root.scroll_into_view_if_needed()
                root.screenshot(path=str(artifacts / f"theme_{stem}_{view}_{key}_{i}.png"))
            results = page.evaluate(_MEASURE, [roots, PROBES])
            assert len(results) > 20, results
            labels = {r["label"].split(":", 1)[1] for r in results}
            for probe in PROBES:
                assert f"probe .{probe}" in labels, probe
            if view == "cells":
                assert "mark.nba-hit" in labels and ".nba-chip" in labels, labels
            if view == "revealed":
                assert ".nba-warn" in labels, labels
            (artifacts / f"theme_{stem}_{view}_{key}_contrast.json").write_text(
                json.dumps(results, indent=1))
            failures += [f"{theme} ({view}): {r['label']} {r['text']!r} {r['fg']} on {r['bg']}"
                         f" = {r['ratio']:.2f}:1" for r in results if r["ratio"] < AA]
    set_theme(page, THEMES["light"])
    assert not failures, "\n".join(failures)
    no_page_errors(page)


# -- reopened with widget state saving off -------------------------------------------------
PLANTED = {"email": "zelda.quartermain@example.org", "name": "Zelda Quartermain",
           "phone": "+1 415 555 0199"}


def _reopen_notebook() -> dict[str, Any]:
    sources = [
        "%load_ext nbaudit\nimport pandas as pd\nfrom nbaudit import datasets\n"
        "df = datasets.ecommerce(n=400, seed=3)\n"
        f"df.loc[0, 'email'] = {PLANTED['email']!r}\n"
        f"df.loc[0, 'customer_name'] = {PLANTED['name']!r}\n"
        f"df.loc[0, 'phone'] = {PLANTED['phone']!r}\n"
        "credit = datasets.credit(n=1_500, seed=1)\n"
        "posts = datasets.social_posts(n_users=400, seed=2)",
        "%pii_scan df",
        "%reid_risk df --qi age,sex,zip_code --k 3",
        "%fairness credit --y-true repaid --y-pred repaid --sensitive sex",
        "%dp posts --by country --count --unit user_id --contributions 3 --epsilon-total 1 "
        "--delta 1e-6",
    ]
    cells = [{"cell_type": "code", "id": f"reopen-{i}", "metadata": {}, "execution_count": None,
              "outputs": [], "source": src} for i, src in enumerate(sources)]
    return {"cells": cells, "metadata": {"kernelspec": {
        "display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture(scope="module")
def saved_without_state(lab_server: Any, browser: Any, artifacts: Path) -> Iterator[dict]:
    """The notebook run and saved in JupyterLab with widget state saving OFF (its default;
    the session's overrides turn saving on for the leak tests), its kernel then shut down."""
    settings = "/lab/api/settings/@jupyter-widgets/jupyterlab-manager:plugin"
    name = "reopen_without_state.ipynb"
    lab_server.api("PUT", settings, {"raw": json.dumps({"saveState": False})})
    lab_server.api("PUT", f"/api/contents/{name}",
                   {"type": "notebook", "format": "json", "content": _reopen_notebook()})
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        assert lab_server.api("GET", settings)["settings"]["saveState"] is False
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.console_log = []
        panel = open_notebook(page, lab_server, name)
        start_run_all(page)
        for root in ("nba-pii", "nba-risk", "nba-fair", "nba-dp"):
            panel.locator(f".{root}").first.wait_for(state="attached", timeout=WIDGET_TIMEOUT)
        wait_run_all(page)
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts / "reopen_live.png"))
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        page.wait_for_function(
            "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000)
        saved = lab_server.api("GET", f"/api/contents/{name}")["content"]
        context.close()
        lab_server.shutdown_sessions(name)  # closed: the kernel and its models are gone
        yield {"name": name, "content": saved}
    finally:
        context.close()
        lab_server.api("PUT", settings, {"raw": "{}"})
        lab_server.shutdown_sessions(name)


def _static_outputs(saved: dict) -> list[dict]:
    return [o for c in saved["cells"] for o in c["outputs"]
            if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]


def test_saved_notebook_holds_masked_summaries(saved_without_state: dict):
    saved = saved_without_state["content"]
    assert "application/vnd.jupyter.widget-state+json" not in json.dumps(saved["metadata"])
    # the planted values are in the first cell's source, and in no output
    text = json.dumps([c["outputs"] for c in saved["cells"]] + [saved["metadata"]])
    for value in PLANTED.values():
        assert value not in text and json.dumps(value)[1:-1] not in text, value
    views = _static_outputs(saved)
    assert len(views) == 4, [list(o.get("data", {})) for c in saved["cells"]
                             for o in c["outputs"]]
    for out in views:
        plain, page_html = out["data"]["text/plain"], out["data"]["text/html"]
        assert "object at 0x" not in plain and "(running)" not in plain, plain
        assert "nba-static" in page_html and "<table>" in page_html, page_html[:300]
    # the scan's summary was made while it ran, then brought up to date: it has the inventory
    assert "EMAIL_ADDRESS" in views[0]["data"]["text/html"]


def _reopen(browser: Any, lab_server: Any, name: str, artifacts: Path, tag: str,
            frontend: str = "lab") -> None:
    """Open `name` on a new kernel in a new page (JupyterLab or Notebook 7); its widget
    outputs show the summaries."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.console_log = []
    page.on("pageerror", lambda e: page.console_log.append(f"[pageerror] {e}"))
    try:
        panel = open_notebook(page, lab_server, name, frontend)
        # Notebook 7 throws errors of its own while starting (see test_export): from here on
        page.console_log.clear()
        page.wait_for_function(
            "() => window.jupyterapp.shell.currentWidget.content.widgets.length === 5",
            timeout=KERNEL_TIMEOUT)
        page.wait_for_timeout(3_000)  # the widget manager gives up on the models
        trusted = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.widgets"
                                ".filter((c) => c.model.type === 'code')"
                                ".map((c) => c.model.trusted)")
        assert all(t == tag.startswith("trusted") for t in trusted), trusted
        shown = panel.locator(".jp-OutputArea-output").all_inner_texts()
        page.screenshot(path=str(artifacts / f"reopen_{tag}.png"))
        statics = panel.locator(".nba-static")
        assert statics.count() == 4, shown
        for i in range(4):
            expect(statics.nth(i)).to_be_visible()
            expect(statics.nth(i)).to_contain_text("Saved summary (masked)")
        for heading in ("PII scan", "Re-identification risk", "Fairness", "Differential"):
            assert any(heading in t for t in shown), (heading, shown)
        assert not any("object at 0x" in t for t in shown), shown
        assert not any("Error displaying widget" in t for t in shown), shown
        for value in PLANTED.values():
            assert not any(value in t for t in shown), value
        statics.first.scroll_into_view_if_needed()
        statics.first.screenshot(path=str(artifacts / f"reopen_{tag}_light.png"))
        set_theme(page, THEMES["dark"])
        statics.first.screenshot(path=str(artifacts / f"reopen_{tag}_dark.png"))
        set_theme(page, THEMES["light"])
        no_page_errors(page)
    finally:
        context.close()
        lab_server.shutdown_sessions(name)


def test_a_shared_copy_shows_the_static_summaries(
        saved_without_state: dict, browser: Any, lab_server: Any, artifacts: Path,
        restore_light_theme: None):
    """The notebook as a colleague opens it (not signed on their machine: untrusted): Lab
    does not run the widget view of untrusted output and shows the `text/html` summary, as
    nbconvert, GitHub and nbviewer do."""
    copy = json.loads(json.dumps(saved_without_state["content"]))
    for cell in copy["cells"]:  # the contents API marks the cells it trusts: a copy is not
        cell["metadata"].pop("trusted", None)
    # and its bytes differ from what this server signed (a colleague's own metadata)
    copy["metadata"]["nbaudit_test"] = "a copy opened by a colleague"
    name = "reopen_shared_copy.ipynb"
    lab_server.api("PUT", f"/api/contents/{name}",
                   {"type": "notebook", "format": "json", "content": copy})
    _reopen(browser, lab_server, name, artifacts, "shared_copy")


@pytest.mark.parametrize("frontend", ["lab", "notebook7"])
def test_reopened_by_its_author_shows_the_static_summaries(
        frontend: str, saved_without_state: dict, browser: Any, lab_server: Any,
        artifacts: Path, restore_light_theme: None):
    """Trusted (signed by this server): Lab gives the output to the widget manager, which
    finds no model; nbaudit's labextension (labextension/src/fallback.ts) then shows the
    bundle's `text/html` summary instead of "Error displaying widget: model not found"."""
    tag = "trusted" if frontend == "lab" else f"trusted_{frontend}"
    _reopen(browser, lab_server, saved_without_state["name"], artifacts, tag, frontend)
