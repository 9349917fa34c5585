"""Classify one column: a sequence of named stages over a small column-sample type.

Stages run in order and the first verdict wins:

1. `typed`: the dtype says it all (datetimes, booleans, all-null columns).
2. `structured`: whole-value detectors scored on a sample (emails, names, IDs, places...).
3. `free_text`: PII inside longer strings (patterns, name lexicon and, in the NER tier,
   spaCy through Presidio).
4. `presidio_values`: entities only Presidio's recognizers know (UK NHS, crypto wallets...).
5. `header_fail_safe`: the header says personal data and the values did not verify: the
   column is "possible PII" and masked all the same (a miss is a leak, a false alarm a click).
6. Nothing found.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .._checks import is_missing
from ..config import settings
from . import detect, patterns, presidio_engine
from .entities import entity
from .headers import (
    ADDRESS_PART_HEADERS,
    NOT_PERSON,
    ORGANISATION_HEADERS,
    header_hints,
    header_tokens,
)
from .text import TEXT_ENTITIES, candidate_re2, find_in_texts

if TYPE_CHECKING:
    import regex

SCOUT_CELLS = 1_000
STRUCTURED_MIN_SHARE = 0.5  # a column is labelled from its hit rate, not from a few hits
TEXT_MIN_SHARE = 0.01  # free text: at least 1% of cells (and 3 cells) hold PII
SHORT_TEXT_MIN_SHARE = 0.1  # strings of a few words: at least 10%
TEXT_SAMPLE_CELLS = 2_000
PRESIDIO_TEXT_CELLS = 40  # enough to see an entity twice; Presidio costs ~2 ms a cell
PRESIDIO_VALUE_CELLS = 30
TEXT_VALUES_LIMIT = 50_000  # distinct free-text spans kept per column (see ColumnReport)
_FRACTION = re.compile(r"\.[0-9]*[1-9]")
MAX_TEXT = 20_000  # characters of one cell examined in the sample stages
TEXT_VALIDATE_LIMIT = 10_000  # distinct free-text candidates checked in Python per column
_ID_HEADERS = {"US_SSN", "US_PASSPORT", "US_DRIVER_LICENSE"}
# Headers that name personal data strongly enough to mask the column when values disagree.
FAIL_SAFE_ENTITIES = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "SOCIAL_HANDLE", "US_SSN",
                      "US_PASSPORT", "US_DRIVER_LICENSE", "ID_NUMBER", "IBAN_CODE",
                      "CREDIT_CARD", "DATE_OF_BIRTH", "LOCATION", "IP_ADDRESS", "URL",
                      "SECRET", "HEALTH", "GEO_COORDINATE")
_SPECIAL = detect.SPECIAL_CATEGORIES


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
    #: Shape statistics of the sampled values ("7 distinct of 2,000; mean 7 chars..."),
    #: kept apart from `evidence` (the reasons): the widget shows both, reports the reasons.
    statistics: str = ""
    # True when only the header says personal data: masked, but unverified.
    possible: bool = False
    # True when the column's own name is personal data: `name` is then a masked stand-in.
    label_masked: bool = False
    #: Free text: the distinct PII spans found in the cells the scan read (lower-cased, with
    #: their entity), so that pages and outputs mask them in every cell. Kept in the kernel:
    #: never in `to_dict`, reports or widget state.
    text_values: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

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
            "statistics": self.statistics,
            "handling": self.handling,
            "n_non_null": self.n_non_null,
            "n_flagged": self.n_flagged,
            "contains": dict(self.contains),
            "colour": entity(self.entity).colour,
            "possible": self.possible,
            "label_masked": self.label_masked,
        }


Verdict = tuple[ColumnReport, "np.ndarray | None"]


# --- the column sample ------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ColumnSample:
    """What every stage needs to know about one column, computed once."""

    position: int
    label: Hashable
    name: str
    dtype: str
    n_rows: int
    hints: dict[str, str]
    entities: set[str] | None
    min_score: float
    codes: np.ndarray  # per row: index into `uniques`, -1 for null
    uniques: pa.Array  # distinct values as stripped text
    present: np.ndarray  # row positions of non-null values
    pick: np.ndarray  # sampled row positions, random order
    sample_text: pa.Array  # the distinct sampled values
    inverse: np.ndarray  # per sampled row: index into `sample_text`
    shape: detect.Shape
    stringy: bool
    # What stages that passed found, for the "nothing found" evidence.
    notes: list[str] = field(default_factory=list)
    spans: dict[str, str] = field(default_factory=dict)  # free-text spans found (lower-cased)

    @property
    def n_non_null(self) -> int:
        return int(self.present.size)

    @property
    def n_sample(self) -> int:
        return int(self.pick.size)

    @property
    def sampled(self) -> bool:
        return self.n_non_null > self.n_sample

    @property
    def hint_text(self) -> str:
        return "; ".join(f"header '{kw}' suggests {e}" for e, kw in self.hints.items())

    def wants(self, name: str) -> bool:
        return self.entities is None or name in self.entities

    def row_flags(self, mask_unique: np.ndarray) -> np.ndarray:
        """Per-row flags from a mask over `uniques`."""
        flags = np.zeros(self.n_rows, dtype=bool)
        flags[self.present] = mask_unique[self.codes[self.present]]
        return flags

    def report(self, ent: str, share: float, conf: float, evidence: str,
               flags: np.ndarray | None, *, contains: dict[str, int] | None = None,
               role: str | None = None, level: str | None = None,
               handling: str | None = None, possible: bool = False) -> Verdict:
        return make_report(self.position, self.label, self.name, self.dtype, ent, share, conf,
                           evidence, self.n_non_null, flags, contains=contains, role=role,
                           level=level, handling=handling, possible=possible,
                           text_values=self.spans, statistics=self.shape.describe())

    def keep_spans(self, texts: list[str], found: list[list[Any]]) -> None:
        """Remember the distinct spans found in `texts` (up to `TEXT_VALUES_LIMIT`)."""
        for text, hits in zip(texts, found, strict=True):
            for start, end, ent, _ in hits:
                value = text[start:end].strip().lower()
                if len(value) >= 4 and not value.isdigit() and len(self.spans) < TEXT_VALUES_LIMIT:
                    self.spans.setdefault(value, ent)


def make_report(position: int, label: Hashable, name: str, dtype: str, ent: str, share: float,
                conf: float, evidence: str, n_non_null: int, flags: np.ndarray | None, *,
                contains: dict[str, int] | None = None, role: str | None = None,
                level: str | None = None, handling: str | None = None,
                possible: bool = False, text_values: dict[str, str] | None = None,
                statistics: str = "") -> Verdict:
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
        contains=contains or {}, possible=possible, text_values=text_values or {},
        statistics=statistics,
    ), flags


def cell_text(value: Any) -> str:
    """Text of one cell as the detectors see it (bytes decoded, containers repr'd)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return "" if is_missing(value) else str(value)


def _well_formed(text: str) -> str:
    """`text` with lone surrogates ("\\ud800", from broken decoding) as U+FFFD: Arrow and
    UTF-8 take only well-formed text."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def arrow_text(values: list[Any]) -> pa.Array:
    """An Arrow string array of `values` (str or None); lone surrogates become U+FFFD."""
    try:
        return pa.array(values, type=pa.string())
    except UnicodeEncodeError:
        return pa.array([v if v is None else _well_formed(v) for v in values], type=pa.string())


def factorize(series: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """Integer codes per row (-1 for null) and the distinct values as stripped text."""
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except (TypeError, pa.ArrowNotImplementedError, pa.ArrowInvalid):
        # Unhashable cells (lists, dicts) and Arrow nested types: their text.
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
        text = arrow_text(np.asarray(uniques, dtype=object).tolist())
    else:
        text = arrow_text([cell_text(v) for v in uniques])
    return codes, pc.utf8_trim_whitespace(text)


# --- stages -----------------------------------------------------------------------------
def typed(series: pd.Series, position: int, label: Hashable, name: str,
          hints: dict[str, str], entities: set[str] | None) -> Verdict | None:
    """Datetime and boolean dtypes: the type says it all."""
    dtype = str(series.dtype)
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        notnull = series.notna().to_numpy()
        n = int(notnull.sum())
        ent = "DATE_OF_BIRTH" if "DATE_OF_BIRTH" in hints else "DATE_TIME"
        if entities is not None and ent not in entities:
            return make_report(position, label, name, dtype, "NONE", 0.0, 0.0,
                               "datetime column (entity not requested)", n, None)
        hint = "; ".join(f"header '{kw}' suggests {e}" for e, kw in hints.items())
        why = (hint + "; " if ent == "DATE_OF_BIRTH" else "") + "datetime dtype"
        conf = 0.95 if ent == "DATE_OF_BIRTH" else 0.9
        return make_report(position, label, name, dtype, ent, 1.0 if n else 0.0,
                           conf if n else 0.0, why, n, notnull)
    if pd.api.types.is_bool_dtype(series.dtype):
        n = int(series.notna().sum())
        return make_report(position, label, name, dtype, "NONE", 0.0, 0.0, "boolean column",
                           n, None)
    return None


def structured(col: ColumnSample) -> Verdict | None:
    """Score every plausible detector on a scout sample, confirm the winner on the sample."""
    n_sample = col.n_sample
    scout = np.unique(col.inverse[:SCOUT_CELLS]) if n_sample > SCOUT_CELLS else None
    scout_text = col.sample_text.take(pa.array(scout)) if scout is not None else col.sample_text
    scout_inverse = (np.searchsorted(scout, col.inverse[:SCOUT_CELLS]) if scout is not None
                     else col.inverse)
    scores: list[tuple[float, float, str]] = []
    shares: dict[str, float] = {}
    # Special categories: values that say "none" or "unknown" count neither way.
    neutral: dict[str, np.ndarray] = {}

    def share_of(ent: str, mask_u: np.ndarray, text: pa.Array, inverse: np.ndarray,
                 key: str) -> tuple[float, int]:
        if ent not in _SPECIAL:
            return float(mask_u[inverse].mean()), int(inverse.size)
        if key not in neutral:
            neutral[key] = detect.absent(text)
        return _informative_share(mask_u, inverse, neutral[key])

    n_counted = n_sample
    organisation = bool(set(header_tokens(col.name)[0]) & ORGANISATION_HEADERS)
    for ent_name in detect.PRIORITY:
        if not col.wants(_reported_as(ent_name)):
            continue
        hinted = _hint_for(col.hints, ent_name)
        if not detect.column_allows(ent_name, col.shape, hinted):
            continue
        if ent_name == "PERSON" and organisation:
            continue
        mask_u = detect.DETECTORS[ent_name](scout_text, hinted)
        if not mask_u.any():
            continue
        share, _ = share_of(ent_name, mask_u, scout_text, scout_inverse, "scout")
        shares[ent_name] = share
        conf = _confidence(share, hinted, ent_name in patterns.VALIDATORS)
        if ent_name == "ID_NUMBER" and "ID_NUMBER" not in col.hints:
            conf *= 0.9  # an "ssn" header: prefer US_SSN when the values are US SSNs
        scores.append((conf, share, ent_name))
    best = max(scores, key=lambda t: (t[0], -detect.PRIORITY.index(t[2])), default=None)
    confirmed: np.ndarray | None = None
    if best is not None and scout is not None and best[1] >= STRUCTURED_MIN_SHARE / 2:
        ent_name = best[2]
        hinted = _hint_for(col.hints, ent_name)
        confirmed = detect.DETECTORS[ent_name](col.sample_text, hinted)
        share, _ = share_of(ent_name, confirmed, col.sample_text, col.inverse, "sample")
        shares[ent_name] = share
        best = (_confidence(share, hinted, ent_name in patterns.VALIDATORS), share, ent_name)
    if best is None or best[1] < STRUCTURED_MIN_SHARE or best[0] < col.min_score:
        return None
    conf, share, ent_name = best
    hinted = _hint_for(col.hints, ent_name)
    if ent_name in _SPECIAL:
        if "sample" not in neutral:
            neutral["sample"] = detect.absent(col.sample_text)
        n_counted = int((~neutral["sample"][col.inverse]).sum())
    # Unsampled columns: the sample is every distinct value, already tested.
    if col.sampled:
        mask_all = detect.DETECTORS[ent_name](col.uniques, hinted)
    elif confirmed is not None:
        mask_all = confirmed
    else:
        mask_all = detect.DETECTORS[ent_name](col.sample_text, hinted)
    return _structured_report(col, ent_name, share, conf, col.row_flags(mask_all), shares,
                              n_counted)


def _structured_report(col: ColumnSample, ent_name: str, share: float, conf: float,
                       flags: np.ndarray, shares: dict[str, float], n_counted: int) -> Verdict:
    """The structured stage's verdict: its evidence, and the entity refined (national ID
    schemes, places or street addresses)."""
    n_sample = col.n_sample
    hinted = _hint_for(col.hints, ent_name)
    parts = []
    if hinted:
        parts.append(f"header '{_hint_word(col.hints, ent_name)}'")
    parts.append(_evidence_share(share, n_counted, col.sampled))
    if n_counted < n_sample:
        left = n_sample - n_counted
        parts.append(f"{left:,} value{'' if left == 1 else 's'} saying none or unknown "
                     "neither counted nor flagged")
    if ent_name in patterns.VALIDATOR_NAMES:
        parts.append(f"{patterns.VALIDATOR_NAMES[ent_name]} passed")
    if ent_name == "PERSON":
        parts.append("words of a name with a given name or surname from the name lexicon")
    if ent_name in _SPECIAL:
        parts.append("GDPR Art. 9 special category: keep only with a lawful basis")
    runner_up = sorted(((s, e) for e, s in shares.items() if e != ent_name), reverse=True)
    if runner_up and runner_up[0][0] >= 0.2:
        parts.append(f"also {runner_up[0][0]:.0%} {runner_up[0][1]}")
    role = level = handling = None
    if ent_name == "NATIONAL_ID":
        schemes = detect.national_id_scheme_masks(col.sample_text, hinted)
        counts = {k: int(v[col.inverse].sum()) for k, v in schemes.items()}
        scheme = max(counts, key=lambda k: counts[k])
        parts.insert(1, f"{scheme} check digits verify (python-stdnum)")
        ent_name = scheme
    address_part = bool(set(header_tokens(col.name)[0]) & ADDRESS_PART_HEADERS)
    if ent_name in ("PLACE", "LOCATION") and address_part:
        # "Carl Elliott Building", "Apt 4": a line of someone's street address, not a town.
        ent_name, handling = "LOCATION", "drop"
        parts.insert(1, "a part of a street address (building, suite, apartment)")
    elif ent_name == "PLACE":
        ent_name, role, level, handling = "LOCATION", "quasi_identifier", "medium", "generalize"
        parts.insert(1, "place names (cities, countries, states)")
    elif ent_name == "LOCATION":
        street_share = float(detect.street_address(col.sample_text)[col.inverse].mean())
        if street_share < 0.5:  # places (city, country): quasi-identifiers
            role, level, handling = "quasi_identifier", "medium", "generalize"
            parts.insert(1, "place names")
        else:
            # Street addresses single people out; no hierarchy turns one into a city.
            handling = "drop"
            parts.insert(1, "street addresses")
    return col.report(ent_name, share, conf, "; ".join(parts), flags, role=role, level=level,
                      handling=handling)


def free_text(col: ColumnSample) -> Verdict | None:
    """PII inside longer strings (reviews, notes, logs).

    An RE2 pass over the sample's distinct values finds candidate cells; only those get the
    validating Python pass (and, in the NER tier, every sampled cell goes to spaCy).
    """
    text_entities = None if col.entities is None else col.entities & set(TEXT_ENTITIES)
    if header_tokens(col.name)[0] and set(header_tokens(col.name)[0]) & NOT_PERSON:
        # "company", "product", "job title": names in them are namesakes, not people.
        text_entities = (set(TEXT_ENTITIES) if text_entities is None else text_entities) - {
            "PERSON"}
    if not (col.stringy and col.shape.mean_tokens >= 1.5
            and (col.entities is None or text_entities)):
        return None
    ner = bool(settings.ner_model)
    text_pick = col.pick[:TEXT_SAMPLE_CELLS]
    n_text = len(text_pick)
    sample_codes = np.unique(col.codes[text_pick])
    if ner:
        likely = sample_codes
    else:
        candidate = text_candidates(col.uniques.take(pa.array(sample_codes)), text_entities)
        likely = sample_codes[candidate]
    texts = [v[:MAX_TEXT] for v in col.uniques.take(pa.array(likely)).to_pylist()]
    found_sample = find_in_texts(texts, text_entities)
    col.keep_spans(texts, found_sample)
    hits_by_code = dict(zip(likely.tolist(), found_sample, strict=True))
    contains: dict[str, int] = {}
    hit_cells = 0
    for code in col.codes[text_pick]:
        hits = hits_by_code.get(int(code))
        if hits:
            hit_cells += 1
            for ent in {h[2] for h in hits}:
                contains[ent] = contains.get(ent, 0) + 1
    text_share = hit_cells / n_text if n_text else 0.0
    presidio_note = ""
    if col.shape.is_free_text or hit_cells:
        sample_values = col.uniques.take(pa.array(col.codes[text_pick[:PRESIDIO_TEXT_CELLS]]))
        extra = _presidio_text_entities(sample_values.to_pylist(), text_entities)
        extra = {e: n for e, n in extra.items() if n >= 2}  # one odd hit is noise
        for ent, n in extra.items():
            contains[ent] = max(contains.get(ent, 0), n)
        if extra:  # its own sample (Presidio is slow): say of how many cells
            presidio_note = "; Presidio also found " + ", ".join(
                f"{e} in {n}" for e, n in sorted(extra.items())) + (
                f" of the {len(sample_values):,} cells it read")
    text_conf = min(0.99, 0.5 + text_share)
    # Short strings (titles, labels) must hold PII often, prose only now and then.
    min_share = TEXT_MIN_SHARE if col.shape.is_free_text else SHORT_TEXT_MIN_SHARE
    if not (hit_cells >= 3 and text_share >= min_share and text_conf >= col.min_score):
        if hit_cells:
            col.notes.append(f"{hit_cells} of {n_text:,} sampled cells hold PII (too few)")
        return None
    # Exact count over every distinct value: cells with a hit that needs no validation are
    # flagged in RE2; only the other candidates go through the Python (and NER) pass.
    mask_u = np.zeros(len(col.uniques), dtype=bool)
    for code, hits in hits_by_code.items():
        mask_u[code] = bool(hits)
    rest = np.ones(len(col.uniques), dtype=bool)
    rest[list(hits_by_code)] = False
    if not ner:
        rest &= text_candidates(col.uniques, text_entities)
        sure = rest & patterns.contains(col.uniques, patterns.SURE_RE2)
        mask_u |= sure
        rest &= ~sure
    todo = np.flatnonzero(rest)
    unverified = 0
    if todo.size > TEXT_VALIDATE_LIMIT:
        # Past this many candidates a Python pass would take minutes: the rest count as PII
        # (fail safe; pages find the spans of every cell they show, flagged or not).
        unverified = int(todo.size - TEXT_VALIDATE_LIMIT)
        mask_u[todo[TEXT_VALIDATE_LIMIT:]] = True
        todo = todo[:TEXT_VALIDATE_LIMIT]
    if todo.size:
        values = [v[:MAX_TEXT] for v in col.uniques.take(pa.array(todo)).to_pylist()]
        found = find_in_texts(values, text_entities)
        col.keep_spans(values, found)
        mask_u[todo] = [bool(h) for h in found]
    flags = col.row_flags(mask_u)
    if unverified:
        col.notes.append(f"{unverified:,} distinct candidate cells counted as PII unverified")
    listed = ", ".join(f"{e} in {n}" for e, n in sorted(contains.items(), key=lambda t: -t[1]))
    tier = "; NER tier: " + presidio_engine.tier() if ner else ""
    counted = "".join(f"; {n}" for n in col.notes)
    evidence = (f"free text; {text_share:.1%} of {n_text:,} sampled cells hold PII "
                f"({listed}){presidio_note}{tier}{counted}")
    return col.report("FREE_TEXT", text_share, text_conf, evidence, flags, contains=contains)


def presidio_values(col: ColumnSample) -> Verdict | None:
    """Entities nbaudit has no detector for: ask Presidio's recognizers on a few values."""
    if col.shape.is_free_text or col.shape.mean_length >= 64:
        return None
    values = col.sample_text.to_pylist()[:PRESIDIO_VALUE_CELLS]
    n_values = len(values)
    if col.dtype.lower().startswith("float") and any(_FRACTION.search(v) for v in values):
        return None  # measurements: no recognizer matches a number with a fraction
    if not settings.ner_model:
        # Without a model only Presidio's pattern recognizers can match (its phone recognizer
        # finds what libphonenumber found in the structured stage): a value none of their
        # regexes matches costs half a millisecond in `analyze` for nothing (10,000 columns:
        # a minute), and a fraction of that in one combined search.
        # Pure numbers shorter than 8 digits match none of them (SSN, ITIN, NHS, cards,
        # passports need 8 or more), and skip the long alternation.
        prefilter = _presidio_patterns()
        values = [v for v in values if not (v.isdigit() and len(v) < 8) and prefilter.search(v)]
        if not values:
            return None
    found = _presidio_value_entity(values, col.entities, n_values)
    if found is None or 0.9 * found[1] < col.min_score:
        return None
    ent_name, share = found
    flags = col.row_flags(_presidio_mask(col.uniques, ent_name))
    n_tested = min(len(col.sample_text), PRESIDIO_VALUE_CELLS)
    evidence = f"Presidio {ent_name} recognizer: {share:.0%} of {n_tested} distinct values"
    return col.report(ent_name, share, 0.9 * share, evidence, flags)


def header_fail_safe(col: ColumnSample) -> Verdict | None:
    """The header names personal data and the values did not verify: possible PII.

    Every non-null cell is masked; the evidence says that only the header spoke. The user
    overrides with ``handling={"col": "keep"}`` once they have looked.
    """
    hinted = [e for e in FAIL_SAFE_ENTITIES if e in col.hints and col.wants(e)]
    # Long headers describe measures ("Efficient use of medical imaging national
    # comparison"), not a person's attribute.
    if not hinted or len(header_tokens(col.name)[0]) > 3:
        return None
    ent = hinted[0]
    if ent == "ID_NUMBER" and col.shape.unique_ratio < 0.05 and col.n_sample >= 100:
        return None  # a handful of codes repeated over many rows is a category, not an ID
    word = col.hints[ent]
    role = handling = None
    if ent == "PERSON" and _handle_shaped(col.sample_text):
        ent = "SOCIAL_HANDLE"  # "name" of a platform's users: screen names, not names
    if ent == "LOCATION" and set(header_tokens(col.name)[0]) & ADDRESS_PART_HEADERS:
        handling = "drop"  # "suite", "building": a line of a street address
    elif ent == "LOCATION":  # "district", "region", "timezone": places, quasi-identifying
        role, handling = "quasi_identifier", "generalize"
    flags = col.row_flags(np.ones(len(col.uniques), dtype=bool))
    evidence = (f"possible PII: header '{word}' suggests {ent} but the values do "
                "not verify; masked until you say otherwise")
    return col.report(ent, 0.0, 0.3, evidence, flags, level="low", possible=True, role=role,
                      handling=handling)


def _handle_shaped(values: pa.Array) -> bool:
    """Mostly single tokens of a user name's alphabet, many with digits, underscores or
    inner capitals ("jnardino", "JetBlueNews", "pat_w1")."""
    if len(values) == 0:
        return False
    token = patterns.full_match(values, r"@?[A-Za-z0-9_.]{2,30}")
    marked = patterns.contains(values, r"[0-9_]|[a-z][A-Z]")
    return bool(token.mean() >= 0.9 and marked.mean() >= 0.2)


STAGES: tuple[Callable[[ColumnSample], Verdict | None], ...] = (
    structured, free_text, presidio_values, header_fail_safe,
)


def classify(series: pd.Series, position: int, name: str, label: Hashable,
             entities: set[str] | None, min_score: float, sample_size: int,
             rng: np.random.Generator) -> Verdict:
    """The verdict on one column and its per-row flags (None when nothing is flagged)."""
    hints = header_hints(name)
    if entities is not None:
        hints = {k: v for k, v in hints.items() if k in entities}
    verdict = typed(series, position, label, name, hints, entities)
    if verdict is not None:
        return verdict
    col = sample_column(series, position, name, label, hints, entities, min_score,
                        sample_size, rng)
    if col is None:
        return make_report(position, label, name, str(series.dtype), "NONE", 0.0, 0.0,
                           "all values are null", 0, None)
    if entities is not None:
        other = _other_entity(col, name)
        if other is not None:
            return col.report("NONE", 0.0, 0.0, f"{other} values (entity not requested)", None)
    for stage in STAGES:
        verdict = stage(col)
        if verdict is not None:
            return verdict
    why = [col.hint_text + " but the values do not match"] if col.hint_text else []
    why += col.notes
    return col.report("NONE", 0.0, 0.0, "; ".join(why) or "no personal data found", None)


def _other_entity(col: ColumnSample, name: str) -> str | None:
    """The entity the structured detectors give a column when they may look for any, if it
    is not one of those asked for: such a column (card numbers, timestamps) is not free
    text, and searching it as text for phones costs seconds for nothing."""
    everything = replace(col, entities=None, hints=header_hints(name))
    verdict = structured(everything)
    if verdict is None or col.entities is None or verdict[0].entity in col.entities:
        return None
    return verdict[0].entity


def sample_column(series: pd.Series, position: int, name: str, label: Hashable,
                  hints: dict[str, str], entities: set[str] | None, min_score: float,
                  sample_size: int, rng: np.random.Generator) -> ColumnSample | None:
    """Factorize a column once and draw its sample; None when every value is null."""
    codes, uniques = factorize(series)
    present = np.flatnonzero(codes >= 0)
    if present.size == 0:
        return None
    # Random order, so that the first thousand (the scout) are a random sample too.
    pick = rng.permutation(present)[:sample_size]
    sample_codes = codes[pick]
    su, inverse = np.unique(sample_codes, return_inverse=True)
    shape = detect.shape(uniques.take(pa.array(sample_codes[:SCOUT_CELLS])), len(pick), len(su))
    stringy = not (pd.api.types.is_numeric_dtype(series.dtype)
                   or isinstance(series.dtype, pd.CategoricalDtype))
    return ColumnSample(
        position=position, label=label, name=name, dtype=str(series.dtype),
        n_rows=len(series), hints=hints, entities=entities, min_score=min_score,
        codes=codes, uniques=uniques, present=present, pick=pick,
        sample_text=uniques.take(pa.array(su)), inverse=np.asarray(inverse).ravel(),
        shape=shape, stringy=stringy,
    )


# --- helpers ----------------------------------------------------------------------------
def _reported_as(detector: str) -> str:
    return {"PLACE": "LOCATION", "NATIONAL_ID": "ID_NUMBER"}.get(detector, detector)


def _hint_for(hints: dict[str, str], name: str) -> bool:
    if name in ("ID_NUMBER", "NATIONAL_ID"):  # a national ID header, values not US-shaped
        return "ID_NUMBER" in hints or bool(set(hints) & _ID_HEADERS)
    if name == "PLACE":
        return "LOCATION" in hints
    return name in hints


def _hint_word(hints: dict[str, str], name: str) -> str:
    if name in hints:
        return hints[name]
    if name == "PLACE":
        return hints.get("LOCATION", "")
    return next((hints[h] for h in _ID_HEADERS if h in hints), "")


def _confidence(share: float, hinted: bool, validated: bool) -> float:
    conf = 0.15 + 0.85 * share if hinted else share * 0.9
    if validated and share > 0:
        conf += 0.05
    return float(min(1.0, conf))


def _downgrade(level: str) -> str:
    order = ["none", "low", "medium", "high"]
    return order[max(1, order.index(level) - 1)]


MIN_INFORMATIVE = 3  # fewest values that say something before a special category is scored


def _informative_share(mask_u: np.ndarray, inverse: np.ndarray,
                       neutral_u: np.ndarray) -> tuple[float, int]:
    """Share of matching rows among those whose value is not `neutral_u` ("none"), and how
    many rows that is (0.0 below `MIN_INFORMATIVE` of them)."""
    informative = ~neutral_u[inverse]
    n = int(informative.sum())
    if n < MIN_INFORMATIVE:
        return 0.0, n
    return float(mask_u[inverse][informative].mean()), n


def _evidence_share(share: float, n: int, sampled: bool) -> str:
    which = "sampled values" if sampled else "non-null values"
    return f"{share:.1%} of {n:,} {which} match"


def text_candidates(uniques: pa.Array, text_entities: set[str] | None) -> np.ndarray:
    """Distinct values that may hold PII in text (a superset of the pattern tier's hits)."""
    wanted = TEXT_ENTITIES if text_entities is None else text_entities
    parts = [patterns.SEARCH_RE2[n] for n in patterns.SEARCH_ORDER if n in wanted]
    if "PHONE_NUMBER" in wanted:
        parts.append(patterns.PHONE_CONTEXT_RE2)
        parts.append(r"[0-9+(][0-9 ().\-/]{5,18}[0-9]")  # any phone-like run (libphonenumber)
    if "ID_NUMBER" in wanted:
        parts.append(r"[A-Z]{2}[0-9]{6}[A-D]|[0-9]{6,}|[A-Z0-9]{11,18}")
    parts.extend(candidate_re2(wanted))  # names, places, dates, ages, postcodes
    # One RE2 pass per pattern: a single big alternation overflows RE2's DFA cache and
    # falls back to its slower engine (2.5x slower, measured on 10,000 reviews).
    out = np.zeros(len(uniques), dtype=bool)
    for part in parts:
        out |= patterns.contains(uniques, part)
    return out


def _presidio_text_entities(values: list[str], wanted: set[str] | None) -> dict[str, int]:
    """Entities Presidio finds in a few free-text cells that nbaudit's patterns do not cover."""
    texts = [v[:2_000] for v in values[:PRESIDIO_TEXT_CELLS]]
    counts: dict[str, int] = {}
    for hits in presidio_engine.analyze(texts):
        for ent in {h[2] for h in hits if h[2] not in patterns.SEARCH_PY}:
            if wanted is None or ent in wanted:
                counts[ent] = counts.get(ent, 0) + 1
    return counts


@functools.cache
def _presidio_patterns() -> regex.Pattern[str]:
    """One search over every regex of Presidio's pattern recognizers (its own flags)."""
    import regex

    engine = presidio_engine.analyzer(None)
    parts, flags = [], 0
    for recognizer in engine.registry.recognizers:
        for pattern in getattr(recognizer, "patterns", None) or []:
            parts.append(f"(?:{pattern.regex})")
            flags = getattr(recognizer, "global_regex_flags", 0) or flags
    return regex.compile("|".join(parts) or "(?!)", flags)


def _presidio_value_entity(values: list[str], wanted: set[str] | None,
                           n_values: int) -> tuple[str, float] | None:
    """The entity Presidio finds as whole values, and its share of `n_values` values."""
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
    share = n / n_values
    return (ent, share) if share >= STRUCTURED_MIN_SHARE else None


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
        for i in np.flatnonzero(matched.to_numpy(dtype=bool)).tolist():
            verdict = recognizer.validate_result(values[i])
            out[i] = verdict is not False
    return out
