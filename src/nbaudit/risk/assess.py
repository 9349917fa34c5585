"""`assess_risk`: how easily can a person be re-identified, and what does generalization cost?

`RiskAssessment` is the facade the user holds; the work is done below it: `encoding` (the
integer codes), `evaluation` (the figures of one transformation), `lattice` (the search),
`anonymized` (the generalized frame, the riskiest classes, the reproducing code), with
`PrivacyModel` (k, l, t, suppression) checked once here and passed down as one value.
"""

from __future__ import annotations

import math
import pathlib
import time
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from .._checks import choice, seconds, whole_number
from .._checks import probability as share
from .._render import render
from .._text import names_text, quote_name
from .anonymized import (
    Levels,
    checked_levels,
    generalized_frame,
    reproduction_code,
    riskiest_classes,
)
from .anonymized import _expression as expression
from .charts import class_sizes_figure, tradeoff_figure
from .encoding import EXHAUSTIVE_NODES, Encoding
from .evaluation import METRICS, evaluate
from .figures import (
    INFO_LOSS_LABEL,
    Explored,
    RiskFigures,
    SearchResult,
    figures_of,
    tradeoff_point,
)
from .hierarchy import Hierarchy, as_hierarchy, load_hierarchies, prepare_column
from .lattice import search as search_lattice
from .model import PrivacyModel

if TYPE_CHECKING:
    import plotly.graph_objects as go

SEARCH_NODES = 100_000  # default budgets of `search`: evaluations and seconds
SEARCH_SECONDS = 60.0
_MAX_POINTS = 400  # generalizations remembered for the trade-off chart

Metric = Literal["entropy", "loss", "dm", "dm_star", "aecs"]


class SearchWarning(UserWarning):
    """The lattice is too large to search exhaustively: the result may not be optimal."""


class RiskAssessment:
    """Re-identification risk of a frame under chosen quasi-identifiers.

    Made by `assess_risk`. The attributes describe the data as it is (no generalization);
    `evaluate`, `search`, `apply` and `code` explore generalizations.
    """

    def __init__(self, frame: pd.DataFrame, quasi_identifiers: list[str], sensitive: list[str],
                 hierarchies: dict[str, Hierarchy], *, population_size: int | None,
                 target_k: int, prepared: pd.DataFrame | None = None,
                 hierarchies_source: str | None = None) -> None:
        self.frame = frame
        #: The folder the hierarchies were loaded from, if they were (for `code`).
        self.hierarchies_source = hierarchies_source
        # Generalizations evaluated so far, for the trade-off chart (`figure("tradeoff")`).
        self._explored = Explored(_MAX_POINTS)
        self._words: dict[tuple[str, int], str] = {}
        self.quasi_identifiers = quasi_identifiers
        self.sensitive = sensitive
        self.hierarchies = hierarchies
        self.population_size = population_size
        self.target_k = target_k
        # The columns as encoded (see `_prepared`); `frame` is what `apply` copies.
        work = _prepared(frame, [*quasi_identifiers, *sensitive]) if prepared is None \
            else prepared
        self.encoding = Encoding(work, quasi_identifiers, hierarchies, sensitive)
        self.now = self.evaluate()

    # -- words ---------------------------------------------------------------------------
    def describe(self, levels: Levels = None) -> dict[str, str]:
        """Each quasi-identifier's level in words: ``{"age": "10-year intervals", "sex":
        "as is", "zip_code": "first 3 digits"}`` (never an original value)."""
        lv = self._levels(levels)
        out = {}
        for q, level in zip(self.quasi_identifiers, lv, strict=True):
            if (q, level) not in self._words:  # user hierarchies' words read their table
                self._words[(q, level)] = self.hierarchies[q].describe_level(level)
            out[q] = self._words[(q, level)]
        return out

    def describe_text(self, levels: Levels = None) -> str:
        """`describe` as one line: ``age: 10-year intervals, sex: as is``."""
        return ", ".join(f"{q}: {d}" for q, d in self.describe(levels).items())

    # -- the figures now -----------------------------------------------------------------
    @property
    def k(self) -> int:
        """Smallest equivalence class."""
        return self.now.k

    @property
    def n_classes(self) -> int:
        return self.now.n_classes

    @property
    def sample_uniques(self) -> int:
        """Records that are alone in their class (unique on the quasi-identifiers)."""
        return self.now.sample_uniques

    @property
    def average_risk(self) -> float:
        """Prosecutor risk averaged over records (= classes / records)."""
        return self.now.average_risk

    @property
    def highest_risk(self) -> float:
        """Prosecutor risk of the most exposed record (= 1 / k)."""
        return self.now.highest_risk

    @property
    def l_diversity(self) -> dict[str, int]:
        """Distinct l-diversity per sensitive attribute."""
        return self.now.l_diversity

    @property
    def entropy_l_diversity(self) -> dict[str, float]:
        return self.now.entropy_l_diversity

    @property
    def t_closeness(self) -> dict[str, float]:
        return self.now.t_closeness

    @property
    def max_levels(self) -> dict[str, int]:
        return dict(zip(self.quasi_identifiers, self.encoding.max_levels, strict=True))

    @property
    def lattice_size(self) -> int:
        """Generalizations `search` chooses from: the product of (highest level + 1)."""
        return self.encoding.lattice_size()

    @property
    def exhaustive_search(self) -> bool:
        """Whether `search` can visit the whole lattice (else it searches greedily)."""
        return self.encoding.exhaustive()

    # -- the user's choices, checked once -------------------------------------------------
    def _levels(self, levels: Levels) -> tuple[int, ...]:
        return checked_levels(levels, self.quasi_identifiers, self.encoding.max_levels)

    def _model(self, k: int | None, l: int | None, t: float | None,
               max_suppression: float) -> PrivacyModel:
        """The privacy model asked for (k: the target k by default), checked."""
        return PrivacyModel.checked(k=self.target_k if k is None else k, l=l, t=t,
                                    max_suppression=max_suppression,
                                    n_records=self.encoding.n,
                                    has_sensitive=bool(self.sensitive))

    # -- exploring -----------------------------------------------------------------------
    def evaluate(self, levels: Levels = None, *,
                 k: int | None = None, l: int | None = None, t: float | None = None,
                 max_suppression: float = 0.0, closeness: bool = True) -> RiskFigures:
        """Risk and information loss under a generalization, with suppression.

        Parameters
        ----------
        levels
            ``{quasi_identifier: level}`` (missing ones stay at 0) or one level each.
        k, l, t
            The privacy model: classes smaller than `k` (target k of the assessment by
            default), with fewer than `l` distinct sensitive values, or farther than `t`
            from the overall distribution are suppressed if they fit the budget.
        max_suppression
            Share of records that may be suppressed (0.04 = 4%).
        closeness
            Compute t-closeness (skip it for speed when only k and l matter).
        """
        model = self._model(k, l, t, max_suppression)
        lv = self._levels(levels)
        figures = self._figures_at(lv, model, closeness=closeness)
        self._remember(figures, "explored", model.max_suppression)
        return figures

    def _figures_at(self, levels: tuple[int, ...], model: PrivacyModel, *,
                    closeness: bool = True) -> RiskFigures:
        ev = evaluate(self.encoding, levels, model, closeness=closeness)
        return figures_of(ev, self.quasi_identifiers, n_records=self.encoding.n,
                          population_size=self.population_size, target_k=model.k)

    def _remember(self, f: RiskFigures, source: str, max_suppression: float) -> None:
        self._explored.remember(f, source, max_suppression, lambda: self.describe(f.levels))

    @property
    def explored(self) -> list[dict[str, Any]]:
        """The generalizations evaluated so far (by `evaluate`, `search` and the widget), as
        points of the trade-off chart: levels, their words, k, information loss, suppressed
        records, whether they meet their target, and ``source`` ("explored" or "search")."""
        return self._explored.points()

    def search(self, *, k: int | None = None, l: int | None = None,
               t: float | None = None, max_suppression: float = 0.04,
               metric: Literal["entropy", "loss"] = "entropy",
               max_nodes: int | None = SEARCH_NODES,
               max_seconds: float | None = SEARCH_SECONDS,
               progress: Callable[[float, str], object] | None = None,
               cancel: Callable[[], bool] | None = None, warn: bool = True) -> SearchResult:
        """The generalization with minimal information loss that meets the privacy model.

        Searches the full lattice of hierarchy levels (every combination), visiting nodes in
        increasing information loss and pruning with monotonicity (a node that fails
        implies every node below it fails), the way ARX's optimal algorithms do.

        Parameters
        ----------
        k
            k-anonymity to reach (default: the assessment's target k).
        l, t
            Optional distinct l-diversity and t-closeness for every sensitive attribute.
        max_suppression
            Share of records that may be suppressed (default 4%).
        metric
            ``"entropy"`` (ARX's non-uniform entropy) or ``"loss"``.
        max_nodes, max_seconds
            Budgets (None: no limit): after this many evaluated generalizations or seconds
            the search stops and returns the best generalization found so far, with
            ``complete=False`` and ``stopped`` saying which budget ran out.
        progress
            Called as ``progress(fraction, message)`` at most every 0.1 s, and with 1.0 at
            the end (the widget's progress bar).
        cancel
            Called between evaluations; when it returns True the search stops as for a
            budget (``stopped="cancelled"``), e.g. ``cancel=event.is_set``.
        warn
            Emit a `SearchWarning` before a greedy search (False: the caller says it
            itself, as the widget does).

        Lattices of more than ``EXHAUSTIVE_NODES`` generalizations (`lattice_size`) are
        searched greedily (``strategy="greedy"``), with a `SearchWarning` before starting.

        Returns
        -------
        SearchResult
            ``levels`` (None if nothing satisfies the model), ``info_loss``, the risk
            ``figures`` after generalization and suppression, the search's cost, and
            whether it is the proven optimum (``complete``).
        """
        started = time.perf_counter()
        model = self._model(k, l, t, max_suppression)
        metric = choice(metric, "metric", ("entropy", "loss"))  # type: ignore[assignment]
        if max_nodes is not None:
            max_nodes = whole_number(max_nodes, "max_nodes", 1, "100000")
        max_seconds = seconds(max_seconds, "max_seconds")
        for fn, what in ((progress, "progress"), (cancel, "cancel")):
            if fn is not None and not callable(fn):
                raise TypeError(f"{what} must be a function or None, not "
                                f"{type(fn).__name__}.")
        if warn and not self.encoding.exhaustive():
            warnings.warn(
                f"The lattice of these quasi-identifiers has {self.lattice_size:,} "
                f"generalizations (more than {EXHAUSTIVE_NODES:,}): the search is greedy and "
                "its result may not be optimal. Fewer quasi-identifiers or shorter "
                "hierarchies allow an exhaustive search.", SearchWarning, stacklevel=2)
        outcome = search_lattice(self.encoding, model, metric=metric, max_nodes=max_nodes,
                                 max_seconds=max_seconds, progress=progress, cancel=cancel)
        figures = None
        if outcome.levels is not None:
            figures = self._figures_at(outcome.levels, model)
            self._remember(figures, "search", model.max_suppression)
        return SearchResult(
            levels=figures.levels if figures else None,
            info_loss=figures.info_loss[metric] if figures else None, metric=metric,
            figures=figures, nodes_evaluated=outcome.evaluated,
            lattice_size=outcome.lattice_size, seconds=outcome.seconds,
            criteria=model.criteria(), complete=outcome.complete, stopped=outcome.stopped,
            strategy=outcome.strategy, wall_seconds=time.perf_counter() - started,
            descriptions=self.describe(figures.levels) if figures else {},
        )

    def apply(self, levels: Levels = None, *, k: int | None = None, l: int | None = None,
              t: float | None = None, max_suppression: float = 0.0,
              suppressed: Literal["mask", "drop"] = "mask") -> pd.DataFrame:
        """A new DataFrame with the quasi-identifiers generalized (the input is untouched).

        Records in classes that fail the privacy model are suppressed when they fit the
        budget: their quasi-identifiers become ``*`` (``suppressed="mask"``, as ARX does) or
        the rows are left out (``"drop"``).
        """
        model = self._model(k, l, t, max_suppression)
        choice(suppressed, "suppressed", ("mask", "drop"))
        return generalized_frame(self.frame, self.encoding, self._levels(levels), model,
                                 suppressed=suppressed)

    def code(self, levels: Levels = None, *, k: int | None = None,
             max_suppression: float = 0.0, frame_name: str | None = None,
             hierarchies: str | None = None) -> str:
        """Python code that reproduces `apply(levels, ...)`, each level explained in a comment.

        Parameters
        ----------
        levels, k, max_suppression
            As for `apply`.
        frame_name
            The variable that holds the DataFrame (``"adult"``), or a Python expression
            (``'data["x"]'``, ``"df.head(100)"``), which the code assigns to ``frame`` first.
            None: ``df``, and the code says that it stands for the assessed frame.
        hierarchies
            A Python expression for the hierarchies passed to `assess_risk` (a variable
            name such as ``"H"``). None: the folder they were loaded from, or a variable
            ``hierarchies`` (said in a comment). Not used when every hierarchy was built
            from the data (the code builds them again).

        Raises
        ------
        ValueError
            `frame_name` or `hierarchies` is not a Python name or expression.
        """
        if frame_name is not None:  # the name first: its error before any other
            expression(frame_name, "frame_name", "'df', 'adult' or 'data[\"x\"]'")
        model = self._model(k, None, None, max_suppression)
        lv = dict(zip(self.quasi_identifiers, self._levels(levels), strict=True))
        return reproduction_code(
            quasi_identifiers=self.quasi_identifiers, sensitive=self.sensitive, levels=lv,
            words=self.describe(lv), k=model.k, max_suppression=max_suppression,
            frame_name=frame_name, hierarchies=hierarchies,
            user_hierarchies=any(h.kind in ("user", "arx") for h in self.hierarchies.values()),
            hierarchies_source=self.hierarchies_source)

    def riskiest(self, n: int = 10, *, levels: Levels = None, k: int | None = None,
                 max_suppression: float = 0.0) -> pd.DataFrame:
        """The smallest classes: which quasi-identifier values single records out.

        With `k` and `max_suppression`, classes that suppression removes are left out (they
        are no longer in the data).
        """
        n = whole_number(n, "n", 0, "10")
        model = None
        if k is not None:
            model = self._model(k, None, None, max_suppression)
        else:
            share(max_suppression, "max_suppression (a share of records)", "0.04 for 4%")
        return riskiest_classes(self.encoding, self._levels(levels), n, model)

    @cached_property
    def _summary_text(self) -> str:
        f = self.now
        return (f"k={f.k}, {f.n_classes:,} classes, {f.sample_uniques:,} unique records "
                f"({f.sample_uniques / max(1, f.n_records):.1%}), average risk "
                f"{f.average_risk:.3f}, highest {f.highest_risk:.3f}")

    def __repr__(self) -> str:
        return f"RiskAssessment({', '.join(self.quasi_identifiers)}: {self._summary_text})"

    def to_markdown(self, search: SearchResult | None = None) -> str:
        """Risk figures (and a search's result) as a Markdown report, with provenance."""
        return render("markdown", self, search)

    def to_html(self, search: SearchResult | None = None, *, charts: bool = True,
                include_plotlyjs: bool | str = True) -> str:
        """The report as one HTML page, with the widget's charts (plotly): the class sizes
        (under the search's levels when it found some) and the trade-off.

        `include_plotlyjs=True` embeds plotly.js (works offline); ``"cdn"`` loads it.
        """
        return render("html", self, search, charts=charts,
                      include_plotlyjs=include_plotlyjs)

    def figure(self, kind: Literal["tradeoff", "class_sizes"] = "tradeoff", *,
               levels: Levels = None, k: int | None = None,
               max_suppression: float = 0.0,
               points: Sequence[Mapping[str, Any]] | None = None) -> go.Figure:
        """A chart of the widget as a plotly figure.

        Parameters
        ----------
        kind
            ``"tradeoff"``: k against information loss of every generalization evaluated
            so far (`explored`, or `points`), the Pareto frontier dashed. ``"class_sizes"``:
            records by class size under `levels` (with `k` and `max_suppression`), beside
            the data as it is.
        levels, k, max_suppression
            The generalization of the class-size chart (default: none).
        points
            Points for the trade-off chart instead of `explored` (e.g. the widget's).
        """
        kind = choice(kind, "kind", ("tradeoff", "class_sizes"))  # type: ignore[assignment]
        if kind == "class_sizes":
            chosen = self.evaluate(levels, k=k, max_suppression=max_suppression,
                                   closeness=False)
            return class_sizes_figure(self.now, chosen, self.describe_text(chosen.levels))
        shown = self.explored if points is None else [dict(p) for p in points]
        if not shown:
            shown = [tradeoff_point(self.now, "explored", self.describe(None))]
        return tradeoff_figure(shown, self.encoding.n)

    def to_json(self, search: SearchResult | None = None) -> str:
        """`to_dict`, the search's result and provenance as JSON (the reports' renderer)."""
        return render("json", self, search)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary of the data as it is."""
        return {
            "quasi_identifiers": self.quasi_identifiers,
            "sensitive": self.sensitive,
            "population_size": self.population_size,
            "target_k": self.target_k,
            "n_records": self.encoding.n,
            "max_levels": self.max_levels,
            "now": self.now.to_dict(),
        }


def assess_risk(
    df: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    sensitive: Sequence[str] | None = None,
    hierarchies: Mapping[str, Any] | None = None,
    population_size: int | None = None,
    k: int = 5,
) -> RiskAssessment:
    """Re-identification risk of a frame under chosen quasi-identifiers.

    Parameters
    ----------
    df
        The data (never modified). Nulls in a quasi-identifier form their own value.
    quasi_identifiers
        Columns an attacker may know (age, postal code, sex, date of birth...).
    sensitive
        Columns to protect (diagnosis, income...): l-diversity and t-closeness.
    hierarchies
        Per quasi-identifier: a `Hierarchy`, a DataFrame or dict (value -> generalizations),
        or the path of an ARX hierarchy CSV. Or the path of a folder of ARX hierarchy CSVs
        named ``<column>.csv`` or ``<data>_hierarchy_<column>.csv``. Missing ones are built
        from the data (numbers: intervals; dates: month, year, decade; codes: masked from
        the right; categories: rare ones grouped).
    population_size
        Size of the population the data was sampled from, for journalist and marketer risk.
    k
        The target k: "records below k" counts records in smaller classes.

    Returns
    -------
    RiskAssessment
        ``k``, ``n_classes``, ``sample_uniques``, ``average_risk``, ``highest_risk``,
        ``l_diversity``, ``t_closeness``..., and ``evaluate``, ``search``, ``apply``, ``code``.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"assess_risk needs a pandas DataFrame, not {type(df).__name__}.")
    k = whole_number(k, "k", 1, "5")
    if population_size is not None:
        population_size = whole_number(population_size, "population_size", 1, "1000000")
    if len(df) == 0:
        raise ValueError("The DataFrame has no rows: there is no one to re-identify.")
    qis = _columns(df, quasi_identifiers, "quasi-identifier")
    if not qis:
        raise ValueError("Name at least one quasi-identifier, e.g. quasi_identifiers=['age'].")
    sens = _columns(df, [] if sensitive is None else sensitive, "sensitive attribute")
    both = [q for q in qis if q in sens]
    if both:
        raise ValueError(f"{names_text(both)} cannot be both a quasi-identifier and "
                         "a sensitive attribute: name each column once.")
    if population_size is not None and population_size < len(df):
        raise ValueError(f"population_size ({population_size:,}) cannot be smaller than the "
                         f"data ({len(df):,} rows).")
    source = None
    if isinstance(hierarchies, (str, pathlib.Path)):  # a folder of ARX hierarchy files
        source = str(hierarchies)
        hierarchies = load_hierarchies(hierarchies, qis)
    if hierarchies is not None and not isinstance(hierarchies, Mapping):
        raise TypeError("hierarchies must be a dict {quasi-identifier: hierarchy} or a folder "
                        f"of ARX hierarchy files, not {type(hierarchies).__name__}.")
    given = dict(hierarchies or {})
    unknown = [c for c in given if c not in qis]
    if unknown:
        raise ValueError(f"Hierarchies given for columns that are not quasi-identifiers: "
                         f"{names_text(sorted(map(str, unknown)))}.")
    work = _prepared(df, [*qis, *sens])
    built = {}
    for q in qis:
        try:
            built[q] = as_hierarchy(given.get(q), work[q])
        except (TypeError, ValueError) as exc:  # which column's hierarchy, then what
            raise type(exc)(f"The hierarchy of {quote_name(q)}: {exc}") from None
    return RiskAssessment(df, qis, sens, built, population_size=population_size,
                          target_k=min(k, len(df)), prepared=work, hierarchies_source=source)


def _columns(df: pd.DataFrame, names: Any, what: str) -> list[Any]:
    """Column names given as a list (or a comma-separated string), checked against `df`."""
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    elif isinstance(names, Mapping) or not isinstance(names, Sequence | pd.Index | np.ndarray
                                                         | set | frozenset | tuple):
        raise TypeError(f"Give the {what} columns as a list of names, e.g. ['age', 'zip'], "
                        f"not {type(names).__name__}.")
    out: list[Any] = []
    for name in names:
        if not isinstance(name, Hashable) or isinstance(name, (list, dict, set)):
            raise TypeError(f"A {what} is a column name (text or a number), not "
                            f"{type(name).__name__}.")
        if isinstance(name, float) and math.isnan(name) or name not in df.columns:
            raise ValueError(f"No column {quote_name(name)} for the {what}. Columns: "
                             f"{names_text(df.columns)}.")
        if not df.columns.is_unique and isinstance(df[name], pd.DataFrame):
            raise ValueError(f"Column name {quote_name(name)} appears more than once in the "
                             "frame: rename the copies (df.columns = [...]) or drop them.")
        if name not in out:
            out.append(name)
    return out


def _prepared(df: pd.DataFrame, names: list[Any]) -> pd.DataFrame:
    """The named columns in a form the hierarchies and the encoding handle (`df` untouched).

    Arrow-backed numbers, booleans and times become their NumPy or nullable pandas forms,
    cells pyarrow cannot hold as text (lists, dicts, lone surrogates) become their text:
    see `hierarchy.prepare_column`.
    """
    work = df[names]
    for i, name in enumerate(names):
        column = df[name]
        prepared = prepare_column(column)
        if prepared is not column:
            work.isetitem(i, prepared)
    return work


__all__ = ["INFO_LOSS_LABEL", "METRICS", "PrivacyModel", "RiskAssessment", "RiskFigures",
           "SearchResult", "SearchWarning", "assess_risk", "tradeoff_point"]
