"""nbaudit.engines: every engine gives pandas' own answers on the same data.

One table (nulls, NaN beside null in a float column, unicode, many groups) is built once as
Arrow and handed to each engine; the reference answers come from pandas on the same table
converted to pandas, never from `Table` itself.
"""

from __future__ import annotations

import collections
import math
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nbaudit.engines import (
    RegexCounts,
    Table,
    TableTooLarge,
    UnsupportedPattern,
    kind,
    relax_pattern,
    translate,
)

polars = pytest.importorskip("polars")
duckdb = pytest.importorskip("duckdb")
narwhals = pytest.importorskip("narwhals")

N = 3_000
CITIES = ["Zürich", "São Paulo", "Kraków", "東京", "Ålesund", "Reykjavík", "Cairo 🐪", "Łódź"]
DOMAINS = ["example.com", "exämple.org", "mail.test"]
ENGINES = ["pandas", "polars", "polars-lazy", "pyarrow", "duckdb", "duckdb-parquet", "spark"]


def _arrow_table(n: int = N, seed: int = 7) -> pa.Table:
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 90, n)
    zips = [f"{z:05d}" for z in rng.integers(1000, 1400, n)]  # ~400 values: many groups
    income = rng.normal(50_000, 15_000, n).round(0)
    income_list: list[float | None] = list(income)
    for i in rng.choice(n, 150, replace=False):
        income_list[i] = math.nan if i % 2 else None  # NaN and null side by side
    sex = rng.choice(["F", "M", "X"], n, p=[0.49, 0.49, 0.02]).tolist()
    city = rng.choice(CITIES, n).tolist()
    text = []
    for i in range(n):
        r = rng.random()
        if r < 0.3:
            text.append(f"user{i}@{DOMAINS[i % 3]}")
        elif r < 0.45:
            a, b, c = rng.integers(100, 999), rng.integers(10, 99), rng.integers(1000, 9999)
            text.append(f"{a}-{b}-{c}")
        elif r < 0.55:
            text.append(f"tel 0{rng.integers(100000000, 999999999)}x")
        else:
            text.append(f"note {city[i]} №{i}")
    y_true = rng.integers(0, 2, n)
    y_pred = np.where(rng.random(n) < 0.8, y_true, 1 - y_true)
    for col in (zips, sex, city, text):
        for i in rng.choice(n, 60, replace=False):
            col[i] = None
    return pa.table({
        "age": pa.array(age, pa.int64()),
        "zip": pa.array(zips, pa.string()),
        "income": pa.array(income_list, pa.float64(), from_pandas=False),
        "sex": pa.array(sex, pa.string()),
        "city": pa.array(city, pa.string()),
        "text": pa.array(text, pa.string()),
        "y_true": pa.array(y_true, pa.int64()),
        "y_pred": pa.array(y_pred, pa.int64()),
    })


ARROW = _arrow_table()
REF = ARROW.to_pandas()  # the pandas reference: NaN and null both NaN, as pandas reads it


def test_the_data_has_nan_beside_null():
    income = ARROW.column("income")
    assert 0 < income.null_count < REF["income"].isna().sum()


# --- Spark: one local session for the whole run ---------------------------------------------
def _java_missing_reason() -> str | None:
    if shutil.which("java") is not None:
        return None
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        return None  # in CI Spark must run: let the session start fail loudly
    return "Java is not installed (PySpark needs Java 17 or 21: `make java`)"


@pytest.fixture(scope="session")
def spark():
    reason = _java_missing_reason()
    if reason:
        pytest.skip(reason)
    pyspark_sql = pytest.importorskip("pyspark.sql")
    os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("nbaudit-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def parquet_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parquet")
    for i, start in enumerate(range(0, N, 1_000)):
        pq.write_table(ARROW.slice(start, 1_000), folder / f"part-{i}.parquet")
    return folder


def _native(name: str, request, table: pa.Table = ARROW):
    if name == "pandas":
        return table.to_pandas()
    if name == "polars":
        return polars.from_arrow(table)
    if name == "polars-lazy":
        return polars.from_arrow(table).lazy()
    if name == "pyarrow":
        return table
    if name == "duckdb":
        return duckdb.from_arrow(table)
    if name == "duckdb-parquet":
        assert table is ARROW
        folder = request.getfixturevalue("parquet_folder")
        return duckdb.read_parquet(str(folder / "*.parquet"))
    if name == "spark":
        return request.getfixturevalue("spark").createDataFrame(table)
    raise AssertionError(name)


@pytest.fixture(scope="module", params=ENGINES)
def engine(request):
    return request.param, Table(_native(request.param, request))


# --- comparison helpers ---------------------------------------------------------------------
def _canon(value):
    """One spelling per value across engines: missing -> None, numbers -> float."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    return value


def _freq(frame: pd.DataFrame, keys: list[str], count: str = "count") -> collections.Counter:
    out: collections.Counter = collections.Counter()
    for row in frame[[*keys, count]].itertuples(index=False):
        key = tuple(_canon(v) for v in row[:-1])
        assert key not in out, f"a class appears twice: {key}"
        out[key] = int(row[-1])
    return out


def _ref_freq(keys: list[str]) -> collections.Counter:
    sizes = REF.groupby(keys, dropna=False, observed=True).size().rename("count")
    return _freq(sizes.reset_index(), keys)


def _rows(frame: pd.DataFrame) -> collections.Counter:
    return collections.Counter(
        tuple(_canon(v) for v in row) for row in frame[list(REF.columns)].itertuples(index=False)
    )


# --- kind -----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ENGINES)
def test_kind(name, request):
    expected = "duckdb" if name == "duckdb-parquet" else name
    native = _native(name, request)
    assert kind(native) == expected
    if name != "pandas" and name != "pyarrow":
        assert kind(narwhals.from_native(native)) == expected  # a narwhals frame is unwrapped


@pytest.mark.parametrize("obj", [None, [1, 2], {"a": [1]}, np.zeros(3), pd.Series([1]), "t"])
def test_kind_of_other_objects_is_none(obj):
    assert kind(obj) is None


def test_table_refuses_other_objects():
    with pytest.raises(TypeError, match="expected a pandas, Polars, PyArrow, DuckDB or Spark"):
        Table([1, 2, 3])


def test_importing_the_layer_imports_no_engine():
    code = (
        "import sys, nbaudit.engines as e; "
        "print(sorted(m for m in ('pyspark', 'duckdb', 'polars') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pyspark" not in out.stdout


# --- shape and counts -----------------------------------------------------------------------
def test_columns_dtypes_and_rows(engine):
    _, table = engine
    assert table.columns == list(REF.columns)
    assert table.n_rows() == N
    assert table.dtypes["age"] == "integer"
    assert table.dtypes["income"] == "float"
    assert table.dtypes["zip"] == "string"


def test_null_counts_count_nan_as_missing(engine):
    _, table = engine
    assert table.null_counts() == {c: int(v) for c, v in REF.isna().sum().items()}


@pytest.mark.parametrize("keys", [
    ["sex"],
    ["zip", "age"],  # many groups, most of them unique
    ["income"],  # NaN and null: one class
    ["city", "sex", "zip"],  # unicode keys with nulls
])
def test_group_counts_equal_pandas(engine, keys):
    _, table = engine
    out = table.group_counts(keys)
    assert list(out.columns) == [*keys, "count"]
    assert out["count"].dtype == np.int64
    assert _freq(out, keys) == _ref_freq(keys)


def test_group_counts_with_extra_for_l_diversity_and_confusion(engine):
    _, table = engine
    out = table.group_counts(["zip", "sex"], extra="city")
    assert _freq(out, ["zip", "sex", "city"]) == _ref_freq(["zip", "sex", "city"])
    out = table.group_counts(["sex"], extra=["y_true", "y_pred"], name="n")
    assert _freq(out, ["sex", "y_true", "y_pred"], "n") == _ref_freq(["sex", "y_true", "y_pred"])


def test_size_histogram(engine):
    _, table = engine
    sizes = REF.groupby(["zip", "sex"], dropna=False, observed=True).size()
    expected = sizes.value_counts().sort_index()
    hist = table.size_histogram(["zip", "sex"])
    assert list(hist.columns) == ["size", "classes"]
    assert hist["size"].tolist() == expected.index.tolist()
    assert hist["classes"].tolist() == expected.tolist()
    assert (hist["size"] * hist["classes"]).sum() == N


def test_group_counts_argument_errors():
    table = Table(REF)
    with pytest.raises(KeyError, match="no such column: 'nope'"):
        table.group_counts(["sex", "nope"])
    with pytest.raises(ValueError, match="more than once"):
        table.group_counts(["sex"], extra="sex")
    with pytest.raises(ValueError, match="is also a key"):
        table.group_counts(["sex"], name="sex")
    with pytest.raises(ValueError, match="at least one column"):
        table.group_counts([])


# --- patterns -------------------------------------------------------------------------------
# ASCII-explicit classes: the same rows in every dialect (\d, \w differ between them).
PORTABLE = {
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    "ssn": r"^[0-9]{3}-[0-9]{2}-[0-9]{4}$",
    "phone": r"0[0-9]{9}",
    "end": r"[0-9]\Z",  # Python's \Z, translated to \z
    "named": r"(?P<user>user[0-9]+)@",  # Python's named group, translated for Java
    "case": r"(?i)NOTE",
    "unicode": r"Zürich|東京|🐪",
}
LOOKAROUND = {"ssn_strict": r"(?<![0-9])[0-9]{3}-[0-9]{2}-[0-9]{4}(?![0-9])"}


def _ref_count(pattern: str, column: str = "text") -> int:
    return int(REF[column].dropna().map(lambda v: re.search(pattern, v) is not None).sum())


def test_regex_counts_equal_python(engine):
    name, table = engine
    counts = table.regex_counts("text", PORTABLE)
    assert isinstance(counts, RegexCounts) and isinstance(counts, dict)
    assert counts.unsupported == {}
    assert counts == {k: _ref_count(p) for k, p in PORTABLE.items()}
    assert counts.dialect == {"pandas": "python", "polars": "rust", "polars-lazy": "rust",
                              "spark": "java"}.get(name, "re2")


def test_lookarounds_are_reported_where_the_dialect_lacks_them(engine):
    name, table = engine
    counts = table.regex_counts("text", {**LOOKAROUND, "email": PORTABLE["email"]})
    assert counts["email"] == _ref_count(PORTABLE["email"])
    if table.dialect in ("rust", "re2"):
        assert set(counts.unsupported) == {"ssn_strict"} and "ssn_strict" not in counts
        assert counts.unsupported["ssn_strict"]  # the engine's reason
    else:  # Python and Java have lookarounds
        assert counts.unsupported == {}
        assert counts["ssn_strict"] == _ref_count(LOOKAROUND["ssn_strict"])


def test_python_fallback_on_candidates_gives_the_exact_count(engine):
    """The recipe for unsupported patterns: relaxed pattern in the engine, exact in Python."""
    _, table = engine
    pattern = LOOKAROUND["ssn_strict"]
    relaxed = relax_pattern(pattern)
    assert relaxed == "[0-9]{3}-[0-9]{2}-[0-9]{4}"
    candidates = table.value_counts("text", limit=N, pattern=relaxed)
    assert not candidates.attrs["truncated"]
    exact = sum(int(c) for v, c in candidates.items() if re.search(pattern, v))
    assert exact == _ref_count(pattern)


def test_regex_counts_on_a_non_string_column(engine):
    _, table = engine
    counts = table.regex_counts("age", {"eighties": "^8[0-9]$"})
    assert counts == {"eighties": int(REF["age"].between(80, 89).sum())}


def test_value_counts_equal_pandas(engine):
    _, table = engine
    for column in ("city", "zip", "income"):
        expected = {_canon(k): int(v) for k, v in REF[column].value_counts().items()}
        out = table.value_counts(column, limit=10_000)
        assert out.name == "count" and out.index.name == column
        assert not out.attrs["truncated"]
        assert {_canon(k): int(v) for k, v in out.items()} == expected
        assert out.is_monotonic_decreasing


def test_value_counts_limit(engine):
    _, table = engine
    ref = REF["zip"].value_counts()
    out = table.value_counts("zip", limit=5)
    assert len(out) == 5 and out.attrs["truncated"]
    assert out.tolist() == ref.head(5).tolist()  # the top counts (ties may differ in value)
    assert all(ref[v] == c for v, c in out.items())
    assert table.value_counts("sex", limit=3).attrs["truncated"] is False


def test_value_counts_refuses_an_unsupported_pattern(engine):
    _, table = engine
    if table.dialect in ("python", "java"):
        pytest.skip("this dialect has lookarounds")
    with pytest.raises(UnsupportedPattern, match="regex dialect cannot run it"):
        table.value_counts("text", limit=5, pattern=LOOKAROUND["ssn_strict"])


# --- bounded extracts -----------------------------------------------------------------------
def test_sample_is_bounded_reproducible_and_made_of_rows(engine):
    _, table = engine
    first = table.sample(200, seed=11)
    assert len(first) == 200 and list(first.columns) == list(REF.columns)
    rows = _rows(first)
    assert not rows - _rows(REF)  # a sub-multiset of the table's rows
    assert _rows(table.sample(200, seed=11)) == rows
    assert _rows(table.sample(200, seed=12)) != rows
    assert _rows(table.sample(N + 10, seed=1)) == _rows(REF)  # all rows when fewer


def test_head(engine):
    name, table = engine
    head = table.head(7)
    assert len(head) == 7 and list(head.columns) == list(REF.columns)
    if name != "spark":  # Spark has no first rows
        assert _rows(head) == _rows(REF.head(7))


def test_to_pandas_refuses_above_the_limit(engine):
    name, table = engine
    assert _rows(table.to_pandas(max_rows=N)) == _rows(REF)
    with pytest.raises(TableTooLarge, match=f"has {N:,} rows, more than max_rows=100") as err:
        table.to_pandas(max_rows=100)
    assert isinstance(err.value, ValueError)
    assert "user" not in str(err.value) and "Zürich" not in str(err.value)  # no data value


# --- edge tables ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["pandas", "polars", "polars-lazy", "pyarrow", "duckdb", "spark"])
def test_an_empty_table(name, request):
    table = Table(_native(name, request, ARROW.slice(0, 0)))
    assert table.n_rows() == 0
    assert len(table.group_counts(["sex", "zip"])) == 0
    assert table.regex_counts("text", {"email": PORTABLE["email"]}) == {"email": 0}
    assert len(table.sample(5, seed=0)) == 0
    assert table.null_counts() == dict.fromkeys(REF.columns, 0)


# --- the regex helpers ----------------------------------------------------------------------
@pytest.mark.parametrize("pattern, relaxed", [
    (r"(?<![\d-])\d{3}-\d{2}(?!\d)", r"\d{3}-\d{2}"),
    (r"(a)\1", r"(a)(?s:.*?)"),
    (r"(?P<x>a)b(?P=x)", r"(?P<x>a)b(?s:.*?)"),
    (r"x(?=y)*z", "xz"),  # a quantified lookaround leaves no dangling quantifier
    (r"[(?=]a", r"[(?=]a"),  # inside a class it is no group
    (r"\(?=a", r"\(?=a"),  # an escaped parenthesis is no group
    (r"a(?=b(?=c)d)e", "ae"),  # nested
    (r"(?(1)a|b)", None),  # conditionals: no relaxation
])
def test_relax_pattern(pattern, relaxed):
    assert relax_pattern(pattern) == relaxed


@pytest.mark.parametrize("text", ["123-45", "x123-456", "-123-45", "a", "aa", "ab", "xyz", "xz"])
def test_a_relaxed_pattern_matches_wherever_the_pattern_does(text):
    for pattern in (r"(?<![\d-])\d{3}-\d{2}(?!\d)", r"(a)\1", r"x(?=y)*z", r"a(?!b)"):
        relaxed = relax_pattern(pattern)
        assert relaxed is not None
        if re.search(pattern, text):
            assert re.search(relaxed, text)


def test_translate():
    assert translate(r"(?P<u>a)(?P=u)\Z", "java") == r"(?<u>a)\k<u>\z"
    assert translate(r"(?P<u>a)\Z", "re2") == r"(?P<u>a)\z"
    assert translate(r"[\Z](?P<u>a)", "python") == r"[\Z](?P<u>a)"
