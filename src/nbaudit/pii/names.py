"""Person names in columns and in free text, in any letter case and script.

A value is a name when its words look like a name (letters of one script, 1-5 words, no
digits) and the lexicon knows its given name or its surname. Name forms handled: "First
Last", "LAST, FIRST M", "Last, Title First (Maiden Name)", initials, particles ("van der",
"de la"), suffixes (Jr., III, PhD). Scripts without case or spaces (Han, kana, Hangul) and
abjads whose transliteration loses the vowels (Arabic, Devanagari) are matched against
native-script lists; every other script is transliterated to ASCII with `anyascii` first.

The lexicon (`data/`, see its SOURCES.md) is the US Census 1990 lists, nomquamgender's
international given names and curated surnames of ~30 countries; no source comes from a
data breach.
"""

from __future__ import annotations

import bisect
import gzip
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from anyascii import anyascii

TITLES = frozenset(
    ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lady", "lord", "herr", "frau", "mme", "mlle", "sr", "sra", "srta", "don", "dona", "rev", "fr", "ing", "mag", "me", "pr", "master", "capt", "col", "gen", "lt", "sgt", "hon", "rabbi", "imam", "sheikh", "fra", "sig", "sigra", "dott", "avv", "ir", "drs"]
)
SUFFIXES = frozenset(["jr", "sr", "ii", "iii", "iv", "v", "md", "phd", "dds", "dvm", "esq", "mba", "bsc", "msc", "ba", "ma", "llm", "rn", "cpa"])
PARTICLES = frozenset(
    ["van", "von", "de", "del", "della", "der", "den", "di", "da", "du", "la", "le", "y", "bin", "binti", "bint", "al", "el", "zu", "dos", "das", "ter", "ten", "st", "mac", "mc", "ibn", "ben", "ap"]
)

# Scripts matched with native lists rather than transliteration.
_HAN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff\u3005]{2,4}$")
_KANA_KANJI = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_HANGUL = re.compile(r"^[\uac00-\ud7a3]{2,4}$")
_NATIVE_SCRIPT = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u0900-\u097f]")
# Letters of any script, with the combining marks that Indic scripts write vowels with.
_WORD = re.compile(r"^[^\W\d_][^\W\d_\u0300-\u036f\u0900-\u0dff]*(?:['’\-.][^\W\d_]+)*\.?$")
_LETTERS_MARKS = re.compile(r"^(?:[^\W\d_]|[\u0900-\u0dff\u0300-\u036f])+$")
# Last words that make a phrase a place, an organisation or a thing, not a person.
NOT_NAME_WORDS = frozenset(
    ["street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "drive", "boulevard", "blvd", "way", "court", "ct", "place", "pl", "square", "park", "parkway", "highway", "hwy", "inc", "ltd", "llc", "plc", "gmbh", "ag", "sa", "corp", "co", "company", "group", "holdings", "bank", "hospital", "clinic", "university", "college", "school", "academy", "institute", "center", "centre", "church", "hotel", "restaurant", "cafe", "store", "shop", "market", "club", "team", "fc", "airport", "station", "county", "city", "town", "village", "river", "lake", "mountain", "valley", "beach", "island", "bay", "museum", "library", "foundation", "association", "department", "office", "services", "service", "systems", "solutions", "international", "global"]
)
_PAREN = re.compile(r"\s*[(\[\"“][^)\]\"”]{0,60}[)\]\"”]\s*")
_SPACE = re.compile(r"\s+")


# --- the lexicon ------------------------------------------------------------------------
def _read_gz(name: str) -> frozenset[str]:
    with resources.files("nbaudit.pii.data").joinpath(name).open("rb") as raw:
        text = gzip.decompress(raw.read()).decode("ascii")
    return frozenset(text.splitlines())


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Given names, lower-case ASCII (about 80,000, from several countries)."""
    return _read_gz("first_names.txt.gz")


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Surnames, lower-case ASCII (about 89,000)."""
    return _read_gz("surnames.txt.gz")


@lru_cache(maxsize=1)
def everyday_names() -> frozenset[str]:
    """Names that are also everyday English words ("will", "grant", "hunter")."""
    return _read_gz("name_words.txt.gz")


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Names of cities over 15,000 people, countries and US states (GeoNames, CC BY 4.0)."""
    return _read_gz("places.txt.gz")


@lru_cache(maxsize=1)
def native_names() -> dict[str, frozenset[str]]:
    """Names in their own scripts, by section of `data/names_native.txt`."""
    sections: dict[str, set[str]] = {}
    current = ""
    text = resources.files("nbaudit.pii.data").joinpath("names_native.txt").read_text("utf-8")
    for line in text.splitlines():
        if line.startswith("# ") and line[2:3].isupper() and "_" in line.split()[1]:
            current = line.split()[1]
            continue
        if line.startswith("#") or not current:
            continue
        sections.setdefault(current, set()).update(line.split())
    return {k: frozenset(v) for k, v in sections.items()}


@lru_cache(maxsize=1)
def nationalities() -> frozenset[str]:
    """Nationality and group adjectives and nouns, lower case ("italian", "greeks"), from
    `data/nationalities.txt`, with their plurals."""
    text = resources.files("nbaudit.pii.data").joinpath("nationalities.txt").read_text("utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            words.add(" ".join(line.split()))
    for w in list(words):
        if not w.endswith(("sh", "ch", "ese", "ss", "swiss")):
            words.add(w + "s")
    return frozenset(words)


def fold(word: str) -> str:
    """Lower-case ASCII form of a word in any script ("Ayşe" -> "ayse", "Иван" -> "ivan")."""
    if word.isascii():
        return word.lower()
    return anyascii(unicodedata.normalize("NFC", word)).lower()


# --- one value --------------------------------------------------------------------------
def name_words(value: str) -> list[str] | None:
    """The words of `value` read as a person's name, in "given ... family" order.

    Titles, suffixes, bracketed parts and quoted nicknames are dropped; "Last, First" is
    turned around. None when the value cannot be a name (digits, symbols, too many words).
    """
    text = _PAREN.sub(" ", value).strip()
    if not text or len(text) > 80:
        return None
    if text.count(",") == 1:
        head, _, tail = text.partition(",")
        tail_words = tail.split()
        if tail_words and _strip_dot(tail_words[-1]).lower() in SUFFIXES:
            text = head  # "John Smith, Jr."
        else:
            text = f"{tail} {head}"
    elif "," in text:
        return None
    words: list[str] = []
    for word in _SPACE.split(text.strip()):
        if not word:
            continue
        if not (_WORD.match(word) or _LETTERS_MARKS.match(word)):
            return None
        key = _strip_dot(word).lower()
        if key in TITLES or key in SUFFIXES and words:
            continue
        words.append(word)
    return words if 1 <= len(words) <= 6 else None


def _strip_dot(word: str) -> str:
    return word.rstrip(".")


def _is_initial(word: str) -> bool:
    return len(_strip_dot(word)) == 1


def _cased(words: list[str]) -> bool:
    """Capitalised like a proper name ("Anna Smith", "McDonald"), not all lower or upper."""
    return all(w[0].isupper() and not w.isupper() for w in words if len(w) > 1) and any(
        len(w) > 1 for w in words
    )


def _native_match(words: list[str]) -> bool:
    native = native_names()
    joined = "".join(words)
    if _HAN.match(joined) or (len(words) == 2 and all(_KANA_KANJI.search(w) for w in words)):
        han = native.get("HAN_SURNAMES", frozenset()) | native.get(
            "JAPANESE_SURNAMES", frozenset())
        if len(words) >= 2:
            return words[0] in han
        return joined[:1] in han or joined[:2] in han or joined[:3] in han
    if _HANGUL.match(joined):
        hangul = native.get("HANGUL_SURNAMES", frozenset())
        return joined[:1] in hangul or joined[:2] in hangul
    if _NATIVE_SCRIPT.search(joined):
        wanted = native.get("ARABIC_SCRIPT", frozenset()) | native.get("DEVANAGARI",
                                                                          frozenset())
        return any(w in wanted for w in words)
    return False


def is_name(value: str, hinted: bool) -> bool:
    """Whether one value reads as a person's name.

    Parameters
    ----------
    value
        A stripped cell value.
    hinted
        The column header says it holds names: one word is then enough, and a lower-case
        or upper-case value needs only its given name or its surname to be known.
    """
    words = name_words(value)
    if words is None:
        return False
    if not value.isascii() and _native_match(words):
        return True
    full = [w for w in words if not _is_initial(w)]
    initials = len(words) - len(full)
    if not full:
        return False
    if len(full) == 1 and not hinted:
        # "J. R. Smith": initials and a known, capitalised surname.
        word = full[0]
        return bool(initials) and _cased(full) and fold(_strip_dot(word)) in surnames()
    folded = [fold(_strip_dot(w)).replace("’", "'") for w in full]
    core = [f for f in folded if f not in PARTICLES] or folded
    first, last = core[0], core[-1]
    given, family = first_names(), surnames()
    # Double-barrelled surnames: "Fischer-Bender", "Garcia Lopez".
    last_parts = last.split("-")
    known_first = first in given or first.split("-")[0] in given
    known_last = last in family or last_parts[-1] in family or last_parts[0] in family
    if last in NOT_NAME_WORDS:
        return False  # "Mercy Hospital", "Jackson Street": named after people, not people
    if len(core) == 1 or hinted:
        return known_first or known_last
    if " ".join(folded) in places():
        return False
    if _cased(full):
        return known_first or known_last
    # All lower or all upper case: no capitals to go by, so both ends must be known.
    return known_first and known_last


def name_mask(arr: pa.Array, hinted: bool) -> np.ndarray:
    """Vectorised `is_name` over a pyarrow string array of stripped values.

    Values with a digit or a sign no name has (@ / : _ = #) are ruled out in one Arrow
    pass; only the rest go through `is_name`.
    """
    out = np.zeros(len(arr), dtype=bool)
    maybe = np.asarray(pc.fill_null(pc.invert(pc.match_substring_regex(
        arr, r"[0-9@/:_=#<>{}\[\]|\\]|^$")), False), dtype=bool)
    idx = np.flatnonzero(maybe)
    if idx.size:
        values = arr.take(pa.array(idx)).to_pylist()
        out[idx] = [is_name(v, hinted) for v in values]
    return out


# --- free text --------------------------------------------------------------------------
# Words after which a capitalised word is a person's name ("Dear Anna", "spoke with Omar").
CUES = frozenset(
    ["dear", "hi", "hello", "hey", "thanks", "cheers", "sincerely", "regards", "signed", "best", "attn", "cc", "contact", "contacted", "called", "named", "patient", "customer", "client", "agent", "employee", "manager", "doctor", "nurse", "tenant", "applicant", "passenger", "holder", "mr", "mrs", "ms", "mx", "dr", "prof", "sir", "madam", "miss", "says", "said", "asked", "wrote", "told", "producer", "director", "author", "singer", "actor", "actress", "player", "coach", "colleague", "friend", "wife", "husband", "son", "daughter", "mother", "father", "brother", "sister", "partner", "kid", "boss", "featuring", "feat", "starring", "ceo", "founder", "name"]
) | TITLES
CUES_2 = frozenset(
    """spoke with|spoke to|talked to|talked with|ask for|asked for|thank you|assigned to|name is|
    name:|named by|signed by|written by|reported by|approved by|referred by|seen by|treated by|
    handled by|escalated to|forwarded to|cc:|attn:|directed by|produced by|sung by|assistant to|
    call me|i'm|i am|this is|married to|engaged to|tribute to|contact:|from:|to:|author:|
    by:|owner:|user:|customer:|patient:|name's|names are|called me""".replace("\n", "").split("|")
)
# Cues after which one capitalised word is a name even when the lexicon does not know it.
STRONG_CUES = frozenset(["mr", "mrs", "ms", "mx", "dr", "prof", "sir", "miss", "dear", "named",
                         "signed", "name", "name:", "name?", "surname?", "surname:"]) | TITLES
STRONG_CUES_2 = frozenset(["name is", "name:", "call me", "my name", "signed by", "name's",
                           "called me"])


def _cue_words(text: str, start: int) -> list[str]:
    before = text[max(0, start - 30):start]
    if not before.endswith((" ", "\t", "\n")):
        return []
    return before.rstrip(" ,:\t\n").lower().replace(".", "").split()


def _cued(text: str, start: int) -> bool:
    """Whether the words just before `start` are a cue ("Dear ", "Mr. ", "spoke with ")."""
    words = _cue_words(text, start)
    if not words:
        return False
    return words[-1] in CUES or words[-1] in CUES_2 or " ".join(words[-2:]) in CUES_2 or (
        words[-1].endswith(":") and words[-1][:-1] in CUES)


def _strongly_cued(text: str, start: int) -> bool:
    """A title or a naming phrase just before `start` ("Mrs. ", "my name is ", "Name: ")."""
    words = _cue_words(text, start)
    if not words:
        return False
    colon = text[max(0, start - 30):start].rstrip(" \t").endswith(":")
    last = words[-1] + (":" if colon else "")
    return (words[-1] in STRONG_CUES and not colon) or last in STRONG_CUES \
        or " ".join(words[-2:]) in STRONG_CUES_2 or " ".join(words[-2:]) + ":" in STRONG_CUES_2


# Latin letters with accents of every European language (Latin Extended-A and B hold both
# cases: the first letter is checked with str.isupper afterwards).
_UP = "A-ZÀ-ÖØ-ÞĀ-ɏ"
_LOW = "a-zß-öø-ÿĀ-ɏ'’"
# One inner capital is part of a name (McLean, DeAndre, MacDonald, LaToya).
_CAP = rf"[{_UP}][{_LOW}]+(?:[{_UP}][{_LOW}]+)?(?:-[{_UP}][{_LOW}]+)?"
_NAME_RUN = re.compile(
    rf"(?<![\w'’-])({_CAP}(?: (?:[A-Z]\.|[A-Z](?= [{_UP}][{_LOW}])|{_CAP}|"
    rf"(?:van|von|de|der|den|del|da|di|du|la|le|al|el|bin|ibn)"
    rf"(?= [A-Z]))){{0,3}})(?![\w-])"
)
# Capitalised words that start sentences or name things, not people, when they stand alone.
_COMMON = frozenset(
    ["the", "a", "an", "and", "or", "but", "if", "in", "on", "at", "to", "for", "of", "from", "by", "with", "as", "is", "are", "was", "were", "be", "been", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "you", "i", "my", "your", "our", "their", "his", "her", "me", "us", "them", "please", "thanks", "thank", "hi", "hello", "dear", "yes", "no", "not", "all", "any", "some", "each", "every", "new", "old", "first", "last", "next", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "today", "tomorrow", "yesterday", "street", "st", "road", "rd", "avenue", "ave", "lane", "drive", "boulevard", "court", "place", "square", "park", "city", "county", "state", "north", "south", "east", "west", "mr", "mrs", "ms", "dr", "customer", "client", "patient", "order", "account", "card", "number", "phone", "email", "address", "call", "contact", "support", "team", "service", "company", "bank", "hospital", "university", "school", "ok", "okay", "why", "what", "who", "when", "where", "how", "so", "do", "does", "did", "can", "could", "would", "should", "will", "shall", "let", "just", "also", "here", "there", "then", "now", "sorry", "sure", "name", "date", "time", "note", "subject", "re", "fw", "fwd", "via", "per", "about", "after", "before", "since", "during", "our", "one", "two"]
)


_LONG_WORD = re.compile(r"\b[^\W\d_]{3,}\b")
_SEGMENT_END = re.compile(r"[.!?]\s|\n")
# RE2 pre-filter for names in text: two capitalised words in a row, a cue then one, or one
# inside a sentence ("the kids: Michael, Selena and James"). A text whose only evidence is
# one name opening it ("Jerry is late") is left to the pages and the NER tier: a capital
# at the start of a text says nothing, and nearly every text has one.
NAME_CANDIDATE_RE2 = (
    r"\p{Lu}\p{Ll}+ \p{Lu}[\p{Ll}'’]+"
    r"|(?i:dear|hi|hello|thanks|signed|regards|sincerely|mr|mrs|ms|dr|name is|spoke|call me|"
    r"name)[.,:]? +\p{Lu}"
    r"|[\p{Ll},;:] \p{Lu}\p{Ll}|\p{Lu}\p{Ll}+(?:'s|’s|:)"
)


def _sentence_start(text: str, start: int) -> bool:
    """Whether `start` begins a sentence, a line or a quotation (capitals say nothing there)."""
    before = text[max(0, start - 3):start].rstrip(" \t")
    return not before or before[-1] in ".!?\n:;\"“(\\'}>*-•"


class _Segments:
    """Sentences and lines of a text, each judged once for Title Case.

    In Title Case Text (headlines, charge or product descriptions, lists of genres)
    capitals say nothing: two capitalised words are then no evidence of a name without a
    cue. The judgement is per sentence or line, so a signature block or a name line does
    not make the rest of a message a headline.
    """

    def __init__(self, text: str, key: Callable[[str], str], skip: Callable[[str], bool]):
        self.text, self.key, self.skip = text, key, skip
        self.ends = [m.start() for m in _SEGMENT_END.finditer(text)] + [len(text)]
        self.flags: dict[int, bool] = {}

    def title_case(self, pos: int) -> bool:
        i = bisect.bisect_left(self.ends, pos)
        flag = self.flags.get(i)
        if flag is None:
            lo = self.ends[i - 1] + 1 if i else 0
            hi = self.ends[min(i, len(self.ends) - 1)]
            # Known names, acronyms, street and place words do not count: a list of names
            # or an address line is not a headline.
            words = [w for w in _LONG_WORD.findall(self.text[lo:hi])
                     if not w.isupper() and not self.skip(w)]
            flag = len(words) >= 2 and sum(w[0].isupper() for w in words) > 0.6 * len(words)
            self.flags[i] = flag
        return flag


_POSSESSIVE = ("'s", "’s")
# Last words of products, roles and plans, not of people ("Tesla Model 3", "Success Manager").
_THING_LAST = frozenset(
    ["model", "series", "edition", "pro", "plus", "max", "mini", "ultra", "lite", "update", "app", "apps", "account", "plan", "card", "manager", "director", "officer", "assistant", "engineer", "specialist", "team", "desk", "portal", "store", "edition", "version", "release", "console", "phone", "tablet", "laptop", "watch", "camera", "speaker", "drive", "cloud"])


def names_in_text(text: str) -> list[tuple[int, int, str, float]]:
    """Person names in free text: (start, end, "PERSON", score).

    A run of capitalised words is a name when its first word is a known given name and a
    later word a known surname (0.7); when a title or a naming phrase comes first ("Mrs.",
    "my name is", "Name:") (0.6); when one of its words is known and a cue word comes first
    ("Dear", "spoke with", "Signed,", "says") (0.6), or a cue alone before two capitalised
    words (0.5); a known given name and a capitalised word (0.5), or a capitalised word
    and a known surname (0.45). One known name alone counts inside a sentence, or at its
    start when a verb, a comma, a colon or a possessive follows ("Jerry is", "Mark:",
    "Richard's") (0.4). Possessives are left out of the span.
    """
    if not any(c.isupper() for c in text):
        return []
    given, family, common = first_names(), surnames(), everyday_names()
    where, groups = places(), nationalities()
    keys: dict[str, str] = {}  # word -> folded key; texts repeat their words

    def key(word: str) -> str:
        k = keys.get(word)
        if k is None:
            k = keys[word] = fold(word.rstrip(".")).replace("’", "'")
        return k

    def known(word: str) -> bool:
        k = key(word)
        return k in given or k in family or k in NOT_NAME_WORDS or k in where

    segments = _Segments(text, key, known)
    spans: dict[tuple[int, int], float] = {}
    for m in _NAME_RUN.finditer(text):
        words = m.group(1).split(" ")
        start, end = m.span(1)
        if words[-1].endswith(_POSSESSIVE):
            words[-1] = words[-1][:-2]
            end -= 2
        elif _CONTRACTION.match(words[-1]):
            continue  # "Who's", "Don't": a contraction, not a name
        run_key = " ".join(key(w) for w in words)
        if (run_key in where and (len(words) > 1 or _place_preposition(text, start))
                and not _strongly_cued(text, start)):
            continue  # "South Africa", "Santa Lucia Del Mela", "moved to Lincoln"
        # A sentence-initial common word is not part of the name ("Thanks Anna Smith").
        while words and (key(words[0]) in _COMMON or _CONTRACTION.match(words[0]) or (
                len(words) > 1 and key(words[0]) in CUES)):
            # "I'm Rayan Deutekom", "Producer Matej Jurković", "Miss Marcela Pospíšilová":
            # the name starts after it, and the word is its cue.
            start += len(words[0]) + 1
            words = words[1:]
        while words and (key(words[-1]) in _COMMON or key(words[-1]) in _UNIT_WORDS):
            end -= len(words[-1]) + 1  # "Dr. Amelia Pisano Suite 598": the unit starts
            words = words[:-1]
        if not words or not words[0][0].isupper() or len(words[0]) < 2:
            continue
        if any(key(p) in _COMMON for w in words for p in w.split("-") if "-" in w):
            continue  # "Monday-Friday", "Follow-Up"
        if key(words[0]) in groups or (len(words) == 1 and key(words[0]) in TITLES):
            continue  # "Italian Border Force", "German", "Sir"
        if key(words[-1]) in NOT_NAME_WORDS or (
                len(words) > 1 and key(words[-1]) in _THING_LAST):
            continue  # "Laura Mountain", "Tata Co", "Tesla Model", "Success Manager"
        strong = _strongly_cued(text, start)
        first_known = key(words[0]) in given
        if " ".join(key(w) for w in words) in where and not strong and not (
                len(words) == 1 and first_known and not _place_preposition(text, start)):
            continue  # "Norway" (but "Dear Paris"; and "Lincoln, Michael and Selena")
        last = key(words[-1])
        last_known = len(words[-1].rstrip(".")) > 1 and (
            last in family or last.split("-")[-1] in family)
        everyday = key(words[0]) in common
        # Title Case says nothing about a run followed by a lower-case word, a comma or a
        # possessive: "Elisha Fedorov from Nationstar Mortgage" is a sentence, not a headline.
        in_title = segments.title_case(start) and not _name_follows(text, end)
        if len(words) >= 2 and first_known and last_known and not in_title:
            spans[(start, end)] = 0.7
        elif strong and len(words) <= 4:
            spans[(start, end)] = 0.6
        elif (first_known or last_known or len(words) >= 2) and _cued(text, start):
            if len(words) == 1 and not first_known and last in where:
                continue  # "from London", "Dear Paris team"
            spans[(start, end)] = 0.6 if (first_known or last_known) else 0.5
        elif (len(words) >= 2 and len(words[-1].rstrip(".")) > 1 and not everyday
              and first_known and not in_title):
            spans[(start, end)] = 0.5
        elif (len(words) == 3 and _is_initial(words[1]) and not in_title
              and len(words[2].rstrip(".")) > 1):
            spans[(start, end)] = 0.5  # "Lewis L. West", "Pista J Bodnár": a middle initial
        elif len(words) == 1 and len(words[0]) > 2 and (first_known or last_known) and (
                not everyday) and (
                not segments.title_case(start)) and (
                not _sentence_start(text, start) or _name_follows(text, end)):
            # One known name inside a sentence ("the kids: Michael, Selena and James"), or
            # starting one before a verb, a comma or a colon ("Jerry is", "Mark: hi").
            spans[(start, end)] = 0.4
    _names_in_lists(text, spans, key, where)
    return [(s, e, "PERSON", score) for (s, e), score in sorted(spans.items())]


# "I'm", "It's", "We're" (but not O'Brien or D'Angelo: a capital follows the apostrophe).
_CONTRACTION = re.compile(r"^[A-Za-z]+['’][a-z]+$")
# Words of a unit or a floor: they start an address line, never end a name.
_UNIT_WORDS = frozenset(["suite", "ste", "apt", "apartment", "unit", "flat", "floor", "room",
                         "bldg", "building", "po"])
# A list of capitalised words: "Raina, Nathaniel, Maria, Reginald and Dale".
_LIST = re.compile(rf"{_CAP}(?:(?:, | and | & |, and ){_CAP}){{2,}}")


def _names_in_lists(text: str, spans: dict[tuple[int, int], float],
                    key: Callable[[str], str], where: frozenset[str]) -> None:
    """A list of three or more capitalised words is read as a whole: when at least half of
    its items are names, the others are names too ("our founders: Holm, Weber and Day");
    when most are places, a place in it is not a person ("Paris, London and Madrid")."""
    if not spans:
        return
    for m in _LIST.finditer(text):
        items = [(i.start(), i.end()) for i in re.finditer(_CAP, m.group())]
        items = [(m.start() + a, m.start() + b) for a, b in items]
        places_in = [it for it in items if key(text[it[0]:it[1]]) in where]
        if len(places_in) * 2 > len(items):
            for it in places_in:
                spans.pop(it, None)
            continue
        named = [it for it in items if any(s <= it[0] and it[1] <= e for s, e in spans)]
        if len(named) < 2 or len(named) * 2 < len(items):
            continue
        for a, b in items:
            if _free(a, b, spans) and key(text[a:b]) not in _COMMON:
                spans[(a, b)] = 0.4


def _free(a: int, b: int, spans: dict[tuple[int, int], float]) -> bool:
    return not any(s < b and a < e for s, e in spans)


_PLACE_PREPOSITION = re.compile(
    r"(?i:\b(?:in|at|to|from|near|of|via|around|outside|into|across|through|towards?|"
    r"visit|visiting|visited|leave|left|leaving|reach|reached|toward)[ \t]{1,3}$)")


def _place_preposition(text: str, start: int) -> bool:
    """Whether a preposition of place comes right before `start` ("in ", "moved to ")."""
    return _PLACE_PREPOSITION.search(text, max(0, start - 16), start) is not None


# After a sentence-initial name: a possessive, a colon or comma (a speaker, a greeting), or
# a lower-case word (a verb: "Jerry is", "Maha lives", "Kiera spent").
_AFTER_NAME = re.compile(r"(?:['’]s\b|:|,| [a-z]{2,})")


def _name_follows(text: str, end: int) -> bool:
    return _AFTER_NAME.match(text, end) is not None
