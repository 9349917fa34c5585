"""Big input to the re-identification API (issue 11), each timing printed with its target.

What it measures (frames built here, offline, with fixed seeds)
---------------------------------------------------------------
* `assess_risk` on 3,000 rows x 7 integer quasi-identifiers of ~2,000 values each (it raised
  OverflowError: the class keys wrapped int64), target < 2 s; k checked against pandas;
* `assess_risk` on 3,000 rows x 30 quasi-identifiers (the same OverflowError), target < 2 s;
* `search` with 8 numeric quasi-identifiers (100,000 rows; a lattice of about a million
  generalizations; it ran past 100 s): the time to the bounded result with the default
  budgets (60 s or 100,000 evaluations, the best generalization so far when cut short),
  target < 65 s; and with a 5 s budget, target < 10 s;
* whether the search finds the optimum: on 8 numeric quasi-identifiers x 10,000 rows (run to
  completion) against the same search without budgets, and on 3 quasi-identifiers x 2,000
  rows against brute force over every node;
* the greedy search on 30 quasi-identifiers (a lattice too large to list), target < 65 s;
* opening the re-identification view (`PiiScanWidget` -> `ReidRiskWidget`, every column a
  suggested quasi-identifier) on 200 columns x 100,000 rows (it failed with "Python int too
  large to convert to C long"), target < 60 s (the scan before it is timed, not targeted).

How to run
----------
    python bench/bench_big_input_risk.py            # every case (a few minutes)
    python bench/bench_big_input_risk.py --quick    # 20,000 rows instead of 100,000
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
from _common import Cases, block_network, network_report  # noqa: E402

import nbaudit  # noqa: E402

_cases = Cases()


def case(name: str, fn: Callable[[], Any], target: float | None) -> Any:
    return _cases(name, fn, target, keep_going=True)  # "before" runs raise: say so, go on


def group_k(df: pd.DataFrame) -> int:
    return int(df.groupby(list(df.columns), dropna=False).size().min())


def numeric(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": rng.integers(18, 91, n), "income": rng.integers(10_000, 200_000, n),
        "height": rng.normal(170, 10, n).round(1), "weight": rng.normal(75, 15, n).round(1),
        "children": rng.integers(0, 6, n), "years": rng.integers(0, 45, n),
        "score": rng.integers(300, 851, n), "hours": rng.integers(10, 70, n)})


def overflow_cases() -> None:
    rng = np.random.default_rng(0)
    df7 = pd.DataFrame({f"q{i}": rng.integers(0, 2_000, 3_000) for i in range(7)})
    risk = case("assess_risk, 3,000 rows x 7 int QIs of ~2,000 values",
                lambda: nbaudit.assess_risk(df7, list(df7.columns)), 2.0)
    if risk is not None:
        print(f"  k = {risk.k} (pandas group-by: {group_k(df7)})")
    df30 = pd.DataFrame({f"q{i}": rng.integers(0, 5, 3_000) for i in range(30)})
    risk = case("assess_risk, 3,000 rows x 30 QIs",
                lambda: nbaudit.assess_risk(df30, list(df30.columns)), 2.0)
    if risk is not None:
        print(f"  k = {risk.k} (pandas group-by: {group_k(df30)})")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = case("  search (greedy: lattice too large to list), k=3",
                         lambda: risk.search(k=3), 65.0)
        if found is not None:
            print(f"  lattice {found.lattice_size:.3g} nodes, {found.nodes_evaluated:,} "
                  f"evaluated, strategy {getattr(found, 'strategy', '?')}, k after "
                  f"{found.figures.k if found.figures else None}")


def search_cases(n_rows: int) -> None:
    df = numeric(n_rows, seed=1)
    risk = nbaudit.assess_risk(df, list(df.columns))
    size = math.prod(m + 1 for m in risk.max_levels.values())
    print(f"8 numeric QIs x {n_rows:,} rows: a lattice of {size:,} generalizations")
    found = case("search, 8 numeric QIs, default budgets", lambda: risk.search(k=5), 65.0)
    if found is not None:
        print(f"  {found.nodes_evaluated:,} evaluated, complete={getattr(found, 'complete', True)}"
              f", stopped={getattr(found, 'stopped', None)}, k after {found.figures.k}")
    try:
        short = case("search, 8 numeric QIs, max_seconds=5",
                     lambda: risk.search(k=5, max_seconds=5), 10.0)
        if short is not None:
            print(f"  {short.nodes_evaluated:,} evaluated, complete={short.complete}, "
                  f"info loss {short.info_loss:.1f} vs {found.info_loss:.1f} (default budgets)"
                  if found is not None and short.info_loss is not None else "  nothing found")
    except TypeError:
        pass  # a version without budgets


def optimum_cases() -> None:
    df = numeric(10_000)
    risk = nbaudit.assess_risk(df, list(df.columns))
    try:
        exact = risk.search(k=5, max_nodes=None, max_seconds=None)
    except TypeError:
        exact = risk.search(k=5)
    bounded = case("search, 8 numeric QIs x 10,000 rows (to completion)",
                   lambda: risk.search(k=5), 65.0)  # default budgets
    if bounded is not None:
        print(f"  optimum found: {bounded.levels == exact.levels} "
              f"(complete={getattr(bounded, 'complete', True)}, {bounded.nodes_evaluated:,} "
              f"of {bounded.lattice_size:,} nodes)")
    rng = np.random.default_rng(5)
    small = pd.DataFrame({f"x{i}": rng.integers(0, 60 + 15 * i, 2_000) for i in range(3)})
    risk = nbaudit.assess_risk(small, list(small.columns))
    found = risk.search(k=4, max_suppression=0.02)
    best = math.inf
    for node in np.ndindex(*[m + 1 for m in risk.max_levels.values()]):
        f = risk.evaluate(node, k=4, max_suppression=0.02)
        if f.satisfied:
            best = min(best, f.info_loss["entropy"])
    print(f"search = brute force on 3 QIs x 2,000 rows: {math.isclose(found.info_loss, best)}")


def wide_view(n_rows: int) -> None:
    from nbaudit.widgets.pii import PiiScanWidget

    rng = np.random.default_rng(3)
    data: dict[str, Any] = {}
    for j in range(200):
        kind = j % 4
        if kind == 0:
            data[f"age_{j}"] = rng.integers(18, 91, n_rows)
        elif kind == 1:
            data[f"zip_code_{j}"] = pd.Series(rng.integers(10_000, 99_999, n_rows)).astype(str)
        elif kind == 2:
            data[f"gender_{j}"] = rng.choice(["female", "male", "other"], n_rows)
        else:
            data[f"city_{j}"] = rng.choice(["Springfield", "Riverside", "Fairview", "Madison"],
                                           n_rows)
    df = pd.DataFrame(data)
    scan = case(f"scan_pii, 200 columns x {n_rows:,} rows", lambda: nbaudit.scan_pii(df), None)
    if scan is None:
        return
    print(f"  {len(scan.quasi_identifiers)} suggested quasi-identifiers")
    widget = PiiScanWidget()
    widget.scan = scan
    widget.send = lambda content, buffers=None: None  # type: ignore[method-assign]
    case("  open the re-identification view", lambda: widget._handle_open_reid({}), 60.0)
    if widget.reid is None or widget.reid.risk is None:
        print("  the view did not open")
    else:
        print(f"  k = {widget.reid.current.get('k')}, note: "
              f"{widget.reid.setup.get('search_note', '')[:70]}...")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    block_network("bench_big_input_risk")
    n_rows = 20_000 if args.quick else 100_000
    print(f"nbaudit {nbaudit.__version__}\n")
    overflow_cases()
    search_cases(n_rows)
    optimum_cases()
    wide_view(n_rows)
    print()
    for name, seconds, target in _cases.rows:
        mark = "" if target is None else (" ok" if seconds < target else " MISSED")
        print(f"{name.strip():<62} {seconds:8.2f} s{mark}")
    print(network_report())


if __name__ == "__main__":
    main()
