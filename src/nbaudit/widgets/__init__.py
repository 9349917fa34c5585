"""Thin anywidget layers over the core results."""

from .dp import DPWidget  # noqa: F401
from .pii import PiiScanWidget
from .risk import ReidRiskWidget

__all__ = ["PiiScanWidget", "ReidRiskWidget"]
