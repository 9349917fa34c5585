"""Re-identification risk: k-anonymity, l-diversity, t-closeness, generalization search.

Pure analysis (pandas, numpy); no IPython or widgets.
"""

from .assess import RiskAssessment, RiskFigures, SearchResult, assess_risk
from .hierarchy import Hierarchy

__all__ = ["Hierarchy", "RiskAssessment", "RiskFigures", "SearchResult", "assess_risk"]
