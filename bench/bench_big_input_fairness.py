"""Big and hostile input to `audit_fairness` and the fairness widget (issue 11), with targets.

What it measures (built here, offline, with a fixed seed)
---------------------------------------------------------
A sensitive feature with 10,000 distinct values (an email column passed by mistake), 20,000
rows, scores in [0, 1]:

* `audit_fairness(...)` on it: nbaudit refuses a sensitive feature with more distinct values
  than `max_groups` (default 100) and offers binning; target: the refusal in < 1 s;
* the same call with ``max_groups=None`` (the user insists): the Python audit (``by_group``,
  ``to_dict()``, ``at_threshold(0.3)``), target < 5 s; the widget build and one slider move,
  target < 1 s each, and the widget's state: target < 100 KB with none of the 10,000 raw
  labels in it (the widget shows at most `WIDGET_MAX_GROUPS` groups and a message beyond);
* a numeric feature with 10,000 distinct values (an exact income) binned with
  ``bins=10`` (quantile bins): audit + widget build + one slider move; target < 2 s.

Before the issue-11 change the 10,000-email case built the widget in 16.8 s, each slider move
took 17.3 s and the state held 4.6 MB of raw group labels (measured on a 2-core machine).

How to run
----------
    python bench/bench_big_input_fairness.py
"""

from __future__ import annotations

import inspect
import json
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
from _common import Cases, block_network, met, network_report  # noqa: E402

import nbaudit  # noqa: E402
from nbaudit.widgets.fairness import FairnessWidget  # noqa: E402

ROWS, DISTINCT = 20_000, 10_000


case = Cases(width=58)


def make_data() -> tuple[np.ndarray, np.ndarray, pd.Series, pd.Series]:
    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, ROWS)
    score = np.clip(0.3 * y + 0.7 * rng.random(ROWS), 0, 1)
    ids = rng.integers(0, DISTINCT, ROWS)
    ids[:DISTINCT] = np.arange(DISTINCT)  # every one of the 10,000 values occurs
    emails = pd.Series([f"user{i:05d}@example.org" for i in ids], name="email")
    income = pd.Series(20_000 + ids * 7.5, name="income")
    return y, score, emails, income


def state_size(widget: FairnessWidget) -> int:
    state = {k: v for k, v in widget.get_state().items() if k not in ("_esm", "_css")}
    return len(json.dumps(state))


def widget_case(label: str, make: Callable[[], Any], target: float | None,
                size_target: int = 1_000_000, raw: pd.Series | None = None) -> None:
    widget = case(f"{label}: audit + widget build", lambda: FairnessWidget(make()), target)
    case(f"{label}: one slider move", lambda: setattr(widget, "threshold", 0.3), target)
    size = state_size(widget)
    print(f"{label}: widget state {size / 1e6:.3f} MB "
          f"(target < {size_target / 1e6:g} MB: {met(size < size_target)}); "
          f"{len(widget.summary.get('groups', []))} groups in the state")
    if raw is not None:
        text = json.dumps({k: v for k, v in widget.get_state().items()
                           if k not in ("_esm", "_css")})
        leaked = sum(value in text for value in raw.unique())
        print(f"{label}: raw labels in the widget state: {leaked:,} "
              f"(target 0: {met(leaked == 0)})")


def main() -> None:
    block_network("bench_big_input_fairness")
    y, score, emails, income = make_data()
    print(f"{ROWS:,} rows; sensitive feature with {emails.nunique():,} distinct values")
    guarded = "max_groups" in inspect.signature(nbaudit.audit_fairness).parameters

    if not guarded:  # the code before the issue-11 change: no guard to measure
        widget_case("10,000 emails (no guard)",
                    lambda: nbaudit.audit_fairness(y, y_score=score,
                                                   sensitive_features=emails), None)
        print(network_report())
        return

    def refused() -> str:
        try:
            nbaudit.audit_fairness(y, y_score=score, sensitive_features=emails)
        except ValueError as exc:
            return str(exc)
        return "NOT refused"

    message = case("10,000 emails: refused by audit_fairness", refused, 1.0)
    print(f"  message: {message[:160]}...")
    def python_side() -> int:
        audit = nbaudit.audit_fairness(y, y_score=score, sensitive_features=emails,
                                       max_groups=None)
        audit.to_dict()
        return len(audit.at_threshold(0.3).by_group)

    case("10,000 emails, max_groups=None: Python audit, to_dict, at_threshold",
         python_side, 5.0)
    widget_case("10,000 emails, max_groups=None",
                lambda: nbaudit.audit_fairness(y, y_score=score, sensitive_features=emails,
                                               max_groups=None), 1.0, 100_000, emails)
    widget_case("10,000 incomes, bins=10",
                lambda: nbaudit.audit_fairness(y, y_score=score, sensitive_features=income,
                                               bins=10), 2.0)
    print(network_report())


if __name__ == "__main__":
    main()
