"""Thin anywidget layers over the core results."""

from .pii import PiiScanWidget

__all__ = ["PiiScanWidget"]
