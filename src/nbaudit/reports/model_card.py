"""A model card around a fairness audit, as Markdown or one HTML page with its charts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._text import escape_md
from ._gate import _released
from .html import markdown_to_html
from .markdown import fairness_markdown

if TYPE_CHECKING:
    from ..fairness import FairnessAudit, Mitigation


@_released
def model_card(audit: FairnessAudit, *, model_name: str = "Model", model_details: str = "",
               intended_use: str = "", out_of_scope: str = "", data: str = "",
               limitations: str = "", mitigation: Mitigation | None = None) -> str:
    """A model card (Mitchell et al., 2019) around a fairness audit, in Markdown.

    `model_name` is plain text (escaped); the other text fields are Markdown written by the
    model owner and are inserted as they are. Everything from the audit is escaped.
    """
    overall = audit.overall
    lines = [f"# Model card: {escape_md(model_name)}", "",
             "## Model details", "", model_details or "_To be completed by the model owner._", "",
             "## Intended use", "", intended_use or "_To be completed._", "",
             "## Out-of-scope uses", "", out_of_scope or "_To be completed._", "",
             "## Performance", "",
             f"Overall accuracy {overall['accuracy']:.1%}, selection rate "
             f"{overall['selection_rate']:.1%}, true positive rate "
             f"{overall['true_positive_rate']:.1%}, false positive rate "
             f"{overall['false_positive_rate']:.1%}, false negative rate "
             f"{overall['false_negative_rate']:.1%}"
             + (f" at threshold {audit.data.threshold}" if audit.data.threshold is not None
                else "") + ".", "",
             fairness_markdown(audit, mitigation, title="Fairness analysis").replace(
                 "## Fairness analysis", "## Fairness analysis", 1), "",
             "## Data", "", data or "_Describe the training and evaluation data._", "",
             "## Limitations", "", limitations or (
                 "Groups smaller than the minimum size are flagged and their rates are "
                 "unreliable; the audit covers the sensitive attributes given to it only; "
                 "fairness measures can conflict, and which one matters is a policy choice.")]
    return "\n".join(lines)


@_released
def model_card_html(audit: FairnessAudit, *, metrics: tuple[str, ...] = (
        "selection_rate", "true_positive_rate", "false_positive_rate"),
        include_plotlyjs: bool | str = True, **text: Any) -> str:
    """The model card as one HTML page with its charts (plotly, intervals drawn on the bars).

    `include_plotlyjs=True` embeds plotly.js (about 4 MB) so that the page works offline;
    pass "cdn" for a small file that loads it from the web. `text` is as for `model_card`.
    """
    page = markdown_to_html(model_card(audit, **text), f"Model card: {text.get('model_name', '')}")
    figures = [audit.figure(metric) for metric in metrics]
    if audit.data.y_score is not None:
        figures.append(audit.figure("tradeoff"))
    if text.get("mitigation") is not None:
        figures.append(text["mitigation"].figure())
    charts = [figure.to_html(full_html=False,
                             include_plotlyjs=include_plotlyjs if i == 0 else False)
              for i, figure in enumerate(figures)]
    section = "<h2>Charts</h2>" + "".join(f"<div>{c}</div>" for c in charts)
    return page.replace("</body>", section + "</body>")
