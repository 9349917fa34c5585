"""Checks of the public API's arguments (PII, risk, fairness): a message that says what to do,
naming the argument and its type, never a value of the data; and the one test of a missing
cell that every layer shares."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pandas as pd


def is_missing(value: Any) -> bool:
    """Whether one cell is missing: None, a NaN float, ``pd.NA`` or a NaT.

    Containers (lists, dicts, arrays) and every other value are present, even when they
    hold missing values.

    Examples
    --------
    >>> is_missing(float("nan")), is_missing(pd.NaT), is_missing([None]), is_missing("")
    (True, True, False, False)
    """
    if value is None:
        return True
    if isinstance(value, float):  # the common case, first (NaN is the float not equal to itself)
        return bool(value != value)
    if isinstance(value, str | bytes):
        return False
    try:
        missing = pd.isna(value)
    except (TypeError, ValueError):
        return False
    # pd.isna answers element by element for containers: only a scalar answer is about the cell.
    return isinstance(missing, bool | np.bool_) and bool(missing)


def type_name(value: Any) -> str:
    return type(value).__name__


def shown(value: Any) -> str:
    """A number the user passed, as they would write it: ``2``, not ``np.int64(2)``."""
    if isinstance(value, np.generic):
        value = value.item()
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def whole_number(value: Any, name: str, minimum: int, example: str,
                 maximum: int | None = None) -> int:
    """`value` as an int in [minimum, maximum]: ints and integral floats, never bools,
    fractions, NaN or text."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a whole number such as {example}, not "
                        f"{type_name(value)}.")
    number = float(value)
    if not math.isfinite(number) or number != int(number):
        raise ValueError(f"{name} must be a whole number such as {example}, not {shown(value)}.")
    if int(number) < minimum:
        raise ValueError(f"{name} must be at least {minimum:,}, not {int(number):,}.")
    if maximum is not None and int(number) > maximum:
        raise ValueError(f"{name} must be at most {maximum:,}, not {int(number):,}.")
    return int(value) if isinstance(value, numbers.Integral) else int(number)


def probability(value: Any, name: str, example: str = "0.5") -> float:
    """`value` as a float in [0, 1] (a threshold on scores, a pass mark)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number between 0 and 1 such as {example}, not "
                        f"{type_name(value)}.")
    number = float(value)
    if not 0.0 <= number <= 1.0:  # NaN fails too
        raise ValueError(f"{name} must be between 0 and 1 (e.g. {example}), not {shown(value)}.")
    return number


def seconds(value: Any, name: str) -> float | None:
    """A positive duration in seconds, or None (no limit)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number of seconds such as 30, or None, not "
                        f"{type_name(value)}.")
    number = float(value)
    if not number > 0:  # NaN fails too; inf means no limit
        raise ValueError(f"{name} must be more than 0 seconds (or None for no limit), not "
                         f"{shown(value)}.")
    return None if math.isinf(number) else number


def choice(value: Any, name: str, options: tuple[str, ...]) -> str:
    """One of a few words, checked rather than passed on to another library."""
    if not isinstance(value, str) or value not in options:
        shown = repr(value) if isinstance(value, str) and len(value) <= 40 else type_name(value)
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, not "
                         f"{shown}.")
    return value


def seed(value: Any, name: str = "seed") -> int:
    """A seed for NumPy's generators: a whole number >= 0."""
    return whole_number(value, name, 0, "0")
