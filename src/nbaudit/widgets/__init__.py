"""Thin anywidget layers over the core results."""

from .pii import PiiScanWidget
from .risk import ReidRiskWidget

__all__ = ["PiiScanWidget", "ReidRiskWidget"]
