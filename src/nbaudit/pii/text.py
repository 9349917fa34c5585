"""PII inside free text: validated, non-overlapping spans."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping
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
    # The library finders cost a Python pass each: a cheap test of the text says whether
    # they can find anything at all.
    phone_run = has_digit and _PHONE_RUN.search(text) is not None
    if phone_run and (entities is None or "PHONE_NUMBER" in entities):
        extra += phones.find_phones(text)  # libphonenumber: numbers of every region
    if has_digit and (entities is None or "ID_NUMBER" in entities) and _ID_HINT.search(text):
        extra += national_ids.find_national_ids(text)
    if extra:
        found = merge_spans(found, extra)
    # Then, in order of trust: street addresses (before names: "12 William Haven"), names,
    # places, dates and ages; each only where nothing earlier matched.
    for entity, finder, gate in _LATER:
        if (entities is None or entity in entities) and (gate is None or (
                has_digit and gate.search(text))):
            more = finder(text)
            if more:
                found = merge_spans(found, more)
    return found


_PHONE_RUN = re.compile(r"[0-9+(][0-9 ().\-/]{5,}[0-9]")
_ID_HINT = re.compile(r"[0-9]{6}|[A-Z]{2}[0-9]{6}|[0-9]{3}[.\- ][0-9]{3}|[A-Z]{6}[0-9]{2}")
_LATER: tuple[tuple[str, Callable[[str], list[Span]], re.Pattern[str] | None], ...] = (
    # (entity, finder, a pattern the text must hold, given it holds a digit; None: no gate)
    ("LOCATION", places.addresses_in_text, places.ADDRESS_HINT),
    ("PERSON", names_in_text, None),
    ("LOCATION", places.places_in_text, None),
    ("DATE_TIME", places.dates_in_text, _DATE_HINT := re.compile(r"[0-9]{2}")),
    ("AGE", places.ages_in_text, places.AGE_HINT),
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


# Dots only inside a token (j.doe, example.com): "@Airline...thanks" is two tokens; a hyphen
# separates ("Newark-Brussels"), and a phrase of tokens still matches "jean-pierre".
_TOKEN = re.compile(r"[\w@'’+]+(?:\.[\w@'’+]+)*")
_EDGE = ".,;:!?'’\"()-"


def known_values_in_text(text: str, known: Mapping[str, str],
                         max_words: int = 6) -> list[Span]:
    """Where values known to be personal data (any row's name, email, handle...) occur in a
    text: (start, end, entity, 0.9). Values are matched lower-cased, on word boundaries, up
    to `max_words` words; a handle also matches after an "@"."""
    if not known or not text:
        return []
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    spans: list[Span] = []
    i = 0
    while i < len(tokens):
        hit = None
        for j in range(min(len(tokens), i + max_words) - 1, i - 1, -1):
            start, end = tokens[i][0], tokens[j][1]
            phrase = text[start:end].strip(_EDGE)
            key = phrase.lower()
            ent = known.get(key) or (known.get(key[1:]) if key.startswith("@") else None)
            if ent and len(key) >= 4:
                offset = text[start:end].find(phrase)
                hit = (start + offset, start + offset + len(phrase), ent, 0.9)
                break
        if hit:
            spans.append(hit)
            while i < len(tokens) and tokens[i][0] < hit[1]:
                i += 1
        else:
            i += 1
    return spans
