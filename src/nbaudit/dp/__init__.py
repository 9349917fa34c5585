"""Differential privacy: preview what a budget costs, release only noisy aggregates.

>>> from nbaudit import dp
>>> session = dp.Session(df, epsilon_total=2.0, delta=1e-6, unit="user_id", contributions=3)
>>> q = session.query(by=["age_band"], count=True, sums={"spend": (0, 500)})
>>> q.preview(epsilon=0.5)   # doctest: +SKIP  (spends nothing)
>>> q.release(epsilon=0.5)   # doctest: +SKIP  (spends 0.5)

OpenDP draws the noise and certifies each mechanism's scale; nbaudit bounds contributions,
clamps and aggregates (see `nbaudit.dp._session` for the exact rules).
"""

from ._session import (
    ALPHA,
    MAX_PRIVATE_GROUPS,
    MAX_PUBLIC_GROUPS,
    BudgetError,
    DPInputError,
    LedgerEntry,
    Measurement,
    Query,
    QueryPlan,
    Release,
    Session,
    opendp_version,
)

__all__ = ["ALPHA", "MAX_PRIVATE_GROUPS", "MAX_PUBLIC_GROUPS", "BudgetError", "DPInputError",
           "LedgerEntry", "Measurement", "Query", "QueryPlan", "Release", "Session",
           "opendp_version"]
