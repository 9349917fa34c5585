"""Linear time, measured so that a loaded machine cannot fail it: CPU time of this process (not
wall time), the best of a few runs, and the ratio of two sizes (a linear pass on ten times the
input takes about ten times as long, a quadratic one a hundred times), never an absolute budget."""

from __future__ import annotations

import time
from collections.abc import Callable

PARTS = 10  # the small input is a tenth of the full one
LINEAR_AT_MOST = 25  # ratio allowed: linear gives ~10, quadratic ~100
FLOOR = 0.02  # CPU seconds under which a run is timer noise


def cpu_seconds(fn: Callable[[], object], repeat: int) -> float:
    """The least CPU time of `repeat` calls of `fn`."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def assert_linear(run: Callable[[str], object], text: str, *, attempts: int = 3) -> None:
    """`run(text)` costs at most ~`LINEAR_AT_MOST / PARTS` times per character what
    `run(text[:len(text) // PARTS])` costs; measured again (more runs) before failing."""
    small_text = text[: len(text) // PARTS]
    ratio = 0.0
    for attempt in range(1, attempts + 1):
        small = cpu_seconds(lambda: run(small_text), 1 + attempt)
        full = cpu_seconds(lambda: run(text), attempt)
        ratio = full / max(small, FLOOR / PARTS)
        if full <= FLOOR or ratio <= LINEAR_AT_MOST:
            return
    raise AssertionError(f"not linear: {PARTS}x the input took {ratio:.0f}x the CPU time")
