"""Keys and keyed tokens: the secret that pseudonymization, the vault and report hashes use.

A key is never kept, shown or saved: `Secret` holds only keys derived from it with HKDF-SHA256,
one per use (tokens, the vault, report content hashes), so that no output of one use is key
material of another. The key in force comes from `set_secret`, else ``$NBAUDIT_SECRET``, else a
random key made for the session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from typing import Any, NoReturn

ENV_VAR = "NBAUDIT_SECRET"
MIN_KEY_BYTES = 16
MIN_DISTINCT_BYTES = 4
MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
# HKDF-SHA256 labels (``info``): one derived key per use, so that no output of one use (a token,
# a content hash, a vault check value) is key material of another.
TOKEN_LABEL = b"nbaudit-token"
VAULT_LABEL = b"nbaudit-vault"
CONTENT_HASH_LABEL = b"nbaudit-content-hash"
VAULT_CHECK_LABEL = b"nbaudit-vault-key-check"  # HMAC'd under the vault key: the header's check
TOKEN_LENGTH = 16  # hex digits of a token: 64 bits (see `tokens` on collisions)


def _derive(key: bytes, label: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(key)


def check_key_strength(raw: bytes, source: str) -> None:
    """Refuse a key that can be guessed, with a message that says how to make a good one.

    A key counts as strong enough when its bytes (UTF-8 for text) number at least
    ``MIN_KEY_BYTES`` (16) and hold at least ``MIN_DISTINCT_BYTES`` (4) distinct byte values, so
    that ``""``, ``"a"``, 15-byte keys and ``"k" * 20`` or ``"abab..."`` are refused. This is a
    floor against mistakes, not a measure of entropy: use a random key.

    Parameters
    ----------
    raw
        The key's bytes. Never included in the message.
    source
        Where the key came from (``"nbaudit.set_secret"``, ``"$NBAUDIT_SECRET"``, ...).

    Raises
    ------
    ValueError
        If the key is too short or too repetitive.
    """
    if len(raw) >= MIN_KEY_BYTES and len(set(raw)) >= MIN_DISTINCT_BYTES:
        return
    why = (f"it has {len(raw)} bytes" if len(raw) < MIN_KEY_BYTES
           else f"it has fewer than {MIN_DISTINCT_BYTES} distinct bytes")
    raise ValueError(f"The key ({source}) is too weak ({why}): tokens made with a guessable "
                     f"key can be reversed with a dictionary. Use at least {MIN_KEY_BYTES} bytes "
                     f"of random key material; make one with: {MAKE_A_KEY}")


class Secret:
    """A key that never shows itself.

    Only keys derived from it with HKDF-SHA256 are kept (labels ``nbaudit-token``,
    ``nbaudit-vault``, ``nbaudit-content-hash``), never the key itself. Its repr and str say
    ``<hidden>``; pickling (``pickle``, ``__getstate__``, ``__reduce__``) raises TypeError;
    ``copy.copy``/``copy.deepcopy`` return the same object; it has no ``__dict__``. Code in the
    same process can still reach the derived keys: this guards against saving and showing, not
    against the kernel's own code.

    Parameters
    ----------
    value
        The key (str as UTF-8); refused by `check_key_strength` if guessable.
    source
        Where it came from, for reports: never the key itself.
    """

    __slots__ = ("_content", "_token", "_vault", "source")
    _content: bytes
    _token: bytes
    _vault: bytes
    source: str

    def __init__(self, value: str | bytes, source: str) -> None:
        if isinstance(value, str):
            raw = value.encode("utf-8")
        elif isinstance(value, bytes | bytearray | memoryview):
            raw = bytes(value)
        else:
            raise TypeError(f"A key is str or bytes, not {type(value).__name__}.")
        check_key_strength(raw, source)
        setattr_ = object.__setattr__
        setattr_(self, "_token", _derive(raw, TOKEN_LABEL))
        setattr_(self, "_vault", _derive(raw, VAULT_LABEL))
        setattr_(self, "_content", _derive(raw, CONTENT_HASH_LABEL))
        setattr_(self, "source", source)

    def __repr__(self) -> str:
        return f"Secret(<hidden>, from {self.source})"

    __str__ = __repr__

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("nbaudit secrets are read-only.")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("nbaudit secrets are read-only.")

    def _refuse(self, *args: Any) -> NoReturn:
        raise TypeError("nbaudit secrets cannot be pickled or saved: set the key again in the "
                        f"new process (${ENV_VAR} or nbaudit.set_secret).")

    __reduce__ = __reduce_ex__ = __getstate__ = __setstate__ = _refuse

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self

    def digest(self, text: str) -> bytes:
        """HMAC-SHA256 of ``text`` under the token key."""
        return hmac.digest(self._token, text.encode("utf-8"), "sha256")  # one-shot, in C

    def content_hasher(self) -> hmac.HMAC:
        """A fresh HMAC-SHA256 under the content-hash key (for `reports.content_hash`)."""
        return hmac.new(self._content, digestmod=hashlib.sha256)

    def _fernet_key(self) -> bytes:
        return base64.urlsafe_b64encode(self._vault)

    def _vault_check(self) -> str:
        return hmac.new(self._vault, VAULT_CHECK_LABEL, hashlib.sha256).hexdigest()


_session: dict[str, Secret] = {}


def as_secret(key: str | bytes | None, source: str = "the key argument") -> Secret:
    """`key` as a `Secret`, or the key in force (`current_secret`) when it is None."""
    return current_secret() if key is None else Secret(key, source)


def set_secret(value: str | bytes) -> None:
    """Set the pseudonymization key for this session (never printed or saved).

    Prefer the ``NBAUDIT_SECRET`` environment variable: a key typed into a notebook cell is
    saved with the notebook.

    Parameters
    ----------
    value
        At least 16 bytes (UTF-8) of random key material, e.g. from
        ``python -c "import secrets; print(secrets.token_urlsafe(32))"``.

    Raises
    ------
    ValueError
        If the key is guessable (see `check_key_strength`); the previous key stays in force.
    """
    _session["key"] = Secret(value, "nbaudit.set_secret")


def current_secret() -> Secret:
    """The key in force: set_secret, else $NBAUDIT_SECRET, else a random one for this session.

    Returns
    -------
    Secret
        The key (hidden).

    Raises
    ------
    ValueError
        If ``$NBAUDIT_SECRET`` is set but weak (including set but empty).
    """
    if "key" in _session:
        return _session["key"]
    env = os.environ.get(ENV_VAR)
    if env is not None:
        return Secret(env, f"${ENV_VAR}")
    _session["key"] = Secret(secrets.token_bytes(32),
                             "a random key made for this session (tokens change next session)")
    return _session["key"]


def token(value: str, key: Secret, *, fmt: str | None = None, length: int | None = None) -> str:
    """The keyed token of one value (normalized: trimmed, and emails lower-cased).

    Parameters
    ----------
    value
        The value.
    key
        The key; the token is HMAC-SHA256 under its token key, so the same value and key always
        give the same token.
    fmt
        ``"EMAIL_ADDRESS"`` gives an email-shaped token.
    length
        Hex digits kept (default `TOKEN_LENGTH`, 16 = 64 bits).

    Returns
    -------
    str
        ``tok_<hex>`` (or ``tok_<hex>@example.invalid``).
    """
    return tokens([value], key, fmt=fmt, length=length)[0]


_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+")


class TokenCollisionError(ValueError):
    """Two different values got the same token."""


def tokens(values: list[str], key: Secret, *, fmt: str | None = None,
           length: int | None = None, seen: dict[str, str] | None = None) -> list[str]:
    """`token` of each value, in one loop (a column's distinct values).

    Tokens are truncated HMACs: among ``n`` values two share a token with probability about
    ``n**2 / 2**(4 * length + 1)`` (1 in 37 million for a million values at the default 64
    bits). Give `seen` (a dict, kept across calls: token -> the normalized value it was made
    from) to have every token checked: a collision raises rather than join two people into one.

    Raises
    ------
    TokenCollisionError
        With `seen`, when a token was already made from another value (the message holds no
        value and no token).
    """
    length = TOKEN_LENGTH if length is None else length
    digest = key.digest
    suffix = "@example.invalid" if fmt == "EMAIL_ADDRESS" else ""
    out = []
    for value in values:
        text = normalized(value, fmt)
        made = f"tok_{digest(text).hex()[:length]}{suffix}"
        if seen is not None and seen.setdefault(made, text) != text:
            raise TokenCollisionError(
                f"Two different values got the same token ({4 * length}-bit tokens): nothing "
                "was pseudonymized. Pseudonymize again with another key.")
        out.append(made)
    return out


def normalized(value: str, fmt: str | None = None) -> str:
    """The form of a value its token is made from: trimmed, and emails (every value of an
    ``EMAIL_ADDRESS`` column) lower-cased."""
    text = value.strip()
    if fmt == "EMAIL_ADDRESS" or "@" in text and _EMAIL_SHAPE.fullmatch(text):
        return text.lower()
    return text
