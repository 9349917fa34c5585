"""Integer codes combined into class keys: the one overflow-safe way, for risk and dp.

Equivalence classes, sensitive-value pairs and distinct rows are all rows of several integer
code columns made into one dense group id. `combine_codes` does it without ever overflowing
int64, whatever the number of columns or their cardinalities.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

_KEY_LIMIT = 1 << 62  # combined keys stay below this: int64 never wraps


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


def distinct_rows(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows of an integer matrix, the row -> distinct index map, and the counts."""
    n = len(matrix)
    if matrix.shape[1] == 0:
        return np.zeros((min(n, 1), 0), np.int64), np.zeros(n, np.int64), np.array([n][:min(n, 1)])
    ids, n_distinct = combine_codes(list(matrix.T),
                                    [int(col.max()) + 1 if n else 1 for col in matrix.T])
    counts = np.bincount(ids).astype(np.int64)
    return matrix[first_rows(ids, n_distinct)].astype(np.int64), ids, counts


def first_rows(ids: np.ndarray, n_groups: int) -> np.ndarray:
    """The first row of each group: ``first[g]`` is the smallest ``r`` with ``ids[r] == g``."""
    first = np.zeros(n_groups, dtype=np.int64)
    first[ids[::-1]] = np.arange(len(ids))[::-1]
    return first


__all__ = ["combine_codes", "distinct_rows", "first_rows"]
