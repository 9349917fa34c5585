"""Person names in columns and in text: known answers over cases, scripts and name forms."""

from __future__ import annotations

import pyarrow as pa
import pytest

from nbaudit.pii import names
from nbaudit.pii.headers import header_hints


@pytest.mark.parametrize(
    ("value", "hinted", "expected"),
    [
        # Letter case: lower, upper, title.
        ("miguel hernandez", False, True),
        ("MIGUEL HERNANDEZ", False, True),
        ("Miguel Hernandez", False, True),
        # Name forms.
        ("HERNANDEZ, MIGUEL A", False, True),
        ("Braund, Mr. Owen Harris", False, True),
        ("Cumings, Mrs. John Bradley (Florence Briggs Thayer)", False, True),
        ('William "Bill" Clinton', False, True),
        ("John Smith, Jr.", False, True),
        ("Dr. Anna Maria van der Berg", False, True),
        ("J. R. Smith", False, True),
        ("J. R. Zorblatz", False, False),
        # Scripts and countries beyond the US Census.
        ("张伟", False, True),
        ("田中 太郎", False, True),
        ("김민준", False, True),
        ("Мстислав Кудрявцев", False, True),
        ("محمد علي", False, True),
        ("राहुल शर्मा", False, True),
        ("ayşe yılmaz", False, True),
        ("Nguyễn Văn An", False, True),
        ("Chukwuemeka Okafor", False, True),
        ("Ngozi Adeyemi", False, True),
        # One word: a name only under a header that says so.
        ("miguel", True, True),
        ("miguel", False, False),
        ("Okonkwo", True, True),
        # Not names.
        ("New York", False, False),
        ("San Francisco", False, False),
        ("Main Street", False, False),
        ("Mercy Hospital", True, False),
        ("Apple Inc", False, False),
        ("1992 Summer", False, False),
        ("POLICE OFFICER", False, False),
        ("red apple", False, False),
        ("jane@example.com", True, False),
        ("", True, False),
        ("x" * 200, True, False),
    ],
)
def test_is_name(value, hinted, expected):
    assert names.is_name(value, hinted) is expected
    assert bool(names.name_mask(pa.array([value]), hinted)[0]) is expected


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I spoke with Maria Gonzalez yesterday.", ["Maria Gonzalez"]),
        ("Dear Anna, thanks for the quick reply", ["Anna"]),
        ("Signed, Omar Farouk", ["Omar Farouk"]),
        ("Thanks Katherine Klein for the help", ["Katherine Klein"]),
        ("Mr. Smith called from London", ["Smith"]),
        ("Patient: Zorblat Quux was admitted", ["Zorblat Quux"]),  # a cue, no lexicon
        ("The New York office is closed", []),
        ("Grand Theft in the 3rd Degree", []),  # Title Case: capitals say nothing
        ("Del Cannabis For Consideration", []),
        ("please call back tomorrow", []),
        # Inner capitals, contractions, cues that start the run, units after a name.
        ("Justin McLean listed his top 20 songs", ["Justin McLean"]),
        ("Conan O'Brien said hi", ["Conan O'Brien"]),
        ("I'm Rayan Deutekom, originally from Nuuk", ["Rayan Deutekom"]),
        ("Producer Matej Jurkovic explained it", ["Matej Jurkovic"]),
        ("Miss Marcela Pospisilova Apt. 915", ["Marcela Pospisilova"]),
        ("What's your last name? Henriksson", ["Henriksson"]),
        # A sentence after a name, even with a company in Title Case in it.
        ("Elisha Fedorov from Nationstar Mortgage Holdings", ["Elisha Fedorov"]),
        # Lists: once most items are names, the others are too.
        ("Our founders: Holm, Weber and Day.", ["Holm", "Weber", "Day"]),
        ("We visited Paris, London and Madrid in May.", []),
        ("Pista J Bodnar", ["Pista J Bodnar"]),  # a middle initial
        ("Reading is fun and Nice was nice.", []),
    ],
)
def test_names_in_text(text, found):
    assert [text[s:e] for s, e, _, _ in names.names_in_text(text)] == found


@pytest.mark.parametrize(
    ("header", "entity"),
    [
        ("first", "PERSON"), ("last", "PERSON"), ("middle_name", "PERSON"),
        ("nickname", "PERSON"), ("c_case_number", "ID_NUMBER"), ("fec_ids", "ID_NUMBER"),
        ("twitter", "SOCIAL_HANDLE"), ("screen_name", "SOCIAL_HANDLE"),
        ("youtube_id", "SOCIAL_HANDLE"), ("homepage", "URL"), ("latitude", "GEO_COORDINATE"),
        ("nationality", "LOCATION"),
    ],
)
def test_header_hints_name_personal_data(header, entity):
    assert entity in header_hints(header)


@pytest.mark.parametrize(
    ("header", "not_entity"),
    [
        ("opensecrets_id", "SECRET"),  # "secret" inside "opensecrets"
        ("Hospital Name", "PERSON"),
        ("product_id", "ID_NUMBER"),
        ("first_seen", "PERSON"),
        ("Full or Part-Time", "GENDER"),
    ],
)
def test_header_hints_do_not_misfire(header, not_entity):
    assert not_entity not in header_hints(header)


def test_lexicon_is_shipped_international_and_case_free():
    first, last = names.first_names(), names.surnames()
    assert len(first) > 50_000 and len(last) > 80_000
    assert {"chukwuemeka", "mehmet", "aarav", "siobhan", "mstislav"} <= first
    assert {"yilmaz", "okafor", "nguyen", "kowalska", "ivanova", "papadopoulos"} <= last
    assert all(w == w.lower() for w in list(first)[:1000])
