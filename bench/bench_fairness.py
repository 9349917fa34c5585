"""Benchmark `nbaudit.audit_fairness` against fairlearn, offline, in one run.

What it measures
----------------
Seeded synthetic data (numpy, `make_data`): five groups of unequal size (40/30/15/10/5 %),
group-dependent base rates, scores drawn from beta laws shifted by group and rounded to three
decimals (so that many scores tie, and tie with thresholds), decisions ``score >= 0.5``. The
sensitive feature is a pandas Series of strings, as a user would pass a DataFrame column.

Part A, per-group metrics on 1,000,000 rows x 5 groups:
  * nbaudit: `audit_fairness(y_true, y_pred, sensitive_features=group).by_group` (the whole
    call, from the raw arrays), median of 7;
  * fairlearn: `MetricFrame(metrics=..., ...).by_group` with the same nine figures: count,
    selection_rate, true_positive_rate, false_positive_rate, false_negative_rate,
    true_negative_rate (fairlearn), precision_score, accuracy_score (scikit-learn) and the
    base rate (mean of y_true, a one-line function), median of 3;
  * every value must match (max abs diff < 1e-12); target: nbaudit >= 100x faster;
  * disparities: `audit_fairness(...).disparities` (all six measures in one call) against
    fairlearn's `demographic_parity_difference`, `demographic_parity_ratio`,
    `equalized_odds_difference` and `equalized_odds_ratio` (each one call); the values must
    match (all five groups are far above min_group_size=30, so nbaudit leaves none out).
Part B, a threshold sweep over the same 1,000,000 rows, scored:
  * `audit.sweep(100)` (100 thresholds, every group's confusion counts), median of 7;
    target < 1 s;
  * peers: the naive loop, `audit_fairness(y_true, y_score >= t, ...)` for each of the 100
    thresholds (measured in full), and fairlearn `MetricFrame` (the nine figures) at a few
    thresholds, extrapolated to 100 (labelled as such);
  * checks: the sweep equals the naive loop on every metric, group and threshold; its
    selection rates equal `audit.at_threshold(t).by_group.selection_rate`; at fairlearn's
    thresholds it equals MetricFrame.
Part C, bootstrap confidence intervals on 100,000 rows:
  * `audit.confidence_intervals(n_boot=1000, seed=0)` (a multinomial draw of the confusion
    tables), median of 7, each on a fresh audit (the result is cached per audit); target: a
    few seconds; the same seed on another audit must give an identical frame;
  * the naive bootstrap: row indices drawn with `np.random.default_rng(...).choice`, then
    `audit_fairness` on the resampled rows, 200 resamples (measured), time scaled to 1,000;
    its 95 % percentile intervals must agree with nbaudit's within Monte Carlo error (max abs
    difference of the bounds < 0.01);
  * fairlearn's own bootstrap, `MetricFrame(..., n_boot=k, ci_quantiles=[0.025, 0.975])` with
    a small k, extrapolated to 1,000 resamples (labelled as such).
It ends with a plain-text summary to paste into a README.

Every figure is measured in the same run, with `time.perf_counter`; ratios are peer seconds
over nbaudit seconds. Nothing touches the network: outgoing internet connections are refused
(and counted) for the run.

How to run
----------
    python bench/bench_fairness.py            # Parts A and B at 1,000,000 rows (~6 min)
    python bench/bench_fairness.py --quick    # 100,000 rows, fewer peer runs (< 1 min)
    python bench/bench_fairness.py --rows 300000
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
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

SEED = 0
ROWS = 1_000_000
QUICK_ROWS = 100_000
CI_ROWS = 100_000
GROUPS = ("g1", "g2", "g3", "g4", "g5")
GROUP_SHARES = (0.40, 0.30, 0.15, 0.10, 0.05)
BASE_RATES = (0.30, 0.35, 0.40, 0.25, 0.20)
SCORE_SHIFT = (0.0, 0.3, -0.3, 0.6, -0.5)  # added to the first beta parameter, by group
THRESHOLD = 0.5
SWEEP_THRESHOLDS = 100
N_BOOT = 1000
LEVEL = 0.95
NB_RUNS = 7
EXACT_TOL = 1e-12
CI_TOL = 0.01
TARGET_RATIO = 100.0
TARGET_SWEEP_S = 1.0
TARGET_CI_S = 3.0
METRICS = ["count", "selection_rate", "true_positive_rate", "false_positive_rate",
           "false_negative_rate", "true_negative_rate", "precision", "accuracy", "base_rate"]
RATES = METRICS[1:]
DISPARITIES = ["demographic_parity_difference", "demographic_parity_ratio",
               "equalized_odds_difference", "equalized_odds_ratio"]


@dataclass(frozen=True)
class Config:
    """What changes between the full run and --quick."""

    rows: int
    fl_runs: int  # MetricFrame and disparity functions: median of this many
    fl_thresholds: tuple[float, ...]  # MetricFrame at these thresholds (Part B)
    naive_boot: int  # row-resampling bootstrap resamples (Part C)
    fl_boot: int  # fairlearn MetricFrame(n_boot=...) (Part C)


FULL = Config(rows=ROWS, fl_runs=3, fl_thresholds=(0.25, 0.5, 0.75), naive_boot=200,
              fl_boot=4)
QUICK = Config(rows=QUICK_ROWS, fl_runs=3, fl_thresholds=(0.5,), naive_boot=100, fl_boot=1)


# --- timing and comparison helpers ------------------------------------------------------


def max_abs_diff(a: Any, b: Any) -> tuple[float, tuple[int, ...] | None]:
    """Largest |a - b| (NaN against NaN counts as equal, NaN against a number as inf), and
    the index where it occurs (None when every value is equal)."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"shapes differ: {x.shape} vs {y.shape}")
    diff = np.abs(x - y)
    diff[np.isnan(x) & np.isnan(y)] = 0.0
    diff[np.isnan(x) ^ np.isnan(y)] = np.inf
    if diff.size == 0 or not diff.max() > 0:
        return 0.0, None
    where = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return float(diff[where]), tuple(int(i) for i in where)


# --- data -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Data:
    y_true: np.ndarray  # int64 0/1
    y_score: np.ndarray  # float64 in [0, 1], three decimals
    y_pred: np.ndarray  # int64 0/1, y_score >= THRESHOLD
    group: pd.Series  # strings, named "group"

    def decide(self, threshold: float) -> np.ndarray:
        return (self.y_score >= threshold).astype(np.int64)


def make_data(n: int, seed: int = SEED) -> Data:
    """Seeded synthetic scored decisions with built-in disparities."""
    rng = np.random.default_rng(seed)
    g = rng.choice(len(GROUPS), size=n, p=GROUP_SHARES)
    y_true = (rng.random(n) < np.asarray(BASE_RATES)[g]).astype(np.int64)
    shift = np.asarray(SCORE_SHIFT)[g]
    positive = rng.beta(4.0 + shift, 2.0)
    negative = rng.beta(2.0 + shift, 4.0)
    y_score = np.round(np.where(y_true == 1, positive, negative), 3)
    group = pd.Series(np.asarray(GROUPS, dtype=object)[g], name="group")
    return Data(y_true, y_score, (y_score >= THRESHOLD).astype(np.int64), group)


# --- fairlearn --------------------------------------------------------------------------
def base_rate(y_true: Any, y_pred: Any) -> float:
    """Share of true positives (fairlearn has no such metric)."""
    return float(np.mean(y_true))


def fairlearn_metrics() -> dict[str, Callable[..., Any]]:
    """The nine figures of nbaudit's by_group, from fairlearn and scikit-learn."""
    from fairlearn.metrics import (
        count,
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_negative_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score, precision_score

    return {"count": count, "selection_rate": selection_rate,
            "true_positive_rate": true_positive_rate, "false_positive_rate": false_positive_rate,
            "false_negative_rate": false_negative_rate, "true_negative_rate": true_negative_rate,
            "precision": precision_score, "accuracy": accuracy_score, "base_rate": base_rate}


def metric_frame(y_true: np.ndarray, y_pred: np.ndarray, group: pd.Series,
                 **kwargs: Any) -> Any:
    from fairlearn.metrics import MetricFrame

    return MetricFrame(metrics=fairlearn_metrics(), y_true=y_true, y_pred=y_pred,
                       sensitive_features=group, **kwargs)


def fairlearn_disparity(name: str) -> Callable[..., float]:
    import fairlearn.metrics

    fn: Callable[..., float] = getattr(fairlearn.metrics, name)
    return fn


# --- results ----------------------------------------------------------------------------
@dataclass
class PartA:
    rows: int
    nb_s: float
    nb_runs: list[float]
    fl_s: float
    fl_runs: list[float]
    diff: float
    diff_where: str
    nb_disp_s: float
    disp: dict[str, tuple[float, float, float]]  # name -> (fairlearn s, nbaudit, fairlearn)

    @property
    def ratio(self) -> float:
        return self.fl_s / self.nb_s

    @property
    def disp_diff(self) -> float:
        return max(abs(nb - fl) if not (np.isnan(nb) and np.isnan(fl)) else 0.0
                   for _, nb, fl in self.disp.values())


@dataclass
class PartB:
    rows: int
    audit_s: float
    sweep_s: float
    sweep_runs: list[float]
    tradeoff_s: float
    naive_s: float
    naive_diff: float
    at_threshold_diff: float
    fl_per_threshold_s: float
    fl_thresholds: tuple[float, ...]
    fl_diff: float

    @property
    def fl_extrapolated_s(self) -> float:
        return self.fl_per_threshold_s * SWEEP_THRESHOLDS


@dataclass
class PartC:
    rows: int
    ci_s: float
    ci_runs: list[float]
    reproducible: bool
    other_seed_differs: bool
    naive_boot: int
    naive_s: float
    bound_diff: float
    bound_where: str
    fl_boot: int
    fl_s: float

    @property
    def naive_scaled_s(self) -> float:
        return self.naive_s * N_BOOT / self.naive_boot

    @property
    def fl_extrapolated_s(self) -> float:
        # fairlearn computes the frame once, then once per resample: (k + 1) computations.
        return self.fl_s * (N_BOOT + 1) / (self.fl_boot + 1)


def by_group_values(frame: pd.DataFrame, labels: list[Any], columns: list[str]) -> np.ndarray:
    """(groups, metrics) float values, rows in the order of `labels`."""
    return frame.loc[labels, columns].to_numpy(dtype=float)


# --- Part A -----------------------------------------------------------------------------
def run_part_a(cfg: Config, data: Data) -> PartA:
    from nbaudit import audit_fairness

    heading(f"Part A: per-group metrics, {cfg.rows:,} rows x {len(GROUPS)} groups")

    def nb_by_group() -> pd.DataFrame:
        return audit_fairness(data.y_true, data.y_pred, sensitive_features=data.group).by_group

    nb_frame = nb_by_group()  # warm-up (first call)
    _, nb_s, nb_runs = median_time(nb_by_group, NB_RUNS)
    print(f"nbaudit audit_fairness(...).by_group: {fmt_s(nb_s)}  (median of {runs_text(nb_runs)})")

    print(f"fairlearn MetricFrame, {len(METRICS)} metrics, {cfg.fl_runs} runs ...", flush=True)
    fl_frames: list[pd.DataFrame] = []

    def fl_by_group() -> pd.DataFrame:
        frame = metric_frame(data.y_true, data.y_pred, data.group).by_group
        fl_frames.append(frame)
        return frame

    _, fl_s, fl_runs = median_time(fl_by_group, cfg.fl_runs)
    print(f"fairlearn MetricFrame(...).by_group:  {fmt_s(fl_s)}  (median of {runs_text(fl_runs)}; "
          f"{fl_s / len(METRICS):.2f} s per metric)")
    ratio = fl_s / nb_s
    print(f"speed ratio fairlearn / nbaudit: {ratio:,.0f}x  (target >= {TARGET_RATIO:.0f}x: "
          f"{met(ratio >= TARGET_RATIO)})")

    labels = list(nb_frame.index)
    fl_frame = fl_frames[-1]
    if sorted(map(str, fl_frame.index)) != sorted(map(str, labels)):
        print(f"GROUPS DIFFER: nbaudit {labels}, fairlearn {list(fl_frame.index)}")
    nb_values = by_group_values(nb_frame, labels, METRICS)
    fl_values = by_group_values(fl_frame, labels, METRICS)
    print(f"\nper-group values, nbaudit against fairlearn (tolerance {EXACT_TOL:g}):")
    print(f"{'metric':<22}{'max |diff|':>12}  {'where':<10}values (nbaudit, by group "
          f"{', '.join(map(str, labels))})")
    worst, worst_where = 0.0, "-"
    for j, name in enumerate(METRICS):
        d, where = max_abs_diff(nb_values[:, j], fl_values[:, j])
        at = "-" if where is None else str(labels[where[0]])
        mark = "" if d < EXACT_TOL else "  MISMATCH: fairlearn " + ", ".join(
            f"{v:.15g}" for v in fl_values[:, j])
        shown = ", ".join(f"{v:,.0f}" if name == "count" else f"{v:.4f}"
                          for v in nb_values[:, j])
        print(f"{name:<22}{d:>12.3g}  {at:<10}{shown}{mark}")
        if d > worst:
            worst, worst_where = d, f"{name} / {at}"
    print(f"all {len(METRICS)} metrics x {len(labels)} groups: {same(worst < EXACT_TOL)} "
          f"(max |diff| {worst:.3g}{'' if worst_where == '-' else ' at ' + worst_where})")

    # Disparities: nbaudit computes all six at once; fairlearn one function per measure.
    def nb_disparities() -> pd.DataFrame:
        return audit_fairness(data.y_true, data.y_pred,
                              sensitive_features=data.group).disparities

    nb_disp = nb_disparities()
    _, nb_disp_s, nb_disp_runs = median_time(nb_disparities, NB_RUNS)
    print(f"\nnbaudit audit_fairness(...).disparities (all six measures): {fmt_s(nb_disp_s)}  "
          f"(median of {runs_text(nb_disp_runs)})")
    left_out = [n for n in DISPARITIES if "left out" in str(nb_disp.loc[n, "note"])]
    if left_out:
        print(f"NOTE: nbaudit left groups out of {left_out} (min_group_size)")
    print(f"{'fairlearn function':<32}{'seconds':>10}{'ratio':>8}  {'nbaudit':>18}"
          f"{'fairlearn':>20}  equal")
    disp: dict[str, tuple[float, float, float]] = {}
    for name in DISPARITIES:
        fn = fairlearn_disparity(name)
        values: list[float] = []

        def call(fn: Callable[..., float] = fn, values: list[float] = values) -> None:
            values.append(float(fn(data.y_true, data.y_pred, sensitive_features=data.group)))

        s = median_time(call, cfg.fl_runs).seconds
        ours = float(nb_disp.loc[name, "value"])
        d = abs(ours - values[-1])
        disp[name] = (s, ours, values[-1])
        print(f"{name:<32}{fmt_s(s):>10}{s / nb_disp_s:>7,.0f}x  {ours:>18.15f}"
              f"{values[-1]:>20.15f}  {'yes' if d < EXACT_TOL else f'NO (diff {d:.3g})'}")
    return PartA(rows=cfg.rows, nb_s=nb_s, nb_runs=nb_runs, fl_s=fl_s, fl_runs=fl_runs,
                 diff=worst, diff_where=worst_where, nb_disp_s=nb_disp_s, disp=disp)


# --- Part B -----------------------------------------------------------------------------
def run_part_b(cfg: Config, data: Data) -> PartB:
    from nbaudit import audit_fairness

    heading(f"Part B: threshold sweep, {SWEEP_THRESHOLDS} thresholds x {cfg.rows:,} scored rows")

    def make_audit() -> Any:
        return audit_fairness(data.y_true, y_score=data.y_score, sensitive_features=data.group)

    audit = make_audit()
    _, audit_s, audit_runs = median_time(make_audit, NB_RUNS)
    print(f"audit_fairness(y_true, y_score=...): {fmt_s(audit_s)}  (median of "
          f"{runs_text(audit_runs)}; not part of the sweep figure)")
    sweep = audit.sweep(SWEEP_THRESHOLDS)
    _, sweep_s, sweep_runs = median_time(lambda: audit.sweep(SWEEP_THRESHOLDS), NB_RUNS)
    print(f"audit.sweep({SWEEP_THRESHOLDS}): {fmt_s(sweep_s)}  (median of {runs_text(sweep_runs)})"
          f"  (target < {TARGET_SWEEP_S:.0f} s: {met(sweep_s < TARGET_SWEEP_S)})")
    _, tradeoff_s, _ = median_time(lambda: audit.sweep(SWEEP_THRESHOLDS).tradeoff(), NB_RUNS)
    print(f"audit.sweep({SWEEP_THRESHOLDS}).tradeoff(): {fmt_s(tradeoff_s)}  (median of "
          f"{NB_RUNS})")
    ts = sweep.thresholds
    labels = list(sweep.labels)

    # at_threshold: one audit of the decisions score >= t, against the sweep's selection rates
    picks = sorted({0, len(ts) // 4, len(ts) // 2, 3 * len(ts) // 4, len(ts) - 1})
    at_diff = 0.0
    for i in picks:
        frame = audit.at_threshold(float(ts[i])).by_group
        d, _ = max_abs_diff(sweep.metric("selection_rate")[i],
                            by_group_values(frame, labels, ["selection_rate"])[:, 0])
        at_diff = max(at_diff, d)
    print(f"sweep selection_rate vs at_threshold(t).by_group.selection_rate at t = "
          f"{', '.join(f'{ts[i]:.4f}' for i in picks)}: {same(at_diff < EXACT_TOL)} "
          f"(max |diff| {at_diff:.3g})")

    # Naive loop: one audit_fairness per threshold, measured in full.
    print(f"naive loop: audit_fairness(y_true, y_score >= t, ...) for {len(ts)} thresholds ...",
          flush=True)
    naive = np.empty((len(ts), len(labels), len(RATES)))
    start = time.perf_counter()
    for i, t in enumerate(ts):
        frame = audit_fairness(data.y_true, data.decide(float(t)),
                               sensitive_features=data.group).by_group
        naive[i] = by_group_values(frame, labels, RATES)
    naive_s = time.perf_counter() - start
    swept = np.stack([sweep.metric(m) for m in RATES], axis=-1)
    naive_diff, where = max_abs_diff(swept, naive)
    at = "" if where is None else f" at t={ts[where[0]]:.4f}, {labels[where[1]]}, " \
        f"{RATES[where[2]]}"
    print(f"naive loop: {fmt_s(naive_s)} (one run of {len(ts)} calls); ratio naive / sweep = "
          f"{naive_s / sweep_s:,.0f}x")
    print(f"sweep vs naive loop, {len(RATES)} metrics x {len(labels)} groups x {len(ts)} "
          f"thresholds: {same(naive_diff < EXACT_TOL)} (max |diff| {naive_diff:.3g}{at})")

    # fairlearn MetricFrame at a few thresholds, extrapolated to the whole sweep.
    fl_ts = cfg.fl_thresholds
    print(f"fairlearn MetricFrame ({len(METRICS)} metrics) at t = "
          f"{', '.join(f'{t:g}' for t in fl_ts)} ...", flush=True)
    at_fl = audit.sweep(list(fl_ts))
    fl_times = []
    fl_diff = 0.0
    for k, t in enumerate(fl_ts):
        frame, s = timed(lambda t=t: metric_frame(data.y_true, data.decide(t), data.group)
                         .by_group)
        fl_times.append(s)
        ours = np.stack([at_fl.metric(m)[k] for m in RATES], axis=-1)
        d, where = max_abs_diff(ours, by_group_values(frame, labels, RATES))
        if d >= EXACT_TOL and where is not None:
            print(f"  MISMATCH at t={t:g}: {labels[where[0]]} {RATES[where[1]]} differs by {d:.3g}")
        fl_diff = max(fl_diff, d)
    per_t = statistics.median(fl_times)
    print(f"fairlearn MetricFrame per threshold: {fmt_s(per_t)} (median of {runs_text(fl_times)})"
          f"; x {SWEEP_THRESHOLDS} thresholds = {fmt_s(per_t * SWEEP_THRESHOLDS)} "
          f"(EXTRAPOLATED from {len(fl_ts)} measured); ratio / sweep = "
          f"{per_t * SWEEP_THRESHOLDS / sweep_s:,.0f}x")
    print(f"sweep([{', '.join(f'{t:g}' for t in fl_ts)}]) vs fairlearn: "
          f"{same(fl_diff < EXACT_TOL)} (max |diff| {fl_diff:.3g})")
    return PartB(rows=cfg.rows, audit_s=audit_s, sweep_s=sweep_s, sweep_runs=sweep_runs,
                 tradeoff_s=tradeoff_s, naive_s=naive_s, naive_diff=naive_diff,
                 at_threshold_diff=at_diff, fl_per_threshold_s=per_t, fl_thresholds=fl_ts,
                 fl_diff=fl_diff)


# --- Part C -----------------------------------------------------------------------------
def naive_bootstrap(data: Data, labels: list[Any], n_boot: int,
                    seed: int) -> tuple[np.ndarray, float]:
    """(n_boot, groups, rates) per-group metrics of row resamples, and the seconds taken."""
    from nbaudit import audit_fairness

    rng = np.random.default_rng(seed)
    n = len(data.y_true)
    groups = data.group.to_numpy()
    out = np.empty((n_boot, len(labels), len(RATES)))
    start = time.perf_counter()
    for b in range(n_boot):
        idx = rng.choice(n, size=n, replace=True)
        frame = audit_fairness(data.y_true[idx], data.y_pred[idx],
                               sensitive_features=groups[idx]).by_group
        out[b] = frame.reindex(labels)[RATES].to_numpy(dtype=float)
    return out, time.perf_counter() - start


def run_part_c(cfg: Config, data: Data) -> PartC:
    from nbaudit import audit_fairness

    rows = len(data.y_true)
    heading(f"Part C: bootstrap intervals, {N_BOOT:,} resamples on {rows:,} rows")

    def fresh() -> Any:
        return audit_fairness(data.y_true, data.y_pred, sensitive_features=data.group)

    # confidence_intervals caches its result per audit: time each call on a fresh audit.
    audits = [fresh() for _ in range(NB_RUNS + 1)]
    ci = audits[0].confidence_intervals(n_boot=N_BOOT, level=LEVEL, seed=0)
    ci_runs = [timed(lambda a=a: a.confidence_intervals(n_boot=N_BOOT, level=LEVEL, seed=0))[1]
               for a in audits[1:]]
    ci_s = statistics.median(ci_runs)
    print(f"audit.confidence_intervals(n_boot={N_BOOT}, seed=0): {fmt_s(ci_s)}  (median of "
          f"{runs_text(ci_runs)}; fresh audits)  (target < {TARGET_CI_S:.0f} s: "
          f"{met(ci_s < TARGET_CI_S)})")
    again = fresh().confidence_intervals(n_boot=N_BOOT, level=LEVEL, seed=0)
    reproducible = bool(ci.equals(again))
    other = fresh().confidence_intervals(n_boot=N_BOOT, level=LEVEL, seed=1)
    other_differs = not bool(ci.equals(other))
    print(f"same seed on another audit: {same(reproducible)} frame; seed=1: "
          f"{'different' if other_differs else 'IDENTICAL (seed ignored?)'}")

    labels = list(ci.index)
    print(f"naive bootstrap: rng.choice row indices + audit_fairness, {cfg.naive_boot} "
          f"resamples ...", flush=True)
    boot, naive_s = naive_bootstrap(data, labels, cfg.naive_boot, seed=SEED + 1)
    lo_q, hi_q = (1 - LEVEL) / 2, 1 - (1 - LEVEL) / 2
    naive_lo = np.nanquantile(boot, lo_q, axis=0)
    naive_hi = np.nanquantile(boot, hi_q, axis=0)
    ours_lo = ci[[f"{m}_low" for m in RATES]].to_numpy(dtype=float)
    ours_hi = ci[[f"{m}_high" for m in RATES]].to_numpy(dtype=float)
    print(f"\n95 % intervals, nbaudit ({N_BOOT} multinomial draws) against the naive bootstrap "
          f"({cfg.naive_boot} row resamples): max |diff| of the bounds, by metric")
    print(f"{'metric':<22}{'low':>9}{'high':>9}  {'where':<8}{'nbaudit interval there':<24}"
          f"naive interval there")
    worst, worst_where = 0.0, "-"
    for j, name in enumerate(RATES):
        d_lo, w_lo = max_abs_diff(ours_lo[:, j], naive_lo[:, j])
        d_hi, w_hi = max_abs_diff(ours_hi[:, j], naive_hi[:, j])
        g = (w_lo if d_lo >= d_hi else w_hi) or (0,)
        ours = f"[{ours_lo[g[0], j]:.4f}, {ours_hi[g[0], j]:.4f}]"
        theirs = f"[{naive_lo[g[0], j]:.4f}, {naive_hi[g[0], j]:.4f}]"
        print(f"{name:<22}{d_lo:>9.4f}{d_hi:>9.4f}  {labels[g[0]]!s:<8}{ours:<24}{theirs}")
        if max(d_lo, d_hi) > worst:
            worst = max(d_lo, d_hi)
            worst_where = f"{name} / {labels[g[0]]} ({'low' if d_lo >= d_hi else 'high'})"
    width = float(np.nanmedian(ours_hi - ours_lo))
    print(f"max |bound diff| {worst:.4f} at {worst_where} (< {CI_TOL}: {met(worst < CI_TOL)}; "
          f"median interval width {width:.4f})")
    scaled = naive_s * N_BOOT / cfg.naive_boot
    print(f"naive bootstrap: {fmt_s(naive_s)} for {cfg.naive_boot} resamples (measured); "
          f"{fmt_s(scaled)} for {N_BOOT} (SCALED); ratio / nbaudit = {scaled / ci_s:,.0f}x")

    print(f"fairlearn MetricFrame(n_boot={cfg.fl_boot}, ci_quantiles=[{lo_q:g}, {hi_q:g}]) "
          f"({len(METRICS)} metrics) ...", flush=True)
    _, fl_s = timed(lambda: metric_frame(data.y_true, data.y_pred, data.group,
                                         n_boot=cfg.fl_boot, ci_quantiles=[lo_q, hi_q],
                                         random_state=0).by_group)
    fl_est = fl_s * (N_BOOT + 1) / (cfg.fl_boot + 1)
    print(f"fairlearn bootstrap: {fmt_s(fl_s)} for n_boot={cfg.fl_boot} (measured, one run: the "
          f"frame plus {cfg.fl_boot} resamples); {fmt_s(fl_est)} for n_boot={N_BOOT} "
          f"(EXTRAPOLATED x {N_BOOT + 1}/{cfg.fl_boot + 1}); ratio / nbaudit = "
          f"{fl_est / ci_s:,.0f}x")
    return PartC(rows=rows, ci_s=ci_s, ci_runs=ci_runs, reproducible=reproducible,
                 other_seed_differs=other_differs, naive_boot=cfg.naive_boot, naive_s=naive_s,
                 bound_diff=worst, bound_where=worst_where, fl_boot=cfg.fl_boot, fl_s=fl_s)


# --- summary ----------------------------------------------------------------------------


def print_summary(cfg: Config, quick: bool, a: PartA, b: PartB, c: PartC) -> None:
    heading("Summary (paste into a README)")
    print(f"Synthetic seeded data, {len(GROUPS)} groups (40/30/15/10/5 %), sensitive feature a "
          f"Series of strings{'; --quick' if quick else ''}.")
    print(f"per-group metrics, {a.rows:,} rows: nbaudit audit_fairness(...).by_group "
          f"{fmt_s(a.nb_s)} vs fairlearn MetricFrame ({len(METRICS)} metrics) {fmt_s(a.fl_s)}: "
          f"{a.ratio:,.0f}x (target >= {TARGET_RATIO:.0f}x: {met(a.ratio >= TARGET_RATIO)}); "
          f"values {same(a.diff < EXACT_TOL)} (max |diff| {a.diff:.3g})")
    parts = ", ".join(f"{name} {fmt_s(s)} ({s / a.nb_disp_s:,.0f}x)"
                      for name, (s, _, _) in a.disp.items())
    print(f"disparities, {a.rows:,} rows: nbaudit (all six) {fmt_s(a.nb_disp_s)}; fairlearn "
          f"{parts}; values {same(a.disp_diff < EXACT_TOL)} (max |diff| {a.disp_diff:.3g})")
    print(f"threshold sweep, {SWEEP_THRESHOLDS} thresholds x {b.rows:,} rows: audit.sweep "
          f"{fmt_s(b.sweep_s)} (target < {TARGET_SWEEP_S:.0f} s: "
          f"{met(b.sweep_s < TARGET_SWEEP_S)}); naive loop of {SWEEP_THRESHOLDS} "
          f"audit_fairness calls {fmt_s(b.naive_s)} ({b.naive_s / b.sweep_s:,.0f}x); fairlearn "
          f"MetricFrame x {SWEEP_THRESHOLDS} ~{fmt_s(b.fl_extrapolated_s)} (extrapolated from "
          f"{len(b.fl_thresholds)} threshold{'s' if len(b.fl_thresholds) > 1 else ''}, "
          f"{b.fl_extrapolated_s / b.sweep_s:,.0f}x); sweep = naive loop "
          f"{same(b.naive_diff < EXACT_TOL)}, = at_threshold "
          f"{same(b.at_threshold_diff < EXACT_TOL)}, = fairlearn {same(b.fl_diff < EXACT_TOL)}")
    print(f"bootstrap intervals, {N_BOOT:,} resamples x {c.rows:,} rows: "
          f"confidence_intervals {fmt_s(c.ci_s)} (target < {TARGET_CI_S:.0f} s: "
          f"{met(c.ci_s < TARGET_CI_S)}), seeded: {'reproducible' if c.reproducible else 'NOT'}"
          f"; naive row resampling ~{fmt_s(c.naive_scaled_s)} (scaled from {c.naive_boot}, "
          f"{c.naive_scaled_s / c.ci_s:,.0f}x); fairlearn MetricFrame(n_boot={N_BOOT}) "
          f"~{fmt_s(c.fl_extrapolated_s)} (extrapolated from n_boot={c.fl_boot}, "
          f"{c.fl_extrapolated_s / c.ci_s:,.0f}x); bounds vs naive: max |diff| "
          f"{c.bound_diff:.4f} (< {CI_TOL}: {met(c.bound_diff < CI_TOL)})")
    print(f"machine: os.cpu_count() = {os.cpu_count()} (shared); Python "
          f"{platform.python_version()} on {platform.system()} {platform.machine()}; medians of "
          f"{NB_RUNS} (nbaudit) and {cfg.fl_runs} (fairlearn)")
    libs = ["nbaudit", "numpy", "pandas", "fairlearn", "scikit-learn"]
    print("versions: " + ", ".join(f"{n} {package_version(n)}" for n in libs))
    print(network_report())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_ROWS:,} rows for Parts A and B, fewer peer runs")
    parser.add_argument("--rows", type=int, default=None,
                        help=f"rows of Parts A and B (default {ROWS:,}; {QUICK_ROWS:,} with "
                             "--quick)")
    args = parser.parse_args(argv)
    if args.rows is not None and args.rows < 1:
        parser.error("--rows must be positive")
    cfg = QUICK if args.quick else FULL
    if args.rows is not None:
        cfg = Config(args.rows, cfg.fl_runs, cfg.fl_thresholds, cfg.naive_boot, cfg.fl_boot)

    block_network("bench_fairness.py")
    total_start = time.perf_counter()
    import nbaudit  # noqa: F401  (import outside the timings)

    data, data_s = timed(lambda: make_data(cfg.rows))
    print(f"data: {cfg.rows:,} rows built in {fmt_s(data_s)}; group shares "
          + ", ".join(f"{g} {s:.0%}" for g, s in zip(GROUPS, GROUP_SHARES, strict=True))
          + f"; base rate {data.y_true.mean():.3f}; selected at {THRESHOLD}: "
          f"{data.y_pred.mean():.3f}")
    ci_data = data if cfg.rows == CI_ROWS else make_data(CI_ROWS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = run_part_a(cfg, data)
        b = run_part_b(cfg, data)
        c = run_part_c(cfg, ci_data)
    if caught:
        kinds = sorted({f"{w.category.__name__}: {str(w.message)[:120]}" for w in caught})
        print(f"\nwarnings during the run ({len(caught)}): " + " | ".join(kinds))
    print_summary(cfg, args.quick, a, b, c)
    print(f"(whole benchmark: {time.perf_counter() - total_start:.0f} s)")


if __name__ == "__main__":
    main()
