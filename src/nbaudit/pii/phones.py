"""Phone numbers of every region, with Google's libphonenumber (the `phonenumbers` package).

Two entry points:

* `phone_mask` classifies the values of a column. Arrow's RE2 kernels first keep only
  phone-shaped values (digits, spaces, ``+ ( ) . - /`` and an optional extension), so
  `phonenumbers` parses only candidates, and each distinct candidate only once.
* `find_phones` finds numbers inside free text with `phonenumbers.PhoneNumberMatcher`
  (leniency ``VALID``), run on short windows around digit runs so that long texts stay
  linear and bounded.

Validity (``is_valid_number``) means the number falls in a range allocated in the region's
numbering plan, not only that its length fits. Ofcom's drama ranges used in the examples
(``020 7496 0xxx``, ``0116 496 0xxx``, ``0118 496 0xxx``) are inside allocated geographic
blocks, so libphonenumber calls them valid and VALID leniency finds them in text; the drama
*mobile* range ``07700 900xxx`` and the US ``555`` area code are not valid.

A number written in national format (no ``+`` or ``00``) is accepted for a region only if
its digits are the ones a caller in that region dials: the national significant number,
with the region's trunk prefix where the region writes one. ``123 456 789`` parses in
France as ``01 23 45 67 89`` but nobody in France writes it without the 0, so it is not a
French phone; ``020 7946 0958`` is a London number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import Leniency, NumberParseException, PhoneNumber, PhoneNumberFormat

from .patterns import contains

# Regions tried, in order, for numbers written without an international prefix. The first
# region in which a number is valid (with a layout consistent with that region) wins, so the
# order breaks ties between plans that share digit strings. US first (the most common origin
# of English-language data and Faker's default locale), then GB, then the countries whose
# languages the header hints cover (DE, FR, ES), then the other large European plans (IT,
# NL), then large plans elsewhere with much English or Portuguese/Spanish data (CA, AU, IN,
# BR, MX). CA shares +1 with the US: a Canadian number parsed as US is already valid (its
# region is found from the area code), so CA costs nothing and is kept for explicitness.
# Regions whose trunk prefix is 0 (GB, DE, FR, NL, AU, IN, BR) only match numbers written
# with the 0, so they rarely collide with each other on well-formed values.
DEFAULT_REGIONS: tuple[str, ...] = (
    "US", "GB", "DE", "FR", "ES", "IT", "NL", "CA", "AU", "IN", "BR", "MX",
)

ENTITY = "PHONE_NUMBER"
# Scores of text spans: an international number carries its country code, so only its own
# plan can validate it; a national one could be some other kind of number of that shape.
SCORE_INTERNATIONAL = 0.85
SCORE_NATIONAL = 0.75

# --- column values ----------------------------------------------------------------------
_EXT = r"(?: ?(?:x|ext\.?|#) ?[0-9]{1,6})"
# The characters a written phone number uses, and nothing else (RE2).
_CANDIDATE_RE2 = rf"^(?:\+|00)?[0-9 ()./\-]{{6,24}}{_EXT}?$"
_EXT_TAIL_RE2 = rf"{_EXT}$"
# Shapes of other things that use the same characters (RE2, whole value).
_LOOKALIKES_RE2 = "|".join(
    [
        # dates: 2021-03-04, 04/03/2021, 4.3.21, 2021/3/4
        r"(?:19|20)[0-9]{2}[./\-][01]?[0-9][./\-][0-3]?[0-9]",
        r"[0-3]?[0-9][./\-][01]?[0-9][./\-](?:19|20)?[0-9]{2}",
        r"[01]?[0-9]/[0-3]?[0-9]/(?:19|20)[0-9]{2}",
        # date ranges and year spans: 2019-2020, 1990 - 2005
        r"(?:19|20)[0-9]{2} ?[\-/] ?(?:19|20)[0-9]{2}",
        # US SSN, ZIP+4, IPv4 / version numbers
        r"[0-9]{3}-[0-9]{2}-[0-9]{4}",
        r"[0-9]{5}-[0-9]{4}",
        r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}",
        # thousands grouping with dots or commas (1.234.567), decimals (12345.67)
        r"[1-9][0-9]{0,2}(?:[.,][0-9]{3})+(?:[.,][0-9]{1,2})?",
        r"[0-9]+\.[0-9]{1,2}",
    ]
)
# A phone-like layout, required when no header says "phone": an international prefix, an
# opening bracket, three or more digit groups (555-123-4567, 01 23 45 67 89), or a trunk 0
# and one space, dash or slash (020 74960310, 030/1234567).
_LAYOUT_RE2 = "|".join(
    [
        r"^(?:\+|00|\()",
        r"[0-9][ .\-/]+\(?[0-9]+\)?[ .\-/]+\(?[0-9]",
        r"^0[0-9]+[ \-/][0-9]+" + _EXT + "?$",
    ]
)
_MIN_DIGITS, _MAX_DIGITS = 7, 15
_EXT_SPLIT = re.compile(r" ?(?:x|ext\.?|#) ?(?=[0-9]+$)")


def _digits(text: str) -> str:
    return "".join(c for c in text if "0" <= c <= "9")


@lru_cache(maxsize=256)
def _region_lengths(region: str) -> frozenset[int]:
    """Digit counts a number of `region` can have when written in national format."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.general_desc is None:
        return frozenset(range(_MIN_DIGITS, _MAX_DIGITS + 1))
    prefix = meta.national_prefix or ""
    # Carrier-selection and other parsing prefixes (BR, AU, JP) can add a few digits.
    extra = len(prefix) if meta.national_prefix_for_parsing in (None, prefix) else 3
    lengths = meta.general_desc.possible_length or tuple(range(4, 18))
    return frozenset(n + k for n in lengths for k in range(extra + 1))


@lru_cache(maxsize=256)
def _national_prefix(region: str) -> str:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return (meta.national_prefix or "") if meta is not None else ""


def _written_like_region(number: PhoneNumber, written: str, region: str) -> bool:
    """Is `written` (a national-format number, no extension) how `region` writes `number`?

    The digits must be those a caller in the region dials (the national number, with the
    trunk prefix where the region writes one), and the first group of digits must end
    within the area (national destination) code: ``(555) 123-4567`` is a valid Mexico City
    number, but no Mexican writes a three-digit area code for it.
    """
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    national = re.split(r" ?ext\. ?", national, maxsplit=1)[0]
    dialled = _digits(national)
    prefix = _national_prefix(region)
    digits = _digits(written)
    if digits not in (dialled, prefix + dialled):
        return False
    groups = re.findall(r"[0-9]+", written)
    if len(groups) > 1 and prefix and groups[0] == prefix and digits != dialled:
        groups = groups[1:]  # 1 212 555 0123: the trunk prefix on its own
    if len(groups) < 2:
        return True
    first = len(groups[0])
    if first == len(re.findall(r"[0-9]+", national)[0]):
        return True  # grouped as the region groups it (the common case: no NDC lookup)
    ndc = phonenumbers.length_of_national_destination_code(number)
    written_prefix = len(prefix) if digits.startswith(prefix) and digits != dialled else 0
    in_dialled_prefix = len(prefix) if dialled.startswith(prefix) and prefix else 0
    return ndc > 0 and first <= ndc + max(written_prefix, in_dialled_prefix)


def _is_valid(number: PhoneNumber, region: str) -> bool:
    # The region's own plan first (cheap); the full test where a calling code is shared
    # (+1: a Canadian or Caribbean number parsed with region US).
    if phonenumbers.is_valid_number_for_region(number, region):
        return True
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(number.country_code or 0, ())
    shared = len(regions) > 1
    return shared and phonenumbers.is_valid_number(number)


def _parse(text: str, region: str | None) -> PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException:
        return None


def _unique_regions(regions: Sequence[str]) -> tuple[str, ...]:
    # Regions sharing a calling code and trunk prefix parse national numbers identically.
    seen: set[tuple[int, str]] = set()
    out = []
    for region in regions:
        key = (phonenumbers.country_code_for_region(region), _national_prefix(region))
        if key[0] and key not in seen:
            seen.add(key)
            out.append(region)
    return tuple(out)


@lru_cache(maxsize=256)
def _region_shape_re2(region: str) -> str | None:
    """RE2 test on the digits of a national-format value: the region's trunk prefix, then
    its general number pattern. None where parsing rewrites the number (BR carrier codes).
    """
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None or meta.general_desc is None or meta.national_prefix_transform_rule:
        return None
    general = meta.general_desc.national_number_pattern
    if not general:
        return None
    prefix = meta.national_prefix_for_parsing
    head = f"(?:{prefix})?" if prefix else ""
    return f"^{head}(?:{general})$"


def _international(value: str) -> str | None:
    head = value.lstrip("(")
    if head.startswith("+"):
        return head
    if head.startswith("00"):
        return "+" + head[2:]
    return None


def _national_is_phone(value: str, hinted: bool, regions: Sequence[str]) -> bool:
    main = _EXT_SPLIT.split(value, maxsplit=1)[0]
    digits = _digits(main)
    possible = False
    for region in regions:
        number = _parse(value, region)
        if number is None:
            continue
        if not hinted:
            # Cheap necessary condition before the costly checks: the digits written are
            # the national number, or the trunk prefix and the national number.
            nsn = phonenumbers.national_significant_number(number)
            if digits not in (nsn, _national_prefix(region) + nsn) and not digits.endswith(nsn):
                continue
        if _is_valid(number, region) and (
            hinted or _written_like_region(number, main, region)
        ):
            return True
        possible = possible or (hinted and phonenumbers.is_possible_number(number))
    return possible


def _international_is_phone(value: str, hinted: bool) -> bool:
    number = _parse(value, None)
    if number is None:
        return False
    return phonenumbers.is_valid_number(number) or (
        hinted and phonenumbers.is_possible_number(number)
    )


def phone_mask(
    arr: pa.Array, hinted: bool, regions: Sequence[str] = DEFAULT_REGIONS
) -> np.ndarray:
    """Which values of a column are phone numbers?

    Parameters
    ----------
    arr
        A pyarrow string array of stripped values (nulls allowed, they are never phones).
    hinted
        Whether the column's header says "phone" (``tel``, ``mobile``, ``Telefon``...).
    regions
        Regions (ISO 3166 alpha-2) tried, in order, for numbers written without ``+`` or
        ``00``. Numbers with an international prefix are judged in their own region.

    Returns
    -------
    numpy.ndarray of bool
        True where the value is a phone number.

    Notes
    -----
    Without a header (``hinted=False``) a value must have a phone-like layout (an
    international prefix, brackets, three or more digit groups, or a trunk 0 and a
    separator) and must be *valid* (``phonenumbers.is_valid_number``: in an allocated
    range) in a region whose way of writing it matches what is written (module
    docstring). Plain integers, years, prices, ZIP codes and card numbers therefore never
    match; shapes of dates, SSNs, ZIP+4, IP addresses, decimals and thousands-grouped
    numbers are excluded with or without a header.

    With a header, bare digits (``2125550123``, or ``1234567890`` read as an integer that
    lost its leading 0) are accepted, and *possible* numbers (the length fits a region's
    plan) are enough: the header is evidence, and phone columns of test data hold fictional
    or unallocated numbers (``555`` area codes, Faker's random digits, ``07700 900xxx``)
    that must be masked as well; the character pre-filter and the 7-15 digits still apply.

    Each distinct candidate is parsed once, and only in the regions whose general number
    pattern (an RE2 test over the whole column) its digits fit.
    """
    n = len(arr)
    if n == 0:
        return np.zeros(0, dtype=bool)
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr, pa.string())
    mask = contains(arr, _CANDIDATE_RE2)
    if not mask.any():
        return mask
    mask &= ~contains(arr, f"^(?:{_LOOKALIKES_RE2})$")
    if not hinted:
        mask &= contains(arr, _LAYOUT_RE2)
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return mask
    # Work on the distinct candidates only (a column repeats its values).
    encoded = pc.dictionary_encode(arr.take(pa.array(idx)))
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    uniques = encoded.dictionary
    main = pc.replace_substring_regex(uniques, _EXT_TAIL_RE2, "")
    digits = pc.replace_substring_regex(main, "[^0-9]", "")
    n_digits = np.asarray(pc.fill_null(pc.utf8_length(digits), 0))
    ok_len = (n_digits >= _MIN_DIGITS) & (n_digits <= _MAX_DIGITS)
    intl = contains(uniques, r"^\(?(?:\+|00)")
    regs = _unique_regions(regions)
    fits = []
    for region in regs:
        shape = _region_shape_re2(region)
        lengths = np.fromiter(_region_lengths(region), dtype=np.int64)
        fit = np.isin(n_digits, lengths)
        if shape is not None:
            fit &= contains(digits, shape)
        fits.append(fit)
    fit_any = np.logical_or.reduce(fits) if fits else np.zeros(len(uniques), dtype=bool)
    values = uniques.to_pylist()
    verdict = np.zeros(len(values), dtype=bool)
    for k in np.flatnonzero(ok_len & (intl | fit_any)):
        value = values[k]
        if intl[k]:
            verdict[k] = _international_is_phone(_international(value) or value, hinted)
        else:
            tried = [r for r, fit in zip(regs, fits, strict=True) if fit[k]]
            verdict[k] = _national_is_phone(value, hinted, tried)
    out = np.zeros(n, dtype=bool)
    out[idx] = verdict[codes]
    return out


# --- free text --------------------------------------------------------------------------
# Six digits within a phone-like run (at most three separators between digits). The classes
# are disjoint, so each start position costs a bounded number of steps.
_PREFILTER = re.compile(r"[0-9](?:[ ()./\-]{0,3}[0-9]){5}")
# Maximal runs of phone characters, from an optional + or ( to the last digit, with an
# optional extension. Linear: greedy over one class, backtracking only to the last digit.
_RUN = re.compile(r"[+(]?[0-9][0-9 ()./\-]*[0-9](?: ?(?:x|ext\.?) ?[0-9]{1,6})?")
# Longer runs are tables of numbers, not something a person writes as a phone number.
_MAX_RUN = 120
# Distinct windows given to the matcher per text: beyond this a text is a numeric dump, and
# the remaining windows are skipped to keep the time bounded (up to ~1.5 ms per window).
MAX_WINDOWS = 2_000


@lru_cache(maxsize=4096)
def _windowcontains(
    window: str, international: bool, regions: tuple[str, ...]
) -> tuple[tuple[int, int, float], ...]:
    """(start, end, score) of the numbers in `window`, relative to it.

    The window is a run of phone characters with one character of context on each side
    (the matcher looks at them). Cached: texts repeat their numbers (signatures, templates).
    """
    n_digits = sum(c.isdigit() for c in window)
    found: list[tuple[int, int, float]] = []
    for region in regions[:1] if international else regions:
        if not international and not any(n_digits >= k for k in _region_lengths(region)):
            continue
        for match in phonenumbers.PhoneNumberMatcher(window, region, leniency=Leniency.VALID):
            s, e = match.start, match.end
            raw = match.raw_string
            if raw.lstrip("(").startswith(("+", "00")):
                score = SCORE_INTERNATIONAL
            else:
                main = _EXT_SPLIT.split(raw, maxsplit=1)[0]
                if not _written_like_region(match.number, main, region):
                    continue
                score = SCORE_NATIONAL
            if all(e <= fs or s >= fe for fs, fe, _ in found):
                found.append((s, e, score))
        if found and sum(e - s for s, e, _ in found) >= len(window) - 4:
            break  # the run is covered
    return tuple(found)


def find_phones(
    text: str, regions: Sequence[str] = DEFAULT_REGIONS
) -> list[tuple[int, int, str, float]]:
    """Find phone numbers inside free text.

    Parameters
    ----------
    text
        Any text (a ticket, a note, a log line).
    regions
        Regions tried, in order, for numbers written in national format; numbers written
        with ``+`` or ``00`` are found whatever the regions.

    Returns
    -------
    list of (start, end, "PHONE_NUMBER", score)
        Non-overlapping spans in text order. Each is a number that
        `phonenumbers.PhoneNumberMatcher` finds with ``Leniency.VALID`` in one of the
        regions (the earlier region wins an overlap) and, in national format, is written
        with the digits that region dials (see the module docstring). Score 0.85 for
        international numbers, 0.75 for national ones.

    Notes
    -----
    A regular expression first requires six digits in a phone-like run (texts without one
    cost one linear scan), then the matcher runs on each run of phone characters of 7-120
    characters (plus one character of context each side), at most `MAX_WINDOWS` distinct
    runs per text (repeated runs are cached), so time stays linear and bounded on
    adversarial input; numbers beyond that budget in a huge numeric dump are not reported.
    """
    if len(text) < _MIN_DIGITS or _PREFILTER.search(text) is None:
        return []
    regs = _unique_regions(regions)
    found: list[tuple[int, int, str, float]] = []
    seen: set[tuple[str, bool, tuple[str, ...]]] = set()
    windows = 0  # distinct windows: repeated ones cost nothing
    for run in _RUN.finditer(text):
        start, end = run.span()
        if end - start > _MAX_RUN or end - start < _MIN_DIGITS:
            continue
        digits = sum(c.isdigit() for c in run.group())
        if digits < _MIN_DIGITS:
            continue
        lo, hi = max(start - 1, 0), min(end + 1, len(text))
        window = text[lo:hi]
        international = text[start] == "+" or text.startswith("00", start)
        key = (window, international, regs)
        if key not in seen:
            windows += 1
            if windows > MAX_WINDOWS:
                break
            seen.add(key)
        for s, e, score in _windowcontains(window, international, regs):
            found.append((lo + s, lo + e, ENTITY, score))
    found.sort()
    return found
