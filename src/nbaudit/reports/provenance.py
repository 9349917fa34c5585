"""What a report was made from: shape, columns, a keyed content hash, versions, parameters."""

from __future__ import annotations

import datetime as _dt
import json
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._text import escape_md, names_md
from ..keys import current_secret

if TYPE_CHECKING:
    from ..fairness import FairnessAudit
    from ..keys import Secret


_LIBRARIES = ["nbaudit", "pandas", "numpy", "pyarrow", "presidio-analyzer", "fairlearn",
              "scikit-learn"]


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def content_hash(df: pd.DataFrame, key: Secret | None = None) -> str:
    """A keyed hash of the frame's values, index and column names (first 16 hex digits).

    HMAC-SHA256 under a key derived from the session key (HKDF-SHA256, label
    ``nbaudit-content-hash``): equal frames give equal hashes under the same key, in this
    session or in any session with the same ``$NBAUDIT_SECRET``; under another key the hashes
    are unrelated.

    Parameters
    ----------
    df
        The frame.
    key
        The key. Default: the key in force (`nbaudit.set_secret`, else ``$NBAUDIT_SECRET``,
        else this session's random key).

    Returns
    -------
    str
        16 hex digits.
    """
    # An unsalted hash of a small frame is reversed by hashing guesses (a one-row report was
    # matched by trying candidate emails and ages). Keyed, a guess can only be tested by whoever
    # holds the key, and the key (>= 16 bytes, checked) is never saved; they can already compute
    # tokens, which say more. So the hash is kept at every size: no size threshold, whose cut-off
    # would be arbitrary and would make small reports unreproducible.
    digest = (key or current_secret()).content_hasher()
    digest.update(json.dumps([str(c) for c in df.columns]).encode())
    try:
        digest.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
    except (TypeError, UnicodeEncodeError, ValueError):
        # Unhashable cells (lists, dicts), lone surrogates, Arrow nested types: their repr.
        text = df.map(repr).set_axis(df.index.map(repr), axis=0)
        digest.update(pd.util.hash_pandas_object(text, index=True).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def provenance(df: pd.DataFrame | None, parameters: dict[str, Any],
               columns: list[str] | None = None) -> dict[str, Any]:
    """What a report was made from: enough to reproduce it.

    Parameters
    ----------
    df
        The frame, or None (then no shape, columns or hash).
    parameters
        The parameters of the result (None values left out).
    columns
        Column names to state instead of the frame's own (a scan's, where a name that is
        personal data is masked).

    Returns
    -------
    dict
        ``date``, ``parameters``, ``versions``, and with a frame ``rows``, ``columns``,
        ``content_hash`` (keyed: see `content_hash`), ``content_hash_kind`` and
        ``content_hash_key`` (where the key came from, never the key).
    """
    out: dict[str, Any] = {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "parameters": {k: v for k, v in parameters.items() if v is not None},
        "versions": {name: _version(name) for name in _LIBRARIES},
    }
    if df is not None:
        secret = current_secret()
        out.update({"rows": int(df.shape[0]),
                    "columns": columns if columns is not None else [str(c) for c in df.columns],
                    "content_hash": content_hash(df, secret),
                    "content_hash_kind": "keyed content hash: equal only under the same key "
                                         "(HMAC-SHA256, key derived from the session key)",
                    "content_hash_key": secret.source})
    return out


def provenance_markdown(prov: dict[str, Any]) -> str:
    lines = ["", "<details><summary>Provenance</summary>", ""]
    if "rows" in prov:
        columns = list(prov.get("columns", []))
        names = names_md(columns[:30]) + ("…" if len(columns) > 30 else "")
        digest = prov.get("content_hash")
        lines.append(f"- Data: {prov['rows']:,} rows x {len(columns)} columns ({names})"
                     + (f"; content hash `{escape_md(digest).replace('`', '')}`"
                        if digest else ""))
    if prov.get("parameters"):
        params = ", ".join(escape_md(f"{k}={v}") for k, v in prov["parameters"].items())
        lines.append(f"- Parameters: {params}")
    lines.append("- Versions: " + ", ".join(escape_md(f"{k} {v}")
                                            for k, v in prov["versions"].items()))
    lines.append(f"- Made: {escape_md(prov['date'])} by nbaudit")
    lines += ["", "</details>"]
    return "\n".join(lines)


def fairness_provenance(audit: FairnessAudit) -> dict[str, Any]:
    """`provenance` of a fairness audit: shape and keyed content hash of the audited inputs,
    and the audit's parameters."""
    d = audit.data
    return provenance(fairness_frame(audit), {
        "features": d.features, "threshold": d.threshold, "pos_label": None
        if d.pos_label is None else repr(d.pos_label)[:40],
        "positive_name": d.positive_name, "min_group_size": audit.min_group_size,
        "pass_marks": audit.thresholds, "rows_dropped": d.dropped or None,
        "binned": ", ".join(f"{b.feature}: {b.bins} quantile bins" for b in d.binned) or None})


def fairness_frame(audit: FairnessAudit) -> pd.DataFrame:
    """The audited inputs as one frame (labels, decisions, scores, one column per sensitive
    feature), for the provenance's shape and content hash. Group columns are categoricals
    built from the codes: no per-row Python work."""
    d = audit.data
    columns: dict[str, Any] = {"y_true": d.y_true, "y_pred": d.y_pred}
    if d.y_score is not None:
        columns["y_score"] = d.y_score
    for j, feature in enumerate(d.features):
        parts = [str(g[j]) if isinstance(g, tuple) else str(g) for g in d.labels]
        codes, uniques = pd.factorize(pd.Series(parts, dtype=object))
        columns[str(feature)] = pd.Categorical.from_codes(codes[d.groups], list(uniques))
    return pd.DataFrame(columns)
