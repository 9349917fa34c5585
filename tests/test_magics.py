"""%pii_scan through a real IPython shell: options, outputs and UsageErrors."""

from __future__ import annotations

import pandas as pd
import pytest
from IPython.core.error import UsageError


@pytest.fixture(scope="module")
def ip(shell):
    return shell


@pytest.fixture()
def user_df(ip, shop_df):
    df = shop_df.head(100).copy()
    ip.user_ns["df"] = df
    return df


def test_pii_scan_stores_result(ip, user_df):
    ip.run_line_magic("pii_scan", "df -o scan --sample 50 --min-score 0.5")
    scan = ip.user_ns["scan"]
    assert scan.column("email").entity == "EMAIL_ADDRESS"
    assert scan.sample_size == 50


def test_columns_and_entities_options(ip, user_df):
    ip.run_line_magic("pii_scan", "df -o s2 --columns email,phone --entities PHONE_NUMBER")
    s2 = ip.user_ns["s2"]
    assert [(c.name, c.entity) for c in s2.columns] == [("email", "NONE"),
                                                        ("phone", "PHONE_NUMBER")]


def test_expression_is_accepted(ip, user_df):
    ip.run_line_magic("pii_scan", "df[['email']].head(10) -o s3")
    assert ip.user_ns["s3"].n_rows == 10


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "Name a DataFrame"),
        ("undefined_frame_xyz", "is not defined"),
        ("[1, 2, 3]", "pandas DataFrame"),
        ("df --columns nope", "No column 'nope'"),
        ("df --entities NOPE", "Unknown entity"),
        ("df --min-score 7", "min_score"),
        ("df --sample 0", "sample_size"),
        ("df --bogus", "Could not parse"),
        ("empty", "no columns"),
    ],
)
def test_usage_errors(ip, user_df, line, message):
    ip.user_ns["empty"] = pd.DataFrame(index=range(3))
    with pytest.raises(UsageError, match=message):
        ip.run_line_magic("pii_scan", line)


def test_input_not_mutated(ip, user_df):
    before = user_df.copy()
    ip.run_line_magic("pii_scan", "df")
    pd.testing.assert_frame_equal(user_df, before)


def test_help_documents_options(ip):
    doc = ip.find_line_magic("pii_scan").__doc__
    for option in ["--sample", "--columns", "--entities", "--min-score", "-o"]:
        assert option in doc
