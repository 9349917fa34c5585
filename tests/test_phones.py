"""Known-answer tests of the phone detectors built on phonenumbers (libphonenumber).

UK examples are in Ofcom's drama ranges (020 7946 0xxx, 020 7496 0xxx, 0116/0118 496 0xxx),
US ones use 555-01xx in real area codes (fictional, yet valid to libphonenumber).
"""

from __future__ import annotations

import random
import time

import numpy as np
import pyarrow as pa
import pytest

from nbaudit.pii.phones import DEFAULT_REGIONS, find_phones, phone_mask

# Values that are phones in a column without a "phone" header.
PHONES = [
    "020 74960310",
    "020 7946 0958",
    "+44(0)1164960401",
    "(0118)4960274",
    "+44118 4960605",
    "+44 20 7946 0958",
    "0044 20 7946 0958",
    "+1 212-555-0123",
    "(212) 555-0123",
    "212-555-0123",
    "212.555.0123",
    "1-212-555-0123",
    "212-555-0123 x12",
    "212-555-0123 ext. 4",
    "+49 30 12345678",
    "030 12345678",
    "+33 1 23 45 67 89",
    "01 23 45 67 89",
    "612 345 678",
    "91 123 45 67",
    "06 1234 5678",
    "(11) 98765-4321",
    "02 9876 5432",
]

# Look-alikes that must not be phones without a header.
NOT_PHONES = [
    "2015",  # year
    "1999",
    "90210",  # ZIP
    "90210-1234",  # ZIP+4
    "75008",
    "12.99",  # prices
    "1234.56",
    "12345.67",
    "1,234,567",
    "1.234.567",
    "2021-03-04",  # dates
    "04/03/2021",
    "4.3.2021",
    "2019-2020",
    "123-45-6789",  # SSN
    "4111 1111 1111 1111",  # card
    "4111111111111111",
    "192.168.10.1",  # IPv4
    "2125550123",  # bare digits: an ID as much as a phone
    "5551234567",
    "1700000000",  # unix timestamp
    "123456789",
    "12345678",
    "(555) 123-4567",  # 555 is not an area code (valid in Mexico City, not written so)
    "123 456 789",  # valid in France only with the trunk 0
    "ORD-2021-000123",  # order number
    "A-123-456-7890",
    "v1.2.3",
    "",
]


@pytest.mark.parametrize("value", PHONES)
def test_phone_without_header(value: str) -> None:
    assert phone_mask(pa.array([value]), hinted=False).tolist() == [True]


@pytest.mark.parametrize("value", NOT_PHONES)
def test_not_a_phone_without_header(value: str) -> None:
    assert phone_mask(pa.array([value]), hinted=False).tolist() == [False]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2125550123", True),  # bare digits under a phone header
        ("12345678", True),  # possible (German length) under a header
        ("(555) 123-4567", True),  # fictional, possible: masked under a header
        ("020 74960310", True),
        ("2021-03-04", False),  # look-alike shapes stay excluded
        ("123-45-6789", False),
        ("90210-1234", False),
        ("192.168.10.1", False),
        ("2015", False),  # too short for any plan
        ("4111111111111111", False),  # 16 digits
        ("call me", False),
    ],
)
def test_phone_with_header(value: str, expected: bool) -> None:
    assert phone_mask(pa.array([value]), hinted=True).tolist() == [expected]


def test_phone_mask_column_nulls_and_repeats() -> None:
    arr = pa.array(["020 7946 0958", None, "2015", "020 7946 0958", "+1 212-555-0123"])
    assert phone_mask(arr, hinted=False).tolist() == [True, False, False, True, True]
    assert phone_mask(pa.array([], type=pa.string()), hinted=False).tolist() == []
    assert phone_mask(pa.array([None, None], type=pa.string()), hinted=True).tolist() == [
        False, False,
    ]


def test_phone_mask_regions() -> None:
    # A French number in national format needs FR among the regions; international ones not.
    arr = pa.array(["01 23 45 67 89", "+33 1 23 45 67 89"])
    assert phone_mask(arr, hinted=False, regions=("US",)).tolist() == [False, True]
    assert phone_mask(arr, hinted=False, regions=("FR",)).tolist() == [True, True]


def test_default_regions() -> None:
    assert DEFAULT_REGIONS[:3] == ("US", "GB", "DE")
    assert len(set(DEFAULT_REGIONS)) == len(DEFAULT_REGIONS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call me on 020 74960310 tomorrow.", ["020 74960310"]),
        ("Ring +44(0)1164960401 please", ["+44(0)1164960401"]),
        ("Office (0118)4960274.", ["(0118)4960274"]),
        ("Mobile: +44118 4960605, thanks", ["+44118 4960605"]),
        ("London office 020 7946 0958 or +44 20 7946 0959", ["020 7946 0958", "+44 20 7946 0959"]),
        ("NY: +1 212-555-0123 or (212) 555-0199", ["+1 212-555-0123", "(212) 555-0199"]),
        ("Berlin: +49 30 12345678.", ["+49 30 12345678"]),
        ("Appelez le 01 23 45 67 89 merci", ["01 23 45 67 89"]),
        ("Madrid 91 123 45 67", ["91 123 45 67"]),
        ("ext: 212-555-0123 ext. 42 is the desk", ["212-555-0123 ext. 42"]),
        ("fake number (555) 123-4567", []),
        ("Order 123456789 shipped 2021-03-04", []),
        ("In 2019-2020 we paid 12,345.67 USD", []),
        ("card 4111 1111 1111 1111 exp 12/26", []),
        ("SSN 123-45-6789 ip 192.168.100.200", []),
        ("ticket #20210304 at 10:45", []),
        ("", []),
        ("no digits at all here", []),
    ],
)
def test_find_phones(text: str, expected: list[str]) -> None:
    spans = find_phones(text)
    assert [text[s:e] for s, e, _, _ in spans] == expected
    assert all(entity == "PHONE_NUMBER" and 0 < score <= 1 for _, _, entity, score in spans)


def test_find_phones_scores_and_order() -> None:
    text = "a +44 20 7946 0958 b 020 7946 0959 c"
    spans = find_phones(text)
    assert [score for *_, score in spans] == [0.85, 0.75]
    assert spans == sorted(spans)


def test_find_phones_regions() -> None:
    text = "Paris 01 23 45 67 89, London +44 20 7946 0958"
    assert [text[s:e] for s, e, _, _ in find_phones(text, regions=("US",))] == [
        "+44 20 7946 0958",
    ]


def _adversarial() -> dict[str, str]:
    rng = random.Random(1)
    return {
        "digit-space": "1 " * 500_000,
        "digits": "".join(rng.choice("0123456789") for _ in range(1_000_000)),
        "phone-chars": "".join(rng.choice("0123456789 -().+/x") for _ in range(1_000_000)),
        "separators": "0-" * 500_000,
        "repeated-phone": "call 020 7946 0958 now " * 45_000,
    }


@pytest.mark.parametrize("kind", sorted(_adversarial()))
def test_find_phones_bounded_on_1mb(kind: str) -> None:
    text = _adversarial()[kind]
    assert len(text) >= 1_000_000
    t0 = time.perf_counter()
    spans = find_phones(text)
    assert time.perf_counter() - t0 < 15  # generous bound, not a benchmark (~3 s here)
    if kind == "repeated-phone":
        assert len(spans) == 45_000


def test_phone_mask_many_values_parses_distinct_once() -> None:
    values = ["020 7946 0958", "212-555-0123", "2015"] * 20_000
    mask = phone_mask(pa.array(values), hinted=False)
    assert mask.dtype == np.bool_ and mask.sum() == 40_000
