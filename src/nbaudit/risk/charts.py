"""The re-identification charts as plotly figures: the same as the widget's SVG charts.

Labels that come from the data (column names) are HTML-escaped: plotly renders ``<b>``,
``<a href>`` in labels. The figures hold figures and level descriptions only, never a value
of the data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .._text import escape_html
from .figures import RiskFigures

if TYPE_CHECKING:
    import plotly.graph_objects as go

LOSS_AXIS = "information loss (non-uniform entropy)"


def _go() -> ModuleType:
    try:
        import plotly.graph_objects as go
    except ImportError as exc:  # pragma: no cover - plotly is a dependency
        raise ImportError("figure() needs plotly: pip install plotly") from exc
    return go


def pareto(points: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The points nothing beats on both lower loss and higher k (the widget's rule)."""
    out: list[Mapping[str, Any]] = []
    best = -1
    for p in sorted(points, key=lambda p: (p["loss"], -p["k"])):
        if p["k"] > best:
            out.append(p)
            best = p["k"]
    return out


def _levels_html(words: Mapping[str, str]) -> str:
    return "<br>".join(f"{escape_html(q, 60)}: {escape_html(w, 80)}" for q, w in words.items())


def tradeoff_figure(points: Sequence[Mapping[str, Any]], n_records: int) -> go.Figure:
    """k (log axis) against information loss (0-100%) of each point; the frontier dashed."""
    graph = _go()  # plotly, imported when a chart is drawn
    fig = graph.Figure()
    front = pareto(points)
    if len(front) > 1:
        fig.add_trace(graph.Scatter(x=[100 * p["loss"] for p in front],
                                    y=[p["k"] for p in front], mode="lines",
                                    name="Pareto frontier", hoverinfo="skip",
                                    line={"dash": "dash", "color": "#1a7f37"}))
    groups = (("meets its target k", "#4daf4a", lambda p: p["satisfied"] and p["source"]
               != "search"),
              ("below its target k", "#999999", lambda p: not p["satisfied"]),
              ("found by the search", "#1f77b4", lambda p: p["source"] == "search"
               and p["satisfied"]))
    for name, colour, keep in groups:
        chosen = [p for p in points if keep(p)]
        if not chosen:
            continue
        text = [f"k = {p['k']:,} (target {p.get('target_k', '?')})<br>"
                f"{LOSS_AXIS}: {100 * p['loss']:.1f}%<br>suppressed: {p['suppressed']:,} "
                f"records<br>{_levels_html(p.get('describe') or p['levels'])}"
                for p in chosen]
        fig.add_trace(graph.Scatter(
            x=[100 * p["loss"] for p in chosen], y=[p["k"] for p in chosen], mode="markers",
            name=name, text=text, hovertemplate="%{text}<extra></extra>",
            marker={"size": 11 if name.startswith("found") else 9, "color": colour,
                    "line": {"width": 1, "color": "#333333"}}))
    top = max([2, *[int(p["k"]) for p in points], n_records if len(points) > 1 else 2])
    fig.update_layout(
        title="Trade-off: information loss against k", template="plotly_white", height=380,
        xaxis={"title": LOSS_AXIS, "range": [-2, 102], "ticksuffix": "%",
               "tickvals": [0, 25, 50, 75, 100]},
        yaxis={"title": "k (smallest class, log scale)", "type": "log",
               "range": [-0.05, math.log10(top) + 0.1]},
        legend={"orientation": "h", "y": -0.25}, margin={"l": 70, "r": 30, "t": 50, "b": 60})
    return fig


def class_sizes_figure(now: RiskFigures, chosen: RiskFigures, words: str) -> go.Figure:
    """Records by class size: the data as it is (grey) and under the chosen levels."""
    graph = _go()
    bins = [b["size"] for b in chosen.class_sizes]
    fig = graph.Figure()
    for name, f, colour in (("as is", now, "#bbbbbb"), ("generalized", chosen, "#1f77b4")):
        fig.add_trace(graph.Bar(
            x=bins, y=[b["records"] for b in f.class_sizes], name=name, marker_color=colour,
            customdata=[b["classes"] for b in f.class_sizes],
            hovertemplate=("class size %{x}: %{y:,} records in %{customdata:,} classes"
                           f" ({name})<extra></extra>")))
    title = "Records by class size"
    if any(chosen.levels.values()):
        title += f"<br><sup>{escape_html(words, 200)}</sup>"
    fig.update_layout(title=title, template="plotly_white", height=380, barmode="group",
                      xaxis={"title": "class size (records sharing their quasi-identifiers)",
                             "type": "category"},
                      yaxis={"title": "records", "rangemode": "tozero"},
                      legend={"orientation": "h", "y": -0.25},
                      margin={"l": 70, "r": 30, "t": 70, "b": 60})
    return fig
