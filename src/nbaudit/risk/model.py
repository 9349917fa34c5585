"""`PrivacyModel`: what a generalization must meet (k, l, t) and the suppression it may use."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .._checks import probability, whole_number


@dataclass(frozen=True)
class PrivacyModel:
    """k-anonymity, optional distinct l-diversity and t-closeness, and a suppression budget.

    Classes smaller than `k`, with fewer than `l` distinct values of a sensitive attribute,
    or farther than `t` from its overall distribution fail the model; their records are
    suppressed when they fit `max_suppression` (a share of all records).

    Build it with `PrivacyModel.checked` from user input: the checks run once, and every
    function below `RiskAssessment` takes the value as it is.
    """

    k: int = 1
    l: int | None = None
    t: float | None = None
    max_suppression: float = 0.0

    @classmethod
    def checked(cls, *, k: Any, l: Any = None, t: Any = None,
                max_suppression: Any = 0.0, n_records: int,
                has_sensitive: bool = True) -> PrivacyModel:
        """A model from user input, each argument checked with a message that says what to do.

        Parameters
        ----------
        k, l, t, max_suppression
            As the attributes; `k` at most `n_records`.
        n_records
            Records of the data (no k above it can be reached).
        has_sensitive
            Whether sensitive attributes were named (l and t need them).

        Raises
        ------
        TypeError, ValueError
            An argument is of the wrong type or out of range.
        """
        k = whole_number(k, "k", 1, "5")
        if k > n_records:
            raise ValueError(f"k={k} is larger than the number of records "
                             f"({n_records}): no generalization can reach it.")
        probability(max_suppression, "max_suppression (a share of records)", "0.04 for 4%")
        if l is not None:
            whole_number(l, "l", 1, "2")
        if t is not None:
            probability(t, "t", "0.2")
        if (l is not None or t is not None) and not has_sensitive:
            raise ValueError("l-diversity and t-closeness need sensitive attributes: "
                             "pass sensitive=[...] to assess_risk.")
        # The values as given (an l of 2.0 stays 2.0): the figures compare with them as is.
        return cls(k=k, l=l, t=t, max_suppression=max_suppression)

    @property
    def plain_k(self) -> bool:
        """Only k-anonymity: class sizes decide, no sensitive attribute is read."""
        return self.l is None and self.t is None

    def budget(self, n_records: int) -> int:
        """Records that may be suppressed out of `n_records`."""
        return math.floor(self.max_suppression * n_records + 1e-9)

    def criteria(self) -> dict[str, Any]:
        """The model as the search reports it: ``{"k", "l", "t", "max_suppression"}``."""
        return {"k": self.k, "l": self.l, "t": self.t, "max_suppression": self.max_suppression}


__all__ = ["PrivacyModel"]
