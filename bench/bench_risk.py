"""Benchmark `nbaudit.assess_risk` against pycanon, pandas and ARX's figures, offline, in one run.

What it measures
----------------
Part A, a seeded synthetic frame of 1,000,000 rows x 5 quasi-identifiers (age, zip, sex, dob,
city; hierarchies built from the data) plus one sensitive column (diagnosis):
  * `assess_risk(df, qis, sensitive=[...])` (it builds the five hierarchies and encodes);
  * two generalizations, produced with `risk.apply(levels)` (untimed): "mid" (every
    quasi-identifier about half-way up its hierarchy, about 60,000 classes) and "coarse"
    (zip cut to one digit, about 6,500 classes). pycanon loops over classes, so its time
    grows with their number while nbaudit's barely moves: the ratios depend on it;
  * k: nbaudit's explorer operation `risk.evaluate(levels)` (codes already held; median of
    5), the from-scratch `assess_risk(generalized, qis).k` (median of 3; it rebuilds
    hierarchies from the generalized frame), the same with flat hierarchies given (factorize
    and encode only), pycanon `anonymity.k_anonymity` (median of 3) and pandas
    `groupby(qis, dropna=False, observed=True).size().min()` as a plain reference;
  * l (distinct l-diversity of diagnosis): `evaluate` with the sensitive attribute,
    `assess_risk(generalized, qis, sensitive=[s]).l_diversity`, pycanon
    `anonymity.l_diversity` (one run: up to ~30 s) and pandas `groupby(...).nunique().min()`;
  * every tool must give the same k and l; the targets: nbaudit >= 15x pycanon for k and
    >= 50x for l;
  * the explorer widget's update after a slider move, `risk.evaluate(levels, k=5,
    max_suppression=0.04)` + `risk.riskiest(8, levels=levels)`, for six level vectors (median of 3
    each); target < 300 ms.
Part B, Adult as shipped by ARX (30,162 rows, 9 quasi-identifiers, ARX's hierarchies), optimal
search for k=5, 4% suppression, metric entropy: cold (a fresh Python process), warm on the
same `RiskAssessment` and warm on a fresh one each time (median of 3); nodes evaluated of the
12,960; the result must be ARX's [1,0,1,1,3,2,2,0,1]. ARX on these machines: 0.68 s warm,
1.3 s cold, 2,766 nodes. Goal: faster than ARX, never above 2 s.
Part C, Adult resampled (with replacement, seeded) to 1,000,000 rows, k=166 (= 5 x
1,000,000 / 30,162: Adult's k=5 scaled) and 4% suppression, in a fresh process: the time of
`assess_risk` (encoding) and of `search`, nodes evaluated, the peak RSS during them (Linux
VmHWM, reset after the frame is built; the child's `ru_maxrss` is printed but not used: it
starts at the parent's peak RSS) and tracemalloc's peak (Python-heap allocations, numpy
buffers included; a separate run, since tracing slows allocation). ARX: 0.64 s, ~1 GB of heap.
It ends with a plain-text summary to paste into a README.

Every figure is measured in the same run, with `time.perf_counter`. Nothing touches the
network: outgoing internet connections are refused (and counted), in the child processes too.
pycanon is optional: without it the pycanon comparisons are skipped (install it with
``pip install pycanon`` then ``pip install -U typing-extensions``). pycanon drops rows with a
null quasi-identifier and its l_diversity breaks on a non-RangeIndex: the generalized frames
have a RangeIndex and no nulls (checked).

How to run
----------
    python bench/bench_risk.py            # Parts A and C at 1,000,000 rows (~2.5 min)
    python bench/bench_risk.py --quick    # 100,000 rows, no pycanon l_diversity (< 1 min)
    python bench/bench_risk.py --rows 300000 --data /path/to/shared/data
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from _common import (
    block_network,
    fmt_s,
    heading,
    median_time,
    met,
    network_report,
    package_version,
    runs_text,
    same,
    timed,
)

T = TypeVar("T")

FULL_ROWS = 1_000_000
QUICK_ROWS = 100_000
SEED = 0
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# Part A: the synthetic frame
QIS = ["age", "zip", "sex", "dob", "city"]
SENSITIVE = "diagnosis"
CITIES = ["Springfield", "Riverside", "Franklin", "Greenville", "Bristol", "Clinton",
          "Fairview", "Salem", "Madison", "Georgetown"]
DIAGNOSES = ["flu", "asthma", "diabetes", "hypertension", "migraine", "bronchitis",
             "gastritis", "none"]
N_ZIPS = 300
GENERALIZATIONS: dict[str, dict[str, int]] = {
    "mid": {"age": 3, "zip": 3, "sex": 0, "dob": 3, "city": 1},
    "coarse": {"age": 3, "zip": 4, "sex": 0, "dob": 3, "city": 1},
}
WIDGET_LEVELS: list[dict[str, int]] = [
    {"age": 1, "zip": 0, "sex": 0, "dob": 0, "city": 0},  # one step from the original
    {"age": 1, "zip": 2, "sex": 0, "dob": 2, "city": 0},
    {"age": 2, "zip": 3, "sex": 0, "dob": 3, "city": 1},
    GENERALIZATIONS["mid"],
    GENERALIZATIONS["coarse"],
    {"age": 4, "zip": 4, "sex": 1, "dob": 3, "city": 2},
]
EVAL_RUNS = 5
SCRATCH_RUNS = 3
PEER_RUNS = 3
WIDGET_RUNS = 3
WIDGET_K = 5
SUPPRESSION = 0.04
RISKIEST_N = 8
TARGET_K_RATIO = 15.0
TARGET_L_RATIO = 50.0
TARGET_WIDGET_S = 0.300

# Parts B and C: Adult as shipped by ARX
ADULT_ORDER = ["sex", "age", "race", "marital-status", "education", "native-country",
               "workclass", "occupation", "salary-class"]
ADULT_K = 5
ADULT_EXPECTED = [1, 0, 1, 1, 3, 2, 2, 0, 1]
ADULT_EXPECTED_IL = 255559.85455731067  # ARX's TestAnonymizationKAnonymity, k=5, 4%
ADULT_LATTICE = 12_960
ARX_WARM_S = 0.68
ARX_COLD_S = 1.3
ARX_NODES = 2_766
ARX_1M_S = 0.64
TARGET_SEARCH_MAX_S = 2.0
SEARCH_RUNS = 5


# --- timing helpers ---------------------------------------------------------------------


def ru_maxrss_mb() -> float:
    """`ru_maxrss` of this process, in MB (Linux reports KiB). Caution: on Linux a process
    spawned by another starts with the parent's peak RSS as its ru_maxrss."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


def proc_status_mb(name: str) -> float | None:
    """A field of /proc/self/status (VmRSS: resident now; VmHWM: peak resident since the
    program started or the last reset), in MB; None where there is no /proc."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(f"{name}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def reset_peak_rss() -> bool:
    """Reset VmHWM, the kernel's peak RSS of this process ("5" > /proc/self/clear_refs), so
    that it then measures the peak of what follows. False if not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        return False
    now, peak = proc_status_mb("VmRSS"), proc_status_mb("VmHWM")
    return now is not None and peak is not None and peak <= now + 1.0


# --- pycanon ----------------------------------------------------------------------------
def load_pycanon() -> Any | None:
    """pycanon's `anonymity` module, or None (with how to install it)."""
    try:
        return importlib.import_module("pycanon.anonymity")
    except Exception as exc:  # ImportError, or its old typing-extensions clashing
        print(f"pycanon is not usable here ({type(exc).__name__}: {exc}).\n"
              "Install it with:  pip install pycanon  then  pip install -U typing-extensions\n"
              "(pycanon pins an old typing-extensions). The pycanon comparisons are skipped.")
        return None


def pycanon_ready(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The frame as pycanon needs it: a RangeIndex (its l_diversity breaks otherwise) and
    no nulls (it drops such rows where nbaudit counts them as a class)."""
    nulls = int(frame[columns].isna().sum().sum())
    if nulls:
        raise ValueError(f"{nulls} nulls in {columns}: pycanon would drop those rows")
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index(drop=True)
    return frame


# --- Part A: the synthetic frame --------------------------------------------------------
def synthetic_frame(n: int, seed: int = SEED) -> pd.DataFrame:
    """n rows: age 18-90, a 5-digit zip among 300, sex, a date of birth over 70 years, a city
    among 10, and a diagnosis among 8 (the sensitive attribute). Uniform and independent."""
    rng = np.random.default_rng(seed)
    zips = rng.choice(np.arange(10_000, 100_000), N_ZIPS, replace=False).astype(str)
    days = rng.integers(0, 70 * 365, n).astype("timedelta64[D]")
    return pd.DataFrame({
        "age": rng.integers(18, 91, n),
        "zip": zips[rng.integers(0, N_ZIPS, n)],
        "sex": np.array(["F", "M"])[rng.integers(0, 2, n)],
        "dob": np.datetime64("1935-01-01") + days,
        "city": np.array(CITIES)[rng.integers(0, len(CITIES), n)],
        SENSITIVE: np.array(DIAGNOSES)[rng.integers(0, len(DIAGNOSES), n)],
    })


@dataclass
class Timing:
    """One tool's answer and seconds (median) on one generalization."""

    label: str
    seconds: float | None
    value: int | None
    runs: list[float] = field(default_factory=list)
    note: str = ""


@dataclass
class Generalization:
    name: str
    levels: dict[str, int]
    n_classes: int
    k_rows: list[Timing]
    l_rows: list[Timing]

    def get(self, which: str, label: str) -> Timing:
        """The row `label` of the k table (which="k") or the l table (which="l")."""
        rows = self.k_rows if which == "k" else self.l_rows
        return next(t for t in rows if t.label == label)

    def agree(self, which: str) -> bool:
        rows = self.k_rows if which == "k" else self.l_rows
        return len({t.value for t in rows if t.value is not None}) == 1


@dataclass
class WidgetCase:
    levels: dict[str, int]
    n_classes: int
    evaluate_s: float
    riskiest_s: float
    total_s: float
    satisfied: bool


@dataclass
class PartA:
    rows: int
    frame_s: float
    assess_s: float
    assess_given_s: float
    generalizations: list[Generalization]
    widget: list[WidgetCase]

    @property
    def widget_median_s(self) -> float:
        return statistics.median(w.total_s for w in self.widget)

    @property
    def widget_worst_s(self) -> float:
        return max(w.total_s for w in self.widget)


def fresh(risk: Any) -> Any:
    """The assessment with its one-entry class cache emptied (so a timing starts cold)."""
    risk.encoding._last_classes = None
    return risk


def describe_levels(risk: Any, levels: dict[str, int]) -> str:
    parts = []
    for q, lv in levels.items():
        text = risk.hierarchies[q].describe_level(lv)
        parts.append(f"{q}={lv} ({text.split(', e.g.')[0]})")
    return ", ".join(parts)


def flat_hierarchies(frame: pd.DataFrame, qis: list[str]) -> dict[str, Any]:
    """A two-level hierarchy (value, *) per column: assess_risk then only factorizes and
    encodes, it builds nothing from the data."""
    import nbaudit

    return {q: nbaudit.Hierarchy.from_frame(pd.DataFrame({0: pd.unique(frame[q].astype(str)),
                                                          1: "*"})) for q in qis}


def run_generalization(name: str, levels: dict[str, int], risk: Any, risk_k: Any,
                       anonymity: Any | None, quick: bool) -> Generalization:
    import nbaudit

    bad = {q: lv for q, lv in levels.items() if lv > risk.hierarchies[q].max_level}
    if bad:
        raise SystemExit(f"levels {bad} are above the hierarchies' maxima {risk.max_levels}")
    gen = risk.apply(levels)
    print(f"\n-- {name}: {describe_levels(risk, levels)}")

    k_rows: list[Timing] = []
    l_rows: list[Timing] = []
    # Each timed call starts cold: the encoding keeps the last levels' classes (the explorer
    # reuses them within one update), which would make repeated calls of the same levels free.
    fig, s, runs = median_time(lambda: fresh(risk_k).evaluate(levels), EVAL_RUNS)
    k_rows.append(Timing("nbaudit evaluate", s, fig.k, runs, "risk.evaluate(levels), no "
                         "sensitive attribute: the explorer's operation"))
    fig, s, runs = median_time(lambda: fresh(risk).evaluate(levels), EVAL_RUNS)
    n_classes = fig.n_classes
    l_rows.append(Timing("nbaudit evaluate", s, fig.l_diversity[SENSITIVE], runs,
                         "risk.evaluate(levels) with the sensitive attribute (k, l, t at once)"))
    value, s, runs = median_time(lambda: nbaudit.assess_risk(gen, QIS).k, SCRATCH_RUNS)
    k_rows.append(Timing("nbaudit from scratch", s, value, runs,
                         "assess_risk(generalized, qis).k: builds hierarchies, factorizes"))
    flat = flat_hierarchies(gen, QIS)
    value, s, runs = median_time(lambda: nbaudit.assess_risk(gen, QIS, hierarchies=flat).k,
                                 SCRATCH_RUNS)
    k_rows.append(Timing("nbaudit, hierarchies given", s, value, runs,
                         "the same with flat hierarchies passed: factorize + encode only"))
    value, s, runs = median_time(
        lambda: nbaudit.assess_risk(gen, QIS, sensitive=[SENSITIVE]).l_diversity[SENSITIVE],
        SCRATCH_RUNS)
    l_rows.append(Timing("nbaudit from scratch", s, value, runs,
                         "assess_risk(generalized, qis, sensitive=[s]).l_diversity"))
    value, s, runs = median_time(
        lambda: nbaudit.assess_risk(gen, QIS, sensitive=[SENSITIVE],
                                    hierarchies=flat).l_diversity[SENSITIVE], SCRATCH_RUNS)
    l_rows.append(Timing("nbaudit, hierarchies given", s, value, runs,
                         "the same with flat hierarchies passed"))

    groups, s, runs = median_time(
        lambda: gen.groupby(QIS, dropna=False, observed=True).size(), PEER_RUNS)
    k_rows.append(Timing("pandas groupby", s, int(groups.min()), runs,
                         "groupby(qis, dropna=False, observed=True).size().min()"))
    pandas_classes = len(groups)
    value, s, runs = median_time(
        lambda: int(gen.groupby(QIS, dropna=False, observed=True)[SENSITIVE].nunique().min()),
        PEER_RUNS)
    l_rows.append(Timing("pandas groupby", s, value, runs,
                         "groupby(...)[s].nunique().min()"))

    if anonymity is None:
        k_rows.append(Timing("pycanon", None, None, note="not installed"))
        l_rows.append(Timing("pycanon", None, None, note="not installed"))
    else:
        frame = pycanon_ready(gen, [*QIS, SENSITIVE])
        try:
            value, s, runs = median_time(lambda: int(anonymity.k_anonymity(frame, QIS)),
                                         PEER_RUNS)
            k_rows.append(Timing("pycanon", s, value, runs, "anonymity.k_anonymity(df, qis)"))
        except Exception as exc:  # a failure is a result worth reporting
            k_rows.append(Timing("pycanon", None, None, note=f"FAILED: {exc!r}"))
        if quick:
            l_rows.append(Timing("pycanon", None, None, note="skipped (--quick)"))
        else:
            print("running pycanon anonymity.l_diversity once (up to ~30 s) ...", flush=True)
            try:
                value, s = timed(lambda: int(anonymity.l_diversity(frame, QIS, [SENSITIVE])))
                l_rows.append(Timing("pycanon", s, value, [s],
                                     "anonymity.l_diversity(df, qis, [s]), one run"))
            except Exception as exc:  # a failure is a result worth reporting
                l_rows.append(Timing("pycanon", None, None, note=f"FAILED: {exc!r}"))

    result = Generalization(name, levels, n_classes, k_rows, l_rows)
    print(f"{n_classes:,} equivalence classes (pandas groupby: {pandas_classes:,}, "
          f"{same(n_classes == pandas_classes)})")
    print_rows("k-anonymity", "k", k_rows)
    print_rows(f"distinct l-diversity of {SENSITIVE}", "l", l_rows)
    print_ratios(result)
    return result


def print_rows(what: str, symbol: str, rows: list[Timing]) -> None:
    print(f"{what}:")
    for t in rows:
        if t.seconds is None:
            print(f"  {t.label:<28}{'-':>10}  {'':>6}  {t.note}")
            continue
        runs = f"  (median of {runs_text(t.runs)})" if len(t.runs) > 1 else ""
        print(f"  {t.label:<28}{fmt_s(t.seconds):>10}  {symbol}={t.value!s:<4}{t.note}{runs}")
    values = {t.value for t in rows if t.value is not None}
    print(f"  answers: {same(len(values) == 1)} ({', '.join(map(str, sorted(values)))})")


def tsec(t: Timing) -> str:
    """A row's seconds, or why it has none."""
    return fmt_s(t.seconds) if t.seconds is not None else t.note


def ratio(peer: Timing, ours: Timing) -> float | None:
    if peer.seconds is None or ours.seconds is None:
        return None
    return peer.seconds / ours.seconds


def ratio_text(r: float | None, target: float) -> str:
    if r is None:
        return "n/a"
    shown = f"{r:,.1f}x" if r < 10 else f"{r:,.0f}x"
    return f"{shown} ({met(r >= target)})"


def print_ratios(g: Generalization) -> None:
    pk = g.get("k", "pycanon")
    pl = g.get("l", "pycanon")
    print(f"speed ratios pycanon / nbaudit (targets: k >= {TARGET_K_RATIO:.0f}x, "
          f"l >= {TARGET_L_RATIO:.0f}x):")
    for label in ("nbaudit evaluate", "nbaudit from scratch", "nbaudit, hierarchies given"):
        print(f"  {label:<28} k {ratio_text(ratio(pk, g.get('k', label)), TARGET_K_RATIO):<18}"
              f" l {ratio_text(ratio(pl, g.get('l', label)), TARGET_L_RATIO)}")
    if pk.seconds is None or pl.seconds is None:
        print(f"  (pycanon: k {pk.note or 'ok'}; l {pl.note or 'ok'})")


def run_widget(risk: Any) -> list[WidgetCase]:
    print(f"\nwidget update after a slider move: risk.evaluate(levels, k={WIDGET_K}, "
          f"max_suppression={SUPPRESSION}) + risk.riskiest({RISKIEST_N}, levels=levels); "
          f"median of {WIDGET_RUNS} each (target < {TARGET_WIDGET_S * 1000:.0f} ms)")
    print(f"  {'levels (age, zip, sex, dob, city)':<36}{'classes':>10}{'evaluate':>11}"
          f"{'riskiest':>11}{'update':>11}  k={WIDGET_K} within 4%")
    cases = []
    for levels in WIDGET_LEVELS:
        ev_times, rk_times, totals = [], [], []
        fig = None
        for _ in range(WIDGET_RUNS):
            fig, ev_s = timed(lambda lv=levels: fresh(risk).evaluate(lv, k=WIDGET_K,
                                                               max_suppression=SUPPRESSION))
            _, rk_s = timed(lambda lv=levels: risk.riskiest(RISKIEST_N, levels=lv))
            ev_times.append(ev_s)
            rk_times.append(rk_s)
            totals.append(ev_s + rk_s)
        assert fig is not None
        n_classes = len(risk.encoding.class_keys(tuple(levels[q] for q in QIS))[1])
        case = WidgetCase(levels, n_classes, statistics.median(ev_times),
                          statistics.median(rk_times), statistics.median(totals), fig.satisfied)
        cases.append(case)
        vec = str(tuple(levels[q] for q in QIS))
        print(f"  {vec:<36}{n_classes:>10,}{fmt_s(case.evaluate_s):>11}"
              f"{fmt_s(case.riskiest_s):>11}{fmt_s(case.total_s):>11}  "
              f"{'yes' if case.satisfied else 'no'}  {met(case.total_s < TARGET_WIDGET_S)}")
    return cases


def run_part_a(rows: int, quick: bool, anonymity: Any | None) -> PartA:
    import nbaudit

    heading(f"Part A: {rows:,} rows x {len(QIS)} quasi-identifiers + 1 sensitive (synthetic)")
    df, frame_s = timed(lambda: synthetic_frame(rows))
    mb = df.memory_usage(deep=True).sum() / 1e6
    print(f"frame built in {fmt_s(frame_s)} (seed {SEED}): {df.shape[0]:,} rows x "
          f"{df.shape[1]}, {mb:,.0f} MB; dtypes " +
          ", ".join(f"{c} {t}" for c, t in df.dtypes.astype(str).items()))
    risk, assess_s = timed(lambda: nbaudit.assess_risk(df, QIS, sensitive=[SENSITIVE]))
    print(f"assess_risk(df, qis, sensitive=[{SENSITIVE!r}]): {fmt_s(assess_s)} (builds the "
          f"hierarchies from the data, then encodes); {risk!r}")
    risk_k, given_s = timed(lambda: nbaudit.assess_risk(df, QIS, hierarchies=risk.hierarchies))
    print(f"assess_risk(df, qis, hierarchies=<those>), no sensitive: {fmt_s(given_s)} "
          "(encoding only)")
    for q in QIS:
        h = risk.hierarchies[q]
        steps = "; ".join(f"{lv}: {h.describe_level(lv)}" for lv in range(h.max_level + 1))
        print(f"  hierarchy {q} ({h.kind}, max level {h.max_level}): {steps}")

    gens = [run_generalization(name, levels, risk, risk_k, anonymity, quick)
            for name, levels in GENERALIZATIONS.items()]
    widget = run_widget(risk)
    return PartA(rows, frame_s, assess_s, given_s, gens, widget)


# --- Part B: optimal search on Adult ----------------------------------------------------
def adult_inputs(data: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    import nbaudit

    df = pd.read_csv(data / "adult_arx.csv", sep=";")
    hierarchies = {a: nbaudit.Hierarchy.from_csv(data / f"adult_arx_hierarchy_{a}.csv")
                   for a in ADULT_ORDER}
    return df, hierarchies


def child_adult_cold(data: Path) -> dict[str, Any]:
    """In a fresh process: import, load, assess_risk and the first search, timed apart."""
    nbaudit, import_s = timed(lambda: importlib.import_module("nbaudit"))
    (df, hierarchies), load_s = timed(lambda: adult_inputs(data))
    risk, assess_s = timed(lambda: nbaudit.assess_risk(df, ADULT_ORDER, hierarchies=hierarchies))
    result, search_s = timed(lambda: risk.search(k=ADULT_K, max_suppression=SUPPRESSION,
                                                 metric="entropy"))
    return {"import_s": import_s, "load_s": load_s, "assess_s": assess_s, "search_s": search_s,
            "levels": list(result.levels.values()) if result.levels else None,
            "nodes": result.nodes_evaluated}


def run_child(kind: str, extra: list[str], timeout: float) -> tuple[dict[str, Any] | None, float]:
    """Run this script in a fresh Python process for one measurement: (its JSON, wall s)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, *extra]
    try:
        proc, wall = timed(lambda: subprocess.run(cmd, capture_output=True, text=True,
                                                  timeout=timeout))
    except subprocess.TimeoutExpired:
        print(f"child process {kind!r} timed out after {timeout:.0f} s")
        return None, timeout
    if proc.returncode != 0:
        print(f"child process {kind!r} failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
        return None, wall
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall


@dataclass
class PartB:
    cold: dict[str, Any] | None
    cold_wall_s: float
    first_s: float
    warm_same_s: float
    warm_same_runs: list[float]
    warm_fresh_s: float
    warm_fresh_runs: list[float]
    levels: list[int] | None
    nodes: int
    lattice: int
    info_loss: float | None
    classes: int
    suppressed: int

    @property
    def all_times(self) -> list[float]:
        times = [self.first_s, *self.warm_same_runs, *self.warm_fresh_runs]
        return times + ([self.cold["search_s"]] if self.cold else [])


def run_part_b(data: Path) -> PartB:
    import nbaudit

    heading(f"Part B: Adult (ARX), {len(ADULT_ORDER)} quasi-identifiers, optimal search k="
            f"{ADULT_K}, {SUPPRESSION:.0%} suppression, entropy")
    print("cold: a fresh Python process (import nbaudit, read the CSVs, assess_risk, first "
          "search) ...", flush=True)
    cold, cold_wall = run_child("adult-cold", ["--data", str(data)], timeout=300)
    if cold:
        print(f"  import nbaudit {fmt_s(cold['import_s'])} (pandas, numpy already loaded), "
              f"read CSVs {fmt_s(cold['load_s'])}, assess_risk {fmt_s(cold['assess_s'])}, "
              f"first search {fmt_s(cold['search_s'])} ({cold['nodes']:,} nodes, "
              f"{cold['levels']}); whole process {fmt_s(cold_wall)} including interpreter "
              "start and every import")

    df, hierarchies = adult_inputs(data)
    print(f"Adult: {df.shape[0]:,} rows x {df.shape[1]}; hierarchies' max levels " +
          ", ".join(f"{a} {hierarchies[a].max_level}" for a in ADULT_ORDER))

    def search(risk: Any) -> Any:
        return risk.search(k=ADULT_K, max_suppression=SUPPRESSION, metric="entropy")

    risk = nbaudit.assess_risk(df, ADULT_ORDER, hierarchies=hierarchies)
    result, first_s = timed(lambda: search(risk))
    _, same_s, same_runs = median_time(lambda: search(risk), SEARCH_RUNS)
    fresh_runs = []
    for _ in range(SEARCH_RUNS):
        fresh = nbaudit.assess_risk(df, ADULT_ORDER, hierarchies=hierarchies)
        fresh_runs.append(timed(lambda r=fresh: search(r))[1])
    levels = list(result.levels.values()) if result.levels else None
    fig = result.figures
    b = PartB(cold, cold_wall, first_s, same_s, same_runs, statistics.median(fresh_runs),
              fresh_runs, levels, result.nodes_evaluated, result.lattice_size,
              result.info_loss, fig.n_classes if fig else 0, fig.suppressed if fig else 0)
    print(f"first search in this process (after Part A): {fmt_s(first_s)}")
    print(f"warm, same RiskAssessment:    {fmt_s(same_s)} (median of {runs_text(same_runs)})")
    print(f"warm, fresh assess_risk each: {fmt_s(b.warm_fresh_s)} (median of "
          f"{runs_text(fresh_runs)}; search only, assess_risk ~20 ms untimed)")
    verdict = "as ARX" if levels == ADULT_EXPECTED else f"NOT ARX's {ADULT_EXPECTED}"
    print(f"result {levels}: {verdict}; info loss {result.info_loss!r} (ARX "
          f"{ADULT_EXPECTED_IL!r}); {b.classes:,} classes kept, {b.suppressed:,} records "
          "suppressed")
    print(f"nodes evaluated: {b.nodes:,} of {b.lattice:,} (ARX: {ARX_NODES:,})")
    cold_s = cold["search_s"] if cold else None
    print(f"vs ARX on these machines ({ARX_WARM_S} s warm, {ARX_COLD_S} s cold): warm "
          f"{met(same_s < ARX_WARM_S)} ({ARX_WARM_S / same_s:.2f}x), cold "
          + (f"{met(cold_s < ARX_COLD_S)} ({ARX_COLD_S / cold_s:.2f}x)" if cold_s else "n/a")
          + f"; slowest search {fmt_s(max(b.all_times))} (never above "
          f"{TARGET_SEARCH_MAX_S:.0f} s: {met(max(b.all_times) <= TARGET_SEARCH_MAX_S)})")
    return b


# --- Part C: Adult resampled ------------------------------------------------------------
def scaled_k(rows: int, n_adult: int = 30_162) -> int:
    """Adult's k=5 scaled to `rows` resampled records (166 at 1,000,000)."""
    return max(2, round(ADULT_K * rows / n_adult))


def child_adult_resampled(data: Path, rows: int) -> dict[str, Any]:
    """In a fresh process: Adult resampled to `rows`; assess_risk and search timed, then
    the same again under tracemalloc for the peak of Python-heap allocations."""
    import nbaudit

    df, hierarchies = adult_inputs(data)
    rng = np.random.default_rng(SEED)
    big = df.iloc[rng.integers(0, len(df), rows)].reset_index(drop=True)
    k = scaled_k(rows, len(df))
    hwm_frame = proc_status_mb("VmHWM")  # the peak so far: reading Adult, building the frame
    rss_before = proc_status_mb("VmRSS")
    reset = reset_peak_rss()

    def assess() -> Any:
        return nbaudit.assess_risk(big, ADULT_ORDER, hierarchies=hierarchies)

    def search(risk: Any) -> Any:
        return risk.search(k=k, max_suppression=SUPPRESSION, metric="entropy")

    risk, assess_s = timed(assess)
    result, search_s = timed(lambda: search(risk))
    _, warm_s, warm_runs = median_time(lambda: search(risk), 2)
    hwm_work = proc_status_mb("VmHWM")
    ru_end = ru_maxrss_mb()

    del risk
    tracemalloc.start()
    risk = assess()
    assess_peak = tracemalloc.get_traced_memory()[1]
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    search(risk)
    search_peak = tracemalloc.get_traced_memory()[1] - held
    tracemalloc.stop()
    fig = result.figures
    return {
        "rows": rows, "k": k, "distinct": len(risk.encoding.base), "assess_s": assess_s,
        "search_s": search_s, "warm_s": warm_s, "warm_runs": warm_runs,
        "nodes": result.nodes_evaluated, "lattice": result.lattice_size,
        "levels": list(result.levels.values()) if result.levels else None,
        "classes": fig.n_classes if fig else 0, "suppressed": fig.suppressed if fig else 0,
        "min_class": fig.k if fig else 0, "hwm_frame_mb": hwm_frame,
        "rss_before_mb": rss_before, "peak_reset": reset, "hwm_work_mb": hwm_work,
        "ru_maxrss_mb": ru_end,
        "tm_assess_mb": assess_peak / 1e6, "tm_search_mb": search_peak / 1e6,
        "frame_mb": big.memory_usage(deep=False).sum() / 1e6,
    }


def run_part_c(data: Path, rows: int) -> dict[str, Any] | None:
    heading(f"Part C: Adult resampled to {rows:,} rows, k={scaled_k(rows)}, "
            f"{SUPPRESSION:.0%} suppression (fresh process)")
    parent_rss, parent_peak = proc_status_mb("VmRSS"), proc_status_mb("VmHWM")
    c, wall = run_child("adult-resampled", ["--data", str(data), "--rows", str(rows)],
                        timeout=900)
    if c is None:
        return None
    print(f"{c['rows']:,} rows sampled with replacement (seed {SEED}), {c['distinct']:,} "
          f"distinct combinations; the frame holds {c['frame_mb']:,.0f} MB of pointers to "
          "Adult's strings (shared, so a deep count would overstate it)")
    print(f"assess_risk (encoding):  {fmt_s(c['assess_s'])}")
    print(f"search k={c['k']}, {SUPPRESSION:.0%}:     {fmt_s(c['search_s'])} first; "
          f"{fmt_s(c['warm_s'])} warm (median of {runs_text(c['warm_runs'])})")
    print(f"assess + first search:   {fmt_s(c['assess_s'] + c['search_s'])} "
          f"(ARX: {ARX_1M_S} s; {met(c['assess_s'] + c['search_s'] < ARX_1M_S)})")
    as_adult = "the same as" if c["levels"] == ADULT_EXPECTED else "differs from"
    print(f"nodes evaluated: {c['nodes']:,} of {c['lattice']:,}; result {c['levels']} "
          f"({as_adult} Adult's k={ADULT_K} optimum); {c['classes']:,} classes kept, smallest "
          f"{c['min_class']:,}, {c['suppressed']:,} records suppressed")
    if c["peak_reset"]:
        before = c["rss_before_mb"]
        print(f"memory, RSS (/proc/self/status): {before:,.0f} MB resident before assess_risk "
              f"(interpreter, pandas, Adult, the resampled frame); peak during assess_risk and "
              f"the 3 searches {c['hwm_work_mb']:,.0f} MB (VmHWM, reset just before), i.e. "
              f"+{c['hwm_work_mb'] - before:,.0f} MB; the child's peak while building the frame "
              f"{c['hwm_frame_mb']:,.0f} MB")
    else:
        print("memory, RSS: the peak could not be reset (no /proc/self/clear_refs): nbaudit's "
              "share is not separable from building the frame")
    print(f"memory, ru_maxrss of the child: {c['ru_maxrss_mb']:,.0f} MB. Not used: on Linux a "
          f"process spawned by another starts with the parent's peak RSS as its ru_maxrss (this "
          f"parent: {parent_peak or 0:,.0f} MB peak, {parent_rss or 0:,.0f} MB resident)")
    print(f"memory, tracemalloc (Python heap incl. numpy buffers, a separate traced run): "
          f"peak {c['tm_assess_mb']:,.0f} MB in assess_risk, {c['tm_search_mb']:,.0f} MB in "
          "search above what the assessment holds (ARX: ~1 GB of JVM heap)")
    print(f"(child process wall time {fmt_s(wall)})")
    return c


def rss_summary(c: dict[str, Any]) -> str:
    if c["peak_reset"]:
        return (f"peak RSS {c['hwm_work_mb']:,.0f} MB during assess_risk + search "
                f"(+{c['hwm_work_mb'] - c['rss_before_mb']:,.0f} MB over the "
                f"{c['rss_before_mb']:,.0f} MB held before, the frame included)")
    return f"peak RSS n/a (ru_maxrss {c['ru_maxrss_mb']:,.0f} MB, parent's included)"


# --- summary ----------------------------------------------------------------------------
def print_summary(a: PartA | None, b: PartB | None, c: dict[str, Any] | None,
                  anonymity: Any | None) -> None:
    heading("Summary (paste into a README)")
    if a is not None:
        for g in a.generalizations:
            head = f"{a.rows:,} x {len(QIS)} QIs, {g.name} ({g.n_classes:,} classes)"
            ek, sk, gk = (g.get("k", x) for x in ("nbaudit evaluate", "nbaudit from scratch",
                                                  "nbaudit, hierarchies given"))
            pk, dk = g.get("k", "pycanon"), g.get("k", "pandas groupby")
            print(f"k-anonymity, {head}: nbaudit evaluate {tsec(ek)}, from scratch "
                  f"{tsec(sk)} ({tsec(gk)} with hierarchies given); pycanon {tsec(pk)}; "
                  f"pandas groupby {tsec(dk)}; pycanon / nbaudit "
                  f"{ratio_text(ratio(pk, ek), TARGET_K_RATIO)}, from scratch "
                  f"{ratio_text(ratio(pk, sk), TARGET_K_RATIO)} (target >= "
                  f"{TARGET_K_RATIO:.0f}x); k={ek.value}, answers {same(g.agree('k'))}")
            el, sl = g.get("l", "nbaudit evaluate"), g.get("l", "nbaudit from scratch")
            pl = g.get("l", "pycanon")
            print(f"l-diversity, {head}: nbaudit evaluate {tsec(el)}, from scratch "
                  f"{tsec(sl)}; pycanon {tsec(pl)}; pycanon / nbaudit "
                  f"{ratio_text(ratio(pl, el), TARGET_L_RATIO)}, from scratch "
                  f"{ratio_text(ratio(pl, sl), TARGET_L_RATIO)} (target >= "
                  f"{TARGET_L_RATIO:.0f}x); l={el.value}, answers {same(g.agree('l'))}")
        worst = max(a.widget, key=lambda w: w.total_s)
        print(f"widget update (evaluate k={WIDGET_K}, 4% + riskiest({RISKIEST_N})) at "
              f"{a.rows:,} rows, {len(a.widget)} level vectors: median "
              f"{a.widget_median_s * 1000:.0f} ms, worst {a.widget_worst_s * 1000:.0f} ms at "
              f"{tuple(worst.levels.values())} ({worst.n_classes:,} classes) (target < "
              f"{TARGET_WIDGET_S * 1000:.0f} ms: median {met(a.widget_median_s < TARGET_WIDGET_S)}"
              f", worst {met(a.widget_worst_s < TARGET_WIDGET_S)})")
        print(f"assess_risk on the {a.rows:,}-row frame: {fmt_s(a.assess_s)} building "
              f"hierarchies from the data, {fmt_s(a.assess_given_s)} with them given")
    if b is not None:
        cold = f"{fmt_s(b.cold['search_s'])} cold (fresh process)" if b.cold else "cold n/a"
        print(f"Adult {len(ADULT_ORDER)} QIs, k={ADULT_K}, {SUPPRESSION:.0%}, entropy: search "
              f"{fmt_s(b.warm_same_s)} warm (same object; {fmt_s(b.warm_fresh_s)} on a fresh "
              f"one), {cold}; {b.nodes:,} of {b.lattice:,} nodes; {b.levels} "
              f"{'= ARX' if b.levels == ADULT_EXPECTED else '!= ARX'}; ARX {ARX_WARM_S} s warm, "
              f"{ARX_COLD_S} s cold, {ARX_NODES:,} nodes (faster than ARX warm: "
              f"{met(b.warm_same_s < ARX_WARM_S)}; never above {TARGET_SEARCH_MAX_S:.0f} s: "
              f"{met(max(b.all_times) <= TARGET_SEARCH_MAX_S)})")
    if c is not None:
        print(f"Adult resampled to {c['rows']:,}, k={c['k']}, {SUPPRESSION:.0%}: assess_risk "
              f"{fmt_s(c['assess_s'])} + search {fmt_s(c['search_s'])} ({fmt_s(c['warm_s'])} "
              f"warm), {c['nodes']:,} nodes, {c['levels']}; {rss_summary(c)}, tracemalloc peak "
              f"{max(c['tm_assess_mb'], c['tm_search_mb']):,.0f} MB; ARX {ARX_1M_S} s, ~1 GB "
              "heap")
    print(f"machine: os.cpu_count() = {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} "
          f"at the end (shared: timings are noisy); Python {platform.python_version()} on "
          f"{platform.system()} {platform.machine()}")
    libs = ["nbaudit", "pandas", "numpy", "pycanon", "typing-extensions"]
    print("versions: " + ", ".join(f"{n} {package_version(n)}" for n in libs)
          + ("" if anonymity is not None else " (pycanon not usable: comparisons skipped)"))
    print(network_report())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_ROWS:,} rows in Parts A and C, no pycanon l_diversity")
    parser.add_argument("--rows", type=int, default=None,
                        help=f"rows in Parts A and C (default {FULL_ROWS:,}; "
                             f"{QUICK_ROWS:,} with --quick)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help=f"folder with adult_arx.csv and its hierarchies ({DEFAULT_DATA})")
    parser.add_argument("--child", choices=["adult-cold", "adult-resampled"],
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rows is not None and args.rows < 1_000:
        parser.error("--rows must be at least 1,000")
    rows = args.rows or (QUICK_ROWS if args.quick else FULL_ROWS)

    block_network("bench_risk.py")
    if args.child == "adult-cold":
        print(json.dumps(child_adult_cold(args.data)))
        return
    if args.child == "adult-resampled":
        print(json.dumps(child_adult_resampled(args.data, rows)))
        return

    total_start = time.perf_counter()
    print(f"bench_risk.py{' --quick' if args.quick else ''}: {rows:,} rows; "
          f"os.cpu_count() = {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} at start")
    anonymity = load_pycanon()
    a = run_part_a(rows, args.quick, anonymity)
    b = c = None
    if (args.data / "adult_arx.csv").exists():
        b = run_part_b(args.data)
        c = run_part_c(args.data, rows)
    else:
        print(f"\n{args.data / 'adult_arx.csv'} not found: Parts B and C skipped (--data DIR)")
    print_summary(a, b, c, anonymity)
    print(f"(whole benchmark: {time.perf_counter() - total_start:.0f} s)")


if __name__ == "__main__":
    main()
