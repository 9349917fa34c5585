"""Integer-coded quasi-identifiers, the evaluation of one generalization, and the search.

Representation (the speed comes from it): each quasi-identifier is factorized once into
integer codes; each generalization level is a code -> code map; the frame is reduced once to
its distinct (quasi-identifier, sensitive) combinations with their counts. Evaluating a
transformation is then a few gathers over those combinations, one combined integer key and
one `bincount`: never a copy of the frame per level.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..reports import quote_name
from .hierarchy import Hierarchy, value_key, value_keys

METRICS = ("entropy", "loss", "dm", "dm_star", "aecs")

_KEY_LIMIT = 1 << 62  # combined keys stay below this: int64 never wraps
# The exhaustive search lists every node of the lattice (levels, cost, order): above this many
# nodes (or node x attribute cells) it would take too much memory, and a greedy search runs.
EXHAUSTIVE_NODES = 2_000_000
_EXHAUSTIVE_CELLS = 24_000_000


def combine_codes(columns: Sequence[np.ndarray], cardinalities: Sequence[int],
                  ) -> tuple[np.ndarray, int]:
    """Dense group ids of the rows of several integer code columns: the one way codes are
    combined into class keys.

    Column ``i`` holds codes in ``[0, cardinalities[i])``. The codes are folded into one int64
    key, ``key = key + code * radix``; whenever the product of the cardinalities would pass
    2**62, the partial key is first re-factorized into dense ids (never more than the number
    of rows), so the key cannot overflow whatever the number of columns or their
    cardinalities.

    Parameters
    ----------
    columns
        Integer arrays of one length.
    cardinalities
        An upper bound of each column's codes (exclusive).

    Returns
    -------
    ids, n_groups
        ``ids[r]`` in ``[0, n_groups)``: rows with equal codes in every column share an id.
    """
    n = len(columns[0]) if len(columns) else 0
    key = np.zeros(n, dtype=np.int64)
    radix = 1
    for col, card in zip(columns, cardinalities, strict=True):
        card = max(int(card), 1)
        if radix > _KEY_LIMIT // card:
            key, radix = _dense(key, radix)
        if radix == 1:
            key = np.asarray(col, dtype=np.int64).copy()
        else:
            key += np.asarray(col, dtype=np.int64) * radix
        radix *= card
    return _dense(key, radix)


def _dense(key: np.ndarray, radix: int) -> tuple[np.ndarray, int]:
    """Dense ids (0..n-1) of int64 keys in ``[0, radix)``, and their number."""
    n = len(key)
    if n == 0:
        return key.astype(np.int64), 0
    if radix <= max(1 << 20, 2 * n):  # few possible keys: mark the present ones directly
        present = np.zeros(radix, dtype=bool)
        present[key] = True
        lookup = np.cumsum(present, dtype=np.int64) - 1
        return lookup[key], int(lookup[-1]) + 1
    ids, uniques = pd.factorize(key)
    return ids.astype(np.int64), len(uniques)


@dataclass
class Attribute:
    """One quasi-identifier: codes of its values and a code map per hierarchy level."""

    name: str
    hierarchy: Hierarchy
    labels: list[np.ndarray]  # labels[L][code at level L] -> text
    maps: list[np.ndarray]  # maps[L][original code] -> code at level L
    counts: np.ndarray  # records per original code
    entropy: np.ndarray  # ARX's precomputed non-uniform entropy loss per level
    loss: np.ndarray  # Iyengar's loss metric per level, averaged over records (0..1)
    _up: dict[tuple[int, int], np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def max_level(self) -> int:
        return len(self.maps) - 1

    def up(self, source: int, target: int) -> np.ndarray:
        """Map from codes at level `source` to codes at level `target` (target >= source)."""
        key = (source, target)
        if key not in self._up:
            table = np.zeros(self.cardinality(source), dtype=np.int64)
            table[self.maps[source]] = self.maps[target]
            self._up[key] = table
        return self._up[key]

    def cardinality(self, level: int) -> int:
        return len(self.labels[level])


@dataclass
class Evaluation:
    """The figures of one transformation (levels per quasi-identifier) and suppression."""

    levels: tuple[int, ...]
    sizes: np.ndarray  # class sizes (all classes, before suppression)
    kept_sizes: np.ndarray  # class sizes after suppression
    suppressed: int  # records suppressed (in classes failing the privacy model)
    anonymous: bool  # the privacy model holds within the suppression budget
    k: int  # smallest class after suppression
    l_distinct: dict[str, int] = field(default_factory=dict)
    l_entropy: dict[str, float] = field(default_factory=dict)
    t_closeness: dict[str, float] = field(default_factory=dict)
    info_loss: dict[str, float] = field(default_factory=dict)


class Encoding:
    """A frame's quasi-identifiers (and sensitive attributes), encoded for fast evaluation."""

    def __init__(self, frame: pd.DataFrame, qis: list[str], hierarchies: dict[str, Hierarchy],
                 sensitive: list[str]) -> None:
        self.qis = list(qis)
        self.sensitive = list(sensitive)
        self.n = len(frame)
        self.attributes: list[Attribute] = []
        row_codes = []
        for name in qis:
            codes, attr = _encode_attribute(frame[name], name, hierarchies[name])
            row_codes.append(codes)
            self.attributes.append(attr)
        self.sensitive_labels: dict[str, np.ndarray] = {}
        self.sensitive_numeric: dict[str, bool] = {}
        for name in sensitive:
            series = frame[name]
            numeric = pd.api.types.is_numeric_dtype(series.dtype) and not \
                pd.api.types.is_bool_dtype(series.dtype)
            codes, uniques = pd.factorize(series, sort=numeric, use_na_sentinel=True)
            labels = value_keys(uniques)
            codes = np.where(codes < 0, len(labels), codes).astype(np.int64)
            if (codes == len(labels)).any():
                labels.append("(missing)")
            self.sensitive_labels[name] = np.array(labels, dtype=object)
            self.sensitive_numeric[name] = numeric
            row_codes.append(codes)
        # Distinct combinations and their counts: every evaluation runs on these.
        matrix = np.column_stack(row_codes) if row_codes else np.zeros((self.n, 0), np.int64)
        self.base, self.row_to_base, self.weights = _distinct_rows(matrix)
        self.base = np.asfortranarray(self.base)  # columns contiguous: every gather reads one
        self.q = len(qis)
        self.max_levels = tuple(a.max_level for a in self.attributes)
        self._last_classes: tuple[tuple[int, ...], np.ndarray, np.ndarray] | None = None
        self._overall = {
            name: np.bincount(self.base[:, self.q + i], weights=self.weights,
                              minlength=len(self.sensitive_labels[name])) / self.n
            for i, name in enumerate(sensitive)
        }

    # -- evaluating one transformation -----------------------------------------------------
    def class_keys(self, levels: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Class id of every distinct combination, and the class sizes.

        The last answer is kept: the explorer asks for the same levels' classes several times
        per update (figures, riskiest combinations).
        """
        levels = tuple(int(v) for v in levels)
        last = self._last_classes  # read once: a search thread may replace it meanwhile
        if last is not None and last[0] == levels:
            return last[1], last[2]
        ids, sizes = self._class_keys(levels)
        self._last_classes = (levels, ids, sizes)
        return ids, sizes

    def _class_keys(self, levels: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        columns = [attr.maps[level][self.base[:, i]]
                   for i, (attr, level) in enumerate(zip(self.attributes, levels, strict=True))]
        ids, n_classes = combine_codes(
            columns, [a.cardinality(lv) for a, lv in zip(self.attributes, levels, strict=True)])
        sizes = np.bincount(ids, weights=self.weights, minlength=n_classes)
        return ids, sizes.astype(np.int64)

    def base_table(self) -> ClassTable:
        """The distinct combinations as a class table at level 0 everywhere."""
        columns = tuple(np.ascontiguousarray(self.base[:, i]) for i in range(self.q))
        return ClassTable((0,) * self.q, columns, self.weights)

    def rollup(self, table: ClassTable, levels: tuple[int, ...]) -> ClassTable:
        """The classes of `levels` from those of a finer transformation (`table.levels` <=
        `levels`): each class merges whole into one coarser class, so only the (usually
        few) classes are grouped again, not the records."""
        columns = []
        for i, (attr, source, target) in enumerate(zip(self.attributes, table.levels, levels,
                                                       strict=True)):
            col = table.codes[i] if source == target else attr.up(source, target)[
                table.codes[i]]
            columns.append(col)
        ids, n_classes = combine_codes(
            columns, [a.cardinality(lv) for a, lv in zip(self.attributes, levels, strict=True)])
        first = np.zeros(n_classes, dtype=np.int64)
        first[ids[::-1]] = np.arange(len(ids))[::-1]
        codes = tuple(col[first] for col in columns)
        return ClassTable(tuple(levels), codes, np.bincount(ids, weights=table.sizes))

    def suppressed_below_k(self, levels: tuple[int, ...], k: int) -> int:
        """Records in classes smaller than k (the k-anonymity check, nothing else)."""
        _, sizes = self._class_keys(tuple(int(v) for v in levels))
        return int(sizes[sizes < k].sum())

    def evaluate(self, levels: tuple[int, ...], *, k: int = 1, l: int | None = None,
                 t: float | None = None, max_suppression: float = 0.0,
                 metrics: tuple[str, ...] = METRICS, closeness: bool = True) -> Evaluation:
        """Figures of one transformation; classes failing k (and l, t) are suppressed if the
        records in them fit the budget (a share of all records)."""
        ids, sizes = self.class_keys(levels)
        failing = sizes < k
        l_distinct, l_entropy, t_close = {}, {}, {}
        for i, name in enumerate(self.sensitive):
            distinct, entropy, distance = self._sensitive_stats(
                ids, len(sizes), self.q + i, name, closeness=closeness or t is not None)
            if l is not None:
                failing |= distinct < l
            if t is not None:
                failing |= distance > t
            l_distinct[name], l_entropy[name], t_close[name] = distinct, entropy, distance
        suppressed = int(sizes[failing].sum())
        budget = math.floor(max_suppression * self.n + 1e-9)
        anonymous = suppressed <= budget
        kept = ~failing if anonymous else np.ones(len(sizes), dtype=bool)
        kept_sizes = sizes[kept]
        ev = Evaluation(
            levels=tuple(levels), sizes=sizes, kept_sizes=kept_sizes,
            suppressed=suppressed if anonymous else 0,
            anonymous=anonymous, k=int(kept_sizes.min()) if len(kept_sizes) else 0,
        )
        for name in self.sensitive:
            ev.l_distinct[name] = int(l_distinct[name][kept].min()) if kept.any() else 0
            ev.l_entropy[name] = float(l_entropy[name][kept].min()) if kept.any() else 0.0
            if closeness or t is not None:
                ev.t_closeness[name] = float(t_close[name][kept].max()) if kept.any() else 0.0
        ev.info_loss = self.info_loss(levels, sizes, k, failing if anonymous else None, metrics)
        return ev

    def _sensitive_stats(self, ids: np.ndarray, n_classes: int, column: int, name: str,
                         closeness: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n_values = len(self.sensitive_labels[name])
        values = self.base[:, column]
        pair_ids, n_pairs = combine_codes([values, ids], [n_values, n_classes])
        pair_counts = np.bincount(pair_ids, weights=self.weights, minlength=n_pairs)
        first = np.zeros(n_pairs, dtype=np.int64)
        first[pair_ids[::-1]] = np.arange(len(pair_ids))[::-1]
        pair_class = ids[first]
        pair_value = values[first]
        distinct = np.bincount(pair_class, minlength=n_classes)
        class_sizes = np.bincount(pair_class, weights=pair_counts, minlength=n_classes)
        p = pair_counts / class_sizes[pair_class]
        entropy = np.exp(np.bincount(pair_class, weights=-p * np.log(p), minlength=n_classes))
        # t-closeness: distance of each class's distribution from the whole table's.
        overall = self._overall[name]
        if not closeness:
            distance = np.full(n_classes, np.nan)
        elif self.sensitive_numeric[name] and n_values > 1:  # ordered distance: dense cumsums
            distance = np.empty(n_classes)
            step = max(1, 4_000_000 // n_values)  # bounded memory on millions of classes
            for lo in range(0, n_classes, step):
                hi = min(n_classes, lo + step)
                sel = (pair_class >= lo) & (pair_class < hi)
                dist = np.zeros((hi - lo, n_values))
                dist[pair_class[sel] - lo, pair_value[sel]] = p[sel]
                diff = dist - overall[None, :]
                distance[lo:hi] = np.abs(np.cumsum(diff, axis=1)).sum(axis=1) / (n_values - 1)
        else:  # equal distance: half the L1 distance, from the pairs present only
            q = overall[pair_value]
            distance = 0.5 * (1.0 + np.bincount(pair_class, weights=np.abs(p - q) - q,
                                                minlength=n_classes))
        return distinct, entropy, distance

    def info_loss(self, levels: tuple[int, ...], sizes: np.ndarray, k: int,
                  suppressed_classes: np.ndarray | None,
                  metrics: tuple[str, ...] = METRICS) -> dict[str, float]:
        """Information-loss metrics of a transformation.

        ``entropy``: ARX's precomputed non-uniform entropy (sum over attributes).
        ``loss``: Iyengar's loss metric, 0 (nothing lost) to 1 (all ``*``), suppressed
        records counting as fully lost. ``dm``, ``dm_star``, ``aecs``: discernibility (with
        records in classes below k suppressed at cost n each), its variant over all classes,
        and the average equivalence-class size, as ARX defines them.
        """
        out: dict[str, float] = {}
        small = sizes < k
        n_suppressed = int(sizes[small].sum())
        if "entropy" in metrics:
            out["entropy"] = float(sum(a.entropy[lv] for a, lv in zip(self.attributes, levels,
                                                                         strict=True)))
            top = float(sum(a.entropy[-1] for a in self.attributes))
            out["entropy_share"] = out["entropy"] / top if top else 0.0
        if "loss" in metrics:
            base = float(np.mean([a.loss[lv] for a, lv in zip(self.attributes, levels,
                                                               strict=True)])) if self.q else 0.0
            gone = int(sizes[suppressed_classes].sum()) if suppressed_classes is not None else 0
            out["loss"] = base + (1.0 - base) * gone / self.n
        if "dm" in metrics:
            big = sizes[~small].astype(float)
            out["dm"] = float((big**2).sum() + n_suppressed * self.n)
        if "dm_star" in metrics:
            out["dm_star"] = float((sizes.astype(float) ** 2).sum())
        if "aecs" in metrics:
            n_big = int((~small).sum()) + (1 if n_suppressed else 0)
            out["aecs"] = self.n / n_big if n_big else float(self.n)
        return out

    # -- the search ----------------------------------------------------------------------
    def lattice_size(self) -> int:
        """Number of transformations (nodes): the product of the hierarchies' heights + 1."""
        return math.prod(m + 1 for m in self.max_levels)

    def exhaustive(self) -> bool:
        """Whether the search can list every node (else it runs greedily)."""
        size = self.lattice_size()
        return size <= EXHAUSTIVE_NODES and size * max(self.q, 1) <= _EXHAUSTIVE_CELLS

    def search(self, *, k: int, l: int | None = None, t: float | None = None,
               max_suppression: float = 0.0, metric: str = "entropy",
               max_nodes: int | None = None, max_seconds: float | None = None,
               progress: Callable[[float, str], object] | None = None,
               cancel: Callable[[], bool] | None = None) -> SearchOutcome:
        """The transformation with minimal `metric` that satisfies the privacy model.

        Exhaustive when the lattice can be listed (`exhaustive()`): nodes are visited in
        increasing order of information loss (known exactly without looking at the data for
        ``entropy`` and ``loss``), so the first anonymous node is the optimum. Monotonicity
        prunes the rest: when a node fails, a climb finds a maximal failing node above it
        and every node below that one is known to fail too.

        Greedy otherwise: from the top node (anonymous, or nothing is), each attribute in
        turn, the costliest first, is lowered as far as the model allows (binary search),
        until no attribute can be lowered: a minimal anonymous node, not always the optimum.

        The work is bounded: after `max_nodes` evaluations, `max_seconds`, or when
        `cancel()` returns true, the search stops and returns the best anonymous node seen
        so far (``complete=False``). `progress(fraction, message)` is called at most every
        0.1 s.
        """
        if metric not in ("entropy", "loss"):
            raise ValueError(f"search metric must be 'entropy' or 'loss', not {metric!r}.")
        start = time.perf_counter()
        table = [a.entropy if metric == "entropy" else a.loss for a in self.attributes]
        size = self.lattice_size()
        exhaustive = self.exhaustive()
        budget = math.floor(max_suppression * self.n + 1e-9)
        plain_k = l is None and t is None
        base = self.base_table()
        recent: list[ClassTable] = []  # a few class tables to roll coarser nodes up from
        cache: dict[tuple[int, ...], bool] = {}
        state = _SearchState()

        def cost_of(node: Sequence[int]) -> float:
            total = 0.0
            for values, level in zip(table, node, strict=True):
                total += float(values[level])
            return total

        def table_for(node: tuple[int, ...]) -> ClassTable:
            finer = [c for c in recent if all(a <= b for a, b in zip(c.levels, node,
                                                                     strict=True))]
            source = min(finer, key=lambda c: len(c.sizes)) if finer else base
            result = self.rollup(source, node)
            recent.append(result)
            if len(recent) > 16:
                recent.pop(0)
            return result

        def report(force: bool = False) -> None:
            now = time.perf_counter()
            if progress is None or not (force or now - state.reported > 0.1):
                return
            state.reported = now
            parts = [state.fraction()]
            if max_nodes:
                parts.append(len(cache) / max_nodes)
            if max_seconds:
                parts.append((now - start) / max_seconds)
            progress(min(1.0, max(parts)), f"{len(cache):,} of {size:,} generalizations "
                     f"evaluated in {now - start:.1f} s")

        def ok(node: tuple[int, ...]) -> bool:
            if node not in cache:
                if cancel is not None and cancel():
                    raise _Stop("cancelled")
                if max_nodes is not None and len(cache) >= max_nodes:
                    raise _Stop("nodes")
                if max_seconds is not None and time.perf_counter() - start >= max_seconds:
                    raise _Stop("seconds")
                if plain_k:
                    cache[node] = table_for(node).below_k(k) <= budget
                else:
                    ev = self.evaluate(node, k=k, l=l, t=t, max_suppression=max_suppression,
                                       metrics=())
                    cache[node] = ev.anonymous
                if cache[node]:
                    c = cost_of(node)
                    if c < state.best_cost:
                        state.best, state.best_cost = node, c
                report()
            return cache[node]

        def outcome(levels: tuple[int, ...] | None, complete: bool,
                    stopped: str | None) -> SearchOutcome:
            if progress is not None:
                progress(1.0, f"{len(cache):,} of {size:,} generalizations evaluated")
            return SearchOutcome(levels=levels, evaluated=len(cache), lattice_size=size,
                                 seconds=time.perf_counter() - start, complete=complete,
                                 stopped=stopped,
                                 strategy="exhaustive" if exhaustive else "greedy")

        report(force=True)
        try:
            # The top node first: if it fails, every node fails (monotonicity), and if it
            # holds, the search always has an anonymous node to fall back on.
            if not ok(self.max_levels):
                return outcome(None, True, None)
            if exhaustive:
                return outcome(self._exhaustive(table, ok, cost_of, state), True, None)
            return outcome(self._greedy(table, ok), False, None)
        except _Stop as stop:
            return outcome(state.best, False, stop.reason)

    def _exhaustive(self, table: list[np.ndarray], ok: Callable[[tuple[int, ...]], bool],
                    cost_of: Callable[[Sequence[int]], float],
                    state: _SearchState) -> tuple[int, ...] | None:
        """The cheapest anonymous node, visiting the whole lattice in cost order."""
        shape = tuple(m + 1 for m in self.max_levels)
        nodes = np.indices(shape, dtype=np.int16).reshape(self.q, -1).T  # itertools.product
        cost = np.zeros(len(nodes))
        for i, values in enumerate(table):
            cost += values[nodes[:, i]]
        order = np.lexsort((nodes.sum(axis=1), cost))
        nodes, cost = np.asfortranarray(nodes[order]), cost[order]
        del order
        n_nodes = len(nodes)
        bad = np.zeros(n_nodes, dtype=bool)  # known to fail, in visiting order
        # Costs grow with levels (nested hierarchies): a node below a failing one costs no
        # more than it, so only the nodes up to its cost need marking.
        monotone = all(bool(np.all(np.diff(values) >= 0)) for values in table)
        pos = 0

        def next_open(p: int) -> int:
            while p < n_nodes:
                free = np.flatnonzero(~bad[p:p + 8192])
                if len(free):
                    return p + int(free[0])
                p += 8192
            return n_nodes

        state.fraction = lambda: (pos + int(bad[pos:].sum())) / n_nodes
        pos = next_open(0)
        while pos < n_nodes:
            node = tuple(int(x) for x in nodes[pos])
            if ok(node):
                return node
            top = list(node)
            # Climb the cheapest attributes first: the failing node found then covers the
            # most nodes that the cost order would visit next.
            for i in sorted(range(self.q), key=lambda j: table[j][-1] - table[j][top[j]]):
                lo, hi = top[i], self.max_levels[i]  # top[i]=lo fails; find the last failing
                while lo < hi:
                    mid = (lo + hi + 1) // 2
                    trial = tuple(top[:i] + [mid] + top[i + 1:])
                    if ok(trial):
                        hi = mid - 1
                    else:
                        lo = mid
                top[i] = lo
            end = n_nodes
            if monotone:
                limit = cost_of(top)
                end = int(np.searchsorted(cost, limit + 1e-9 * max(1.0, abs(limit)), "right"))
            if end > pos:  # column by column: contiguous compares, no 2-D temporary
                below = nodes[pos:end, 0] <= top[0]
                for i in range(1, self.q):
                    below &= nodes[pos:end, i] <= top[i]
                bad[pos:end] |= below
            pos = next_open(pos + 1)
        return None

    def _greedy(self, table: list[np.ndarray],
                ok: Callable[[tuple[int, ...]], bool]) -> tuple[int, ...]:
        """A minimal anonymous node below the top: lower one attribute at a time."""
        current = list(self.max_levels)  # the caller checked that the top is anonymous
        improved = True
        while improved:
            improved = False
            for i in sorted(range(self.q), key=lambda j: table[j][0] - table[j][current[j]]):
                lo, hi = 0, current[i]  # hi holds; find the lowest level that holds
                while lo < hi:
                    mid = (lo + hi) // 2
                    if ok(tuple(current[:i] + [mid] + current[i + 1:])):
                        hi = mid
                    else:
                        lo = mid + 1
                if hi < current[i]:
                    current[i] = hi
                    improved = True
        return tuple(current)


@dataclass
class _SearchState:
    """What a search has found so far, and what its progress reports need."""

    best: tuple[int, ...] | None = None  # the cheapest anonymous node seen
    best_cost: float = math.inf
    reported: float = 0.0  # when progress was last reported
    fraction: Callable[[], float] = lambda: 0.0  # share of the lattice resolved


class _Stop(Exception):  # noqa: N818 - control flow inside search, never raised to callers
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ClassTable:
    """The equivalence classes of one transformation: their codes and sizes."""

    levels: tuple[int, ...]
    codes: tuple[np.ndarray, ...]  # per quasi-identifier: the code of each class at `levels`
    sizes: np.ndarray  # records per class

    def below_k(self, k: int) -> int:
        return int(self.sizes[self.sizes < k].sum())


@dataclass(frozen=True)
class SearchOutcome:
    levels: tuple[int, ...] | None
    evaluated: int
    lattice_size: int
    seconds: float
    complete: bool = True  # the lattice was searched to the end (levels is the optimum)
    stopped: str | None = None  # "nodes", "seconds" or "cancelled" when cut short
    strategy: str = "exhaustive"  # or "greedy" (lattice too large to list)


def _distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows of an integer matrix, the row -> distinct index map, and the counts."""
    n = len(matrix)
    if matrix.shape[1] == 0:
        return np.zeros((min(n, 1), 0), np.int64), np.zeros(n, np.int64), np.array([n][:min(n, 1)])
    ids, n_distinct = combine_codes(list(matrix.T),
                                    [int(col.max()) + 1 if n else 1 for col in matrix.T])
    first = np.zeros(n_distinct, dtype=np.int64)
    first[ids[::-1]] = np.arange(n)[::-1]
    return matrix[first].astype(np.int64), ids, np.bincount(ids).astype(np.int64)


def _encode_attribute(series: pd.Series, name: str,
                      hierarchy: Hierarchy) -> tuple[np.ndarray, Attribute]:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    keys = value_keys(uniques)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(keys), codes)
        keys.append(value_key(None))
    table = hierarchy.table
    index = pd.Index(table[0])
    if not index.is_unique:
        raise ValueError(f"The hierarchy of {quote_name(name)} lists a value twice.")
    rows = index.get_indexer(keys)
    missing = np.flatnonzero(rows < 0)
    if len(missing):
        # Where the values are (row positions), never what they are: messages are saved.
        _, first = np.unique(codes, return_index=True)
        where = sorted(int(first[m]) for m in missing if m < len(first))
        shown = ", ".join(str(r) for r in where[:8]) + (" ..." if len(where) > 8 else "")
        raise ValueError(
            f"The hierarchy of {quote_name(name)} has no row for {len(missing):,} of the "
            f"{len(keys):,} distinct values in the data (dtype {series.dtype}; first seen in "
            f"rows {shown}, counting from 0). Add them to the hierarchy, or leave the "
            "hierarchy out to build one from the data."
        )
    counts = np.bincount(codes, minlength=len(keys)).astype(np.int64)
    labels, maps, entropy, loss = [], [], [], []
    total_leaves = max(len(keys), 1)
    n = counts.sum()
    for level in range(table.shape[1]):
        column = table[level].to_numpy()[rows]
        if level == 0:  # the values themselves: 1 and "1" stay apart, as they are in the data
            gen_codes, gen_labels = np.arange(len(keys)), np.asarray(keys, dtype=object)
        else:
            gen_codes, gen_labels = pd.factorize(column)
        maps.append(gen_codes.astype(np.int32))
        labels.append(np.asarray(gen_labels, dtype=object))
        # ARX's precomputed non-uniform entropy: sum over values a*log2(a/b), negated, where
        # a is the value's count and b the count of its generalization.
        group = np.bincount(gen_codes, weights=counts)
        b = group[gen_codes]
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(counts > 0, counts * np.log2(counts / b), 0.0)
        entropy.append(float(-terms.sum()) if terms.sum() != 0 else 0.0)
        # Iyengar's loss: (leaves under the generalized value - 1) / (all leaves - 1).
        leaves = np.bincount(gen_codes)[gen_codes]
        per_value = (leaves - 1) / (total_leaves - 1) if total_leaves > 1 else leaves * 0.0
        loss.append(float((per_value * counts).sum() / n) if n else 0.0)
    attr = Attribute(name=name, hierarchy=hierarchy, labels=labels, maps=maps, counts=counts,
                     entropy=np.array(entropy), loss=np.array(loss))
    return codes.astype(np.int64), attr
