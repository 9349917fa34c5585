"""Helpers the benchmark scripts share: an offline guard, timing, printing, version lookups."""

from __future__ import annotations

import math
import os
import socket
import statistics
import time
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Generic, NamedTuple, TypeVar

T = TypeVar("T")

network_attempts: list[str] = []


def block_network(script: str) -> None:
    """Refuse (and record) every outgoing internet connection for the rest of the run."""
    original_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            network_attempts.append(repr(address))
            raise OSError(f"{script} runs offline; refused a connection to {address!r}")
        original_connect(self, address)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]


def network_report() -> str:
    """The closing line every benchmark prints: how many connections it tried."""
    shown = f" ({', '.join(network_attempts[:3])})" if network_attempts else ""
    return f"network connections attempted: {len(network_attempts)}{shown}"


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """Call `fn` once: (result, seconds)."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


class Timing(NamedTuple, Generic[T]):
    """What `median_time` measured: the last call's result, the median and every run."""

    result: T
    seconds: float
    runs: list[float]


def median_time(fn: Callable[[], T], runs: int) -> Timing[T]:
    """Call `fn` `runs` times: its last result, the median seconds, and every run's seconds
    (unpack as ``result, seconds, runs``)."""
    results = [timed(fn) for _ in range(runs)]
    times = [t for _, t in results]
    return Timing(results[-1][0], statistics.median(times), times)


def fmt_s(seconds: float | None) -> str:
    """Seconds with sensible precision ("-" for none)."""
    if seconds is None:
        return "-"
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 10:
        return f"{seconds:.2f} s"
    return f"{seconds:,.1f} s"


def runs_text(times: Sequence[float]) -> str:
    """Every run's seconds, for the record beside a median."""
    return ", ".join(fmt_s(t) for t in times)


def heading(text: str) -> None:
    """A section heading, with the machine's load: timings on a busy machine say so."""
    print(f"\n=== {text} " + "=" * max(0, 92 - len(text)))
    print(f"(1-minute load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores)",
          flush=True)


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


class Cases:
    """Timed cases, some with a target: each printed as it runs and kept for the summary."""

    def __init__(self, width: int = 62) -> None:
        self.width = width
        self.rows: list[tuple[str, float, float | None]] = []

    def __call__(self, name: str, fn: Callable[[], T], target: float | None, *,
                 keep_going: bool = False) -> T | None:
        """Run `fn` once; with `keep_going`, an exception (a "before" run) is said, not raised."""
        try:
            result, seconds = timed(fn)
        except Exception as exc:
            if not keep_going:
                raise
            print(f"{name:<{self.width}} failed: {type(exc).__name__}", flush=True)
            self.rows.append((name, math.nan, target))
            return None
        self.rows.append((name, seconds, target))
        verdict = "" if target is None else f"  (target < {target:g} s: {met(seconds < target)})"
        print(f"{name:<{self.width}} {seconds:8.2f} s{verdict}", flush=True)
        return result

    def summary(self) -> str:
        """"targets met: n of m", and the names of those missed."""
        missed = [name for name, s, t in self.rows if t is not None and not s < t]
        n_targets = sum(1 for *_, t in self.rows if t is not None)
        return (f"targets met: {n_targets - len(missed)} of {n_targets}"
                + (f"; not met: {missed}" if missed else ""))


def same(ok: bool) -> str:
    return "same" if ok else "DIFFERENT"


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"
