"""The one gate between the kernel and everything that can be saved or leave it.

Widget state and custom messages (`AuditWidget.get_state` and `AuditWidget.send`), the
reports (`reports.*`, the widgets' *Export to report cell*), the magics' error messages and
pseudonymized frames pass through `release`. Each producer masks what it knows to be personal
data on its own; the gate is the second line, which does not rely on them: every value that a
live scan knows to be personal (the distinct values of its identifier and birth-date columns,
`PiiScan.identifier_values`) is masked wherever it occurs in an outgoing string, so that a new
code path that forgets to mask still cannot put one of those values into a saved notebook.

It cannot know what no scan found: a frame that was never scanned, or a value the scan missed,
passes as it is (detection is what finds those).
"""

from __future__ import annotations

import weakref
from collections import ChainMap
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeVar, cast

import numpy as np
import pandas as pd

from .pii.classify import cell_text
from .pii.entities import ENTITIES
from .pii.masking import mask_value
from .pii.scan import live_scans, strong_value
from .pii.text import known_values_in_text

if TYPE_CHECKING:
    from .pii.scan import PiiScan

T = TypeVar("T")

# Words the tool itself writes into widget state and reports (entity names, roles, handling):
# a cell value equal to one of them ("none", "mask") cannot be told apart from the tool's text.
_TOOL_WORDS = frozenset(
    {e.lower() for e in ENTITIES}
    | {"none", "identifier", "quasi", "quasi-identifier", "sensitive", "keep", "mask", "drop",
       "tokenize", "generalize", "redact", "high", "medium", "low", "possible"})
FRAME_PHRASE_LIMIT = 100_000  # distinct multi-word cells of one output column searched


_STRONG: weakref.WeakKeyDictionary[PiiScan, dict[str, str]] = weakref.WeakKeyDictionary()


def known(scan: PiiScan | None = None) -> Mapping[str, str]:
    """Lower-cased values known to be personal data -> entity.

    All of `scan`'s values, and of every other live scan the values that cannot be an
    everyday word (`strong_value`): a surname column holding "white" must not mask the "White"
    group of another frame's fairness report, while an email or a full name is masked in
    anything that leaves the kernel.
    """
    maps: list[dict[str, str]] = [scan.identifier_values] if scan is not None else []
    for other in live_scans():
        if other is not scan:
            if other not in _STRONG:
                _STRONG[other] = {k: v for k, v in other.identifier_values.items()
                                  if strong_value(k)}
            maps.append(_STRONG[other])
    maps = [m for m in maps if m]
    return ChainMap(*maps) if maps else {}


class _Gate:
    def __init__(self, values: Mapping[str, str], markdown: bool = False) -> None:
        self.values = values
        self.markdown = markdown

    def text(self, text: str) -> str:
        spans = known_values_in_text(text, self.values)
        spans = [s for s in spans if text[s[0]:s[1]].lower() not in _TOOL_WORDS]
        if not spans:
            return text
        out, pos = [], 0
        for start, end, entity, _ in spans:
            out.append(text[pos:start])
            masked = mask_value(text[start:end], entity)
            out.append(masked.replace("*", "\\*") if self.markdown else masked)
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def walk(self, obj: object) -> object:
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, dict):
            return {self.walk(k) if isinstance(k, str) else k: self.walk(v)
                    for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return type(obj)(self.walk(v) for v in obj)
        return obj


def release(obj: T, scan: PiiScan | None = None, *, markdown: bool = False) -> T:
    """`obj` (a string, or dicts, lists and tuples of them) with every known personal value
    masked, wherever it occurs in a string.

    Parameters
    ----------
    obj
        What is about to leave the kernel: widget state, a message, a report, an error text.
    scan
        The scan `obj` was made from, if any: all its values are masked (see `known`).
    markdown
        `obj` is Markdown: the masks' "*" are escaped.

    Returns
    -------
    The same structure, with known values replaced by their masks.
    """
    values = known(scan)
    if not values:
        return obj
    # Strings stay strings, dicts dicts, lists lists: the same structure as `obj`.
    return cast(T, _Gate(values, markdown).walk(obj))


def release_frame(frame: pd.DataFrame, scan: PiiScan | None = None,
                  skip: set[int] | None = None) -> pd.DataFrame:
    """A pseudonymized frame with every known personal value masked in its text columns.

    Cells equal to a known value are masked (vectorised, every cell); multi-word cells are
    searched for known values inside them, up to `FRAME_PHRASE_LIMIT` distinct cells per
    column. Columns at the positions in `skip` (those the user asked to keep in clear) are
    left as they are. `frame` is not modified.
    """
    values = known(scan)
    if not values or frame.empty:
        return frame
    gate = _Gate(values)
    out = frame
    for pos in range(frame.shape[1]):
        if skip and pos in skip:
            continue
        series = frame.iloc[:, pos]
        if not (pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)):
            continue
        cells = series.to_numpy(dtype=object)
        missing = pd.isna(cells)
        as_text = np.array([None if m else v if isinstance(v, str) else cell_text(v)
                            for v, m in zip(cells, missing, strict=True)], dtype=object)
        codes, uniques = pd.factorize(as_text, use_na_sentinel=True)
        texts = [str(u).strip() for u in uniques]
        changed = {i: mask_value(t, values[t.lower()]) for i, t in enumerate(texts)
                   if t.lower() in values and t.lower() not in _TOOL_WORDS}
        phrases = [i for i, t in enumerate(texts) if i not in changed and " " in t]
        for i in phrases[:FRAME_PHRASE_LIMIT]:
            released = gate.text(texts[i])
            if released != texts[i]:
                changed[i] = released
        if not changed:
            continue
        if out is frame:
            out = frame.copy()
        cells = cells.copy()
        hit = np.isin(codes, list(changed))
        cells[hit] = [changed[c] for c in codes[hit]]
        out.isetitem(pos, pd.Series(cells, index=series.index, dtype=object))
    return out
