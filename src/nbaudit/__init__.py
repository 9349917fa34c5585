"""nbaudit: audit data and models for privacy and fairness without leaving the notebook.

Load the magics with ``%load_ext nbaudit``; the same analyses are plain functions:
`scan_pii`, `assess_risk`, `audit_fairness`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

# nbaudit.dp: the DP explorer's core; nbaudit.reports registers every result's renderers
# (nbaudit._render), so it must be imported whenever the package is.
from . import datasets, dp, reports  # noqa: F401
from .config import configure
from .fairness import FairnessAudit, Mitigation, audit_fairness
from .pii import ENTITIES, ColumnReport, PiiScan, mask_value, scan_pii
from .pseudonymization import pseudonymize, reverse_tokens, set_secret
from .risk import Hierarchy, RiskAssessment, RiskFigures, SearchResult, assess_risk

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

try:
    __version__ = version("nbaudit")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "ENTITIES",
    "ColumnReport",
    "FairnessAudit",
    "Hierarchy",
    "Mitigation",
    "PiiScan",
    "RiskAssessment",
    "RiskFigures",
    "SearchResult",
    "__version__",
    "assess_risk",
    "audit_fairness",
    "configure",
    "datasets",
    "load_ipython_extension",
    "mask_value",
    "pseudonymize",
    "reverse_tokens",
    "scan_pii",
    "set_secret",
]


def load_ipython_extension(ipython: InteractiveShell) -> None:
    """Register %pii_scan, %reid_risk and %fairness (called by ``%load_ext nbaudit``)."""
    from .magics import AuditMagics

    ipython.register_magics(AuditMagics)
