"""Re-identification risk: k-anonymity, l-diversity, t-closeness, generalization search.

Pure analysis (pandas, numpy); no IPython or widgets. From the bottom up: `codes` (integer
codes combined into class keys), `hierarchy`, `encoding` (a frame as codes), `model`
(`PrivacyModel`: k, l, t, suppression), `evaluation` (the figures of one generalization),
`lattice` (the search), `figures` (the results), `anonymized` (apply, riskiest, code),
`charts` (plotly), and `assess` (`assess_risk` and the `RiskAssessment` facade).
"""

from .assess import RiskAssessment, RiskFigures, SearchResult, assess_risk
from .hierarchy import Hierarchy
from .model import PrivacyModel

__all__ = ["Hierarchy", "PrivacyModel", "RiskAssessment", "RiskFigures", "SearchResult",
           "assess_risk"]
