"""What a chosen generalization gives the user: the generalized frame, its riskiest
classes, and the Python code that reproduces it."""

from __future__ import annotations

import ast
import keyword
import re
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._checks import whole_number
from .._text import names_text, quote_name
from .encoding import Encoding
from .evaluation import failing_classes
from .model import PrivacyModel

Levels = Mapping[str, int] | Sequence[int] | None


def checked_levels(levels: Levels, quasi_identifiers: Sequence[Any],
                   max_levels: Sequence[int]) -> tuple[int, ...]:
    """One level per quasi-identifier from a dict (missing ones 0), a sequence or None (all
    0), each checked against its hierarchy's height."""
    if levels is None:
        return (0,) * len(quasi_identifiers)
    if isinstance(levels, Mapping):
        unknown = [q for q in levels if not isinstance(q, Hashable)
                   or q not in quasi_identifiers]
        if unknown:
            raise ValueError(
                f"{names_text(sorted(map(str, unknown)))} is not a quasi-identifier here. "
                f"Quasi-identifiers: {names_text(quasi_identifiers)}."
            )
        out = tuple(whole_number(levels.get(q, 0), f"The level of {quote_name(q)}", 0, "2")
                    for q in quasi_identifiers)
    else:
        if isinstance(levels, (str, bytes)) or not isinstance(levels, Sequence | np.ndarray):
            raise TypeError("levels must be a dict {quasi-identifier: level} or one level "
                            f"per quasi-identifier, not {type(levels).__name__}.")
        out = tuple(whole_number(v, "A level", 0, "2") for v in levels)
        if len(out) != len(quasi_identifiers):
            raise ValueError(f"Give one level per quasi-identifier "
                             f"({len(quasi_identifiers)}), not {len(out)}.")
    for q, lv, mx in zip(quasi_identifiers, out, max_levels, strict=True):
        if not 0 <= lv <= mx:
            raise ValueError(f"Level {lv} for {quote_name(q)} does not exist: its "
                             f"hierarchy has levels 0 to {mx}.")
    return out


def generalized_frame(frame: pd.DataFrame, enc: Encoding, levels: tuple[int, ...],
                      model: PrivacyModel, *,
                      suppressed: Literal["mask", "drop"] = "mask") -> pd.DataFrame:
    """A copy of `frame` with the quasi-identifiers at `levels`; records of classes failing
    `model` masked with ``*`` or dropped, when they fit its budget (else none are)."""
    out = frame.copy()
    row_base = enc.row_to_base
    for i, (name, level) in enumerate(zip(enc.qis, levels, strict=True)):
        if level == 0:
            continue
        attr = enc.attributes[i]
        codes = attr.maps[level][enc.base[row_base, i]]
        out[name] = pd.Series(attr.labels[level][codes], index=out.index, dtype=object)
    ids, sizes = enc.class_keys(levels)
    failing, _ = failing_classes(enc, ids, sizes, model, closeness=model.t is not None)
    suppressed_rows = failing[ids][row_base]
    if int(suppressed_rows.sum()) > model.budget(enc.n):
        return out  # over budget: nothing is suppressed (evaluate() says it fails)
    if suppressed == "drop":
        return out.loc[~suppressed_rows]
    for name in enc.qis:
        out[name] = out[name].astype(object)
        out.loc[suppressed_rows, name] = "*"
    return out


def riskiest_classes(enc: Encoding, levels: tuple[int, ...], n: int,
                     model: PrivacyModel | None = None) -> pd.DataFrame:
    """The `n` smallest classes at `levels`, one row each: the quasi-identifiers' generalized
    values and ``records``. With a `model`, classes its suppression removes are left out."""
    ids, class_sizes = enc.class_keys(levels)
    sizes = class_sizes.astype(float)
    if model is not None:
        small = class_sizes < model.k
        if class_sizes[small].sum() <= model.budget(enc.n):
            sizes[small] = np.inf
    if len(sizes) > n:  # the n smallest without sorting every class
        part = np.argpartition(sizes, n)[:n]
        order = part[np.argsort(sizes[part], kind="stable")]
    else:
        order = np.argsort(sizes, kind="stable")
    order = order[np.isfinite(sizes[order])]
    # One distinct combination of each chosen class stands for it.
    first = np.full(len(class_sizes), -1, dtype=np.int64)
    wanted = np.zeros(len(class_sizes), dtype=bool)
    wanted[order] = True
    rows = np.flatnonzero(wanted[ids])
    first[ids[rows[::-1]]] = rows[::-1]
    data = {}
    for i, name in enumerate(enc.qis):
        attr = enc.attributes[i]
        codes = attr.maps[levels[i]][enc.base[first[order], i]]
        data[name] = attr.labels[levels[i]][codes]
    data["records"] = class_sizes[order].astype(int)
    return pd.DataFrame(data)


def reproduction_code(*, quasi_identifiers: list[Any], sensitive: list[Any],
                      levels: Mapping[Any, int], words: Mapping[Any, str], k: int,
                      max_suppression: float, frame_name: str | None,
                      hierarchies: str | None, user_hierarchies: bool,
                      hierarchies_source: str | None) -> str:
    """The code of `RiskAssessment.code` (see there); `user_hierarchies`: whether some
    hierarchy was given rather than built from the data."""
    lines = ["import nbaudit", ""]
    if frame_name is None:
        name = "df"
        lines.append("# df: the DataFrame that was assessed (frame_name= names it)")
    else:
        expr = _expression(frame_name, "frame_name", "'df', 'adult' or 'data[\"x\"]'")
        if expr.isidentifier() and not keyword.iskeyword(expr):
            name = expr
        else:
            name = "frame"
            lines.append(f"frame = {expr}")
    hier = ""
    if user_hierarchies:
        if hierarchies is not None:
            hier = ", hierarchies=" + _expression(hierarchies, "hierarchies", "'H'")
        elif hierarchies_source is not None:
            hier = f", hierarchies={hierarchies_source!r}"
        else:
            lines.append("# hierarchies: the dict of hierarchies given to assess_risk")
            hier = ", hierarchies=hierarchies"
    sens = f", sensitive={sensitive!r}" if sensitive else ""
    lines.append(f"risk = nbaudit.assess_risk({name}, quasi_identifiers="
                 f"{quasi_identifiers!r}{sens}{hier})")
    lines.append("anonymized = risk.apply(")
    lines.append("    {")
    for q, level in levels.items():
        lines.append(f"        {q!r}: {level},  # {_comment(words[q])}")
    lines.append("    },")
    lines.append(f"    k={k},")
    lines.append(f"    max_suppression={max_suppression!r},")
    lines.append(")")
    return "\n".join(lines) + "\n"


def _expression(text: Any, name: str, example: str) -> str:
    """`text` if it is one line of Python that evaluates to something (a name, ``a["x"]``,
    ``df.head(100)``), else a ValueError."""
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a Python variable name such as {example}, not "
                        f"{type(text).__name__}.")
    expr = text.strip()
    ok = bool(expr) and "\n" not in expr and "\r" not in expr
    if ok:
        try:
            ast.parse(expr, mode="eval")
        except SyntaxError:
            ok = False
    if not ok:
        raise ValueError(f"{name} must be a Python variable name or expression such as "
                         f"{example}, not {text[:60]!r}.")
    return expr


def _comment(text: str) -> str:
    """Text safe on one comment line."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]+", " ", text).strip()


__all__ = ["checked_levels", "generalized_frame", "reproduction_code", "riskiest_classes"]
