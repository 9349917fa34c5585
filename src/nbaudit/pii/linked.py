"""Codes that stand for a person because they follow a person's identifier one-to-one.

A table of repeated records (offices of members of Congress, events of athletes, visits of
patients) often carries several identifiers of the same person from different systems: a
bioguide ID beside a THOMAS number, a patient number beside an insurance number. Only the
first may have a telling header or a verifiable shape. Across repeated records a code that
takes one value per person, and a different value for each person, is as identifying as the
identifier it follows: knowing it is knowing who.

The test is strict so that it says nothing about ordinary attributes: the anchor must be an
identifier that repeats (at least a fifth of the rows share a value with another row, else
every unique column would be "one-to-one"), the candidate must be a discrete code (text or
whole numbers, at least `MIN_DISTINCT` distinct values), and the correspondence must hold
both ways for all but 1% of the pairs seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ..risk.codes import combine_codes
from .classify import ColumnReport, factorize
from .entities import entity

MIN_DISTINCT = 20  # fewer distinct values: a category, whatever it follows
MIN_REPEAT = 1.2  # rows per distinct anchor value on the common rows
TOLERANCE = 0.01  # share of pairs that may break the one-to-one rule (typos, updates)
MAX_ROWS = 200_000  # rows examined (a random sample beyond)
MAX_PAIRS = 400  # anchor x candidate checks per scan (wide frames)


def _codes(series: pd.Series) -> np.ndarray | None:
    """Integer codes of a discrete column (-1 for missing), or None for measures."""
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_datetime64_any_dtype(
            series.dtype):
        return None
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        finite = values[np.isfinite(values)]
        if not len(finite) or not np.array_equal(finite, np.round(finite)):
            return None  # measurements (heights, prices), not codes
    codes, _ = factorize(series)  # any cell type: lists, surrogates, Arrow nested types
    return np.asarray(codes)


def _one_to_one(anchor: np.ndarray, candidate: np.ndarray) -> tuple[bool, int]:
    both = (anchor >= 0) & (candidate >= 0)
    a, c = anchor[both], candidate[both]
    if not len(a):
        return False, 0
    n_a, n_c = len(np.unique(a)), len(np.unique(c))
    if min(n_a, n_c) < MIN_DISTINCT or len(a) < MIN_REPEAT * n_a:
        return False, 0
    _, n_pairs = combine_codes([a, c], [int(a.max()) + 1, int(c.max()) + 1])
    ok = n_pairs <= (1 + TOLERANCE) * min(n_a, n_c)
    return ok, len(a)


def linked_identifiers(frame: pd.DataFrame, reports: Sequence[ColumnReport],
                       rng: np.random.Generator) -> dict[int, tuple[ColumnReport, np.ndarray]]:
    """Columns found nothing in that follow an identifier one-to-one.

    Returns
    -------
    dict
        Column position -> (its new report, its cell flags: every non-null cell).
    """
    anchors = [r for r in reports if r.role == "identifier" and r.entity not in (
        "FREE_TEXT", "NONE") and r.position >= 0]
    candidates = [r for r in reports if r.entity == "NONE" and r.position >= 0
                  and r.n_non_null >= MIN_DISTINCT]
    if not anchors or not candidates:
        return {}
    rows = (np.sort(rng.choice(len(frame), MAX_ROWS, replace=False))
            if len(frame) > MAX_ROWS else slice(None))
    sample = frame.iloc[rows]
    # Candidates first: most frames have no discrete code left unexplained, and then the
    # anchors are never factorized.
    cand_codes = []
    for cand in candidates[: MAX_PAIRS // len(anchors)]:
        codes = _codes(sample.iloc[:, cand.position])
        if codes is not None and len(np.unique(codes[codes >= 0])) >= MIN_DISTINCT:
            cand_codes.append((cand, codes))
    if not cand_codes:
        return {}
    anchor_codes = []
    for r in anchors:
        codes = factorize(sample.iloc[:, r.position])[0]
        present = codes[codes >= 0]
        # Repeated records: else every unique column is trivially one-to-one with it.
        if len(present) and len(present) >= MIN_REPEAT * len(np.unique(present)):
            anchor_codes.append((r, codes))
    found: dict[int, tuple[ColumnReport, np.ndarray]] = {}
    for cand, codes in cand_codes:
        for anchor, a_codes in anchor_codes:
            ok, n = _one_to_one(a_codes, codes)
            if not ok:
                continue
            evidence = (f"possible PII: one value per '{anchor.name}' ({anchor.entity}) and a "
                        f"different one for each, over {n:,} rows: another identifier of the "
                        f"same person; masked until you say otherwise; was: {cand.evidence}")
            info = entity("ID_NUMBER")
            report = replace(cand, entity=info.name, role=info.role, level="low", share=0.0,
                             confidence=0.5, evidence=evidence, handling=info.handling,
                             n_flagged=cand.n_non_null, possible=True)
            found[cand.position] = (report, frame.iloc[:, cand.position].notna().to_numpy())
            break
    return found
