"""Synthetic datasets for the demos: deterministic, offline, no real person in them.

The name and street lists here are short hand-written lists, separate from the lexicons the
detectors use, so that a demo does not merely test the detector against its own word list.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from stdnum import luhn

_FIRST = {
    "F": ["Emma", "Olivia", "Sophie", "Mia", "Hannah", "Léa", "Chloé", "Lucía", "María", "Anna",
          "Grace", "Aisha", "Fatima", "Mei", "Priya", "Ingrid", "Sara", "Julia", "Clara", "Nora",
          "Elena", "Amelia", "Zoe", "Isabel", "Charlotte"],
    "M": ["Liam", "Noah", "Lukas", "Jonas", "Lucas", "Hugo", "Mateo", "Pablo", "James", "Ethan",
          "Omar", "Wei", "Arjun", "Sven", "David", "Daniel", "Samuel", "Tomás", "Louis", "Felix",
          "Henry", "Adam", "Leo", "Oscar", "Marco"],
}
_LAST = ["Smith", "Johnson", "Müller", "Schmidt", "Dubois", "Martin", "García", "Fernández",
         "Rossi", "Brown", "Nguyen", "Kim", "Patel", "Khan", "Novak", "Jansen", "Andersen",
         "Kowalski", "Silva", "Lopez", "Wilson", "Taylor", "Moreau", "Becker", "Ortiz",
         "Okafor", "Haddad", "Ivanova", "Larsen", "O'Brien"]
_STREETS = ["Maple Street", "Oak Avenue", "Cedar Lane", "Pine Road", "Elm Street", "Lake Drive",
            "Hill Road", "Park Avenue", "River Lane", "Sunset Boulevard", "Church Street",
            "Mill Lane", "Station Road", "Harbor Way", "Meadow Court"]
_CITIES = [("Springfield", "627"), ("Riverton", "841"), ("Lakeside", "924"), ("Fairview", "371"),
           ("Greenville", "296"), ("Madison", "537"), ("Clinton", "284"), ("Franklin", "370")]
_DOMAINS = ["example.com", "example.org", "mail.example", "inbox.example"]
_PRODUCTS = [("wireless headphones", 89.0), ("running shoes", 120.0), ("coffee grinder", 45.5),
             ("yoga mat", 25.0), ("desk lamp", 39.9), ("backpack", 64.0), ("e-reader", 129.0),
             ("water bottle", 18.5), ("blender", 75.0), ("phone case", 15.0)]
_REVIEW_OPENERS = ["Great product, arrived on time.", "Not what I expected, the size is off.",
                   "Works fine after two weeks of use.", "Excellent quality for the price.",
                   "The box was damaged but the item is OK.", "Would buy again.",
                   "Battery life is shorter than advertised.", "Customer service was helpful.",
                   "Too noisy for my taste.", "My kids love it."]
_HEALTH = ["none", "none", "none", "none", "asthma", "diabetes", "hypertension", "depression",
           "migraine", "arthritis"]


def _ascii(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in folded if ch.isascii() and ch not in " '").lower()


def ecommerce(n: int = 1_000, seed: int = 7) -> pd.DataFrame:
    """A synthetic e-commerce table: customers, purchases, reviews with PII inside.

    The seeds' beginner project: user reviews with embedded emails and phone numbers,
    purchase history, timestamps, names, addresses, and the quasi-identifiers (age, sex,
    postal code, date of birth) that make re-identification possible.

    Parameters
    ----------
    n
        Number of rows (purchases).
    seed
        Random seed: the same seed always gives the same frame.

    Returns
    -------
    pandas.DataFrame
        Columns: order_id, customer_name, email, phone, street_address, city, zip_code,
        date_of_birth, age, sex, purchased_at, product, amount, payment_card, review,
        health_condition.
    """
    if n < 1:
        raise ValueError("n must be at least 1.")
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n)
    first = np.array([rng.choice(_FIRST[s]) for s in sex])
    last = rng.choice(_LAST, n)
    names = [f"{f} {lname}" for f, lname in zip(first, last, strict=True)]
    emails = [
        f"{_ascii(f)}.{_ascii(lname)}{int(k)}@{d}"
        for f, lname, k, d in zip(first, last, rng.integers(1, 99, n), rng.choice(_DOMAINS, n),
                                  strict=True)
    ]
    phones = [f"+1 {a}-555-{b:04d}" for a, b in zip(rng.integers(201, 989, n),
                                                    rng.integers(0, 9999, n), strict=True)]
    city_idx = rng.integers(0, len(_CITIES), n)
    cities = [_CITIES[i][0] for i in city_idx]
    zip_tail = rng.integers(0, 40, n)
    zips = [f"{_CITIES[i][1]}{z:02d}" for i, z in zip(city_idx, zip_tail, strict=True)]
    streets = [f"{num} {rng.choice(_STREETS)}" for num in rng.integers(1, 2500, n)]
    today = pd.Timestamp("2026-06-30")
    birth = today - pd.to_timedelta(rng.integers(18 * 365, 85 * 365, n), unit="D")
    age = ((today - birth).days // 365).astype(int)
    purchased = pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 180 * 24 * 60, n),
                                                             unit="min")
    product_idx = rng.integers(0, len(_PRODUCTS), n)
    products = [_PRODUCTS[i][0] for i in product_idx]
    amounts = np.round([_PRODUCTS[i][1] * rng.uniform(0.9, 1.1) for i in product_idx], 2)
    cards = [_card(rng) for _ in range(n)]
    reviews = []
    for i in range(n):
        text = str(rng.choice(_REVIEW_OPENERS))
        r = rng.random()
        if r < 0.12:
            text += f" If there is a problem email me at {emails[i]}."
        elif r < 0.20:
            text += f" Call me on {phones[i]} about the refund."
        elif r < 0.23:
            text += f" Signed, {names[i]}."
        reviews.append(text)
    return pd.DataFrame(
        {
            "order_id": [f"ORD-{100000 + i}" for i in range(n)],
            "customer_name": names,
            "email": emails,
            "phone": phones,
            "street_address": streets,
            "city": cities,
            "zip_code": zips,
            "date_of_birth": birth.strftime("%Y-%m-%d"),
            "age": age,
            "sex": sex,
            "purchased_at": purchased,
            "product": products,
            "amount": amounts,
            "payment_card": cards,
            "review": reviews,
            "health_condition": rng.choice(_HEALTH, n),
        }
    )


def _card(rng: np.random.Generator) -> str:
    body = "4" + "".join(str(int(d)) for d in rng.integers(0, 10, 14))
    s = body + luhn.calc_check_digit(body)
    return f"{s[:4]} {s[4:8]} {s[8:12]} {s[12:]}"


def credit(n: int = 5_000, seed: int = 42) -> pd.DataFrame:
    """A synthetic credit-scoring table with built-in unfairness to find.

    The seeds' intermediate project: applicants with age and sex (sensitive attributes), a
    postal code that stands in for race (neighbourhoods are segregated: the model never sees
    race, yet learns it through the zip code), financial features, and whether the loan was
    repaid. Historical disadvantage lowers one group's incomes and the approval data, so a
    model trained on it reproduces the gap.

    Parameters
    ----------
    n
        Number of applicants.
    seed
        Random seed: the same seed gives the same frame.

    Returns
    -------
    pandas.DataFrame
        Columns: applicant_id, age, age_group, sex, race, zip_code, income, debt_ratio,
        years_employed, late_payments, loan_amount, repaid.
    """
    if n < 1:
        raise ValueError("n must be at least 1.")
    rng = np.random.default_rng(seed)
    race = rng.choice(["group_a", "group_b"], n, p=[0.7, 0.3])
    sex = rng.choice(["F", "M"], n)
    age = rng.integers(18, 76, n)
    # Segregated neighbourhoods: zip codes 100xx mostly group_a, 200xx mostly group_b.
    in_b_area = np.where(race == "group_b", rng.random(n) < 0.85, rng.random(n) < 0.1)
    zip_code = np.where(in_b_area, 20000, 10000) + rng.integers(0, 40, n)
    base_income = rng.lognormal(10.8, 0.45, n)
    income = base_income * np.where(race == "group_b", 0.78, 1.0) * np.where(sex == "F", 0.9, 1.0)
    income *= np.clip(1 + (age - 40) * 0.004, 0.8, 1.2)
    debt_ratio = np.clip(rng.beta(2, 5, n) + np.where(race == "group_b", 0.05, 0.0), 0, 1)
    years_employed = np.clip(rng.gamma(2.0, 3.0, n) * np.clip((age - 17) / 20, 0.1, 1.5), 0, 45)
    late_payments = rng.poisson(np.where(age < 25, 1.2, 0.6))
    loan_amount = np.round(rng.uniform(2_000, 40_000, n), -2)
    logit = (1.2 + 1.6 * np.log(income / 50_000) - 3.0 * debt_ratio + 0.05 * years_employed
             - 0.45 * late_payments - 0.00002 * loan_amount)
    repaid = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    age_group = pd.cut(age, [17, 25, 40, 60, 120], labels=["18-25", "26-40", "41-60", "61+"])
    return pd.DataFrame({
        "applicant_id": [f"APP-{200000 + i}" for i in range(n)],
        "age": age,
        "age_group": age_group.astype(str),
        "sex": sex,
        "race": race,
        "zip_code": zip_code.astype(str),
        "income": np.round(income, 0),
        "debt_ratio": np.round(debt_ratio, 3),
        "years_employed": np.round(years_employed, 1),
        "late_payments": late_payments,
        "loan_amount": loan_amount,
        "repaid": repaid,
    })


_COUNTRIES = ["DE", "FR", "ES", "IT", "NL", "PL", "SE", "US", "GB", "BR"]
_COUNTRY_P = [0.18, 0.14, 0.1, 0.1, 0.06, 0.06, 0.04, 0.16, 0.1, 0.06]
_TOPICS = ["sports", "music", "gaming", "politics", "fashion", "food", "travel", "tech"]
_AGE_BANDS = [("13-17", 13, 17), ("18-24", 18, 24), ("25-34", 25, 34), ("35-44", 35, 44),
              ("45-54", 45, 54), ("55+", 55, 90)]


def social_posts(n_users: int = 5_000, seed: int = 11) -> pd.DataFrame:
    """A synthetic social-media table: posts per user, for differential-privacy demos.

    The seeds' advanced privacy project: a platform publishes what topics trend among, say,
    18-24 year-olds in Germany. Users post different amounts (most a few times, some heavily:
    contribution bounding matters), and their topics depend on their age band.

    Parameters
    ----------
    n_users
        Number of users; the frame has about 5.6 posts per user (a few users post hundreds).
    seed
        Random seed: the same seed gives the same frame.

    Returns
    -------
    pandas.DataFrame
        One row per post. Columns: post_id, user_id, age, age_band, country, topic, likes,
        spend (in-app spend on the day of the post, 0-1,000), posted_at.
    """
    if n_users < 1:
        raise ValueError("n_users must be at least 1.")
    rng = np.random.default_rng(seed)
    band_idx = rng.choice(len(_AGE_BANDS), n_users, p=[0.08, 0.24, 0.26, 0.18, 0.13, 0.11])
    ages = np.array([rng.integers(_AGE_BANDS[b][1], _AGE_BANDS[b][2] + 1) for b in band_idx])
    country = rng.choice(_COUNTRIES, n_users, p=_COUNTRY_P)
    posts = np.minimum(rng.geometric(0.3, n_users), 60)  # mean ~3.3, a long tail
    heavy = rng.random(n_users) < 0.02
    posts[heavy] += rng.integers(20, 200, int(heavy.sum()))
    user = np.repeat(np.arange(n_users), posts)
    n = len(user)
    # Topic preferences shift with age: younger users post more about gaming and music.
    young = band_idx[user] <= 1
    weights = np.where(young[:, None], [0.12, 0.2, 0.25, 0.04, 0.14, 0.08, 0.07, 0.1],
                       [0.16, 0.12, 0.07, 0.15, 0.1, 0.15, 0.13, 0.12])
    cum = weights.cumsum(axis=1)
    topic_idx = (rng.random(n)[:, None] > cum).sum(axis=1).clip(0, len(_TOPICS) - 1)
    spend = np.where(rng.random(n) < 0.7, 0.0, np.round(rng.gamma(1.5, 25.0, n), 2))
    posted = pd.Timestamp("2026-09-01") + pd.to_timedelta(rng.integers(0, 90 * 24 * 3600, n),
                                                          unit="s")
    return pd.DataFrame({
        "post_id": [f"P{1_000_000 + i}" for i in range(n)],
        "user_id": [f"U{100_000 + u}" for u in user],
        "age": ages[user],
        "age_band": [_AGE_BANDS[b][0] for b in band_idx[user]],
        "country": country[user],
        "topic": np.array(_TOPICS)[topic_idx],
        "likes": rng.poisson(4.0, n),
        "spend": np.minimum(spend, 1_000.0),
        "posted_at": posted,
    })
