"""Generalized levels never quote an original value (issue 10 item 2)."""

from __future__ import annotations

import pandas as pd
import pytest

import nbaudit
from nbaudit.risk.hierarchy import Hierarchy

BIRTH_DATES = ["12/16/1977", "03/02/1951", "07/04/1980", "01/01/1990", "11/30/1977",
               "05/05/1951", "09/09/1980", "02/02/1990"] * 4


@pytest.mark.parametrize("values", [
    BIRTH_DATES,
    ["16.12.1977", "03.02.1951", "07.04.1980", "01.01.1990"] * 8,
    ["19771216", "19510302", "19800704", "19900101"] * 8,
    ["16 Dec 1977", "3 Feb 1951", "4 Jul 1980", "1 Jan 1990"] * 8,
])
def test_written_birth_dates_get_a_date_hierarchy(values):
    assert Hierarchy.build(pd.Series(values)).kind == "date"


def test_level_descriptions_quote_no_original_value():
    emails = pd.Series([f"person{i}@example.com" for i in range(60)] + ["a@example.com"] * 5)
    cities = pd.Series(["Springfield", "Shelbyville", "Ogdenville", "North Haverbrook",
                        "Capital City", "Brockway", "Cypress Creek", "Waverly Hills",
                        "Evergreen Terrace", "Little Pwagmattasquarmsettport"] * 20)
    for series in (pd.Series(BIRTH_DATES), emails, cities):
        h = Hierarchy.build(series)
        words = " ".join(h.describe_level(i) for i in range(h.max_level + 1))
        assert not any(str(v) in words for v in series.unique())


def test_mostly_unique_values_keep_no_top_values():
    emails = pd.Series([f"person{i}@example.com" for i in range(60)] + ["a@example.com"] * 5)
    h = Hierarchy.build(emails)
    assert set(h.table.iloc[:, 1]) <= {"*"}


def test_risk_levels_of_a_birth_date_column_are_not_raw():
    df = pd.DataFrame({"dob": BIRTH_DATES, "sex": ["F", "M"] * 16})
    risk = nbaudit.assess_risk(df, quasi_identifiers=["dob", "sex"])
    h = risk.hierarchies["dob"] if hasattr(risk, "hierarchies") else None
    if h is not None:
        for level in range(1, h.max_level + 1):
            assert not set(h.table.iloc[:, level]) & set(BIRTH_DATES)


def test_words_of_every_built_level_quote_no_original_value():
    """Issue 12: the new words (rare categories grouped, masks, intervals) name the rule."""
    surnames = pd.Series(["Okonkwo"] * 50 + ["Barrowcliffe"] * 30 + ["Quennell"] * 3
                         + ["Tregothnan"] * 2 + ["Zabludowicz"] * 1)
    codes = pd.Series([f"AB{i % 9}{i % 4}X" for i in range(120)])
    kept = Hierarchy.from_mapping({"Okonkwo": ["Okonkwo", "*"], "Quennell": ["rare", "*"],
                                   "Tregothnan": ["rare", "*"]})
    for h, series in ((Hierarchy.build(surnames), surnames), (Hierarchy.build(codes), codes),
                      (kept, pd.Series(["Okonkwo", "Quennell", "Tregothnan"]))):
        assert h.max_level >= 2  # an intermediate level exists
        words = " ".join(h.describe_levels())
        assert not any(str(v) in words for v in series.unique()), words


def test_search_words_and_code_comments_quote_no_original_value():
    df = pd.DataFrame({"dob": BIRTH_DATES * 4, "sex": ["F", "M"] * 64,
                       "town": (["Springfield"] * 10 + ["Ogdenville", "Brockway"] * 3) * 8})
    risk = nbaudit.assess_risk(df, quasi_identifiers=["dob", "town"])
    found = risk.search(k=3, max_suppression=0.1)
    text = " ".join(found.descriptions.values()) + risk.code(found.levels)
    assert not any(v in text for v in set(BIRTH_DATES) | set(df.town))
