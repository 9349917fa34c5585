"""Vectorised value detectors.

Each detector takes a pyarrow string array of stripped values and returns a boolean numpy
array: does each value hold the entity? The same detectors classify a column from its
sample and count flagged cells over the whole column (run on the column's distinct values),
so the inventory and the counts can never disagree.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import lexicons, names, national_ids, patterns, phones
from .patterns import as_mask, contains, full_match


def _digit_count(arr: pa.Array) -> np.ndarray:
    no_ext = pc.replace_substring_regex(arr, r"(?:x|ext\.?|#) ?[0-9]{1,6}$", "")
    only_digits = pc.replace_substring_regex(no_ext, r"[^0-9]", "")
    return np.asarray(pc.fill_null(pc.utf8_length(only_digits), 0))


def _folded_lower(arr: pa.Array) -> pa.Array:
    text = pc.utf8_normalize(arr, "NFKD")
    text = pc.replace_substring_regex(text, r"\p{Mn}", "")
    text = pc.replace_substring(text, "ß", "ss")
    return pc.utf8_lower(pc.replace_substring_regex(text, r"\s+", " "))


def _in_set(arr: pa.Array, words: frozenset[str]) -> np.ndarray:
    # A Python set lookup beats building an Arrow hash table of 90k names on every call.
    return np.fromiter((v in words for v in arr.to_pylist()), dtype=bool, count=len(arr))


def in_lexicon(arr: pa.Array, words: frozenset[str]) -> np.ndarray:
    return _in_set(_folded_lower(arr), words)


# --- entity detectors -------------------------------------------------------------------
def email(arr: pa.Array, hinted: bool) -> np.ndarray:
    return full_match(arr, patterns.FULL["EMAIL_ADDRESS"])


def url(arr: pa.Array, hinted: bool) -> np.ndarray:
    return full_match(arr, patterns.FULL["URL"])


def mac(arr: pa.Array, hinted: bool) -> np.ndarray:
    return full_match(arr, patterns.FULL["MAC_ADDRESS"])


def ip(arr: pa.Array, hinted: bool) -> np.ndarray:
    mask = full_match(arr, patterns.FULL["IP_ADDRESS"])
    # IPv4 is exact in the regex; IPv6 compressed forms get the stdlib check.
    v6 = mask & as_mask(pc.match_substring(arr, ":"))
    if v6.any():
        mask = mask & ~v6 | patterns.validated(arr, v6, patterns.ip_ok)
    return mask


def ssn(arr: pa.Array, hinted: bool) -> np.ndarray:
    shaped = full_match(arr, patterns.FULL["US_SSN"] + ("|[0-9]{9}" if hinted else ""))
    return shaped & full_match(arr, patterns.SSN_VALID)


def credit_card(arr: pa.Array, hinted: bool) -> np.ndarray:
    mask = full_match(arr, patterns.FULL["CREDIT_CARD"])
    idx = np.flatnonzero(mask)
    if idx.size:
        mask = mask.copy()
        mask[idx] = patterns.luhn_ok_many(arr.take(pa.array(idx)))
    return mask


def iban(arr: pa.Array, hinted: bool) -> np.ndarray:
    return patterns.validated(arr, full_match(arr, patterns.FULL["IBAN_CODE"]), patterns.iban_ok)


def date_time(arr: pa.Array, hinted: bool) -> np.ndarray:
    return full_match(arr, patterns.FULL["DATE_TIME"])


def date_of_birth(arr: pa.Array, hinted: bool) -> np.ndarray:
    if not hinted:
        return np.zeros(len(arr), dtype=bool)
    # Also compact dates (19771216), which only a header makes a date of birth.
    mask = date_time(arr, hinted) | full_match(
        arr, r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])")
    years = pc.extract_regex(arr, r"(?P<y>(?:19|20)[0-9]{2})")
    year = pc.cast(pc.struct_field(years, "y"), pa.int64(), safe=False)
    plausible = as_mask(pc.and_(pc.greater_equal(year, 1900),
                            pc.less_equal(year, _dt.date.today().year)))
    return mask & plausible


# libphonenumber parses about 15,000 values a second: columns with more distinct values
# than this are flagged by the phone grammar instead (a superset; the column is masked whole).
PHONE_PARSE_LIMIT = 20_000
NATIONAL_ID_CHECK_LIMIT = 50_000


def phone_grammar(arr: pa.Array, hinted: bool) -> np.ndarray:
    """Phone-shaped values: 7-15 digits in a phone layout (no date, SSN, IP, ZIP or card)."""
    mask = full_match(arr, patterns.FULL["PHONE_NUMBER"])
    if not mask.any():
        return mask
    n_digits = _digit_count(arr)
    mask &= (n_digits >= 7) & (n_digits <= 15)
    # More specific shapes that the loose phone grammar also accepts.
    for other in ("DATE_TIME", "US_SSN", "IP_ADDRESS", "POSTAL_CODE"):
        mask &= ~full_match(arr, patterns.FULL[other])
    mask &= ~credit_card(arr, False)
    if not hinted:
        # Without a header saying "phone", ask for a phone-like layout: an international
        # prefix, brackets, or at least two separators (555-123-4567, 01 23 45 67 89).
        prefixed = contains(arr, r"^(?:\+|00|\()")
        separated = contains(arr, r"[0-9][ .\-/][0-9]+[ .\-/)][0-9]")
        mask &= prefixed | separated
    return mask


def phone(arr: pa.Array, hinted: bool) -> np.ndarray:
    """Phone numbers: under a phone header the grammar (fictional 555 numbers are still
    someone's field to mask); without one, numbers that libphonenumber holds valid."""
    grammar = phone_grammar(arr, hinted)
    if hinted or len(arr) > PHONE_PARSE_LIMIT or not grammar.any():
        return grammar
    return phones.phone_mask(arr, hinted=False)


def national_id(arr: pa.Array, hinted: bool) -> np.ndarray:
    """National identity numbers whose check digits verify (python-stdnum).

    Without a header, a weak scheme (about one random number in ten passes a BSN check)
    counts only when nearly every value of the column passes; see `national_ids`.
    """
    if len(arr) > NATIONAL_ID_CHECK_LIMIT:
        # Decide the schemes on a sample, then flag every value of their shapes.
        rng = np.random.default_rng(0)
        picked = rng.choice(len(arr), NATIONAL_ID_CHECK_LIMIT, replace=False)
        sample = arr.take(pa.array(picked))
        found = national_id_scheme_masks(sample, hinted)
        mask = np.zeros(len(arr), dtype=bool)
        for name in found:
            scheme = national_ids.BY_NAME[name]
            mask |= full_match(arr, scheme.bare)
            if scheme.formatted:
                mask |= full_match(arr, scheme.formatted)
        return mask
    mask = np.zeros(len(arr), dtype=bool)
    for valid in national_id_scheme_masks(arr, hinted).values():
        mask |= valid
    return mask


def national_id_scheme_masks(arr: pa.Array, hinted: bool) -> dict[str, np.ndarray]:
    """Per national-ID scheme, the values that verify (all schemes under an ID header)."""
    if hinted:
        return national_ids.national_id_schemes(arr)
    return national_ids.accepted_national_ids(arr)


def postal_code(arr: pa.Array, hinted: bool) -> np.ndarray:
    if hinted:
        return full_match(arr, patterns.FULL["POSTAL_CODE"])
    # Unhinted, only shapes that nothing else takes: ZIP+4, UK, Canada.
    return full_match(
        arr,
        r"[0-9]{5}-[0-9]{4}|[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}|[A-Z][0-9][A-Z] [0-9][A-Z][0-9]",
    )


def location(arr: pa.Array, hinted: bool) -> np.ndarray:
    street = full_match(arr, patterns.FULL["LOCATION"]) & ~full_match(arr, patterns.FULL["URL"])
    if not hinted:
        # Without an address header a number and words ("1992 Summer", "3 Pack") are not an
        # address: a street-type word must be there too.
        return street & contains(arr, patterns.STREET_WORD_RE2)
    # Under an "address" header, words with a number are an address in any local format
    # ("Studio 33, Jackson Mission", "Nohlmansweg 21/85").
    street |= contains(arr, r"\p{L}{3}") & as_mask(
        pc.match_substring_regex(arr, r"(?:^|[\s,])[0-9]{1,5}[A-Za-z]?(?:$|[\s,/\-])")
    ) & ~contains(arr, "[@:]")
    # Hinted place names (city, country, time zone, building): 1-6 words, no digits.
    place = full_match(arr, r"[^\d@:/]{2,80}") & as_mask(
        pc.less_equal(pc.utf8_length(pc.replace_substring_regex(arr, r"[^ ]", "")), 5)
    )
    # Numbered units of a place (district 7, ward 12) under a place header.
    place |= full_match(arr, r"[0-9]{1,3}(?:st|nd|rd|th)?|[A-Z]{2}-?[0-9]{1,3}|At[- ]Large")
    return street | place


def street_address(arr: pa.Array) -> np.ndarray:
    """Values with a house number and a street-type word (used to tell addresses from places)."""
    return full_match(arr, patterns.FULL["LOCATION"])


# Latitude/longitude pairs ("[40.748, -73.993]", "40.748,-73.993"): where a person was.
_COORD = r"-?(?:[0-8]?[0-9]|90)\.[0-9]{3,10}"
_COORD_PAIR = rf"[\[(]?{_COORD}, ?-?(?:1[0-7][0-9]|[0-9]?[0-9]|180)\.[0-9]{{3,10}}[\])]?"


def geo_coordinate(arr: pa.Array, hinted: bool) -> np.ndarray:
    mask = full_match(arr, _COORD_PAIR)
    if hinted:  # one coordinate per column under a latitude/longitude header
        mask |= full_match(arr, r"-?[0-9]{1,3}\.[0-9]{3,12}")
    return mask


def person(arr: pa.Array, hinted: bool) -> np.ndarray:
    return names.name_mask(arr, hinted)


def gender(arr: pa.Array, hinted: bool) -> np.ndarray:
    mask = in_lexicon(arr, lexicons.GENDER_VALUES)
    if not hinted:
        # One or two letters (F/M, F/P) are codes of anything (felony/misdemeanour, full or
        # part time); only words such as "female" say gender without a header.
        mask &= np.asarray(pc.greater_equal(pc.utf8_length(arr), 3), dtype=bool)
    return mask


def place(arr: pa.Array, hinted: bool) -> np.ndarray:
    """Cities (over 15,000 people), countries and US states, by name (GeoNames)."""
    folded = pc.utf8_lower(pc.replace_substring_regex(arr, r"\s+", " "))
    return np.fromiter((names.fold(v) in names.places() if v else False
                        for v in folded.to_pylist()), dtype=bool, count=len(arr))


# A social-media handle: "@jane_doe", or a bare user name under a header that says so.
_HANDLE = r"@[A-Za-z0-9_][A-Za-z0-9_.]{0,29}(?:@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,4})?"
_HANDLE_BARE = r"@?[A-Za-z0-9_][A-Za-z0-9_.\-]{0,49}"
# Profile pages of people on the big networks ("https://twitter.com/jane", "x.com/@jane").
PROFILE_URL = (
    r"(?i:(?:https?://)?(?:www\.|m\.|[a-z]{2}\.)?(?:twitter\.com|x\.com|facebook\.com|fb\.com|"
    r"instagram\.com|linkedin\.com/in|youtube\.com/(?:user/|channel/|c/|@)|tiktok\.com/@|"
    r"github\.com|gitlab\.com|reddit\.com/u(?:ser)?|t\.me|threads\.net/@|bsky\.app/profile|"
    r"medium\.com/@|[a-z0-9.\-]{1,60}\.[a-z]{2,12}/@)/?[A-Za-z0-9_.\-]{1,64}/?)"
)


def social_handle(arr: pa.Array, hinted: bool) -> np.ndarray:
    mask = full_match(arr, _HANDLE) | full_match(arr, PROFILE_URL)
    if hinted:
        mask |= full_match(arr, _HANDLE_BARE) | full_match(arr, patterns.FULL["URL"])
    return mask


def age(arr: pa.Array, hinted: bool) -> np.ndarray:
    if not hinted:
        return np.zeros(len(arr), dtype=bool)
    # Age bands are ages too: "25 - 45", "18-24", "65+", "Less than 25", "Greater than 45".
    band = full_match(arr, r"(?i:[0-9]{1,3} ?(?:-|–|to) ?[0-9]{1,3}|[0-9]{1,3} ?\+|"
                           r"(?:less|greater|more|under|over|older|younger) than [0-9]{1,3}|"
                           r"(?:under|over|<|>|<=|>=) ?[0-9]{1,3})")
    numeric = full_match(arr, r"[0-9]{1,3}(?:\.0+)?")
    value = pc.cast(pc.struct_field(pc.extract_regex(arr, r"^(?P<n>[0-9]{1,3})"), "n"),
                    pa.int64(), safe=False)
    return (numeric & as_mask(pc.less_equal(value, 120))) | band


# GDPR Art. 9 special categories, detected from their values (`_sensitive`).
SPECIAL_CATEGORIES = ("ETHNICITY", "RELIGION", "HEALTH", "SEXUAL_ORIENTATION",
                      "POLITICAL_OPINION")

# Values that say "nothing to record" (folded to lower case, accents removed): in a
# special-category column they are not special-category data ("none" is not a diagnosis), so
# they are never flagged; the column's share is computed over the other values.
# "no religion" and "healthy" are statements about the person and stay in the lexicons.
ABSENT_VALUES = frozenset(
    [
        "none", "no", "n/a", "na", "n.a.", "n.a", "nan", "null", "nil", "nothing", "nope",
        "unknown", "unk", "not known", "not applicable", "not available", "not stated",
        "not specified", "unspecified", "not recorded", "not reported", "missing", "blank",
        "empty", "no data", "no answer", "no response", "none known", "none reported",
        "no condition", "no conditions", "no known conditions", "prefer not to say",
        "declined", "refused", "not disclosed", "undisclosed", "withheld",
        # de, fr, es, it, nl, pt, nordic, pl
        "keine", "kein", "keiner", "keines", "nichts", "unbekannt", "k.a.", "k. a.",
        "keine angabe", "aucun", "aucune", "rien", "inconnu", "inconnue", "non renseigne",
        "ninguno", "ninguna", "nada", "desconocido", "desconocida", "nessuno", "nessuna",
        "sconosciuto", "geen", "onbekend", "nenhum", "nenhuma", "desconhecido", "ingen",
        "ingenting", "brak",
    ]
)
_PLACEHOLDER = r"[\-–—_./?*#\s]*"  # "-", "--", "?", "n/a" written as "/"...


def absent(arr: pa.Array) -> np.ndarray:
    """Per value: does it only say that there is nothing ("none", "n/a", "-", "keine")?"""
    return in_lexicon(arr, ABSENT_VALUES) | full_match(arr, _PLACEHOLDER)


def _sensitive(name: str, need_hint: bool) -> Callable[[pa.Array, bool], np.ndarray]:
    def detector(arr: pa.Array, hinted: bool) -> np.ndarray:
        if need_hint and not hinted:
            return np.zeros(len(arr), dtype=bool)
        mask = in_lexicon(arr, lexicons.SENSITIVE_VALUES[name])
        if name == "HEALTH" and hinted:  # ICD-10 codes such as E11.9
            mask |= full_match(arr, r"[A-TV-Z][0-9]{2}(?:\.[0-9A-Z]{1,4})?")
        if mask.any():
            mask &= ~absent(arr)  # "none", "unknown": no special-category data in them
        return mask

    detector.__name__ = name.lower()
    return detector


def id_number(arr: pa.Array, hinted: bool) -> np.ndarray:
    if not hinted:
        return np.zeros(len(arr), dtype=bool)
    # One token (or short groups, "ZZ 609753 T") of letters and digits: a record, customer
    # or national ID number; or a list of them ("H2OH13033,S6OH00163").
    item = r"[A-Za-z0-9_\-.:#/]{1,40}"
    group = r"[A-Z0-9/.]{1,10}"
    return full_match(arr, rf"[A-Za-z0-9_\-.:#/]{{1,64}}|{group}(?: {group}){{1,4}}"
                           rf"|{item}(?:[,;|] ?{item}){{1,12}}")


def _document(arr: pa.Array, hinted: bool) -> np.ndarray:
    if not hinted:
        return np.zeros(len(arr), dtype=bool)
    return full_match(arr, r"[A-Za-z0-9\- ]{5,20}") & contains(arr, "[0-9]")


def secret(arr: pa.Array, hinted: bool) -> np.ndarray:
    mask = full_match(arr, patterns.FULL["SECRET"])
    if hinted:
        # Passwords and opaque tokens: no spaces, 8+ characters, at least two character classes.
        opaque = full_match(arr, r"[^\s]{8,512}")
        classes = sum(
            contains(arr, cls).astype(int)
            for cls in ("[a-z]", "[A-Z]", "[0-9]", r"[^A-Za-z0-9]")
        )
        mask |= opaque & (classes >= 2)
    return mask


DETECTORS: dict[str, Callable[[pa.Array, bool], np.ndarray]] = {
    "SECRET": secret,
    "EMAIL_ADDRESS": email,
    "SOCIAL_HANDLE": social_handle,
    "URL": url,
    "IBAN_CODE": iban,
    "CREDIT_CARD": credit_card,
    "US_SSN": ssn,
    "NATIONAL_ID": national_id,
    "IP_ADDRESS": ip,
    "MAC_ADDRESS": mac,
    "PHONE_NUMBER": phone,
    "DATE_OF_BIRTH": date_of_birth,
    "DATE_TIME": date_time,
    "POSTAL_CODE": postal_code,
    "PERSON": person,
    "LOCATION": location,
    "PLACE": place,
    "GEO_COORDINATE": geo_coordinate,
    "GENDER": gender,
    "AGE": age,
    "ETHNICITY": _sensitive("ETHNICITY", need_hint=False),
    "RELIGION": _sensitive("RELIGION", need_hint=False),
    "HEALTH": _sensitive("HEALTH", need_hint=True),
    "SEXUAL_ORIENTATION": _sensitive("SEXUAL_ORIENTATION", need_hint=False),
    "POLITICAL_OPINION": _sensitive("POLITICAL_OPINION", need_hint=True),
    "US_DRIVER_LICENSE": _document,
    "US_PASSPORT": _document,
    "ID_NUMBER": id_number,
}
# Ties in hit rate go to the earlier, more specific entity.
PRIORITY = list(DETECTORS)


# --- shape statistics -------------------------------------------------------------------
@dataclass(frozen=True)
class Shape:
    """Statistics of a column's sampled values, used to tell text from codes and names."""

    n: int
    n_unique: int
    mean_length: float
    mean_tokens: float
    digit_ratio: float
    max_digits: int = 0  # most digits in one sampled value

    @property
    def unique_ratio(self) -> float:
        return self.n_unique / self.n if self.n else 0.0

    @property
    def is_free_text(self) -> bool:
        return self.mean_tokens >= 5 or self.mean_length >= 60

    @property
    def is_prose(self) -> bool:
        """Too long to be one structured value (addresses reach about 8 words)."""
        return self.mean_tokens >= 9 or self.mean_length >= 100

    def describe(self) -> str:
        return (
            f"{self.n_unique:,} distinct of {self.n:,}; mean {self.mean_length:.0f} chars, "
            f"{self.mean_tokens:.1f} words, {self.digit_ratio:.0%} digits"
        )


def shape(arr: pa.Array, n: int, n_unique: int) -> Shape:
    """Shape statistics from `arr` (a few thousand sampled values) for a sample of `n`
    values with `n_unique` distinct ones."""
    if len(arr) == 0:
        return Shape(n, n_unique, 0.0, 0.0, 0.0)
    if len(arr) <= patterns.SMALL_ARRAY:  # a kernel call per statistic costs more here
        values = [v or "" for v in arr.to_pylist()]
        lengths = np.array([len(v) for v in values], dtype=float)
        spaces = np.array([sum(ch in _SPACE for ch in v) for v in values], dtype=float)
        digits = np.array([sum(ch in _DIGITS for ch in v) for v in values], dtype=float)
    else:
        lengths = np.asarray(pc.utf8_length(arr), dtype=float)
        spaces = np.asarray(pc.utf8_length(pc.replace_substring_regex(arr, r"[^\s]+", "")),
                            float)
        digits = np.asarray(pc.utf8_length(pc.replace_substring_regex(arr, r"[^0-9]", "")),
                            float)
    total = lengths.sum()
    return Shape(
        n=n,
        n_unique=n_unique,
        mean_length=float(total / len(arr)),
        mean_tokens=float((spaces + 1).mean()),
        digit_ratio=float(digits.sum() / total) if total else 0.0,
        max_digits=int(digits.max()),
    )


_SPACE = frozenset(" \t\n\f\r")  # RE2's \s
_DIGITS = frozenset("0123456789")
# Fewest digits a value of each entity holds (shorter numbers are counts, codes and years):
# detectors that cannot match are skipped, which is most of the work on narrow numbers.
MIN_DIGITS = {"PHONE_NUMBER": 5, "US_SSN": 9, "CREDIT_CARD": 12, "IBAN_CODE": 8,
              "NATIONAL_ID": 6, "IP_ADDRESS": 4, "US_DRIVER_LICENSE": 4, "US_PASSPORT": 6}


_NEEDS_DIGITS = {"NATIONAL_ID", "US_SSN",
                 "CREDIT_CARD", "IBAN_CODE", "IP_ADDRESS", "PHONE_NUMBER", "DATE_TIME",
                 "DATE_OF_BIRTH", "AGE", "POSTAL_CODE", "US_DRIVER_LICENSE", "US_PASSPORT"}
_WORDS_ONLY = {"PERSON", "PLACE", "GENDER", "ETHNICITY", "RELIGION", "SEXUAL_ORIENTATION",
               "POLITICAL_OPINION", "EMAIL_ADDRESS", "URL", "LOCATION"}
_CATEGORICAL = set(SPECIAL_CATEGORIES)


def column_allows(entity: str, s: Shape, hinted: bool) -> bool:
    """Whether a column of this shape can hold `entity` at all (skips hopeless detectors).

    Also column-level plausibility: a gender column has few values, an ID column many.
    """
    if s.is_prose:
        return False
    if s.digit_ratio == 0 and entity in _NEEDS_DIGITS:
        return False
    if s.max_digits < MIN_DIGITS.get(entity, 0):
        return False
    if s.digit_ratio >= 0.6 and entity in _WORDS_ONLY:
        return False
    if entity == "GENDER":
        return s.n_unique <= 12
    if entity in _CATEGORICAL:
        return s.n_unique <= 500
    if entity == "ID_NUMBER":
        return hinted and (s.unique_ratio >= 0.5 or s.n < 20)
    if entity in ("US_DRIVER_LICENSE", "US_PASSPORT"):
        return hinted and s.unique_ratio >= 0.5
    if entity in ("AGE", "DATE_OF_BIRTH", "HEALTH", "POLITICAL_OPINION"):
        return hinted
    return True
