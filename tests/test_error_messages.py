"""Error messages are saved as error outputs: they name columns, dtypes and counts, never values.

Each case feeds a column of personal data (names, birth dates, emails) where nbaudit expects
labels, decisions, scores, groups or hierarchy values, through the Python API and through the
magics, and searches the message for every raw value of that column: plain, repr'd and
JSON-escaped. Zero is the only passing count.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from IPython.core.error import UsageError

import nbaudit
from nbaudit.risk import Hierarchy

N = 40
NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov",
         "Donald Knuth", "Frances Allen", "John Backus", "Radia Perlman", "Ken Thompson"]
DOBS = ["12/16/1977", "03/02/1951", "07/30/1983", "11/05/1969", "01/23/1990",
        "05/14/1962", "09/09/1975", "02/28/1948", "06/01/1988", "10/31/1957"]
EMAILS = [f"{n.lower().replace(' ', '.')}@example.com" for n in NAMES]


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    return pd.DataFrame({
        "name": [NAMES[i % 10] for i in range(N)],
        "dob": [DOBS[(i * 3) % 10] for i in range(N)],
        "birth_date": pd.to_datetime([DOBS[(i * 7) % 10] for i in range(N)], format="%m/%d/%Y"),
        "email": [EMAILS[(i * 9) % 10] for i in range(N)],
        "couple": [NAMES[i % 2] for i in range(N)],  # two distinct names: "labels"?
        "y": rng.integers(0, 2, N),
        "pred": rng.integers(0, 2, N),
        "score": rng.random(N),
        "sex": ["F", "M"] * (N // 2),
        "age": rng.integers(18, 90, N),
    })


def forms(value) -> set[str]:
    """Every form a raw value could take in a message."""
    out = {str(value), repr(value), json.dumps(str(value)), json.dumps(str(value))[1:-1]}
    if isinstance(value, pd.Timestamp):
        out |= {value.isoformat(), value.strftime("%Y-%m-%d"), repr(value.to_datetime64())}
    if isinstance(value, np.generic):
        out.add(repr(value.item()))
    return out


def leaks(message: str, values) -> list[str]:
    seen = set()
    for v in pd.unique(pd.Series(list(values))):
        for form in forms(v):
            if form and form in message:
                seen.add(form)
    return sorted(seen)


def assert_clean(message: str, df: pd.DataFrame, column: str) -> None:
    found = leaks(message, df[column])
    assert not found, f"raw values of {column!r} in the message {message!r}: {found}"
    assert not re.search(r"np\.(int|float|str_|bool|datetime)\w*\(", message), message


# --- the Python API -----------------------------------------------------------------------
def _fair(df, **kw):
    kw.setdefault("sensitive_features", df["sex"])
    return lambda: nbaudit.audit_fairness(**kw)


API_CASES = {
    "y_true=name": ("name", lambda df: _fair(df, y_true=df["name"], y_pred=df["pred"])),
    "y_true=dob": ("dob", lambda df: _fair(df, y_true=df["dob"], y_pred=df["pred"])),
    "y_true=birth_date": ("birth_date",
                          lambda df: _fair(df, y_true=df["birth_date"], y_pred=df["pred"])),
    "y_true=email": ("email", lambda df: _fair(df, y_true=df["email"], y_pred=df["pred"])),
    "y_true=couple": ("couple", lambda df: _fair(df, y_true=df["couple"], y_pred=df["pred"])),
    "y_true=name as list": ("name", lambda df: _fair(df, y_true=list(df["name"]),
                                                     y_pred=df["pred"])),
    "y_pred=name": ("name", lambda df: _fair(df, y_true=df["y"], y_pred=df["name"])),
    "y_pred=dob": ("dob", lambda df: _fair(df, y_true=df["y"], y_pred=df["dob"])),
    "y_pred=email": ("email", lambda df: _fair(df, y_true=df["y"], y_pred=df["email"])),
    "y_pred=couple": ("couple", lambda df: _fair(df, y_true=df["y"], y_pred=df["couple"])),
    "y_score=name": ("name", lambda df: _fair(df, y_true=df["y"], y_score=df["name"])),
    "y_score=dob": ("dob", lambda df: _fair(df, y_true=df["y"], y_score=df["dob"])),
    "y_score=email array": ("email", lambda df: _fair(df, y_true=df["y"],
                                                      y_score=df["email"].to_numpy())),
    "pos_label absent, y_true=name": ("name", lambda df: _fair(
        df, y_true=df["name"], y_pred=df["pred"], pos_label="Nobody")),
    "pos_label absent, y_pred=email": ("email", lambda df: _fair(
        df, y_true=df["y"], y_pred=df["email"], pos_label="Nobody")),
    "sensitive=email, short": ("email", lambda df: _fair(
        df, y_true=df["y"], y_pred=df["pred"], sensitive_features=df["email"][:-1])),
    "sensitive=name, 2-D": ("name", lambda df: _fair(
        df, y_true=df["y"], y_pred=df["pred"],
        sensitive_features=np.stack([df["name"], df["email"]])[:, :3])),
    "hierarchy without some dobs": ("dob", lambda df: lambda: nbaudit.assess_risk(
        df, ["dob"], hierarchies={"dob": {DOBS[0]: ["19**"], DOBS[3]: ["19**"]}})),
    "hierarchy without some emails": ("email", lambda df: lambda: nbaudit.assess_risk(
        df, ["email", "age"], hierarchies={"email": {EMAILS[0]: ["*"]}})),
    "hierarchy frame, names twice": ("name", lambda df: lambda: nbaudit.assess_risk(
        df, ["name"], hierarchies={"name": pd.DataFrame(
            {0: list(df["name"]), 1: ["*"] * N})})),
    "Hierarchy.from_frame, emails twice": ("email", lambda df: lambda: Hierarchy.from_frame(
        pd.DataFrame({0: list(df["email"]), 1: ["*"] * N}))),
    "Hierarchy.from_mapping, ragged": ("dob", lambda df: lambda: Hierarchy.from_mapping(
        {d: ["*"] * (1 + i % 2) for i, d in enumerate(DOBS)})),
}


@pytest.mark.parametrize("case", list(API_CASES))
def test_api_errors_quote_no_value(people, case):
    column, make = API_CASES[case]
    with pytest.raises((ValueError, TypeError)) as info:
        make(people)()
    assert_clean(str(info.value), people, column)


def test_messages_still_say_what_is_wrong(people):
    with pytest.raises(ValueError) as info:
        nbaudit.audit_fairness(people["name"], people["pred"], sensitive_features=people["sex"])
    message = str(info.value)
    assert "'name'" in message and "10 distinct values" in message and "pos_label" in message
    assert "dtype" in message
    with pytest.raises(ValueError) as info:
        nbaudit.audit_fairness(people["y"], y_score=people["email"],
                               sensitive_features=people["sex"])
    assert "'email'" in str(info.value) and "40 of 40" in str(info.value)
    with pytest.raises(ValueError) as info:
        nbaudit.assess_risk(people, ["dob"],
                            hierarchies={"dob": {DOBS[0]: ["19**"], DOBS[3]: ["19**"]}})
    assert "'dob'" in str(info.value) and "8 of the 10 distinct values" in str(info.value)


# --- the magics ---------------------------------------------------------------------------
MAGIC_CASES = [
    ("fairness", "df --y-true name --y-pred pred --sensitive sex", "name"),
    ("fairness", "df --y-true couple --y-pred pred --sensitive sex", "couple"),
    ("fairness", "df --y-true dob --y-pred pred --sensitive sex", "dob"),
    ("fairness", "df --y-true y --y-pred dob --sensitive sex", "dob"),
    ("fairness", "df --y-true y --y-pred birth_date --sensitive sex", "birth_date"),
    ("fairness", "df --y-true y --y-pred email --sensitive sex", "email"),
    ("fairness", "df --y-true email --y-pred pred --sensitive sex --pos-label x", "email"),
    ("fairness", "df --y-true y --score name --sensitive sex", "name"),
    ("fairness", "df --y-true y --score dob --sensitive email,sex", "dob"),
    ("fairness", "df.astype({'name':int}) --y-true y --y-pred pred --sensitive sex", "name"),
    ("fairness", "df[df.email.astype(float)>0] --y-true y --y-pred pred --sensitive sex",
     "email"),
    ("fairness", "model X df.y --sensitive sex", "name"),
    ("fairness", "model Xn df.name --sensitive sex", "name"),
    ("fairness", "model Xn df.y --sensitive email_short", "email"),
    ("reid_risk", "df.astype({'dob': float}) --qi dob", "dob"),
    ("reid_risk", "df --qi dob,age --sensitive dob", "dob"),
    ("reid_risk", "df --qi email --k 0", "email"),
]


@pytest.fixture()
def ns(shell, people):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit(people[["age", "score"]], people["y"])
    shell.user_ns.update(
        df=people, model=model,
        X=people[["age", "score"]].assign(score=people["name"]),  # names where numbers go
        Xn=people[["age", "score"]], sex=people["sex"],
        email_short=people["email"][:-1],
    )
    return shell


@pytest.mark.parametrize(("magic", "line", "column"), MAGIC_CASES)
def test_magic_errors_quote_no_value(ns, people, magic, line, column):
    with pytest.raises(UsageError) as info:
        ns.run_line_magic(magic, line)
    assert_clean(str(info.value), people, column)


def test_magic_message_names_the_column_and_the_option(ns, people):
    with pytest.raises(UsageError) as info:
        ns.run_line_magic("fairness", "df --y-true name --y-pred pred --sensitive sex")
    message = str(info.value)
    assert "'name'" in message and "--pos-label" in message and "10 distinct values" in message


def test_column_names_are_shown_truncated(ns, people):
    long = "c" * 500
    ns.user_ns["wide"] = people.rename(columns={"sex": long})
    with pytest.raises(UsageError) as info:
        ns.run_line_magic("fairness", "wide --y-true y --y-pred pred --sensitive nope")
    message = str(info.value)
    assert "'nope'" in message and long not in message and "ccc" in message
