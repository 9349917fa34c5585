"""Fairness audit: per-group metrics, uncertainty, thresholds, mitigation.

Pure analysis (numpy, pandas; fairlearn and scikit-learn for mitigation); no IPython or widgets.
`audit_fairness` audits decisions or scores, `audit_model` a fitted classifier on a test set.
"""

from ._common import DEFAULT_THRESHOLDS, METRICS, label_text
from ._sweep import ThresholdSweep
from .audit import FairnessAudit, Mitigation, audit_fairness
from .model import audit_model

__all__ = ["DEFAULT_THRESHOLDS", "METRICS", "FairnessAudit", "Mitigation", "ThresholdSweep",
           "audit_fairness", "audit_model", "label_text"]
