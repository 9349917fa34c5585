"""Test frames made with Faker (an independent generator: the detectors never saw its lists)."""

from __future__ import annotations

import numpy as np
import pandas as pd


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
