"""Differentially private releases of grouped counts, sums and means, with a budget ledger.

The split of the work (see the README's *Differential privacy* section):

* **nbaudit** bounds each unit's contribution, clamps values and computes the grouped
  aggregates with pandas/NumPy, and derives each aggregate's sensitivity:

  - *contribution bounding*: of each unit's rows (``unit``, e.g. ``user_id``), at most
    ``contributions`` are kept, chosen uniformly at random (one random permutation of all rows;
    each unit keeps its first ``contributions`` rows in that order, which is a uniform choice
    independent across units). Adding or removing one unit then changes at most
    ``contributions`` rows, in at most ``min(contributions, groups)`` groups;
  - *count*: l1 sensitivity ``contributions``;
  - *sum* of a column clamped to ``[lo, hi]`` (a missing value counts as 0, clamped):
    l1 sensitivity ``contributions * max(|lo|, |hi|)``;
  - *mean*: the noisy sum of ``clamp(x) - m`` (``m = (lo + hi) / 2``; missing values count as
    ``m``), l1 sensitivity ``contributions * (hi - lo) / 2``, divided by the query's noisy
    count (post-processing), plus ``m``, clamped to ``[lo, hi]``.

* **OpenDP** draws every noise sample and does the privacy arithmetic: the scale of each
  mechanism is the one OpenDP's own privacy map certifies for the sensitivity and the
  aggregate's share of epsilon (``make_laplace`` on integer vectors, i.e. the discrete
  Laplace/geometric mechanism, for counts; ``make_laplace`` on float vectors for sums;
  ``make_laplace_threshold`` for counts whose group keys are not public), its accuracy
  functions give the 95% half-widths, and ``binary_search_param`` finds the key threshold
  for a delta.

The budget of a session is spent by sequential composition: each release spends the epsilon
(and delta) it was given, split across its aggregates; the ledger is their sum. Nothing is
ever re-drawn silently: a second release of the same query spends again and says so.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._render import render
from .._text import names_text, quote_name

if TYPE_CHECKING:
    import opendp.mod as odp_mod

#: Most groups a query may have when its keys are not public (released with a threshold).
MAX_PRIVATE_GROUPS = 10_000
#: Most groups a query may have with public keys (the product of the key lists).
MAX_PUBLIC_GROUPS = 1_000_000
ALPHA = 0.05  # half-widths are at 95%
_EPS_TOL = 1e-9


class DPInputError(ValueError):
    """Bad input to a DP session or query (a column, a bound, an epsilon...)."""


class BudgetError(ValueError):
    """A release that the session's remaining budget cannot pay for."""


def _opendp() -> ModuleType:
    try:
        import opendp.prelude as odp
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("nbaudit.dp needs OpenDP: pip install 'opendp>=0.16,<0.17'") from exc
    odp.enable_features("contrib")
    return odp


def opendp_version() -> str:
    """The installed OpenDP version ("unknown" when its metadata is missing)."""
    try:
        return version("opendp")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def check_epsilon(epsilon: Any, name: str = "epsilon") -> float:
    """`epsilon` as a positive finite float, or a `DPInputError` saying what to give."""
    if isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real):
        raise DPInputError(f"{name} must be a positive number (e.g. {name}=0.5), not a "
                           f"{type(epsilon).__name__}.")
    value = float(epsilon)
    if not math.isfinite(value) or value <= 0:
        raise DPInputError(f"{name} must be a positive finite number (e.g. {name}=0.5); got "
                           f"{value!r}.")
    return value


def _check_delta(delta: Any, name: str = "delta") -> float:
    if isinstance(delta, bool) or not isinstance(delta, numbers.Real):
        raise DPInputError(f"{name} must be a number in [0, 1) (e.g. {name}=1e-6), not a "
                           f"{type(delta).__name__}.")
    value = float(delta)
    if not math.isfinite(value) or not 0 <= value < 1:
        raise DPInputError(f"{name} must be in [0, 1) (e.g. {name}=1e-6); got {value!r}.")
    return value


def _check_bounds(column: str, bounds: Any, kind: str) -> tuple[float, float]:
    example = f"{kind}s={{{column!r}: (0, 500)}}"
    if bounds is None or isinstance(bounds, (str, bytes)) or not isinstance(bounds, Sequence) \
            or len(bounds) != 2:
        raise DPInputError(f"The {kind} of {quote_name(column)} needs clamping bounds (lo, hi): "
                           f"the bounds are public and fix the noise, e.g. {example}.")
    out = []
    for b in bounds:
        if isinstance(b, bool) or not isinstance(b, numbers.Real) or not math.isfinite(float(b)):
            raise DPInputError(f"The bounds of {quote_name(column)} must be two finite numbers "
                               f"(lo, hi), e.g. {example}.")
        out.append(float(b))
    lo, hi = out
    if lo >= hi:
        what = "reversed" if lo > hi else "equal"
        raise DPInputError(f"The bounds of {quote_name(column)} are {what} (lo={lo:g}, "
                           f"hi={hi:g}): give lo < hi, e.g. {example}.")
    return lo, hi


@dataclass(frozen=True)
class Measurement:
    """One noisy vector of a query: a count, a sum or the centred sum behind a mean."""

    label: str  #: "count", "sum(spend)", "mean(age)"
    kind: str  #: "count", "sum" or "mean"
    column: str | None
    bounds: tuple[float, float] | None
    sensitivity: float  #: l1 sensitivity for one unit (after contribution bounding)
    weight: float  #: share of the query's epsilon, relative to the other measurements

    @property
    def mechanism(self) -> str:
        if self.kind == "count":
            return "discrete Laplace (geometric), OpenDP make_laplace on integers"
        return "Laplace, OpenDP make_laplace on floats"


@dataclass(frozen=True)
class LedgerEntry:
    """One release in a session's ledger."""

    release: int
    query: str
    epsilon: float
    delta: float
    shares: dict[str, float]
    keys: str  #: "public" or "private (threshold ...)"
    repeat_of: int | None
    time: str


@dataclass(frozen=True)
class QueryPlan:
    """What a query at an epsilon would give: public information only, spends nothing.

    ``table`` has one row per aggregate (and per group when the keys are public) with the
    expected 95% half-width; ``unit`` holds the half-widths at epsilon = 1 (they scale as
    1/epsilon), for a front end that rescales on a slider move.
    """

    epsilon: float
    delta: float
    shares: dict[str, float]
    scales: dict[str, float]
    threshold: float | None
    table: pd.DataFrame
    unit: dict[str, Any]

    def __repr__(self) -> str:
        shares = ", ".join(f"{k} {v:.3g}" for k, v in self.shares.items())
        return (f"QueryPlan(epsilon={self.epsilon:g}, delta={self.delta:g}; "
                f"{len(self.table):,} rows of expected 95% errors; epsilon per aggregate: "
                f"{shares}; spends nothing)")

    def to_dict(self, max_rows: int = 500) -> dict[str, Any]:
        """JSON-safe, bounded: the first `max_rows` rows of the table."""
        rows = _records(self.table.head(max_rows))
        return {"epsilon": self.epsilon, "delta": self.delta, "shares": self.shares,
                "scales": self.scales, "threshold": self.threshold, "rows": rows,
                "total_rows": int(len(self.table)), "unit": self.unit}


@dataclass(frozen=True)
class Release:
    """A release: the noisy table, what it spent and how it was made."""

    number: int
    query: Query
    epsilon: float
    delta: float
    shares: dict[str, float]
    scales: dict[str, float]
    threshold: float | None
    table: pd.DataFrame
    repeat_of: int | None
    time: str
    library: str = field(default_factory=lambda: f"OpenDP {opendp_version()}")

    @property
    def note(self) -> str:
        """What a reader must know about this release (repeats, dropped keys)."""
        parts = []
        if self.repeat_of is not None:
            parts.append(f"Release {self.number} repeats the query of release "
                         f"{self.repeat_of}: fresh noise was drawn and epsilon "
                         f"{self.epsilon:g} was spent again (the ledger counts both, so "
                         "averaging the two cannot go unaccounted).")
        if self.threshold is not None:
            parts.append(f"Group keys were released privately: groups whose noisy count is "
                         f"under {self.threshold:g} were dropped (delta {self.delta:.3g}).")
        return " ".join(parts)

    def __repr__(self) -> str:
        repeat = f", repeats release {self.repeat_of}" if self.repeat_of is not None else ""
        return (f"Release({self.number}: {self.query.description} at epsilon "
                f"{self.epsilon:g}, delta {self.delta:g}; {len(self.table):,} noisy rows"
                f"{repeat}; {self.library})")

    def to_dict(self, max_rows: int = 500) -> dict[str, Any]:
        return {"number": self.number, "epsilon": self.epsilon, "delta": self.delta,
                "shares": self.shares, "threshold": self.threshold,
                "repeat_of": self.repeat_of, "note": self.note, "time": self.time,
                "rows": _records(self.table.head(max_rows)),
                "total_rows": int(len(self.table)), "library": self.library}

    def to_markdown(self) -> str:
        """The release as a Markdown section (the renderer `nbaudit.reports` registers)."""
        return render("markdown", self)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for rec in frame.to_dict("records"):
        clean: dict[str, Any] = {}
        for k, v in rec.items():
            if isinstance(v, (np.generic,)):
                v = v.item()
            if isinstance(v, float) and not math.isfinite(v):
                v = None
            elif v is not None and not isinstance(v, (str, int, float, bool)):
                v = None if pd.isna(v) else str(v)
            clean[str(k)] = v
        out.append(clean)
    return out


class Session:
    """A privacy budget over one table: queries, previews (free) and releases (spend).

    Parameters
    ----------
    df
        The table (pandas). It is never modified.
    epsilon_total
        The total epsilon all releases of the session may spend.
    delta
        The total delta; spent only by releases whose group keys are not public, by default in
        proportion to their epsilon (``delta * epsilon / epsilon_total``).
    unit
        The column identifying the unit of privacy (a person, e.g. ``user_id``); None: each
        row is a unit (then ``contributions`` must be 1).
    contributions
        The most rows of one unit that are used (others are dropped at random).
    seed
        Seed of the random choice of rows per unit. None (the default) draws fresh entropy,
        which the guarantee assumes; a fixed seed is for reproducible tests.

    Examples
    --------
    >>> session = Session(df, epsilon_total=2.0, delta=1e-6, unit="user_id", contributions=3)
    >>> q = session.query(by=["country"], count=True, sums={"spend": (0, 500)})
    >>> q.preview(epsilon=0.5)          # doctest: +SKIP
    >>> q.release(epsilon=0.5)          # doctest: +SKIP
    """

    def __init__(self, df: pd.DataFrame, *, epsilon_total: float, delta: float = 0.0,
                 unit: str | None = None, contributions: int = 1,
                 seed: int | None = None) -> None:
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"Session needs a pandas DataFrame, not a {type(df).__name__}.")
        self.epsilon_total = check_epsilon(epsilon_total, "epsilon_total")
        self.delta = _check_delta(delta)
        if isinstance(contributions, bool) or not isinstance(contributions, numbers.Integral) \
                or contributions < 1:
            raise DPInputError("contributions must be a whole number >= 1: the most rows of "
                               "one unit that a release uses (e.g. contributions=3).")
        self.contributions: int = int(contributions)
        if unit is not None:
            if unit not in df.columns:
                raise DPInputError(f"No column {quote_name(unit)} for the unit of privacy. "
                                   f"Columns: {names_text(df.columns)}.")
            nulls = int(df[unit].isna().sum())
            if nulls:
                raise DPInputError(f"The unit column {quote_name(unit)} has {nulls:,} missing "
                                   "value(s): every row must belong to a known unit. Drop or "
                                   "fill those rows first (each filled row then counts as its "
                                   "own unit).")
        elif self.contributions != 1:
            raise DPInputError("Without unit= each row is its own unit: contributions must be "
                               "1 (or name the unit column, e.g. unit='user_id').")
        self.df: pd.DataFrame = df
        self.unit: str | None = unit
        self.seed: int | None = seed
        self.releases: list[Release] = []
        self.queries: list[Query] = []
        self._kept: np.ndarray | None = None

    def __repr__(self) -> str:
        n_rel = len(self.releases)
        unit = f"unit {self.unit} (up to {self.contributions} rows each)" if self.unit \
            else "unit: one row"
        return (f"Session({len(self.df):,} rows, {unit}; epsilon {self.epsilon_total:g}: "
                f"spent {self.spent:g}, remaining {self.remaining:g}; delta {self.delta:g}; "
                f"{n_rel} release{'' if n_rel == 1 else 's'})")

    # --- budget -------------------------------------------------------------------------
    @property
    def spent(self) -> float:
        """Epsilon spent by the releases so far."""
        return float(sum(r.epsilon for r in self.releases))

    @property
    def remaining(self) -> float:
        """Epsilon left to spend."""
        return max(0.0, self.epsilon_total - self.spent)

    @property
    def delta_spent(self) -> float:
        return float(sum(r.delta for r in self.releases))

    @property
    def delta_remaining(self) -> float:
        return max(0.0, self.delta - self.delta_spent)

    @property
    def entries(self) -> list[LedgerEntry]:
        return [LedgerEntry(r.number, r.query.description, r.epsilon, r.delta, dict(r.shares),
                            r.query.keys_text(r.threshold), r.repeat_of, r.time)
                for r in self.releases]

    @property
    def ledger(self) -> pd.DataFrame:
        """One row per release: what it was, epsilon and delta spent, and running totals."""
        rows = [{"release": e.release, "query": e.query, "epsilon": e.epsilon,
                 "delta": e.delta, "keys": e.keys,
                 "repeat_of": e.repeat_of, "time": e.time} for e in self.entries]
        frame = pd.DataFrame(rows, columns=["release", "query", "epsilon", "delta", "keys",
                                            "repeat_of", "time"])
        frame["epsilon_spent"] = frame["epsilon"].cumsum()
        frame["epsilon_remaining"] = self.epsilon_total - frame["epsilon_spent"]
        return frame

    def ledger_dict(self) -> dict[str, Any]:
        """The ledger as JSON-safe data (totals and each release)."""
        return {"epsilon_total": self.epsilon_total, "delta_total": self.delta,
                "spent": self.spent, "remaining": self.remaining,
                "delta_spent": self.delta_spent, "delta_remaining": self.delta_remaining,
                "entries": [e.__dict__ for e in self.entries]}

    def to_markdown(self) -> str:
        """The guarantee in an auditor's words, and every release (`_report.session_markdown`,
        registered by `nbaudit.reports`)."""
        return render("markdown", self)

    def to_html(self) -> str:
        """`to_markdown` as a self-contained HTML page (the renderer `nbaudit.reports`
        registers)."""
        return render("html", self)

    # --- queries ------------------------------------------------------------------------
    def query(self, by: Sequence[str] | str | None = None, *, count: bool = True,
              sums: Mapping[str, Any] | None = None, means: Mapping[str, Any] | None = None,
              keys: Mapping[str, Sequence[Any]] | None = None,
              split: Mapping[str, float] | None = None) -> Query:
        """A grouped query: a count, clamped sums and clamped means per group.

        Parameters
        ----------
        by
            Group columns (none: one group, the whole table).
        count
            Release the number of rows per group (always measured when a mean is asked).
        sums, means
            Column -> (lo, hi) clamping bounds: public numbers, chosen without looking at
            the data (they fix the noise).
        keys
            Public group keys, one list per `by` column (e.g. ``{"country": ["DE", "FR"]}``):
            every combination is released, rows with other keys are left out. Without keys the
            groups come from the data and are released privately: a group appears only if its
            noisy count passes a threshold set by delta.
        split
            Relative weights of the aggregates' shares of epsilon (labels ``"count"``,
            ``"sum(col)"``, ``"mean(col)"``); equal by default.
        """
        query = Query(self, by, count=count, sums=sums, means=means, keys=keys, split=split)
        self.queries.append(query)
        return query

    def _kept_rows(self) -> np.ndarray:
        """Positions of the rows used: at most `contributions` per unit, chosen at random."""
        if self._kept is None:
            n = len(self.df)
            if self.unit is None:
                self._kept = np.arange(n)
            else:
                rng = np.random.default_rng(self.seed)
                order = rng.permutation(n)
                codes = pd.factorize(self.df[self.unit].to_numpy()[order])[0]
                rank = pd.Series(codes).groupby(codes).cumcount().to_numpy()
                self._kept = np.sort(order[rank < self.contributions])
        return self._kept


def _as_list(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        return list(value)
    except TypeError:
        raise DPInputError(f"{what} must be a column name or a list of them.") from None


class Query:
    """A query of a `Session`: its shape is fixed, its epsilon is chosen at preview/release."""

    def __init__(self, session: Session, by: Any, *, count: bool,
                 sums: Mapping[str, Any] | None, means: Mapping[str, Any] | None,
                 keys: Mapping[str, Sequence[Any]] | None,
                 split: Mapping[str, float] | None) -> None:
        df, c = session.df, session.contributions
        self.session = session
        self.by = _as_list(by, "by")
        for name, spec in (("sums", sums), ("means", means)):
            if spec is not None and not isinstance(spec, Mapping):
                raise DPInputError(f"{name} maps each column to its bounds, e.g. "
                                   f"{name}={{'spend': (0, 500)}}.")
        sums, means = dict(sums or {}), dict(means or {})
        wanted = [*self.by, *sums, *means]
        missing = [col for col in wanted if col not in df.columns]
        if missing:
            raise DPInputError(f"No column {', '.join(quote_name(m) for m in missing)}. "
                               f"Columns: {names_text(df.columns)}.")
        if len(set(self.by)) != len(self.by):
            raise DPInputError("by names a column more than once.")
        if session.unit is not None and session.unit in self.by:
            raise DPInputError(f"The unit column {quote_name(session.unit)} cannot be a group "
                               "column: each group would be one person.")
        if not (count or sums or means):
            raise DPInputError("The query releases nothing: ask for count=True, sums=... or "
                               "means=...")
        measurements: list[Measurement] = []
        if count or means:
            measurements.append(Measurement("count", "count", None, None, float(c), 1.0))
        for kind, spec in (("sum", sums), ("mean", means)):
            for col, bounds in spec.items():
                lo, hi = _check_bounds(col, bounds, kind)
                dtype = df[col].dtype
                if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
                    raise DPInputError(f"The {kind} of {quote_name(col)} needs a numeric "
                                       f"column; it holds {dtype}. Convert it first (e.g. "
                                       "pd.to_numeric) or choose another column.")
                sens = c * (max(abs(lo), abs(hi)) if kind == "sum" else (hi - lo) / 2)
                measurements.append(Measurement(f"{kind}({col})", kind, col, (lo, hi),
                                                float(sens), 1.0))
        if split:
            labels = {m.label for m in measurements}
            unknown = [k for k in split if k not in labels]
            if unknown:
                raise DPInputError(f"split names {', '.join(map(quote_name, unknown))}, not an "
                                   f"aggregate of this query: use {names_text(sorted(labels))}.")
            weights = {k: check_epsilon(v, f"split[{k!r}]") for k, v in split.items()}
            measurements = [Measurement(m.label, m.kind, m.column, m.bounds, m.sensitivity,
                                        weights.get(m.label, 1.0)) for m in measurements]
        self.measurements = measurements
        self.show_count = bool(count)
        self.keys = self._check_keys(keys)
        self.description = self._describe(sums, means)

    def __repr__(self) -> str:
        n_rel = sum(r.query is self for r in self.session.releases)
        return (f"Query({self.description}; keys {self.keys_text()}; {n_rel} "
                f"release{'' if n_rel == 1 else 's'})")

    def _check_keys(self, keys: Mapping[str, Sequence[Any]] | None) -> dict[str, list[Any]] | None:
        df = self.session.df
        if keys is None:
            if self.by:
                groups = df.groupby(self.by, dropna=False, sort=False).ngroups
                if groups > MAX_PRIVATE_GROUPS:
                    raise DPInputError(
                        f"{names_text(self.by)} form more than {MAX_PRIVATE_GROUPS:,} groups "
                        f"({groups:,}): that is an identifier, not a grouping, and private key "
                        "release would drop almost all of them. Group by a coarser column, or "
                        "give the public keys (keys={column: [values...]}) you want released.")
            return None
        if not isinstance(keys, Mapping):
            raise DPInputError("keys maps each group column to its public values, e.g. "
                               "keys={'country': ['DE', 'FR']}.")
        extra = [k for k in keys if k not in self.by]
        lacking = [b for b in self.by if b not in keys]
        if extra or lacking:
            raise DPInputError(
                "Public keys need one list per group column and none other: "
                + (f"missing for {names_text(lacking)}" if lacking else "")
                + ("; " if extra and lacking else "")
                + (f"{names_text(extra)} not in by" if extra else "") + ".")
        out: dict[str, list[Any]] = {}
        size = 1
        for col in self.by:
            values = keys[col]
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray
                                                                  | pd.Index | pd.Series):
                raise DPInputError(f"keys[{quote_name(col)}] must be a list of values.")
            values = list(pd.unique(pd.Series(list(values), dtype=object)))
            if not values:
                raise DPInputError(f"keys[{quote_name(col)}] is empty.")
            out[col] = values
            size *= len(values)
        if size > MAX_PUBLIC_GROUPS:
            raise DPInputError(f"The public keys make {size:,} groups (the product of the lists),"
                               f" more than {MAX_PUBLIC_GROUPS:,}.")
        return out

    def _describe(self, sums: dict[str, Any], means: dict[str, Any]) -> str:
        parts = (["count"] if self.show_count else []) + \
            [f"sum({c}) in [{b[0]:g}, {b[1]:g}]" for c, b in sums.items()] + \
            [f"mean({c}) in [{b[0]:g}, {b[1]:g}]" for c, b in means.items()]
        by = f" by {', '.join(self.by)}" if self.by else ""
        return ", ".join(parts) + by

    @property
    def labels(self) -> list[str]:
        """The aggregates shown: 'count' (if asked), 'sum(col)', 'mean(col)'."""
        return [m.label for m in self.measurements if m.label != "count" or self.show_count]

    @property
    def public_keys(self) -> bool:
        return self.keys is not None or not self.by

    def keys_text(self, threshold: float | None = None) -> str:
        if not self.by:
            return "none (one group: the whole table)"
        if self.keys is not None:
            return "public (given by the analyst)"
        return ("private (noisy count above a threshold" +
                (f" of {threshold:g})" if threshold is not None else ")"))

    def _signature(self) -> tuple[Any, ...]:
        return (tuple(self.by), tuple((m.label, m.bounds) for m in self.measurements),
                None if self.keys is None else tuple((k, tuple(map(str, v)))
                                                     for k, v in self.keys.items()))

    # --- accounting ---------------------------------------------------------------------
    def shares(self, epsilon: float) -> dict[str, float]:
        """Epsilon per measurement (proportional to the split weights)."""
        total = sum(m.weight for m in self.measurements)
        return {m.label: epsilon * m.weight / total for m in self.measurements}

    def _space(self, m: Measurement) -> tuple[Any, Any]:
        odp = _opendp()
        if m.kind == "count":
            if not self.public_keys:
                return (odp.map_domain(odp.atom_domain(T=str), odp.atom_domain(T="i64")),
                        odp.l01inf_distance(odp.absolute_distance(T="i64")))
            return odp.vector_domain(odp.atom_domain(T="i64")), odp.l1_distance(T="i64")
        return (odp.vector_domain(odp.atom_domain(T=float, nan=False)),
                odp.l1_distance(T=float))

    def _d_in(self, m: Measurement) -> int | float | tuple[int, int, int]:
        c = self.session.contributions
        if m.kind == "count":
            if not self.public_keys:
                return (c, c, c)  # groups touched, l1, l-infinity
            return c
        return float(m.sensitivity)

    def _measurement(self, m: Measurement, scale: float,
                     threshold: float | None = None) -> odp_mod.Measurement:
        odp = _opendp()
        space = self._space(m)
        if threshold is not None:
            return odp.m.make_laplace_threshold(*space, scale=scale, threshold=int(threshold))
        return odp.m.make_laplace(*space, scale=scale)

    def _certified_space(self, m: Measurement) -> tuple[Any, Any]:
        """The vector space whose privacy map certifies `m`'s epsilon (counts: integers)."""
        odp = _opendp()
        if m.kind == "count":
            return odp.vector_domain(odp.atom_domain(T="i64")), odp.l1_distance(T="i64")
        return self._space(m)

    def scale(self, m: Measurement, epsilon: float) -> float:
        """The noise scale OpenDP certifies for `m` at its share `epsilon`.

        Found once per aggregate with ``binary_search_param`` at epsilon 1 and rescaled (the
        Laplace scale is proportional to 1/epsilon), then checked against OpenDP's privacy
        map at the sensitivity (widened by a hair if rounding made it exceed the share)."""
        odp = _opendp()
        space = self._certified_space(m)
        d_in = self.session.contributions if m.kind == "count" else float(m.sensitivity)
        cache = self.__dict__.setdefault("_unit_scale", {})
        if m.label not in cache:
            cache[m.label] = float(odp.binary_search_param(
                lambda s: odp.m.make_laplace(*space, scale=s), d_in=d_in, d_out=1.0))
        scale = cache[m.label] / epsilon
        while float(odp.m.make_laplace(*space, scale=scale).map(d_in)) > epsilon * (1 + _EPS_TOL):
            scale *= 1 + 1e-9
        return scale

    def threshold(self, scale: float, epsilon: float, delta: float) -> float:
        """The smallest noisy count a private key needs, found by OpenDP for (epsilon, delta)."""
        odp = _opendp()
        count = self.measurements[0]
        if delta <= 0:
            raise DPInputError("The group keys are not public, so releasing them needs a delta "
                               "> 0 (Session(..., delta=1e-6)) or public keys (keys=...).")
        d_in = self._d_in(count)

        def private_enough(t: int) -> bool:
            eps, dlt = self._measurement(count, scale, threshold=t).map(d_in)
            return bool(eps <= epsilon * (1 + _EPS_TOL) and dlt <= delta)

        return float(odp.binary_search(private_enough,
                                       bounds=(self.session.contributions, 2**30), T=int))

    def _delta_for(self, epsilon: float, delta: float | None) -> float:
        if self.public_keys:
            if delta:
                raise DPInputError("delta is spent only to release private group keys; this "
                                   "query's keys are public: leave delta out.")
            return 0.0
        if delta is None:
            return self.session.delta * epsilon / self.session.epsilon_total
        return _check_delta(delta)

    @staticmethod
    def _accuracy(kind: str, scale: float, alpha: float) -> float:
        odp = _opendp()
        if kind == "count":
            return float(math.floor(odp.discrete_laplacian_scale_to_accuracy(scale, alpha)))
        return float(odp.laplacian_scale_to_accuracy(scale, alpha))

    def _mean_half_width(self, m: Measurement, scale_sum: float, scale_count: float,
                         n: float | None) -> float | None:
        """95% half-width of a mean at group size `n` (public or a DP estimate).

        With probability >= 95% both |e_sum| <= a and |e_count| <= b (each at 97.5%); then
        |noisy mean - mean| <= (a + r * b) / (n - b), r = (hi - lo) / 2, and never more than
        hi - lo (the output is clamped to the bounds)."""
        if n is None or not math.isfinite(n):
            return None
        assert m.bounds is not None
        lo, hi = m.bounds
        a = self._accuracy("sum", scale_sum, ALPHA / 2)
        b = self._accuracy("count", scale_count, ALPHA / 2)
        if n <= b:
            return hi - lo
        return min(hi - lo, (a + (hi - lo) / 2 * b) / (n - b))

    # --- preview ------------------------------------------------------------------------
    def plan(self, epsilon: float, *, group_size: float | None = None,
             targets: Mapping[str, Any] | None = None,
             sizes: Mapping[str, float] | None = None, delta: float | None = None) -> QueryPlan:
        """The expected errors at `epsilon`, from public information only (spends nothing).

        Parameters
        ----------
        epsilon
            The epsilon this query would spend.
        group_size
            A public guess of a group's number of rows: the half-width of a mean depends on
            it (never the true size, which is private).
        targets
            Aggregate label -> accuracy the business needs: a number (absolute half-width) or
            a text ``"10%"`` (relative to ``sizes[label]``).
        sizes
            Aggregate label -> a reference size the user supplies (an expected count, sum or
            mean), for relative targets and the ``relative`` column.
        delta
            Delta of a private key release (default: see `Session`).
        """
        epsilon = check_epsilon(epsilon)
        if group_size is not None:
            group_size = check_epsilon(group_size, "group_size")
        delta_used = self._delta_for(epsilon, delta)
        shares = self.shares(epsilon)
        scales = {m.label: self.scale(m, shares[m.label]) for m in self.measurements}
        threshold = None
        if not self.public_keys:
            threshold = self.threshold(scales["count"], shares["count"], delta_used)
        target_abs = self._targets(targets, sizes)
        rows = []
        count_scale = scales["count"]
        for m in self.measurements:
            if m.label not in self.labels:
                continue
            if m.kind == "mean":
                hw = self._mean_half_width(m, scales[m.label], count_scale, group_size)
            else:
                hw = self._accuracy(m.kind, scales[m.label], ALPHA)
            target = target_abs.get(m.label)
            size = (sizes or {}).get(m.label)
            rows.append({"aggregate": m.label, "epsilon": shares[m.label],
                         "mechanism": m.mechanism, "bounds": _bounds_text(m.bounds),
                         "sensitivity": m.sensitivity, "scale": scales[m.label],
                         "half_width_95": hw,
                         "relative_to_size": (hw / abs(size) if hw is not None and size
                                              else None),
                         "target": target,
                         "meets_target": (None if target is None or hw is None
                                          else bool(hw <= target))})
        table = pd.DataFrame(rows)
        if self.keys is not None and self.by:
            index = pd.MultiIndex.from_product([self.keys[b] for b in self.by], names=self.by)
            groups = index.to_frame(index=False)
            table = groups.merge(table, how="cross")
        unit = self._unit(shares, epsilon)
        return QueryPlan(epsilon, delta_used, shares, scales, threshold, table, unit)

    def _unit(self, shares: dict[str, float], epsilon: float) -> dict[str, Any]:
        """Half-widths at query epsilon 1 (continuous approximation; they scale as 1/eps)."""
        odp = _opendp()
        out: dict[str, Any] = {}
        for m in self.measurements:
            s1 = self.scale(m, shares[m.label] / epsilon)
            entry: dict[str, Any] = {"kind": m.kind, "scale": s1,
                                     "half_width": float(odp.laplacian_scale_to_accuracy(
                                         s1, ALPHA)),
                                     "half_width_975": float(odp.laplacian_scale_to_accuracy(
                                         s1, ALPHA / 2)),
                                     "shown": m.label in self.labels}
            if m.bounds is not None:
                entry["bounds"] = list(m.bounds)
            out[m.label] = entry
        return out

    def _targets(self, targets: Mapping[str, Any] | None,
                 sizes: Mapping[str, float] | None) -> dict[str, float]:
        out: dict[str, float] = {}
        for label, value in (targets or {}).items():
            if label not in self.labels:
                raise DPInputError(f"targets names {quote_name(label)}, not an aggregate of "
                                   f"this query: use {names_text(self.labels)}.")
            if isinstance(value, str) and value.strip().endswith("%"):
                size = (sizes or {}).get(label)
                if size is None:
                    raise DPInputError(f"A relative target for {quote_name(label)} needs a "
                                       f"reference size you supply: sizes={{{label!r}: 1000}} "
                                       "(an expected value, never the true one).")
                try:
                    frac = float(value.strip()[:-1]) / 100
                except ValueError:
                    raise DPInputError(f"targets[{label!r}] must look like '10%'.") from None
                out[label] = check_epsilon(frac, f"targets[{label!r}]") * abs(float(size))
            else:
                out[label] = check_epsilon(value, f"targets[{label!r}]")
        return out

    def preview(self, epsilon: float, **options: Any) -> pd.DataFrame:
        """`plan(epsilon, ...).table`: expected 95% half-widths; spends nothing."""
        return self.plan(epsilon, **options).table

    # --- release ------------------------------------------------------------------------
    def _aggregates(self) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        """Group keys and the exact, bounded aggregates (never leave this module unnoised)."""
        session = self.session
        rows = session._kept_rows()
        df = session.df
        if not self.by:
            codes = np.zeros(len(rows), dtype=np.int64)
            keys = pd.DataFrame(index=[0])
        elif self.keys is not None:
            sizes = [len(self.keys[b]) for b in self.by]
            codes = np.zeros(len(rows), dtype=np.int64)
            valid = np.ones(len(rows), dtype=bool)
            for b, size in zip(self.by, sizes, strict=True):
                c = pd.Index(self.keys[b], dtype=object).get_indexer(
                    pd.Index(df[b].to_numpy()[rows], dtype=object)).astype(np.int64)
                valid &= c >= 0
                codes = codes * size + np.where(c >= 0, c, 0)
            rows, codes = rows[valid], codes[valid]
            keys = pd.MultiIndex.from_product([self.keys[b] for b in self.by],
                                              names=self.by).to_frame(index=False)
        else:
            sub = df.iloc[rows][self.by]
            grouped = sub.groupby(self.by, dropna=False, sort=True)
            codes = grouped.ngroup().to_numpy().astype(np.int64)
            keys = grouped.size().reset_index()[self.by]
        g = len(keys)
        out: dict[str, np.ndarray] = {}
        for m in self.measurements:
            if m.kind == "count":
                out[m.label] = np.bincount(codes, minlength=g).astype(np.int64)
                continue
            assert m.bounds is not None and m.column is not None
            lo, hi = m.bounds
            values = pd.to_numeric(df[m.column].iloc[rows], errors="coerce").to_numpy(
                dtype=float, na_value=np.nan)
            if m.kind == "sum":
                values = np.clip(np.nan_to_num(values, nan=0.0), lo, hi)
            else:
                mid = (lo + hi) / 2
                values = np.clip(np.nan_to_num(values, nan=mid), lo, hi) - mid
            out[m.label] = np.bincount(codes, weights=values, minlength=g)
        return keys, out

    def release(self, epsilon: float, *, delta: float | None = None,
                group_size: float | None = None) -> pd.DataFrame:
        """Spend `epsilon` (and delta for private keys) and release the noisy table.

        Returns a DataFrame with the group keys, ``aggregate``, ``value`` (noisy),
        ``half_width_95``, ``lower``, ``upper``, ``epsilon`` and ``mechanism``; the full
        `Release` (and its report) is ``session.releases[-1]``. A release that would exceed
        the session's budget is refused (`BudgetError`) before anything is computed.
        """
        session = self.session
        epsilon = check_epsilon(epsilon)
        delta_used = self._delta_for(epsilon, delta)
        if epsilon > session.remaining * (1 + _EPS_TOL) + 1e-12:
            raise BudgetError(
                f"Refused: this release needs epsilon {epsilon:g}, but only "
                f"{session.remaining:g} of the session's {session.epsilon_total:g} remains "
                f"({session.spent:g} spent in {len(session.releases)} release(s)). Release "
                f"with epsilon <= {session.remaining:g}, or not at all.")
        if delta_used > session.delta_remaining * (1 + _EPS_TOL) + 1e-18:
            raise BudgetError(
                f"Refused: this release needs delta {delta_used:.3g} to release its group "
                f"keys, but only {session.delta_remaining:.3g} of {session.delta:.3g} remains. "
                "Give public keys (keys=...) or a smaller delta.")
        plan = self.plan(epsilon, delta=delta, group_size=group_size)
        keys, exact = self._aggregates()
        kept = np.arange(len(keys))
        noisy: dict[str, np.ndarray] = {}
        odp_count = self.measurements[0]
        if plan.threshold is not None:
            counts = exact["count"]
            present = np.flatnonzero(counts > 0)
            meas = self._measurement(odp_count, plan.scales["count"], plan.threshold)
            released = meas({str(int(i)): int(counts[i]) for i in present})
            kept = np.array(sorted(int(k) for k in released), dtype=np.int64)
            noisy["count"] = np.array([released[str(int(i))] for i in kept], dtype=float)
        else:
            meas = self._measurement(odp_count, plan.scales["count"])
            noisy["count"] = np.asarray(meas(exact["count"].tolist()), dtype=float)
        for m in self.measurements[1:]:
            meas = self._measurement(m, plan.scales[m.label])
            noisy[m.label] = np.asarray(meas(exact[m.label][kept].tolist()), dtype=float)
        keys = keys.iloc[kept].reset_index(drop=True)
        count = noisy["count"]
        frames = []
        for m in self.measurements:
            if m.label not in self.labels:
                continue
            if m.kind == "mean":
                assert m.bounds is not None
                lo, hi = m.bounds
                value = np.clip((lo + hi) / 2 + noisy[m.label] / np.maximum(count, 1.0), lo, hi)
                n = group_size
                hws = [self._mean_half_width(m, plan.scales[m.label], plan.scales["count"],
                                             float(n if n is not None else cnt))
                       for cnt in count]
                hw = np.array([np.nan if h is None else h for h in hws], dtype=float)
            else:
                value = noisy[m.label]
                hw = np.full(len(value), self._accuracy(m.kind, plan.scales[m.label], ALPHA))
            part = keys.copy()
            part["aggregate"] = m.label
            part["value"] = value
            part["half_width_95"] = hw
            part["lower"] = value - hw
            part["upper"] = value + hw
            part["relative_to_estimate"] = np.where(np.abs(value) > 0, hw / np.maximum(
                np.abs(value), 1e-300), np.nan)
            part["epsilon"] = plan.shares[m.label]
            part["mechanism"] = m.mechanism
            frames.append(part)
        table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        signature = self._signature()
        repeat_of = next((r.number for r in session.releases
                          if r.query._signature() == signature), None)
        rel = Release(len(session.releases) + 1, self, epsilon, delta_used, plan.shares,
                      plan.scales, plan.threshold, table, repeat_of,
                      _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"))
        session.releases.append(rel)
        table.attrs["nbaudit_dp"] = {"release": rel.number, "epsilon": epsilon,
                                     "delta": delta_used, "note": rel.note}
        if repeat_of is not None:
            warnings.warn(rel.note, UserWarning, stacklevel=2)
        return table


def _bounds_text(bounds: tuple[float, float] | None) -> str:
    return "" if bounds is None else f"[{bounds[0]:g}, {bounds[1]:g}]"
