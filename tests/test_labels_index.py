"""Column names, the index and odd labels never carry raw personal data out (issue 10, 3-5)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import nbaudit
from nbaudit.pii.scan import StaleScanError

KEY = "a-test-key-of-32-bytes-0123456789"
EMAILS = ["ana.lima@example.com", "omar.farouk@example.org", "li.na@example.net"]
PEOPLE = ["Anna Smith", "Omar Farouk", "Maria Garcia"]


def artifacts(scan) -> str:
    result = scan.pseudonymize(key=KEY)
    return "\n".join([json.dumps(scan.to_dict()), json.dumps(scan.page(0)), scan.to_markdown(),
                      result.frame.to_csv(), json.dumps(list(map(str, result.frame.columns)))])


def test_a_column_named_by_an_email_is_masked_everywhere():
    df = pd.DataFrame({"jane.doe@example.com": [1, 2, 3], "email": EMAILS})
    scan = nbaudit.scan_pii(df)
    assert scan.columns[0].label_masked
    assert "jane.doe@example.com" not in artifacts(scan)
    assert scan.column("jane.doe@example.com") is scan.columns[0]  # still found by label


def test_an_index_of_names_is_scanned_and_replaced():
    df = pd.DataFrame({"email": EMAILS}, index=PEOPLE)
    scan = nbaudit.scan_pii(df)
    assert scan.index_report is not None and scan.index_report.entity == "PERSON"
    text = artifacts(scan)
    assert not any(p in text for p in PEOPLE)


@pytest.mark.parametrize("labels", [[0, 1], [("a", "email"), ("a", "x")], [None, "email"],
                                    ["email", "email"]])
def test_every_label_type_is_pseudonymized(labels):
    df = pd.DataFrame([[e, e] for e in EMAILS])
    df.columns = pd.MultiIndex.from_tuples(labels) if isinstance(labels[0], tuple) else labels
    scan = nbaudit.scan_pii(df)
    result = scan.pseudonymize(key=KEY)
    assert not any(e in result.frame.to_csv() for e in EMAILS)
    assert list(map(repr, result.frame.columns)) == list(map(repr, df.columns))
    assert df.iloc[0, 0] == EMAILS[0]  # input untouched


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_the_scan_keeps_a_snapshot_and_refuses_changed_frames():
    df = pd.DataFrame({"id": [1, 2, 3], "email": EMAILS, "note": ["a", "b", "c"]})
    scan = nbaudit.scan_pii(df)
    df.drop(columns="id", inplace=True)
    page = scan.page(0)
    assert page["columns"] == ["id", "email", "note"]
    assert not any(e in json.dumps(page) for e in EMAILS)
    with pytest.raises(StaleScanError):
        scan.pseudonymize(df)
    scan.frame.loc[0, "email"] = "changed@example.com"  # an edit that reaches the snapshot
    with pytest.raises(StaleScanError, match="Run the scan again"):
        scan.page(0)
