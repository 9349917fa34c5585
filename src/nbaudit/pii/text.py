"""PII inside free text: validated, non-overlapping spans."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import lru_cache

from . import lexicons, patterns

# Entities found inside free text (PERSON by the name lexicons, offline).
TEXT_ENTITIES = [*patterns.SEARCH_ORDER, "PERSON"]
# RE2 pre-filter for names in text: two capitalised words in a row.
NAME_PAIR_RE2 = r"\p{Lu}\p{Ll}+ \p{Lu}[\p{Ll}'’]+"
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’\-]{1,30}(?![\w])")

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
    if entities is None or "PERSON" in entities:
        extra += _names_in(text)
    return merge_spans(found, extra) if extra else found


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


def _names_in(text: str) -> list[tuple[int, int, str, float]]:
    """A known first name followed by a known surname, both capitalised ("Anna Smith")."""
    words = list(_CAPITALISED.finditer(text))
    if len(words) < 2:
        return []
    first, last = lexicons.first_names(), lexicons.last_names()
    folded: dict[str, str] = {}

    def fold(word: str) -> str:
        if word not in folded:
            folded[word] = word.upper() if word.isascii() else lexicons.fold(word)
        return folded[word]

    hits = []
    for a, b in zip(words, words[1:], strict=False):
        if b.start() != a.end() + 1 or text[a.end()] != " " or fold(a.group()) not in first:
            continue
        surname = fold(b.group())
        if surname in last or surname.replace("'", "").replace("’", "") in last:
            hits.append((a.start(), b.end(), "PERSON", 0.5))
    return hits


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
