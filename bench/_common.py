"""Helpers the benchmark scripts share: an offline guard, timing, version lookups."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TypeVar

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


def met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"
