"""PII inside free text: validated, non-overlapping spans."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import lru_cache

from ..config import settings
from . import national_ids, patterns, phones, places, presidio_engine
from .names import names_in_text

Span = tuple[int, int, str, float]
# Entities found inside free text (PERSON by the name lexicon, offline; more with NER).
TEXT_ENTITIES = [*patterns.SEARCH_ORDER, "PERSON", "ID_NUMBER", "LOCATION", "NRP", "DATE_TIME",
                 "AGE"]

TEXT_SCORES = {
    "SECRET": 0.95, "EMAIL_ADDRESS": 0.95, "IBAN_CODE": 0.95, "CREDIT_CARD": 0.9,
    "US_SSN": 0.85, "IP_ADDRESS": 0.8, "PHONE_NUMBER": 0.6, "URL": 0.5,
}
_DATE = re.compile(patterns.FULL["DATE_TIME"])
_GROUPS = re.compile(r"[0-9]+")
_DIGIT = re.compile(r"[0-9]")
_NEEDS_DIGIT = {"IBAN_CODE", "CREDIT_CARD", "US_SSN", "IP_ADDRESS", "PHONE_NUMBER"}


@lru_cache(maxsize=64)
def _combined(names: tuple[str, ...]) -> re.Pattern[str]:
    # One pass per cell: an alternation of named groups in priority order (the leftmost
    # match wins, ties go to the earlier entity: an email before the URL inside it).
    return re.compile("|".join(f"(?P<{n}>{patterns.SEARCH_PY[n].pattern})" for n in names))


def _phone_ok(span: str) -> bool:
    if _DATE.fullmatch(span):
        return False
    main = re.split(r"x|ext", span, maxsplit=1)[0]
    return span[0] in "+(" or len(_GROUPS.findall(main)) >= 3


def find_in_text(
    text: str, entities: Iterable[str] | None = None
) -> list[tuple[int, int, str, float]]:
    """Find PII inside a string.

    Parameters
    ----------
    text
        Any text (a review, a note, a log line).
    entities
        Restrict to these entity names (default: all text entities).

    Returns
    -------
    list of (start, end, entity, score)
        Non-overlapping spans, in order, each passed by its validator (Luhn for cards,
        mod-97 for IBANs, SSN rules, 7-15 digits for phones).
    """
    # Cheap character tests first: most cells rule out most entities (no '@', no digit).
    has_digit = _DIGIT.search(text) is not None
    names = tuple(
        n for n in patterns.SEARCH_ORDER
        if (entities is None or n in entities)
        and (has_digit or n not in _NEEDS_DIGIT)
        and (n != "EMAIL_ADDRESS" or "@" in text)
        and (n != "URL" or "://" in text or "www." in text)
    )
    found: list[tuple[int, int, str, float]] = []
    if names:
        for m in _combined(names).finditer(text):
            name = m.lastgroup or ""
            span = m.group()
            validator = patterns.VALIDATORS.get(name)
            if validator is not None and not validator(span):
                continue
            if name == "PHONE_NUMBER" and not _phone_ok(span):
                continue
            found.append((m.start(), m.end(), name, TEXT_SCORES[name]))
    extra: list[tuple[int, int, str, float]] = []
    if "PHONE_NUMBER" in names:
        extra += [(*m.span(1), "PHONE_NUMBER", 0.5) for m in patterns.PHONE_CONTEXT.finditer(text)]
    if has_digit and (entities is None or "PHONE_NUMBER" in entities):
        extra += phones.find_phones(text)  # libphonenumber: numbers of every region
    if has_digit and (entities is None or "ID_NUMBER" in entities):
        extra += [(s, e, scheme, score) for s, e, scheme, score
                  in national_ids.find_national_ids(text)]
    if extra:
        found = merge_spans(found, extra)
    # Then, in order of trust: street addresses (before names: "12 William Haven"), names,
    # places, dates and ages; each only where nothing earlier matched.
    for entity, finder in _LATER:
        if entities is None or entity in entities:
            more = finder(text)
            if more:
                found = merge_spans(found, more)
    return found


_LATER = (
    ("LOCATION", places.addresses_in_text),
    ("PERSON", names_in_text),
    ("LOCATION", places.places_in_text),
    ("DATE_TIME", places.dates_in_text),
    ("AGE", places.ages_in_text),
)


def merge_spans(
    kept: list[tuple[int, int, str, float]], extra: list[tuple[int, int, str, float]]
) -> list[tuple[int, int, str, float]]:
    """Add the `extra` spans that overlap neither `kept` (sorted, disjoint) nor each other.

    Linear after sorting: a text full of candidate names must not cost quadratic time.
    """
    starts = [k[0] for k in kept]
    out = list(kept)
    last_end = -1
    for hit in sorted(extra):
        start, end = hit[0], hit[1]
        if start < last_end:
            continue
        i = bisect.bisect_left(starts, end)  # kept spans starting before our end
        if i and kept[i - 1][1] > start:
            continue
        out.append(hit)
        last_end = end
    return sorted(out)


def known_spans(text: str, known: list[tuple[str, str]]) -> list[tuple[int, int, str, float]]:
    """Where given values (a row's own name, email...) recur in a text: (start, end, entity,
    score). Values under 4 characters are skipped (too common to mean anything)."""
    spans = []
    for value, ent in known:
        if len(value) < 4:
            continue
        start = text.find(value)
        while start >= 0:
            spans.append((start, start + len(value), ent, 0.9))
            start = text.find(value, start + len(value))
    return spans


def find_in_texts(texts: list[str], entities: Iterable[str] | None = None) -> list[list[Span]]:
    """`find_in_text` for many texts, with the NER tier's spans merged in when it is on.

    NER runs once over the whole batch (spaCy's `nlp.pipe`); pattern and lexicon spans win
    where the two overlap, since they are validated.
    """
    wanted = None if entities is None else set(entities)
    found = [find_in_text(t, wanted) for t in texts]
    if not settings.ner_model or not texts:
        return found
    for i, spans in enumerate(presidio_engine.ner_spans(texts)):
        keep = [h for h in spans if wanted is None or h[2] in wanted]
        if keep:
            found[i] = merge_spans(found[i], keep)
    return found
