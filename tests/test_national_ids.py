"""Known-answer tests of the national identifier detectors built on python-stdnum.

Valid examples are python-stdnum's own docstring examples (fictitious or published test
numbers); invalid ones change one digit of them (or break a documented rule).
"""

from __future__ import annotations

import random
import time

import pyarrow as pa
import pytest
from stdnum.nl import bsn

from nbaudit.pii import national_ids as N
from nbaudit.pii.national_ids import (
    CHANCE_RATE,
    SCHEMES,
    STRONG_BARE,
    accepted_national_ids,
    find_national_ids,
    measure_chance_rate,
    national_id_schemes,
)

VALID = [
    ("AB123456C", "UK_NINO"),
    ("AB 12 34 56 C", "UK_NINO"),
    ("RCCMNL83S18D969H", "IT_FISCAL_CODE"),
    ("54362315K", "ES_NIF"),
    ("54362315-K", "ES_NIF"),
    ("X2482300W", "ES_NIE"),
    ("X-2482300-W", "ES_NIE"),
    ("BOXW310820HNERXN09", "MX_CURP"),
    ("131052-308T", "FI_PERSONAL_IDENTITY_CODE"),
    ("360426199101010071", "CN_RIC"),
    ("295109912611193", "FR_NIR"),
    ("2 95 10 99 126 111 93", "FR_NIR"),
    ("253072B07300470", "FR_NIR"),
    ("111222333", "NL_BSN"),
    ("1112.22.333", "NL_BSN"),
    ("880320-0016", "SE_PERSONNUMMER"),
    ("8803200016", "SE_PERSONNUMMER"),
    ("390.533.447-05", "BR_CPF"),
    ("39053344705", "BR_CPF"),
    ("44051401359", "PL_PESEL"),
    ("36574261809", "DE_TAX_ID"),
    ("36 574 261 809", "DE_TAX_ID"),
    ("211062-5629", "DK_CPR"),
    ("15108695088", "NO_FODSELSNUMMER"),
    ("151086 95088", "NO_FODSELSNUMMER"),
    ("85.07.30-033.28", "BE_NATIONAL_NUMBER"),
    ("85073003328", "BE_NATIONAL_NUMBER"),
    ("234123412346", "IN_AADHAAR"),
    ("2341 2341 2346", "IN_AADHAAR"),
    ("971013-9019902", "KR_RRN"),
    ("17291716060", "TR_NATIONAL_ID"),
    ("7503305044089", "ZA_ID_NUMBER"),
    ("1630615123457", "RO_CNP"),
    ("710319/2745", "CZ_BIRTH_NUMBER"),
    ("756.9217.0769.85", "CH_SSN"),
    ("7569217076985", "CH_SSN"),
    ("12.531.909-2", "CL_RUT"),
    ("20-05536168-2", "AR_CUIT"),
    ("123-456-782", "CA_SIN"),
    ("6433435F", "IE_PPS"),
]

# One digit changed, or a documented rule broken.
INVALID = [
    ("GB123456A", "UK_NINO"),  # prefix never allocated
    ("DA123456C", "UK_NINO"),  # D is not a first letter
    ("AB123456E", "UK_NINO"),  # suffix A-D only
    ("RCCMNL83S18D960H", "IT_FISCAL_CODE"),
    ("54362310K", "ES_NIF"),
    ("X2482301W", "ES_NIE"),
    ("BOXW310820HNERXN00", "MX_CURP"),
    ("131052-300T", "FI_PERSONAL_IDENTITY_CODE"),
    ("360426199101010070", "CN_RIC"),
    ("295109912611190", "FR_NIR"),
    ("111222330", "NL_BSN"),
    ("880320-0010", "SE_PERSONNUMMER"),
    ("390.533.447-00", "BR_CPF"),
    ("44051401350", "PL_PESEL"),
    ("36574261800", "DE_TAX_ID"),
    ("511062-5629", "DK_CPR"),  # no 51st day
    ("15108695080", "NO_FODSELSNUMMER"),
    ("85.07.30-033.20", "BE_NATIONAL_NUMBER"),
    ("234123412340", "IN_AADHAAR"),
    ("971013-9019900", "KR_RRN"),
    ("17291716061", "TR_NATIONAL_ID"),
    ("7503305044080", "ZA_ID_NUMBER"),
    ("1630615123450", "RO_CNP"),
    ("710319/2740", "CZ_BIRTH_NUMBER"),
    ("756.9217.0769.80", "CH_SSN"),
    ("12.531.909-0", "CL_RUT"),
    ("20-05536168-0", "AR_CUIT"),
    ("123-456-780", "CA_SIN"),
    ("6433430F", "IE_PPS"),
]

# Everyday values that are no national identifier of any scheme, with or without a header.
LOOKALIKES = [
    "2021", "1999", "90210", "90210-1234", "75008", "$1,234.56", "1234.56", "12,99 €",
    "2021-03-04", "04/03/2021", "2021-03-04T10:45:00Z", "1700000000", "ORD-000123",
    "INV-2021-0042", "SKU 4711", "+1 212-555-0123", "020 7946 0958", "4111 1111 1111 1111",
    "192.168.10.1", "550e8400-e29b-41d4-a716-446655440000", "v1.2.3", "ABC", "", "0",
]


@pytest.mark.parametrize(("value", "scheme"), VALID)
def test_valid(value: str, scheme: str) -> None:
    found = national_id_schemes(pa.array([value]))
    assert scheme in found and found[scheme].tolist() == [True]


@pytest.mark.parametrize(("value", "scheme"), INVALID)
def test_invalid(value: str, scheme: str) -> None:
    assert scheme not in national_id_schemes(pa.array([value]))


@pytest.mark.parametrize("value", LOOKALIKES)
def test_lookalikes_are_not_ids(value: str) -> None:
    assert national_id_schemes(pa.array([value])) == {}
    assert accepted_national_ids(pa.array([value])) == {}


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("RCCMNL83S18D969H", "IT_FISCAL_CODE"),  # letters and digits: alone is enough
        ("AB123456C", "UK_NINO"),
        ("X2482300W", "ES_NIE"),
        ("360426199101010071", "CN_RIC"),
        ("390.533.447-05", "BR_CPF"),  # formatted layout: alone is enough
        ("1112.22.333", "NL_BSN"),
        ("85.07.30-033.28", "BE_NATIONAL_NUMBER"),
        ("39053344705", None),  # bare digits of weak schemes: never alone
        ("111222333", None),
        ("44051401359", None),
        ("123-456-782", None),  # Luhn on a common 3-3-3 layout: never alone
    ],
)
def test_accepted_alone(value: str, accepted: str | None) -> None:
    got = accepted_national_ids(pa.array([value]))
    assert list(got) == ([accepted] if accepted else [])


def _valid_bsns(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        v = f"{rng.randrange(10**8, 10**9):09d}"
        if bsn.is_valid(v):
            out.append(v)
    return out


def test_column_of_bare_bsns_is_accepted() -> None:
    values = _valid_bsns(200)
    got = accepted_national_ids(pa.array(values))
    assert "NL_BSN" in got and got["NL_BSN"].all()


def test_column_of_random_nine_digit_numbers_is_not() -> None:
    rng = random.Random(3)
    values = [f"{rng.randrange(10**8, 10**9)}" for _ in range(2_000)]
    found = national_id_schemes(pa.array(values))
    share = found["NL_BSN"].mean()
    assert abs(share - CHANCE_RATE["NL_BSN"]) < 0.03  # some validate by chance...
    assert accepted_national_ids(pa.array(values)) == {}  # ...but none is accepted


def test_integers_are_cast() -> None:
    assert national_id_schemes(pa.array([111222333]))["NL_BSN"].tolist() == [True]


def test_layout_filter() -> None:
    arr = pa.array(["390.533.447-05", "39053344705"])
    assert national_id_schemes(arr, layout="formatted")["BR_CPF"].tolist() == [True, False]
    assert national_id_schemes(arr, layout="bare")["BR_CPF"].tolist() == [False, True]
    assert list(national_id_schemes(arr, schemes=["PL_PESEL"])) == []
    with pytest.raises(ValueError):
        national_id_schemes(arr, layout="loose")


def test_every_scheme_has_a_chance_rate_and_a_unique_name() -> None:
    names = [s.name for s in SCHEMES]
    assert len(set(names)) == len(names)
    assert set(CHANCE_RATE) == set(names)
    # Strong bare schemes have a letter-and-digit shape (random strings of such a shape
    # are already unlike other data; the NINO has format rules only) or a near-zero rate.
    for name in STRONG_BARE:
        assert CHANCE_RATE[name] < 0.1


@pytest.mark.parametrize("name", [s.name for s in SCHEMES])
def test_chance_rate_reproduces(name: str) -> None:
    # A smaller, different sample than the one the constants come from: within 4 sigma.
    n = 3_000
    rate = CHANCE_RATE[name]
    sigma = max((rate * (1 - rate) / n) ** 0.5, 1 / n)
    assert abs(measure_chance_rate(name, n=n, seed=7) - rate) <= 4 * sigma + 0.002


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My NI number is AB 12 34 56 C.", [("AB 12 34 56 C", "UK_NINO")]),
        ("CF: RCCMNL83S18D969H", [("RCCMNL83S18D969H", "IT_FISCAL_CODE")]),
        ("DNI 54362315K y NIE X-2482300-W", [("54362315K", "ES_NIF"), ("X-2482300-W", "ES_NIE")]),
        ("CURP BOXW310820HNERXN09", [("BOXW310820HNERXN09", "MX_CURP")]),
        ("hetu 131052-308T", [("131052-308T", "FI_PERSONAL_IDENTITY_CODE")]),
        ("CPF 390.533.447-05 do cliente", [("390.533.447-05", "BR_CPF")]),
        ("BSN 1112.22.333", [("1112.22.333", "NL_BSN")]),
        ("NIR 2 95 10 99 126 111 93", [("2 95 10 99 126 111 93", "FR_NIR")]),
        ("AHV 756.9217.0769.85", [("756.9217.0769.85", "CH_SSN")]),
        ("id 360426199101010071", [("360426199101010071", "CN_RIC")]),
        # bare digits of weak schemes are not reported in text
        ("order 111222333 and 39053344705 and 44051401359", []),
        ("CF: RCCMNL83S18D960H", []),  # check letter wrong
        ("XAB123456C", []),  # inside a longer token
        ("Paid $1,234.56 on 2021-03-04 for order ORD-000123", []),
        ("", []),
    ],
)
def test_find_national_ids(text: str, expected: list[tuple[str, str]]) -> None:
    spans = find_national_ids(text)
    assert [(text[s:e], name) for s, e, name, _ in spans] == expected
    assert all(0 < score <= 1 for *_, score in spans)


def test_find_national_ids_restricted() -> None:
    text = "CF RCCMNL83S18D969H, NINO AB123456C"
    assert [n for _, _, n, _ in find_national_ids(text, schemes=["UK_NINO"])] == ["UK_NINO"]


def test_find_national_ids_bounded_on_1mb() -> None:
    rng = random.Random(1)
    texts = [
        "".join(rng.choice("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ .-/") for _ in range(1_000_000)),
        "".join(rng.choice("0123456789") for _ in range(1_000_000)),
        "AB123456C " * 100_000,
    ]
    for text in texts:
        t0 = time.perf_counter()
        find_national_ids(text)
        assert time.perf_counter() - t0 < 15  # generous bound, not a benchmark (~1 s here)


def test_module_exposes_schemes_by_name() -> None:
    assert N.BY_NAME["BR_CPF"].formatted is not None
