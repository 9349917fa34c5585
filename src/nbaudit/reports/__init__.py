"""Reports as Markdown, HTML and JSON: findings that can leave the notebook safely.

Reports hold figures, column names and masked values only: never a raw value found to be
personal data, never a key. Each states its inputs' provenance (shape, columns, a content
hash, library versions, parameters) so that it can be reproduced.

Everything that comes from the data (column names, group labels, notes quoting them) enters a
report through `escape_md` (Markdown) or `escape_html` (HTML, plotly labels), so a column
named ``<img src=x onerror=alert(1)>`` is shown as text wherever the report is rendered.
Error messages name a column with `quote_name` and never quote its values. Every public
renderer's output passes through `nbaudit.egress.release` as well, the gate that masks every
value a live scan knows to be personal data.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .._render import renderer
from .._text import escape_html, escape_md, fmt, names_md, names_text, quote_name, table
from ..dp._report import release_markdown, session_markdown
from ._gate import json_report
from .html import markdown_to_html, risk_html
from .markdown import (
    data_handling_report,
    fairness_markdown,
    levels_md,
    risk_markdown,
    role_counts,
    role_text,
    scan_markdown,
)
from .model_card import model_card, model_card_html
from .provenance import (
    content_hash,
    fairness_frame,
    fairness_provenance,
    provenance,
    provenance_markdown,
)

if TYPE_CHECKING:
    from ..dp import Release, Session
    from ..fairness import FairnessAudit, Mitigation
    from ..pii.scan import PiiScan
    from ..risk import RiskAssessment, SearchResult

__all__ = [
    "content_hash", "data_handling_report", "escape_html", "escape_md", "fairness_frame",
    "fairness_markdown", "fairness_provenance", "fmt", "json_report", "levels_md",
    "markdown_to_html", "model_card", "model_card_html", "names_md", "names_text", "provenance",
    "provenance_markdown", "quote_name", "risk_html", "risk_markdown", "role_counts",
    "role_text", "scan_markdown", "table",
]


# --- the renderers behind the results' to_markdown(), to_html(), to_json() ... -------------
@renderer("markdown", "PiiScan")
def _scan_markdown(scan: PiiScan) -> str:
    return scan_markdown(scan)


@renderer("html", "PiiScan")
def _scan_html(scan: PiiScan) -> str:
    return markdown_to_html(scan_markdown(scan), "PII scan")


@renderer("json", "PiiScan")
def _scan_json(scan: PiiScan) -> str:
    return json_report({**scan.to_dict(), "provenance": provenance(
        scan.frame, {"sample_size": scan.sample_size, "min_score": scan.min_score},
        columns=[c.name for c in scan.columns])}, scan)


@renderer("markdown", "RiskAssessment")
def _risk_markdown(risk: RiskAssessment, search: SearchResult | None = None) -> str:
    return risk_markdown(risk, search)


@renderer("html", "RiskAssessment")
def _risk_html(risk: RiskAssessment, search: SearchResult | None = None, *, charts: bool = True,
               include_plotlyjs: bool | str = True) -> str:
    return risk_html(risk, search, charts=charts, include_plotlyjs=include_plotlyjs)


@renderer("json", "RiskAssessment")
def _risk_json(risk: RiskAssessment, search: SearchResult | None = None) -> str:
    return json.dumps({**risk.to_dict(), "search": search.to_dict() if search else None,
                       "provenance": provenance(risk.frame, {"target_k": risk.target_k})})


@renderer("markdown", "FairnessAudit")
def _fairness_markdown(audit: FairnessAudit, mitigation: Mitigation | None = None) -> str:
    return fairness_markdown(audit, mitigation)


@renderer("html", "FairnessAudit")
def _fairness_html(audit: FairnessAudit, mitigation: Mitigation | None = None) -> str:
    return markdown_to_html(fairness_markdown(audit, mitigation), "Fairness audit")


@renderer("json", "FairnessAudit")
def _fairness_json(audit: FairnessAudit) -> str:
    return json_report({**audit.to_dict(ci=True), "provenance": fairness_provenance(audit)})


@renderer("model_card", "FairnessAudit")
def _model_card(audit: FairnessAudit, **text: Any) -> str:
    return model_card(audit, **text)


@renderer("model_card_html", "FairnessAudit")
def _model_card_html(audit: FairnessAudit, **text: Any) -> str:
    return model_card_html(audit, **text)


@renderer("markdown", "Release")
def _release_markdown(release: Release) -> str:
    return release_markdown(release)


@renderer("markdown", "Session")
def _session_markdown(session: Session) -> str:
    return session_markdown(session)


@renderer("html", "Session")
def _session_html(session: Session) -> str:
    return markdown_to_html(session_markdown(session), title="nbaudit differential privacy report")
