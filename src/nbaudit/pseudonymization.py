"""Pseudonymization with keyed tokens: the handling each column of a scan suggests.

Tokens are HMAC-SHA256 of the value under a secret key: the same value and key give the same
token in every column and every frame (joins still work), a different key gives unrelated
tokens, and without the key nobody can test guesses (a plain SHA-256 of an email is reversed by
hashing a list of emails, so plain hashes are never offered). Reversal is possible only through
an optional vault file, encrypted with the same key, kept outside the notebook. Keys shorter than
16 bytes are refused; tokens, the vault and report content hashes each use their own key derived
from it with HKDF-SHA256 (see `Secret`, `write_vault`).
"""

from __future__ import annotations

import base64
import errno
import hashlib
import hmac
import json
import os
import pathlib
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .egress import release_frame
from .pii.masking import mask_value
from .pii.scan import StaleScanError, cell_text, whole_number
from .pii.text import find_in_texts, known_spans, known_values_in_text, merge_spans

if TYPE_CHECKING:
    from .pii.scan import PiiScan

ENV_VAR = "NBAUDIT_SECRET"
HANDLINGS = ("drop", "tokenize", "mask", "generalize", "keep")
Handling = Literal["drop", "tokenize", "mask", "generalize", "keep"]

MIN_KEY_BYTES = 16
MIN_DISTINCT_BYTES = 4
MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'
# HKDF-SHA256 labels (``info``): one derived key per use, so that no output of one use (a token,
# a content hash, a vault check value) is key material of another.
TOKEN_LABEL = b"nbaudit-token"
VAULT_LABEL = b"nbaudit-vault"
CONTENT_HASH_LABEL = b"nbaudit-content-hash"
VAULT_CHECK_LABEL = b"nbaudit-vault-key-check"  # HMAC'd under the vault key: the header's check
VAULT_FORMAT = 1


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

    def _refuse(self, *args: Any) -> Any:
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


def _as_secret(key: str | bytes | None, source: str = "the key argument") -> Secret:
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


def token(value: str, key: Secret, *, fmt: str | None = None, length: int = 16) -> str:
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
        Hex digits kept (16 = 64 bits).

    Returns
    -------
    str
        ``tok_<hex>`` (or ``tok_<hex>@example.invalid``).
    """
    return tokens([value], key, fmt=fmt, length=length)[0]


_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+")


def tokens(values: list[str], key: Secret, *, fmt: str | None = None,
           length: int = 16) -> list[str]:
    """`token` of each value, in one loop (a column's distinct values)."""
    digest = key.digest
    suffix = "@example.invalid" if fmt == "EMAIL_ADDRESS" else ""
    out = []
    for value in values:
        text = value.strip()
        if fmt == "EMAIL_ADDRESS" or "@" in text and _EMAIL_SHAPE.fullmatch(text):
            text = text.lower()
        out.append(f"tok_{digest(text).hex()[:length]}{suffix}")
    return out


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
    # Another frame with the scanned columns is fine (scan a sample, pseudonymize it all);
    # other columns would put one column's handling on another's values.
    if df is not scan.frame and list(map(repr, df.columns)) != list(map(repr, scan.frame.columns)):
        raise StaleScanError(
            "This DataFrame's columns are not the scanned frame's (names or order differ): "
            "scan it first (nbaudit.scan_pii(df)), then pseudonymize with that scan.")
    if handling is not None and not isinstance(handling, Mapping):
        raise TypeError("handling must be a dict {column: 'drop' | 'tokenize' | 'mask' | "
                        f"'generalize' | 'keep'}}, not {type(handling).__name__}.")
    generalize_level = whole_number(generalize_level, "generalize_level",
                                    "the hierarchy level for 'generalize'", 1)
    secret = Secret(key.encode() if isinstance(key, str) else key, "the key argument") \
        if key is not None else current_secret()
    chosen = {c.name: (c.handling if c.entity != "NONE" else "keep") for c in scan.columns}
    by_label = {str(c.label): c.name for c in scan.columns if not c.label_masked}
    for requested, value in (handling or {}).items():
        name = requested if requested in chosen else by_label.get(str(requested))
        if name is None:
            raise ValueError(f"No column {_quoted(requested)} in the scan. Columns: "
                             f"{', '.join(_quoted(c) for c in chosen)}.")
        if value not in HANDLINGS:
            raise ValueError(f"Handling {_quoted(value)} for {_quoted(requested)} is not one of "
                             f"{HANDLINGS}. Plain hashes are not offered: a hashed email is "
                             "reversed by a dictionary; 'tokenize' uses a secret key instead.")
        chosen[name] = value
    kept = {c.position for c in scan.columns
            if chosen[c.name] == "keep" and (c.entity != "NONE" or c.name in
                                             {by_label.get(str(r), r) for r in handling or {}})}
    # Columns by position: labels may be numbers, tuples, None or repeated.
    out = df.copy()
    out.columns = pd.RangeIndex(df.shape[1])
    own = [c for c in scan.columns if c.role == "identifier"
           and c.entity not in ("FREE_TEXT", "ID_NUMBER")]
    mapping: dict[str, str] = {}
    notes: list[str] = []
    drop: list[int] = []
    for report in scan.columns:
        pos, action = report.position, chosen[report.name]
        if action == "keep":
            continue
        if action == "drop":
            drop.append(pos)
            continue
        series = out[pos]
        if action == "generalize":
            from .risk.hierarchy import Hierarchy, value_key

            h = Hierarchy.build(series)
            level = min(generalize_level, h.max_level)
            table = dict(zip(h.table[0], h.table[level], strict=True))
            out[pos] = series.map(lambda v, t=table: t.get(value_key(v), "*")).astype(object)
            notes.append(f"{report.name}: generalized to level {level} of an automatic "
                         f"{h.kind} hierarchy")
            continue
        entity = report.entity
        if entity == "FREE_TEXT":
            out[pos] = _redact_column(series, df, own, action, secret, mapping, email_format,
                                      scan.identifier_values)
            continue
        out[pos] = _convert(series, entity, action, secret, mapping, email_format)
    # The gate: any value a scan knows to be personal, in any column not kept on purpose
    # (tokens, masks and redacted text are already free of them).
    replaced = {c.position for c in scan.columns if chosen[c.name] in ("tokenize", "mask")}
    released = release_frame(out, scan, skip=kept | replaced | set(drop))
    if released is not out:
        notes.append("values known to be personal data (of identifier columns) found in other "
                     "columns were masked there")
        out = released
    labels = [c.name if c.label_masked else df.columns[c.position] for c in scan.columns]
    if any(c.label_masked for c in scan.columns):
        notes.append("column names that are personal data were replaced by masked names")
    out.columns = pd.Index(labels, tupleize_cols=False) if len(labels) == df.shape[1] \
        else df.columns
    if drop:
        out = out.iloc[:, [i for i in range(df.shape[1]) if i not in set(drop)]]
    out = _pseudonymize_index(out, scan, secret, mapping, notes)
    vault_path = None
    if vault is not None:
        vault_path = write_vault(vault, mapping, secret)
    if secret.source.startswith("a random key"):
        notes.append("The key is random for this session: tokens will differ in the next one. "
                     f"Set ${ENV_VAR} to keep them stable.")
    return PseudonymizationResult(out, chosen, secret.source, vault_path, len(mapping), notes)


def _quoted(name: Any, limit: int = 60) -> str:
    text = str(name)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _convert(series: pd.Series, entity: str, action: str, secret: Secret,
             mapping: dict[str, str], email_format: bool) -> pd.Series:
    """Tokens or masks for a structured column, computed once per distinct value."""
    fmt = "EMAIL_ADDRESS" if (email_format and entity == "EMAIL_ADDRESS") else None
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists, dicts): their text
        codes, uniques = pd.factorize(series.map(cell_text, na_action="ignore"),
                                      use_na_sentinel=True)
    texts = [u if isinstance(u, str) else cell_text(u) for u in uniques.tolist()]
    if action == "tokenize":
        made = tokens(texts, secret, fmt=fmt)
        mapping.update(zip(made, texts, strict=True))
    else:
        made = [_mask_keep_last(t, entity) for t in texts]
    converted = np.array(made, dtype=object)
    values = np.where(codes >= 0, converted[np.maximum(codes, 0)] if len(converted) else None,
                      None)
    return pd.Series(values, index=series.index, dtype=object)


def _redact_column(series: pd.Series, df: pd.DataFrame, own: list[Any], action: str,
                   secret: Secret, mapping: dict[str, str], email_format: bool,
                   identifiers: Mapping[str, str]) -> pd.Series:
    """Free text redacted span by span, with every tier's spans (NER in one batch), each
    row's own identifiers, and every identifier value and span found anywhere in the column
    wherever they recur in its text."""
    texts = [cell_text(v) for v in series.tolist()]
    hits = find_in_texts(texts)
    # A span found in one cell is personal data wherever it recurs: the finders' context gates
    # ("spoke with ...") may hold in one tweet and not in the next.
    known = dict(identifiers)
    for text, spans in zip(texts, hits, strict=True):
        for start, end, entity, _ in spans:
            value = text[start:end].strip().lower()
            if len(value) >= 4 and not value.isdigit():
                known.setdefault(value, entity)
    rows = (df.iloc[:, [c.position for c in own]].itertuples(index=False, name=None)
            if own else ([] for _ in texts))
    out: list[Any] = []
    for value, text, found, ids in zip(series.tolist(), texts, hits, rows, strict=True):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            out.append(value)
            continue
        row_values = [(cell_text(v).strip(), c.entity) for v, c in zip(ids, own, strict=True)]
        if row_values:
            found = merge_spans(found, known_spans(text, row_values))
        found = merge_spans(found, known_values_in_text(text, known))
        out.append(_redact(text, action, secret, mapping, email_format, found))
    return pd.Series(out, index=series.index, dtype=object)


def _pseudonymize_index(out: pd.DataFrame, scan: PiiScan, secret: Secret,
                        mapping: dict[str, str], notes: list[str]) -> pd.DataFrame:
    """An index that holds personal data (names, emails) becomes tokens, or positions."""
    report = scan.index_report
    if report is None or report.role not in ("identifier", "sensitive"):
        return out
    if report.role == "identifier" and report.handling == "tokenize":
        tokens = []
        for value in out.index:
            text = " ".join(map(str, value)) if isinstance(value, tuple) else cell_text(value)
            tok = token(text, secret)
            mapping[tok] = text
            tokens.append(tok)
        notes.append(f"the index held {report.entity} and was replaced by tokens")
        return out.set_axis(pd.Index(tokens, dtype=object), axis=0)
    notes.append(f"the index held {report.entity} and was replaced by row numbers")
    return out.reset_index(drop=True)


def _redact(text: str, action: str, secret: Secret, mapping: dict[str, str],
             email_format: bool, hits: list[tuple[int, int, str, float]]) -> str:
    pieces, pos = [], 0
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


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_OPEN_FLAGS = _NOFOLLOW | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _vault_path(path: str | os.PathLike[str]) -> pathlib.Path:
    """The vault's absolute path (links not resolved), refused if a link or in a notebook."""
    target = pathlib.Path(os.path.abspath(pathlib.Path(path).expanduser()))
    real = pathlib.Path(os.path.realpath(target.parent)) / target.name
    if any(part.lower().endswith(".ipynb") for p in (target, real) for part in p.parts):
        raise ValueError(f"The vault must be a separate file outside any notebook, not {target}: "
                         "a notebook is shared and saved with its outputs.")
    if target.is_symlink():
        raise ValueError(f"The vault path {target} is a symbolic link: give the vault's own path. "
                         "Links are never followed, so that a link cannot redirect the vault "
                         "onto another file.")
    return target


def _open_vault(target: pathlib.Path, flags: int, mode: int = 0o600) -> int:
    try:
        return os.open(target, flags | _OPEN_FLAGS, mode)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.EMLINK) or target.is_symlink():
            raise ValueError(f"The vault path {target} is a symbolic link: give the vault's own "
                             "path. Links are never followed.") from None
        raise


def _read_head(fd: int) -> tuple[bytes, bool]:
    """The first line of an open vault, and whether the file ends with a newline."""
    size = os.fstat(fd).st_size
    os.lseek(fd, 0, os.SEEK_SET)
    head = os.read(fd, min(size, 1 << 16)).split(b"\n", 1)[0]
    os.lseek(fd, max(size - 1, 0), os.SEEK_SET)
    return head, size == 0 or os.read(fd, 1) == b"\n"


def _parse_header(line: bytes | str, target: pathlib.Path) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or "nbaudit_vault" not in header:
        raise ValueError(f"{target} is not an nbaudit vault: its first line is not a vault "
                         "header. Give a new file (it is created) or an existing vault.")
    if header["nbaudit_vault"] != VAULT_FORMAT or not isinstance(header.get("check"), str):
        raise ValueError(f"{target} is a vault of an unknown format "
                         f"({header['nbaudit_vault']!r}); this nbaudit reads format "
                         f"{VAULT_FORMAT}.")
    return header


def _vault_header(secret: Secret) -> dict[str, Any]:
    return {"nbaudit_vault": VAULT_FORMAT, "kdf": "HKDF-SHA256", "cipher": "Fernet",
            "check": secret._vault_check()}


def write_vault(path: str | os.PathLike[str], mapping: Mapping[str, str], secret: Secret) -> str:
    """Append token -> value pairs, each value encrypted with the vault key, to a vault file.

    The vault is JSON lines, UTF-8. Line 1 is a header, written once when the file is created::

        {"nbaudit_vault": 1, "kdf": "HKDF-SHA256", "cipher": "Fernet", "check": "<64 hex>"}

    where ``check`` is HMAC-SHA256 of the fixed label ``nbaudit-vault-key-check`` under the vault
    key, which is HKDF-SHA256 (no salt, ``info=b"nbaudit-vault"``, 32 bytes) of the key. Every
    further line is one entry::

        {"token": "tok_3f9a...", "value": "<Fernet token of the UTF-8 value>"}

    encrypted with ``Fernet(urlsafe_b64encode(vault key))``. Tokens are in clear (they are in the
    pseudonymized frame anyway); values never are. One vault file holds one key: appending under
    another key is refused, so that a vault never becomes unreadable.

    The file is created with ``O_CREAT | O_EXCL | O_NOFOLLOW`` and mode 0600 (an existing vault
    with wider permissions is narrowed to 0600 through its descriptor); a symbolic link, a path
    ending in ``.ipynb`` (any case) or inside one, and a file that is not a vault are refused.
    Writers are serialized with ``flock`` where available.

    Parameters
    ----------
    path
        The vault file (created with its folders if missing).
    mapping
        Token -> original value.
    secret
        The key the tokens were made with.

    Returns
    -------
    str
        The vault's absolute path.

    Raises
    ------
    ValueError
        On any refusal above; messages name the path, never a token or a value.
    """
    from cryptography.fernet import Fernet

    target = _vault_path(path)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = _open_vault(target, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL)
    except FileExistsError:
        fd = _open_vault(target, os.O_RDWR | os.O_APPEND)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"The vault path {target} is not a regular file.")
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows
            pass
        head, ends_with_newline = _read_head(fd)
        lines = []
        if head:
            header = _parse_header(head, target)
            if not hmac.compare_digest(header["check"], secret._vault_check()):
                raise ValueError(f"Nothing was written to {target}: this vault was written with "
                                 "another key (one vault file, one key). Use the key it was "
                                 "written with, or another vault file.")
            if not ends_with_newline:
                lines.append("")
        else:
            lines.append(json.dumps(_vault_header(secret)))
        if hasattr(os, "fchmod") and info.st_mode & 0o777 != 0o600:
            os.fchmod(fd, 0o600)  # a vault only, through its descriptor: never a link's target
        fernet = Fernet(secret._fernet_key())
        lines += [json.dumps({"token": tok, "value": fernet.encrypt(value.encode()).decode()})
                  for tok, value in mapping.items()]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
    finally:
        os.close(fd)
    return str(target)


def reverse_tokens(vault: str | os.PathLike[str], key: str | bytes | None = None,
                   ) -> dict[str, str]:
    """Read a vault with the key: token -> original value (for an authorized system).

    Parameters
    ----------
    vault
        A vault written by `pseudonymize(..., vault=...)` (format: see `write_vault`). Symbolic
        links are refused.
    key
        The key the vault was written with. Default: the key in force (`set_secret`, else
        ``$NBAUDIT_SECRET``). Checked for strength before the file is opened.

    Returns
    -------
    dict
        Token -> original value.

    Raises
    ------
    ValueError
        For a weak key, a file that is not a vault, a vault written with another key
        ("this vault was written with another key"), or a damaged entry. Messages never hold a
        token or a value.
    """
    from cryptography.fernet import Fernet, InvalidToken

    secret = _as_secret(key)
    target = _vault_path(vault)
    with os.fdopen(_open_vault(target, os.O_RDONLY), encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    header = _parse_header(lines[0] if lines else "", target)
    if not hmac.compare_digest(header["check"], secret._vault_check()):
        raise ValueError(f"Cannot read {target}: this vault was written with another key. Pass "
                         "the key it was written with (key=... or $NBAUDIT_SECRET).")
    fernet = Fernet(secret._fernet_key())
    out = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            out[entry["token"]] = fernet.decrypt(entry["value"].encode()).decode()
        except (ValueError, KeyError, TypeError, AttributeError, InvalidToken):
            raise ValueError(f"Line {number} of the vault {target} is damaged or was altered "
                             "(it does not decrypt under this vault's key).") from None
    return out
