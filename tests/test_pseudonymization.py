"""Keyed tokens, masking, the vault, and that nothing leaks or changes in the input."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

import nbaudit
from nbaudit import keys
from nbaudit.keys import Secret, TokenCollisionError, token, tokens
from nbaudit.pii.masking import mask_value

KEY = "a-test-key-that-is-long-enough"


@pytest.fixture(scope="module")
def shop():
    return nbaudit.datasets.ecommerce(400, seed=21)


def test_tokens_are_deterministic_keyed_and_format_preserving():
    k1, k2 = Secret(KEY.encode(), "test"), Secret(b"another-key-of-some-length", "test")
    assert token("Jane@Example.com", k1) == token(" jane@example.com", k1)
    assert token("jane@example.com", k1) != token("jane@example.com", k2)
    email = token("jane@example.com", k1, fmt="EMAIL_ADDRESS")
    assert email.startswith("tok_") and email.endswith("@example.invalid")


def test_truncated_tokens_collide_as_a_uniform_hash_would():
    """The real token function (normalization, HMAC, truncation) on short tokens, where
    collisions are frequent enough to count: the number of distinct tokens is what a uniform
    hash gives (the birthday bound), so the default 64 bits give about n**2 / 2**65."""
    key = Secret(KEY.encode(), "test")
    n, length = 4_000, 4  # 16 bits: about 120 colliding pairs expected
    made = tokens([f"user{i}@example.com" for i in range(n)], key, length=length)
    space = 16 ** length
    expected = space * (1 - (1 - 1 / space) ** n)
    spread = 5 * (n * n / (2 * space)) ** 0.5  # five standard deviations of the collisions
    assert abs(len(set(made)) - expected) < spread
    # Normalization merges only the same value: emails whatever their case, trimmed values.
    same = ["Jane@Example.com", "jane@example.com ", " JANE@EXAMPLE.COM"]
    assert len(set(tokens(same, key))) == 1
    assert len(set(tokens(["Jane Doe", "jane doe", "Jane  Doe"], key))) == 3


def test_a_token_collision_is_refused_not_joined(monkeypatch):
    # Two different customers must never become one: with 1-hex-digit tokens (16 values) a
    # column of 40 distinct emails collides, and pseudonymize says so instead of joining them.
    df = pd.DataFrame({"email": [f"user{i}@example.com" for i in range(40)]})
    scan = nbaudit.scan_pii(df)
    monkeypatch.setattr(keys, "TOKEN_LENGTH", 1)
    with pytest.raises(TokenCollisionError, match="same token") as info:
        scan.pseudonymize(key=KEY)
    assert "user" not in str(info.value) and "tok_" not in str(info.value)
    # The same value in two columns is no collision: it joins on purpose.
    twice = pd.DataFrame({"email": ["a@example.com", "b@example.com"] * 5,
                          "contact_email": ["b@example.com", "a@example.com"] * 5})
    monkeypatch.setattr(keys, "TOKEN_LENGTH", 16)
    out = nbaudit.scan_pii(twice).pseudonymize(key=KEY).frame
    assert set(out.email) == set(out.contact_email) and out.email.nunique() == 2


def test_suggested_handling_joins_masks_and_input_untouched(shop):
    scan = nbaudit.scan_pii(shop)
    before = shop.copy(deep=True)
    result = scan.pseudonymize(key=KEY)
    pd.testing.assert_frame_equal(shop, before)
    out = result.frame
    assert "street_address" not in out.columns  # dropped
    assert out.email.str.endswith("@example.invalid").all()
    assert (out.payment_card.str[-4:] == shop.payment_card.str[-4:]).all()
    assert out.payment_card.str.startswith("****").all()
    for value in shop.email:
        assert value not in out.to_csv()
    # Same key, another frame: the same customer gets the same token (joins work).
    other = nbaudit.pseudonymize(shop.head(10), scan, key=KEY).frame
    assert (other.email.to_numpy() == out.email.head(10).to_numpy()).all()
    # Free text: only the spans are redacted.
    hits = shop.review.str.contains("@")
    assert out.review[hits].str.contains(r"\*\*\*@").all()  # j***@example.com
    plain = ~hits & ~shop.review.str.contains("Call|Signed")
    assert out.review[plain].tolist() == shop.review[plain].tolist()


def test_vault_reverses_with_the_key_only(shop, tmp_path):
    scan = nbaudit.scan_pii(shop[["email", "customer_name"]])
    vault = tmp_path / "vault.jsonl"
    result = scan.pseudonymize(key=KEY, vault=vault)
    mapping = nbaudit.reverse_tokens(vault, key=KEY)
    assert mapping[result.frame.email.iloc[0]] == shop.email.iloc[0]
    assert shop.email.iloc[0] not in vault.read_text()  # encrypted at rest
    with pytest.raises(ValueError, match="written with another key"):
        nbaudit.reverse_tokens(vault, key="the-wrong-key-entirely")
    with pytest.raises(ValueError, match="notebook"):
        scan.pseudonymize(key=KEY, vault=tmp_path / "x.ipynb")


def test_key_is_never_shown_or_saved(shop):
    nbaudit.set_secret(KEY)
    from nbaudit.keys import current_secret

    secret = current_secret()
    assert KEY not in repr(secret) and KEY not in str(secret)
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    result = nbaudit.scan_pii(shop[["email"]]).pseudonymize()
    assert KEY not in repr(result.to_dict())
    with pytest.raises(ValueError, match="at least 16 bytes"):
        nbaudit.set_secret("short")


def test_bad_handling_messages(shop):
    scan = nbaudit.scan_pii(shop[["email", "age"]])
    with pytest.raises(ValueError, match="Plain hashes"):
        scan.pseudonymize(handling={"email": "sha256"}, key=KEY)
    with pytest.raises(ValueError, match="No column"):
        scan.pseudonymize(handling={"nope": "drop"}, key=KEY)
    out = scan.pseudonymize(handling={"age": "generalize", "email": "mask"}, key=KEY).frame
    assert out.age.str.startswith("[").all()
    assert out.email.str.contains(r"\*\*\*@").all()
    nulls = pd.DataFrame({"email": ["a@example.com", None, np.nan]})
    assert nbaudit.scan_pii(nulls).pseudonymize(key=KEY).frame.email.isna().sum() == 2


def test_free_text_loses_the_rows_own_identifiers():
    df = nbaudit.datasets.ecommerce(2_000, seed=7)
    out = nbaudit.scan_pii(df).pseudonymize(key=KEY).frame
    for column in ("customer_name", "email", "phone"):
        leaked = [v for v in df[column] if out.review.str.contains(v, regex=False).any()]
        assert leaked == [], (column, leaked[:3])


def test_a_span_found_in_one_cell_is_masked_wherever_it_recurs():
    """The context that finds a name or a place in one note ("spoke with ...", "stuck in ...")
    may be missing from the next note that mentions it: it is masked there too."""
    notes = ["I spoke with Zorbat Quintrell today.", "Zorbat Quintrell called again, angry.",
             "Stuck in Newark again, no hotel.", "Direct flight Newark-Brussels was cancelled."]
    df = pd.DataFrame({"note": notes * 10, "rating": list(range(40))})
    scan = nbaudit.scan_pii(df)
    assert scan.column("note").entity == "FREE_TEXT"
    out = scan.pseudonymize(key=KEY).frame
    assert not out.note.str.contains("Quintrell|Newark").any()
    assert out.note.str.contains("called again").sum() == 10  # the rest of the text stays


def test_handles_are_masked_when_mentioned_in_text():
    """A handle of the `name` column mentioned as ``@handle...`` (dots glued on) or in a
    hyphenated phrase is found in every row's text."""
    from nbaudit.pii.text import known_values_in_text

    known = {"quintrell_z": "SOCIAL_HANDLE", "newark": "LOCATION", "jean-pierre": "PERSON"}
    for text, found in [("@quintrell_z...thanks for nothing", "@quintrell_z"),
                        ("flight Newark-Brussels", "Newark"),
                        ("ask Jean-Pierre tomorrow", "Jean-Pierre"),
                        ("@quintrell_z's reply was late", "@quintrell_z"),
                        ("Jean-Pierre’s desk", "Jean-Pierre")]:
        spans = known_values_in_text(text, known)
        assert [text[s:e] for s, e, *_ in spans] == [found]


def test_tokenized_free_text_replaces_each_span_by_its_token(shop):
    """"tokenize" on free text: each span becomes the token its value gets anywhere (the
    email column's token inside the review), the rest of the text stays, and the vault
    reverses the spans too."""
    scan = nbaudit.scan_pii(shop)
    assert scan.column("review").entity == "FREE_TEXT"
    result = scan.pseudonymize(handling={"review": "tokenize"}, key=KEY)
    out = result.frame
    secret = Secret(KEY.encode(), "test")
    with_email = [i for i, text in enumerate(shop.review) if shop.email.iloc[i] in text]
    assert len(with_email) >= 10
    for i in with_email:
        email = shop.email.iloc[i]
        expected = token(email, secret, fmt="EMAIL_ADDRESS")
        assert out.review.iloc[i] == shop.review.iloc[i].replace(email, expected)
        assert out.email.iloc[i] == expected  # the same token as the email column's
    assert not any(email in text for email in shop.email for text in out.review)
    assert result.tokens >= shop.email.nunique()


def test_one_masking_policy_for_screens_and_saved_frames(shop):
    """Masks in a pseudonymized frame are the masks the scan's pages show (one policy: cards
    keep their last 4 digits, phones their last 2)."""
    scan = nbaudit.scan_pii(shop[["phone", "payment_card", "email"]])
    out = scan.pseudonymize(handling={"phone": "mask", "payment_card": "mask", "email": "mask"},
                            key=KEY).frame
    page = scan.page(0, page_size=10)
    for row in page["rows"]:
        i = row["row"]
        shown = [segments[0][0] for segments in row["cells"]]
        assert shown == [out.phone.iloc[i], out.payment_card.iloc[i], out.email.iloc[i]]
        assert out.phone.iloc[i] == mask_value(shop.phone.iloc[i], "PHONE_NUMBER")
    digits = [ch for ch in out.phone.iloc[0] if ch.isdigit()]
    assert digits == [ch for ch in shop.phone.iloc[0] if ch.isdigit()][-2:]
