"""Big and hostile input to `%pii_scan` and `pseudonymize` (issue 11), with their targets.

What it measures (each case built here, offline, with fixed seeds)
----------------------------------------------------------------
* a 300 KB and a 1 MB cell of ``"eyJ"`` repeats (the JWT pattern's worst case) and of every
  pattern's own adversarial string: `page()`, `findings`, `pseudonymize`; target: linear, a
  1 MB cell < 2 s;
* 1,000,000 distinct strings each holding an email: `scan_pii` (target < 15 s), `findings`,
  `pseudonymize`;
* 10,000 columns x 5 rows: `scan_pii` (target < 10 s);
* a 10 MB cell: one page (target < 1 s; pages show a bounded prefix of long cells);
* 200 columns x 100,000 rows: `pseudonymize` (target < 20 s).

How to run
----------
    python bench/bench_big_input_pii.py            # every case (a few minutes)
    python bench/bench_big_input_pii.py --quick    # the 1M cases at 200,000 rows
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
from _common import Cases, block_network, network_report  # noqa: E402

import nbaudit  # noqa: E402

KEY = "bench-big-input-key-7d1e3a9c5f"
case = Cases()


def adversarial_cells(size: int) -> dict[str, str]:
    """One string per pattern family, built to make a backtracking regex work hard."""
    return {
        "jwt eyJ repeats": "eyJ" * (size // 3),
        "email-like": ("a." * (size // 4)) + "@" + ("b." * (size // 4)),
        "digits and separators": ("1-2 " * (size // 4)),
        "url-like": "http://" + "a." * (size // 2),
        "long word": "x" * size,
    }


def long_cells(size: int) -> None:
    for label, text in adversarial_cells(size).items():
        df = pd.DataFrame({"note": [text, "call jane.doe@example.com", "ok"]})
        scan = case(f"scan, a {size // 1000} KB cell: {label}", lambda d=df: nbaudit.scan_pii(d),
                    None)
        case("  page", lambda s=scan: s.page(0, page_size=20), 2.0 if size >= 1_000_000 else None)
        case("  findings", lambda s=scan: s.findings, None)
        case("  pseudonymize", lambda s=scan: s.pseudonymize(key=KEY), None)


def emails(n: int) -> None:
    rng = np.random.default_rng(1)
    ids = rng.permutation(n)
    df = pd.DataFrame({"contact": [f"reach me at user{i}.x@example{i % 97}.com please"
                                   for i in ids]})
    scan = case(f"scan, {n:,} distinct strings each holding an email", lambda: nbaudit.scan_pii(df),
                15.0)
    case("  findings", lambda: scan.findings, None)
    case("  pseudonymize", lambda: scan.pseudonymize(key=KEY), None)


def wide(n_cols: int) -> None:
    rng = np.random.default_rng(2)
    df = pd.DataFrame({f"c{j}": rng.integers(0, 100, 5) for j in range(n_cols)})
    for j in range(0, n_cols, 7):
        df[f"c{j}"] = [f"w{j}_{i}" for i in range(5)]
    case(f"scan, {n_cols:,} columns x 5 rows", lambda: nbaudit.scan_pii(df), 10.0)


def huge_cell() -> None:
    df = pd.DataFrame({"blob": ["lorem ipsum dolor " * 560_000, "short", "x"],
                       "email": ["a.b@example.com", "c.d@example.org", "e.f@example.net"]})
    scan = case("scan, a 10 MB cell", lambda: nbaudit.scan_pii(df), None)
    case("  page", lambda: scan.page(0, page_size=20), 1.0)


def many_columns(n_rows: int) -> None:
    rng = np.random.default_rng(3)
    data: dict[str, Any] = {}
    for j in range(200):
        kind = j % 4
        if kind == 0:
            data[f"email_{j}"] = [f"u{i}_{j}@example.com" for i in range(n_rows)]
        elif kind == 1:
            data[f"name_{j}"] = rng.choice(["Anna Berg", "Li Wei", "Omar Haddad", "Jo Kim"],
                                           n_rows)
        elif kind == 2:
            data[f"amount_{j}"] = rng.normal(size=n_rows)
        else:
            data[f"code_{j}"] = [f"K{i % 1000}" for i in range(n_rows)]
    df = pd.DataFrame(data)
    scan = case(f"scan, 200 columns x {n_rows:,} rows", lambda: nbaudit.scan_pii(df), None)
    case("  pseudonymize", lambda: scan.pseudonymize(key=KEY), 20.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    block_network("bench_big_input_pii")
    big = 200_000 if args.quick else 1_000_000
    print(f"nbaudit {nbaudit.__version__}\n")
    long_cells(300_000)
    long_cells(1_000_000)
    emails(big)
    wide(10_000)
    huge_cell()
    many_columns(100_000)
    print("\n" + case.summary())
    print(network_report())


if __name__ == "__main__":
    main()
