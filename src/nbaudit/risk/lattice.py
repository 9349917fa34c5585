"""The search of the generalization lattice: the cheapest transformation meeting a model.

Exhaustive when the lattice can be listed (`Encoding.exhaustive`): nodes are visited in
increasing order of information loss (known exactly without looking at the data for
``entropy`` and ``loss``), so the first anonymous node is the optimum. Monotonicity prunes
the rest: when a node fails, a climb finds a maximal failing node above it and every node
below that one is known to fail too.

Greedy otherwise: from the top node (anonymous, or nothing is), each attribute in turn, the
costliest first, is lowered as far as the model allows (binary search), until no attribute
can be lowered: a minimal anonymous node, not always the optimum.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .encoding import EXHAUSTIVE_NODES, ClassTable, Encoding
from .evaluation import METRICS, evaluate
from .model import PrivacyModel

Node = tuple[int, ...]
_RECENT_TABLES = 16  # class tables kept to roll coarser nodes up from


@dataclass(frozen=True)
class SearchOutcome:
    levels: Node | None
    evaluated: int
    lattice_size: int
    seconds: float
    complete: bool = True  # the lattice was searched to the end (levels is the optimum)
    stopped: str | None = None  # "nodes", "seconds" or "cancelled" when cut short
    strategy: str = "exhaustive"  # or "greedy" (lattice too large to list)


class _Stop(Exception):  # noqa: N818 - control flow inside search, never raised to callers
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def search(enc: Encoding, model: PrivacyModel, *, metric: str = "entropy",
           max_nodes: int | None = None, max_seconds: float | None = None,
           progress: Callable[[float, str], object] | None = None,
           cancel: Callable[[], bool] | None = None) -> SearchOutcome:
    """The transformation with minimal `metric` that satisfies `model` (see the module).

    The work is bounded: after `max_nodes` evaluations, `max_seconds`, or when `cancel()`
    returns true, the search stops and returns the best anonymous node seen so far
    (``complete=False``). `progress(fraction, message)` is called at most every 0.1 s.
    """
    if metric not in ("entropy", "loss"):
        raise ValueError(f"search metric must be 'entropy' or 'loss', not {metric!r}.")
    return _Search(enc, model, metric, max_nodes, max_seconds, progress, cancel).run()


class _Search:
    """One search: the nodes judged so far, the best anonymous one, the budgets."""

    def __init__(self, enc: Encoding, model: PrivacyModel, metric: str,
                 max_nodes: int | None, max_seconds: float | None,
                 progress: Callable[[float, str], object] | None,
                 cancel: Callable[[], bool] | None) -> None:
        self.start = time.perf_counter()
        self.enc, self.model = enc, model
        self.max_nodes, self.max_seconds = max_nodes, max_seconds
        self.progress, self.cancel = progress, cancel
        self.costs = [a.entropy if metric == "entropy" else a.loss for a in enc.attributes]
        self.size = enc.lattice_size()
        self.exhaustive = enc.exhaustive()
        self.budget = model.budget(enc.n)
        self.base = enc.base_table()
        self.recent: list[ClassTable] = []
        self.cache: dict[Node, bool] = {}
        self.best: Node | None = None  # the cheapest anonymous node seen
        self.best_cost = math.inf
        self.reported = 0.0  # when progress was last reported
        self.fraction: Callable[[], float] = lambda: 0.0  # share of the lattice resolved

    def run(self) -> SearchOutcome:
        self.report(force=True)
        try:
            # The top node first: if it fails, every node fails (monotonicity), and if it
            # holds, the search always has an anonymous node to fall back on.
            if not self.ok(self.enc.max_levels):
                return self.outcome(None, True, None)
            if self.exhaustive:
                return self.outcome(self.cheapest(), True, None)
            return self.outcome(self.greedy(), False, None)
        except _Stop as stop:
            return self.outcome(self.best, False, stop.reason)

    def outcome(self, levels: Node | None, complete: bool, stopped: str | None,
                ) -> SearchOutcome:
        if self.progress is not None:
            self.progress(1.0, f"{len(self.cache):,} of {self.size:,} generalizations "
                          "evaluated")
        return SearchOutcome(levels=levels, evaluated=len(self.cache), lattice_size=self.size,
                             seconds=time.perf_counter() - self.start, complete=complete,
                             stopped=stopped,
                             strategy="exhaustive" if self.exhaustive else "greedy")

    def cost_of(self, node: Sequence[int]) -> float:
        total = 0.0
        for values, level in zip(self.costs, node, strict=True):
            total += float(values[level])
        return total

    def table_for(self, node: Node) -> ClassTable:
        """The classes of `node`, rolled up from the smallest finer table kept."""
        finer = [c for c in self.recent if all(a <= b for a, b in zip(c.levels, node,
                                                                      strict=True))]
        source = min(finer, key=lambda c: len(c.sizes)) if finer else self.base
        result = self.enc.rollup(source, node)
        self.recent.append(result)
        if len(self.recent) > _RECENT_TABLES:
            self.recent.pop(0)
        return result

    def report(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self.progress is None or not (force or now - self.reported > 0.1):
            return
        self.reported = now
        parts = [self.fraction()]
        if self.max_nodes:
            parts.append(len(self.cache) / self.max_nodes)
        if self.max_seconds:
            parts.append((now - self.start) / self.max_seconds)
        self.progress(min(1.0, max(parts)), f"{len(self.cache):,} of {self.size:,} "
                      f"generalizations evaluated in {now - self.start:.1f} s")

    def check_budgets(self) -> None:
        if self.cancel is not None and self.cancel():
            raise _Stop("cancelled")
        if self.max_nodes is not None and len(self.cache) >= self.max_nodes:
            raise _Stop("nodes")
        if self.max_seconds is not None and \
                time.perf_counter() - self.start >= self.max_seconds:
            raise _Stop("seconds")

    def ok(self, node: Node) -> bool:
        """Whether `node` meets the model (each node judged once)."""
        if node not in self.cache:
            self.check_budgets()
            if self.model.plain_k:
                self.cache[node] = self.table_for(node).below_k(self.model.k) <= self.budget
            else:
                self.cache[node] = evaluate(self.enc, node, self.model, metrics=()).anonymous
            if self.cache[node]:
                c = self.cost_of(node)
                if c < self.best_cost:
                    self.best, self.best_cost = node, c
            self.report()
        return self.cache[node]

    # -- exhaustive: every node in cost order, pruned ------------------------------------
    def cheapest(self) -> Node | None:
        """The cheapest anonymous node, visiting the whole lattice in cost order."""
        nodes, cost = self.nodes_by_cost()
        n_nodes = len(nodes)
        bad = np.zeros(n_nodes, dtype=bool)  # known to fail, in visiting order
        # Costs grow with levels (nested hierarchies): a node below a failing one costs no
        # more than it, so only the nodes up to its cost need marking.
        monotone = all(bool(np.all(np.diff(values) >= 0)) for values in self.costs)
        pos = 0
        self.fraction = lambda: (pos + int(bad[pos:].sum())) / n_nodes
        pos = _next_open(bad, 0)
        while pos < n_nodes:
            node = tuple(int(x) for x in nodes[pos])
            if self.ok(node):
                return node
            top = self.climb(node)
            end = n_nodes
            if monotone:
                limit = self.cost_of(top)
                end = int(np.searchsorted(cost, limit + 1e-9 * max(1.0, abs(limit)), "right"))
            if end > pos:  # column by column: contiguous compares, no 2-D temporary
                below = nodes[pos:end, 0] <= top[0]
                for i in range(1, self.enc.q):
                    below &= nodes[pos:end, i] <= top[i]
                bad[pos:end] |= below
            pos = _next_open(bad, pos + 1)
        return None

    def nodes_by_cost(self) -> tuple[np.ndarray, np.ndarray]:
        """Every node (one row each) in increasing cost, ties by fewer levels, and the
        costs."""
        shape = tuple(m + 1 for m in self.enc.max_levels)
        nodes = np.indices(shape, dtype=np.int16).reshape(self.enc.q, -1).T  # product
        cost = np.zeros(len(nodes))
        for i, values in enumerate(self.costs):
            cost += values[nodes[:, i]]
        order = np.lexsort((nodes.sum(axis=1), cost))
        return np.asfortranarray(nodes[order]), cost[order]

    def climb(self, node: Node) -> list[int]:
        """A maximal failing node above the failing `node`.

        Climbs the cheapest attributes first: the failing node found then covers the most
        nodes that the cost order would visit next.
        """
        top = list(node)
        max_levels = self.enc.max_levels
        for i in sorted(range(self.enc.q), key=lambda j: self.costs[j][-1]
                        - self.costs[j][top[j]]):
            lo, hi = top[i], max_levels[i]  # top[i]=lo fails; find the last failing
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if self.ok(tuple(top[:i] + [mid] + top[i + 1:])):
                    hi = mid - 1
                else:
                    lo = mid
            top[i] = lo
        return top

    # -- greedy: lattices too large to list ----------------------------------------------
    def greedy(self) -> Node:
        """A minimal anonymous node below the top: lower one attribute at a time."""
        current = list(self.enc.max_levels)  # run() checked that the top is anonymous
        improved = True
        while improved:
            improved = False
            for i in sorted(range(self.enc.q), key=lambda j: self.costs[j][0]
                            - self.costs[j][current[j]]):
                lo, hi = 0, current[i]  # hi holds; find the lowest level that holds
                while lo < hi:
                    mid = (lo + hi) // 2
                    if self.ok(tuple(current[:i] + [mid] + current[i + 1:])):
                        hi = mid
                    else:
                        lo = mid + 1
                if hi < current[i]:
                    current[i] = hi
                    improved = True
        return tuple(current)


def _next_open(bad: np.ndarray, p: int) -> int:
    """The first position from `p` not known to fail (len(bad) if none)."""
    n_nodes = len(bad)
    while p < n_nodes:
        free = np.flatnonzero(~bad[p:p + 8192])
        if len(free):
            return p + int(free[0])
        p += 8192
    return n_nodes


__all__ = ["EXHAUSTIVE_NODES", "METRICS", "SearchOutcome", "search"]
