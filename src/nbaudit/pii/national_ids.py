"""National identifiers of persons, checked with python-stdnum (LGPL).

Each scheme is a whole-value shape (RE2, run vectorised over a column by pyarrow) and
stdnum's ``is_valid`` (check digits, embedded birth dates, allocation rules), run only on
the distinct values that have the shape.

Not every check is strong. An 8-11 digit scheme with one mod-10 or mod-11 check digit
accepts about one random number in ten, so a column of order numbers would "contain" Dutch
BSNs. Hence three levels of evidence, which `CHANCE_RATE`, `STRONG_BARE` and
`STRONG_FORMATTED` expose and `accepted_national_ids` combines:

* letters and digits in a fixed pattern with a check (codice fiscale, CURP, NIE), or a
  check too strong for random numbers (Chinese RIC): a single value is enough;
* a *formatted* layout that only that identifier uses (CPF ``390.533.447-05``, Belgian
  ``85.07.30-033.28``, Swedish ``880320-0016``) and passes the check: a single value is
  enough;
* bare digits of a weak scheme: only a column in which (nearly) every value validates,
  far above the rate at which random numbers of that shape validate.

`CHANCE_RATE` holds that rate for the bare shape of each scheme, measured with
`measure_chance_rate` on 100,000 random strings of the shape (seed 0); the figures are in
the comment above it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum.ar import cuit
from stdnum.be import nn
from stdnum.br import cpf
from stdnum.ca import sin
from stdnum.ch import ssn
from stdnum.cl import rut
from stdnum.cn import ric
from stdnum.cz import rc
from stdnum.de import idnr
from stdnum.dk import cpr
from stdnum.es import dni, nie
from stdnum.fi import hetu
from stdnum.fr import nir
from stdnum.ie import pps
from stdnum.in_ import aadhaar
from stdnum.it import codicefiscale
from stdnum.kr import rrn
from stdnum.mx import curp
from stdnum.nl import bsn
from stdnum.no import fodselsnummer
from stdnum.pl import pesel
from stdnum.ro import cnp
from stdnum.se import personnummer
from stdnum.tr import tckimlik
from stdnum.za import idnr as za_idnr

from .patterns import full_match, validated

# --- UK National Insurance number ---------------------------------------------------------
# stdnum has no NINO module. HMRC's rules (National Insurance Manual NIM39110): two prefix
# letters, six digits, a suffix A-D. The first letter is not D, F, I, Q, U or V; the second
# is not D, F, I, O, Q, U or V; the prefixes BG, GB, KN, NK, NT, TN and ZZ are never
# allocated. There is no check digit: the format is the whole test.
_NINO_RE = re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]")
_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def _nino_ok(value: str) -> bool:
    number = re.sub(r"[\s\-]", "", value).upper()
    return _NINO_RE.fullmatch(number) is not None and number[:2] not in _NINO_BAD_PREFIXES


def _stdnum(module: object) -> Callable[[str], bool]:
    is_valid: Callable[[str], bool] = getattr(module, "is_valid")  # noqa: B009

    def check(value: str) -> bool:
        try:
            return bool(is_valid(value))
        except Exception:  # stdnum raises on a few malformed inputs instead of returning False
            return False

    return check


def _codice_fiscale_ok(value: str) -> bool:
    # The personal form only (16 characters); stdnum also accepts 11-digit company numbers.
    return len(value) == 16 and _stdnum(codicefiscale)(value)


@dataclass(frozen=True)
class Scheme:
    """A national identifier: its shapes, its check, and how far a match alone can be trusted.

    Attributes
    ----------
    name
        Entity name (Presidio's where Presidio has a recognizer for it).
    validate
        stdnum's check (or HMRC's format rules for the NINO) on one value.
    bare
        RE2 shape of the compact form (no separators), for whole values.
    formatted
        RE2 shape of the usual written layout with separators, or None.
    template
        Random strings of the bare shape for `measure_chance_rate`: ``d`` a digit, ``L`` a
        letter A-Z, ``[..]`` one of the characters listed, anything else literally.
    strong_bare
        A bare value that validates is evidence on its own (letters and digits with a
        check, or a check that random numbers almost never pass).
    strong_formatted
        A value in the formatted layout that validates is evidence on its own.
    score
        Score of a span found in free text.
    """

    name: str
    validate: Callable[[str], bool]
    bare: str
    formatted: str | None
    template: str
    strong_bare: bool
    strong_formatted: bool
    score: float = 0.85


_D = "[0-9]"
SCHEMES: tuple[Scheme, ...] = (
    # Letters and digits, or checks random strings do not pass: evidence on their own.
    Scheme("UK_NINO", _nino_ok, "(?i)[A-Z]{2}[0-9]{6}[A-D]",
           "(?i)[A-Z]{2}(?: [0-9]{2}){3} [A-D]", "LLddddddL", True, True, 0.75),
    Scheme("IT_FISCAL_CODE", _codice_fiscale_ok,
           "(?i)[A-Z]{6}[0-9LMNP-V]{2}[A-EHLMPR-T][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]",
           None, "LLLLLLdd[ABCDEHLMPRST]ddLdddL", True, True, 0.9),
    Scheme("ES_NIF", _stdnum(dni), "(?i)[0-9]{8}[A-Z]", "(?i)[0-9]{8}[ \\-][A-Z]",
           "ddddddddL", True, True, 0.8),
    Scheme("ES_NIE", _stdnum(nie), "(?i)[XYZ][0-9]{7}[A-Z]",
           "(?i)[XYZ][ \\-]?[0-9]{7}[ \\-]?[A-Z]", "[XYZ]dddddddL", True, True, 0.85),
    Scheme("MX_CURP", _stdnum(curp), "(?i)[A-Z]{4}[0-9]{6}[HMX][A-Z]{5}[0-9A-Z][0-9]",
           None, "LLLLdddddd[HM]LLLLLdd", True, True, 0.9),
    Scheme("FI_PERSONAL_IDENTITY_CODE", _stdnum(hetu),
           "(?i)[0-3][0-9][01][0-9]{3}[\\-+A-FU-Y][0-9]{3}[0-9A-Y]", None,
           "dddddd[-+A]dddL", True, True, 0.9),
    Scheme("CN_RIC", _stdnum(ric), "[1-9][0-9]{16}[0-9Xx]", None,
           "[123456789]ddddddddddddddddd", True, True, 0.85),
    # Digits with a formatted layout that only this identifier uses.
    Scheme("FR_NIR", _stdnum(nir), "(?i)[1-478][0-9]{4}[0-9][0-9AB][0-9]{8}",
           "(?i)[1-478] [0-9]{2} [0-9]{2} [0-9][0-9AB] [0-9]{3} [0-9]{3} [0-9]{2}",
           "ddddddddddddddd", False, True),
    Scheme("NL_BSN", _stdnum(bsn), "[0-9]{9}", f"{_D}{{4}}\\.{_D}{{2}}\\.{_D}{{3}}",
           "ddddddddd", False, True),
    Scheme("SE_PERSONNUMMER", _stdnum(personnummer), "(?:19|20)?[0-9]{10}",
           f"(?:19|20)?{_D}{{6}}[\\-+]{_D}{{4}}", "dddddddddd", False, True),
    Scheme("BR_CPF", _stdnum(cpf), "[0-9]{11}", f"{_D}{{3}}\\.{_D}{{3}}\\.{_D}{{3}}-{_D}{{2}}",
           "ddddddddddd", False, True),
    Scheme("PL_PESEL", _stdnum(pesel), "[0-9]{11}", None, "ddddddddddd", False, False),
    Scheme("DE_TAX_ID", _stdnum(idnr), "[1-9][0-9]{10}",
           f"[1-9]{_D} {_D}{{3}} {_D}{{3}} {_D}{{3}}", "[123456789]dddddddddd", False, True),
    Scheme("DK_CPR", _stdnum(cpr), "[0-3][0-9]{9}", f"[0-3]{_D}{{5}}-{_D}{{4}}",
           "dddddddddd", False, True),
    Scheme("NO_FODSELSNUMMER", _stdnum(fodselsnummer), "[0-9]{11}",
           f"{_D}{{6}}[ \\-]{_D}{{5}}", "ddddddddddd", False, True),
    Scheme("BE_NATIONAL_NUMBER", _stdnum(nn), "[0-9]{11}",
           f"{_D}{{2}}\\.{_D}{{2}}\\.{_D}{{2}}-{_D}{{3}}\\.{_D}{{2}}", "ddddddddddd", False, True),
    Scheme("IN_AADHAAR", _stdnum(aadhaar), "[2-9][0-9]{11}",
           f"[2-9]{_D}{{3}} {_D}{{4}} {_D}{{4}}", "[23456789]ddddddddddd", False, True),
    Scheme("KR_RRN", _stdnum(rrn), "[0-9]{13}", f"{_D}{{6}}-{_D}{{7}}", "ddddddddddddd",
           False, True),
    Scheme("TR_NATIONAL_ID", _stdnum(tckimlik), "[1-9][0-9]{10}", None,
           "[123456789]dddddddddd", False, False),
    Scheme("ZA_ID_NUMBER", _stdnum(za_idnr), "[0-9]{13}", f"{_D}{{6}} {_D}{{7}}",
           "ddddddddddddd", False, True),
    Scheme("RO_CNP", _stdnum(cnp), "[1-9][0-9]{12}", None, "[123456789]dddddddddddd",
           False, False),
    Scheme("CZ_BIRTH_NUMBER", _stdnum(rc), "[0-9]{9,10}", f"{_D}{{6}}/{_D}{{3,4}}",
           "dddddddddd", False, True),
    Scheme("CH_SSN", _stdnum(ssn), "756[0-9]{10}", f"756\\.{_D}{{4}}\\.{_D}{{4}}\\.{_D}{{2}}",
           "756dddddddddd", False, True),
    Scheme("CL_RUT", _stdnum(rut), "(?i)[0-9]{7,8}-?[0-9K]",
           f"(?i){_D}{{1,2}}\\.{_D}{{3}}\\.{_D}{{3}}-[0-9K]", "dddddddd[0123456789K]",
           False, True),
    Scheme("AR_CUIT", _stdnum(cuit), "(?:2[0347]|3[034])[0-9]{9}",
           f"(?:2[0347]|3[034])-{_D}{{8}}-{_D}", "2[0347]ddddddddd", False, True),
    # Luhn on 9 digits, and "123-456-789" is a common layout of other things: never alone.
    Scheme("CA_SIN", _stdnum(sin), "[0-9]{9}", f"{_D}{{3}}[ \\-]{_D}{{3}}[ \\-]{_D}{{3}}",
           "ddddddddd", False, False),
    Scheme("IE_PPS", _stdnum(pps), "(?i)[0-9]{7}[A-W][A-IW]?", None, "dddddddL",
           False, False),
)
BY_NAME: dict[str, Scheme] = {s.name: s for s in SCHEMES}
STRONG_BARE = frozenset(s.name for s in SCHEMES if s.strong_bare)
STRONG_FORMATTED = frozenset(s.name for s in SCHEMES if s.strong_formatted)

# Share of 100,000 random strings of each scheme's bare shape (its `template`, seed 0) that
# pass its check, measured with `measure_chance_rate` (python-stdnum 2.2):
#   letters and digits: UK_NINO 0.0847 (format rules only), IT_FISCAL_CODE 0.0314,
#     ES_NIF 0.0386, ES_NIE 0.0378, IE_PPS 0.0384 (one check letter, mod 23),
#     MX_CURP 0.0002, FI_PERSONAL_IDENTITY_CODE 0.0008
#   digits, about 1 in 10 (one mod-10/mod-11 check digit): NL_BSN 0.0909,
#     IN_AADHAAR 0.0985, CH_SSN 0.1011, CL_RUT 0.0906, AR_CUIT 0.1004, CA_SIN 0.0808
#   digits, 1-3 in 100: CZ_BIRTH_NUMBER 0.0203, PL_PESEL 0.0185, DK_CPR 0.0314 (date only,
#     no check digit since 2007), BR_CPF 0.0095, TR_NATIONAL_ID 0.0097, FR_NIR 0.0063
#   digits, under 1 in 200 (a check and a birth date): DE_TAX_ID 0.0039, KR_RRN 0.0035,
#     SE_PERSONNUMMER 0.0033, RO_CNP 0.0019, BE_NATIONAL_NUMBER 0.0016,
#     NO_FODSELSNUMMER 0.0010, ZA_ID_NUMBER 0.0008, CN_RIC 0.0000
# A random *string* of a letter-and-digit shape is already unlike other data, which is why
# those schemes are strong although a few percent of such strings pass; the digit schemes
# compete with every other number of the same length.
CHANCE_RATE: dict[str, float] = {
    "UK_NINO": 0.0847, "IT_FISCAL_CODE": 0.0314, "ES_NIF": 0.0386, "ES_NIE": 0.0378,
    "MX_CURP": 0.0002, "FI_PERSONAL_IDENTITY_CODE": 0.0008, "CN_RIC": 0.0,
    "FR_NIR": 0.0063, "NL_BSN": 0.0909, "SE_PERSONNUMMER": 0.0033, "BR_CPF": 0.0095,
    "PL_PESEL": 0.0185, "DE_TAX_ID": 0.0039, "DK_CPR": 0.0314, "NO_FODSELSNUMMER": 0.0010,
    "BE_NATIONAL_NUMBER": 0.0016, "IN_AADHAAR": 0.0985, "KR_RRN": 0.0035,
    "TR_NATIONAL_ID": 0.0097, "ZA_ID_NUMBER": 0.0008, "RO_CNP": 0.0019,
    "CZ_BIRTH_NUMBER": 0.0203, "CH_SSN": 0.1011, "CL_RUT": 0.0906, "AR_CUIT": 0.1004,
    "CA_SIN": 0.0808, "IE_PPS": 0.0384,
}


def _as_strings(arr: pa.Array) -> pa.Array:
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return arr
    return pc.cast(arr, pa.string())


def national_id_schemes(
    arr: pa.Array, schemes: Iterable[str] | None = None, layout: str = "any"
) -> dict[str, np.ndarray]:
    """Which values validate as which national identifier?

    Parameters
    ----------
    arr
        A pyarrow string array of stripped values (integers are cast to strings).
    schemes
        Restrict to these scheme names (default: all of `SCHEMES`).
    layout
        ``"any"`` (bare or formatted), ``"bare"`` (compact form only) or ``"formatted"``
        (the written layout with separators only).

    Returns
    -------
    dict of str to numpy.ndarray of bool
        For each scheme with at least one value that has its shape and passes its check, the
        mask of those values. A value can validate under several schemes (an 11-digit
        number can be a valid CPF and a valid PESEL): deciding between them, and whether a
        weak scheme's matches mean anything, is `accepted_national_ids`' job, or the
        caller's with `CHANCE_RATE`.
    """
    if layout not in ("any", "bare", "formatted"):
        raise ValueError(f"layout must be 'any', 'bare' or 'formatted', not {layout!r}")
    arr = _as_strings(arr)
    wanted = set(schemes) if schemes is not None else None
    # One cheap test first: every scheme needs six digits.
    digits = np.asarray(pc.fill_null(
        pc.utf8_length(pc.replace_substring_regex(arr, "[^0-9]", "")), 0))
    lengths = np.asarray(pc.fill_null(pc.utf8_length(arr), 0))
    plausible = (digits >= 6) & (lengths <= 24)
    out: dict[str, np.ndarray] = {}
    if not plausible.any():
        return out
    for scheme in SCHEMES:
        if wanted is not None and scheme.name not in wanted:
            continue
        shaped = np.zeros(len(arr), dtype=bool)
        if layout in ("any", "bare"):
            shaped |= full_match(arr, scheme.bare)
        if layout in ("any", "formatted") and scheme.formatted is not None:
            shaped |= full_match(arr, scheme.formatted)
        shaped &= plausible
        if shaped.any():
            valid = validated(arr, shaped, scheme.validate)
            if valid.any():
                out[scheme.name] = valid
    return out


def accepted_national_ids(
    arr: pa.Array, min_share: float = 0.9, min_lift: float = 5.0, min_count: int = 5
) -> dict[str, np.ndarray]:
    """National identifiers that can be trusted without a header saying so.

    Parameters
    ----------
    arr
        A pyarrow string array of stripped values (a column or its sample).
    min_share
        A weak scheme's bare matches count only if at least this share of the non-null
        values validate under it...
    min_lift
        ...and that share is at least this many times its `CHANCE_RATE`...
    min_count
        ...and at least this many values validate.

    Returns
    -------
    dict of str to numpy.ndarray of bool
        For each accepted scheme, the mask of accepted values: values of a strong scheme
        (`STRONG_BARE`), values in a strong formatted layout (`STRONG_FORMATTED`), and all
        validating values of a weak scheme that the column-level rule admits.
    """
    arr = _as_strings(arr)
    n_non_null = len(arr) - arr.null_count
    out: dict[str, np.ndarray] = {}
    if n_non_null == 0:
        return out
    every = national_id_schemes(arr)
    formatted = national_id_schemes(arr, schemes=every.keys(), layout="formatted")
    for name, valid in every.items():
        count = int(valid.sum())
        share = count / n_non_null
        if name in STRONG_BARE or (
            count >= min_count and share >= min_share
            and share >= min_lift * CHANCE_RATE.get(name, 1.0)
        ):
            out[name] = valid
        elif name in STRONG_FORMATTED and name in formatted:
            out[name] = formatted[name]
    return out


def _random_value(template: str, rng: random.Random) -> str:
    out = []
    i = 0
    while i < len(template):
        c = template[i]
        if c == "[":
            j = template.index("]", i)
            out.append(rng.choice(template[i + 1 : j]))
            i = j + 1
            continue
        if c == "d":
            out.append(rng.choice("0123456789"))
        elif c == "L":
            out.append(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        else:
            out.append(c)
        i += 1
    return "".join(out)


def measure_chance_rate(name: str, n: int = 100_000, seed: int = 0) -> float:
    """Share of random strings of a scheme's bare shape that pass its check.

    Parameters
    ----------
    name
        A scheme name (`SCHEMES`).
    n
        Number of random strings drawn from the scheme's `Scheme.template`.
    seed
        Seed of the random generator.

    Returns
    -------
    float
        The measured rate (the figures of `CHANCE_RATE` come from ``n=100_000, seed=0``).
    """
    scheme = BY_NAME[name]
    rng = random.Random(seed)
    values = pa.array([_random_value(scheme.template, rng) for _ in range(n)])
    valid = validated(values, full_match(values, scheme.bare), scheme.validate)
    return float(valid.mean())


# --- free text ----------------------------------------------------------------------------
def _text_regex(shape: str) -> str:
    # RE2 whole-value shape -> a Python pattern bounded by non-alphanumerics.
    flags = ""
    if shape.startswith("(?i)"):
        flags, shape = "(?i)", shape[4:]
    return rf"{flags}(?<![0-9A-Za-z])(?:{shape})(?![0-9A-Za-z])"


# Only shapes that are evidence on their own are searched in text: strong bare shapes and
# strong formatted layouts. Bare digits of weak schemes are never reported in text.
_TEXT_PATTERNS: tuple[tuple[Scheme, re.Pattern[str]], ...] = tuple(
    [(s, re.compile(_text_regex(s.bare))) for s in SCHEMES if s.strong_bare]
    + [
        (s, re.compile(_text_regex(s.formatted)))
        for s in SCHEMES
        if s.strong_formatted and s.formatted is not None
    ]
)
_TWO_DIGITS = re.compile(r"[0-9]{2}")


def find_national_ids(
    text: str, schemes: Sequence[str] | None = None
) -> list[tuple[int, int, str, float]]:
    """Find national identifiers in free text.

    Parameters
    ----------
    text
        Any text.
    schemes
        Restrict to these scheme names (default: all).

    Returns
    -------
    list of (start, end, scheme, score)
        Non-overlapping spans in text order (the longer span wins an overlap, then the
        scheme listed first in `SCHEMES`). Only identifiers that are evidence without a
        header are searched: letter-and-digit schemes (NINO, codice fiscale, NIF/NIE,
        CURP, HETU), the Chinese RIC, and the formatted layouts of digit schemes (CPF
        ``390.533.447-05``, BSN ``1112.22.333``, NIR ``2 95 10 99 126 111 93``...).
    """
    if _TWO_DIGITS.search(text) is None:
        return []
    wanted = set(schemes) if schemes is not None else None
    order = {s.name: i for i, s in enumerate(SCHEMES)}
    candidates: list[tuple[int, int, str, float]] = []
    for scheme, pattern in _TEXT_PATTERNS:
        if wanted is not None and scheme.name not in wanted:
            continue
        for m in pattern.finditer(text):
            if scheme.validate(m.group()):
                candidates.append((m.start(), m.end(), scheme.name, scheme.score))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0]), order[c[2]]))
    found: list[tuple[int, int, str, float]] = []
    for cand in candidates:
        if not found or cand[0] >= found[-1][1]:
            found.append(cand)
    return found
