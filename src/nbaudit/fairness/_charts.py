"""The widget's charts as plotly figures, from plain arrays (no result object).

Group names and metric labels reach plotly escaped: it renders ``<a href>``, ``<b>``,
``<br>``... in labels, and group names are data.
"""

from __future__ import annotations

import math
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from .._text import escape_html
from ._common import pct

if TYPE_CHECKING:
    import plotly.graph_objects as go


def plotly() -> ModuleType:
    """`plotly.graph_objects`, with a message if plotly is missing."""
    try:
        import plotly.graph_objects as go
    except ImportError as exc:  # pragma: no cover - plotly is a dependency
        raise ImportError("figure() needs plotly: pip install plotly") from exc
    return go


def group_bars(names: list[str], values: np.ndarray, *, low: np.ndarray, high: np.ndarray,
               denominators: np.ndarray, what: str, min_group_size: int, overall: float,
               label: str, interval: str, ci: bool) -> go.Figure:
    """One metric by group with its intervals; groups whose `denominators` are under
    `min_group_size` are grey. Horizontal when there are many groups or long names.

    `names` and `label` are escaped here."""
    go = plotly()
    names = [escape_html(n) for n in names]
    small = denominators < min_group_size
    hover = [f"{n}<br>{pct(v)}" + (f" (95% {interval} {pct(lo)}–{pct(hi)})"
                                   if ci and not math.isnan(lo) else "")
             + f"<br>{int(d):,} {what}" + (" — too few to trust" if sm else "")
             for n, v, lo, hi, d, sm in zip(names, values, low, high, denominators, small,
                                            strict=True)]
    horizontal = len(names) > 12 or max((len(n) for n in names), default=0) > 14
    error = None
    if ci:
        error = {"type": "data", "symmetric": False, "array": high - values,
                 "arrayminus": values - low}
    colours = ["#bbbbbb" if sm else "#1f77b4" for sm in small]
    bar = (go.Bar(y=names, x=values, error_x=error, orientation="h", hovertext=hover,
                  hoverinfo="text", marker_color=colours) if horizontal else
           go.Bar(x=names, y=values, error_y=error, hovertext=hover, hoverinfo="text",
                  marker_color=colours))
    fig = go.Figure(bar)
    label = escape_html(label)
    if horizontal:
        fig.add_vline(x=overall, line_dash="dash", annotation_text="all rows")
        fig.update_layout(xaxis={"range": [0, 1], "tickformat": ".0%", "title": label},
                          yaxis={"autorange": "reversed", "automargin": True},
                          height=max(300, 120 + 22 * len(names)))
    else:
        fig.add_hline(y=overall, line_dash="dash", annotation_text="all rows")
        fig.update_layout(yaxis={"range": [0, 1], "tickformat": ".0%", "title": label},
                          xaxis={"automargin": True}, height=380)
    fig.update_layout(title=f"{label} by group (grey: fewer than {min_group_size} "
                            f"{what})", template="plotly_white")
    return fig


def tradeoff_chart(thresholds: np.ndarray, *, accuracy: np.ndarray,
                   demographic_parity: np.ndarray, equalized_odds: np.ndarray,
                   current: float | None = None) -> go.Figure:
    """Accuracy (left axis, %) and the demographic parity and equalized odds differences
    (right axis, 0 to 1) at every threshold; `current` draws the chosen threshold."""
    go = plotly()
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=thresholds, y=accuracy, name="accuracy",
                             hovertemplate="threshold %{x:.2f}: accuracy %{y:.1%}"
                                           "<extra></extra>"))
    for values, label in ((demographic_parity, "demographic parity difference"),
                          (equalized_odds, "equalized odds difference")):
        fig.add_trace(go.Scatter(x=thresholds, y=values, name=label, yaxis="y2",
                                 hovertemplate=f"threshold %{{x:.2f}}: {label} "
                                               "%{y:.3f}<extra></extra>"))
    if current is not None:
        fig.add_vline(x=float(current), line_dash="dot", annotation_text="threshold")
    fig.update_layout(
        title="Accuracy and disparities by decision threshold", template="plotly_white",
        xaxis={"title": "decision threshold on the score", "range": [0, 1]},
        yaxis={"title": "accuracy", "range": [0, 1], "tickformat": ".0%"},
        yaxis2={"title": "difference between groups (0 = parity)", "range": [0, 1],
                "overlaying": "y", "side": "right", "tickformat": ".1f"},
        legend={"orientation": "h", "y": -0.25}, height=420)
    return fig


def before_after_bars(names: list[str], *, before: np.ndarray, after: np.ndarray,
                      label: str, evaluation: str) -> go.Figure:
    """Before/after bars side by side for each group (the mitigation chart)."""
    go = plotly()
    names = [escape_html(n) for n in names]
    fig = go.Figure()
    for state, values, colour in (("before", before, "#9ca3af"), ("after", after, "#1f77b4")):
        fig.add_trace(go.Bar(name=state, x=names, y=values, marker_color=colour,
                             hovertemplate=f"%{{x}} {state}: %{{y:.1%}}<extra></extra>"))
    label = escape_html(label)
    fig.update_layout(barmode="group", template="plotly_white", height=380,
                      title=f"{label} before and after mitigation "
                            f"({escape_html(evaluation)})",
                      yaxis={"range": [0, 1], "tickformat": ".0%", "title": label},
                      xaxis={"automargin": True})
    return fig
