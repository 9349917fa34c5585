"""Codes that follow a person's identifier one-to-one are identifiers; measures are not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nbaudit import scan_pii


def offices(n_people: int = 120, seed: int = 1) -> pd.DataFrame:
    """Repeated records (several offices per person) with two identifiers of each person:
    a telling header and a bare number from another system, missing for some people."""
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(n_people), rng.integers(1, 5, n_people))
    alt = rng.choice(np.arange(10_000, 99_999), n_people, replace=False).astype(float)
    alt[rng.random(n_people) < 0.3] = np.nan  # read_csv makes such a column float
    height = rng.choice([160, 165, 170, 175, 180, 185, 190], n_people)  # many people share one
    return pd.DataFrame({
        "customer_id": [f"CU{p:05d}" for p in person],
        "ref": alt[person],
        "height_cm": height[person],
        "plan": rng.choice([f"P{i}" for i in range(12)], len(person)),
        "visit_cost": np.round(rng.uniform(10, 500, len(person)), 2),
    })


def test_a_bare_code_that_follows_the_person_id_is_an_identifier():
    df = offices()
    scan = scan_pii(df)
    ref = scan.column("ref")
    assert (ref.entity, ref.role, ref.possible) == ("ID_NUMBER", "identifier", True)
    assert "'customer_id'" in ref.evidence and "another identifier" in ref.evidence
    assert ref.n_flagged == df["ref"].notna().sum()
    # Masked on the page like any identifier.
    page = scan.page(0, page_size=50)
    at = page["columns"].index("ref")
    shown = " ".join("".join(text for text, _ in row["cells"][at]) for row in page["rows"])
    assert not any(str(int(v)) in shown for v in df["ref"].dropna())
    assert "ID_NUMBER" in [ent for row in page["rows"] for _, ent in row["cells"][at]]


@pytest.mark.parametrize("column", ["height_cm", "plan", "visit_cost"])
def test_attributes_of_a_person_are_not_identifiers(column):
    """Many people share a height (not one-to-one back), a plan is a category, a cost is
    a measure: none is promoted."""
    assert scan_pii(offices()).column(column).entity == "NONE"


def test_one_row_per_person_says_nothing():
    """With unique identifiers every unique column is trivially one-to-one: no promotion."""
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"customer_id": [f"CU{i:05d}" for i in range(300)],
                       "score": rng.permutation(300)})
    assert scan_pii(df).column("score").entity == "NONE"


def test_building_and_suite_are_lines_of_an_address():
    df = pd.DataFrame({
        "building": ["Carl Elliott Building", "Federal Building", "Riverside Tower",
                     "Harbor House", "Lincoln Center"] * 8,
        "city": ["Jasper", "Cullman", "Mobile", "Dothan", "Selma"] * 8,
    })
    scan = scan_pii(df)
    assert scan.column("city").role == "quasi_identifier"
    building = scan.column("building")
    assert (building.entity, building.role) == ("LOCATION", "identifier")


@pytest.mark.parametrize("header", ["airline", "hospital_name", "Employer", "company"])
def test_names_under_an_organisation_header_are_namesakes(header):
    """"Virgin America" under `airline` is not a person, even on a handful of rows."""
    df = pd.DataFrame({header: ["Virgin America", "Grace Hopper", "Virgin America",
                                "Jack Lewis", "Virgin America"]})
    assert scan_pii(df).column(header).entity != "PERSON"
    assert scan_pii(df.rename(columns={header: "passenger"})).column("passenger").entity == (
        "PERSON")
