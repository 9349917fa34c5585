"""What every browser test does: open a notebook (JupyterLab or Notebook 7) on an idle kernel,
run it, switch themes, screenshot in both, check that chart labels are not clipped, and that
the page threw nothing. The fixtures (server, browser, page, notebook copies) are in
``conftest.py``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

WIDGET_TIMEOUT = 120_000  # ms: kernel start + import + scan of 2,000 rows on a slow runner
KERNEL_TIMEOUT = 90_000
RUN_ALL_TIMEOUT = 180_000

THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}


def open_notebook(page: Any, server: Any, name: str, frontend: str = "lab") -> Any:
    """Open `name` in JupyterLab (or Notebook 7: ``frontend="notebook7"``) and wait until *its*
    kernel is really idle (see RECIPES: flaky Run All). Returns a locator of the notebook panel.

    In Lab, a workspace of its own per notebook: the default one would reopen the tabs of the
    tests before (and start their kernels).
    """
    if frontend == "lab":
        page.goto(server.url(f"lab/workspaces/{Path(name).stem.replace('_', '-')}/tree/{name}"))
    else:
        page.goto(server.url(f"notebooks/{name}"))
    page.wait_for_function(
        """(name) => {
            const w = window.jupyterapp?.shell?.currentWidget;
            return w?.context?.path === name
                && w.sessionContext?.session?.kernel?.status === 'idle';
        }""",
        arg=name,
        timeout=KERNEL_TIMEOUT,
    )
    panel_id = page.evaluate("() => window.jupyterapp.shell.currentWidget.id")
    return page.locator(f"[id='{panel_id}']")


def start_run_all(page: Any) -> None:
    """Fire `notebook:run-all-cells`; its result (false if a cell failed) lands in a global."""
    page.evaluate(
        """() => {
            window.__runAll = undefined;
            window.jupyterapp.commands.execute('notebook:run-all-cells').then(
                (ok) => { window.__runAll = ok === false ? 'failed' : 'ok'; },
                (err) => { window.__runAll = 'error: ' + err; },
            );
        }"""
    )


def wait_run_all(page: Any) -> None:
    """Wait for the run started by `start_run_all`; fail with the tracebacks if a cell failed."""
    page.wait_for_function("() => window.__runAll !== undefined", timeout=RUN_ALL_TIMEOUT)
    result = page.evaluate("() => window.__runAll")
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [t[:800] for t in errors.all_inner_texts() if "Error" in t]
    assert result == "ok", f"Run All did not succeed ({result}); error outputs: {tracebacks}"


def no_page_errors(page: Any) -> None:
    errors = [m for m in page.console_log if m.startswith("[pageerror]")]
    assert not errors, f"uncaught errors in the page: {errors}"


def set_theme(page: Any, theme: str) -> None:
    """Switch to `theme` ("light", "dark" or a theme's full name) and wait until its CSS
    variables apply."""
    name = THEMES.get(theme, theme)
    page.evaluate("(t) => window.jupyterapp.commands.execute('apputils:change-theme', "
                  "{theme: t})", name)
    dark = name == THEMES["dark"]
    page.wait_for_function(
        """(dark) => document.body.dataset.jpThemeLight === String(!dark)
            && getComputedStyle(document.body).getPropertyValue('--jp-layout-color0').trim()
               === (dark ? '#111' : 'white')""", arg=dark, timeout=30_000)
    page.wait_for_timeout(300)  # one frame for the widgets' styles to settle


def both_themes(page: Any, target: Any, path: Path,
                before: Callable[[], None] | None = None) -> None:
    """Screenshots of `target` in the light theme (path) and the dark one (path-dark);
    `before()` runs before each (e.g. a hover that a theme switch would end)."""
    for theme in ("light", "dark"):
        set_theme(page, theme)
        target.scroll_into_view_if_needed()
        if before is not None:
            before()
        name = path if theme == "light" else path.with_name(f"{path.stem}-dark{path.suffix}")
        target.screenshot(path=str(name))
    set_theme(page, "light")


# Every text of the charts matched by `selector` lies inside its SVG (nothing cut at an
# edge), and no group label (fairness) lies on top of another.
_CLIPPED = """([root, selector]) => {
    const bad = [];
    for (const svg of root.querySelectorAll(selector)) {
        const r = svg.getBoundingClientRect();
        const labels = [...svg.querySelectorAll('text')].map((t) => [t, t.getBoundingClientRect()]);
        for (const [t, b] of labels) {
            if (b.width === 0) continue;
            if (b.left < r.left - 0.5 || b.right > r.right + 0.5 || b.top < r.top - 0.5
                || b.bottom > r.bottom + 0.5) {
                bad.push(`outside ${svg.getAttribute('class')}: ${t.textContent}`);
            }
        }
        const groups = labels.filter(([t]) => t.classList.contains('nba-group-label'))
            .map(([, b]) => b).sort((a, b) => a.top - b.top);
        for (let i = 1; i < groups.length; i++) {
            if (groups[i].top < groups[i - 1].bottom - 1) bad.push('overlap at ' + i);
        }
    }
    return bad;
}"""


def clipped(root: Any, selector: str) -> list[str]:
    """The labels of `root`'s charts (`selector`) that are cut at an edge or overlap."""
    return root.evaluate(f"(root) => ({_CLIPPED})([root, {selector!r}])")


def opaque(colour: str) -> bool:
    """A computed CSS colour with no transparency (rgb(...) or rgba(..., 1))."""
    m = re.fullmatch(r"rgba?\(([^)]*)\)", colour.strip())
    if not m:
        return False
    parts = [p.strip() for p in m.group(1).replace("/", ",").split(",")]
    return len(parts) == 3 or float(parts[3]) == 1.0
