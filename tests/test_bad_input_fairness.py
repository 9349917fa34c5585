"""Issue 11, fairness: every bad input to `audit_fairness`, its result methods, the widget and
`%fairness` ends in a correct result or a clear nbaudit error, in bounded time, with the input
untouched.

One table per entry point: (name, call, expected). `expected` is `OK(check)` (the call
succeeds and `check` verifies the result) or `(exception type, fragment of the message)`.
Every case runs on a fresh frame; after it the frame must equal a deep copy taken before, and
no text value of the frame (group labels, emails, text labels) may appear in the message.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from IPython.core.error import UsageError

from nbaudit import FairnessAudit, audit_fairness
from nbaudit.fairness.audit import MAX_GROUPS, quantile_bins
from nbaudit.widgets.fairness import WIDGET_MAX_GROUPS, FairnessWidget

N = 120
GROUPS = ["grp-alpha", "grp-beta", "grp-gamma"]
BANDS = ["band-young", "band-old"]


def make_frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, N)
    score = np.round(np.clip(0.35 * y + 0.65 * rng.random(N), 0, 1), 3)
    return pd.DataFrame({
        "y": y,
        "p": (score >= 0.5).astype(int),
        "s": score,
        "group": [GROUPS[i % 3] for i in range(N)],
        "band": [BANDS[(i // 3) % 2] for i in range(N)],
        "email": [f"person{i:04d}@example.org" for i in range(N)],  # 120 distinct: an ID
        "income": 20_000 + rng.permutation(N) * 37.5,  # 120 distinct numbers
        "label": np.where(y == 1, "yes-label", "no-label"),
        "day": pd.date_range("2020-01-01", periods=N, freq="D"),
    })


def expected_rates(y: Any, p: Any, g: Any) -> pd.Series:
    """Selection rate per group, computed the plain pandas way (the reference)."""
    frame = pd.DataFrame({"y": np.asarray(y), "p": np.asarray(p), "g": np.asarray(g)})
    return frame.groupby("g")["p"].mean()


@dataclass
class OK:
    check: Callable[[Any, pd.DataFrame], None] = lambda result, df: None


def same_as_plain(result: FairnessAudit, df: pd.DataFrame) -> None:
    ref = expected_rates(df.y, df.p, df.group)
    got = result.by_group["selection_rate"]
    assert list(got.index) == list(ref.index)
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy())
    assert int(result.by_group["count"].sum()) == N


def groups_are(*labels: Any) -> Callable[[Any, pd.DataFrame], None]:
    def check(result: FairnessAudit, df: pd.DataFrame) -> None:
        assert list(result.groups) == list(labels), result.groups
    return check


def scored(df: pd.DataFrame, **kw: Any) -> FairnessAudit:
    kw.setdefault("sensitive_features", df.group)
    kw.setdefault("y_score", df.s)
    return audit_fairness(df.y, **kw)


def decided(df: pd.DataFrame, **kw: Any) -> FairnessAudit:
    kw.setdefault("sensitive_features", df.group)
    return audit_fairness(df.y, df.p, **kw)


def shuffled(series: pd.Series) -> pd.Series:
    return series.sample(frac=1, random_state=3)


def check_aligned(result: FairnessAudit, df: pd.DataFrame) -> None:
    same_as_plain(result, df)


def check_surrogates(result: FairnessAudit, df: pd.DataFrame) -> None:
    assert "\\ud800abc" in result.groups and "\\udc00abc" in result.groups
    json.dumps(result.to_dict(ci=True), ensure_ascii=False).encode("utf-8")
    result.to_markdown().encode("utf-8")


def check_bins(result: FairnessAudit, df: pd.DataFrame) -> None:
    assert len(result.groups) == 4
    assert all(str(g).startswith("[") for g in result.groups)
    assert result.by_group["count"].tolist() == [30, 30, 30, 30]


def check_dropped(count: int) -> Callable[[Any, pd.DataFrame], None]:
    def check(result: FairnessAudit, df: pd.DataFrame) -> None:
        assert result.data.dropped == count
        assert int(result.by_group["count"].sum()) == N - count
    return check


def check_selection(value: float) -> Callable[[Any, pd.DataFrame], None]:
    def check(result: FairnessAudit, df: pd.DataFrame) -> None:
        assert result.overall["selection_rate"] == pytest.approx(value)
    return check


def check_text_labels(result: FairnessAudit, df: pd.DataFrame) -> None:
    ref = audit_fairness(df.y, df.y, sensitive_features=df.group)
    pd.testing.assert_frame_equal(result.by_group, ref.by_group)


def with_index(series: pd.Series, index: Any) -> pd.Series:
    return series.set_axis(index)


def nullable_bool_with_na(df: pd.DataFrame) -> pd.Series:
    out = df.y.astype("boolean")
    out.iloc[0] = pd.NA
    return out


def float64_with_na(df: pd.DataFrame) -> pd.Series:
    out = df.s.astype("Float64")
    out.iloc[[0, 1]] = pd.NA
    return out


def replaced(series: pd.Series, positions: list[int], value: Any) -> pd.Series:
    out = series.astype(object) if not isinstance(value, float) else series.astype(float)
    out.iloc[positions] = value
    return out


def fitted(df: pd.DataFrame) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression().fit(df[["income"]], df.y)


def one_outcome_group(df: pd.DataFrame) -> FairnessAudit:
    y = df.y.where(df.group != "grp-gamma", 1)
    return audit_fairness(y, y_score=df.s, sensitive_features=df.group)


API_CASES: list[tuple[str, Callable[[pd.DataFrame], Any], Any]] = [
    # --- the forms of the inputs -----------------------------------------------------------
    ("series", lambda df: decided(df), OK(same_as_plain)),
    ("numpy arrays", lambda df: audit_fairness(df.y.to_numpy(), df.p.to_numpy(),
                                               sensitive_features=df.group.to_numpy()),
     OK(same_as_plain)),
    ("lists", lambda df: audit_fairness(list(df.y), list(df.p),
                                        sensitive_features=list(df.group)), OK(same_as_plain)),
    ("mixed forms", lambda df: audit_fairness(df.y, df.p.to_numpy(),
                                              sensitive_features=list(df.group)),
     OK(same_as_plain)),
    ("one-column frames", lambda df: audit_fairness(df[["y"]], df[["p"]],
                                                    sensitive_features=df[["group"]]),
     OK(same_as_plain)),
    ("pyarrow-backed columns", lambda df: audit_fairness(
        df.y.astype("int64[pyarrow]"), df.p.astype("bool[pyarrow]"),
        sensitive_features=df.group.astype("string[pyarrow]")), OK(same_as_plain)),
    ("pyarrow arrays and table", lambda df: audit_fairness(
        pa.array(df.y), pa.chunked_array([df.p]), sensitive_features=pa.table(df[["group"]])),
     OK(same_as_plain)),
    ("categorical groups with an unused category", lambda df: decided(
        df, sensitive_features=pd.Categorical(df.group, categories=[*GROUPS, "grp-unused"])),
     OK(same_as_plain)),
    ("bool y and p", lambda df: audit_fairness(df.y.astype(bool), df.p.astype(bool),
                                               sensitive_features=df.group), OK(same_as_plain)),
    ("nullable boolean y with NA", lambda df: audit_fairness(
        nullable_bool_with_na(df), df.p, sensitive_features=df.group), OK(check_dropped(1))),
    ("one row", lambda df: audit_fairness([1], [1], sensitive_features=["grp-alpha"]),
     OK(check_selection(1.0))),
    ("one class only", lambda df: audit_fairness(np.ones(N, int), df.p,
                                                 sensitive_features=df.group),
     OK(lambda r, df: r.overall["base_rate"] == 1.0)),
    ("empty inputs", lambda df: audit_fairness([], [], sensitive_features=[]),
     (ValueError, "no rows")),
    ("all labels missing", lambda df: audit_fairness([np.nan] * N, df.p,
                                                     sensitive_features=df.group),
     (ValueError, "Every row has a missing")),
    ("y_true a scalar", lambda df: audit_fairness(1, 1, sensitive_features=["grp-alpha"]),
     (TypeError, "one column of values")),
    ("y_true a dict", lambda df: audit_fairness({"a": 1}, df.p, sensitive_features=df.group),
     (TypeError, "not dict")),
    ("y_true 2-D", lambda df: audit_fairness(np.zeros((N, 2)), df.p,
                                             sensitive_features=df.group),
     (ValueError, "one-dimensional")),
    ("y_true two columns", lambda df: audit_fairness(df[["y", "p"]], df.p,
                                                     sensitive_features=df.group),
     (ValueError, "one column, not 2")),
    ("y_true holds lists", lambda df: audit_fairness(pd.Series([[v] for v in df.y]), df.p,
                                                     sensitive_features=df.group),
     (TypeError, "list values")),
    ("y_pred shorter", lambda df: audit_fairness(df.y, df.p[:-1].to_numpy(),
                                                 sensitive_features=df.group),
     (ValueError, "119 rows but y_true has 120")),
    ("both y_pred and y_score", lambda df: audit_fairness(df.y, df.p, y_score=df.s,
                                                          sensitive_features=df.group),
     (ValueError, "not both")),
    ("neither y_pred nor y_score", lambda df: audit_fairness(df.y, sensitive_features=df.group),
     (ValueError, "Give either")),
    # --- labels -----------------------------------------------------------------------------
    ("non-binary labels", lambda df: audit_fairness(df.income, df.p,
                                                    sensitive_features=df.group),
     (ValueError, "must be binary: it has 120 distinct values")),
    ("two values not 0/1", lambda df: audit_fairness(df.y + 1, df.p, sensitive_features=df.group),
     (ValueError, "not 0/1 or True/False")),
    ("text labels without pos_label", lambda df: audit_fairness(df.label, df.label,
                                                                sensitive_features=df.group),
     (ValueError, "pos_label")),
    ("text labels with pos_label", lambda df: audit_fairness(
        df.label, df.label, pos_label="yes-label", sensitive_features=df.group),
     OK(check_text_labels)),
    ("pos_label in neither", lambda df: audit_fairness(
        df.label, df.label, pos_label="nobody", sensitive_features=df.group),
     (ValueError, "occurs neither")),
    ("pos_label absent from y_true with scores", lambda df: scored(df, pos_label="nobody"),
     (ValueError, "never occurs in y_true")),
    ("model never says yes", lambda df: audit_fairness(
        df.label, pd.Series(["no-label"] * N), pos_label="yes-label",
        sensitive_features=df.group), OK(check_selection(0.0))),
    ("labels of two kinds", lambda df: audit_fairness(
        df.y, df.label, pos_label="yes-label", sensitive_features=df.group),
     (ValueError, "do not seem to use the same labels")),
    ("pos_label a list", lambda df: decided(df, pos_label=[1]), (TypeError, "one value")),
    ("pos_label NaN", lambda df: decided(df, pos_label=float("nan")),
     (ValueError, "missing value")),
    # --- sensitive features -----------------------------------------------------------------
    ("duplicate sensitive columns", lambda df: decided(df, sensitive_features=df[["group",
                                                                                  "group"]]),
     (ValueError, "more than once")),
    ("list-valued sensitive feature", lambda df: decided(
        df, sensitive_features=pd.Series([[i % 2] for i in range(N)])),
     (TypeError, "list values")),
    ("dict-valued sensitive feature", lambda df: decided(
        df, sensitive_features=pd.Series([{"k": i % 2} for i in range(N)])),
     (TypeError, "dict values")),
    ("arrow list sensitive feature", lambda df: decided(df, sensitive_features=pd.Series(
        [[i % 2] for i in range(N)], dtype=pd.ArrowDtype(pa.list_(pa.int64()))).rename("g")),
     (TypeError, "one value per row")),
    ("sensitive_features=None", lambda df: decided(df, sensitive_features=None),
     (TypeError, "is required")),
    ("sensitive_features a column name", lambda df: decided(df, sensitive_features="group"),
     (TypeError, "not its name")),
    ("sensitive_features a number", lambda df: decided(df, sensitive_features=5),
     (TypeError, "not int")),
    ("sensitive_features 3-D", lambda df: decided(df, sensitive_features=np.zeros((N, 2, 2))),
     (ValueError, "one column or a table")),
    ("sensitive dict, one short", lambda df: decided(
        df, sensitive_features={"group": df.group.to_numpy(), "band": df.band[:3].to_numpy()}),
     (ValueError, "'band' has 3 rows")),
    ("sensitive Series, short", lambda df: decided(df, sensitive_features=df.group[:-1]),
     (ValueError, "119 rows")),
    ("sensitive frame without columns", lambda df: decided(
        df, sensitive_features=pd.DataFrame(index=df.index)), (ValueError, "at least one")),
    ("lone surrogates in group labels", lambda df: decided(
        df, sensitive_features=pd.Series(["\ud800abc", "\udc00abc"] * (N // 2), dtype=object)),
     OK(check_surrogates)),
    ("all groups missing", lambda df: decided(df, sensitive_features=[None] * N),
     OK(groups_are("missing"))),
    ("a group named missing and missing values", lambda df: decided(
        df, sensitive_features=["missing", None] * (N // 2)),
     OK(groups_are("missing", "(missing)"))),
    ("bool sensitive feature", lambda df: decided(df, sensitive_features=df.y.astype(bool)),
     OK(groups_are(False, True))),
    ("intersectional dict", lambda df: decided(
        df, sensitive_features={"group": df.group, "band": df.band}),
     OK(lambda r, df: len(r.groups) == 6 and all(isinstance(g, tuple) for g in r.groups))),
    ("many features: no overflow", lambda df: decided(
        df, sensitive_features={f"f{i}": (np.arange(N) >> (i % 7)) % 2 for i in range(70)},
        max_groups=None),
     OK(lambda r, df: int(r.by_group["count"].sum()) == N)),
    ("email column (an identifier)", lambda df: decided(df, sensitive_features=df.email),
     (ValueError, "120 distinct values, more than max_groups=100")),
    ("email column, limit lifted", lambda df: decided(df, sensitive_features=df.email,
                                                      max_groups=None),
     OK(lambda r, df: len(r.groups) == N)),
    ("exact income: binned automatically", lambda df: decided(df, sensitive_features=df.income),
     OK(lambda r, df: len(r.groups) == 5 and r.data.binned[0].automatic
        and "5 quantile bins automatically" in r.notes[0])),
    ("exact income, bins=None", lambda df: decided(df, sensitive_features=df.income,
                                                   bins=None),
     (ValueError, "bins=5")),
    ("bins a word", lambda df: decided(df, bins="many"), (ValueError, "'auto'")),
    ("19 numbers: not binned", lambda df: decided(df, sensitive_features=np.arange(N) % 19,
                                                  min_group_size=0),
     OK(lambda r, df: len(r.groups) == 19 and not r.data.binned)),
    ("exact income, bins=4", lambda df: decided(df, sensitive_features=df.income, bins=4),
     OK(check_bins)),
    ("dates as groups", lambda df: decided(df, sensitive_features=df.day),
     (ValueError, "dt.year")),
    ("intersection above max_groups", lambda df: decided(
        df, sensitive_features=df[["group", "band"]], max_groups=5),
     (ValueError, "make 6 groups together")),
    ("max_groups=0", lambda df: decided(df, max_groups=0), (ValueError, "at least 1")),
    ("max_groups text", lambda df: decided(df, max_groups="100"), (TypeError, "max_groups")),
    ("bins=1", lambda df: decided(df, bins=1), (ValueError, "bins must be at least 2")),
    ("bins=2.5", lambda df: decided(df, bins=2.5), (ValueError, "whole number")),
    # --- pairing by index -------------------------------------------------------------------
    ("y_pred shuffled, same labels", lambda df: audit_fairness(
        df.y, shuffled(df.p), sensitive_features=df.group), OK(check_aligned)),
    ("sensitive shuffled, same labels", lambda df: audit_fairness(
        df.y, df.p, sensitive_features=shuffled(df.group)), OK(check_aligned)),
    ("everything shuffled alike", lambda df: audit_fairness(
        shuffled(df.y), shuffled(df.p), sensitive_features=shuffled(df[["group"]])),
     OK(lambda r, df: same_as_plain(r, df))),
    ("y_pred with other index labels", lambda df: audit_fairness(
        df.y, with_index(df.p, range(1000, 1000 + N)), sensitive_features=df.group),
     (ValueError, "different indexes: 120 of the 120")),
    ("repeated index labels", lambda df: audit_fairness(
        df.y, with_index(df.p, [0] * N), sensitive_features=df.group),
     (ValueError, "repeated labels")),
    ("array paired by position", lambda df: audit_fairness(
        shuffled(df.y), shuffled(df.p).to_numpy(), sensitive_features=shuffled(df.group)),
     OK(same_as_plain)),
    # --- scores and threshold ---------------------------------------------------------------
    ("infinite scores", lambda df: scored(df, y_score=replaced(df.s, [0], np.inf)),
     (ValueError, "1 infinite values")),
    ("minus infinite scores", lambda df: scored(df, y_score=replaced(df.s, [0, 5], -np.inf)),
     (ValueError, "2 infinite values")),
    ("scores above 1", lambda df: scored(df, y_score=df.s * 10),
     (ValueError, "outside [0, 1]")),
    ("NaN scores dropped", lambda df: scored(df, y_score=replaced(df.s, [0, 1, 2], np.nan)),
     OK(check_dropped(3))),
    ("Float64 scores with NA", lambda df: scored(df, y_score=float64_with_na(df)),
     OK(check_dropped(2))),
    ("text scores", lambda df: scored(df, y_score=df.group), (ValueError, "not numbers")),
    ("complex scores", lambda df: scored(df, y_score=df.s + 0j), (TypeError, "complex")),
    ("date scores", lambda df: scored(df, y_score=df.day), (TypeError, "dates")),
    ("bool scores", lambda df: scored(df, y_score=df.p.astype(bool)),
     OK(lambda r, df: r.overall["selection_rate"] == df.p.mean())),
    ("threshold=5", lambda df: scored(df, threshold=5), (ValueError, "threshold must be")),
    ("threshold NaN", lambda df: scored(df, threshold=float("nan")),
     (ValueError, "threshold must be")),
    ("threshold text", lambda df: scored(df, threshold="0.5"), (TypeError, "not str")),
    ("threshold True", lambda df: scored(df, threshold=True), (TypeError, "not bool")),
    ("threshold 0", lambda df: scored(df, threshold=0), OK(check_selection(1.0))),
    ("threshold 1", lambda df: scored(df, threshold=1),
     OK(lambda r, df: r.overall["selection_rate"] == (df.s >= 1).mean())),
    # --- other options ----------------------------------------------------------------------
    ("min_group_size=-1", lambda df: decided(df, min_group_size=-1), (ValueError, "at least 0")),
    ("min_group_size text", lambda df: decided(df, min_group_size="x"), (TypeError, "not str")),
    ("min_group_size 2.7", lambda df: decided(df, min_group_size=2.7),
     (ValueError, "whole number")),
    ("min_group_size 0", lambda df: decided(df, min_group_size=0),
     OK(lambda r, df: not r.by_group["small"].any())),
    ("unknown pass mark", lambda df: decided(df, thresholds={"bogus": 0.5}),
     (ValueError, "Unknown pass mark")),
    ("pass mark text", lambda df: decided(df, thresholds={"ratio": "x"}), (TypeError, "ratio")),
    ("pass mark 2", lambda df: decided(df, thresholds={"ratio": 2}),
     (ValueError, "between 0 and 1")),
    ("pass marks not a dict", lambda df: decided(df, thresholds=0.8), (TypeError, "dict")),
    ("pass mark 0.9", lambda df: decided(df, thresholds={"ratio": 0.9}),
     OK(lambda r, df: r.disparities.loc["disparate_impact_ratio", "threshold"] == 0.9)),
]


METHOD_CASES: list[tuple[str, Callable[[pd.DataFrame], Any], Any]] = [
    ("sweep(-1)", lambda df: scored(df).sweep(-1), (ValueError, "at least 2")),
    ("sweep(0)", lambda df: scored(df).sweep(0), (ValueError, "at least 2")),
    ("sweep(1.5)", lambda df: scored(df).sweep(1.5), (TypeError, "not float")),
    ("sweep(True)", lambda df: scored(df).sweep(True), (TypeError, "not bool")),
    ("sweep(10**9)", lambda df: scored(df).sweep(10 ** 9), (ValueError, "at most 10,001")),
    ("sweep text", lambda df: scored(df).sweep("x"), (TypeError, "not str")),
    ("sweep([nan])", lambda df: scored(df).sweep([float("nan")]),
     (ValueError, "between 0 and 1")),
    ("sweep([2])", lambda df: scored(df).sweep([2.0]), (ValueError, "between 0 and 1")),
    ("sweep(5)", lambda df: scored(df).sweep(5),
     OK(lambda r, df: r.counts.shape == (5, 3, 4))),
    ("sweep(np.int64)", lambda df: scored(df).sweep(np.int64(3)),
     OK(lambda r, df: len(r.thresholds) == 3)),
    ("sweep too large for the groups", lambda df: audit_fairness(
        np.arange(400) % 2, y_score=np.linspace(0, 1, 400), sensitive_features=np.arange(400),
        max_groups=None, bins=None).sweep(10_001), (ValueError, "too much work")),
    ("numbers in a list are binned too", lambda df: decided(
        df, sensitive_features=list(range(N))), OK(lambda r, df: len(r.groups) == 5)),
    ("sweep without scores", lambda df: decided(df).sweep(), (ValueError, "needs scores")),
    ("sweep metric unknown", lambda df: scored(df).sweep(3).metric("bogus"),
     (ValueError, "Unknown metric")),
    ("tradeoff unknown", lambda df: scored(df).sweep(3).tradeoff("bogus"),
     (ValueError, "disparity must be one of")),
    ("tradeoff of a ratio", lambda df: scored(df).sweep(3).tradeoff("demographic_parity_ratio"),
     (ValueError, "disparity must be one of")),
    ("tradeoff equal opportunity", lambda df: scored(df).sweep(3).tradeoff(
        "equal_opportunity_difference"), OK(lambda r, df: len(r) == 3)),
    ("n_boot=-1", lambda df: decided(df).confidence_intervals(n_boot=-1),
     (ValueError, "n_boot must be at least 1")),
    ("n_boot=0", lambda df: decided(df).confidence_intervals(n_boot=0),
     (ValueError, "n_boot must be at least 1")),
    ("n_boot=10**9", lambda df: decided(df).confidence_intervals(n_boot=10 ** 9),
     (ValueError, "at most 100,000")),
    ("n_boot=2.5", lambda df: decided(df).confidence_intervals(n_boot=2.5),
     (ValueError, "whole number")),
    ("bootstrap too large", lambda df: decided(
        df, sensitive_features=df.email, max_groups=None).confidence_intervals(n_boot=100_000),
     (ValueError, "too much work")),
    ("seed=-1", lambda df: decided(df).confidence_intervals(seed=-1),
     (ValueError, "seed must be at least 0")),
    ("seed='a'", lambda df: decided(df).confidence_intervals(seed="a"),
     (TypeError, "seed must be a whole number")),
    ("level=2", lambda df: decided(df).confidence_intervals(level=2),
     (ValueError, "strictly between 0 and 1")),
    ("level text", lambda df: decided(df).confidence_intervals(level="x"),
     (TypeError, "level must be a number")),
    ("one metric as text", lambda df: decided(df).confidence_intervals("accuracy", n_boot=50),
     OK(lambda r, df: list(r.columns) == ["accuracy_low", "accuracy_high"])),
    ("unknown metric", lambda df: decided(df).confidence_intervals(["bogus"]),
     (ValueError, "Unknown metric")),
    ("at_threshold(5)", lambda df: scored(df).at_threshold(5), (ValueError, "threshold must")),
    ("at_threshold(nan)", lambda df: scored(df).at_threshold(float("nan")),
     (ValueError, "threshold must")),
    ("at_threshold text", lambda df: scored(df).at_threshold("x"), (TypeError, "not str")),
    ("at_threshold unknown key", lambda df: scored(df).at_threshold({"no-such-group": 0.3}),
     (ValueError, "1 of the 1 keys")),
    ("at_threshold unknown and known", lambda df: scored(df).at_threshold(
        {"grp-alpha": 0.3, "no-such-group": 0.3, "other": 0.2}), (ValueError, "2 of the 3 keys")),
    ("at_threshold value out of range", lambda df: scored(df).at_threshold({"grp-alpha": 2}),
     (ValueError, "per-group threshold")),
    ("at_threshold key of another type", lambda df: scored(df).at_threshold({3.5: 0.2}),
     (ValueError, "1 of the 1 keys")),
    ("at_threshold per group", lambda df: scored(df).at_threshold({"grp-alpha": 0.0}),
     OK(lambda r, df: r.by_group.loc["grp-alpha", "selection_rate"] == 1.0)),
    ("at_threshold intersectional text key", lambda df: scored(
        df, sensitive_features=df[["group", "band"]]).at_threshold(
        {"grp-alpha × band-old": 0.0}),
     OK(lambda r, df: r.by_group.loc[[("grp-alpha", "band-old")], "selection_rate"].iloc[0]
        == 1.0)),
    ("at_threshold without scores", lambda df: decided(df).at_threshold(0.3),
     (ValueError, "needs scores")),
    ("mitigate constraints bogus", lambda df: scored(df).mitigate(constraints="bogus"),
     (ValueError, "constraints must be one of")),
    ("mitigate method bogus", lambda df: scored(df).mitigate("bogus"),
     (ValueError, "method must be one of")),
    ("mitigate seed text", lambda df: scored(df).mitigate(seed="a"), (TypeError, "seed")),
    ("mitigate seed -1", lambda df: scored(df).mitigate(seed=-1), (ValueError, "seed")),
    ("mitigate a one-outcome group", lambda df: one_outcome_group(df).mitigate(),
     (ValueError, "1 of the 3 groups have only one true outcome")),
    ("mitigate with a non-model", lambda df: decided(df).mitigate(
        estimator=object(), X=df[["income"]]), (TypeError, "estimator must be a fitted model")),
    ("mitigate X of the wrong length", lambda df: decided(df).mitigate(
        estimator=fitted(df), X=df[["income"]][:5]), (ValueError, "X has 5 rows")),
    ("mitigate after dropped rows", lambda df: scored(
        df, y_score=replaced(df.s, [0], np.nan)).mitigate(constraints="demographic_parity"),
     OK(lambda r, df: len(r.y_pred) == N - 1)),
    ("figure unknown metric", lambda df: decided(df).figure("bogus"),
     (ValueError, "Unknown metric")),
]


def text_values(df: pd.DataFrame) -> set[str]:
    out: set[str] = set()
    for col in df.columns:
        if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
            out |= {str(v) for v in df[col].unique()}
    return out


def run_case(call: Callable[[pd.DataFrame], Any], expected: Any,
             allowed: frozenset[str] = frozenset()) -> None:
    df = make_frame()
    before = df.copy(deep=True)
    start = time.perf_counter()
    if isinstance(expected, OK):
        result = call(df)
        outcome = expected.check(result, df)
        assert outcome is None or outcome, "the result's check failed"
    else:
        kind, fragment = expected
        with pytest.raises(kind) as info:
            call(df)
        message = str(info.value)
        assert fragment in message, message
        tb = info.tb
        while tb.tb_next is not None:
            tb = tb.tb_next
        assert "nbaudit" in tb.tb_frame.f_code.co_filename, (
            f"raised outside nbaudit: {tb.tb_frame.f_code.co_filename}")
        leaked = sorted(v for v in text_values(df) - allowed if v in message)
        assert not leaked, f"data values in {message!r}: {leaked}"
    assert time.perf_counter() - start < 30  # bounded: no case runs away
    pd.testing.assert_frame_equal(df, before)


@pytest.mark.parametrize(("call", "expected"), [c[1:] for c in API_CASES],
                         ids=[c[0] for c in API_CASES])
def test_audit_fairness_catalogue(call, expected):
    run_case(call, expected, frozenset({"yes-label"}))  # pos_label is the user's own text


@pytest.mark.parametrize(("call", "expected"), [c[1:] for c in METHOD_CASES],
                         ids=[c[0] for c in METHOD_CASES])
def test_result_methods_catalogue(call, expected):
    run_case(call, expected)


def test_catalogue_is_broad():
    assert len(API_CASES) + len(METHOD_CASES) >= 120


def test_limits_documented_defaults():
    assert MAX_GROUPS == WIDGET_MAX_GROUPS == 100


def test_quantile_bins_are_even_and_keep_missing():
    values = pd.Series([*range(100), None], dtype="Float64")
    binned = quantile_bins(values, 4)
    assert list(binned.categories) == ["[0, 24.75)", "[24.75, 49.5)", "[49.5, 74.25)",
                                       "[74.25, 99]"]
    assert pd.isna(binned[-1])
    assert pd.Series(binned).value_counts().tolist() == [25, 25, 25, 25]


def test_alignment_matches_pandas_join():
    df = make_frame()
    rng = np.random.default_rng(0)
    perm = rng.permutation(N)
    y = df.y.set_axis([f"id{i}" for i in range(N)])
    p = df.p.set_axis(y.index).iloc[perm]
    g = df.group.set_axis(y.index).iloc[rng.permutation(N)]
    audit = audit_fairness(y, p, sensitive_features=g)
    ref = expected_rates(y, p.loc[y.index], g.loc[y.index])
    np.testing.assert_allclose(audit.by_group["selection_rate"], ref)


# --- the widget -------------------------------------------------------------------------------
def widget_state(widget: FairnessWidget) -> str:
    state = {k: v for k, v in widget.get_state().items() if k not in ("_esm", "_css")}
    text = json.dumps(state, ensure_ascii=False)
    text.encode("utf-8")  # what the comm does: lone surrogates would fail here
    return text


def test_widget_refuses_many_groups_without_their_labels():
    df = make_frame()
    audit = audit_fairness(df.y, y_score=df.s, sensitive_features=df.email, max_groups=None)
    start = time.perf_counter()
    widget = FairnessWidget(audit)
    widget.threshold = 0.3  # a slider move: no work, no state
    assert time.perf_counter() - start < 5
    text = widget_state(widget)
    assert "120 groups" in widget.error and "bins=5" in widget.error
    assert widget.summary == {} and widget.tradeoff == {}
    with pytest.raises(ValueError, match="120 groups"):
        widget.report_markdown()
    assert not any(email in text for email in df.email)
    assert len(text) < 10_000


def test_widget_shows_groups_up_to_the_limit():
    df = make_frame()
    audit = audit_fairness(df.y, df.p, sensitive_features=np.arange(N) % WIDGET_MAX_GROUPS,
                           min_group_size=0, bins=None)
    widget = FairnessWidget(audit)
    assert len(widget.summary["groups"]) == WIDGET_MAX_GROUPS and widget.error == ""


def test_widget_threshold_from_the_browser_is_clamped():
    df = make_frame()
    widget = FairnessWidget(audit_fairness(df.y, y_score=df.s, sensitive_features=df.group))
    widget.threshold = float("nan")
    assert widget.threshold == 0.5
    widget.threshold = -3.0
    assert widget.threshold == 0.0 and widget.summary["overall"]["selection_rate"] == 1.0


def test_widget_unknown_group_thresholds_are_reported():
    df = make_frame()
    widget = FairnessWidget(audit_fairness(df.y, y_score=df.s, sensitive_features=df.group))
    widget.group_thresholds = {"grp-alpha": 0.0, "no-such-group": 0.9}
    groups = {g["group"]: g for g in widget.summary["groups"]}
    assert groups["grp-alpha"]["selection_rate"] == 1.0
    assert "1 key(s)" in widget.error and "no-such-group" not in widget.error
    widget.group_thresholds = {}
    assert widget.error == ""


def test_widget_surrogate_labels_reach_the_state():
    df = make_frame()
    groups = pd.Series(["\ud800abc", "plain"] * (N // 2), dtype=object)
    widget = FairnessWidget(audit_fairness(df.y, y_score=df.s, sensitive_features=groups))
    assert "\\\\ud800abc" in widget_state(widget)  # the escape, as text


def test_widget_needs_an_audit():
    with pytest.raises(TypeError, match="FairnessAudit"):
        FairnessWidget(make_frame())


def test_many_small_groups_are_counted_not_listed():
    df = make_frame()
    groups = df.email.where(df.index >= 80, df.band)  # two groups of 40, then 40 of one row
    audit = audit_fairness(df.y, df.p, sensitive_features=groups, max_groups=None)
    note = audit.disparity_list[0].note
    assert "and 30 more" in note and note.count("@") == 10


# --- %fairness --------------------------------------------------------------------------------
@pytest.fixture()
def ip(shell):
    df = make_frame()
    shell.user_ns.update(fdf=df, fdf_before=df.copy(deep=True),
                         finf=df.assign(s=df.s.where(df.index > 0, np.inf)))
    yield shell
    pd.testing.assert_frame_equal(shell.user_ns["fdf"], shell.user_ns["fdf_before"])


MAGIC_CASES = [
    ("fdf --y-true y --y-pred p --sensitive group,group", "more than once"),
    ("fdf --y-true y --y-pred p --sensitive email", "--max-groups"),
    ("fdf --y-true y --y-pred p --sensitive income --bins none", "--bins 5"),
    ("fdf --y-true y --y-pred p --sensitive group --bins lots", "--bins takes"),
    ("fdf --y-true y --score s --sensitive group --threshold 5", "--threshold must be"),
    ("fdf --y-true y --score s --sensitive group --threshold nan", "--threshold must be"),
    ("fdf --y-true y --y-pred p --sensitive group --min-group-size -1",
     "--min-group-size must be at least 0"),
    ("fdf --y-true y --y-pred p --sensitive group -o 1bad", "not a valid Python variable"),
    ("fdf --y-true y --y-pred p --sensitive group -o class", "not a valid Python variable"),
    ("fdf --y-true y --y-pred p --score s --sensitive group", "not both"),
    ("fdf --y-true y --y-pred p --sensitive group --max-groups -2", "--max-groups"),
    ("fdf --y-true y --y-pred p --sensitive group --bins 1", "bins must be at least 2"),
    ("fdf --y-true y --y-pred p --sensitive ,", "Name the sensitive"),
    ("fdf --y-true label --y-pred label --sensitive group", "--pos-label"),
    ("fdf --y-true label --y-pred label --sensitive group --pos-label nobody",
     "occurs neither"),
    ("finf --y-true y --score s --sensitive group", "infinite"),
    ("fdf --y-true y --y-pred day --sensitive group", "binary"),
    ("model fdf[['income']] fdf.y --sensitive nope", "No column 'nope' in X"),
]


@pytest.mark.parametrize(("line", "fragment"), MAGIC_CASES)
def test_fairness_magic_catalogue(ip, line, fragment):
    from sklearn.linear_model import LogisticRegression

    df = ip.user_ns["fdf"]
    ip.user_ns["model"] = LogisticRegression().fit(df[["income"]], df.y)
    with pytest.raises(UsageError) as info:
        ip.run_line_magic("fairness", line)
    message = str(info.value)
    assert fragment in message, message
    leaked = [v for v in text_values(df) if v in message]
    assert not leaked, f"data values in {message!r}: {leaked}"


def test_fairness_magic_good_lines(ip):
    ip.run_line_magic("fairness", "fdf --y-true y --score s --sensitive income --bins 4 -o fa")
    assert len(ip.user_ns["fa"].groups) == 4
    ip.run_line_magic("fairness", "fdf --y-true label --y-pred label --sensitive group "
                                  "--pos-label yes-label -o fb")
    assert ip.user_ns["fb"].overall["selection_rate"] == ip.user_ns["fdf"].y.mean()
    ip.user_ns["bools"] = ip.user_ns["fdf"].assign(y=lambda d: d.y.astype(bool))
    ip.run_line_magic("fairness", "bools --y-true y --y-pred y --sensitive group "
                                  "--pos-label True -o fc")
    assert ip.user_ns["fc"].overall["selection_rate"] == ip.user_ns["fdf"].y.mean()
    ip.run_line_magic("fairness", "fdf --y-true y --y-pred p --sensitive email "
                                  "--max-groups 0 -o fd")
    assert len(ip.user_ns["fd"].groups) == N  # audited; the widget shows a message instead


def test_fairness_magic_model_form_pairs_by_index(ip):
    from sklearn.linear_model import LogisticRegression

    df = ip.user_ns["fdf"]
    X = df[["income"]].assign(group=df.group)
    model = LogisticRegression().fit(df[["income"]], df.y)
    ip.user_ns.update(model=model, X=X[["income"]], y=df.y, grp=shuffled(df.group))
    ip.run_line_magic("fairness", "model X y --sensitive grp -o fm")
    ref = audit_fairness(df.y, y_score=model.predict_proba(df[["income"]])[:, 1],
                         sensitive_features=df.group)
    pd.testing.assert_frame_equal(ip.user_ns["fm"].by_group, ref.by_group, check_names=False)
