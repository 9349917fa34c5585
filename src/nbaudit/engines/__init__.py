"""The engine layer: pandas, Polars, PyArrow, DuckDB and Spark tables behind one interface.

The core entry points hand a non-pandas input to `Table` and ask it for aggregates computed
by the engine (frequency tables, null counts, regex counts, value counts) and for bounded
extracts (head, sample); the whole table is collected only through `Table.to_pandas`, which
refuses above a row limit. This layer imports only `nbaudit._text` and the engines
themselves (lazily: importing it imports no engine).

Missing values are counted as pandas counts them: NaN in a float column is missing, like
null, and the two form one class (see `nbaudit.engines._table`).
"""

from __future__ import annotations

from ._detect import KINDS, Kind, kind
from ._regex import Dialect, relax_pattern, translate
from ._table import RegexCounts, Table, TableTooLarge, UnsupportedPattern

__all__ = [
    "KINDS",
    "Dialect",
    "Kind",
    "RegexCounts",
    "Table",
    "TableTooLarge",
    "UnsupportedPattern",
    "kind",
    "relax_pattern",
    "translate",
]
