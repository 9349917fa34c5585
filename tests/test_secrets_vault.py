"""Keys that cannot be guessed, separate derived keys, a vault bound to one key (issue 10, 8-9)."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import os
import pickle

import pandas as pd
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

import nbaudit
from nbaudit import keys
from nbaudit.keys import Secret, token
from nbaudit.reports import content_hash, provenance

KEY = "a-test-key-that-is-long-enough"
OTHER = "another-test-key-quite-different"
WEAK = ["", "a", "abcdefghijklmno", "k" * 20]  # empty, one byte, 15 bytes, one byte repeated


@pytest.fixture(autouse=True)
def isolated_session(monkeypatch):
    """Each test starts with no session key and no $NBAUDIT_SECRET, and leaves none behind."""
    saved = dict(keys._session)
    keys._session.clear()
    monkeypatch.delenv("NBAUDIT_SECRET", raising=False)
    yield
    keys._session.clear()
    keys._session.update(saved)


@pytest.fixture(scope="module")
def people():
    return nbaudit.datasets.ecommerce(60, seed=5)[["email", "customer_name"]]


def _hkdf(key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(key)


# --- item 9: key strength ---------------------------------------------------------------------
@pytest.mark.parametrize("weak", WEAK)
def test_weak_keys_are_refused_everywhere_a_key_enters(weak, people, tmp_path):
    scan = nbaudit.scan_pii(people)
    how = r"secrets\.token_urlsafe\(32\)"
    with pytest.raises(ValueError, match=how) as info:
        nbaudit.set_secret(weak)
    assert "16 bytes" in str(info.value)
    assert "key" not in keys._session
    with pytest.raises(ValueError, match=how):
        scan.pseudonymize(key=weak)
    with pytest.raises(ValueError, match=how):
        Secret(weak.encode(), "test")
    # Refused before the vault is even opened (the file does not exist).
    with pytest.raises(ValueError, match=how):
        nbaudit.reverse_tokens(tmp_path / "missing.jsonl", key=weak)
    nbaudit.set_secret("abcdefghijklmnop")  # 16 bytes: the minimum is accepted


@pytest.mark.parametrize("weak", WEAK)
def test_weak_environment_key_is_refused(weak, people, monkeypatch):
    monkeypatch.setenv("NBAUDIT_SECRET", weak)
    with pytest.raises(ValueError, match=r"\$NBAUDIT_SECRET") as info:
        keys.current_secret()
    assert "token_urlsafe(32)" in str(info.value)
    if len(weak) > 2:
        assert weak not in str(info.value)
    with pytest.raises(ValueError, match=r"\$NBAUDIT_SECRET"):
        nbaudit.scan_pii(people).pseudonymize()
    monkeypatch.setenv("NBAUDIT_SECRET", KEY)
    assert keys.current_secret().source == "$NBAUDIT_SECRET"


# --- item 9: separate derived keys ------------------------------------------------------------
def test_token_and_vault_keys_are_separate_hkdf_derivations():
    secret = Secret(KEY.encode(), "test")
    vault_key = base64.urlsafe_b64decode(secret._fernet_key())
    # The published weakness: the token of the label was the vault key material.
    leaked = token("nbaudit-vault", secret, length=64)[len("tok_"):]
    assert leaked[:16] not in vault_key.hex() and leaked != vault_key.hex()
    # Both keys are HKDF-SHA256 of the key with distinct labels, and they differ.
    token_key = _hkdf(KEY.encode(), b"nbaudit-token")
    assert vault_key == _hkdf(KEY.encode(), b"nbaudit-vault")
    assert token_key != vault_key
    expected = hmac.new(token_key, b"jane@example.com", hashlib.sha256).hexdigest()
    assert token("jane@example.com", secret, length=64) == f"tok_{expected}"
    # Deterministic for a key: another Secret of the same key gives the same tokens.
    again = Secret(KEY.encode(), "again")
    assert token("jane@example.com", again) == token("jane@example.com", secret)
    assert token("jane@example.com", Secret(OTHER.encode(), "o")) != token("jane@example.com",
                                                                           secret)


# --- item 9: the key never leaves the object --------------------------------------------------
def test_secret_never_returns_or_shows_the_key():
    raw = KEY.encode()
    secret = Secret(raw, "test")
    for attempt in (secret.__getstate__, lambda: pickle.dumps(secret),
                    lambda: secret.__reduce_ex__(2), lambda: secret.__reduce__()):
        with pytest.raises(TypeError, match="cannot be pickled"):
            attempt()
    with pytest.raises(TypeError):
        vars(secret)
    for copied in (copy.copy(secret), copy.deepcopy(secret)):
        assert copied is secret  # nothing to copy out: the same opaque object
    for text in (repr(secret), str(secret), format(secret), repr([secret])):
        assert KEY not in text and "hidden" in text
    # The raw key is not kept at all: only derived keys, none equal to the key.
    for name in dir(secret):
        value = getattr(secret, name, None)
        if isinstance(value, bytes | bytearray | str):
            assert raw not in (value if isinstance(value, bytes | bytearray) else value.encode())
    with pytest.raises(AttributeError):
        secret.source = "changed"  # read-only


# --- item 9: the vault ------------------------------------------------------------------------
def test_vault_is_created_0600_without_a_chmod_by_path(people, tmp_path, monkeypatch):
    def no_chmod(*args, **kwargs):
        raise AssertionError("os.chmod by path follows symlinks and leaves a window")

    monkeypatch.setattr(os, "chmod", no_chmod)
    old = os.umask(0)  # even with a permissive umask
    try:
        vault = tmp_path / "vault.jsonl"
        nbaudit.scan_pii(people).pseudonymize(key=KEY, vault=vault)
    finally:
        os.umask(old)
    assert vault.stat().st_mode & 0o777 == 0o600


def test_vault_refuses_a_symlink_and_leaves_its_target_untouched(people, tmp_path):
    scan = nbaudit.scan_pii(people)
    target = tmp_path / "precious.txt"
    target.write_text("precious\n")
    target.chmod(0o644)
    link = tmp_path / "vault.jsonl"
    link.symlink_to(target)
    with pytest.raises(ValueError, match="symbolic link") as info:
        scan.pseudonymize(key=KEY, vault=link)
    assert "tok_" not in str(info.value)
    assert target.read_text() == "precious\n" and target.stat().st_mode & 0o777 == 0o644
    dangling = tmp_path / "dangling.jsonl"
    dangling.symlink_to(tmp_path / "not-yet.jsonl")
    with pytest.raises(ValueError, match="symbolic link"):
        scan.pseudonymize(key=KEY, vault=dangling)
    assert not (tmp_path / "not-yet.jsonl").exists()
    with pytest.raises(ValueError, match="symbolic link"):
        nbaudit.reverse_tokens(link, key=KEY)


def test_one_vault_one_key(people, tmp_path):
    scan = nbaudit.scan_pii(people)
    vault = tmp_path / "vault.jsonl"
    first = scan.pseudonymize(key=KEY, vault=vault)
    before = vault.read_bytes()
    with pytest.raises(ValueError, match="another key") as info:
        scan.pseudonymize(key=OTHER, vault=vault)
    assert vault.read_bytes() == before  # nothing appended
    with pytest.raises(ValueError, match="this vault was written with another key") as wrong:
        nbaudit.reverse_tokens(vault, key=OTHER)
    for message in (str(info.value), str(wrong.value)):
        assert "tok_" not in message and OTHER not in message and KEY not in message
        assert not any(v in message for v in people.email)
    assert nbaudit.reverse_tokens(vault, key=KEY)[first.frame.email.iloc[0]] == people.email.iloc[0]
    # A file that is not a vault is never appended to nor chmodded.
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    notes.chmod(0o644)
    with pytest.raises(ValueError, match="not an nbaudit vault"):
        scan.pseudonymize(key=KEY, vault=notes)
    assert notes.read_text() == "my notes\n" and notes.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("name", ["x.IPYNB", "x.Ipynb", "x.ipynb", "nb.IPYNB/vault.jsonl"])
def test_vault_inside_or_as_a_notebook_is_refused(name, people, tmp_path):
    with pytest.raises(ValueError, match="notebook"):
        nbaudit.scan_pii(people).pseudonymize(key=KEY, vault=tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_vault_format_and_round_trip(people, tmp_path):
    scan = nbaudit.scan_pii(people)
    vault = tmp_path / "vault.jsonl"
    first = scan.pseudonymize(key=KEY, vault=vault)
    more = pd.DataFrame({"email": ["zoe.new@example.com"], "customer_name": ["Zoe Newman"]})
    second = nbaudit.pseudonymize(more, scan, key=KEY, vault=vault)  # same key: appended
    lines = vault.read_text().splitlines()
    header = json.loads(lines[0])
    check = hmac.new(_hkdf(KEY.encode(), b"nbaudit-vault"), b"nbaudit-vault-key-check",
                     hashlib.sha256).hexdigest()
    assert header == {"nbaudit_vault": 1, "kdf": "HKDF-SHA256", "cipher": "Fernet",
                      "check": check}
    assert sum('"nbaudit_vault"' in line for line in lines) == 1  # one header only
    text = vault.read_text()
    assert not any(v in text for v in [*people.email, *people.customer_name, "zoe.new"])
    mapping = nbaudit.reverse_tokens(vault, key=KEY)
    for out, source in ((first.frame, people), (second.frame, more)):
        for column in ("email", "customer_name"):
            assert [mapping[t] for t in out[column]] == source[column].tolist()
    assert len(mapping) == first.tokens + second.tokens


# --- item 8: keyed content hash ---------------------------------------------------------------
def test_content_hash_is_keyed_and_stable_within_a_key():
    one_row = pd.DataFrame({"email": ["jane@example.com"], "age": [41]})
    k1, k2 = Secret(KEY.encode(), "k1"), Secret(OTHER.encode(), "k2")
    assert content_hash(one_row, key=k1) != content_hash(one_row, key=k2)
    assert content_hash(one_row, key=k1) == content_hash(one_row.copy(deep=True), key=k1)
    assert content_hash(one_row, key=k1) == content_hash(one_row, key=Secret(KEY.encode(), "k"))
    assert content_hash(one_row, key=k1) != content_hash(one_row.assign(age=42), key=k1)
    # Not the old unsalted hash, which a guess of the email and age reproduces.
    plain = hashlib.sha256()
    plain.update(json.dumps([str(c) for c in one_row.columns]).encode())
    plain.update(pd.util.hash_pandas_object(one_row, index=True).to_numpy().tobytes())
    assert content_hash(one_row, key=k1) != plain.hexdigest()[:16]
    # Default: the session key, so equal within a session, changed by another key.
    nbaudit.set_secret(KEY)
    assert content_hash(one_row) == content_hash(one_row.copy()) == content_hash(one_row, key=k1)
    prov = provenance(one_row, {})
    assert prov["content_hash"] == content_hash(one_row)
    assert "keyed content hash: equal only under the same key" in prov["content_hash_kind"]
    assert prov["content_hash_key"] == "nbaudit.set_secret"
    nbaudit.set_secret(OTHER)
    assert provenance(one_row, {})["content_hash"] != prov["content_hash"]


def test_an_existing_vault_with_wider_permissions_is_narrowed_to_0600(people, tmp_path):
    vault = tmp_path / "vault.jsonl"
    nbaudit.scan_pii(people).pseudonymize(key=KEY, vault=vault)
    vault.chmod(0o644)  # copied around, or restored from a backup
    nbaudit.scan_pii(people).pseudonymize(key=KEY, vault=vault)
    assert vault.stat().st_mode & 0o777 == 0o600
    made = tmp_path / "new" / "folder" / "vault.jsonl"
    nbaudit.scan_pii(people).pseudonymize(key=KEY, vault=made)
    assert made.stat().st_mode & 0o777 == 0o600
    assert made.parent.stat().st_mode & 0o077 == 0  # folders it creates: the owner's only
