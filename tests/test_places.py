"""Addresses, places, dates and ages in free text, without a model: known answers."""

from __future__ import annotations

import pytest

from nbaudit.pii import find_in_text


@pytest.mark.parametrize(
    ("text", "span", "entity"),
    [
        ("Send it to 4759 William Haven Apt. 194, West Corey, CA 90152 by Monday.",
         "4759 William Haven Apt. 194, West Corey, CA 90152", "LOCATION"),
        ("I live at 12 Baker Street, London", "12 Baker Street, London", "LOCATION"),
        ("Ich wohne in der Hauptstraße 5 in Köln.", "Hauptstraße 5", "LOCATION"),
        ("Deliver to Suite 400 please", "Suite 400", "LOCATION"),
        ("She moved to Berlin last year.", "Berlin", "LOCATION"),
        ("We flew from München to Lagos.", "München", "LOCATION"),
        ("He is 45 years old.", "45", "AGE"),
        ("My father retired at the age of 61", "61", "AGE"),
        ("born on March 3, 1979 in Lagos", "March 3, 1979", "DATE_TIME"),
        ("the kids: Michael, Cassandra and Selena", "Cassandra", "PERSON"),
        ("Dear Anna, thanks", "Anna", "PERSON"),
    ],
)
def test_found_in_text(text, span, entity):
    assert (span, entity) in {(text[s:e], ent) for s, e, ent, _ in find_in_text(text)}


@pytest.mark.parametrize(
    "text",
    ["I will grant you that.", "Reading is fun and Nice was nice.", "Page 3 of 12",
     "Order 12345 shipped", "Grand Theft in the 3rd Degree", "The Mobile app crashed",
     "We sold 3 tents and 2 lamps"],
)
def test_ordinary_text_is_left_alone(text):
    assert not [h for h in find_in_text(text) if h[2] in ("PERSON", "LOCATION", "AGE")]
