"""`scan_pii`: which columns and cells of a DataFrame hold personal data."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..config import settings
from . import detect, patterns, presidio_engine
from .entities import ENTITIES, LEVEL_RANK, entity
from .headers import header_hints
from .masking import mask_value, truncate
from .text import NAME_PAIR_RE2, TEXT_ENTITIES, find_in_text, known_spans, merge_spans

Progress = Callable[[float, str], None]

_SCOUT_CELLS = 1_000
_ID_HEADERS = {"US_SSN", "US_PASSPORT", "US_DRIVER_LICENSE"}
_STRUCTURED_MIN_SHARE = 0.5  # a column is labelled from its hit rate, not from a few hits
_TEXT_MIN_SHARE = 0.01  # free text: at least 1% of cells (and 3 cells) hold PII
_TEXT_SAMPLE_CELLS = 2_000
_PRESIDIO_TEXT_CELLS = 100
_PRESIDIO_VALUE_CELLS = 30
_MAX_TEXT = 20_000  # characters of one cell examined in the sample stages


# --- results ----------------------------------------------------------------------------
@dataclass(frozen=True)
class ColumnReport:
    """The verdict on one column."""

    position: int
    label: Hashable
    name: str
    dtype: str
    entity: str
    role: str
    level: str
    share: float
    confidence: float
    evidence: str
    handling: str
    n_non_null: int
    n_flagged: int
    contains: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "column": self.name,
            "dtype": self.dtype,
            "entity": self.entity,
            "role": self.role,
            "level": self.level,
            "share": round(self.share, 4),
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence,
            "handling": self.handling,
            "n_non_null": self.n_non_null,
            "n_flagged": self.n_flagged,
            "contains": dict(self.contains),
            "colour": entity(self.entity).colour,
        }


INVENTORY_COLUMNS = [
    "column", "dtype", "entity", "role", "level", "share", "confidence", "evidence",
    "handling", "n_flagged", "n_non_null",
]


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
    elapsed
        Seconds the scan took.
    """

    columns: tuple[ColumnReport, ...]
    n_rows: int
    sample_size: int
    mode: str
    elapsed: float
    min_score: float
    frame: pd.DataFrame = field(repr=False)
    _flags: dict[int, np.ndarray] = field(repr=False, default_factory=dict)

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
        parts = []
        for c in self.columns:
            flags = self._flags.get(c.position)
            if flags is None or not flags.any():
                continue
            rows = np.flatnonzero(flags)
            series = self.frame.iloc[rows, c.position]
            if c.entity == "FREE_TEXT":
                for row, value in zip(rows, series.tolist(), strict=True):
                    for start, end, ent, score in find_in_text(cell_text(value)):
                        parts.append((int(row), c.name, start, end, ent, score))
            else:
                lengths = [len(cell_text(v).strip()) for v in series.tolist()]
                parts.extend(
                    (int(r), c.name, 0, n, c.entity, c.confidence)
                    for r, n in zip(rows, lengths, strict=True)
                )
        return pd.DataFrame(parts, columns=["row", "column", "start", "end", "entity", "score"])

    def column(self, name: str) -> ColumnReport:
        """The report for the column called `name`."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"No column {name!r}. Columns: {', '.join(c.name for c in self.columns)}")

    def flags(self, name: str) -> np.ndarray:
        """A boolean per row: does this cell of column `name` hold the column's entity?"""
        c = self.column(name)
        return self._flags.get(c.position, np.zeros(self.n_rows, dtype=bool)).copy()

    # -- pages of cells ------------------------------------------------------------------
    def page(
        self,
        page: int = 0,
        page_size: int | None = None,
        *,
        reveal: bool = False,
        columns: Sequence[str] | None = None,
        flagged_rows_only: bool = False,
    ) -> dict[str, Any]:
        """One page of cells with PII highlighted; masked unless `reveal`.

        Returns a JSON-safe dict: ``rows`` is a list of ``{"row": position, "cells": [...]}``
        where each cell is a list of ``[text, entity]`` segments (entity ``""`` for plain
        text; ``"~ENTITY"`` for a cell of a personal-data column whose value did not match on
        its own: masked all the same). Cells are cut at 200 characters.
        """
        size = page_size or settings.page_size
        reports = [self.column(n) for n in columns] if columns else list(self.columns)
        if flagged_rows_only:
            any_flag = np.zeros(self.n_rows, dtype=bool)
            for c in reports:
                if c.position in self._flags:
                    any_flag |= self._flags[c.position]
            positions = np.flatnonzero(any_flag)
        else:
            positions = np.arange(self.n_rows)
        n_pages = max(1, -(-len(positions) // size))
        page = min(max(0, int(page)), n_pages - 1)
        rows = positions[page * size : (page + 1) * size]
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
                cells.append(_cell_segments(value, c, flagged, reveal, known))
            out_rows.append({"row": int(row), "cells": cells})
        return {
            "page": page,
            "n_pages": n_pages,
            "n_rows": int(len(positions)),
            "page_size": size,
            "columns": [c.name for c in reports],
            "entities": [c.entity for c in reports],
            "rows": out_rows,
            "revealed": bool(reveal),
        }

    def pseudonymize(self, df: pd.DataFrame | None = None,
                     handling: dict[str, str] | None = None, **options: Any) -> Any:
        """Apply each column's suggested (or chosen) handling; see `nbaudit.pseudonymize`.

        Returns a `PseudonymizationResult` whose ``frame`` is the new DataFrame.
        """
        from ..pseudonymization import pseudonymize

        return pseudonymize(self.frame if df is None else df, self, handling, **options)

    # -- export --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (no cell values)."""
        return {
            "n_rows": self.n_rows,
            "n_columns": len(self.columns),
            "sample_size": self.sample_size,
            "mode": self.mode,
            "elapsed": round(self.elapsed, 3),
            "min_score": self.min_score,
            "inventory": [c.to_dict() for c in self.columns],
            "quasi_identifiers": self.quasi_identifiers,
        }

    def to_markdown(self) -> str:
        """The inventory as a Markdown report (no cell values), with provenance."""
        from ..reports import scan_markdown

        return scan_markdown(self)

    def to_html(self) -> str:
        from ..reports import markdown_to_html

        return markdown_to_html(self.to_markdown(), "PII scan")

    def to_json(self) -> str:
        import json

        from ..reports import provenance

        return json.dumps({**self.to_dict(), "provenance": provenance(
            self.frame, {"sample_size": self.sample_size, "min_score": self.min_score})})

    def __repr__(self) -> str:
        names = ", ".join(f"{c.name}={c.entity}" for c in self.flagged) or "none"
        return (f"PiiScan({self.n_rows:,} rows x {len(self.columns)} columns; "
                f"personal data in: {names})")


# --- cell helpers -----------------------------------------------------------------------
def cell_text(value: Any) -> str:
    """Text of one cell as the detectors see it (bytes decoded, containers repr'd)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _cell_segments(value: Any, c: ColumnReport, flagged: bool, reveal: bool,
                   known: list[tuple[str, str]] | None = None) -> list[list[str]]:
    text = cell_text(value)
    if c.entity not in ("NONE", "FREE_TEXT") and text:
        # A column labelled as personal data is masked whole: a name the lexicon missed
        # is still a name. Only cells that matched are highlighted.
        shown = text if reveal else mask_value(text.strip(), c.entity)
        return [[truncate(shown), c.entity if flagged else "~" + c.entity]]
    extra = known_spans(text, known) if c.entity == "FREE_TEXT" and known else []
    if not flagged and not extra:
        return [[truncate(text), ""]]
    segments: list[list[str]] = []
    pos = 0
    hits = merge_spans(find_in_text(text), extra) if extra else find_in_text(text)
    if settings.ner_model:
        hits = merge_spans(hits, presidio_engine.analyze([text[:_MAX_TEXT]])[0])
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


def _factorize(series: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Integer codes per row (-1 for null) and the distinct values as stripped text."""
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists, dicts)
        codes, uniques = pd.factorize(series.map(cell_text, na_action="ignore"),
                                      use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    if isinstance(uniques, pd.Categorical | pd.CategoricalIndex):
        uniques = np.asarray(uniques, dtype=object)
    kind = getattr(getattr(uniques, "dtype", None), "kind", "O")
    if kind in "iub":
        text = pa.array(np.asarray(uniques)).cast(pa.string())
    elif kind == "f":
        values = np.asarray(uniques, dtype=float)
        finite = np.isfinite(values)
        integral = finite.all() and (values == np.round(values)).all()
        if integral and np.abs(values).max(initial=0) < 2**53:
            text = pa.array(values.astype(np.int64)).cast(pa.string())
        else:
            text = pa.array([repr(float(v)) for v in values], type=pa.string())
    elif str(getattr(uniques, "dtype", "")) in ("str", "string"):
        text = pa.array(np.asarray(uniques, dtype=object), type=pa.string())
    else:
        text = pa.array([cell_text(v) for v in uniques], type=pa.string())
    return codes, pc.utf8_trim_whitespace(text)


def _hint_for(hints: dict[str, str], name: str) -> bool:
    if name == "ID_NUMBER":  # a national ID header whose values are not US-shaped
        return name in hints or bool(set(hints) & _ID_HEADERS)
    return name in hints


def _hint_word(hints: dict[str, str], name: str) -> str:
    if name in hints:
        return hints[name]
    return next((hints[h] for h in _ID_HEADERS if h in hints), "")


def _confidence(share: float, hinted: bool, validated: bool) -> float:
    conf = 0.15 + 0.85 * share if hinted else share * 0.9
    if validated and share > 0:
        conf += 0.05
    return float(min(1.0, conf))


def _downgrade(level: str) -> str:
    order = ["none", "low", "medium", "high"]
    return order[max(1, order.index(level) - 1)]


def _evidence_share(share: float, n: int, sampled: bool) -> str:
    which = "sampled values" if sampled else "non-null values"
    return f"{share:.1%} of {n:,} {which} match"


def _classify(
    series: pd.Series,
    position: int,
    name: str,
    label: Hashable,
    entities: set[str] | None,
    min_score: float,
    sample_size: int,
    rng: np.random.Generator,
) -> tuple[ColumnReport, np.ndarray | None]:
    dtype = str(series.dtype)
    n_rows = len(series)
    hints = header_hints(name)
    if entities is not None:
        hints = {k: v for k, v in hints.items() if k in entities}
    hint_text = "; ".join(f"header '{kw}' suggests {e}" for e, kw in hints.items())

    def report(ent: str, share: float, conf: float, evidence: str, n_non_null: int,
               flags: np.ndarray | None, contains: dict[str, int] | None = None,
               role: str | None = None, level: str | None = None,
               handling: str | None = None) -> tuple[ColumnReport, np.ndarray | None]:
        info = entity(ent)
        lvl = level or info.level
        if ent != "NONE" and conf < 0.6:
            lvl = _downgrade(lvl)
        n_flagged = int(flags.sum()) if flags is not None else 0
        return ColumnReport(
            position=position, label=label, name=name, dtype=dtype, entity=ent,
            role=role or info.role, level=lvl if ent != "NONE" else "none",
            share=float(share), confidence=float(conf), evidence=evidence,
            handling=handling or info.handling, n_non_null=n_non_null, n_flagged=n_flagged,
            contains=contains or {},
        ), flags

    # Datetime dtypes: the type says it all.
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        notnull = series.notna().to_numpy()
        n = int(notnull.sum())
        ent = "DATE_OF_BIRTH" if "DATE_OF_BIRTH" in hints else "DATE_TIME"
        if entities is not None and ent not in entities:
            return report("NONE", 0.0, 0.0, "datetime column (entity not requested)", n, None)
        why = (hint_text + "; " if ent == "DATE_OF_BIRTH" else "") + "datetime dtype"
        conf = 0.95 if ent == "DATE_OF_BIRTH" else 0.9
        return report(ent, 1.0 if n else 0.0, conf if n else 0.0, why, n, notnull)
    if pd.api.types.is_bool_dtype(series.dtype):
        n = int(series.notna().sum())
        return report("NONE", 0.0, 0.0, "boolean column", n, None)

    codes, uniques = _factorize(series)
    present = np.flatnonzero(codes >= 0)
    n_non_null = int(present.size)
    if n_non_null == 0:
        return report("NONE", 0.0, 0.0, "all values are null", 0, None)
    sampled = n_non_null > sample_size
    # Random order, so that the first thousand (the scout) are a random sample too.
    pick = rng.permutation(present)[:sample_size]
    sample_codes = codes[pick]
    su, inverse = np.unique(sample_codes, return_inverse=True)
    sample_text = uniques.take(pa.array(su))
    n_sample = len(pick)
    shape = detect.shape(uniques.take(pa.array(sample_codes[:_SCOUT_CELLS])), n_sample, len(su))

    # 1. Structured: score every plausible detector on a small sample, then confirm the
    # winner on the whole sample (most detectors are ruled out by the first thousand values).
    scout = np.unique(inverse[:_SCOUT_CELLS]) if n_sample > _SCOUT_CELLS else None
    scout_text = sample_text.take(pa.array(scout)) if scout is not None else sample_text
    scout_inverse = (np.searchsorted(scout, inverse[:_SCOUT_CELLS]) if scout is not None
                     else inverse)
    scores: list[tuple[float, float, str]] = []
    shares: dict[str, float] = {}
    for ent_name in detect.PRIORITY:
        if entities is not None and ent_name not in entities:
            continue
        hinted = _hint_for(hints, ent_name)
        if not detect.column_allows(ent_name, shape, hinted):
            continue
        mask_u = detect.DETECTORS[ent_name](scout_text, hinted)
        if not mask_u.any():
            continue
        share = float(mask_u[scout_inverse].mean())
        shares[ent_name] = share
        conf = _confidence(share, hinted, ent_name in patterns.VALIDATORS)
        if ent_name == "ID_NUMBER" and "ID_NUMBER" not in hints:
            conf *= 0.9  # an "ssn" header: prefer US_SSN when the values are US SSNs
        scores.append((conf, share, ent_name))
    best = max(scores, key=lambda t: (t[0], -detect.PRIORITY.index(t[2])), default=None)
    confirmed: np.ndarray | None = None
    if best is not None and scout is not None and best[1] >= _STRUCTURED_MIN_SHARE / 2:
        ent_name = best[2]
        hinted = _hint_for(hints, ent_name)
        confirmed = detect.DETECTORS[ent_name](sample_text, hinted)
        share = float(confirmed[inverse].mean())
        shares[ent_name] = share
        best = (_confidence(share, hinted, ent_name in patterns.VALIDATORS), share, ent_name)
    if best is not None and best[1] >= _STRUCTURED_MIN_SHARE and best[0] >= min_score:
        conf, share, ent_name = best
        hinted = _hint_for(hints, ent_name)
        # Unsampled columns: the sample is every distinct value, already tested.
        if sampled:
            mask_all = detect.DETECTORS[ent_name](uniques, hinted)
        elif confirmed is not None:
            mask_all = confirmed
        else:
            mask_all = detect.DETECTORS[ent_name](sample_text, hinted)
        flags = np.zeros(n_rows, dtype=bool)
        flags[present] = mask_all[codes[present]]
        parts = []
        if hinted:
            parts.append(f"header '{_hint_word(hints, ent_name)}'")
        parts.append(_evidence_share(share, n_sample, sampled))
        if ent_name in patterns.VALIDATOR_NAMES:
            parts.append(f"{patterns.VALIDATOR_NAMES[ent_name]} passed")
        if ent_name == "PERSON":
            parts.append("capitalised words with a first or last name from the US Census lists")
        if ent_name in ("ETHNICITY", "RELIGION", "HEALTH", "SEXUAL_ORIENTATION",
                        "POLITICAL_OPINION"):
            parts.append("GDPR Art. 9 special category: keep only with a lawful basis")
        runner_up = sorted(((s, e) for e, s in shares.items() if e != ent_name), reverse=True)
        if runner_up and runner_up[0][0] >= 0.2:
            parts.append(f"also {runner_up[0][0]:.0%} {runner_up[0][1]}")
        parts.append(shape.describe())
        role = level = handling = None
        if ent_name == "LOCATION":
            street_share = float(detect.street_address(sample_text)[inverse].mean())
            if street_share < 0.5:  # places (city, country): quasi-identifiers
                role, level, handling = "quasi_identifier", "medium", "generalize"
                parts.insert(1, "place names")
            else:
                # Street addresses single people out; no hierarchy turns one into a city.
                handling = "drop"
                parts.insert(1, "street addresses")
        return report(ent_name, share, conf, "; ".join(parts), n_non_null, flags,
                      role=role, level=level, handling=handling)

    # 2. Text: PII inside longer strings (reviews, notes, logs). An RE2 pass over every
    # distinct value finds candidate cells; only those get the validating Python pass.
    text_entities = None if entities is None else entities & set(TEXT_ENTITIES)
    contains: dict[str, int] = {}
    hit_cells, text_share, n_text = 0, 0.0, 0
    presidio_note = ""
    stringy = not (pd.api.types.is_numeric_dtype(series.dtype)
                   or isinstance(series.dtype, pd.CategoricalDtype))
    if stringy and shape.mean_tokens >= 1.5 and (entities is None or text_entities):
        text_pick = pick[:_TEXT_SAMPLE_CELLS]
        n_text = len(text_pick)
        # The RE2 pre-filter runs on the sample's distinct values first; over every distinct
        # value only once the column turns out to be free text with PII.
        sample_codes_text = np.unique(codes[text_pick])
        sample_candidate = _text_candidates(uniques.take(pa.array(sample_codes_text)),
                                            text_entities)
        likely = set(sample_codes_text[sample_candidate].tolist())
        hits_by_code: dict[int, list] = {}
        for code in codes[text_pick]:
            if code not in likely:
                continue
            if code not in hits_by_code:
                hits_by_code[code] = find_in_text(uniques[int(code)].as_py()[:_MAX_TEXT],
                                                  text_entities)
            hits = hits_by_code[code]
            if hits:
                hit_cells += 1
                for ent in {h[2] for h in hits}:
                    contains[ent] = contains.get(ent, 0) + 1
        text_share = hit_cells / n_text
        if shape.is_free_text or hit_cells:
            sample_values = uniques.take(pa.array(codes[text_pick[:_PRESIDIO_TEXT_CELLS]]))
            extra = _presidio_text_entities(sample_values.to_pylist(), text_entities)
            extra = {e: n for e, n in extra.items() if n >= 2}  # one odd hit is noise
            for ent, n in extra.items():
                contains[ent] = max(contains.get(ent, 0), n)
            if extra:
                presidio_note = "; Presidio also found " + ", ".join(
                    f"{e} in {n}" for e, n in sorted(extra.items()))
        text_conf = min(0.99, 0.5 + text_share)
        if hit_cells >= 3 and text_share >= _TEXT_MIN_SHARE and text_conf >= min_score:
            # Exact count: cells with a hit that needs no validation are flagged in RE2;
            # only the other candidates go through the Python validators.
            candidate = _text_candidates(uniques, text_entities)
            mask_u = candidate & detect._np(pc.match_substring_regex(uniques, patterns.SURE_RE2))
            for code in np.flatnonzero(candidate & ~mask_u):
                hits = hits_by_code.get(int(code))
                if hits is None:
                    hits = find_in_text(uniques[int(code)].as_py(), text_entities)
                mask_u[code] = bool(hits)
            flags = np.zeros(n_rows, dtype=bool)
            flags[present] = mask_u[codes[present]]
            found = ", ".join(f"{e} in {n}"
                              for e, n in sorted(contains.items(), key=lambda t: -t[1]))
            evidence = (f"free text; {text_share:.1%} of {n_text:,} sampled cells hold "
                        f"PII ({found}){presidio_note}; {shape.describe()}")
            return report("FREE_TEXT", text_share, text_conf, evidence, n_non_null, flags,
                          contains)

    # 3. Entities nbaudit has no detector for: ask Presidio's recognizers on a few values.
    if not shape.is_free_text and shape.mean_length < 64:
        found = _presidio_value_entity(sample_text.to_pylist()[:_PRESIDIO_VALUE_CELLS], entities)
        if found is not None and 0.9 * found[1] >= min_score:
            ent_name, share = found
            mask_all = _presidio_mask(uniques, ent_name)
            flags = np.zeros(n_rows, dtype=bool)
            flags[present] = mask_all[codes[present]]
            n_tested = min(len(su), _PRESIDIO_VALUE_CELLS)
            evidence = (f"Presidio {ent_name} recognizer: {share:.0%} of {n_tested} distinct "
                        f"values; {shape.describe()}")
            return report(ent_name, share, 0.9 * share, evidence, n_non_null, flags)

    why = []
    if hint_text:
        why.append(hint_text + " but the values do not match")
    if best is not None:
        why.append(f"best guess {best[2]} from {best[1]:.1%} of values (too few to label)")
    if hit_cells:
        why.append(f"{hit_cells} of {len(sample_values):,} sampled cells hold PII (too few)")
    why.append(shape.describe())
    return report("NONE", 0.0, 0.0, "; ".join(why), n_non_null, None)


def _text_candidates(uniques: pa.Array, text_entities: set[str] | None) -> np.ndarray:
    """Distinct values that may hold PII in text (a superset of what `find_in_text` finds)."""
    wanted = TEXT_ENTITIES if text_entities is None else text_entities
    parts = [patterns.SEARCH_RE2[n] for n in patterns.SEARCH_ORDER if n in wanted]
    if "PHONE_NUMBER" in wanted:
        parts.append(patterns.PHONE_CONTEXT_RE2)
    if "PERSON" in wanted:
        parts.append(NAME_PAIR_RE2)
    if not parts:
        return np.zeros(len(uniques), dtype=bool)
    combined = "|".join(f"(?:{p})" for p in parts)
    return detect._np(pc.match_substring_regex(uniques, combined))


def _presidio_text_entities(values: list[str], wanted: set[str] | None) -> dict[str, int]:
    """Entities Presidio finds in a few free-text cells that nbaudit's patterns do not cover."""
    texts = [v[:2_000] for v in values[:_PRESIDIO_TEXT_CELLS]]
    counts: dict[str, int] = {}
    for hits in presidio_engine.analyze(texts):
        for ent in {h[2] for h in hits if h[2] not in patterns.SEARCH_PY}:
            if wanted is None or ent in wanted:
                counts[ent] = counts.get(ent, 0) + 1
    return counts


def _presidio_value_entity(values: list[str], wanted: set[str] | None) -> tuple[str, float] | None:
    if not values:
        return None
    counts: dict[str, int] = {}
    for value, hits in zip(values, presidio_engine.analyze(values), strict=True):
        full = {h[2] for h in hits if h[0] == 0 and h[1] >= len(value) - 1 and h[3] >= 0.5}
        for ent in full:
            if wanted is None or ent in wanted:
                counts[ent] = counts.get(ent, 0) + 1
    if not counts:
        return None
    ent, n = max(counts.items(), key=lambda t: t[1])
    share = n / len(values)
    return (ent, share) if share >= _STRUCTURED_MIN_SHARE else None


def _presidio_mask(uniques: pa.Array, ent: str) -> np.ndarray:
    """Flags over every distinct value for an entity only Presidio knows.

    Presidio's analyzer costs about half a millisecond a value; on many values, its
    recognizers' own patterns run vectorised instead, and their validators on the matches.
    """
    values = uniques.to_pylist()
    out = np.zeros(len(values), dtype=bool)
    if len(values) <= 5_000:
        for i, hits in enumerate(presidio_engine.analyze(values)):
            out[i] = any(h[2] == ent and h[0] == 0 for h in hits)
        return out
    for recognizer in presidio_engine.recognizers(ent):
        regexes = [p.regex for p in getattr(recognizer, "patterns", [])]
        if not regexes:
            continue
        combined = "|".join(f"(?:{r})" for r in regexes)
        matched = pd.Series(values, dtype=object).str.fullmatch(combined).fillna(False)
        for i in np.flatnonzero(matched.to_numpy(dtype=bool)):
            verdict = recognizer.validate_result(values[i])
            out[i] = verdict is not False
    return out


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
    rng = np.random.default_rng(seed)
    reports: list[ColumnReport] = []
    flags: dict[int, np.ndarray] = {}
    for i, pos in enumerate(positions):
        if progress:
            progress(i / max(1, len(positions)), f"column {names[pos]}")
        series = frame.iloc[:, pos]
        rep, mask = _classify(series, pos, names[pos], frame.columns[pos], wanted,
                              float(min_score), size, rng)
        reports.append(rep)
        if mask is not None:
            flags[pos] = mask
    if progress:
        progress(1.0, "done")
    return PiiScan(
        columns=tuple(reports),
        n_rows=len(frame),
        sample_size=size,
        mode=presidio_engine.mode(),
        elapsed=time.perf_counter() - start,
        min_score=float(min_score),
        frame=frame,
        _flags=flags,
    )


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
    size = settings.sample_size if sample_size is None else int(sample_size)
    if size < 1:
        raise ValueError("sample_size must be a positive number of rows.")
    if not 0.0 <= float(min_score) <= 1.0:
        raise ValueError(f"min_score must be between 0 and 1, not {min_score}.")
    wanted = _check_entities(entities)
    names = _labels(frame)
    positions = _check_columns(frame, names, columns)
    return frame, names, positions, wanted, size


def _check_frame(df: Any) -> pd.DataFrame:
    if isinstance(df, pd.Series):
        return df.to_frame()
    if not isinstance(df, pd.DataFrame):
        kind = type(df).__name__
        hint = ""
        if hasattr(df, "to_pandas"):
            hint = " Convert it with .to_pandas() first."
        raise TypeError(f"scan_pii needs a pandas DataFrame, not {kind}.{hint}")
    if df.shape[1] == 0:
        raise ValueError("The DataFrame has no columns: there is nothing to scan.")
    return df


def _check_entities(entities: Sequence[str] | None) -> set[str] | None:
    if entities is None:
        return None
    if isinstance(entities, str):
        entities = [e.strip() for e in entities.split(",") if e.strip()]
    wanted = {str(e).upper() for e in entities}
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
    if isinstance(columns, str):
        columns = [columns]
    positions = []
    for col in columns:
        matches = [i for i, (label, name) in enumerate(zip(frame.columns, names, strict=True))
                   if label == col or name == col]
        if not matches:
            raise ValueError(
                f"No column {col!r} in the frame. Columns: {', '.join(names)}."
            )
        positions.extend(m for m in matches if m not in positions)
    return positions
