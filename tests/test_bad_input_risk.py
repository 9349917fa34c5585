"""Bad and big input to the re-identification API (issue 11): one table of cases.

Each case is (name, call, expected): ``call(F)`` runs against a fresh dict ``F`` of frames,
and ``expected`` is either ``ok(check)`` (``check(result, F)`` verifies the answer, e.g. k
against a pandas group-by computed here) or ``(ExceptionType, "message fragment")``. After
every case the frames are unchanged (deep comparison with copies taken before), and no
message quotes a value of the data.
"""

from __future__ import annotations

import copy
import datetime
import math
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from IPython.core.error import UsageError

from nbaudit import assess_risk
from nbaudit.risk import Hierarchy
from nbaudit.risk.assess import SearchWarning
from nbaudit.risk.codes import combine_codes
from nbaudit.risk.hierarchy import HierarchyFileError
from nbaudit.widgets import ReidRiskWidget

CITIES = ["Quxbridge", "Vorlington", "Zembla Falls", "Yarrowmere"]
SEXES = ["Femalex", "Malex"]
DIAGNOSES = ["Bronchitisz", "Asthmaq", "Migrainew"]


def frames(tmp_path: Any) -> dict[str, Any]:
    rng = np.random.default_rng(11)
    n = 300
    base = pd.DataFrame({
        "age": rng.integers(18, 90, n),
        "zip": pd.Series(rng.choice(["12345", "12399", "54321", "54388"], n)),
        "sex": rng.choice(SEXES, n),
        "city": rng.choice(CITIES, n),
        "dx": rng.choice(DIAGNOSES, n),
    })
    wide7 = pd.DataFrame({f"q{i}": rng.integers(0, 2_000, 3_000) for i in range(7)})
    wide30 = pd.DataFrame({f"q{i}": rng.integers(0, 4, 3_000) for i in range(30)})
    odd = pd.DataFrame({
        "lists": [[1, 2], [3], [1, 2], [3]] * 5,
        "dicts": [{"a": 1}, {"b": 2}] * 10,
        "surrogates": pd.Series(["\ud800abc", "plain", "\udfffxyz", "plain"] * 5, dtype=object),
        "mixed": pd.Series([1, "1", 2.0, None, "x"] * 4, dtype=object),
        "floats": [1.0, np.inf, -np.inf, np.nan, 2.0] * 4,
        "complex": [1 + 1j, 2 + 0j] * 10,
        "bools": [True, False, True, True] * 5,
        "cat": pd.Categorical(["u", "v"] * 10, categories=["u", "v", "w"]),
        "dates": pd.date_range("2001-01-01", periods=20, freq="17D"),
        "tzdates": pd.date_range("2001-01-01", periods=20, freq="17D", tz="UTC"),
        "deltas": pd.to_timedelta(np.arange(20) % 4, unit="D"),
        "nullint": pd.array([1, None, 3, 4] * 5, dtype="Int64"),
        "arrowint": pd.array([1, 2, 2, 3] * 5, dtype="int64[pyarrow]"),
        "arrowstr": pd.array(["s", "t"] * 10, dtype="string[pyarrow]"),
        "arrowlist": pd.Series([[1], [2, 3]] * 10, dtype=pd.ArrowDtype(pa.list_(pa.int64()))),
        "allnan": [np.nan] * 20,
        "allnone": pd.Series([None] * 20, dtype=object),
        "period": pd.period_range("2000-01", periods=20, freq="M"),
        "float64na": pd.array([1.5, None, 2.5, 1.5] * 5, dtype="Float64"),
        "uint64": np.array([2**64 - 1, 0, 5, 2**64 - 1] * 5, dtype="uint64"),
        "date32": pd.Series([datetime.date(2000, 1, 1), datetime.date(2001, 2, 3), None,
                             datetime.date(2000, 1, 1)] * 5, dtype=pd.ArrowDtype(pa.date32())),
        "arrowbool": pd.Series([True, None, False, True] * 5, dtype=pd.ArrowDtype(pa.bool_())),
        "struct": pd.Series([{"a": 1}, {"a": 2}] * 10,
                            dtype=pd.ArrowDtype(pa.struct([("a", pa.int64())]))),
        "sets": pd.Series([{1, 2}, {3}] * 10, dtype=object),
        "bytes": pd.Series([b"ab", b"cd"] * 10, dtype=object),
        "unique": [f"tok-{i:04d}-zz" for i in range(20)],
        "dx": ["Bronchitisz", "Asthmaq"] * 10,
    })
    dup = pd.DataFrame([[1, 2, 3]] * 10, columns=["a", "a", "b"])
    intcols = pd.DataFrame({0: [1, 2] * 5, 1: [3, 3, 4, 4, 4] * 2})
    csv = tmp_path / "age.csv"
    ages = sorted(set(base["age"]))
    csv.write_text("".join(f"{a};{a // 10 * 10}s;*\n" for a in ages), encoding="utf-8")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    (tmp_path / "latin1.csv").write_bytes("Zoë;*\n".encode("latin-1"))
    return {"base": base, "wide7": wide7, "wide30": wide30, "odd": odd, "dup": dup,
            "intcols": intcols, "csv": csv, "dir": tmp_path,
            "risk": assess_risk(base, ["age", "zip", "sex"], sensitive=["dx"])}


def group_k(df: pd.DataFrame, cols: list[Any]) -> int:
    """k by pandas alone: the smallest group, nulls as their own value."""
    return int(df.groupby(cols, dropna=False, observed=True).size().min())


def ok(check: Callable[[Any, dict[str, Any]], Any] | None = None) -> tuple[str, Any]:
    return ("ok", check)


def k_is(frame: str, cols: list[Any], via: Callable[[pd.Series], pd.Series] | None = None):
    def check(result: Any, F: dict[str, Any]) -> None:
        df = F[frame][cols]
        if via is not None:
            df = df.apply(via)
        assert result.k == group_k(df, cols)
    return ok(check)


def as_text(s: pd.Series) -> pd.Series:
    return s.astype(object).map(
        lambda v: str(v) if isinstance(v, (list, dict, set, np.ndarray)) else v)


def search_ok(result: Any, F: dict[str, Any]) -> None:
    assert result.levels is not None and result.figures.k >= result.criteria["k"]


A = assess_risk
CASES: list[tuple[str, Callable[[dict[str, Any]], Any], Any]] = [
    # -- the frame and the columns ------------------------------------------------------
    ("frame is a list", lambda F: A([[1, 2]], ["a"]), (TypeError, "pandas DataFrame")),
    ("frame is a dict", lambda F: A({"age": [1]}, ["age"]), (TypeError, "pandas DataFrame")),
    ("empty frame", lambda F: A(F["base"].iloc[:0], ["age"]), (ValueError, "no rows")),
    ("frame without columns", lambda F: A(pd.DataFrame(index=range(3)), ["age"]),
     (ValueError, "No column 'age'")),
    ("one row", lambda F: A(F["base"].iloc[:1], ["age", "sex"]),
     ok(lambda r, F: r.k == 1 and r.n_classes == 1)),
    ("unknown column", lambda F: A(F["base"], ["nope"]), (ValueError, "No column 'nope'")),
    ("no quasi-identifier", lambda F: A(F["base"], []), (ValueError, "at least one")),
    ("quasi-identifiers None", lambda F: A(F["base"], None), (TypeError, "list of names")),
    ("quasi-identifiers an int", lambda F: A(F["base"], 5), (TypeError, "list of names")),
    ("quasi-identifiers a dict", lambda F: A(F["base"], {"age": 1}), (TypeError, "list of")),
    ("a list inside the list", lambda F: A(F["base"], [["age"]]), (TypeError, "column name")),
    ("comma-separated text", lambda F: A(F["base"], "age, sex"), k_is("base", ["age", "sex"])),
    ("a name twice", lambda F: A(F["base"], ["age", "age"]),
     ok(lambda r, F: r.quasi_identifiers == ["age"])),
    ("duplicate column labels", lambda F: A(F["dup"], ["a"]), (ValueError, "more than once")),
    ("quasi-identifier is sensitive", lambda F: A(F["base"], ["age"], sensitive=["age"]),
     (ValueError, "both a quasi-identifier and a sensitive")),
    ("unknown sensitive", lambda F: A(F["base"], ["age"], sensitive=["nope"]),
     (ValueError, "No column")),
    ("sensitive an int", lambda F: A(F["base"], ["age"], sensitive=3),
     (TypeError, "list of names")),
    ("integer column labels", lambda F: A(F["intcols"], [0, 1]), k_is("intcols", [0, 1])),
    ("non-unique index", lambda F: A(F["base"].set_axis([0] * 300), ["age", "sex"]),
     k_is("base", ["age", "sex"])),
    # -- k and population_size --------------------------------------------------------------
    ("k=2.7", lambda F: A(F["base"], ["age"], k=2.7), (ValueError, "whole number")),
    ("k='5'", lambda F: A(F["base"], ["age"], k="5"), (TypeError, "whole number")),
    ("k=0", lambda F: A(F["base"], ["age"], k=0), (ValueError, "at least 1")),
    ("k=True", lambda F: A(F["base"], ["age"], k=True), (TypeError, "not bool")),
    ("k=nan", lambda F: A(F["base"], ["age"], k=float("nan")), (ValueError, "whole number")),
    ("k=5.0", lambda F: A(F["base"], ["age"], k=5.0), ok(lambda r, F: r.target_k == 5)),
    ("k above the rows", lambda F: A(F["base"].head(3), ["age"], k=10),
     ok(lambda r, F: r.target_k == 3)),
    ("population_size='x'", lambda F: A(F["base"], ["age"], population_size="x"),
     (TypeError, "population_size must be a whole number")),
    ("population_size=1.5", lambda F: A(F["base"], ["age"], population_size=1500.5),
     (ValueError, "whole number")),
    ("population below the rows", lambda F: A(F["base"], ["age"], population_size=10),
     (ValueError, "cannot be smaller")),
    ("population_size given", lambda F: A(F["base"], ["age"], population_size=30_000),
     ok(lambda r, F: r.now.journalist_risk < r.now.highest_risk)),
    # -- hierarchies ----------------------------------------------------------------------
    ("hierarchies not a dict", lambda F: A(F["base"], ["age"], hierarchies=5),
     (TypeError, "hierarchies must be a dict")),
    ("hierarchy for a non-QI", lambda F: A(F["base"], ["age"], hierarchies={"sex": {}}),
     (ValueError, "not quasi-identifiers")),
    ("hierarchy an int", lambda F: A(F["base"], ["age"], hierarchies={"age": 3}),
     (TypeError, "must be a Hierarchy")),
    ("hierarchy file missing", lambda F: A(F["base"], ["age"], hierarchies={"age": "no.csv"}),
     (HierarchyFileError, "does not exist")),
    ("hierarchy file given", lambda F: A(F["base"], ["age"], hierarchies={"age": F["csv"]}),
     ok(lambda r, F: r.max_levels == {"age": 2} and r.hierarchies["age"].kind == "arx")),
    ("hierarchy misses values", lambda F: A(F["base"], ["sex", "city"], hierarchies={
        "city": {CITIES[0]: ["*"]}}), (ValueError, "has no row for 3 of the 4")),
    ("hierarchy not nested", lambda F: Hierarchy.from_mapping({
        "a": ["x", "1"], "b": ["x", "2"], "c": ["y", "2"]}), (ValueError, "splits groups")),
    ("hierarchy level as text", lambda F: A(F["base"], ["sex"], hierarchies={
        "sex": {SEXES[0]: "*", SEXES[1]: "*"}}), ok(lambda r, F: r.max_levels == {"sex": 1})),
    ("from_csv missing", lambda F: Hierarchy.from_csv(F["dir"] / "none.csv"),
     (FileNotFoundError, "does not exist")),
    ("from_csv empty", lambda F: Hierarchy.from_csv(F["dir"] / "empty.csv"),
     (HierarchyFileError, "is empty")),
    ("from_csv a directory", lambda F: Hierarchy.from_csv(F["dir"]),
     (ValueError, "is a directory")),
    ("from_csv not UTF-8", lambda F: Hierarchy.from_csv(F["dir"] / "latin1.csv"),
     (HierarchyFileError, "could not be read")),
    ("from_csv path an int", lambda F: Hierarchy.from_csv(3), (TypeError, "is a path")),
    ("from_frame a value twice", lambda F: Hierarchy.from_frame(pd.DataFrame(
        {0: [CITIES[0], CITIES[0]], 1: ["*", "*"]})), (ValueError, "more than once")),
    ("from_frame empty", lambda F: Hierarchy.from_frame(pd.DataFrame()),
     (ValueError, "at least one row")),
    ("from_frame a list", lambda F: Hierarchy.from_frame([[1, 2]]), (TypeError, "DataFrame")),
    ("from_mapping empty", lambda F: Hierarchy.from_mapping({}), (ValueError, "is empty")),
    ("from_mapping uneven", lambda F: Hierarchy.from_mapping({"a": ["*"], "b": ["x", "*"]}),
     (ValueError, "same number of levels")),
    ("from_mapping an int level", lambda F: Hierarchy.from_mapping({"a": 3}),
     (TypeError, "list of its generalizations")),
    # -- dtypes and odd cells ------------------------------------------------------------------
    *[(f"dtype {col}", (lambda c: lambda F: A(F["odd"], [c]))(col), k_is("odd", [col]))
      for col in ["mixed", "floats", "bools", "cat", "dates", "tzdates", "deltas", "nullint",
                  "arrowint", "arrowstr", "allnan", "allnone", "period", "unique", "complex",
                  "float64na", "uint64", "date32", "arrowbool", "bytes"]],
    ("Arrow struct column", lambda F: A(F["odd"], ["struct"]), k_is("odd", ["struct"], as_text)),
    ("set cells", lambda F: A(F["odd"], ["sets"]), k_is("odd", ["sets"], as_text)),
    # pandas' own group-by cannot hold lone surrogates: the reference groups their repr
    ("lone surrogates", lambda F: A(F["odd"], ["surrogates", "bools"]),
     k_is("odd", ["surrogates", "bools"], lambda s: s.map(repr))),
    ("list cells", lambda F: A(F["odd"], ["lists"]), k_is("odd", ["lists"], as_text)),
    ("dict cells", lambda F: A(F["odd"], ["dicts"]), k_is("odd", ["dicts"], as_text)),
    ("Arrow list column", lambda F: A(F["odd"], ["arrowlist"]),
     ok(lambda r, F: r.k == 10 and r.n_classes == 2)),
    ("list cells as sensitive", lambda F: A(F["odd"], ["bools"], sensitive=["lists"]),
     ok(lambda r, F: r.l_diversity == {"lists": int(
         F["odd"].assign(t=as_text(F["odd"]["lists"])).groupby("bools")["t"].nunique().min())})),
    ("surrogates generalized", lambda F: A(F["odd"], ["surrogates", "cat"]).apply(
        {"surrogates": 1}), ok(lambda r, F: (r["surrogates"] == "*").all())),
    ("7 QIs x 2,000 values", lambda F: A(F["wide7"], list(F["wide7"].columns)),
     k_is("wide7", [f"q{i}" for i in range(7)])),
    ("30 QIs", lambda F: A(F["wide30"], list(F["wide30"].columns)),
     k_is("wide30", [f"q{i}" for i in range(30)])),
    ("30 QIs, generalized", lambda F: A(F["wide30"], list(F["wide30"].columns)).evaluate(
        {f"q{i}": 1 for i in range(0, 30, 2)}), ok(lambda r, F: r.k == group_k(
            F["wide30"][[f"q{i}" for i in range(1, 30, 2)]], [f"q{i}" for i in range(1, 30, 2)]))),
    # -- evaluate, search, apply, riskiest, code ---------------------------------------------
    ("l=2.5", lambda F: F["risk"].evaluate(l=2.5), (ValueError, "whole number")),
    ("l=0", lambda F: F["risk"].evaluate(l=0), (ValueError, "at least 1")),
    ("t=1.5", lambda F: F["risk"].evaluate(t=1.5), (ValueError, "between 0 and 1")),
    ("t=-0.1", lambda F: F["risk"].search(t=-0.1), (ValueError, "between 0 and 1")),
    ("t='x'", lambda F: F["risk"].evaluate(t="x"), (TypeError, "t must be a number")),
    ("t=nan", lambda F: F["risk"].evaluate(t=float("nan")), (ValueError, "between 0 and 1")),
    ("l without sensitive", lambda F: A(F["base"], ["age"]).evaluate(l=2),
     (ValueError, "need sensitive attributes")),
    ("max_suppression=-1", lambda F: F["risk"].search(max_suppression=-1),
     (ValueError, "between 0 and 1")),
    ("max_suppression=7", lambda F: F["risk"].evaluate(max_suppression=7),
     (ValueError, "between 0 and 1")),
    ("max_suppression=nan", lambda F: F["risk"].apply(max_suppression=float("nan")),
     (ValueError, "between 0 and 1")),
    ("max_suppression='x'", lambda F: F["risk"].search(max_suppression="x"),
     (TypeError, "max_suppression")),
    ("metric bogus", lambda F: F["risk"].search(metric="bogus"), (ValueError, "'entropy'")),
    ("search k above the rows", lambda F: F["risk"].search(k=1_000), (ValueError, "larger")),
    ("search k=2.7", lambda F: F["risk"].search(k=2.7), (ValueError, "whole number")),
    ("l above distinct values", lambda F: F["risk"].search(k=2, l=10),
     ok(lambda r, F: r.levels is None and r.complete)),
    ("t=0 impossible", lambda F: F["risk"].search(k=2, t=0.0),
     ok(lambda r, F: r.levels is None or r.figures.t_closeness["dx"] == 0)),
    ("search meets k", lambda F: F["risk"].search(k=5), ok(
        lambda r, F: r.complete and r.figures.k >= 5 and r.stopped is None)),
    ("max_nodes=0", lambda F: F["risk"].search(max_nodes=0), (ValueError, "at least 1")),
    ("max_nodes=3", lambda F: F["risk"].search(k=5, max_nodes=3), ok(
        lambda r, F: r.nodes_evaluated == 3 and not r.complete and r.stopped == "nodes"
        and (r.levels is None or r.figures.k >= 5) and "node budget" in r.note)),
    ("max_seconds=-1", lambda F: F["risk"].search(max_seconds=-1), (ValueError, "more than 0")),
    ("max_seconds='x'", lambda F: F["risk"].search(max_seconds="x"), (TypeError, "seconds")),
    ("progress not callable", lambda F: F["risk"].search(progress=3), (TypeError, "function")),
    ("cancelled at once", lambda F: F["risk"].search(cancel=lambda: True),
     ok(lambda r, F: r.levels is None and r.stopped == "cancelled" and not r.complete)),
    ("greedy search on 30 QIs", lambda F: A(F["wide30"], list(F["wide30"].columns)).search(
        k=3, max_seconds=60), ok(lambda r, F: r.strategy == "greedy" and not r.complete
                                 and search_ok(r, F) is None)),
    ("apply suppressed='bogus'", lambda F: F["risk"].apply(suppressed="bogus"),
     (ValueError, "'mask', 'drop'")),
    ("apply level 1.5", lambda F: F["risk"].apply({"age": 1.5}), (ValueError, "whole number")),
    ("apply level 'x'", lambda F: F["risk"].apply({"age": "x"}), (TypeError, "whole number")),
    ("apply level -1", lambda F: F["risk"].apply({"age": -1}), (ValueError, "at least 0")),
    ("apply level 99", lambda F: F["risk"].apply({"age": 99}), (ValueError, "does not exist")),
    ("apply unknown QI", lambda F: F["risk"].apply({"nope": 1}), (ValueError, "not a quasi")),
    ("apply wrong length", lambda F: F["risk"].apply([1]), (ValueError, "one level per")),
    ("apply levels an int", lambda F: F["risk"].apply(5), (TypeError, "levels must be")),
    ("evaluate levels text", lambda F: F["risk"].evaluate("age"), (TypeError, "levels must")),
    ("apply drop", lambda F: F["risk"].apply({"age": 2}, k=3, max_suppression=0.5,
                                             suppressed="drop"),
     ok(lambda r, F: len(r) == 300 - F["risk"].evaluate({"age": 2}, k=3,
                                                       max_suppression=0.5).suppressed
        and len(r) < 300 and group_k(r, ["age", "zip", "sex"]) >= 3)),
    ("riskiest n=-1", lambda F: F["risk"].riskiest(-1), (ValueError, "at least 0")),
    ("riskiest n='x'", lambda F: F["risk"].riskiest("x"), (TypeError, "whole number")),
    ("riskiest n huge", lambda F: F["risk"].riskiest(10**9),
     ok(lambda r, F: len(r) == F["risk"].n_classes)),
    ("code bad frame name", lambda F: F["risk"].code(frame_name="1 bad"),
     (ValueError, "variable name")),
    ("code frame name over two lines", lambda F: F["risk"].code(frame_name="df\nimport os"),
     (ValueError, "variable name")),
    ("code frame name not text", lambda F: F["risk"].code(frame_name=3),
     (TypeError, "variable name")),
    ("code bad hierarchies name", lambda F: F["risk"].code(frame_name="df", hierarchies="a b"),
     ok()),  # built hierarchies: the name is not used
    ("code frame expression", lambda F: F["risk"].code(frame_name='data["x"]'),
     ok(lambda r, F: r.splitlines()[2] == 'frame = data["x"]')),
    ("figure unknown kind", lambda F: F["risk"].figure("pie"), (ValueError, "kind must be")),
    ("figure class sizes bad level", lambda F: F["risk"].figure("class_sizes",
                                                                levels={"age": 99}),
     (ValueError, "does not exist")),
    ("describe bad level", lambda F: F["risk"].describe({"age": -1}),
     (ValueError, "at least 0")),
    ("hierarchy folder missing", lambda F: A(F["base"], ["age"],
                                             hierarchies=str(F["dir"] / "nope")),
     (HierarchyFileError, "does not exist")),
    ("hierarchy folder is a file", lambda F: A(F["base"], ["age"], hierarchies=F["csv"]),
     (HierarchyFileError, "not a folder")),
    ("hierarchy folder without a match", lambda F: A(F["base"], ["zip"],
                                                     hierarchies=F["dir"]),
     (HierarchyFileError, "is named after a quasi-identifier")),
    ("hierarchy folder", lambda F: A(F["base"], ["age", "zip"], hierarchies=F["dir"]),
     ok(lambda r, F: r.hierarchies["age"].kind == "arx"
        and r.hierarchies["zip"].kind == "mask" and "hierarchies=" in r.code())),
    ("widget bad frame_name", lambda F: ReidRiskWidget.from_frame(F["base"], ["age"],
                                                                  frame_name="a b"),
     (ValueError, "variable name")),
    # -- the widget -----------------------------------------------------------------------
    ("widget on a list", lambda F: ReidRiskWidget.from_frame([1], ["age"]),
     (TypeError, "pandas DataFrame")),
    ("widget max_suppression=7", lambda F: ReidRiskWidget.from_frame(
        F["base"], ["age"], max_suppression=7), (ValueError, "between 0 and 1")),
    ("widget k=2.7", lambda F: ReidRiskWidget.from_frame(F["base"], ["age"], k=2.7),
     (ValueError, "whole number")),
    ("widget on 30 QIs", lambda F: ReidRiskWidget.from_frame(F["wide30"], list(F["wide30"])),
     ok(lambda w, F: "greedy" in w.setup["search_note"] and w.current["k"] >= 1)),
]


def _data_values(F: dict[str, Any]) -> set[str]:
    """Text values of the frames (with letters, 4+ characters): none may be in a message."""
    out: set[str] = set()
    for frame in (v for v in F.values() if isinstance(v, pd.DataFrame)):
        for i in range(frame.shape[1]):
            column = frame.iloc[:, i]
            for value in pd.unique(column.astype(object).map(repr) if
                                   column.dtype == object else column.astype(str)):
                text = str(value).strip("'\"")
                if len(text) >= 4 and any(ch.isalpha() for ch in text) and text not in {
                        "True", "False", "None", "nan", "NaT"}:
                    out.add(text)
    return out | set(CITIES) | set(SEXES) | set(DIAGNOSES)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(a, b)
        except AssertionError:
            return False
        return True
    return True


@pytest.mark.parametrize(("name", "call", "expected"), CASES, ids=[c[0] for c in CASES])
def test_catalogue(tmp_path, name, call, expected):
    F = frames(tmp_path)
    before = {k: copy.deepcopy(v) for k, v in F.items() if isinstance(v, pd.DataFrame)}
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SearchWarning)
        if expected[0] == "ok":
            result = call(F)
            if expected[1] is not None:
                assert expected[1](result, F) is not False, name
        else:
            kind, fragment = expected
            with pytest.raises(kind) as info:
                call(F)
            message = str(info.value)
            assert fragment in message, message
            assert not isinstance(info.value, (KeyError, AttributeError)), message
            leaked = [v for v in _data_values(F) if v in message]
            assert not leaked, (name, message)
    assert time.perf_counter() - started < 120  # bounded (loose: a shared 2-core machine)
    for key, frame in before.items():
        assert _same(F[key], frame), f"{name}: the input frame {key!r} changed"


def test_catalogue_is_broad():
    assert len(CASES) >= 60


# -- the class keys: one overflow-safe combination ----------------------------------------
def test_combine_codes_never_overflows_and_matches_groupby():
    rng = np.random.default_rng(2)
    cols = [rng.integers(0, 2_000, 5_000) for _ in range(12)]  # 2000**12 >> 2**63
    ids, n = combine_codes(cols, [2_000] * 12)
    expected = pd.DataFrame(np.column_stack(cols)).groupby(list(range(12))).ngroup()
    assert n == expected.nunique() and ids.max() == n - 1
    # the same partition: ids map one to one onto pandas' group numbers
    pairs = pd.DataFrame({"a": ids, "b": expected.to_numpy()}).drop_duplicates()
    assert len(pairs) == n


def test_combine_codes_small_and_empty():
    ids, n = combine_codes([np.array([0, 1, 0]), np.array([2, 2, 2])], [2, 3])
    assert n == 2 and ids[0] == ids[2] != ids[1]
    ids, n = combine_codes([np.array([], dtype=np.int64)], [1])
    assert n == 0 and len(ids) == 0


# -- the search: bounded, cancellable, optimal when it completes ----------------------------
def _numeric(n: int, q: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({f"x{i}": rng.integers(0, 60 + 15 * i, n) for i in range(q)})


def test_search_finds_the_optimum_by_brute_force():
    df = _numeric(400, 3)
    risk = assess_risk(df, list(df.columns))
    found = risk.search(k=4, max_suppression=0.02, max_nodes=None, max_seconds=None)
    assert found.complete
    best = math.inf
    for node in np.ndindex(*[m + 1 for m in risk.max_levels.values()]):
        f = risk.evaluate(node, k=4, max_suppression=0.02)
        if f.satisfied:
            best = min(best, f.info_loss["entropy"])
    assert found.info_loss == pytest.approx(best)


def test_search_time_budget_and_progress():
    df = _numeric(20_000, 8, seed=1)
    risk = assess_risk(df, list(df.columns))
    seen: list[float] = []
    start = time.perf_counter()
    found = risk.search(k=5, max_seconds=0.5, progress=lambda f, m: seen.append(f))
    assert time.perf_counter() - start < 10  # the budget, plus figures of the result
    assert found.seconds < 2
    if not found.complete:
        assert found.stopped == "seconds" and "time budget" in found.note
        assert found.levels is not None and found.figures.k >= 5  # the best so far
    assert seen and seen[-1] == 1.0 and all(0 <= f <= 1 for f in seen)


def test_search_cancel_from_another_thread():
    df = _numeric(20_000, 8, seed=1)
    risk = assess_risk(df, list(df.columns))
    event = threading.Event()
    threading.Timer(0.3, event.set).start()
    found = risk.search(k=5, max_seconds=None, max_nodes=None, cancel=event.is_set)
    assert found.stopped in ("cancelled", None)
    if found.stopped == "cancelled":
        assert found.seconds < 5 and "cancelled" in found.note


def test_large_lattice_warns_before_searching():
    df = _numeric(300, 30)
    risk = assess_risk(df, list(df.columns))
    assert not risk.exhaustive_search and risk.lattice_size > 10**6
    with pytest.warns(SearchWarning, match="greedy"):
        found = risk.search(k=2, max_seconds=60)
    assert found.strategy == "greedy" and found.levels is not None
    # minimal: no single attribute can be lowered by one level and still meet k
    for q, lv in found.levels.items():
        if lv:
            lower = {**found.levels, q: lv - 1}
            assert not risk.evaluate(lower, k=2, max_suppression=0.04).satisfied


def test_built_interval_hierarchies_nest():
    for values in [np.arange(0, 100), np.arange(18, 91), np.linspace(0, 1, 77),
                   np.arange(10_000, 200_000, 37)]:
        table = Hierarchy.build(pd.Series(values)).table
        for level in range(1, table.shape[1] - 1):
            assert (table.groupby(level)[level + 1].nunique() == 1).all()


# -- the widget: a background search with progress and cancel ------------------------------
def test_widget_search_runs_in_background_and_cancels():
    from conftest import recording

    df = _numeric(20_000, 8, seed=1)
    w = recording(ReidRiskWidget.from_frame(df, list(df.columns), k=5))
    assert w.setup["lattice_size"] == w.risk.lattice_size
    w.search_seconds = 60
    w._on_custom(w, {"type": "search"}, [])
    assert w.status == "running"  # the handler returned: the kernel is free
    w._on_custom(w, {"type": "search"}, [])  # a second click while running: ignored
    w._on_custom(w, {"type": "cancel_search"}, [])
    assert w.wait_search(30)
    assert w.status == "ready" and w.search_result
    result = w.search_result
    assert result["stopped"] in ("cancelled", None)
    if result["levels"]:
        assert w.levels == result["levels"] and w.current["k"] >= 5


# -- %reid_risk through IPython ---------------------------------------------------------------
@pytest.mark.parametrize(("line", "message"), [
    ("notdf --qi age", "not a pandas DataFrame"),
    ("base --qi age --max-suppression -1", "between 0 and 1"),
    ("base --qi age --max-suppression 7", "between 0 and 1"),
    ("base --qi age --k 2.7", "Could not parse"),
    ("base --qi age --population x", "Could not parse"),
    ("base --qi age --population 5", "cannot be smaller"),
    ("base --qi , ", "names no column"),
    ("base --qi age --sensitive age", "both a quasi-identifier"),
    ("base --qi age -o 1bad", "not a valid Python variable name"),
    ("dup --qi a", "more than once"),
    ("base --qi age --hierarchies nothing_named_so", "neither a variable nor a folder"),
    ("base --qi age --hierarchies /no/such/folder", "does not exist"),
    ("base --qi age --hierarchies notdf", "is a list"),
    ("base --qi zip --hierarchies TMP", "is named after a quasi-identifier"),
    ("base --qi age --hierarchies BADH", "hierarchy"),
])
def test_magic_bad_input(shell, tmp_path, line, message):
    F = frames(tmp_path)
    shell.user_ns.update(base=F["base"], dup=F["dup"], notdf=[1, 2, 3], TMP=str(tmp_path),
                         BADH={"age": 3})
    before = F["base"].copy()
    with pytest.raises(UsageError, match=message) as info:
        shell.run_line_magic("reid_risk", line)
    assert not [v for v in _data_values(F) if v in str(info.value)]
    pd.testing.assert_frame_equal(F["base"], before)


def test_magic_odd_dtypes_work(shell, tmp_path):
    F = frames(tmp_path)
    shell.user_ns["odd"] = F["odd"]
    shell.run_line_magic("reid_risk", "odd --qi lists,surrogates,arrowlist -o r_odd")
    assert shell.user_ns["r_odd"].k == group_k(
        F["odd"][["lists", "surrogates"]].map(repr), ["lists", "surrogates"])


def test_widget_search_in_a_real_kernel_reports_progress_and_cancels():
    """The kernel stays free while the widget searches: its Cancel message is handled."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        msg_id = kc.execute(
            "import numpy as np, pandas as pd\n"
            "from nbaudit.widgets import ReidRiskWidget\n"
            "rng = np.random.default_rng(1)\n"
            "df = pd.DataFrame({f'x{i}': rng.integers(0, 60 + 15 * i, 100_000)"
            " for i in range(8)})\n"
            "w = ReidRiskWidget.from_frame(df, list(df.columns), k=5)\n"
            "w.search_seconds = 120.0\n"
            "print(w.model_id)\n")
        model_id = None
        while True:
            m = kc.get_iopub_msg(timeout=120)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "stream":
                model_id = m["content"]["text"].strip()
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break

        def send(content: dict[str, Any]) -> None:
            kc.shell_channel.send(kc.session.msg("comm_msg", {
                "comm_id": model_id, "data": {"method": "custom", "content": content}}))

        send({"type": "search"})
        start = time.perf_counter()
        progress: list[float] = []
        cancelled = None
        result: dict[str, Any] = {}
        while time.perf_counter() - start < 90 and not result:
            try:
                m = kc.get_iopub_msg(timeout=1)
            except Exception:  # queue.Empty
                m = None
            if m is not None and m["msg_type"] == "comm_msg":
                state = m["content"]["data"].get("state", {})
                if "progress" in state:
                    progress.append(state["progress"])
                if state.get("search_result"):
                    result = state["search_result"]
            if cancelled is None and len(progress) >= 3:
                send({"type": "cancel_search"})
                cancelled = time.perf_counter()
        assert result, "no search result"
        assert len(progress) >= 3 and 0 < max(progress) <= 1
        if result["stopped"] == "cancelled":  # not finished before the click
            assert cancelled is not None and time.perf_counter() - cancelled < 30
            assert "cancelled" in result["note"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
