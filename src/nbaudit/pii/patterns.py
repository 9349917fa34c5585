"""Value patterns and validators.

Every pattern is written twice over the same alphabet: a *full* form that must match a
whole (stripped) cell of a structured column, and a *search* form that finds the entity
inside free text. Both use bounded quantifiers only and no nested repetition, so they are
linear-time in practice with Python's `re` and valid RE2 for pyarrow's kernels (RE2 has
no look-behind: look-behinds live only in `SEARCH_PY`).
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import re2
from stdnum import luhn

# --- building blocks --------------------------------------------------------------------
_EMAIL = (
    r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,6}"
    r"\.[A-Za-z]{2,24}"
)
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = rf"{_OCTET}(?:\.{_OCTET}){{3}}"
_IPV6 = r"(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?"
_MAC = r"[0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}"
_URL = r"(?:https?://|www\.)[A-Za-z0-9\-._~%]{1,}(?:[/?#][^\s<>\"']{0,})?"
_SSN = r"[0-9]{3}-[0-9]{2}-[0-9]{4}"
# SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000.
SSN_VALID = (
    r"(?:00[1-9]|0[1-9][0-9]|[1-578][0-9]{2}|6[0-57-9][0-9]|66[0-57-9])-?"
    r"(?:0[1-9]|[1-9][0-9])-?(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
)
_CARD = r"[0-9]{4}(?:[ \-]?[0-9]{4}){2}(?:[ \-]?[0-9]{1,7})?|3[47][0-9]{2}[ \-]?[0-9]{6}[ \-]?[0-9]{5}"
_IBAN = r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?"
# Phones: an optional international prefix, then 2-5 digit groups split by separators.
# Which digit counts are plausible is checked afterwards (`phone_digits_ok`).
_PHONE_STRUCT = (
    r"(?:\+|00)?[0-9]{0,3}[ .\-]?(?:\(0\))?[ .\-]?\(?[0-9]{1,5}\)?(?:[ .\-/]{0,2}[0-9]{1,5}){1,5}"
    r"(?: ?(?:x|ext\.?|#) ?[0-9]{1,6})?"
)
_PHONE_TEXT = (
    r"(?:\+[0-9]{1,3}[ .\-]?)?(?:\([0-9]{2,5}\) ?|[0-9]{2,5}[ .\-])[0-9]{2,5}"
    r"(?:[ .\-][0-9]{2,5}){0,3}(?: ?(?:x|ext\.?) ?[0-9]{1,6})?"
)
# A bare run of digits is a phone only right after a word that says so ("call 5551234567").
PHONE_CONTEXT_RE2 = (
    r"(?i:call|phone|tel|telephone|mobile|cell|fax|whatsapp|text me|sms|telefon|handy|"
    r"appelez|appeler|t[ée]l[ée]phone|llama|llamar|m[óo]vil)[^0-9\n]{0,12}([0-9]{10,12})"
)
PHONE_CONTEXT = re.compile(PHONE_CONTEXT_RE2 + "(?![0-9])")
# (pattern, whether a match must start a token). Runs of a token's own characters have no
# upper bound in a real key, so in Python's backtracking `re` a match may only start where a
# token starts: otherwise "eyJ" repeated 300,000 times is tried from every "eyJ" to the end
# (quadratic, 37 s). RE2 (pyarrow, google-re2) is linear without the guard, and has no
# look-behind; the one alternative that may follow a word ("DB_PASSWORD=...") is bounded.
_SECRET_PARTS = [
    (r"(?:AKIA|ASIA)[0-9A-Z]{16}", True),  # AWS access key id
    (r"gh[pousr]_[A-Za-z0-9]{36,}", True),  # GitHub tokens
    (r"github_pat_[A-Za-z0-9_]{22,}", True),
    (r"xox[abprs]-[A-Za-z0-9\-]{10,}", True),  # Slack
    (r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,99}", True),  # Stripe
    (r"sk-(?:proj-|ant-)?[A-Za-z0-9_\-]{20,}", True),  # OpenAI / Anthropic style
    (r"AIza[0-9A-Za-z_\-]{35}", True),  # Google API key
    (r"eyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}", True),  # JWT
    (r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----", False),
    (r"(?i:password|passwd|pwd|api[_\-]?key|secret[_\-]?key|access[_\-]?token)"
     r" ?[:=] ?[^\s,;]{6,256}", False),
]
_SECRET = "|".join(p for p, _ in _SECRET_PARTS)
_SECRET_PY = "|".join(f"(?<![A-Za-z0-9_\\-]){p}" if guard else p for p, guard in _SECRET_PARTS)
_DATE = (
    r"(?:19|20)[0-9]{2}-[01]?[0-9]-[0-3]?[0-9](?:[T ][0-2]?[0-9]:[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,9})?)?"
    r"(?: ?Z| ?[+\-][0-9]{2}:?[0-9]{2})?)?"
    r"|[0-3]?[0-9][/.\-][01]?[0-9][/.\-](?:19|20)?[0-9]{2}(?: [0-2]?[0-9]:[0-5][0-9](?::[0-5][0-9])?)?"
    r"|[01]?[0-9]/[0-3]?[0-9]/(?:19|20)[0-9]{2}"
    r"|(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.? [0-3]?[0-9],? (?:19|20)[0-9]{2}"
    r"|[0-3]?[0-9] (?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.? (?:19|20)[0-9]{2}"
)
_POSTAL = (
    r"[0-9]{5}(?:-[0-9]{4})?"  # US ZIP (+4), DE, FR, ES
    r"|[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}"  # UK
    r"|[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]"  # Canada
    r"|[0-9]{4} ?[A-Z]{2}"  # Netherlands
    r"|[0-9]{4}"  # AT, CH, BE, DK, AU...
)
# Street names: a house number and a street-type word, in English, German, French, Spanish.
_STREET_WORDS = (
    r"(?i:street|st\.?|avenue|ave\.?|road|rd\.?|boulevard|blvd\.?|lane|ln\.?|drive|dr\.?|court|"
    r"ct\.?|place|pl\.?|square|sq\.?|terrace|way|parkway|pkwy|highway|hwy|circle|cir\.?|trail|"
    r"crescent|close|gardens|suite|apt\.?|unit|"
    r"stra(?:ss|ß)e|str\.|weg|gasse|allee|platz|ring|damm|"
    r"rue|avenue|boulevard|chemin|all[ée]e|impasse|quai|"
    r"calle|avenida|av\.|paseo|plaza|camino|carrera|ronda|v[ií]a|pasaje|traves[ií]a|rambla|"
    r"glorieta|callej[óo]n|cuesta|carretera|urbanizaci[óo]n|partida|ca[ññ]ada)"
)
STREET_WORD_RE2 = rf"(?:^|[\s,]){_STREET_WORDS}(?:$|[\s,.])"
# Street addresses: a house number then words (US, UK, FR, ES order: "12 rue de la Paix"),
# or a street word then a number (DE, ES order: "Hauptstraße 5", "Calle Mayor 3").
_ADDRESS = (
    r"[0-9]{1,6}[A-Za-z]?,? \p{L}[^@:]*"
    rf"|[^0-9@/:]*{_STREET_WORDS}\.? [0-9]{{1,5}}[A-Za-z]?(?:[ ,/\-][^@:]*)?"
    rf"|{_STREET_WORDS}\.? (?:[^\s,0-9]+ ){{0,6}}[0-9]{{1,5}}[^@:]*"
)
_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

# Whole-cell patterns for structured columns (RE2 and Python compatible).
FULL: dict[str, str] = {
    "EMAIL_ADDRESS": _EMAIL,
    "IP_ADDRESS": f"{_IPV4}|{_IPV6}",
    "MAC_ADDRESS": _MAC,
    "URL": _URL,
    "US_SSN": _SSN,
    "CREDIT_CARD": _CARD,
    "IBAN_CODE": _IBAN,
    "PHONE_NUMBER": _PHONE_STRUCT,
    "SECRET": _SECRET,
    "DATE_TIME": _DATE,
    "POSTAL_CODE": _POSTAL,
    "LOCATION": _ADDRESS,
    "ID_NUMBER": _UUID,
}

# Patterns that find entities inside free text. Python-only look-behinds keep a match from
# starting in the middle of a token (and keep scanning linear on long runs of near-matches).
_TEXT = {
    "EMAIL_ADDRESS": _EMAIL,
    "URL": _URL,
    "IP_ADDRESS": _IPV4,
    "US_SSN": _SSN,
    "CREDIT_CARD": _CARD,
    "IBAN_CODE": _IBAN,
    "PHONE_NUMBER": _PHONE_TEXT,
    "SECRET": _SECRET,
}
# RE2 form for the vectorised "does this cell contain PII" pass.
SEARCH_RE2: dict[str, str] = {k: rf"(?:^|[^A-Za-z0-9_])(?:{v})" for k, v in _TEXT.items()}
SEARCH_RE2["EMAIL_ADDRESS"] = _EMAIL
SEARCH_RE2["URL"] = _URL
SEARCH_RE2["SECRET"] = _SECRET

# Text hits that need no validation, in RE2 form: a cell matching one of these certainly
# holds PII, so only the remaining candidates go through the Python validators.
SURE_RE2 = "|".join(
    [
        _EMAIL,
        _URL,
        _SECRET,
        PHONE_CONTEXT_RE2,
        r"(?:^|[^A-Za-z0-9_+\-])(?:\+[0-9]{1,3}[ .\-]?)?(?:\([0-9]{3}\) ?|[0-9]{3}[ .\-])[0-9]{3}[ .\-]"
        r"[0-9]{4}(?: ?(?:x|ext\.?) ?[0-9]{1,6})?(?:$|[^A-Za-z0-9_@])",
    ]
)

_WORD_START = r"(?<![A-Za-z0-9_+\-])"
_WORD_END = r"(?![A-Za-z0-9_@])"
# Order matters: earlier entities win where spans overlap (an email before its URL part).
SEARCH_ORDER = [
    "SECRET",
    "EMAIL_ADDRESS",
    "URL",
    "IBAN_CODE",
    "CREDIT_CARD",
    "US_SSN",
    "IP_ADDRESS",
    "PHONE_NUMBER",
]
SEARCH_PY: dict[str, re.Pattern[str]] = {
    "EMAIL_ADDRESS": re.compile(r"(?<![A-Za-z0-9._%+\-])" + _EMAIL),
    "URL": re.compile(r"(?<![A-Za-z0-9])" + _URL),
    "SECRET": re.compile(_SECRET_PY),
}
for _name in ("IP_ADDRESS", "US_SSN", "CREDIT_CARD", "IBAN_CODE", "PHONE_NUMBER"):
    SEARCH_PY[_name] = re.compile(_WORD_START + f"(?:{_TEXT[_name]})" + _WORD_END)


# --- validators -------------------------------------------------------------------------
# --- vectorised matching (pyarrow RE2), shared by every detector module ------------------
def as_mask(result: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A pyarrow boolean result as a numpy mask (null counts as False)."""
    return np.asarray(pc.fill_null(result, False), dtype=bool)


# A pyarrow regex kernel compiles its pattern on every call (50-150 us for ours): on a few
# values, one cached google-re2 program (RE2: the engine, syntax and linear time of pyarrow's
# kernels, so small and large arrays give the same answers) applied value by value costs a
# tenth of that. Wide frames (10,000 columns x 5 rows) live on it.
SMALL_ARRAY = 512


@functools.lru_cache(maxsize=2048)
def _program(regex: str) -> re2._Regexp:
    return re2.compile(regex)


def _search_small(arr: pa.Array | pa.ChunkedArray, regex: str) -> np.ndarray:
    search = _program(regex).search
    values = arr.to_pylist()
    return np.fromiter((v is not None and search(v) is not None for v in values),
                       dtype=bool, count=len(values))


def contains(arr: pa.Array, regex: str) -> np.ndarray:
    """True where `regex` (RE2) matches somewhere in the value."""
    if len(arr) <= SMALL_ARRAY:
        return _search_small(arr, regex)
    return as_mask(pc.match_substring_regex(arr, regex))


def full_match(arr: pa.Array, regex: str) -> np.ndarray:
    """True where the whole value matches `regex` (RE2; a leading ``(?i)`` is kept)."""
    flags = ""
    if regex.startswith("(?i)"):
        flags, regex = "(?i)", regex[4:]
    whole = f"{flags}^(?:{regex})$"
    if len(arr) <= SMALL_ARRAY:
        return _search_small(arr, whole)
    return as_mask(pc.match_substring_regex(arr, whole))


_NON_DIGIT = re.compile(r"[^0-9]")


def digits_only(text: str) -> str:
    return _NON_DIGIT.sub("", text)


def luhn_ok(text: str) -> bool:
    """Luhn checksum (python-stdnum's) of the 12 to 19 digits in `text` (payment cards)."""
    digits = digits_only(text)
    return 12 <= len(digits) <= 19 and luhn.is_valid(digits)


def luhn_checksums(digits: np.ndarray) -> np.ndarray:
    """`stdnum.luhn.checksum` of each row of a matrix of digits (0 for a valid number),
    vectorised: column 0 holds each number's last (check) digit, zeros pad the short ones."""
    doubled = digits[:, 1::2] * 2
    doubled -= 9 * (doubled > 9)
    return (digits[:, 0::2].sum(axis=1) + doubled.sum(axis=1)) % 10


def luhn_ok_many(values: pa.Array) -> np.ndarray:
    """`luhn_ok` of each value of an Arrow string array, vectorised (a million cards in half a
    second; python-stdnum value by value takes ten)."""
    n = len(values)
    if n == 0:
        return np.zeros(0, dtype=bool)
    width = 19
    digits = pc.fill_null(pc.replace_substring_regex(values, "[^0-9]", ""), "")
    lengths = np.asarray(pc.fill_null(pc.utf8_length(digits), 0))
    ok_length = (lengths >= 12) & (lengths <= width)
    # Right-align in a (n, 19) matrix of digits so that column 0 is the check digit.
    padded = pc.utf8_lpad(pc.if_else(pa.array(ok_length), digits, ""), width=width, padding="0")
    if isinstance(padded, pa.ChunkedArray):
        padded = padded.combine_chunks()
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int32)
    start = int(offsets[padded.offset])
    raw = np.frombuffer(padded.buffers()[2], dtype=np.uint8)[start : start + n * width]
    mat = raw.reshape(n, width)[:, ::-1].astype(np.int64) - 48
    return (luhn_checksums(mat) == 0) & ok_length


def iban_ok(text: str) -> bool:
    """ISO 13616 mod-97 check of an IBAN."""
    s = re.sub(r"\s+", "", text).upper()
    if not 15 <= len(s) <= 34 or not s[:2].isalpha():
        return False
    moved = s[4:] + s[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in moved))
    except ValueError:
        return False
    return number % 97 == 1


def ssn_ok(text: str) -> bool:
    """SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000."""
    d = digits_only(text)
    if len(d) != 9:
        return False
    area, group, serial = d[:3], d[3:5], d[5:]
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def ip_ok(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    return True


_EXTENSION = re.compile(r"(?:x|ext\.?|#).*$")


def phone_digits_ok(text: str) -> bool:
    """A phone number has 7 to 15 digits before any extension (ITU E.164)."""
    n = len(digits_only(_EXTENSION.sub("", text)))
    return 7 <= n <= 15


def validated(arr: pa.Array, mask: np.ndarray, check: Callable[[str], bool]) -> np.ndarray:
    """`mask` where `check` passes too: the Python validator of the values that matched a
    pattern (checksums, ranges), run once per distinct value."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return mask
    # Each distinct candidate once (columns repeat values).
    encoded = pc.dictionary_encode(arr.take(pa.array(idx)))
    verdict = np.fromiter(
        (check(v) for v in encoded.dictionary.to_pylist()), dtype=bool,
        count=len(encoded.dictionary),
    )
    out = np.zeros(len(arr), dtype=bool)
    out[idx] = verdict[encoded.indices.to_numpy(zero_copy_only=False)]
    return out


VALIDATORS = {
    "CREDIT_CARD": luhn_ok,
    "IBAN_CODE": iban_ok,
    "US_SSN": ssn_ok,
    "IP_ADDRESS": ip_ok,
    "PHONE_NUMBER": phone_digits_ok,
}
VALIDATOR_NAMES = {
    "CREDIT_CARD": "Luhn checksum",
    "IBAN_CODE": "IBAN mod-97",
    "US_SSN": "SSN area/group/serial rules",
    "IP_ADDRESS": "IP address ranges",
    "PHONE_NUMBER": "7-15 digits",
}
