"""A frame's quasi-identifiers (and sensitive attributes) as integer codes.

Representation (the speed comes from it): each quasi-identifier is factorized once into
integer codes; each generalization level is a code -> code map; the frame is reduced once to
its distinct (quasi-identifier, sensitive) combinations with their counts. The classes of a
transformation are then a few gathers over those combinations, one combined integer key and
one `bincount`: never a copy of the frame per level. `evaluation` computes the figures of a
transformation from them, `lattice` searches the transformations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._text import quote_name
from .codes import combine_codes, distinct_rows, first_rows
from .hierarchy import Hierarchy, value_key, value_keys

# The exhaustive search lists every node of the lattice (levels, cost, order): above this many
# nodes (or node x attribute cells) it would take too much memory, and a greedy search runs.
EXHAUSTIVE_NODES = 2_000_000
_EXHAUSTIVE_CELLS = 24_000_000


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
            codes, labels, numeric = _encode_sensitive(frame[name])
            self.sensitive_labels[name] = labels
            self.sensitive_numeric[name] = numeric
            row_codes.append(codes)
        # Distinct combinations and their counts: every evaluation runs on these.
        matrix = np.column_stack(row_codes) if row_codes else np.zeros((self.n, 0), np.int64)
        self.base, self.row_to_base, self.weights = distinct_rows(matrix)
        self.base = np.asfortranarray(self.base)  # columns contiguous: every gather reads one
        self.q = len(qis)
        self.max_levels = tuple(a.max_level for a in self.attributes)
        self._last_classes: tuple[tuple[int, ...], np.ndarray, np.ndarray] | None = None
        #: Per sensitive attribute: its distribution over the whole table (t-closeness).
        self.overall = {
            name: np.bincount(self.base[:, self.q + i], weights=self.weights,
                              minlength=len(self.sensitive_labels[name])) / self.n
            for i, name in enumerate(sensitive)
        }

    # -- the classes of one transformation -------------------------------------------------
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
        ids, n_classes = combine_codes(columns, self.cardinalities(levels))
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
        ids, n_classes = combine_codes(columns, self.cardinalities(levels))
        first = first_rows(ids, n_classes)
        codes = tuple(col[first] for col in columns)
        return ClassTable(tuple(levels), codes, np.bincount(ids, weights=table.sizes))

    def lattice_size(self) -> int:
        """Number of transformations (nodes): the product of the hierarchies' heights + 1."""
        return math.prod(m + 1 for m in self.max_levels)

    def exhaustive(self) -> bool:
        """Whether the search can list every node (else it runs greedily)."""
        size = self.lattice_size()
        return size <= EXHAUSTIVE_NODES and size * max(self.q, 1) <= _EXHAUSTIVE_CELLS

    def cardinalities(self, levels: tuple[int, ...]) -> list[int]:
        """The number of codes of each quasi-identifier at `levels`."""
        return [a.cardinality(lv) for a, lv in zip(self.attributes, levels, strict=True)]


@dataclass(frozen=True)
class ClassTable:
    """The equivalence classes of one transformation: their codes and sizes."""

    levels: tuple[int, ...]
    codes: tuple[np.ndarray, ...]  # per quasi-identifier: the code of each class at `levels`
    sizes: np.ndarray  # records per class

    def below_k(self, k: int) -> int:
        return int(self.sizes[self.sizes < k].sum())


def _encode_sensitive(series: pd.Series) -> tuple[np.ndarray, np.ndarray, bool]:
    """Codes of a sensitive attribute (missing values: one more code), its labels, and whether
    it is numeric (ordered distance for t-closeness)."""
    numeric = pd.api.types.is_numeric_dtype(series.dtype) and not \
        pd.api.types.is_bool_dtype(series.dtype)
    codes, uniques = pd.factorize(series, sort=numeric, use_na_sentinel=True)
    labels = value_keys(uniques)
    codes = np.where(codes < 0, len(labels), codes).astype(np.int64)
    if (codes == len(labels)).any():
        labels.append("(missing)")
    return codes, np.array(labels, dtype=object), numeric


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


__all__ = ["EXHAUSTIVE_NODES", "Attribute", "ClassTable", "Encoding"]
