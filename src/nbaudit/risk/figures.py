"""The results of the risk core: the figures of one generalization and of a search.

They hold figures, level descriptions and column names only, never a value of the data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .evaluation import Evaluation

#: The one information-loss figure shown everywhere (widget, reports, charts): ARX's
#: non-uniform entropy as a share of its maximum (0 = data as is, 1 = every value ``*``).
INFO_LOSS_LABEL = "information loss (non-uniform entropy)"
SIZE_BINS = [(1, 1), (2, 2), (3, 4), (5, 9), (10, 19), (20, 49), (50, 99), (100, None)]


@dataclass(frozen=True)
class RiskFigures:
    """Risk and utility of the data under one generalization (levels) and suppression.

    Attributes
    ----------
    levels
        Generalization level per quasi-identifier (0 = original values).
    k
        Size of the smallest equivalence class (after suppression).
    n_classes
        Number of equivalence classes (after suppression).
    sample_uniques
        Records alone in their class.
    records_below_k
        Records in classes smaller than the target k (before suppression).
    suppressed
        Records removed by suppression.
    average_risk, highest_risk
        Prosecutor risk: the mean and the maximum over records of 1 / class size.
    journalist_risk, marketer_risk
        With a population size: the highest risk against the population (estimated
        class sizes F = f / sampling fraction) and the expected share of records an attacker
        re-identifies by matching everyone; without one, as for the prosecutor.
    l_diversity, entropy_l_diversity, t_closeness
        Per sensitive attribute: the smallest number of distinct values in a class, the
        smallest exp(entropy) of a class, and the largest distance of a class's distribution
        from the whole table's (ordered for numbers, equal distance for categories).
    info_loss
        ``entropy`` (ARX's precomputed non-uniform entropy) and ``entropy_share`` (the same
        as a share of its maximum, every value ``*``), ``loss`` (0-1), ``dm``, ``dm_star``,
        ``aecs``.
    """

    levels: dict[str, int]
    k: int
    n_classes: int
    sample_uniques: int
    records_below_k: int
    suppressed: int
    average_risk: float
    highest_risk: float
    journalist_risk: float
    marketer_risk: float
    l_diversity: dict[str, int]
    entropy_l_diversity: dict[str, float]
    t_closeness: dict[str, float]
    info_loss: dict[str, float]
    class_sizes: list[dict[str, Any]]
    n_records: int
    target_k: int
    satisfied: bool = True

    @property
    def information_loss(self) -> float:
        """Information loss (non-uniform entropy): ARX's non-uniform entropy of the
        generalization as a share of its maximum (every value ``*``), 0 to 1. The one
        information-loss figure the widget, the reports and the charts show
        (`INFO_LOSS_LABEL`); the other metrics stay in `info_loss`."""
        return float(self.info_loss.get("entropy_share", 0.0))

    def __repr__(self) -> str:
        met = "met" if self.satisfied else "not met"
        levels = ", ".join(f"{q}={v}" for q, v in self.levels.items())
        return (f"RiskFigures(k={self.k} (target {self.target_k}: {met}), "
                f"{self.n_classes:,} classes, {self.sample_uniques:,} unique, "
                f"{self.suppressed:,} of {self.n_records:,} suppressed, highest risk "
                f"{self.highest_risk:.1%}, average {self.average_risk:.1%}, information loss "
                f"{self.information_loss:.1%}; levels {levels or 'none'})")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (figures only, no data values)."""
        out = {k: v for k, v in self.__dict__.items()}
        out["information_loss"] = self.information_loss
        return json.loads(json.dumps(out, default=float))


@dataclass(frozen=True)
class SearchResult:
    """The best generalization found by `RiskAssessment.search`.

    Attributes
    ----------
    levels
        Chosen level per quasi-identifier, or None when no generalization satisfies the model.
    info_loss
        The optimized metric's value.
    figures
        Risk after generalization and suppression (`RiskFigures`).
    nodes_evaluated, lattice_size, seconds
        What the search cost.
    complete
        True when the whole lattice was searched: `levels` is then the optimum (or None:
        nothing satisfies the model). False when the search was cut short or ran greedily:
        `levels` is the best generalization found, not proven optimal.
    stopped
        Why the search was cut short: ``"nodes"`` (the node budget), ``"seconds"`` (the
        time budget) or ``"cancelled"``; None when it ran to its end.
    strategy
        ``"exhaustive"`` (every node in cost order, pruned) or ``"greedy"`` (a lattice too
        large to list: each attribute lowered in turn from the top).
    wall_seconds
        The time the caller waited: the whole of `search` (checks, the lattice, the figures
        of the result), not only the lattice (`seconds`). The widget counts from the click.
    descriptions
        The chosen level of each quasi-identifier in words (``{"age": "10-year
        intervals"}``); empty when nothing was found.
    """

    levels: dict[str, int] | None
    info_loss: float | None
    metric: str
    figures: RiskFigures | None
    nodes_evaluated: int
    lattice_size: int
    seconds: float
    criteria: dict[str, Any] = field(default_factory=dict)
    complete: bool = True
    stopped: str | None = None
    strategy: str = "exhaustive"
    wall_seconds: float = 0.0
    descriptions: dict[str, str] = field(default_factory=dict)

    @property
    def information_loss(self) -> float | None:
        """`RiskFigures.information_loss` of the result (None when nothing was found)."""
        return self.figures.information_loss if self.figures is not None else None

    def __repr__(self) -> str:
        how = (f"{self.strategy}, {'complete' if self.complete else 'cut short'}"
               f"{f' ({self.stopped})' if self.stopped else ''}, "
               f"{self.nodes_evaluated:,} of {self.lattice_size:,} generalizations, "
               f"{self.wall_seconds or self.seconds:.2f} s")
        wanted = ", ".join(f"{k}={v}" for k, v in self.criteria.items() if v is not None)
        if self.levels is None or self.figures is None:
            return f"SearchResult(nothing satisfies {wanted or 'the model'}; {how})"
        f = self.figures
        chosen = ", ".join(f"{q} {self.descriptions.get(q, f'level {v}')}"
                           for q, v in self.levels.items())
        return (f"SearchResult(k={f.k} for {wanted}: {chosen}; information loss "
                f"{f.information_loss:.1%}, {f.suppressed:,} suppressed; {how})")

    @property
    def note(self) -> str:
        """One sentence on how far the search went ("" when it found the optimum)."""
        if self.complete:
            return ""
        why = {"nodes": f"after {self.nodes_evaluated:,} generalizations (the node budget)",
               "seconds": f"after {self.seconds:.1f} s (the time budget)",
               "cancelled": "when it was cancelled"}.get(self.stopped or "", "")
        found = ("the best generalization found so far is shown, not proven optimal"
                 if self.levels is not None else "no generalization meeting the model had "
                 "been found yet")
        if why:
            return f"The search stopped {why}: {found}."
        return (f"The lattice has {self.lattice_size:,} generalizations, too many to search "
                "them all: a greedy search lowered one attribute at a time, so the result "
                "meets the model but may not be optimal.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "levels": self.levels,
            "info_loss": self.info_loss,
            "metric": self.metric,
            "figures": self.figures.to_dict() if self.figures else None,
            "nodes_evaluated": self.nodes_evaluated,
            "lattice_size": self.lattice_size,
            "seconds": round(self.seconds, 4),
            "wall_seconds": round(self.wall_seconds, 4),
            "information_loss": self.information_loss,
            "descriptions": dict(self.descriptions),
            "criteria": self.criteria,
            "complete": self.complete,
            "stopped": self.stopped,
            "strategy": self.strategy,
            "note": self.note,
        }


def tradeoff_point(f: RiskFigures, source: str, words: Mapping[str, str]) -> dict[str, Any]:
    """One point of the trade-off chart (JSON-safe; no data values)."""
    return {"levels": dict(f.levels), "describe": dict(words), "loss": f.information_loss,
            "k": int(f.k), "suppressed": int(f.suppressed), "satisfied": bool(f.satisfied),
            "target_k": int(f.target_k), "source": source}


def figures_of(ev: Evaluation, quasi_identifiers: list[str], *, n_records: int,
               population_size: int | None, target_k: int) -> RiskFigures:
    """The figures of an evaluation, as results carry them.

    Prosecutor risk from the class sizes after suppression; journalist and marketer risk
    from the class sizes estimated in the population (``F = f / fraction``, the sampling
    fraction being the kept records over `population_size`; 1 without a population).
    """
    kept = ev.kept_sizes
    kept_n = int(kept.sum())
    n_classes = len(kept)
    fraction = min(1.0, kept_n / population_size) if population_size else 1.0
    population_sizes = kept / fraction if kept_n else kept
    return RiskFigures(
        levels=dict(zip(quasi_identifiers, ev.levels, strict=True)),
        k=int(kept.min()) if n_classes else 0,
        n_classes=n_classes,
        sample_uniques=int((kept == 1).sum()),
        records_below_k=int(ev.sizes[ev.sizes < target_k].sum()),
        suppressed=ev.suppressed,
        average_risk=n_classes / kept_n if kept_n else 0.0,
        highest_risk=1.0 / int(kept.min()) if n_classes else 0.0,
        journalist_risk=float(1.0 / population_sizes.min()) if n_classes else 0.0,
        marketer_risk=float((kept / population_sizes).sum() / kept_n) if kept_n else 0.0,
        l_diversity=dict(ev.l_distinct),
        entropy_l_diversity=dict(ev.l_entropy),
        t_closeness=dict(ev.t_closeness),
        info_loss=dict(ev.info_loss),
        class_sizes=size_histogram(kept),
        n_records=n_records,
        target_k=target_k,
        satisfied=ev.anonymous and (int(kept.min()) >= target_k if n_classes else True),
    )


def size_histogram(sizes: np.ndarray) -> list[dict[str, Any]]:
    """Classes and records per class-size bin (`SIZE_BINS`)."""
    histogram = []
    for lo, hi in SIZE_BINS:
        mask = (sizes >= lo) & ((sizes <= hi) if hi is not None else True)
        label = f"{lo}" if lo == hi else (f"{lo}-{hi}" if hi else f"{lo}+")
        histogram.append({"size": label, "classes": int(mask.sum()),
                          "records": int(sizes[mask].sum())})
    return histogram


class Explored:
    """The generalizations evaluated so far, as points of the trade-off chart (the newest
    `limit`; a search's point is never replaced by the same generalization explored)."""

    def __init__(self, limit: int = 400) -> None:
        self.limit = limit
        self._points: dict[tuple[Any, ...], dict[str, Any]] = {}

    def remember(self, f: RiskFigures, source: str, max_suppression: float,
                 words: Callable[[], Mapping[str, str]]) -> None:
        """Add `f` (`words()` describes its levels, asked only when the point is kept)."""
        key = (tuple(f.levels.values()), f.target_k, max_suppression)
        old = self._points.get(key)
        if old is not None and (old["source"] == "search" or source != "search"):
            return
        self._points.pop(key, None)
        self._points[key] = tradeoff_point(f, source, words())
        while len(self._points) > self.limit:
            self._points.pop(next(iter(self._points)))

    def points(self) -> list[dict[str, Any]]:
        return [dict(p) for p in self._points.values()]


__all__ = ["INFO_LOSS_LABEL", "SIZE_BINS", "Explored", "RiskFigures", "SearchResult",
           "figures_of", "size_histogram", "tradeoff_point"]
