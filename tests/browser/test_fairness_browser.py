"""The %fairness widget in a real JupyterLab 4 + Chromium: metric switch, threshold drag, charts
at 2, 10 and 100 groups with long labels (nothing clipped, hover readout, SVG download),
automatic binning, refused disparities, Wilson beside a zero-width bootstrap, mitigation on
held-out rows; screenshots of each state in the light and the dark theme."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO
from .helpers import (
    WIDGET_TIMEOUT,
    both_themes,
    clipped,
    no_page_errors,
    open_notebook,
    start_run_all,
    wait_run_all,
)

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser_requirements` fixture skips (or fails under CI) with a reason
    expect = None

pytestmark = pytest.mark.browser

GERMAN = REPO.parent / "shared" / "data" / "german_credit_statlog.csv"
LONG = "with a rather long descriptive label, north-east region"
CHARTS = "svg.nba-bars, svg.nba-bars-axis, svg.nba-threshold-chart"


def bar_values(widget: Any) -> list[float]:
    return [float(v) for v in widget.locator("svg.nba-bars rect.nba-bar").evaluate_all(
        "(els) => els.map((e) => e.dataset.value)")]


def test_metric_switch_and_threshold_drag(notebook_named: Any, page: Any, lab_server: Any,
                                          artifacts: Path):
    page.set_viewport_size({"width": 1400, "height": 2400})  # whole widgets in screenshots
    panel = open_notebook(page, lab_server, notebook_named("03_fairness_audit.ipynb"))
    start_run_all(page)
    widget = panel.locator(".nba-fair").first
    widget.locator("svg.nba-bars").wait_for(state="attached", timeout=WIDGET_TIMEOUT)
    wait_run_all(page)
    widget.scroll_into_view_if_needed()
    expect(widget.locator(".nba-title")).to_have_text("Fairness audit")
    expect(widget.locator("svg.nba-bars rect.nba-bar")).to_have_count(4)  # four age groups
    expect(widget.locator("table.nba-disparities tr[data-measure]")).to_have_count(6)
    # no lending words: the decision is named neutrally (or by --positive-name)
    expect(widget.locator(".nba-decision-word")).to_have_text("positive decision when score ≥")
    assert "approve" not in widget.inner_text().lower()
    # each measure has its "?" explanation
    expect(widget.locator("table.nba-disparities .nba-help")).to_have_count(6)
    assert clipped(widget, CHARTS) == []
    both_themes(page, widget, artifacts / "lab_fairness.png")

    # Switch the metric: the bars change, and the table counts the metric's denominator.
    selection = bar_values(widget)
    widget.locator("select[aria-label='Metric']").select_option("false_positive_rate")
    page.wait_for_function(
        """([root, old]) => {
            const v = [...root.querySelectorAll('svg.nba-bars rect.nba-bar')]
                .map((e) => Number(e.dataset.value));
            return v.length === old.length && v.some((x, i) => Math.abs(x - old[i]) > 1e-9);
        }""",
        arg=[widget.element_handle(), selection], timeout=30_000)
    expect(widget.locator("table.nba-groups th").nth(1)).to_have_text("negatives")

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
    expect(widget.locator(".nba-threshold-value").first).not_to_have_text("0.50", timeout=30_000)
    page.wait_for_function(
        """([root, old]) => {
            const v = [...root.querySelectorAll('svg.nba-bars rect.nba-bar')]
                .map((e) => Number(e.dataset.value));
            return v.some((x, i) => Math.abs(x - old[i]) > 1e-9);
        }""",
        arg=[widget.element_handle(), before_bars], timeout=30_000)
    assert disparity.inner_text() != before_value

    # The trade-off chart: two labelled axes (accuracy in %, differences as numbers), and a
    # hover readout with the figures at the threshold under the pointer.
    chart = widget.locator("svg.nba-threshold-chart")
    expect(chart.locator("text.nba-axis-diff").first).to_have_text("0.00")
    expect(chart.locator("text.nba-axis-acc").last).to_have_text("100%")
    hit = chart.locator("rect.nba-hit")
    hb = hit.bounding_box()
    page.mouse.move(hb["x"] + hb["width"] * 0.3, hb["y"] + hb["height"] / 2)
    readout = widget.locator(".nba-threshold-box .nba-readout")
    expect(readout).to_contain_text("threshold 0.30: accuracy", timeout=10_000)
    expect(readout).to_contain_text("equalized odds difference")
    both_themes(page, widget.locator(".nba-threshold-box"),
                artifacts / "lab_fairness_threshold.png")

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

    # Mitigate: fitted on one half, scored on the other; learned thresholds; before/after
    # bars side by side; "passes" before and after.
    widget.locator("button[data-action='mitigate']").click()
    mitigation = widget.locator(".nba-mitigation")
    expect(mitigation.locator("table.nba-disparities")).to_be_visible(timeout=60_000)
    expect(mitigation.locator(".nba-evaluation")).to_contain_text("fitted on")
    expect(mitigation.locator(".nba-evaluation")).to_contain_text("scored on the other")
    fit_rows = int(mitigation.locator(".nba-evaluation").get_attribute("data-fit-rows"))
    eval_rows = int(mitigation.locator(".nba-evaluation").get_attribute("data-eval-rows"))
    assert fit_rows > 0 and eval_rows > 0 and abs(fit_rows - eval_rows) <= 8
    expect(mitigation.locator("table.nba-rules tbody tr")).to_have_count(4)
    expect(mitigation.locator("table.nba-rules")).to_contain_text("score above")
    expect(mitigation.locator("td[data-col='passes-before']")).to_have_count(6)
    expect(mitigation.locator("td[data-col='passes-after']")).to_have_count(6)
    expect(mitigation.locator("rect[data-series='before']")).to_have_count(4)
    expect(mitigation.locator("rect[data-series='after']")).to_have_count(4)
    assert clipped(widget, CHARTS) == []
    both_themes(page, mitigation, artifacts / "lab_fairness_mitigated.png")
    no_page_errors(page)


# --- charts at many group counts, binning, refusal, small denominators ------------------------
def _cells() -> list[str]:
    cells = [
        "%load_ext nbaudit\n"
        "import numpy as np\nimport pandas as pd\n"
        "rng = np.random.default_rng(0)\n"
        "def frame(k, n):\n"
        f"    names = [f'group {{i:03d}} ' + ({LONG!r} if i % 3 == 0 else 'short')\n"
        "             for i in range(k)]\n"
        "    g = rng.choice(names, n)\n"
        "    y = rng.integers(0, 2, n)\n"
        "    s = np.clip(0.3 * y + 0.7 * rng.random(n) - 0.002 * np.char.str_len(g), 0, 1)\n"
        "    return pd.DataFrame({'y': y, 's': s, 'group': g})\n"
        "two, ten, hundred = frame(2, 2_000), frame(10, 5_000), frame(100, 30_000)\n"
        "few = pd.DataFrame({'y': [1] * 3 + [0] * 40 + list(rng.integers(0, 2, 400)),\n"
        "                    'group': ['rare'] * 43 + ['common'] * 400})\n"
        "few['p'] = np.where(few.index < 3, 1, few.y.where(rng.random(443) < 0.7, 1 - few.y))",
        "%fairness two --y-true y --score s --sensitive group",
        "%fairness ten --y-true y --score s --sensitive group",
        "%fairness hundred --y-true y --score s --sensitive group",
        "%fairness few --y-true y --y-pred p --sensitive group",
    ]
    if GERMAN.exists():
        cells += [
            f"credit = pd.read_csv({str(GERMAN)!r})\n"
            "credit['good'] = (credit.credit == 1).astype(int)\n"
            "credit['pred'] = ((credit.month < 24) & (credit.credit_amount < 5000)).astype(int)\n"
            "%fairness credit --y-true good --y-pred pred --sensitive age "
            "--positive-name 'good credit'",
            "%fairness credit --y-true good --y-pred pred --sensitive age --bins none "
            "--min-group-size 100",
        ]
    return cells


@pytest.fixture
def groups_notebook(lab_server: Any) -> Iterator[str]:
    name = "fairness_groups.ipynb"
    cells = [{"cell_type": "code", "id": f"fair-{i}", "metadata": {}, "execution_count": None,
              "outputs": [], "source": src} for i, src in enumerate(_cells())]
    content = {"cells": cells, "metadata": {"kernelspec": {
        "display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}
    lab_server.api("PUT", f"/api/contents/{name}",
                   {"type": "notebook", "format": "json", "content": content})
    yield name
    lab_server.shutdown_sessions(name)


def _axes_stay_in_view(page: Any, widget: Any, artifacts: Path) -> None:
    """100 groups: the chart scrolls in its box and both x axes stay at its edges, so any
    row can be read against an axis (issue 12, point c)."""
    box = widget.locator(".nba-chart-scroll").first
    head = box.locator(".nba-axis-head")
    foot = box.locator(".nba-axis-foot")
    for where in ("middle", "end"):
        box.evaluate("(e, where) => { e.scrollTop = where === 'end' ? e.scrollHeight"
                     " : e.scrollHeight / 2; }", where)
        page.wait_for_timeout(150)
        assert box.evaluate("(e) => e.scrollTop") > 0
        b, hb, fb = box.bounding_box(), head.bounding_box(), foot.bounding_box()
        assert abs(hb["y"] - b["y"]) <= 2, (where, hb, b)
        assert 0 <= (b["y"] + b["height"]) - (fb["y"] + fb["height"]) <= 20, (where, fb, b)
        for axis in (head, foot):
            # SVG text has no innerText: read its textContent
            ticks = axis.locator("text.nba-axis").evaluate_all(
                "(els) => els.map((e) => e.textContent)")
            assert {"0%", "50%", "100%"} <= set(ticks), ticks
            expect(axis.locator("text", has_text="100%")).to_be_visible()
    # a row in the middle, hovered: its readout, with both axes in the screenshot
    box.evaluate("(e) => { e.scrollTop = e.scrollHeight / 2 - e.clientHeight / 2; }")
    row = widget.locator("svg.nba-bars g.nba-bar-row[data-group^='group 050']")
    both_themes(page, widget.locator(".nba-chart-row").first,
                artifacts / "lab_fairness_100_groups_scrolled.png", before=row.hover)
    box.evaluate("(e) => { e.scrollTop = 0; }")


def test_charts_at_2_10_100_groups_binning_and_refusal(groups_notebook: str, page: Any,
                                                      lab_server: Any, artifacts: Path):
    page.set_viewport_size({"width": 1400, "height": 2400})
    panel = open_notebook(page, lab_server, groups_notebook)
    start_run_all(page)
    wait_run_all(page)
    widgets = panel.locator(".nba-fair")
    expect(widgets).to_have_count(6 if GERMAN.exists() else 4, timeout=WIDGET_TIMEOUT)
    for i, count in enumerate((2, 10, 100)):
        widget = widgets.nth(i)
        widget.locator("svg.nba-bars").wait_for(state="attached", timeout=WIDGET_TIMEOUT)
        widget.scroll_into_view_if_needed()
        expect(widget.locator("svg.nba-bars rect.nba-bar")).to_have_count(count)
        # every label inside its chart, none on top of another; long ones end in "…"
        assert clipped(widget, CHARTS) == [], count
        labels = widget.locator("svg.nba-bars text.nba-group-label").evaluate_all(
            "(els) => els.map((e) => e.textContent)")
        assert any(t.startswith("group 000 with a rather long") for t in labels)
        assert any(t.endswith("…") for t in labels) or count == 2
        # hover a bar: the exact value, both intervals and the denominator
        row = widget.locator("svg.nba-bars g.nba-bar-row").first
        row.hover()
        readout = widget.locator(".nba-chart .nba-readout").first
        expect(readout).to_contain_text("95% Wilson", timeout=10_000)
        expect(readout).to_contain_text("bootstrap")
        expect(readout).to_contain_text("group 000 " + LONG)  # whole, even when cut on the axis
        # download the chart as SVG: a real file with the labels as text
        with page.expect_download() as info:
            widget.locator(".nba-chart button[data-action='download-svg']").first.click()
        saved = Path(info.value.path()).read_text()
        assert saved.lstrip().startswith("<?xml") and "<svg" in saved and "group 001" in saved
        assert info.value.suggested_filename == "fairness-selection_rate.svg"
        both_themes(page, widget.locator(".nba-chart-row").first,
                    artifacts / f"lab_fairness_{count}_groups.png")
        if count == 100:
            _axes_stay_in_view(page, widget, artifacts)

    # 3 positives, all found: the bootstrap interval has zero width and is not shown as
    # certainty; Wilson says [44%, 100%]; the group is flagged on TPR (not on its 43 rows).
    few = widgets.nth(3)
    few.scroll_into_view_if_needed()
    few.locator("select[aria-label='Metric']").select_option("true_positive_rate")
    rare = few.locator("table.nba-groups tr[data-group='rare']")
    expect(rare.locator(".nba-boot")).to_have_text("zero width: see Wilson", timeout=30_000)
    expect(rare.locator(".nba-wilson")).to_have_text("43.9% – 100.0%")
    expect(rare.locator("td").nth(1)).to_contain_text("3 ⚠")
    expect(few.locator(".nba-fair-warn")).to_contain_text("rare")
    both_themes(page, few, artifacts / "lab_fairness_few_positives.png")

    if GERMAN.exists():
        binned = widgets.nth(4)
        binned.scroll_into_view_if_needed()
        expect(binned.locator(".nba-fair-note[data-note='binned']")).to_contain_text(
            "cut into 5 quantile bins automatically")
        expect(binned.locator("svg.nba-bars rect.nba-bar")).to_have_count(5)
        both_themes(page, binned, artifacts / "lab_fairness_binned_age.png")
        refused = widgets.nth(5)
        refused.scroll_into_view_if_needed()
        expect(refused.locator(".nba-fair-note[data-note='refused']")).to_contain_text(
            "Disparities refused")
        values = refused.locator("table.nba-disparities tr[data-measure] td:nth-child(2)")
        assert set(values.all_inner_texts()) == {"—"}
        assert clipped(refused, CHARTS) == []
        both_themes(page, refused, artifacts / "lab_fairness_refused.png")
    no_page_errors(page)
