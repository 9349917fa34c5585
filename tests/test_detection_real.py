"""Detection on real tables nobody here wrote (read from ../shared/data, never copied).

Each case is a column of a real public table with what a privacy engineer would call it:
the role it must get (identifiers must be identifiers), or an entity it must not get.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import SHARED_DATA

import nbaudit

REAL = SHARED_DATA / "real"
COMPAS = SHARED_DATA / "compas-scores-two-years.csv"

_scans: dict[str, nbaudit.PiiScan] = {}


def scan_of(path) -> nbaudit.PiiScan:
    if not path.exists():
        pytest.skip(f"{path.name} is not present (../shared/data)")
    if path.name not in _scans:
        _scans[path.name] = nbaudit.scan_pii(pd.read_csv(path, low_memory=False))
    return _scans[path.name]


IDENTIFIERS = [
    (COMPAS, "name", "PERSON"), (COMPAS, "first", "PERSON"), (COMPAS, "last", "PERSON"),
    (COMPAS, "c_case_number", "ID_NUMBER"), (COMPAS, "id", "ID_NUMBER"),
    (REAL / "titanic.csv", "Name", "PERSON"),
    (REAL / "chicago_employees.csv", "Name", "PERSON"),  # "LAST, FIRST M"
    (REAL / "athlete_events.csv", "Name", "PERSON"),
    (REAL / "legislators_current.csv", "nickname", "PERSON"),
    (REAL / "legislators_current.csv", "twitter", "SOCIAL_HANDLE"),
    (REAL / "legislators_current.csv", "facebook", "SOCIAL_HANDLE"),
    (REAL / "legislators_current.csv", "youtube", "SOCIAL_HANDLE"),
    (REAL / "legislators_current.csv", "mastodon", "SOCIAL_HANDLE"),
    (REAL / "legislators_current.csv", "bioguide_id", "ID_NUMBER"),
    (REAL / "legislators_current.csv", "fec_ids", "ID_NUMBER"),
    (REAL / "legislators_current.csv", "opensecrets_id", "ID_NUMBER"),
    (REAL / "legislators_current.csv", "govtrack_id", "ID_NUMBER"),
    (REAL / "legislators_current.csv", "url", "URL"),
    (REAL / "legislators_district_offices.csv", "bioguide", "ID_NUMBER"),
    (REAL / "airline_tweets.csv", "name", None),  # screen names: masked, any identifier
    (REAL / "airline_tweets.csv", "tweet_coord", "GEO_COORDINATE"),
]


@pytest.mark.parametrize(("path", "column", "entity"), IDENTIFIERS,
                         ids=[f"{p.stem}.{c}" for p, c, _ in IDENTIFIERS])
def test_identifiers_are_identifiers(path, column, entity):
    report = scan_of(path).column(column)
    assert report.role == "identifier"
    if entity is not None:
        assert report.entity == entity


NOT = [
    (COMPAS, "c_charge_degree", "GENDER"),  # F/M: felony or misdemeanour
    (REAL / "chicago_employees.csv", "Full or Part-Time", "GENDER"),  # F/P
    (REAL / "athlete_events.csv", "Games", "LOCATION"),  # "1992 Summer"
    (REAL / "legislators_current.csv", "opensecrets_id", "SECRET"),
    (REAL / "hospital_general_information.csv", "Hospital Name", "PERSON"),
]


@pytest.mark.parametrize(("path", "column", "entity"), NOT,
                         ids=[f"{p.stem}.{c}" for p, c, _ in NOT])
def test_shapes_do_not_outweigh_headers(path, column, entity):
    assert scan_of(path).column(column).entity != entity


QUASI = [
    (REAL / "athlete_events.csv", "Team"), (REAL / "athlete_events.csv", "Sex"),
    (REAL / "athlete_events.csv", "Age"), (COMPAS, "dob"), (COMPAS, "sex"),
    (REAL / "legislators_current.csv", "birthday"),
]


@pytest.mark.parametrize(("path", "column"), QUASI, ids=[f"{p.stem}.{c}" for p, c in QUASI])
def test_quasi_identifiers_are_suggested(path, column):
    scan = scan_of(path)
    assert scan.column(column).role == "quasi_identifier"
    assert scan.column(column).name in scan.quasi_identifiers


def test_header_alone_makes_possible_pii_masked():
    df = pd.DataFrame({"customer_name": ["qxz vlorp", "brrt kzz", "mmph tkk"] * 5})
    report = nbaudit.scan_pii(df).column("customer_name")
    assert report.possible and report.role == "identifier"
    assert "possible PII" in report.evidence
    cells = nbaudit.scan_pii(df).page(0)["rows"][0]["cells"][0]
    assert "qxz" not in cells[0][0]
