"""Pseudonymization with keyed tokens: the handling each column of a scan suggests.

Tokens are HMAC-SHA256 of the value under a secret key (`nbaudit.keys`): the same value and key
give the same token in every column and every frame (joins still work), a different key gives
unrelated tokens, and without the key nobody can test guesses (a plain SHA-256 of an email is
reversed by hashing a list of emails, so plain hashes are never offered). Reversal is possible
only through an optional vault file, encrypted with the same key, kept outside the notebook.
Keys shorter than 16 bytes are refused; tokens, the vault and report content hashes each use
their own key derived from it with HKDF-SHA256 (see `Secret`, `write_vault`).
"""

from __future__ import annotations

import errno
import hmac
import json
import os
import pathlib
import stat
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._checks import is_missing, whole_number
from .egress import release_frame
from .keys import (  # noqa: F401  (re-exported: the key API's historical home)
    ENV_VAR,
    MAKE_A_KEY,
    MIN_DISTINCT_BYTES,
    MIN_KEY_BYTES,
    Secret,
    TokenCollisionError,
    as_secret,
    check_key_strength,
    current_secret,
    set_secret,
    token,
    tokens,
)
from .pii.classify import ColumnReport
from .pii.entities import Handling
from .pii.masking import mask_value
from .pii.scan import StaleScanError, cell_text, use_pseudonymizer
from .pii.text import find_in_texts, known_spans, known_values_in_text, merge_spans
from .risk.hierarchy import Hierarchy, value_key

if TYPE_CHECKING:
    from .pii.scan import PiiScan

HANDLINGS: tuple[str, ...] = typing.get_args(Handling)
VAULT_FORMAT = 1


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
        """JSON-safe summary: the handling per column, where the key came from, the vault."""
        return {"handling": self.handling, "key_source": self.key_source, "vault": self.vault,
                "tokens": self.tokens, "notes": self.notes,
                "columns_out": [str(c) for c in self.frame.columns]}


@dataclass
class _Work:
    """One call's state: the key, the tokens made (for the vault), what to tell the user."""

    secret: Secret
    email_format: bool
    vault: dict[str, str] = field(default_factory=dict)  # token -> original value
    hashed: dict[str, str] = field(default_factory=dict)  # token -> what was hashed (collisions)
    notes: list[str] = field(default_factory=list)

    def tokens(self, texts: list[str], entity: str | None) -> list[str]:
        fmt = "EMAIL_ADDRESS" if self.email_format and entity == "EMAIL_ADDRESS" else None
        made = tokens(texts, self.secret, fmt=fmt, seen=self.hashed)
        self.vault.update(zip(made, texts, strict=True))
        return made


@use_pseudonymizer
def pseudonymize(
    df: pd.DataFrame,
    scan: PiiScan,
    *,
    handling: Mapping[str, Handling] | None = None,
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

    Returns
    -------
    PseudonymizationResult
        ``frame`` is the new DataFrame; ``handling`` what each column got.

    Raises
    ------
    TypeError
        If `df` is not a DataFrame or `handling` not a dict.
    ValueError
        For an unknown column or handling, a weak key, a refused vault path, or (a 1 in 2**64
        event per pair of values) two values whose tokens collide.
    StaleScanError
        If `df` does not have the scanned frame's columns.
    """
    _check_frame(df, scan, handling)
    generalize_level = whole_number(generalize_level, "generalize_level", 1, "1")
    work = _Work(as_secret(key), email_format)
    chosen, asked = _chosen_handling(scan, handling)
    kept = {c.position for c in scan.columns
            if chosen[c.name] == "keep" and (c.entity != "NONE" or c.name in asked)}
    # Columns by position: labels may be numbers, tuples, None or repeated.
    out = df.copy()
    out.columns = pd.RangeIndex(df.shape[1])
    own = [c for c in scan.columns if c.role == "identifier"
           and c.entity not in ("FREE_TEXT", "ID_NUMBER")]
    drop: list[int] = []
    for report in scan.columns:
        pos, action = report.position, chosen[report.name]
        if action == "drop":
            drop.append(pos)
        elif action == "generalize":
            out[pos] = _generalize(out[pos], report, generalize_level, work.notes)
        elif action != "keep" and report.entity == "FREE_TEXT":
            out[pos] = _redact_column(out[pos], df, own, action, work, scan.identifier_values)
        elif action != "keep":
            out[pos] = _convert(out[pos], report.entity, action, work)
    # The gate: any value a scan knows to be personal, in any column not kept on purpose
    # (tokens, masks and redacted text are already free of them).
    replaced = {c.position for c in scan.columns if chosen[c.name] in ("tokenize", "mask")}
    released = release_frame(out, scan, skip=kept | replaced | set(drop))
    if released is not out:
        work.notes.append("values known to be personal data (of identifier columns) found in "
                          "other columns were masked there")
    out = _pseudonymize_index(_labelled(released, df, scan, drop, work.notes), scan, work)
    vault_path = write_vault(vault, work.vault, work.secret) if vault is not None else None
    if work.secret.source.startswith("a random key"):
        work.notes.append("The key is random for this session: tokens will differ in the next "
                          f"one. Set ${ENV_VAR} to keep them stable.")
    return PseudonymizationResult(out, chosen, work.secret.source, vault_path, len(work.vault),
                                  work.notes)


def _check_frame(df: Any, scan: PiiScan, handling: Any) -> None:
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


def _chosen_handling(scan: PiiScan, handling: Mapping[str, Handling] | None,
                     ) -> tuple[dict[str, str], set[str]]:
    """Each column's handling (suggested, or as asked), and the columns the user named."""
    chosen = {c.name: (c.handling if c.entity != "NONE" else "keep") for c in scan.columns}
    by_label = {str(c.label): c.name for c in scan.columns if not c.label_masked}
    asked: set[str] = set()
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
        asked.add(name)
    return chosen, asked


def _generalize(series: pd.Series, report: ColumnReport, level: int,
                notes: list[str]) -> pd.Series:
    """The column one (or `level`) steps up an automatic hierarchy; unknown values as "*"."""
    h = Hierarchy.build(series)
    level = min(level, h.max_level)
    table = dict(zip(h.table[0], h.table[level], strict=True))
    notes.append(f"{report.name}: generalized to level {level} of an automatic {h.kind} "
                 "hierarchy")
    return series.map(lambda v: table.get(value_key(v), "*")).astype(object)


def _labelled(out: pd.DataFrame, df: pd.DataFrame, scan: PiiScan, drop: list[int],
              notes: list[str]) -> pd.DataFrame:
    """The frame's own column labels back (masked where a label is personal data), less the
    dropped columns."""
    labels = [c.name if c.label_masked else df.columns[c.position] for c in scan.columns]
    if any(c.label_masked for c in scan.columns):
        notes.append("column names that are personal data were replaced by masked names")
    out.columns = pd.Index(labels, tupleize_cols=False) if len(labels) == df.shape[1] \
        else df.columns
    if drop:
        out = out.iloc[:, [i for i in range(df.shape[1]) if i not in set(drop)]]
    return out


def _quoted(name: Any, limit: int = 60) -> str:
    text = str(name)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _convert(series: pd.Series, entity: str, action: str, work: _Work) -> pd.Series:
    """Tokens or masks for a structured column, computed once per distinct value."""
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists, dicts): their text
        codes, uniques = pd.factorize(series.map(cell_text, na_action="ignore"),
                                      use_na_sentinel=True)
    texts = [u if isinstance(u, str) else cell_text(u) for u in uniques.tolist()]
    if action == "tokenize":
        made = work.tokens(texts, entity)
    else:
        made = [mask_value(t, entity) for t in texts]
    converted = np.array(made, dtype=object)
    values = np.where(codes >= 0, converted[np.maximum(codes, 0)] if len(converted) else None,
                      None)
    return pd.Series(values, index=series.index, dtype=object)


def _redact_column(series: pd.Series, df: pd.DataFrame, own: list[ColumnReport], action: str,
                   work: _Work, identifiers: Mapping[str, str]) -> pd.Series:
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
        if is_missing(value):
            out.append(value)
            continue
        row_values = [(cell_text(v).strip(), c.entity) for v, c in zip(ids, own, strict=True)]
        if row_values:
            found = merge_spans(found, known_spans(text, row_values))
        found = merge_spans(found, known_values_in_text(text, known))
        out.append(_redact(text, action, work, found))
    return pd.Series(out, index=series.index, dtype=object)


def _pseudonymize_index(out: pd.DataFrame, scan: PiiScan, work: _Work) -> pd.DataFrame:
    """An index that holds personal data (names, emails) becomes tokens, or positions."""
    report = scan.index_report
    if report is None or report.role not in ("identifier", "sensitive"):
        return out
    if report.role == "identifier" and report.handling == "tokenize":
        texts = [" ".join(map(str, v)) if isinstance(v, tuple) else cell_text(v)
                 for v in out.index]
        work.notes.append(f"the index held {report.entity} and was replaced by tokens")
        made = work.tokens(texts, None)
        return out.set_axis(pd.Index(made, dtype=object), axis=0)
    work.notes.append(f"the index held {report.entity} and was replaced by row numbers")
    return out.reset_index(drop=True)


def _redact(text: str, action: str, work: _Work,
            hits: list[tuple[int, int, str, float]]) -> str:
    pieces, pos = [], 0
    for start, end, ent, _ in hits:
        pieces.append(text[pos:start])
        span = text[start:end]
        if action == "tokenize" and ent != "SECRET":
            pieces.append(work.tokens([span], ent)[0])
        else:
            pieces.append(mask_value(span, ent))  # "[SECRET]" for keys and passwords
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

    secret = as_secret(key)
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
