"""Pseudonymization with keyed tokens: the handling each column of a scan suggests.

Tokens are HMAC-SHA256 of the value under a secret key: the same value and key give the same
token in every column and every frame (joins still work), a different key gives unrelated
tokens, and without the key nobody can test guesses (a plain SHA-256 of an email is reversed by
hashing a list of emails, so plain hashes are never offered). Reversal is possible only through
an optional vault file, encrypted with the same key, kept outside the notebook.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import pathlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .pii.masking import mask_value
from .pii.scan import cell_text
from .pii.text import find_in_text, known_spans, merge_spans

if TYPE_CHECKING:
    from .pii.scan import PiiScan

ENV_VAR = "NBAUDIT_SECRET"
HANDLINGS = ("drop", "tokenize", "mask", "generalize", "keep")
Handling = Literal["drop", "tokenize", "mask", "generalize", "keep"]


class Secret:
    """A key that never shows itself: its repr, str and pickles reveal nothing."""

    __slots__ = ("_value", "source")

    def __init__(self, value: bytes, source: str) -> None:
        self._value = value
        self.source = source  # where it came from, for reports: never the key itself

    def __repr__(self) -> str:
        return f"Secret(<hidden>, from {self.source})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("nbaudit secrets cannot be pickled or saved.")

    def digest(self, text: str) -> bytes:
        return hmac.new(self._value, text.encode("utf-8"), hashlib.sha256).digest()

    def _fernet_key(self) -> bytes:
        return base64.urlsafe_b64encode(hmac.new(self._value, b"nbaudit-vault",
                                                 hashlib.sha256).digest())


_session: dict[str, Secret] = {}


def set_secret(value: str | bytes) -> None:
    """Set the pseudonymization key for this session (never printed or saved).

    Prefer the ``NBAUDIT_SECRET`` environment variable: a key typed into a notebook cell is
    saved with the notebook.
    """
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    if len(raw) < 16:
        raise ValueError("Use a key of at least 16 characters (e.g. secrets.token_hex(32)).")
    _session["key"] = Secret(raw, "nbaudit.set_secret")


def current_secret() -> Secret:
    """The key in force: set_secret, else $NBAUDIT_SECRET, else a random one for this session."""
    if "key" in _session:
        return _session["key"]
    env = os.environ.get(ENV_VAR)
    if env:
        return Secret(env.encode("utf-8"), f"${ENV_VAR}")
    _session["key"] = Secret(secrets.token_bytes(32),
                             "a random key made for this session (tokens change next session)")
    return _session["key"]


def token(value: str, key: Secret, *, fmt: str | None = None, length: int = 16) -> str:
    """The keyed token of one value (normalized: trimmed, and emails lower-cased)."""
    text = value.strip()
    if fmt == "EMAIL_ADDRESS" or "@" in text and re.fullmatch(r"[^@\s]+@[^@\s]+", text):
        text = text.lower()
    digest = key.digest(text).hex()[:length]
    if fmt == "EMAIL_ADDRESS":
        return f"tok_{digest}@example.invalid"
    return f"tok_{digest}"


def _mask_keep_last(value: str, entity: str) -> str:
    if entity in ("PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN"):
        digits = [i for i, ch in enumerate(value) if ch.isalnum()]
        keep = set(digits[-4:])
        return "".join(ch if (i in keep or not ch.isalnum()) else "*" for i, ch in enumerate(value))
    return mask_value(value, entity)


@dataclass
class PseudonymizationResult:
    """What `pseudonymize` did, column by column (no values, no key)."""

    frame: pd.DataFrame
    handling: dict[str, str]
    key_source: str
    vault: str | None
    tokens: int = 0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"handling": self.handling, "key_source": self.key_source, "vault": self.vault,
                "tokens": self.tokens, "notes": self.notes,
                "columns_out": [str(c) for c in self.frame.columns]}


def pseudonymize(
    df: pd.DataFrame,
    scan: PiiScan,
    handling: Mapping[str, Handling] | None = None,
    *,
    key: str | bytes | None = None,
    vault: str | os.PathLike[str] | None = None,
    email_format: bool = True,
    generalize_level: int = 1,
) -> PseudonymizationResult:
    """A new frame where each column gets its suggested (or chosen) handling.

    Parameters
    ----------
    df
        The frame (never modified). Usually the one the scan was made on.
    scan
        Its `PiiScan`: which columns hold what, and the suggested handling.
    handling
        ``{column: "drop" | "tokenize" | "mask" | "generalize" | "keep"}`` overriding the
        suggestions. Free text is redacted span by span ("mask" masks the spans,
        "tokenize" replaces them with tokens).
    key
        The secret key. Default: `nbaudit.set_secret(...)`, else ``$NBAUDIT_SECRET``, else a
        random key for this session (the result says which).
    vault
        Optional path of a file, outside the notebook, that maps tokens back to values,
        encrypted with the key: whoever holds both can reverse tokens
        (`nbaudit.reverse_tokens`); the notebook alone never can.
    email_format
        Tokens of emails look like emails (``tok_3f9a...@example.invalid``).
    generalize_level
        Level of the automatic hierarchy used for "generalize" (1 = the first step).
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"pseudonymize needs a pandas DataFrame, not {type(df).__name__}.")
    secret = Secret(key.encode() if isinstance(key, str) else key, "the key argument") \
        if key is not None else current_secret()
    chosen = {c.name: (c.handling if c.entity != "NONE" else "keep") for c in scan.columns}
    for name, value in (handling or {}).items():
        if name not in chosen:
            raise ValueError(f"No column {name!r} in the scan. Columns: {', '.join(chosen)}.")
        if value not in HANDLINGS:
            raise ValueError(f"Handling {value!r} for {name!r} is not one of {HANDLINGS}. "
                             "Plain hashes are not offered: a hashed email is reversed by a "
                             "dictionary; 'tokenize' uses a secret key instead.")
        chosen[name] = value
    out = df.copy()
    own = [c for c in scan.columns if c.role == "identifier" and c.name in df.columns
           and c.entity not in ("FREE_TEXT", "ID_NUMBER")]
    mapping: dict[str, str] = {}
    notes: list[str] = []
    drop = []
    for report in scan.columns:
        name, action = report.name, chosen[report.name]
        if action == "keep" or name not in out.columns:
            continue
        if action == "drop":
            drop.append(name)
            continue
        series = out[name]
        if action == "generalize":
            from .risk.hierarchy import Hierarchy, value_key

            h = Hierarchy.build(series)
            level = min(generalize_level, h.max_level)
            table = dict(zip(h.table[0], h.table[level], strict=True))
            out[name] = series.map(lambda v, t=table: t.get(value_key(v), "*")).astype(object)
            notes.append(f"{name}: generalized to level {level} of an automatic {h.kind} "
                         "hierarchy")
            continue
        entity = report.entity
        fmt = "EMAIL_ADDRESS" if (email_format and entity == "EMAIL_ADDRESS") else None

        def one(value: Any, entity: str = entity, fmt: str | None = fmt,
                action: str = action) -> Any:
            if value is None or (isinstance(value, float) and np.isnan(value)):
                return value
            text = value if isinstance(value, str) else str(value)
            if entity == "FREE_TEXT":
                return _redact(text, action, secret, mapping, email_format)
            if action == "tokenize":
                tok = token(text, secret, fmt=fmt)
                mapping[tok] = text
                return tok
            return _mask_keep_last(text, entity)

        if entity == "FREE_TEXT" and own:
            # Row by row: each row's own identifiers are redacted in its text too.
            rows = df[[c.name for c in own]].itertuples(index=False, name=None)
            out[name] = pd.Series(
                [value if value is None or (isinstance(value, float) and np.isnan(value))
                 else _redact(cell_text(value), action, secret, mapping, email_format,
                              [(cell_text(v).strip(), c.entity)
                               for v, c in zip(ids, own, strict=True)])
                 for value, ids in zip(series.tolist(), rows, strict=True)],
                index=out.index, dtype=object)
            continue
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
        converted = np.array([one(u) for u in uniques], dtype=object)
        values = np.where(codes >= 0, converted[np.maximum(codes, 0)] if len(converted) else None,
                          None)
        out[name] = pd.Series(values, index=out.index, dtype=object)
    out = out.drop(columns=drop)
    vault_path = None
    if vault is not None:
        vault_path = write_vault(vault, mapping, secret)
    if secret.source.startswith("a random key"):
        notes.append("The key is random for this session: tokens will differ in the next one. "
                     f"Set ${ENV_VAR} to keep them stable.")
    return PseudonymizationResult(out, chosen, secret.source, vault_path, len(mapping), notes)


def _redact(text: str, action: str, secret: Secret, mapping: dict[str, str],
             email_format: bool, known: list[tuple[str, str]] | None = None) -> str:
    pieces, pos = [], 0
    hits = find_in_text(text)
    if known:
        hits = merge_spans(hits, known_spans(text, known))
    for start, end, ent, _ in hits:
        pieces.append(text[pos:start])
        span = text[start:end]
        if action == "tokenize" and ent != "SECRET":
            tok = token(span, secret, fmt=ent if (email_format and ent == "EMAIL_ADDRESS")
                        else None)
            mapping[tok] = span
            pieces.append(tok)
        else:
            pieces.append(f"[{ent}]" if ent == "SECRET" else _mask_keep_last(span, ent))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def write_vault(path: str | os.PathLike[str], mapping: Mapping[str, str], secret: Secret) -> str:
    """Append token -> value pairs, each value encrypted with the key, to a JSON-lines file."""
    from cryptography.fernet import Fernet

    target = pathlib.Path(path).expanduser().resolve()
    if target.suffix == ".ipynb":
        raise ValueError("The vault must be a separate file, never a notebook.")
    target.parent.mkdir(parents=True, exist_ok=True)
    fernet = Fernet(secret._fernet_key())
    with target.open("a", encoding="utf-8") as fh:
        for tok, value in mapping.items():
            fh.write(json.dumps({"token": tok,
                                 "value": fernet.encrypt(value.encode()).decode()}) + "\n")
    os.chmod(target, 0o600)
    return str(target)


def reverse_tokens(vault: str | os.PathLike[str], key: str | bytes | None = None,
                   ) -> dict[str, str]:
    """Read a vault with the key: token -> original value (for an authorized system)."""
    from cryptography.fernet import Fernet, InvalidToken

    secret = Secret(key.encode() if isinstance(key, str) else key, "the key argument") \
        if key is not None else current_secret()
    fernet = Fernet(secret._fernet_key())
    out = {}
    with pathlib.Path(vault).open(encoding="utf-8") as fh:
        for line in fh:
            entry = json.loads(line)
            try:
                out[entry["token"]] = fernet.decrypt(entry["value"].encode()).decode()
            except InvalidToken:
                raise ValueError("This key does not open the vault.") from None
    return out
