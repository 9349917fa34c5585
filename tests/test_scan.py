"""scan_pii on real-looking frames (Faker, four locales) and on bad input."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import nbaudit
from nbaudit.pii.scan import INVENTORY_COLUMNS


def labels(scan):
    return {c.name: c.entity for c in scan.columns}


def test_faker_frame_every_column_right(faker_df):
    from frames import EXPECTED

    scan = nbaudit.scan_pii(faker_df)
    assert labels(scan) == EXPECTED
    assert list(scan.inventory.columns[: len(INVENTORY_COLUMNS)]) == INVENTORY_COLUMNS
    assert set(scan.quasi_identifiers) == {"zip", "date_of_birth", "age", "gender"}


@pytest.mark.parametrize("locale", ["de_DE", "fr_FR", "es_ES", "en_GB"])
def test_other_locales(locale):
    from frames import faker_frame

    df = faker_frame(400, seed=2, locale=locale)
    got = labels(nbaudit.scan_pii(df))
    for column in ["name", "email", "phone", "address", "zip", "credit_card", "date_of_birth",
                   "age", "gender", "review"]:
        assert got[column] != "NONE", (locale, column)
    assert got["name"] == "PERSON"
    assert got["email"] == "EMAIL_ADDRESS"
    assert got["phone"] == "PHONE_NUMBER"
    assert got["address"] == "LOCATION"
    assert got["zip"] == "POSTAL_CODE"
    assert got["income"] == "NONE"


def test_values_without_helpful_headers(faker_df):
    df = faker_df[["email", "phone", "ssn", "credit_card", "address", "zip"]].copy()
    df.columns = [f"col{i}" for i in range(df.shape[1])]
    got = labels(nbaudit.scan_pii(df))
    assert got["col0"] == "EMAIL_ADDRESS"
    assert got["col2"] == "US_SSN"
    assert got["col3"] == "CREDIT_CARD"
    assert got["col4"] == "LOCATION"
    # presidio-structured calls these PHONE_NUMBER from a few hits; a bare 5-digit code or an
    # address is not a phone number.
    assert got["col5"] != "PHONE_NUMBER"
    assert got["col4"] != "PHONE_NUMBER"


def test_label_comes_from_hit_rate_not_a_handful_of_hits():
    rng = np.random.default_rng(0)
    values = [str(v) for v in rng.integers(10_000, 99_999, 1_000)]
    values[:4] = ["555-123-4567", "jane@example.com", "123-45-6789", "4111 1111 1111 1111"]
    scan = nbaudit.scan_pii(pd.DataFrame({"code": values}))
    assert scan.columns[0].entity == "NONE"


def test_counts_are_exact_over_all_rows_and_sample_is_stated():
    n = 30_000
    emails = [f"user{i}@example.com" if i % 3 else None for i in range(n)]
    df = pd.DataFrame({"contact": emails})
    scan = nbaudit.scan_pii(df, sample_size=1_000)
    col = scan.columns[0]
    assert col.entity == "EMAIL_ADDRESS"
    assert col.n_non_null == n - len(range(0, n, 3))
    assert col.n_flagged == col.n_non_null
    assert "1,000 sampled values" in col.evidence
    assert scan.flags("contact").sum() == col.n_flagged


def test_free_text_with_embedded_pii(shop_df):
    scan = nbaudit.scan_pii(shop_df)
    review = scan.column("review")
    assert review.entity == "FREE_TEXT"
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER"} <= set(review.contains)
    hits = scan.findings.query("column == 'review'")
    for row in hits.itertuples():
        text = shop_df.review.iloc[row.row]
        span = text[row.start : row.end]
        if row.entity == "EMAIL_ADDRESS":
            assert "@" in span
    assert review.n_flagged == hits.row.nunique()


def test_special_categories_and_secrets():
    df = pd.DataFrame({
        "race": ["White", "Black", "Asian", "Hispanic", "White"] * 20,
        "religion": ["Christian", "Muslim", "Jewish", "Hindu", "Atheist"] * 20,
        "diagnosis": ["Diabetes", "Asthma", "E11.9", "Hypertension", "Depression"] * 20,
        "orientation": ["heterosexual", "gay", "lesbian", "bisexual", "heterosexual"] * 20,
        "party": ["Democrat", "Republican", "Independent", "Green", "Libertarian"] * 20,
        "api_key": [f"sk_live_{'x' * 10}{i:06d}abc" for i in range(100)],
        "notes": [f"deploy with AKIA{'ABCDEFGHIJKLMNOP'} now {i}" for i in range(100)],
    })
    got = labels(nbaudit.scan_pii(df))
    assert got == {"race": "ETHNICITY", "religion": "RELIGION", "diagnosis": "HEALTH",
                   "orientation": "SEXUAL_ORIENTATION", "party": "POLITICAL_OPINION",
                   "api_key": "SECRET", "notes": "FREE_TEXT"}
    scan = nbaudit.scan_pii(df)
    assert {c.role for c in scan.columns if c.name != "notes"} == {"sensitive"}


def test_adult_columns_from_shared_data():
    from conftest import SHARED_DATA

    path = SHARED_DATA / "adult_arx.csv"
    if not path.exists():
        pytest.skip("../shared/data is not present")
    df = pd.read_csv(path, sep=";")
    got = labels(nbaudit.scan_pii(df))
    assert got["sex"] == "GENDER"
    assert got["race"] == "ETHNICITY"
    assert got["age"] == "AGE"


def test_input_frame_is_never_mutated(shop_df):
    before = shop_df.copy(deep=True)
    scan = nbaudit.scan_pii(shop_df)
    scan.page(3)
    scan.page(0, reveal=True)
    _ = scan.findings
    pd.testing.assert_frame_equal(shop_df, before)


def test_page_is_masked_unless_revealed(shop_df):
    scan = nbaudit.scan_pii(shop_df)
    page = scan.page(0, page_size=10)
    assert page["n_pages"] == 80 and len(page["rows"]) == 10
    text = json.dumps(page)
    for email in shop_df.email.head(10):
        assert email not in text
    raw = json.dumps(scan.page(0, page_size=10, reveal=True))
    assert shop_df.email.iloc[0] in raw
    # Pages past the end are clamped, flagged-only rows and column choice work.
    assert scan.page(10_000, page_size=10)["page"] == 79
    only = scan.page(0, page_size=10, columns=["review"], flagged_rows_only=True)
    assert only["columns"] == ["review"]
    assert all(any(seg[1] for seg in r["cells"][0]) for r in only["rows"])


def test_to_dict_is_json_and_free_of_values(shop_df):
    scan = nbaudit.scan_pii(shop_df)
    text = json.dumps(scan.to_dict())
    for col in ["email", "customer_name", "phone"]:
        for v in shop_df[col].head(50):
            assert v not in text


def test_entities_and_columns_options(shop_df):
    scan = nbaudit.scan_pii(shop_df, columns=["email", "phone", "age"], entities=["EMAIL_ADDRESS"])
    assert labels(scan) == {"email": "EMAIL_ADDRESS", "phone": "NONE", "age": "NONE"}
    strict = nbaudit.scan_pii(shop_df, min_score=1.0, columns=["review"])
    assert strict.columns[0].entity == "NONE"


# --- bad input --------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [None, [1, 2], {"a": [1]}, np.arange(3), "df"])
def test_not_a_dataframe(bad):
    with pytest.raises(TypeError, match="pandas DataFrame"):
        nbaudit.scan_pii(bad)


def test_zero_columns():
    with pytest.raises(ValueError, match="no columns"):
        nbaudit.scan_pii(pd.DataFrame(index=range(3)))


def test_zero_rows():
    scan = nbaudit.scan_pii(pd.DataFrame({"email": pd.Series([], dtype=str)}))
    assert scan.columns[0].entity == "NONE" and scan.n_rows == 0
    assert scan.page(0)["rows"] == []


def test_unknown_column_and_entity_messages(shop_df):
    with pytest.raises(ValueError, match="Columns: order_id"):
        nbaudit.scan_pii(shop_df, columns=["nope"])
    with pytest.raises(ValueError, match="Unknown entity NOPE"):
        nbaudit.scan_pii(shop_df, entities=["NOPE"])
    with pytest.raises(ValueError, match="min_score"):
        nbaudit.scan_pii(shop_df, min_score=3)
    with pytest.raises(ValueError, match="sample_size"):
        nbaudit.scan_pii(shop_df, sample_size=0)


def test_awkward_columns_and_dtypes():
    n = 60
    emails = [f"p{i}@example.com" for i in range(n)]
    df = pd.DataFrame({
        "all_null": [None] * n,
        "mixed": [1, "two", 3.0, None, b"five", ["six"]] * 10,
        "bytes_email": [e.encode() for e in emails],
        "containers": [{"email": e} for e in emails],
        "big_text": ["x" * 1_000_000 if i == 0 else f"hello {emails[i]}" for i in range(n)],
        "cat_sex": pd.Categorical(["F", "M"] * 30),
        "nullable_age": pd.array(list(range(20, 50)) * 2, dtype="Int64"),
        "float_age": [float(a) if a % 7 else np.nan for a in range(20, 80)],
        "when": pd.date_range("2024-01-01", periods=n, freq="h"),
        "dob": pd.to_datetime(["1980-01-02"] * n),
        "flag": [True, False] * 30,
    })
    df = df.rename(columns={"nullable_age": "age", "float_age": "Age", "cat_sex": "sex"})
    scan = nbaudit.scan_pii(df)
    got = labels(scan)
    assert got["all_null"] == "NONE"
    assert got["bytes_email"] == "EMAIL_ADDRESS"
    assert got["containers"] == "FREE_TEXT"
    assert got["big_text"] == "FREE_TEXT"
    assert got["sex"] == "GENDER"
    assert got["age"] == "AGE" and got["Age"] == "AGE"
    assert got["when"] == "DATE_TIME"
    assert got["dob"] == "DATE_OF_BIRTH"
    assert got["flag"] == "NONE"
    page = scan.page(0, page_size=5)
    json.dumps(page)
    assert len(page["rows"][0]["cells"][4][0][0]) <= 201  # the 1 MB cell is cut


def test_duplicate_non_string_and_multiindex_columns():
    df = pd.DataFrame([["a@example.com", "b@example.com", 1]] * 20)
    df.columns = ["email", "email", 3]
    scan = nbaudit.scan_pii(df)
    assert [c.name for c in scan.columns] == ["email", "email (2)", "3"]
    assert [c.entity for c in scan.columns][:2] == ["EMAIL_ADDRESS", "EMAIL_ADDRESS"]
    multi = pd.DataFrame([["a@example.com", "x"]] * 20,
                         columns=pd.MultiIndex.from_tuples([("contact", "email"), ("other", "y")]))
    scan = nbaudit.scan_pii(multi)
    assert scan.columns[0].name == "contact / email"
    assert scan.columns[0].entity == "EMAIL_ADDRESS"


def test_series_is_accepted():
    scan = nbaudit.scan_pii(pd.Series(["a@example.com"] * 10, name="email"))
    assert scan.columns[0].entity == "EMAIL_ADDRESS"


def test_scan_is_reproducible(faker_df):
    a = nbaudit.scan_pii(faker_df, sample_size=500, seed=1).inventory
    b = nbaudit.scan_pii(faker_df, sample_size=500, seed=1).inventory
    pd.testing.assert_frame_equal(a, b)


def test_presidio_runs_offline_and_says_so(no_network, monkeypatch):
    """Presidio really runs in the scan (its recognizers label what nbaudit has no detector
    for, and its email recognizer, whose tldextract fetches a suffix list when online, checks
    a domain) with no connection attempted, no NER engine loaded, and the scan says so."""
    from nbaudit.config import settings
    from nbaudit.pii import presidio_engine

    monkeypatch.setattr(settings, "ner_model", None)
    text, email = "write to jane.doe@example.co.uk today", "jane.doe@example.co.uk"
    spans = presidio_engine.analyze([text])
    start = text.index(email)
    assert [(s, e, ent) for s, e, ent, _ in spans[0]] == [(start, start + len(email),
                                                           "EMAIL_ADDRESS")]
    engine = presidio_engine.analyzer(None)
    assert type(engine.nlp_engine).__name__ == "NoOpNlpEngine"  # no spaCy, no model
    rng = np.random.default_rng(3)
    refs = ["".join(map(str, rng.integers(0, 10, 9))) for _ in range(400)]
    refs = [r + str(c) for r in refs if (c := 11 - sum((10 - i) * int(d) for i, d in
                                                           enumerate(r)) % 11) < 10]
    scan = nbaudit.scan_pii(pd.DataFrame({"ref": refs}))
    assert scan.columns[0].entity == "UK_NHS"  # only Presidio knows NHS numbers
    assert no_network.attempts == []
    assert scan.tier == "patterns" and "no NER" in scan.mode and "Offline" in scan.mode
    assert scan.to_dict()["mode"] == scan.mode


def test_configure_rejects_missing_model():
    with pytest.raises(ValueError, match="not installed"):
        nbaudit.configure(ner_model="no_such_spacy_model_xyz")


def test_presidio_labels_entities_nbaudit_lacks():
    rng = np.random.default_rng(0)

    def nhs() -> str:  # UK NHS numbers: 10 digits, mod-11 check digit
        while True:
            digits = list(rng.integers(0, 10, 9))
            check = 11 - sum((10 - i) * d for i, d in enumerate(digits)) % 11
            check = 0 if check == 11 else check
            if check != 10:
                return "".join(map(str, digits)) + str(check)

    df = pd.DataFrame({"ref": [nhs() for _ in range(6_000)]})  # > 5,000: vectorised path
    col = nbaudit.scan_pii(df).columns[0]
    assert col.entity == "UK_NHS" and col.role == "identifier"
    assert col.n_flagged == 6_000 and "Presidio UK_NHS recognizer" in col.evidence


def test_a_rows_own_identifiers_are_masked_in_its_free_text():
    # Invented names no lexicon holds, signed in some of the rows' own notes: only the row's
    # own name column says they are names.
    rng = np.random.default_rng(11)
    syllables = ["zor", "quin", "vax", "trel", "bim", "oth", "yul", "drax", "kef", "mun"]
    names = [" ".join("".join(rng.choice(syllables, 2)).capitalize() for _ in range(2))
             for _ in range(300)]
    signed = rng.random(300) < 0.2
    notes = [f"Order arrived on time. Signed, {n}." if s else "Order arrived on time."
             for n, s in zip(names, signed, strict=True)]
    df = pd.DataFrame({"customer_name": names, "note": notes})
    scan = nbaudit.scan_pii(df)
    assert scan.column("customer_name").role == "identifier"
    rows = np.flatnonzero(signed)
    assert len(rows) >= 30
    for row in rows[:: max(1, len(rows) // 10)]:
        page = scan.page(int(row) // 20, page_size=20, columns=["note"])
        shown = next(r for r in page["rows"] if r["row"] == row)
        assert names[row] not in json.dumps(shown)
        raw = scan.page(int(row) // 20, page_size=20, columns=["note"], reveal=True)
        assert names[row] in json.dumps(next(r for r in raw["rows"] if r["row"] == row))


def test_no_page_of_the_demo_data_shows_a_flagged_value():
    df = nbaudit.datasets.ecommerce(2_000, seed=7)
    scan = nbaudit.scan_pii(df)
    pages = json.dumps([scan.page(p, page_size=100) for p in range(20)])
    for column in ("customer_name", "email", "phone", "street_address", "payment_card"):
        leaked = [v for v in df[column] if v in pages]
        assert leaked == [], (column, leaked[:3])


# --- values that mean "nothing" are not special-category data (issue 12, point 9) -------------
SPECIAL_COLUMNS = [
    # header, entity, values that are special-category data
    ("health_condition", "HEALTH", ["asthma", "diabetes", "migraine", "hypertension"]),
    ("religion", "RELIGION", ["christian", "muslim", "jewish", "hindu"]),
    ("ethnicity", "ETHNICITY", ["white", "black", "asian", "hispanic"]),
    ("political_party", "POLITICAL_OPINION", ["democrat", "republican", "green", "labour"]),
    ("sexual_orientation", "SEXUAL_ORIENTATION", ["heterosexual", "gay", "lesbian", "bisexual"]),
]
ABSENT = ["none", "None", "NONE", "no", "No", "n/a", "N/A", "na", "unknown", "Unknown", "-",
          "--", "—", "?", "nil", "null", "keine", "Keine Angabe", "aucun", "Aucune", "ninguno",
          "not applicable", "prefer not to say", "no condition"]


@pytest.mark.parametrize("absent", ABSENT)
@pytest.mark.parametrize(("header", "entity", "values"), SPECIAL_COLUMNS)
def test_absence_values_are_not_flagged_as_special_category(header, entity, values, absent):
    # Half the rows say "none": the column is still labelled, from the other half, and
    # only the cells with real special-category values are flagged and highlighted.
    cells = (values + [absent] * len(values)) * 25
    scan = nbaudit.scan_pii(pd.DataFrame({header: cells}))
    col = scan.column(header)
    assert (col.entity, col.role) == (entity, "sensitive"), col.evidence
    assert col.n_flagged == len(cells) // 2
    flags = scan.flags(header)
    is_absent = np.array([c == absent for c in cells])
    assert not flags[is_absent].any() and flags[~is_absent].all()
    assert "none or unknown neither counted nor flagged" in col.evidence
    page = scan.page(0, page_size=8)
    segments = [r["cells"][0] for r in page["rows"]]
    for cell, segs in zip(cells[:8], segments, strict=True):
        if cell == absent:  # in clear and not highlighted: it says nothing about the person
            assert segs == [[cell, ""]]
        else:
            assert segs[0][1] == entity and "*" in segs[0][0]


def test_mostly_none_health_column_is_still_health():
    cells = ["none"] * 900 + ["asthma"] * 60 + ["diabetes"] * 40
    scan = nbaudit.scan_pii(pd.DataFrame({"health_condition": cells}))
    col = scan.column("health_condition")
    assert col.entity == "HEALTH" and col.n_flagged == 100
    assert "100.0% of 100" in col.evidence


@pytest.mark.parametrize("cells", [["none", "unknown", "n/a", "-"] * 50,
                                   ["none"] * 200 + ["asthma", "diabetes"]])
def test_a_column_of_placeholders_is_not_a_special_category(cells):
    # Fewer than three values say anything: nothing to label the column from.
    col = nbaudit.scan_pii(pd.DataFrame({"religion": cells})).column("religion")
    assert col.entity != "RELIGION" or col.possible


def test_absent_detector_table():
    import pyarrow as pa

    from nbaudit.pii import detect

    table = {"none": True, "N/A": True, "n.a.": True, "-": True, "": True,
             "keine": True, "Aucun": True, "desconocido": True, "asthma": False,
             "no religion": False, "healthy": False, "Nina": False, "Noel": False}
    got = detect.absent(pa.array(list(table)))
    assert dict(zip(table, got.tolist(), strict=True)) == table


# --- evidence: reasons and statistics apart (issue 12, point 15) ------------------------------
def test_evidence_holds_reasons_statistics_apart(shop_df):
    scan = nbaudit.scan_pii(shop_df)
    for c in scan.columns:
        assert c.evidence, c.name
        for noise in ("distinct of", " chars,", " words,", "% digits"):
            assert noise not in c.evidence, (c.name, c.evidence)
        if c.dtype != "datetime64[us]":
            assert "distinct of" in c.statistics and "mean" in c.statistics, c.name
        d = c.to_dict()
        assert d["evidence"] == c.evidence and d["statistics"] == c.statistics
    email = scan.column("email")
    assert "header 'email'" in email.evidence and "values match" in email.evidence
    assert "statistics" in scan.inventory.columns
    assert scan.column("order_id").evidence == "no personal data found"


# --- pages: find a row (issue 12, point 9) --------------------------------------------------
def test_page_finds_the_page_holding_a_row(shop_df):
    scan = nbaudit.scan_pii(shop_df)
    for size, row in [(20, 0), (20, 19), (20, 20), (50, 799), (7, 123), (200, 555)]:
        page = scan.page(3, page_size=size, row=row)
        assert page["page"] == row // size and page["found_row"] == row
        assert row in [r["row"] for r in page["rows"]]
    assert scan.page(2, page_size=20)["found_row"] is None
    # Only rows with PII: a row without any goes to the page of the next row that has some.
    flagged = np.flatnonzero(scan.flags("review"))
    gap = next(r for r in range(len(shop_df)) if r not in set(flagged.tolist()))
    page = scan.page(0, page_size=10, row=gap, columns=["review"], flagged_rows_only=True)
    assert page["found_row"] is None
    nxt = int(flagged[np.searchsorted(flagged, gap)])
    assert nxt in [r["row"] for r in page["rows"]]
    hit = int(flagged[25])
    page = scan.page(0, page_size=10, row=hit, columns=["review"], flagged_rows_only=True)
    assert page["found_row"] == hit and page["page"] == 2


@pytest.mark.parametrize(("row", "message"), [
    (800, "There is no row 800: rows are numbered 0 to 799"),
    (10**30, "There is no row"),
    (-1, "row must be at least 0, not -1"),
    (2.5, "row must be a whole number"),
    ("12", "row must be a whole number such as 0 (a row position"),
    (True, "row must be a whole number such as 0 (a row position"),
])
def test_page_refuses_a_row_that_does_not_exist(shop_df, row, message):
    scan = nbaudit.scan_pii(shop_df)
    # A wrong type is a TypeError, a wrong number a ValueError (as everywhere in nbaudit).
    kind = TypeError if isinstance(row, str | bool) else ValueError
    with pytest.raises(kind, match=re.escape(message)):
        scan.page(0, page_size=20, row=row)
