"""PII detection: pure analysis (pandas, pyarrow, Presidio), no IPython or widgets."""

from .entities import ENTITIES, Entity
from .masking import mask_value
from .scan import ColumnReport, PiiScan, scan_pii
from .text import find_in_text

__all__ = ["ENTITIES", "ColumnReport", "Entity", "PiiScan", "find_in_text", "mask_value",
           "scan_pii"]
