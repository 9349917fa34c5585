"""Free text without a model: known answers for each rule of the default tier, and traps.

Every sentence here was written for this file (support tickets, reviews, letters, logs);
none comes from a benchmark's templates.
"""

from __future__ import annotations

import pytest
from _linear import assert_linear

from nbaudit.pii import find_in_text
from nbaudit.pii.text import candidate_re2


def _spans(text: str) -> set[tuple[str, str]]:
    return {(text[s:e], ent) for s, e, ent, _ in find_in_text(text)}


# (text, spans that must be found as (span text, entity))
FOUND = [
    # --- names -------------------------------------------------------------------------
    ("I forwarded Richard's invoice to billing.", [("Richard", "PERSON")]),  # possessive
    ("Jerry is waiting for a callback since Tuesday.", [("Jerry", "PERSON")]),  # name + verb
    ("Marta: the app crashes on start\nOmar: same here", [("Marta", "PERSON"),
                                                           ("Omar", "PERSON")]),  # speakers
    ("Alibek, could you check the refund?", []),  # unknown name alone: no evidence (see MISSED)
    ("Please escalate to Robert A Watson today", [("Robert A Watson", "PERSON")]),  # initial
    ("Complaint from Mrs. Zorblat about the noise", [("Zorblat", "PERSON")]),  # title cue
    ("Hi, my name is Quorra and my card was charged twice", [("Quorra", "PERSON")]),
    ("Everyone calls me Jaydee, call me Jaydee", [("Jaydee", "PERSON")]),
    ("Invited: Lincoln, Priya and Tomasz", [("Lincoln", "PERSON"), ("Priya", "PERSON")]),
    ("Signed off by the reviewer, Ingrid Solheim", [("Ingrid Solheim", "PERSON")]),
    # a name line, per line: the genre line above does not make it a headline
    ("Drama, Thriller, Crime & Mystery\nProduced by: Helga Brandt",
     [("Helga Brandt", "PERSON")]),
    # --- places ------------------------------------------------------------------------
    ("We moved to Lincoln last spring.", [("Lincoln", "LOCATION")]),  # a place after "to"
    ("She grew up in Kirkwall and still lives there", [("Kirkwall", "LOCATION")]),
    ("I'm in TROMSØ until Friday, reply by email", [("TROMSØ", "LOCATION")]),  # cue + caps
    ("The parcel left HARROGATE this morning", [("HARROGATE", "LOCATION")]),  # gazetteer
    ("Shipping to the Czech Republic takes a week", [("Czech Republic", "LOCATION")]),
    ("Where: Castle Combe Village Hall", [("Castle Combe Village", "LOCATION")]),
    # --- addresses ---------------------------------------------------------------------
    ("Please send the keys to 14 Rosemary Lane, Dorchester", [
        ("14 Rosemary Lane, Dorchester", "LOCATION")]),
    ("My new address is Kungsgatan 12, Uppsala", [("Kungsgatan 12, Uppsala", "LOCATION")]),
    ("Deliver to 22 Vester Voldgade 3 before noon", [("22 Vester Voldgade 3", "LOCATION")]),
    ("She lives at ul. Lipowa 7, Lublin", [("ul. Lipowa 7, Lublin", "LOCATION")]),
    ("Return address: PO Box 4411, Leeds", [("PO Box 4411, Leeds", "LOCATION")]),
    ("Ship to PSC 1234, Box 5678, APO AE 09012 please",
     [("PSC 1234, Box 5678, APO AE 09012", "LOCATION")]),
    # an address block: street, unit, city, country and postcode lines; not the name above
    ("Anne Morel\n18 Kirkegata 4\nFlat 2\nLILLEHAMMER\nNorway 2609\n\nThanks!",
     [("Anne Morel", "PERSON"), ("18 Kirkegata 4\nFlat 2\nLILLEHAMMER\nNorway 2609",
                                 "LOCATION")]),
    # the same block with its line breaks escaped, as JSON and CSV exports keep them
    (r"Anne Morel\n18 Kirkegata 4\nFlat 2\nLILLEHAMMER", [
        (r"18 Kirkegata 4\nFlat 2\nLILLEHAMMER", "LOCATION")]),
    ("Branch office in Tarragona 43001 is closed", [("Tarragona 43001", "LOCATION")]),
    ("Suite 3 55 Harbour Street\nWhitby YO21 3PU", [
        ("Suite 3 55 Harbour Street\nWhitby YO21 3PU", "LOCATION")]),
    # a street address keeps its house numbers from the phone finders
    ("Suite 782 33330 47 Kogil Street", [("33330 47 Kogil Street", "LOCATION")]),
    # --- postcodes, dates, ages, nationalities -----------------------------------------
    ("my zip code is 90210, thanks", [("90210", "POSTAL_CODE")]),
    ("Postcode: EH1 2NG", [("EH1 2NG", "POSTAL_CODE")]),
    ("Logged at 2024-11-03 08:15:22.123456 by the gateway",
     [("2024-11-03 08:15:22.123456", "DATE_TIME")]),  # a date-time, not a phone number
    ("The account was opened in 2011 by her father.", [("2011", "DATE_TIME")]),
    ("Can we meet on Thursday instead?", [("Thursday", "DATE_TIME")]),
    ("My son was 14.", [("14", "AGE")]),
    ("I'm 67, and the font is too small", [("67", "AGE")]),
    ("The Danish customs office held the parcel", [("Danish", "NRP")]),
    ("we are proud norwegians", [("norwegians", "NRP")]),
    # --- phones written with a label ---------------------------------------------------
    ("Mobile: 22 678895\nFax: 22 678896", [("22 678895", "PHONE_NUMBER"),
                                          ("22 678896", "PHONE_NUMBER")]),
    ("You can reach me on 650 2896 after six", [("650 2896", "PHONE_NUMBER")]),
    ("0161 496 0000 office\n07700 900123 mobile", [("0161 496 0000", "PHONE_NUMBER"),
                                                   ("07700 900123", "PHONE_NUMBER")]),
    # UK numbers without the usual spaces (issue 9)
    ("Call me on 020 74960310 please", [("020 74960310", "PHONE_NUMBER")]),
    ("My number is +44(0)1164960401.", [("+44(0)1164960401", "PHONE_NUMBER")]),
    ("Ring (0118)4960274 after 5", [("(0118)4960274", "PHONE_NUMBER")]),
    ("Try +44118 4960605 tomorrow", [("+44118 4960605", "PHONE_NUMBER")]),
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_found(text, expected):
    found = _spans(text)
    for span in expected:
        assert span in found, (span, sorted(found))


# Texts in which an entity must not be found (false-positive traps).
NOT_FOUND = [
    ("May I ask why my order is late?", "PERSON"),
    ("Will you call me back?", "PERSON"),
    ("Grant access to the shared drive.", "PERSON"),
    ("Mark as resolved please", "PERSON"),
    ("The Jordan River flooded the road.", "PERSON"),
    ("My Tesla Model 3 will not charge.", "PERSON"),
    ("Our Customer Success Manager called back", "PERSON"),
    ("Excuse me, Sir, the line is busy", "PERSON"),  # a title alone
    ("The Italian Border Force held the parcel", "PERSON"),  # a nationality, not a name
    ("Who's coming to South Africa with me?", "PERSON"),  # a country, not "Africa" the name
    ("Possession Of Cannabis In The Third Degree", "PERSON"),  # Title Case: no evidence
    ("Open Monday-Friday, 9-5", "PERSON"),
    ("Open Monday through Friday", "DATE_TIME"),  # office hours describe no one
    ("The 5 Musicians Of The 70s You Forgot", "LOCATION"),  # number, words, number
    ("I need 2 Pixel 7 phones", "LOCATION"),
    ("On 5 May 2020 we met", "LOCATION"),  # a date, not an address
    ("Version 2 Build 345 crashed", "LOCATION"),
    ("We run it in Windows 2000 mode", "LOCATION"),  # a year, not a postcode
    ("Ticket 4521 Severity 2", "PHONE_NUMBER"),
    ("I live in fear of the next bill", "LOCATION"),
    ("Moved in with Anna Smith last year", "LOCATION"),
    ("I was 5 minutes late", "AGE"),
    ("The total was 44 dollars.", "AGE"),
    ("The upload was 2048 MB in 2048 MB chunks", "DATE_TIME"),
    ("please polish the text", "NRP"),  # lower case, no "to be" before it
    ("Regards,\nBob\n12 Elm Street\nThanks, Bob", "PHONE_NUMBER"),
]


@pytest.mark.parametrize(("text", "entity"), NOT_FOUND)
def test_not_found(text, entity):
    hits = [(text[s:e], ent) for s, e, ent, _ in find_in_text(text) if ent == entity]
    assert not hits, hits


def test_address_block_stops_at_a_closing_line():
    text = "12 Elm Street\nFlat 3\nYork\nThanks, Bob"
    found = _spans(text)
    assert ("12 Elm Street\nFlat 3\nYork", "LOCATION") in found
    assert not any("Thanks" in span for span, _ in found)


def test_unknown_name_alone_is_missed():
    # The default tier needs a cue, a title or the lexicon: an unknown word alone at a
    # sentence start is not called a name (the NER tier may find it).
    assert not [h for h in find_in_text("Alibek, could you check the refund?")
                if h[2] == "PERSON"]


def test_candidate_prefilter_is_a_superset():
    # The scan's vectorised pre-filter (RE2, over whole columns) must let through every text
    # the finders find something in (the texts of FOUND all have something else besides a
    # name opening the text, the one case left to the pages and the NER tier).
    import numpy as np
    import pyarrow as pa

    from nbaudit.pii import patterns

    texts = pa.array([text for text, expected in FOUND if expected])
    hit = np.zeros(len(texts), dtype=bool)
    for part in candidate_re2():
        hit |= patterns.contains(texts, part)
    assert hit.all(), [t for t, h in zip(texts.to_pylist(), hit, strict=True) if not h]
    assert not patterns.contains(pa.array(["please call back tomorrow"]),
                                 "|".join(candidate_re2())).any()
    assert candidate_re2(["EMAIL_ADDRESS"]) == []


@pytest.mark.parametrize(
    "evil",
    [
        "12 Ab 3 " * 125_000,
        "Apt. 1\n" * 140_000,
        "in Ab 12345 " * 80_000,
        "\\n" * 500_000,
        "Mr. " * 250_000,
        "lives in Ab " * 80_000,
        "Anna's " * 140_000,
        "on Monday " * 100_000,
        "Mobile: 12 " * 90_000,
        "1 Ab\n" * 200_000,
    ],
)
def test_free_text_rules_stay_linear(evil):
    assert_linear(find_in_text, evil)
