"""Test frames made with Faker (an independent generator: the detectors never saw its lists)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from nbaudit.pii.patterns import luhn_checksums


def faker_frame(n: int = 10_000, seed: int = 0, locale: str = "en_US") -> pd.DataFrame:
    """An n x 12 frame of customer records with the usual kinds of personal data."""
    from faker import Faker

    fake = Faker(locale)
    Faker.seed(seed)
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        review = fake.sentence(nb_words=12)
        r = rng.random()
        if r < 0.15:
            review += f" Contact me at {fake.email()}."
        elif r < 0.25:
            review += f" Call {fake.phone_number()} anytime."
        rows.append(
            {
                "name": fake.name(),
                "email": fake.email(),
                "phone": fake.phone_number(),
                "address": fake.street_address(),
                "zip": fake.postcode(),
                "ssn": fake.ssn(),
                "credit_card": fake.credit_card_number(),
                "date_of_birth": fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat(),
                "age": int(rng.integers(18, 90)),
                "gender": rng.choice(["Male", "Female", "Non-binary"], p=[0.49, 0.49, 0.02]),
                "income": float(np.round(rng.lognormal(10.5, 0.6), 2)),
                "review": review,
            }
        )
    return pd.DataFrame(rows)


EXPECTED = {
    "name": "PERSON",
    "email": "EMAIL_ADDRESS",
    "phone": "PHONE_NUMBER",
    "address": "LOCATION",
    "zip": "POSTAL_CODE",
    "ssn": "US_SSN",
    "credit_card": "CREDIT_CARD",
    "date_of_birth": "DATE_OF_BIRTH",
    "age": "AGE",
    "gender": "GENDER",
    "income": "NONE",
    "review": "FREE_TEXT",
}


def _luhn_complete(prefix: np.ndarray) -> np.ndarray:
    """Append the Luhn check digit to rows of digits (shape n x 15) -> n x 16 (the digit that
    `stdnum.luhn.calc_check_digit` gives, vectorised by nbaudit's own checksum)."""
    with_zero = np.concatenate([prefix, np.zeros((len(prefix), 1), dtype=prefix.dtype)], axis=1)
    check = (10 - luhn_checksums(with_zero[:, ::-1].astype(np.int64))) % 10
    return np.concatenate([prefix, check[:, None]], axis=1)


def large_frame(n: int = 1_000_000, seed: int = 0) -> pd.DataFrame:
    """n x 12 rows: Faker rows tiled, with identifier columns made distinct per row."""
    base = faker_frame(20_000, seed=seed)
    reps = -(-n // len(base))
    df = pd.concat([base] * reps, ignore_index=True).iloc[:n].copy()
    rng = np.random.default_rng(seed)
    idx = pd.Series(np.arange(n)).astype(str)
    local = df["email"].str.split("@").str[0]
    domain = df["email"].str.split("@").str[1]
    df["email"] = local + idx + "@" + domain
    area = rng.integers(1, 665, n)
    df["ssn"] = (pd.Series(area).astype(str).str.zfill(3) + "-"
                 + pd.Series(rng.integers(1, 99, n)).astype(str).str.zfill(2) + "-"
                 + pd.Series(rng.integers(1, 9999, n)).astype(str).str.zfill(4))
    prefix = np.concatenate([np.full((n, 1), 4), rng.integers(0, 10, (n, 14))], axis=1)
    cards = _luhn_complete(prefix)
    df["credit_card"] = ["".join(map(str, row)) for row in cards]
    df["review"] = df["review"] + " Order " + idx + "."
    return df
