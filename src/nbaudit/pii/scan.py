"""`scan_pii`: which columns and cells of a DataFrame hold personal data."""

from __future__ import annotations

import os
import time
import weakref
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._checks import seed as _check_seed
from .._checks import whole_number
from .._render import render
from ..config import settings
from . import detect, patterns, presidio_engine
from .classify import MAX_TEXT, ColumnReport, arrow_text, cell_text, classify
from .entities import ENTITIES, LEVEL_RANK, Handling
from .linked import linked_identifiers
from .masking import mask_value, truncate
from .text import find_in_text, find_in_texts, known_spans, known_values_in_text, merge_spans

Progress = Callable[[float, str], None]

__all__ = ["INVENTORY_COLUMNS", "ColumnReport", "PiiScan", "Pseudonymized", "StaleScanError",
           "cell_text", "scan_pii", "use_pseudonymizer"]

_LIVE: weakref.WeakSet[PiiScan] = weakref.WeakSet()
IDENTIFIER_VALUES_LIMIT = 200_000  # distinct values of one column searched for in free text
IDENTIFIER_VALUES_TOTAL = 1_000_000  # ... and of all columns (about 100 MB of strings)

INVENTORY_COLUMNS = [
    "column", "dtype", "entity", "role", "level", "share", "confidence", "evidence",
    "statistics", "handling", "n_flagged", "n_non_null",
]


class Pseudonymized(Protocol):
    """What `nbaudit.pseudonymize` returns (a `PseudonymizationResult`), as the core sees it."""

    frame: pd.DataFrame
    handling: dict[str, str]
    key_source: str
    vault: str | None
    tokens: int
    notes: list[str]

    def to_dict(self) -> dict[str, Any]: ...


# `PiiScan.pseudonymize` calls the transform one layer up, which registers itself here when it
# is imported (``nbaudit/__init__`` imports it): the core never imports the layer above it.
_PSEUDONYMIZER: list[Callable[..., Pseudonymized]] = []


def use_pseudonymizer(function: Callable[..., Pseudonymized]) -> Callable[..., Pseudonymized]:
    """Register ``function(df, scan, *, handling, **options)`` as what `PiiScan.pseudonymize`
    calls (`nbaudit.pseudonymization.pseudonymize` registers itself on import)."""
    _PSEUDONYMIZER[:] = [function]
    return function


@dataclass(frozen=True, eq=False)
class PiiScan:
    """The result of `scan_pii`: a column inventory, cell findings and pages of cells.

    Attributes
    ----------
    columns
        One `ColumnReport` per column of the frame, in frame order.
    n_rows
        Rows in the scanned frame.
    sample_size
        Rows sampled per column to classify it (counts cover all rows).
    mode
        How Presidio ran (pattern-only or with NER).
    tier
        The detection tier: ``"patterns"`` (no model) or ``"ner:<pipeline> <version>"``.
    elapsed
        Seconds the scan took.
    """

    columns: tuple[ColumnReport, ...]
    n_rows: int
    sample_size: int
    mode: str
    tier: str
    elapsed: float
    min_score: float
    frame: pd.DataFrame = field(repr=False)
    _flags: dict[int, np.ndarray] = field(repr=False, default_factory=dict)
    #: The verdict on the row index when it holds values of its own (None for a RangeIndex).
    index_report: ColumnReport | None = None
    _fingerprint: int = field(repr=False, default=0)

    @cached_property
    def identifier_values(self) -> dict[str, str]:
        """Lower-cased distinct values known to be personal data -> entity: those of
        identifier and birth-date columns, of an index of names, and column labels that are
        personal data. Searched for in any row's free text (a customer's name in another
        customer's note) and in everything that leaves the kernel (`nbaudit.egress`)."""
        known: dict[str, str] = {}

        def add(values: Any, entity: str) -> None:
            try:
                values = pd.unique(values.dropna())
            except (TypeError, pa.ArrowNotImplementedError):  # lists, dicts: their text
                values = pd.unique(values.dropna().map(cell_text))
            if len(values) > IDENTIFIER_VALUES_LIMIT:
                return  # patterns find emails and phones; a million names would not fit
            texts = arrow_text([v if isinstance(v, str) else cell_text(v)
                                for v in values.tolist()])
            texts = pc.utf8_lower(pc.utf8_trim_whitespace(texts))
            keep = pc.and_(pc.greater_equal(pc.utf8_length(texts), 4),
                           pc.invert(pc.utf8_is_digit(texts)))
            # The first column to hold a value names its entity.
            known.update({k: entity for k in pc.filter(texts, keep).to_pylist()
                          if k not in known})

        wanted = []
        for c in self.columns:
            if c.position < 0:
                continue
            if c.label_masked:
                label = cell_text(self.frame.columns[c.position]).strip()
                known.setdefault(label.lower(), _label_entity(label) or "PERSON")
            if c.entity == "DATE_OF_BIRTH" or (
                    c.role == "identifier" and c.entity not in ("FREE_TEXT", "NONE")):
                wanted.append(c)
        # Spans found in free text, wherever they recur (the context that found a name in
        # one tweet may be missing from the next): names, handles, and values that cannot be
        # an everyday word; not dates, ages or links, which other columns hold as values.
        for c in self.columns:
            for value, ent in c.text_values.items():
                if ent in ("PERSON", "SOCIAL_HANDLE") or (
                        ent not in ("DATE_TIME", "AGE", "URL") and strong_value(value)):
                    known.setdefault(value, ent)
        # Values no pattern finds again (names, handles, IDs) first, while the budget lasts;
        # emails, phones and cards are found in any text by their patterns anyway.
        wanted.sort(key=lambda c: c.entity in patterns.SEARCH_ORDER)
        for c in wanted:
            if len(known) >= IDENTIFIER_VALUES_TOTAL:
                break
            add(self.frame.iloc[:, c.position], c.entity)
        index = self.index_report
        if index is not None and index.role == "identifier" and index.entity != "NONE":
            add(self.frame.index.to_series().map(
                lambda v: " ".join(map(str, v)) if isinstance(v, tuple) else v), index.entity)
        return known

    def check_fresh(self) -> None:
        """Raise `StaleScanError` when the scanned frame changed since the scan.

        The scan keeps a snapshot (a copy-on-write shallow copy under pandas 3); under
        pandas 2 an in-place edit can still reach it, which a fingerprint of shape, labels,
        dtypes and sampled rows catches before a page or a pseudonymized frame is built.
        """
        if self._fingerprint and fingerprint(self.frame) != self._fingerprint:
            raise StaleScanError(
                "The DataFrame changed after it was scanned (its shape, columns or values "
                "differ), so the scan's labels no longer fit its cells. Run the scan again "
                "(%pii_scan df, or nbaudit.scan_pii(df))."
            )

    # -- tables --------------------------------------------------------------------------
    @property
    def inventory(self) -> pd.DataFrame:
        """One row per column: what it holds, how sure, why, and what to do with it."""
        rows = [c.to_dict() for c in self.columns]
        return pd.DataFrame(rows, columns=INVENTORY_COLUMNS)

    @property
    def flagged(self) -> list[ColumnReport]:
        """Columns that hold personal data, riskiest first."""
        hits = [c for c in self.columns if c.entity != "NONE"]
        return sorted(hits, key=lambda c: (-LEVEL_RANK[c.level], -c.confidence, c.position))

    @property
    def quasi_identifiers(self) -> list[str]:
        """Columns suggested as quasi-identifiers for a re-identification analysis.

        Timestamps are left out: they are quasi-identifying but need generalization before
        they mean anything in k-anonymity. Add them yourself if you generalize them.
        """
        return [
            c.name for c in self.columns
            if c.role == "quasi_identifier" and (c.entity not in ENTITIES
                                                  or ENTITIES[c.entity].suggest_qi
                                                  or c.entity == "LOCATION")
        ]

    @cached_property
    def findings(self) -> pd.DataFrame:
        """Cell-level hits over the whole frame.

        Columns: row (position 0..n-1), column, start, end, entity, score. Computed on first
        access (free-text columns cost a Python pass over their flagged cells).
        """
        self.check_fresh()
        parts = []
        for c in self.columns:
            flags = self._flags.get(c.position)
            if flags is None or not flags.any():
                continue
            rows = np.flatnonzero(flags)
            series = self.frame.iloc[rows, c.position]
            if c.entity == "FREE_TEXT":
                texts = [cell_text(v) for v in series.tolist()]
                for row, hits in zip(rows, find_in_texts(texts), strict=True):
                    for start, end, ent, score in hits:
                        parts.append((int(row), c.name, start, end, ent, score))
            else:
                lengths = [len(cell_text(v).strip()) for v in series.tolist()]
                parts.extend(
                    (int(r), c.name, 0, n, c.entity, c.confidence)
                    for r, n in zip(rows, lengths, strict=True)
                )
        return pd.DataFrame(parts, columns=["row", "column", "start", "end", "entity", "score"])

    def column(self, name: Hashable) -> ColumnReport:
        """The report for the column called `name` (its label, or its name in the inventory)."""
        for c in self.columns:
            if c.name == name:
                return c
        for c in self.columns:
            if c.label == name:
                return c
        raise KeyError(f"No column {name!r}. Columns: {_some([c.name for c in self.columns])}.")

    def flags(self, name: str) -> np.ndarray:
        """A boolean per row: does this cell of column `name` hold the column's entity?"""
        c = self.column(name)
        return self._flags.get(c.position, np.zeros(self.n_rows, dtype=bool)).copy()

    # -- pages of cells ------------------------------------------------------------------
    def page(
        self,
        page: int = 0,
        *,
        page_size: int | None = None,
        reveal: bool = False,
        columns: Sequence[str] | None = None,
        flagged_rows_only: bool = False,
        row: int | None = None,
    ) -> dict[str, Any]:
        """One page of cells with PII highlighted; masked unless `reveal`.

        Parameters
        ----------
        page
            Page number from 0; past either end, the nearest page.
        page_size
            Rows per page, at least 1 (default: the ``nbaudit.configure`` setting).
        reveal
            Raw values instead of masked ones (never store the result).
        columns
            Only these columns (default: all).
        flagged_rows_only
            Only rows where one of the shown columns holds flagged PII.
        row
            Find a row: the page that holds row position `row` (0 to ``n_rows - 1``, the
            "#" column), which then overrides `page`. With `flagged_rows_only` and a row
            without PII, the page of the next row with PII (or the last page).

        Returns
        -------
        dict
            JSON-safe: ``rows`` is a list of ``{"row": position, "cells": [...]}`` where each
            cell is a list of ``[text, entity]`` segments (entity ``""`` for plain text;
            ``"~ENTITY"`` for a cell of a personal-data column whose value did not match on
            its own: masked all the same). Cells are cut at 200 characters. With `row`,
            ``found_row`` is that row when the page holds it, else None.

        Raises
        ------
        ValueError
            If `page_size` is not a whole number >= 1, `row` not a row position of the
            frame, or a column unknown.
        """
        self.check_fresh()
        size = settings.page_size if page_size is None else whole_number(
            page_size, "page_size", 1, "20")
        # Past either end: the nearest page (the widget's buttons rely on it).
        page = whole_number(page, "page", -(2**62), "0")
        if row is not None:
            row = whole_number(row, "row", 0, "0 (a row position, the # column)")
            if row >= self.n_rows:
                last = f"0 to {self.n_rows - 1:,}" if self.n_rows else "none: the frame is empty"
                raise ValueError(f"There is no row {row:,}: rows are numbered {last}.")
        try:
            reports = [self.column(n) for n in columns] if columns else list(self.columns)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
        positions = self._row_positions(reports, flagged_rows_only)
        n_pages = max(1, -(-len(positions) // size))
        found_row = None
        if row is not None:
            at = int(np.searchsorted(positions, row))  # positions are sorted
            page = at // size
            if at < len(positions) and positions[at] == row:
                found_row = row
        page = min(max(0, int(page)), n_pages - 1)
        rows = positions[page * size : (page + 1) * size]
        return {
            "page": page,
            "n_pages": n_pages,
            "n_rows": int(len(positions)),
            "page_size": size,
            "columns": [c.name for c in reports],
            "entities": [c.entity for c in reports],
            "rows": self._page_rows(rows, reports, reveal),
            "revealed": bool(reveal),
            "found_row": found_row,
        }

    def _row_positions(self, reports: list[ColumnReport], flagged_only: bool) -> np.ndarray:
        """Row positions a page shows: all, or those where one of `reports` is flagged."""
        if not flagged_only:
            return np.arange(self.n_rows)
        any_flag = np.zeros(self.n_rows, dtype=bool)
        for c in reports:
            if c.position in self._flags:
                any_flag |= self._flags[c.position]
        return np.flatnonzero(any_flag)

    def _page_rows(self, rows: np.ndarray, reports: list[ColumnReport],
                   reveal: bool) -> list[dict[str, Any]]:
        """The cells of `rows` x `reports` as highlighted segments."""
        block = self.frame.iloc[rows, [c.position for c in reports]]
        # A row's own identifiers (its name, email...) are masked wherever they recur in its
        # free text, even where the text patterns alone would not find them.
        own = [c for c in self.columns if c.role == "identifier"
               and c.entity not in ("FREE_TEXT", "ID_NUMBER")]
        own_values = self.frame.iloc[rows, [c.position for c in own]] if own else None
        has_text = any(c.entity == "FREE_TEXT" for c in reports)
        out_rows = []
        for i, row in enumerate(rows):
            known = []
            if has_text and own_values is not None:
                known = [(cell_text(v).strip(), c.entity)
                         for v, c in zip(own_values.iloc[i].tolist(), own, strict=True)]
            cells = []
            for j, c in enumerate(reports):
                value = block.iat[i, j]
                flagged = c.position in self._flags and bool(self._flags[c.position][row])
                cells.append(_cell_segments(value, c, flagged, reveal, known,
                                            self.identifier_values if has_text else None))
            out_rows.append({"row": int(row), "cells": cells})
        return out_rows

    def pseudonymize(self, df: pd.DataFrame | None = None, *,
                     handling: Mapping[str, Handling] | None = None,
                     key: str | bytes | None = None,
                     vault: str | os.PathLike[str] | None = None,
                     email_format: bool = True,
                     generalize_level: int = 1) -> Pseudonymized:
        """Apply each column's suggested (or chosen) handling; see `nbaudit.pseudonymize`.

        Returns a `PseudonymizationResult` whose ``frame`` is the new DataFrame.
        """
        if not _PSEUDONYMIZER:
            raise LookupError("no pseudonymizer registered: import nbaudit.pseudonymization")
        return _PSEUDONYMIZER[0](self.frame if df is None else df, self, handling=handling,
                                 key=key, vault=vault, email_format=email_format,
                                 generalize_level=generalize_level)

    # -- export --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (no cell values)."""
        return {
            "n_rows": self.n_rows,
            "n_columns": len(self.columns),
            "sample_size": self.sample_size,
            "mode": self.mode,
            "tier": self.tier,
            "elapsed": round(self.elapsed, 3),
            "min_score": self.min_score,
            "inventory": [c.to_dict() for c in self.columns],
            "quasi_identifiers": self.quasi_identifiers,
            "index": self.index_report.to_dict() if self.index_report else None,
        }

    def to_markdown(self) -> str:
        """The inventory as a Markdown report (no cell values), with provenance."""
        result: str = render("markdown", self)
        return result

    def to_html(self) -> str:
        """The Markdown report as a standalone HTML page."""
        result: str = render("html", self)
        return result

    def to_json(self) -> str:
        """`to_dict` with provenance, as JSON (no cell values)."""
        result: str = render("json", self)
        return result

    def __repr__(self) -> str:
        names = ", ".join(f"{c.name}={c.entity}" for c in self.flagged) or "none"
        return (f"PiiScan({self.n_rows:,} rows x {len(self.columns)} columns; "
                f"personal data in: {names})")


# --- cell helpers -----------------------------------------------------------------------
def _cell_segments(value: Any, c: ColumnReport, flagged: bool, reveal: bool,
                   known: list[tuple[str, str]] | None = None,
                   identifiers: dict[str, str] | None = None) -> list[list[str]]:
    text = cell_text(value)
    if not flagged and c.entity in detect.SPECIAL_CATEGORIES and text and detect.absent(
            arrow_text([text.strip()]))[0]:
        return [[truncate(text), ""]]  # "none" in a health column: no special-category data
    if c.entity not in ("NONE", "FREE_TEXT") and text:
        # A column labelled as personal data is masked whole: a name the lexicon missed
        # is still a name. Only cells that matched are highlighted.
        shown = text if reveal else mask_value(text.strip(), c.entity)
        return [[truncate(shown), c.entity if flagged else "~" + c.entity]]
    extra = known_spans(text, known) if c.entity == "FREE_TEXT" and known else []
    # Free text is searched cell by cell on every page, flagged or not: a count that could
    # not verify every cell must not decide what is shown in clear.
    if not flagged and not extra and c.entity != "FREE_TEXT":
        return [[truncate(text), ""]]
    segments: list[list[str]] = []
    pos = 0
    hits = find_in_texts([text[:MAX_TEXT]])[0]
    if extra:
        hits = merge_spans(hits, extra)
    if identifiers and c.entity == "FREE_TEXT":
        hits = merge_spans(hits, known_values_in_text(text[:MAX_TEXT], identifiers))
    for start, end, ent, _ in hits:
        if start > pos:
            segments.append([text[pos:start], ""])
        span = text[start:end]
        segments.append([span if reveal else mask_value(span, ent), ent])
        pos = end
    if pos < len(text):
        segments.append([text[pos:], ""])
    return _truncate_segments(segments)


def _truncate_segments(segments: list[list[str]], limit: int = 200) -> list[list[str]]:
    out, used = [], 0
    for text, ent in segments:
        if used >= limit:
            out.append(["…", ""])
            break
        room = limit - used
        out.append([text if len(text) <= room else text[:room] + "…", ent])
        used += len(text)
    return out


# --- the scan ---------------------------------------------------------------------------
def _labels(df: pd.DataFrame) -> list[str]:
    names = []
    for label in df.columns:
        if isinstance(label, tuple):
            names.append(" / ".join(str(p) for p in label))
        else:
            names.append(str(label))
    seen: dict[str, int] = {}
    unique = []
    for n in names:
        if n in seen:
            seen[n] += 1
            unique.append(f"{n} ({seen[n]})")
        else:
            seen[n] = 1
            unique.append(n)
    return unique


def scan_pii(
    df: pd.DataFrame,
    *,
    columns: Sequence[Hashable] | None = None,
    entities: Sequence[str] | None = None,
    sample_size: int | None = None,
    min_score: float = 0.4,
    seed: int = 0,
    progress: Progress | None = None,
) -> PiiScan:
    """Find the personal data in a DataFrame.

    Parameters
    ----------
    df
        The frame to scan. It is never modified.
    columns
        Only scan these columns (default: all).
    entities
        Only look for these entities (names as in `nbaudit.ENTITIES`).
    sample_size
        Rows sampled per column to classify it (default ``nbaudit.configure`` setting,
        10,000). Flagged-cell counts always cover every row.
    min_score
        Minimum confidence, between 0 and 1, for a column to be labelled.
    seed
        Seed of the row sample, so that a scan is reproducible.
    progress
        Called as ``progress(fraction_done, message)`` after each column.

    Returns
    -------
    PiiScan
        ``.inventory`` (one row per column), ``.findings`` (cell-level hits),
        ``.quasi_identifiers`` and ``.page(...)`` for highlighted cells.

    Raises
    ------
    TypeError
        If `df` is not a pandas DataFrame.
    ValueError
        If a requested column or entity does not exist, or an option is out of range.
    """
    frame, names, positions, wanted, size = check_scan_args(
        df, columns=columns, entities=entities, sample_size=sample_size, min_score=min_score
    )
    start = time.perf_counter()
    if progress is not None and not callable(progress):
        raise TypeError("progress must be a function progress(fraction, message), or None.")
    rng = np.random.default_rng(check_seed(seed))
    reports: list[ColumnReport] = []
    flags: dict[int, np.ndarray] = {}
    for i, pos in enumerate(positions):
        if progress:
            progress(i / max(1, len(positions)), f"column {names[pos]}")
        series = frame.iloc[:, pos]
        rep, mask = classify(series, pos, names[pos], frame.columns[pos], wanted,
                             float(min_score), size, rng)
        reports.append(rep)
        if mask is not None:
            flags[pos] = mask
    linked = linked_identifiers(frame, reports, rng)
    for pos, (_, mask) in linked.items():
        flags[pos] = mask
    reports = [linked[r.position][0] if r.position in linked else r for r in reports]
    reports = _mask_pii_labels(reports)
    index_report = _scan_index(frame, wanted, float(min_score), size, rng)
    if progress:
        progress(1.0, "done")
    # A copy-on-write snapshot: later in-place edits of `df` do not reach the scan's pages.
    snapshot = frame.copy(deep=False)
    scan = PiiScan(
        columns=tuple(reports),
        n_rows=len(frame),
        sample_size=size,
        mode=presidio_engine.mode(),
        tier=presidio_engine.tier(),
        elapsed=time.perf_counter() - start,
        min_score=float(min_score),
        frame=snapshot,
        _flags=flags,
        index_report=index_report,
        _fingerprint=fingerprint(snapshot),
    )
    _LIVE.add(scan)
    return scan


def strong_value(value: str) -> bool:
    """Several words, or a digit, "@" or "." in it: not an everyday word of another column."""
    return " " in value or "@" in value or "." in value or any(ch.isdigit() for ch in value)


def live_scans() -> list[PiiScan]:
    """The scans still referenced somewhere: `nbaudit.egress` masks their known values in
    everything that leaves the kernel."""
    return list(_LIVE)


class StaleScanError(ValueError):
    """The frame changed after it was scanned; scan it again."""


def fingerprint(frame: pd.DataFrame, n_rows: int = 256) -> int:
    """A cheap hash of a frame's shape, labels, dtypes and a fixed sample of its rows."""
    parts = [repr(frame.shape), repr(list(frame.columns)), repr(list(frame.dtypes.astype(str)))]
    if len(frame):
        rows = np.unique(np.linspace(0, len(frame) - 1, num=min(n_rows, len(frame)), dtype=int))
        sample = frame.iloc[rows]
        try:
            hashed = pd.util.hash_pandas_object(sample, index=False).to_numpy()
            parts.append(hashed.tobytes().hex())
        except (TypeError, ValueError):  # unhashable cells (lists, dicts)
            parts.append(repr(sample.to_numpy().tolist()))
    return hash("\x1f".join(parts)) or 1


def _label_entity(name: str) -> str | None:
    """The personal data a column's name holds ("jane.doe@example.com"), if any."""
    if not name.strip():
        return None
    arr = pa.array([name.strip()])
    # Each of these needs an "@" or a digit ("@handle", "123-45-6789"): most labels skip them.
    if "@" in name or any(ch.isdigit() for ch in name):
        for ent in ("EMAIL_ADDRESS", "SOCIAL_HANDLE", "US_SSN", "CREDIT_CARD", "IBAN_CODE",
                    "IP_ADDRESS"):
            if detect.DETECTORS[ent](arr, False)[0]:
                return ent
    # Pattern tier only: NER reads "date_of_birth" as a person's name.
    hits = find_in_text(name)
    return hits[0][2] if hits else None


def _mask_pii_labels(reports: list[ColumnReport]) -> list[ColumnReport]:
    """Columns whose name is personal data get a masked name in everything saved."""
    out = []
    for c in reports:
        ent = _label_entity(c.name)
        if ent is None:
            out.append(c)
            continue
        safe = f"{mask_value(c.name.strip(), ent)} (column {c.position + 1})"
        note = f"the column's name holds {ent} and is masked"
        out.append(replace(c, name=safe, evidence=f"{c.evidence}; {note}", label_masked=True))
    return out


def _scan_index(frame: pd.DataFrame, wanted: set[str] | None, min_score: float,
                size: int, rng: np.random.Generator) -> ColumnReport | None:
    """Classify the row index when it carries values (names, emails...), not positions."""
    index = frame.index
    if isinstance(index, pd.RangeIndex):
        return None
    values = (pd.Series([" ".join(map(str, t)) for t in index], dtype=object)
              if isinstance(index, pd.MultiIndex) else pd.Series(np.asarray(index, dtype=object)))
    name = " / ".join(str(n) for n in index.names if n is not None) or "(index)"
    report, _ = classify(values, -1, name, None, wanted, min_score, size, rng)
    return report if report.entity != "NONE" else None


def check_scan_args(
    df: Any,
    *,
    columns: Sequence[Hashable] | None = None,
    entities: Sequence[str] | None = None,
    sample_size: int | None = None,
    min_score: float = 0.4,
) -> tuple[pd.DataFrame, list[str], list[int], set[str] | None, int]:
    """Validate `scan_pii`'s arguments (cheap), raising TypeError/ValueError with advice."""
    frame = _check_frame(df)
    size = settings.sample_size if sample_size is None else whole_number(
        sample_size, "sample_size", 1, "10000 (rows to sample per column)")
    if not isinstance(min_score, (int, float, np.integer, np.floating)) or isinstance(
            min_score, bool):
        raise ValueError(f"min_score must be a number between 0 and 1, not "
                         f"{type(min_score).__name__}.")
    if not 0.0 <= float(min_score) <= 1.0:
        raise ValueError(f"min_score must be between 0 and 1, not {min_score}.")
    wanted = _check_entities(entities)
    names = _labels(frame)
    positions = _check_columns(frame, names, columns)
    return frame, names, positions, wanted, size


def check_seed(seed: Any) -> int | None:
    """A seed for NumPy's generator: None or a whole number >= 0."""
    return None if seed is None else _check_seed(seed)


def _check_frame(df: Any) -> pd.DataFrame:
    if isinstance(df, pd.Series):
        return df.to_frame()
    if not isinstance(df, pd.DataFrame):
        kind = type(df).__name__
        hint = ""
        if hasattr(df, "to_pandas"):
            hint = " Convert it with .to_pandas() first."
        elif isinstance(df, (dict, list, np.ndarray)):
            hint = " Make one with pd.DataFrame(...) first."
        raise TypeError(f"scan_pii needs a pandas DataFrame, not {kind}.{hint}")
    if df.shape[1] == 0:
        raise ValueError("The DataFrame has no columns: there is nothing to scan.")
    return df


def _some(names: list[str], limit: int = 20) -> str:
    """Column names for a message: the first few, those that are personal data masked."""
    shown = []
    for name in names[:limit]:
        ent = _label_entity(name)
        shown.append(mask_value(name.strip(), ent) if ent else name[:60])
    more = f" and {len(names) - limit:,} more" if len(names) > limit else ""
    return ", ".join(shown) + more


def _check_entities(entities: Sequence[str] | None) -> set[str] | None:
    if entities is None:
        return None
    if isinstance(entities, str):
        entities = [e.strip() for e in entities.split(",") if e.strip()]
    if not isinstance(entities, (list, tuple, set, frozenset)) or not all(
            isinstance(e, str) for e in entities):
        raise TypeError("entities must be a list of entity names (strings) such as "
                        "['EMAIL_ADDRESS', 'PERSON'], or None for all.")
    if not entities:
        raise ValueError("entities names no entity: give at least one entity (such as "
                         "EMAIL_ADDRESS), or leave it out to scan for all.")
    wanted = {str(e).strip().upper() for e in entities}
    unknown = sorted(wanted - set(ENTITIES))
    if unknown:
        raise ValueError(
            f"Unknown entit{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}. "
            f"Known: {', '.join(sorted(ENTITIES))}."
        )
    return wanted


def _check_columns(frame: pd.DataFrame, names: list[str],
                   columns: Sequence[Hashable] | None) -> list[int]:
    if columns is None:
        return list(range(frame.shape[1]))
    if isinstance(columns, str) or not isinstance(columns, (list, tuple, pd.Index)):
        columns = [columns]
    if len(columns) == 0:
        raise ValueError("columns is empty: name at least one column, or leave it out to scan "
                         "them all.")
    positions: list[int] = []
    for col in columns:
        matches = [i for i, (label, name) in enumerate(zip(frame.columns, names, strict=True))
                   if label == col or name == col]
        if not matches:
            raise ValueError(f"No column {col!r} in the frame. Columns: {_some(names)}.")
        positions.extend(m for m in matches if m not in positions)
    return positions
