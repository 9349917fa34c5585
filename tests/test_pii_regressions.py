"""Regressions and contracts of the PII core (issue 13): the evidence's sample size, package
settings, one Luhn, one missing-value test, keyword-only options."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from stdnum import luhn

import nbaudit
from nbaudit._checks import is_missing
from nbaudit.config import settings
from nbaudit.pii import classify, patterns
from nbaudit.pii.classify import TEXT_SAMPLE_CELLS, cell_text

KEY = "a-test-key-that-is-long-enough"
PLAIN = "The parcel came late and the box was damaged on one side, number {}."


def _notes(n: int, with_email: list[int]) -> pd.DataFrame:
    notes = [PLAIN.format(i) for i in range(n)]
    for i in with_email:
        notes[i] = f"Write to jane.doe{i}@example.com about parcel {i}, please."
    return pd.DataFrame({"note": notes})


# --- the evidence states the sample it counted (issue 13: "2 of 100" for 2,000 sampled) ------
def test_too_few_hits_are_counted_against_the_whole_text_sample():
    n = TEXT_SAMPLE_CELLS  # every cell is in the text sample: exactly 2 hold PII
    col = nbaudit.scan_pii(_notes(n, [5, 1_500])).column("note")
    assert col.entity == "NONE"
    assert f"2 of {n:,} sampled cells hold PII (too few)" in col.evidence


def test_free_text_evidence_counts_the_text_sample_and_presidio_says_its_own(monkeypatch):
    n = TEXT_SAMPLE_CELLS
    hits = list(range(0, n, 50))  # 40 cells
    # Presidio reads a few cells only (it is slow): its count comes with its own sample.
    read: list[int] = []

    def fake(values, wanted):
        read.append(len(values))
        return {"UK_NHS": 3}

    monkeypatch.setattr(classify, "_presidio_text_entities", fake)
    col = nbaudit.scan_pii(_notes(n, hits)).column("note")
    assert col.entity == "FREE_TEXT"
    assert f"2.0% of {n:,} sampled cells hold PII (EMAIL_ADDRESS in {len(hits)}" in col.evidence
    assert read == [classify.PRESIDIO_TEXT_CELLS]
    assert (f"Presidio also found UK_NHS in 3 of the {classify.PRESIDIO_TEXT_CELLS} cells it "
            "read") in col.evidence


# --- configure(sample_size=..., page_size=...) -------------------------------------------------
@pytest.fixture
def restored_settings(monkeypatch):
    for name in ("sample_size", "page_size", "ner_model"):
        monkeypatch.setattr(settings, name, getattr(settings, name))
    return settings


def test_configure_sets_the_defaults_of_scans_pages_and_widgets(restored_settings):
    from nbaudit.widgets.pii import PiiScanWidget

    df = pd.DataFrame({"contact": [f"user{i}@example.com" for i in range(3_000)]})
    assert nbaudit.configure(sample_size=500, page_size=7) is settings
    scan = nbaudit.scan_pii(df)
    assert scan.sample_size == 500 and "500 sampled values" in scan.columns[0].evidence
    page = scan.page(0)
    assert page["page_size"] == 7 and len(page["rows"]) == 7 and page["n_pages"] == 429
    assert PiiScanWidget(scan).page_size == 7
    # Arguments still win over the settings.
    explicit = nbaudit.scan_pii(df, sample_size=800)
    assert explicit.sample_size == 800 and "800 sampled values" in explicit.columns[0].evidence
    assert len(scan.page(0, page_size=3)["rows"]) == 3
    # Leaving an argument out leaves its setting alone.
    nbaudit.configure(page_size=9)
    assert (settings.sample_size, settings.page_size) == (500, 9)


@pytest.mark.parametrize(("options", "error", "message"), [
    ({"sample_size": 0}, ValueError, "sample_size must be at least 1"),
    ({"sample_size": 2.5}, ValueError, "sample_size must be a whole number"),
    ({"sample_size": "100"}, TypeError, "sample_size must be a whole number"),
    ({"sample_size": True}, TypeError, "sample_size"),
    ({"page_size": 0}, ValueError, "page_size must be at least 1"),
    ({"page_size": 501}, ValueError, "page_size must be at most 500"),
    ({"page_size": 20, "sample_size": -1}, ValueError, "sample_size"),
])
def test_configure_refuses_bad_sizes_and_changes_nothing(restored_settings, options, error,
                                                         message):
    before = (settings.sample_size, settings.page_size)
    with pytest.raises(error, match=message):
        nbaudit.configure(**options)
    assert (settings.sample_size, settings.page_size) == before


# --- one Luhn: python-stdnum's, vectorised for columns -----------------------------------------
def test_vectorised_luhn_agrees_with_python_stdnum():
    rng = np.random.default_rng(4)
    numbers = ["".join(map(str, rng.integers(0, 10, k))) for k in rng.integers(10, 22, 5_000)]
    numbers += [n[:-1] + luhn.calc_check_digit(n[:-1]) for n in numbers[:2_000]]  # valid ones
    laid_out = [" ".join(n[i:i + 4] for i in range(0, len(n), 4)) for n in numbers[::3]]
    values = numbers + laid_out
    expected = [12 <= len(patterns.digits_only(v)) <= 19 and luhn.is_valid(
        patterns.digits_only(v)) for v in values]
    assert sum(expected) > 2_000
    assert patterns.luhn_ok_many(pa.array(values)).tolist() == expected
    assert [patterns.luhn_ok(v) for v in values] == expected


# --- one test of a missing cell ---------------------------------------------------------------
@pytest.mark.parametrize(("value", "missing"), [
    (None, True), (float("nan"), True), (np.float64("nan"), True), (np.float32("nan"), True),
    (pd.NA, True), (pd.NaT, True), (np.datetime64("NaT"), True),
    ("", False), ("nan", False), (0, False), (0.0, False), ([None], False), ({}, False),
    (np.array([np.nan]), False), (b"", False),
])
def test_is_missing_and_cell_text_agree(value, missing):
    assert is_missing(value) is missing
    if missing:
        assert cell_text(value) == ""


# --- options are keyword-only --------------------------------------------------------------
def test_pseudonymize_takes_its_options_by_keyword_only():
    df = pd.DataFrame({"email": [f"u{i}@example.com" for i in range(20)]})
    scan = nbaudit.scan_pii(df)
    with pytest.raises(TypeError):
        nbaudit.pseudonymize(df, scan, {"email": "keep"})  # type: ignore[misc]
    with pytest.raises(TypeError):
        scan.pseudonymize(df, {"email": "keep"})  # type: ignore[misc]
    kept = scan.pseudonymize(handling={"email": "keep"}, key=KEY)
    assert kept.frame.email.tolist() == df.email.tolist()
    assert scan.pseudonymize(key=KEY).frame.email.str.endswith("@example.invalid").all()
