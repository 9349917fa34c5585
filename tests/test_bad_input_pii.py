"""Bad and big input to `scan_pii`, its result and `%pii_scan` (issue 11): every case ends in a
correct result or a clear nbaudit error that says what to do, in bounded time, with the input
untouched and no data value in the message.

One table per entry point: (case id, the call, the expected outcome). "ok" cases also check
that the result can be paged, reported and pseudonymized.
"""

from __future__ import annotations

import copy
import datetime as dt
import decimal
import json
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from IPython.core.error import UsageError

import nbaudit
from nbaudit.widgets import PiiScanWidget

KEY = "bad-input-test-key-5e8a2c1f9d"
SECRET_VALUE = "zorbat.quintrell@example.org"  # planted: must never appear in a message
N = 30


def base() -> pd.DataFrame:
    return pd.DataFrame({
        "email": [SECRET_VALUE] + [f"person{i}@example.com" for i in range(1, N)],
        "age": list(range(20, 20 + N)),
        "plan": ["basic", "plus", "pro"] * (N // 3),
    })


def with_column(values: Any, name: str = "x") -> pd.DataFrame:
    df = base()
    df[name] = values
    return df


def labelled(columns: Any) -> pd.DataFrame:
    df = base()
    df.columns = columns
    return df


OK = "ok"
# (id, frame factory, keyword arguments, expected: OK or (exception type, message fragment))
SCAN_CASES: list[tuple[str, Callable[[], Any], dict[str, Any], Any]] = [
    ("plain", base, {}, OK),
    ("series", lambda: base()["email"], {}, OK),
    ("one row", lambda: base().head(1), {}, OK),
    ("no rows", lambda: base().head(0), {}, OK),
    ("all null column", lambda: with_column([None] * N), {}, OK),
    ("all NaN frame", lambda: pd.DataFrame({"a": [np.nan] * 5, "b": [None] * 5}), {}, OK),
    # (pandas 3's default string dtype cannot hold them: object columns can)
    ("lone surrogates", lambda: with_column(pd.Series(["\ud800abc", "x\udfff"] * (N // 2),
                                                      dtype=object)), {}, OK),
    ("lone surrogate in an email", lambda: with_column(pd.Series(
        [f"a{i}\ud800@example.com" for i in range(N)], dtype=object)), {}, OK),
    ("arrow list dtype", lambda: with_column(pd.Series(
        [["a", "b"], ["c"]] * (N // 2), dtype=pd.ArrowDtype(pa.list_(pa.string())))), {}, OK),
    ("arrow struct dtype", lambda: with_column(pd.Series(
        [{"k": "a"}, {"k": "b"}] * (N // 2),
        dtype=pd.ArrowDtype(pa.struct([("k", pa.string())])))), {}, OK),
    ("list values", lambda: with_column([["x", 1], ["y"]] * (N // 2)), {}, OK),
    ("dict values", lambda: with_column([{"email": SECRET_VALUE}, {}] * (N // 2)), {}, OK),
    ("set values", lambda: with_column([{1, 2}, set()] * (N // 2)), {}, OK),
    ("bytes values", lambda: with_column([b"abc", b"\xff\xfe"] * (N // 2)), {}, OK),
    ("mixed types", lambda: with_column([1, "a", 2.5, None, True, b"x"] * (N // 6)), {}, OK),
    ("decimals", lambda: with_column([decimal.Decimal("1.5")] * N), {}, OK),
    ("datetimes tz", lambda: with_column(pd.date_range("2020", periods=N, tz="UTC")), {}, OK),
    ("timedeltas", lambda: with_column(pd.to_timedelta(range(N), unit="s")), {}, OK),
    ("periods", lambda: with_column(pd.period_range("2020-01", periods=N, freq="M")), {}, OK),
    ("intervals", lambda: with_column(pd.interval_range(0, N)), {}, OK),
    ("categorical", lambda: with_column(pd.Categorical(["a", "b"] * (N // 2))), {}, OK),
    ("nullable ints", lambda: with_column(pd.array([1, None] * (N // 2), dtype="Int64")), {}, OK),
    ("booleans", lambda: with_column([True, False] * (N // 2)), {}, OK),
    ("complex", lambda: with_column([1 + 2j] * N), {}, OK),
    ("infinities", lambda: with_column([np.inf, -np.inf, 1.0] * (N // 3)), {}, OK),
    ("huge ints", lambda: with_column([10**30, -(10**40)] * (N // 2)), {}, OK),
    ("dates as objects", lambda: with_column([dt.date(1980, 1, 2)] * N), {}, OK),
    ("sparse", lambda: with_column(pd.arrays.SparseArray([0, 1] * (N // 2))), {}, OK),
    ("string dtype", lambda: base().astype({"plan": "string"}), {}, OK),
    ("arrow strings", lambda: base().astype({"plan": pd.ArrowDtype(pa.string())}), {}, OK),
    ("int labels", lambda: labelled([0, 1, 2]), {}, OK),
    ("None label", lambda: labelled([None, "age", "plan"]), {}, OK),
    ("tuple labels", lambda: labelled(pd.Index([("a", 1), ("b", 2), ("c", 3)],
                                               tupleize_cols=False)), {}, OK),
    ("multiindex labels", lambda: labelled(pd.MultiIndex.from_tuples(
        [("p", "email"), ("p", "age"), ("q", "plan")])), {}, OK),
    ("duplicate labels", lambda: labelled(["email", "email", "plan"]), {}, OK),
    ("empty-string label", lambda: labelled(["", "age", "plan"]), {}, OK),
    ("label with newline and HTML", lambda: labelled(["e\nmail<b>", "age", "plan"]), {}, OK),
    ("label is an email", lambda: labelled([SECRET_VALUE, "age", "plan"]), {}, OK),
    ("very long label", lambda: labelled(["x" * 10_000, "age", "plan"]), {}, OK),
    ("non-unique index", lambda: base().set_axis([0] * N), {}, OK),
    ("multiindex rows", lambda: base().set_index(["plan", "age"], drop=False), {}, OK),
    ("index of emails", lambda: base().set_index("email"), {}, OK),
    ("a 2 MB cell", lambda: with_column(["word " * 400_000] + ["x"] * (N - 1)), {}, OK),
    ("columns=str", base, {"columns": "email"}, OK),
    ("columns by int label", lambda: labelled([0, 1, 2]), {"columns": [0]}, OK),
    ("entities lower-case", base, {"entities": ["email_address"]}, OK),
    ("entities as a string", base, {"entities": "EMAIL_ADDRESS,PERSON"}, OK),
    ("sample_size 1", base, {"sample_size": 1}, OK),
    ("sample_size huge", base, {"sample_size": 10**12}, OK),
    ("min_score 0", base, {"min_score": 0}, OK),
    ("min_score 1", base, {"min_score": 1}, OK),
    ("seed 0", base, {"seed": 0}, OK),
    ("numpy int seed", base, {"seed": np.int64(3)}, OK),
    # refused, with what to do
    ("None", lambda: None, {}, (TypeError, "pandas DataFrame")),
    ("list", lambda: [1, 2], {}, (TypeError, "pandas DataFrame")),
    ("dict", lambda: {"a": [1]}, {}, (TypeError, "pd.DataFrame(")),
    ("ndarray", lambda: np.zeros((2, 2)), {}, (TypeError, "pd.DataFrame(")),
    ("arrow table", lambda: pa.table({"a": [1]}), {}, (TypeError, ".to_pandas()")),
    ("no columns", lambda: pd.DataFrame(), {}, (ValueError, "no columns")),
    ("unknown column", base, {"columns": ["nope"]}, (ValueError, "No column 'nope'")),
    ("empty columns list", base, {"columns": []}, (ValueError, "at least one column")),
    ("columns=int not present", base, {"columns": 5}, (ValueError, "No column 5")),
    ("unknown entity", base, {"entities": ["EMAIL"]}, (ValueError, "Unknown entity EMAIL")),
    ("empty entities", base, {"entities": []}, (ValueError, "at least one entity")),
    ("entities ','", base, {"entities": ","}, (ValueError, "at least one entity")),
    ("entities=int", base, {"entities": 5}, (TypeError, "entity names")),
    ("sample_size 0", base, {"sample_size": 0}, (ValueError, "sample_size")),
    ("sample_size -1", base, {"sample_size": -1}, (ValueError, "sample_size")),
    ("sample_size 2.5", base, {"sample_size": 2.5}, (ValueError, "whole number")),
    ("sample_size 'x'", base, {"sample_size": "x"}, (TypeError, "sample_size")),
    ("sample_size True", base, {"sample_size": True}, (TypeError, "sample_size")),
    ("min_score -0.1", base, {"min_score": -0.1}, (ValueError, "between 0 and 1")),
    ("min_score 1.5", base, {"min_score": 1.5}, (ValueError, "between 0 and 1")),
    ("min_score 'x'", base, {"min_score": "x"}, (ValueError, "min_score must be a number")),
    ("min_score NaN", base, {"min_score": float("nan")}, (ValueError, "between 0 and 1")),
    ("seed -1", base, {"seed": -1}, (ValueError, "seed")),
    ("seed 'a'", base, {"seed": "a"}, (TypeError, "seed")),
    ("seed 2.5", base, {"seed": 2.5}, (ValueError, "seed")),
    ("progress not callable", base, {"progress": 5}, (TypeError, "progress")),
    ("unknown keyword", base, {"colums": ["email"]}, (TypeError, "colums")),
]


def _clean_message(exc: BaseException) -> None:
    text = str(exc)
    assert SECRET_VALUE not in text
    assert "Traceback" not in text
    assert len(text) < 2_000, "messages stay short"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (pd.DataFrame, pd.Series)):
        try:
            pd.testing.assert_frame_equal(a, b) if isinstance(a, pd.DataFrame) \
                else pd.testing.assert_series_equal(a, b)
        except AssertionError:
            return False
        return True
    return bool(np.all(a == b)) if isinstance(a, np.ndarray) else repr(a) == repr(b)


@pytest.mark.parametrize(("make", "kwargs", "expected"),
                         [pytest.param(m, k, e, id=i) for i, m, k, e in SCAN_CASES])
def test_scan_pii_catalogue(make: Callable[[], Any], kwargs: dict[str, Any],
                            expected: Any) -> None:
    df = make()
    before = copy.deepcopy(df)
    start = time.perf_counter()
    if expected == OK:
        scan = nbaudit.scan_pii(df, **kwargs)
        width = df.shape[1] if isinstance(df, pd.DataFrame) else 1
        assert len(scan.columns) == (width if not kwargs.get("columns") else len(scan.columns))
        page = scan.page(0, page_size=20)
        json.dumps(page)  # JSON-safe
        scan.findings  # noqa: B018
        md = scan.to_markdown()
        assert SECRET_VALUE not in md and SECRET_VALUE not in json.dumps(page)
        if isinstance(df, pd.DataFrame) and not kwargs.get("columns"):
            out = scan.pseudonymize(key=KEY).frame
            assert SECRET_VALUE not in out.to_csv()
        widget = PiiScanWidget(scan)
        assert SECRET_VALUE not in json.dumps({k: v for k, v in widget.get_state().items()
                                               if not k.startswith("_")}, default=str)
    else:
        kind, fragment = expected
        with pytest.raises(kind) as info:
            nbaudit.scan_pii(df, **kwargs)
        assert fragment in str(info.value), str(info.value)
        _clean_message(info.value)
    assert time.perf_counter() - start < 60
    assert _same(df, before), "the input was modified"


PAGE_CASES: list[tuple[str, dict[str, Any], Any]] = [
    ("first page", {"page": 0, "page_size": 20}, OK),
    ("past the end: the last page", {"page": 99, "page_size": 20}, OK),
    ("negative: the first page", {"page": -1, "page_size": 20}, OK),
    ("size 1", {"page": 0, "page_size": 1}, OK),
    ("size 0", {"page": 0, "page_size": 0}, (ValueError, "page_size")),
    ("size 'x'", {"page": 0, "page_size": "x"}, (TypeError, "page_size")),
    ("page 1.5", {"page": 1.5, "page_size": 20}, (ValueError, "page")),
    ("page None", {"page": None, "page_size": 20}, (TypeError, "page")),
    ("unknown column", {"page": 0, "page_size": 20, "columns": ["nope"]},
     (ValueError, "nope")),
]


@pytest.mark.parametrize(("kwargs", "expected"),
                         [pytest.param(k, e, id=i) for i, k, e in PAGE_CASES])
def test_page_catalogue(kwargs: dict[str, Any], expected: Any) -> None:
    scan = nbaudit.scan_pii(base())
    if expected == OK:
        page = scan.page(**kwargs)
        json.dumps(page)
    else:
        kind, fragment = expected
        with pytest.raises(kind) as info:
            scan.page(**kwargs)
        assert fragment in str(info.value), str(info.value)
        _clean_message(info.value)


PSEUDONYMIZE_CASES: list[tuple[str, Callable[[], pd.DataFrame], dict[str, Any], Any]] = [
    ("duplicate labels", lambda: labelled(["email", "email", "plan"]), {}, OK),
    ("int labels", lambda: labelled([0, 1, 2]), {"handling": {0: "drop"}}, OK),
    ("unknown column", base, {"handling": {"nope": "drop"}}, (ValueError, "No column")),
    ("unknown handling", base, {"handling": {"email": "hash"}}, (ValueError, "not one of")),
    ("handling not a dict", base, {"handling": ["email"]}, (TypeError, "handling")),
    ("weak key", base, {"key": "a"}, (ValueError, "too weak")),
    ("empty key", base, {"key": ""}, (ValueError, "too weak")),
    ("key int", base, {"key": 12345}, (TypeError, "key")),
    ("generalize_level 0", base, {"generalize_level": 0}, (ValueError, "generalize_level")),
    ("generalize_level 'x'", base, {"generalize_level": "x"}, (TypeError, "generalize_level")),
]


@pytest.mark.parametrize(("make", "kwargs", "expected"),
                         [pytest.param(m, k, e, id=i) for i, m, k, e in PSEUDONYMIZE_CASES])
def test_pseudonymize_catalogue(make: Callable[[], pd.DataFrame], kwargs: dict[str, Any],
                                expected: Any) -> None:
    df = make()
    before = df.copy()
    scan = nbaudit.scan_pii(df)
    kwargs = {"key": KEY, **kwargs}
    if expected == OK:
        out = scan.pseudonymize(**kwargs).frame
        assert SECRET_VALUE not in out.to_csv()
        assert out.shape[0] == df.shape[0]
    else:
        kind, fragment = expected
        with pytest.raises(kind) as info:
            scan.pseudonymize(**kwargs)
        assert fragment in str(info.value), str(info.value)
        _clean_message(info.value)
    pd.testing.assert_frame_equal(df, before)


MAGIC_CASES: list[tuple[str, str, Any]] = [
    ("plain", "df", OK),
    ("stores", "df -o result", OK),
    ("not a frame", "notdf", (UsageError, "pandas DataFrame")),
    ("undefined", "nothing_here", (UsageError, "nothing_here")),
    ("invalid -o", "df -o 1bad", (UsageError, "valid Python variable name")),
    ("keyword -o", "df -o class", (UsageError, "valid Python variable name")),
    ("entities ','", "df --entities ,", (UsageError, "at least one entity")),
    ("unknown entity", "df --entities EMAIL", (UsageError, "Unknown entity")),
    ("sample -1", "df --sample -1", (UsageError, "sample")),
    ("min-score x", "df --min-score x", (UsageError, "min-score")),
    ("seed a", "df --seed a", (UsageError, "seed")),
    ("unknown column", "df --columns nope", (UsageError, "No column 'nope'")),
    ("unknown option", "df --bogus", (UsageError, "%pii_scan?")),
    ("no argument", "", (UsageError, "%pii_scan df")),
]


@pytest.mark.parametrize(("line", "expected"),
                         [pytest.param(li, e, id=i) for i, li, e in MAGIC_CASES])
def test_pii_scan_magic_catalogue(shell: Any, line: str, expected: Any) -> None:
    shell.user_ns["df"] = base()
    shell.user_ns["notdf"] = [1, 2, 3]
    before = shell.user_ns["df"].copy()
    magic = shell.find_line_magic("pii_scan")
    if expected == OK:
        magic(line)
        if "-o result" in line:
            assert isinstance(shell.user_ns["result"], nbaudit.PiiScan)
    else:
        kind, fragment = expected
        with pytest.raises(kind) as info:
            magic(line)
        assert fragment in str(info.value), str(info.value)
        _clean_message(info.value)
    pd.testing.assert_frame_equal(shell.user_ns["df"], before)
