"""Checks of the arguments of the risk API: a clear message that says what to do, naming the
argument and its type, never a value of the data."""

from __future__ import annotations

import math
import numbers
from typing import Any


def whole_number(value: Any, name: str, minimum: int, example: str) -> int:
    """`value` as an int of at least `minimum`: ints and integral floats, never bools,
    fractions, NaN or text (``k="5"`` is a TypeError: the caller passed the wrong type)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a whole number such as {example}, not "
                        f"{type(value).__name__}.")
    number = float(value)
    if not math.isfinite(number) or number != int(number):
        raise ValueError(f"{name} must be a whole number such as {example}, not {value!r}.")
    if int(number) < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {int(number)}.")
    return int(value) if isinstance(value, numbers.Integral) else int(number)


def share(value: Any, name: str, example: str) -> float:
    """`value` as a float in [0, 1] (a share of records, a distance)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number between 0 and 1 such as {example}, not "
                        f"{type(value).__name__}.")
    number = float(value)
    if not 0.0 <= number <= 1.0:  # NaN fails too
        raise ValueError(f"{name} must be between 0 and 1 (e.g. {example}), not {value!r}.")
    return number


def seconds(value: Any, name: str) -> float | None:
    """A positive duration in seconds, or None (no limit)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number of seconds such as 30, or None, not "
                        f"{type(value).__name__}.")
    number = float(value)
    if not number > 0:  # NaN fails too; inf means no limit
        raise ValueError(f"{name} must be more than 0 seconds (or None for no limit), not "
                         f"{value!r}.")
    return None if math.isinf(number) else number


def choice(value: Any, name: str, options: tuple[str, ...]) -> str:
    """One of a few words (``suppressed="mask"``), checked rather than guessed."""
    if not isinstance(value, str) or value not in options:
        shown = repr(value) if isinstance(value, str) else type(value).__name__
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, not "
                         f"{shown}.")
    return value
