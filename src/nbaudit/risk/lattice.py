"""Integer-coded quasi-identifiers, the evaluation of one generalization, and the search.

Representation (the speed comes from it): each quasi-identifier is factorized once into
integer codes; each generalization level is a code -> code map; the frame is reduced once to
its distinct (quasi-identifier, sensitive) combinations with their counts. Evaluating a
transformation is then a few gathers over those combinations, one combined integer key and
one `bincount`: never a copy of the frame per level.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..reports import quote_name
from .hierarchy import Hierarchy, value_key

METRICS = ("entropy", "loss", "dm", "dm_star", "aecs")


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
            labels = [value_key(v) for v in uniques]
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
        if self._last_classes is not None and self._last_classes[0] == levels:
            return self._last_classes[1], self._last_classes[2]
        ids, sizes = self._class_keys(levels)
        self._last_classes = (levels, ids, sizes)
        return ids, sizes

    def _class_keys(self, levels: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        key = np.zeros(len(self.base), dtype=np.int64)
        radix = 1
        for i, (attr, level) in enumerate(zip(self.attributes, levels, strict=True)):
            key += attr.maps[level][self.base[:, i]].astype(np.int64) * radix
            radix *= attr.cardinality(level)
        if radix <= max(1 << 20, len(key)):  # few possible classes: count them directly
            sizes = np.bincount(key, weights=self.weights, minlength=radix)
            present = np.flatnonzero(sizes)
            lookup = np.empty(radix, dtype=np.int64)
            lookup[present] = np.arange(len(present))
            return lookup[key], sizes[present].astype(np.int64)
        ids, _ = pd.factorize(key)
        return ids.astype(np.int64), np.bincount(ids, weights=self.weights).astype(np.int64)

    def base_table(self) -> ClassTable:
        """The distinct combinations as a class table at level 0 everywhere."""
        columns = tuple(np.ascontiguousarray(self.base[:, i]) for i in range(self.q))
        return ClassTable((0,) * self.q, columns, self.weights)

    def rollup(self, table: ClassTable, levels: tuple[int, ...]) -> ClassTable:
        """The classes of `levels` from those of a finer transformation (`table.levels` <=
        `levels`): each class merges whole into one coarser class, so only the (usually
        few) classes are grouped again, not the records."""
        columns = []
        key = np.zeros(len(table.sizes), dtype=np.int64)
        radix = 1
        for i, (attr, source, target) in enumerate(zip(self.attributes, table.levels, levels,
                                                       strict=True)):
            col = table.codes[i] if source == target else attr.up(source, target)[
                table.codes[i]]
            columns.append(col)
            key += col * radix
            radix *= attr.cardinality(target)
        ids, uniques = pd.factorize(key)
        first = np.zeros(len(uniques), dtype=np.int64)
        first[ids[::-1]] = np.arange(len(ids))[::-1]
        codes = tuple(col[first] for col in columns)
        return ClassTable(tuple(levels), codes, np.bincount(ids, weights=table.sizes))

    def suppressed_below_k(self, levels: tuple[int, ...], k: int) -> int:
        """Records in classes smaller than k (the k-anonymity check, nothing else)."""
        key = np.zeros(len(self.base), dtype=np.int64)
        radix = 1
        for i, (attr, level) in enumerate(zip(self.attributes, levels, strict=True)):
            key += attr.maps[level][self.base[:, i]].astype(np.int64) * radix
            radix *= attr.cardinality(level)
        if radix <= 4 * len(key) + 1024:  # small key space: one bincount
            sizes = np.bincount(key, weights=self.weights, minlength=radix)
        else:
            ids, _ = pd.factorize(key)
            sizes = np.bincount(ids, weights=self.weights)
        return int(sizes[(sizes > 0) & (sizes < k)].sum())

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
        pair = ids * n_values + self.base[:, column]
        if n_classes * n_values <= max(1 << 20, len(pair)):  # few pairs possible: count them
            all_counts = np.bincount(pair, weights=self.weights,
                                     minlength=n_classes * n_values)
            pair_keys = np.flatnonzero(all_counts)
            pair_counts = all_counts[pair_keys]
        else:
            pair_ids, pair_keys = pd.factorize(pair)
            pair_counts = np.bincount(pair_ids, weights=self.weights)
        pair_class = np.asarray(pair_keys) // n_values
        pair_value = np.asarray(pair_keys) % n_values
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
    def search(self, *, k: int, l: int | None = None, t: float | None = None,
               max_suppression: float = 0.0, metric: str = "entropy") -> SearchOutcome:
        """The transformation with minimal `metric` that satisfies the privacy model.

        Nodes are visited in increasing order of information loss (known exactly without
        looking at the data for ``entropy`` and ``loss``), so the first anonymous node is
        the optimum. Monotonicity prunes the rest: when a node fails, a climb finds a
        maximal failing node above it and every node below that one is known to fail too.
        """
        if metric not in ("entropy", "loss"):
            raise ValueError(f"search metric must be 'entropy' or 'loss', not {metric!r}.")
        start = time.perf_counter()
        nodes = np.array(list(itertools.product(*[range(m + 1) for m in self.max_levels])),
                         dtype=np.int16).reshape(-1, self.q)
        table = [a.entropy if metric == "entropy" else a.loss for a in self.attributes]
        cost = np.zeros(len(nodes))
        for i, values in enumerate(table):
            cost += values[nodes[:, i]]
        order = np.lexsort((nodes.sum(axis=1), cost))
        known_bad = np.zeros(len(nodes), dtype=bool)
        cache: dict[tuple[int, ...], bool] = {}

        budget = math.floor(max_suppression * self.n + 1e-9)
        plain_k = l is None and t is None

        base = self.base_table()
        recent: list[ClassTable] = []  # a few class tables to roll coarser nodes up from

        def table_for(node: tuple[int, ...]) -> ClassTable:
            finer = [t for t in recent if all(a <= b for a, b in zip(t.levels, node,
                                                                     strict=True))]
            source = min(finer, key=lambda t: len(t.sizes)) if finer else base
            result = self.rollup(source, node)
            recent.append(result)
            if len(recent) > 16:
                recent.pop(0)
            return result

        def ok(node: tuple[int, ...]) -> bool:
            if node not in cache:
                if plain_k:
                    cache[node] = table_for(node).below_k(k) <= budget
                else:
                    ev = self.evaluate(node, k=k, l=l, t=t, max_suppression=max_suppression,
                                       metrics=())
                    cache[node] = ev.anonymous
            return cache[node]

        found: tuple[int, ...] | None = None
        for idx in order:
            if known_bad[idx]:
                continue
            node = tuple(int(x) for x in nodes[idx])
            if ok(node):
                found = node
                break
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
            known_bad |= np.all(nodes <= np.array(top, dtype=np.int16), axis=1)
        return SearchOutcome(levels=found, evaluated=len(cache), lattice_size=len(nodes),
                             seconds=time.perf_counter() - start)


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


def _distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows of an integer matrix, the row -> distinct index map, and the counts."""
    n = len(matrix)
    if matrix.shape[1] == 0:
        return np.zeros((min(n, 1), 0), np.int64), np.zeros(n, np.int64), np.array([n][:min(n, 1)])
    key = np.zeros(n, dtype=np.int64)
    radix = 1
    overflow = False
    for col in matrix.T:
        width = int(col.max()) + 1 if n else 1
        if radix > (1 << 62) // max(width, 1):
            overflow = True
            break
        key += col.astype(np.int64) * radix
        radix *= width
    if overflow:  # too many combinations for one int64: hash the rows instead
        frame = pd.DataFrame(matrix)
        ids = frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()
    else:
        ids, _ = pd.factorize(key)
    ids = np.asarray(ids, dtype=np.int64)
    first = np.zeros(int(ids.max()) + 1 if n else 0, dtype=np.int64)
    first[ids[::-1]] = np.arange(n)[::-1]
    return matrix[first].astype(np.int64), ids, np.bincount(ids).astype(np.int64)


def _encode_attribute(series: pd.Series, name: str,
                      hierarchy: Hierarchy) -> tuple[np.ndarray, Attribute]:
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    keys = [value_key(v) for v in uniques]
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
