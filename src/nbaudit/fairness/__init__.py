"""Fairness audit: per-group metrics, uncertainty, thresholds, mitigation.

Pure analysis (numpy, pandas; fairlearn and scikit-learn for mitigation); no IPython or widgets.
"""

from .audit import METRICS, FairnessAudit, ThresholdSweep, audit_fairness
from .mitigation import Mitigation

__all__ = ["METRICS", "FairnessAudit", "Mitigation", "ThresholdSweep", "audit_fairness"]
