"""PII inside free text: validated, non-overlapping spans."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from ..config import settings
from . import national_ids, patterns, phones, places, presidio_engine
from .names import NAME_CANDIDATE_RE2, names_in_text

Span = tuple[int, int, str, float]
# Entities found inside free text (PERSON by the name lexicon, offline; more with NER).
TEXT_ENTITIES = [*patterns.SEARCH_ORDER, "PERSON", "ID_NUMBER", "LOCATION", "NRP", "DATE_TIME",
                 "AGE", "POSTAL_CODE"]

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
    if "\\n" in text:
        # Line breaks kept escaped (JSON and CSV exports, logs): read as line breaks. The
        # "n" becomes a newline, so every offset stays the same.
        text = text.replace("\\n", "\\\n")
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
    # Written dates and street addresses first: a date-time ("2025-07-04 10:50:42") and the
    # house numbers of "Suite 782 33330 47 Kogil Street" hold phone-shaped digit runs.
    dates = (places.dates_in_text(text) if (has_digit or "day" in text) and (
        entities is None or "DATE_TIME" in entities or "PHONE_NUMBER" in entities) else [])
    addresses = (places.addresses_in_text(text) if has_digit and (
        entities is None or "LOCATION" in entities) else [])
    streets = [a for a in addresses if a[3] >= 0.7]  # those with a street word
    taken = _Cover(dates + streets)  # the phone finders skip both
    if names:
        for m in _combined(names).finditer(text):
            name = m.lastgroup or ""
            span = m.group()
            validator = patterns.VALIDATORS.get(name)
            if validator is not None and not validator(span):
                continue
            if name == "PHONE_NUMBER" and (not _phone_ok(span) or taken.overlaps(*m.span())):
                continue
            found.append((m.start(), m.end(), name, TEXT_SCORES[name]))
    if dates and (entities is None or "DATE_TIME" in entities):
        found = merge_spans(found, dates)
    if streets:
        found = merge_spans(found, streets)
    extra: list[tuple[int, int, str, float]] = []
    if "PHONE_NUMBER" in names:
        extra += [(*m.span(1), "PHONE_NUMBER", 0.5) for m in patterns.PHONE_CONTEXT.finditer(text)]
        extra += [h for h in _labelled_phones(text) if not taken.overlaps(h[0], h[1])]
    # The library finders cost a Python pass each: a cheap test of the text says whether
    # they can find anything at all.
    phone_run = has_digit and _PHONE_RUN.search(text) is not None
    if phone_run and (entities is None or "PHONE_NUMBER" in entities):
        # libphonenumber: numbers of every region (not the digits of a written date)
        extra += [p for p in phones.find_phones(text) if not taken.overlaps(p[0], p[1])]
    if has_digit and (entities is None or "ID_NUMBER" in entities) and _ID_HINT.search(text):
        extra += national_ids.find_national_ids(text)
    if extra:
        found = merge_spans(found, extra)
    # Then, in order of trust: the other addresses (before names: "12 William Haven"), places
    # a cue announces ("grew up in Kehra"), names, known places, ages and postcodes; each
    # only where nothing earlier matched.
    if len(addresses) > len(streets):
        found = merge_spans(found, [a for a in addresses if a[3] < 0.7])
    for entity, finder, gate in _LATER:
        if (entities is None or entity in entities) and (gate is None or (
                has_digit and gate.search(text))):
            more = finder(text)
            if more:
                found = merge_spans(found, more)
    return found


# A number a label calls a phone, before it ("Mobile: 22 678895", "call me on 650 2896",
# "Desk:\n5310270308") or after it ("042 847 3979 office", "(07700)921718 fax"): 6-15
# digits in a phone layout, whatever the region's numbering plan says.
_PHONE_LABEL = (r"(?:phone|tel|telephone|mobile|cell|cellphone|fax|desk|office|work|home|"
                r"whatsapp|landline|call(?: me| us)?(?: on| at)?|reach (?:me|us)(?: on| at)?|"
                r"text(?: me)?(?: on| at)?|messages to|dial)")
_PHONE_DIGITS = r"\+?\(?[0-9][0-9().\- ]{4,18}[0-9]"
_LABEL_BEFORE = re.compile(
    rf"(?i:\b{_PHONE_LABEL}(?: (?:number|no\.?|#))?[:.]?[ \t]{{0,4}}\n?[ \t]{{0,4}})"
    rf"({_PHONE_DIGITS})(?![0-9])")
_SUFFIXES = ("office", "fax", "mobile", "cell", "home", "work", "desk")
_LABEL_AFTER = re.compile(
    rf"(?<![\w+(.-])({_PHONE_DIGITS})[ \t]?-?[ \t]?(?i:{'|'.join(_SUFFIXES)})\b")
_LABEL_WORDS = ("phone", "tel", "mobile", "cell", "fax", "desk", "office", "work", "home",
                "whatsapp", "landline", "call", "reach", "text", "messages", "dial")


def _labelled_phones(text: str) -> list[Span]:
    lower = text.lower()  # (cheap tests first: most texts name no phone at all)
    matches = []
    if any(w in lower for w in _LABEL_WORDS):
        matches += list(_LABEL_BEFORE.finditer(text))
    if any(w in lower for w in _SUFFIXES):
        matches += list(_LABEL_AFTER.finditer(text))
    out = []
    for m in matches:
        g = 1
        span = m.group(g)
        digits = sum(c.isdigit() for c in span)
        if 6 <= digits <= 15 and not _DATE.fullmatch(span) and "  " not in span:
            out.append((m.start(g), m.end(g), "PHONE_NUMBER", 0.5))
    return sorted(set(out))


class _Cover:
    """The union of some spans, asked whether a span overlaps it (a bisection each time)."""

    def __init__(self, spans: list[Span]) -> None:
        merged: list[list[int]] = []
        for s, e, _, _ in sorted(spans):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)  # intervals starting before our end
        return bool(i) and self.ends[i - 1] > start


_PHONE_RUN = re.compile(r"[0-9+(][0-9 ().\-/]{5,}[0-9]")
_ID_HINT = re.compile(r"[0-9]{6}|[A-Z]{2}[0-9]{6}|[0-9]{3}[.\- ][0-9]{3}|[A-Z]{6}[0-9]{2}")
_LATER: tuple[tuple[str, Callable[[str], list[Span]], re.Pattern[str] | None], ...] = (
    # (entity, finder, a pattern the text must hold, given it holds a digit; None: no gate)
    ("LOCATION", places.cued_places_in_text, None),
    ("PERSON", names_in_text, None),
    ("LOCATION", places.places_in_text, None),
    ("NRP", places.groups_in_text, None),
    ("AGE", places.ages_in_text, places.AGE_HINT),
    ("POSTAL_CODE", places.postcodes_in_text, None),
)


def candidate_re2(entities: Iterable[str] | None = None) -> list[str]:
    """RE2 patterns for a vectorised pre-filter of the lexicon, address, place, date, age and
    postcode finders of `find_in_text` (the pattern entities have theirs in
    `patterns.SEARCH_RE2`). A superset of what they find, except one name or place opening
    a text with nothing else around it ("Jerry is late", "Paris was lovely"): a capital
    at the start of a text says nothing, and nearly every text has one."""
    wanted = set(TEXT_ENTITIES if entities is None else entities)
    out = []
    if "PERSON" in wanted:
        out.append(NAME_CANDIDATE_RE2)
    if "LOCATION" in wanted:
        # places (after a lower-case word or a colon, two capitalised words, in capitals);
        # addresses (a number beside a word)
        out.append(r"\p{Lu}\p{Ll}+ \p{Lu}|\p{Lu}{4}|[\p{Ll},;:] \p{Lu}"
                   r"|[0-9][A-Za-z]?,? \pL|\pL\.? [0-9]")
    if "DATE_TIME" in wanted:
        out.append(r"[0-9]{4}|[0-9][/.:\-][0-9]|(?i:(?:mon|tues|wednes|thurs|fri|satur|sun)day)")
    if "AGE" in wanted:
        out.append(r"(?i:age|turn|was|is|am|were|are|'m|'s|'re)[^0-9]{0,4}[0-9]"
                   r"|[0-9][ \-]?(?i:y/?o|yo|yrs?|years?)\b")
    if "POSTAL_CODE" in wanted:
        out.append(r"(?i:zip|post|plz|code|cap|cep)[^0-9]{0,8}[0-9A-Z]")
    if "NRP" in wanted:  # a lower-case nationality after "to be" ("we are proud greeks")
        out.append(r"(?i:\b(?:am|are|is|was|were|be)\b|'m|'re|'s) (?:\pL+ )?\p{Ll}{3,}"
                   r"(?:an|ans|ish|ese|i|is|ch|er|ers|ic|ek|eks|ss|ai|ais)\b")
    return out


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
    where the two overlap (letting NER win over the lexicon's weaker guesses was measured:
    it lost more than it gained with en_core_web_sm). NER dates count only when they hold a
    year, a written date or time, a month or a weekday ("the year", "8 years", "decades" say
    nothing about a person; a bare number there is more often a postcode).
    """
    wanted = None if entities is None else set(entities)
    found = [find_in_text(t, wanted) for t in texts]
    if not settings.ner_model or not texts:
        return found
    for i, spans in enumerate(presidio_engine.ner_spans(texts)):
        keep = [h for h in spans if (wanted is None or h[2] in wanted)
                and (h[2] != "DATE_TIME" or _DATE_WORD.search(texts[i], h[0], h[1]))]
        if keep:
            found[i] = merge_spans(found[i], keep)
    return found


_DATE_WORD = re.compile(
    r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])|[0-9][:/.\-][0-9]|(?i:\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?)\b)")


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
            if phrase[-2:] in ("'s", "’s") and len(phrase) > 2:  # "@JetBlue's CEO"
                possessive = phrase[:-2]
                if possessive.lower().lstrip("@") in known:
                    phrase = possessive
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
