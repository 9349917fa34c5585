"""Regular expressions across engine dialects: translation, compile checks, relaxation.

Each engine runs its own regex library: Python's `re` (pandas), Rust `regex` (Polars), RE2
(DuckDB and PyArrow) and `java.util.regex` (Spark). All search anywhere in the text (like
`re.search` and pandas' `str.contains`). They differ in syntax (no lookarounds and no
backreferences in Rust and RE2; no ``(?P<name>...)`` in Java) and in meaning (``\\d``, ``\\w`` and
``\\b`` are ASCII-only in RE2 and Java, Unicode in Python and Rust): callers that need exact
Python answers write ASCII-explicit classes or validate candidates in Python.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, Literal

Dialect = Literal["python", "rust", "re2", "java"]

_LOOKAROUNDS = ("(?<=", "(?<!", "(?=", "(?!")
_QUANTIFIER = re.compile(r"(?:[?*+]|\{\d*,?\d*\})[?+]?")
_BACKREF = re.compile(r"\\[1-9]\d?$")
_ANY = "(?s:.*?)"


def _group_token(p: str, i: int) -> str:
    """The token that starts with the "(" at p[i]: an opener, or a whole (?P=..)/(?#..)."""
    for pre in _LOOKAROUNDS:
        if p.startswith(pre, i):
            return pre
    if p.startswith("(?P=", i) or p.startswith("(?#", i):
        end = p.find(")", i)
        return p[i:] if end < 0 else p[i : end + 1]
    if p.startswith("(?P<", i):
        end = p.find(">", i)
        return p[i:] if end < 0 else p[i : end + 1]
    return "("


def _tokens(p: str) -> Iterator[str]:
    """Escapes, character classes, group openers and single characters, in order."""
    i, n = 0, len(p)
    while i < n:
        c = p[i]
        if c == "\\":
            m = re.match(r"\\[1-9]\d?", p[i:]) if i + 1 < n and p[i + 1].isdigit() else None
            tok = m.group(0) if m else p[i : i + 2]
        elif c == "[":
            j = i + 1
            j += p.startswith("^", j)
            j += p.startswith("]", j)
            while j < n and p[j] != "]":
                j += 2 if p[j] == "\\" else 1
            tok = p[i : j + 1]
        elif c == "(":
            tok = _group_token(p, i)
        else:
            tok = c
        yield tok
        i += len(tok)


def _skip_group(toks: list[str], i: int) -> int:
    """Index just past the group whose opener is toks[i] (and past a quantifier on it)."""
    depth = 0
    while i < len(toks):
        tok = toks[i]
        if tok.startswith("(") and not tok.startswith(("(?P=", "(?#")):
            depth += 1
        elif tok == ")":
            depth -= 1
        i += 1
        if depth == 0:
            break
    rest = "".join(toks[i:])
    m = _QUANTIFIER.match(rest)
    if m:  # a quantified lookaround has nothing left to repeat
        consumed = 0
        while consumed < m.end():
            consumed += len(toks[i])
            i += 1
    return i


def relax_pattern(pattern: str) -> str | None:
    """A pattern that matches wherever `pattern` does, without lookarounds or backreferences.

    Lookarounds are dropped and backreferences become "any text", which only widens the
    match: the result finds a superset of the rows, the candidates on which a caller runs the
    exact Python pattern. None when the pattern cannot be relaxed (conditionals, or a result
    that does not compile).

    Parameters
    ----------
    pattern
        A Python regular expression.

    Returns
    -------
    str or None

    Examples
    --------
    >>> relax_pattern(r"(?<![\\d-])\\d{3}-\\d{2}(?!\\d)")
    '\\\\d{3}-\\\\d{2}'
    """
    if "(?(" in pattern:
        return None
    toks, out, i = list(_tokens(pattern)), [], 0
    while i < len(toks):
        tok = toks[i]
        if tok in _LOOKAROUNDS:
            i = _skip_group(toks, i)
            continue
        out.append(_ANY if (_BACKREF.match(tok) or tok.startswith("(?P=")) else tok)
        i += 1
    relaxed = "".join(out)
    try:
        re.compile(relaxed)
    except re.error:
        return None
    return relaxed


def translate(pattern: str, dialect: Dialect) -> str:
    """Python's spelling of a pattern in another dialect, where only the spelling differs.

    ``\\Z`` (end of text in Python) becomes ``\\z``; for Java, named groups ``(?P<n>...)``
    become ``(?<n>...)`` and ``(?P=n)`` becomes ``\\k<n>``. Constructs a dialect lacks are
    left as they are, for the compile check to report.
    """
    if dialect == "python":
        return pattern
    out = []
    for tok in _tokens(pattern):
        if tok == "\\Z":
            tok = "\\z"
        elif dialect == "java" and tok.startswith("(?P<"):
            tok = "(?<" + tok[4:]
        elif dialect == "java" and tok.startswith("(?P="):
            tok = "\\k<" + tok[4:-1] + ">"
        out.append(tok)
    return "".join(out)


def _reason(exc: BaseException) -> str:
    # The engine's own words, first line only: it names the construct, never data.
    text = str(exc).strip().splitlines()
    first = next((line.strip() for line in text if line.strip()), type(exc).__name__)
    return first[:160]


@functools.lru_cache(maxsize=4096)
def _check_python(pattern: str) -> str | None:
    try:
        re.compile(pattern)
    except re.error as exc:
        return _reason(exc)
    return None


@functools.lru_cache(maxsize=4096)
def _check_rust(pattern: str) -> str | None:
    import polars as pl

    try:
        pl.select(pl.lit("", dtype=pl.String).str.contains(pattern))
    except Exception as exc:  # polars raises ComputeError on a bad pattern
        text = [ln.strip() for ln in str(exc).splitlines() if ln.strip().startswith("error:")]
        return text[0][:160] if text else _reason(exc)
    return None


@functools.lru_cache(maxsize=4096)
def _check_re2_arrow(pattern: str) -> str | None:
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""], pa.string()), pattern)
    except Exception as exc:  # ArrowInvalid
        return _reason(exc)
    return None


@functools.lru_cache(maxsize=1)
def _duckdb_probe() -> Any:
    import duckdb

    return duckdb.connect(":memory:")  # private: never the user's connection


@functools.lru_cache(maxsize=4096)
def _check_re2_duckdb(pattern: str) -> str | None:
    try:
        _duckdb_probe().execute("SELECT regexp_matches('', ?)", [pattern]).fetchall()
    except Exception as exc:  # duckdb.InvalidInputException
        return _reason(exc)
    return None


def _java_checker(spark: Any) -> Callable[[str], str | None]:
    """A compile check in the driver's JVM (classic Spark), else a one-row query (Connect)."""
    jvm = getattr(getattr(spark, "sparkContext", None), "_jvm", None)

    def check(pattern: str) -> str | None:
        try:
            if jvm is not None:
                jvm.java.util.regex.Pattern.compile(pattern)
            else:
                from pyspark.sql import functions as F

                spark.range(1).select(F.lit("").rlike(pattern)).collect()
        except Exception as exc:  # Py4JJavaError (PatternSyntaxException) or a failed job
            return _reason(exc)
        return None

    return check


def checker(kind: str, native: Any) -> Callable[[str], str | None]:
    """The compile check of the engine behind `kind`: None when a pattern compiles, else why."""
    if kind == "pandas":
        return _check_python
    if kind in ("polars", "polars-lazy"):
        return _check_rust
    if kind == "pyarrow":
        return _check_re2_arrow
    if kind == "duckdb":
        return _check_re2_duckdb
    return _java_checker(native.sparkSession)


def dialect(kind: str) -> Dialect:
    """The regex dialect an engine kind runs."""
    if kind == "pandas":
        return "python"
    if kind in ("polars", "polars-lazy"):
        return "rust"
    if kind in ("pyarrow", "duckdb"):
        return "re2"
    return "java"
