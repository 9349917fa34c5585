"""Benchmark `nbaudit.scan_pii` against presidio-structured, offline, in one run.

What it measures
----------------
Part A, a 10,000 x 12 Faker frame (`frames.faker_frame`):
  * `nbaudit.scan_pii(df)` cold (the first call in the process: it includes importing
    Presidio and building its engine) and warm (median of 3 further calls);
  * presidio-structured's `PandasAnalysisBuilder(analyzer=...).generate_analysis(df)` with a
    pattern-only Presidio `AnalyzerEngine` (``no_op`` NLP engine, no spaCy model), run once
    (about a minute on this frame);
  * the label each tool gives each column against `frames.EXPECTED`, and the speed ratios.
Part B, a 1,000,000 x 12 frame (`frames.large_frame`, about 20 s to build):
  * the full `scan_pii(df)` (column inventory plus exact per-column flagged counts);
  * `scan.page(p, page_size=20)` for the first page and a middle page, and with ``reveal=True``;
  * the targets: full scan < 10 s, first page of highlighted cells < 1 s.
It ends with a plain-text summary to paste into a README.

Every figure is measured in the same run, with `time.perf_counter`. Nothing touches the
network: Hugging Face is set offline, Presidio's email recognizer gets an offline
`tldextract`, and outgoing internet connections are refused (and counted) for the run.

How to run
----------
    python bench/bench_pii.py            # Part A at 10,000 rows, Part B at 1,000,000 (~2 min)
    python bench/bench_pii.py --quick    # presidio-structured on 1,000 rows only; no Part B
    python bench/bench_pii.py --quick --rows 200000   # quick, with Part B at 200,000 rows
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, TypeVar

import pandas as pd
from _common import (
    block_network,
    fmt_s,
    heading,
    median_time,
    met,
    network_report,
    package_version,
    timed,
)
from frames import EXPECTED, faker_frame, large_frame

T = TypeVar("T")

PART_A_ROWS = 10_000
QUICK_STRUCTURED_ROWS = 1_000
PART_B_ROWS = 1_000_000
PAGE_SIZE = 20
TARGET_SCAN_S = 10.0
TARGET_PAGE_S = 1.0
WARM_RUNS = 3
PAGE_RUNS = 5
NONE = "NONE"


# --- timing helpers ---------------------------------------------------------------------


# --- presidio-structured ----------------------------------------------------------------
def offline_presidio_analyzer() -> Any:
    """A pattern-only Presidio `AnalyzerEngine` (no_op NLP engine) that stays offline."""
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    for name in ("presidio-analyzer", "presidio-structured", "tldextract", "filelock"):
        logging.getLogger(name).setLevel(logging.ERROR)
    # The email recognizer calls tldextract, which would fetch the public suffix list:
    # give that module an extractor that uses the bundled snapshot and never downloads.
    email_module = sys.modules[EmailRecognizer.__module__]
    offline_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    email_module.tldextract = SimpleNamespace(extract=offline_extract)  # type: ignore[attr-defined]
    conf = {"nlp_engine_name": "no_op", "models": [{"lang_code": "en", "model_name": "no_op"}]}
    nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    return AnalyzerEngine(
        nlp_engine=nlp_engine, supported_languages=["en"], default_score_threshold=0.4
    )


# --- results ----------------------------------------------------------------------------
@dataclass
class PartA:
    rows: int
    structured_rows: int
    frame_s: float
    import_s: float
    cold_s: float
    warm_s: float
    warm_runs: list[float]
    nbaudit_labels: dict[str, str]
    structured_build_s: float
    structured_s: float | None
    structured_labels: dict[str, str]
    structured_error: str | None
    structured_vocab: set[str]
    # nbaudit warm at the presidio-structured size, when the sizes differ (--quick)
    nbaudit_same_size_s: float | None = None
    right: dict[str, int] = field(default_factory=dict)

    @property
    def compare_s(self) -> float:
        """nbaudit warm seconds on the frame presidio-structured scanned."""
        return self.nbaudit_same_size_s if self.nbaudit_same_size_s is not None else self.warm_s


@dataclass
class PartB:
    rows: int
    frame_s: float
    scan_s: float
    pages: dict[str, tuple[float, float]]  # label -> (first call, median of further calls)
    n_pages: int
    inventory: pd.DataFrame


def labels_of(scan: Any) -> dict[str, str]:
    return {c.name: c.entity for c in scan.columns}


def is_right(expected: str, label: str | None) -> bool:
    return (label or NONE) == expected


def run_part_a(quick: bool) -> PartA:
    heading(f"Part A: {PART_A_ROWS:,} x 12 Faker frame")
    df, frame_s = timed(lambda: faker_frame(PART_A_ROWS))
    print(f"frame built with Faker in {fmt_s(frame_s)}: {df.shape[0]:,} rows x {df.shape[1]}")

    nbaudit, import_s = timed(lambda: importlib.import_module("nbaudit"))
    scan, cold_s = timed(lambda: nbaudit.scan_pii(df))
    _, warm_s, warm_runs = median_time(lambda: nbaudit.scan_pii(df), WARM_RUNS)
    print(f"import nbaudit:            {fmt_s(import_s)}")
    print(f"nbaudit.scan_pii cold:     {fmt_s(cold_s)}  (first call: imports Presidio, "
          "builds its engine, loads lexicons)")
    print(f"nbaudit.scan_pii warm:     {fmt_s(warm_s)}  (median of "
          f"{', '.join(fmt_s(t) for t in warm_runs)})")

    structured_rows = QUICK_STRUCTURED_ROWS if quick else PART_A_ROWS
    sdf = df.iloc[:structured_rows].copy() if structured_rows < len(df) else df
    nbaudit_labels = labels_of(scan)
    same_size_s = None
    if structured_rows < len(df):
        small_scan = nbaudit.scan_pii(sdf)
        nbaudit_labels = labels_of(small_scan)
        _, same_size_s, runs = median_time(lambda: nbaudit.scan_pii(sdf), WARM_RUNS)
        print(f"nbaudit.scan_pii warm on the first {structured_rows:,} rows: {fmt_s(same_size_s)}"
              f"  (median of {', '.join(fmt_s(t) for t in runs)})")

    from presidio_structured import PandasAnalysisBuilder

    analyzer, build_s = timed(offline_presidio_analyzer)
    vocab = set(analyzer.get_supported_entities(language="en"))
    print(f"presidio AnalyzerEngine (no_op NLP, pattern-only) built in {fmt_s(build_s)} "
          "(Presidio already imported by nbaudit)")
    print(f"presidio-structured generate_analysis on {structured_rows:,} rows "
          "(one run; about a minute at 10,000 rows) ...", flush=True)
    builder = PandasAnalysisBuilder(analyzer=analyzer)
    structured_s: float | None = None
    structured_labels: dict[str, str] = {}
    error = None
    try:
        analysis, structured_s = timed(lambda: builder.generate_analysis(sdf))
        structured_labels = {str(k): str(v) for k, v in analysis.entity_mapping.items()}
        print(f"presidio-structured generate_analysis: {fmt_s(structured_s)}")
    except Exception as exc:  # a failure is a result worth reporting
        error = f"{type(exc).__name__}: {exc}"
        print(f"presidio-structured generate_analysis FAILED: {error}")

    result = PartA(
        rows=PART_A_ROWS, structured_rows=structured_rows, frame_s=frame_s, import_s=import_s,
        cold_s=cold_s, warm_s=warm_s, warm_runs=warm_runs, nbaudit_labels=nbaudit_labels,
        structured_build_s=build_s, structured_s=structured_s,
        structured_labels=structured_labels, structured_error=error, structured_vocab=vocab,
        nbaudit_same_size_s=same_size_s,
    )
    print_label_table(result)
    print_ratios(result)
    return result


def print_label_table(a: PartA) -> None:
    size = f"{a.structured_rows:,} rows"
    print(f"\nColumn labels on the same {size} ((x) = wrong, - = no label):")
    head = f"{'column':<15}{'expected':<16}{'nbaudit':<22}presidio-structured"
    print(head)
    print("-" * len(head))
    right_n = right_s = 0
    nameable = nameable_right = 0
    for column, expected in EXPECTED.items():
        ours = a.nbaudit_labels.get(column, NONE)
        theirs = a.structured_labels.get(column)
        ok_n, ok_s = is_right(expected, ours), is_right(expected, theirs)
        right_n += ok_n
        right_s += ok_s
        if expected == NONE or expected in a.structured_vocab:
            nameable += 1
            nameable_right += ok_s
        cell_n = (ours if ours != NONE else "-") + ("" if ok_n else " (x)")
        cell_s = (theirs or "-") + ("" if ok_s else " (x)")
        print(f"{column:<15}{expected:<16}{cell_n:<22}{cell_s}")
    total = len(EXPECTED)
    a.right = {"nbaudit": right_n, "structured": right_s, "nameable": nameable,
               "nameable_right": nameable_right, "total": total}
    print(f"\ncolumns right: nbaudit {right_n}/{total}, presidio-structured {right_s}/{total}")
    missing = sorted({e for e in EXPECTED.values() if e != NONE} - a.structured_vocab)
    print(f"(this Presidio engine has no entity for {', '.join(missing)}; among the "
          f"{nameable} columns it could name, presidio-structured got {nameable_right} right)")
    extra = sorted(set(a.structured_labels) - set(EXPECTED))
    if extra:
        print(f"presidio-structured also labelled unexpected keys: {extra}")


def print_ratios(a: PartA) -> None:
    if a.structured_s is None:
        print("speed ratio: n/a (presidio-structured failed)")
        return
    if a.nbaudit_same_size_s is None:
        print(f"speed ratio at {a.rows:,} rows: presidio-structured / nbaudit warm = "
              f"{a.structured_s / a.warm_s:,.0f}x; / nbaudit cold = "
              f"{a.structured_s / a.cold_s:,.0f}x")
        print("(presidio-structured seconds = generate_analysis only; nbaudit cold also pays "
              "the Presidio import and engine build)")
    else:
        print(f"speed ratio at {a.structured_rows:,} rows (--quick: measured at that size, not "
              f"extrapolated): presidio-structured / nbaudit warm = "
              f"{a.structured_s / a.nbaudit_same_size_s:,.0f}x; the cold figure is at "
              f"{a.rows:,} rows, so no cold ratio")


def run_part_b(rows: int) -> PartB:
    import nbaudit

    heading(f"Part B: {rows:,} x 12 frame")
    print("building the frame (about 20 s at 1,000,000 rows) ...", flush=True)
    df, frame_s = timed(lambda: large_frame(rows))
    mb = df.memory_usage(deep=True).sum() / 1e6
    print(f"frame built in {fmt_s(frame_s)}: {df.shape[0]:,} rows x {df.shape[1]}, {mb:,.0f} MB")

    nbaudit.scan_pii(df.head(200))  # warm the engine and lexicons
    scan, scan_s = timed(lambda: nbaudit.scan_pii(df))
    print(f"nbaudit.scan_pii full scan: {fmt_s(scan_s)}  (target < {TARGET_SCAN_S:.0f} s: "
          f"{met(scan_s < TARGET_SCAN_S)})")
    inv = scan.inventory[["column", "entity", "share", "n_flagged", "n_non_null"]]
    print(inv.to_string(index=False))

    n_pages = scan.page(0, page_size=PAGE_SIZE)["n_pages"]
    middle = n_pages // 2
    cases: dict[str, Callable[[], Any]] = {
        "first page": lambda: scan.page(0, page_size=PAGE_SIZE),
        f"middle page ({middle:,})": lambda: scan.page(middle, page_size=PAGE_SIZE),
        "first page, reveal=True": lambda: scan.page(0, page_size=PAGE_SIZE, reveal=True),
        f"middle page ({middle:,}), reveal=True": lambda: scan.page(middle, page_size=PAGE_SIZE,
                                                                    reveal=True),
        "first page, flagged_rows_only=True": lambda: scan.page(0, page_size=PAGE_SIZE,
                                                                flagged_rows_only=True),
    }
    pages: dict[str, tuple[float, float]] = {}
    print(f"\nscan.page(p, page_size={PAGE_SIZE}) of {n_pages:,} pages: first call / median of "
          f"{PAGE_RUNS} more (target < {TARGET_PAGE_S:.0f} s)")
    for label, fn in cases.items():
        first = timed(fn)[1]
        med = median_time(fn, PAGE_RUNS).seconds
        pages[label] = (first, med)
        print(f"  {label:<40}{fmt_s(first):>10} /{fmt_s(med):>10}  "
              f"{met(max(first, med) < TARGET_PAGE_S)}")
    return PartB(rows=rows, frame_s=frame_s, scan_s=scan_s, pages=pages, n_pages=n_pages,
                 inventory=inv)


# --- summary ----------------------------------------------------------------------------


def print_summary(a: PartA, b: PartB | None) -> None:
    heading("Summary (paste into a README)")
    r = a.right
    if a.structured_s is None:
        ps = f"presidio-structured: failed ({a.structured_error})"
    elif a.nbaudit_same_size_s is None:
        ps = (f"presidio-structured: {a.structured_s:.1f} s; ratio "
              f"{a.structured_s / a.warm_s:,.0f}x warm, {a.structured_s / a.cold_s:,.0f}x cold")
    else:
        ps = (f"presidio-structured on {a.structured_rows:,} rows: {a.structured_s:.1f} s vs "
              f"nbaudit {a.nbaudit_same_size_s:.3f} s; ratio "
              f"{a.structured_s / a.nbaudit_same_size_s:,.0f}x at that size (--quick)")
    print(f"scan_pii {a.rows:,} x 12: {a.warm_s:.3f} s warm ({a.cold_s:.2f} s cold); {ps}; "
          f"columns right: {r['nbaudit']}/{r['total']} vs {r['structured']}/{r['total']}"
          + (f" (on {a.structured_rows:,} rows)" if a.nbaudit_same_size_s is not None else ""))
    if b is not None:
        first, _ = b.pages["first page"]
        mid = next(v for k, v in b.pages.items() if k.startswith("middle") and "reveal" not in k)
        rev, _ = b.pages["first page, reveal=True"]
        worst = max(max(v) for v in b.pages.values())
        print(f"scan_pii {b.rows:,} x 12 (inventory + exact flagged counts): {b.scan_s:.2f} s "
              f"(target < {TARGET_SCAN_S:.0f} s: {met(b.scan_s < TARGET_SCAN_S)})")
        print(f"page of {PAGE_SIZE} highlighted rows at {b.rows:,} rows: first {first * 1000:.1f} "
              f"ms, middle {mid[0] * 1000:.1f} ms, revealed {rev * 1000:.1f} ms "
              f"(target < {TARGET_PAGE_S:.0f} s: {met(worst < TARGET_PAGE_S)})")
    else:
        print("Part B (1,000,000 rows) skipped (--quick)")
    print(f"machine: os.cpu_count() = {os.cpu_count()}; Python {platform.python_version()} "
          f"on {platform.system()} {platform.machine()}")
    libs = ["nbaudit", "pandas", "pyarrow", "presidio-analyzer", "presidio-structured", "Faker"]
    print("versions: " + ", ".join(f"{n} {package_version(n)}" for n in libs))
    print("Presidio: pattern recognizers only (no_op NLP engine, no spaCy model), offline")
    print(network_report())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"presidio-structured on {QUICK_STRUCTURED_ROWS:,} rows; "
                             "skip Part B unless --rows is given")
    parser.add_argument("--rows", type=int, default=None,
                        help=f"rows of the Part B frame (default {PART_B_ROWS:,})")
    args = parser.parse_args(argv)
    if args.rows is not None and args.rows < 1:
        parser.error("--rows must be positive")

    # Set before nbaudit or Presidio is imported: nothing may look for models online.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    block_network("bench_pii.py")
    total_start = time.perf_counter()
    a = run_part_a(args.quick)
    b = None
    if not args.quick or args.rows is not None:
        b = run_part_b(args.rows or PART_B_ROWS)
    print_summary(a, b)
    print(f"(whole benchmark: {time.perf_counter() - total_start:.0f} s)")


if __name__ == "__main__":
    main()
