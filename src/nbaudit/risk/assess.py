"""`assess_risk`: how easily can a person be re-identified, and what does generalization cost?"""

from __future__ import annotations

import ast
import json
import keyword
import math
import pathlib
import re
import time
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._checks import choice, seconds, whole_number
from .._checks import probability as share
from ..reports import names_text, quote_name
from .hierarchy import Hierarchy, as_hierarchy, load_hierarchies, prepare_column
from .lattice import EXHAUSTIVE_NODES, METRICS, Encoding, Evaluation

SEARCH_NODES = 100_000  # default budgets of `search`: evaluations and seconds
SEARCH_SECONDS = 60.0


class SearchWarning(UserWarning):
    """The lattice is too large to search exhaustively: the result may not be optimal."""

Metric = Literal["entropy", "loss", "dm", "dm_star", "aecs"]
#: The one information-loss figure shown everywhere (widget, reports, charts): ARX's
#: non-uniform entropy as a share of its maximum (0 = data as is, 1 = every value ``*``).
INFO_LOSS_LABEL = "information loss (non-uniform entropy)"
_MAX_POINTS = 400  # generalizations remembered for the trade-off chart
SIZE_BINS = [(1, 1), (2, 2), (3, 4), (5, 9), (10, 19), (20, 49), (50, 99), (100, None)]


@dataclass(frozen=True)
class RiskFigures:
    """Risk and utility of the data under one generalization (levels) and suppression.

    Attributes
    ----------
    levels
        Generalization level per quasi-identifier (0 = original values).
    k
        Size of the smallest equivalence class (after suppression).
    n_classes
        Number of equivalence classes (after suppression).
    sample_uniques
        Records alone in their class.
    records_below_k
        Records in classes smaller than the target k (before suppression).
    suppressed
        Records removed by suppression.
    average_risk, highest_risk
        Prosecutor risk: the mean and the maximum over records of 1 / class size.
    journalist_risk, marketer_risk
        With a population size: the highest risk against the population (estimated
        class sizes F = f / sampling fraction) and the expected share of records an attacker
        re-identifies by matching everyone; without one, as for the prosecutor.
    l_diversity, entropy_l_diversity, t_closeness
        Per sensitive attribute: the smallest number of distinct values in a class, the
        smallest exp(entropy) of a class, and the largest distance of a class's distribution
        from the whole table's (ordered for numbers, equal distance for categories).
    info_loss
        ``entropy`` (ARX's precomputed non-uniform entropy) and ``entropy_share`` (the same
        as a share of its maximum, every value ``*``), ``loss`` (0-1), ``dm``, ``dm_star``,
        ``aecs``.
    """

    levels: dict[str, int]
    k: int
    n_classes: int
    sample_uniques: int
    records_below_k: int
    suppressed: int
    average_risk: float
    highest_risk: float
    journalist_risk: float
    marketer_risk: float
    l_diversity: dict[str, int]
    entropy_l_diversity: dict[str, float]
    t_closeness: dict[str, float]
    info_loss: dict[str, float]
    class_sizes: list[dict[str, Any]]
    n_records: int
    target_k: int
    satisfied: bool = True

    @property
    def information_loss(self) -> float:
        """Information loss (non-uniform entropy): ARX's non-uniform entropy of the
        generalization as a share of its maximum (every value ``*``), 0 to 1. The one
        information-loss figure the widget, the reports and the charts show
        (`INFO_LOSS_LABEL`); the other metrics stay in `info_loss`."""
        return float(self.info_loss.get("entropy_share", 0.0))

    def __repr__(self) -> str:
        met = "met" if self.satisfied else "not met"
        levels = ", ".join(f"{q}={v}" for q, v in self.levels.items())
        return (f"RiskFigures(k={self.k} (target {self.target_k}: {met}), "
                f"{self.n_classes:,} classes, {self.sample_uniques:,} unique, "
                f"{self.suppressed:,} of {self.n_records:,} suppressed, highest risk "
                f"{self.highest_risk:.1%}, average {self.average_risk:.1%}, information loss "
                f"{self.information_loss:.1%}; levels {levels or 'none'})")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (figures only, no data values)."""
        out = {k: v for k, v in self.__dict__.items()}
        out["information_loss"] = self.information_loss
        return json.loads(json.dumps(out, default=float))


@dataclass(frozen=True)
class SearchResult:
    """The best generalization found by `RiskAssessment.search`.

    Attributes
    ----------
    levels
        Chosen level per quasi-identifier, or None when no generalization satisfies the model.
    info_loss
        The optimized metric's value.
    figures
        Risk after generalization and suppression (`RiskFigures`).
    nodes_evaluated, lattice_size, seconds
        What the search cost.
    complete
        True when the whole lattice was searched: `levels` is then the optimum (or None:
        nothing satisfies the model). False when the search was cut short or ran greedily:
        `levels` is the best generalization found, not proven optimal.
    stopped
        Why the search was cut short: ``"nodes"`` (the node budget), ``"seconds"`` (the
        time budget) or ``"cancelled"``; None when it ran to its end.
    strategy
        ``"exhaustive"`` (every node in cost order, pruned) or ``"greedy"`` (a lattice too
        large to list: each attribute lowered in turn from the top).
    wall_seconds
        The time the caller waited: the whole of `search` (checks, the lattice, the figures
        of the result), not only the lattice (`seconds`). The widget counts from the click.
    descriptions
        The chosen level of each quasi-identifier in words (``{"age": "10-year
        intervals"}``); empty when nothing was found.
    """

    levels: dict[str, int] | None
    info_loss: float | None
    metric: str
    figures: RiskFigures | None
    nodes_evaluated: int
    lattice_size: int
    seconds: float
    criteria: dict[str, Any] = field(default_factory=dict)
    complete: bool = True
    stopped: str | None = None
    strategy: str = "exhaustive"
    wall_seconds: float = 0.0
    descriptions: dict[str, str] = field(default_factory=dict)

    @property
    def information_loss(self) -> float | None:
        """`RiskFigures.information_loss` of the result (None when nothing was found)."""
        return self.figures.information_loss if self.figures is not None else None

    def __repr__(self) -> str:
        how = (f"{self.strategy}, {'complete' if self.complete else 'cut short'}"
               f"{f' ({self.stopped})' if self.stopped else ''}, "
               f"{self.nodes_evaluated:,} of {self.lattice_size:,} generalizations, "
               f"{self.wall_seconds or self.seconds:.2f} s")
        wanted = ", ".join(f"{k}={v}" for k, v in self.criteria.items() if v is not None)
        if self.levels is None or self.figures is None:
            return f"SearchResult(nothing satisfies {wanted or 'the model'}; {how})"
        f = self.figures
        chosen = ", ".join(f"{q} {self.descriptions.get(q, f'level {v}')}"
                           for q, v in self.levels.items())
        return (f"SearchResult(k={f.k} for {wanted}: {chosen}; information loss "
                f"{f.information_loss:.1%}, {f.suppressed:,} suppressed; {how})")

    @property
    def note(self) -> str:
        """One sentence on how far the search went ("" when it found the optimum)."""
        if self.complete:
            return ""
        why = {"nodes": f"after {self.nodes_evaluated:,} generalizations (the node budget)",
               "seconds": f"after {self.seconds:.1f} s (the time budget)",
               "cancelled": "when it was cancelled"}.get(self.stopped or "", "")
        found = ("the best generalization found so far is shown, not proven optimal"
                 if self.levels is not None else "no generalization meeting the model had "
                 "been found yet")
        if why:
            return f"The search stopped {why}: {found}."
        return (f"The lattice has {self.lattice_size:,} generalizations, too many to search "
                "them all: a greedy search lowered one attribute at a time, so the result "
                "meets the model but may not be optimal.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "levels": self.levels,
            "info_loss": self.info_loss,
            "metric": self.metric,
            "figures": self.figures.to_dict() if self.figures else None,
            "nodes_evaluated": self.nodes_evaluated,
            "lattice_size": self.lattice_size,
            "seconds": round(self.seconds, 4),
            "wall_seconds": round(self.wall_seconds, 4),
            "information_loss": self.information_loss,
            "descriptions": dict(self.descriptions),
            "criteria": self.criteria,
            "complete": self.complete,
            "stopped": self.stopped,
            "strategy": self.strategy,
            "note": self.note,
        }


class RiskAssessment:
    """Re-identification risk of a frame under chosen quasi-identifiers.

    Made by `assess_risk`. The attributes describe the data as it is (no generalization);
    `evaluate`, `search`, `apply` and `code` explore generalizations.
    """

    def __init__(self, frame: pd.DataFrame, quasi_identifiers: list[str], sensitive: list[str],
                 hierarchies: dict[str, Hierarchy], population_size: int | None,
                 target_k: int, prepared: pd.DataFrame | None = None,
                 hierarchies_source: str | None = None) -> None:
        self.frame = frame
        #: The folder the hierarchies were loaded from, if they were (for `code`).
        self.hierarchies_source = hierarchies_source
        # Generalizations evaluated so far, for the trade-off chart (`figure("tradeoff")`).
        self._points: dict[tuple[Any, ...], dict[str, Any]] = {}
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
    def describe(self, levels: Mapping[str, int] | Sequence[int] | None = None,
                 ) -> dict[str, str]:
        """Each quasi-identifier's level in words: ``{"age": "10-year intervals", "sex":
        "as is", "zip_code": "first 3 digits"}`` (never an original value)."""
        lv = self._levels(levels)
        out = {}
        for q, level in zip(self.quasi_identifiers, lv, strict=True):
            if (q, level) not in self._words:  # user hierarchies' words read their table
                self._words[(q, level)] = self.hierarchies[q].describe_level(level)
            out[q] = self._words[(q, level)]
        return out

    def describe_text(self, levels: Mapping[str, int] | Sequence[int] | None = None) -> str:
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

    # -- exploring -----------------------------------------------------------------------
    def _levels(self, levels: Mapping[str, int] | Sequence[int] | None) -> tuple[int, ...]:
        if levels is None:
            return (0,) * len(self.quasi_identifiers)
        if isinstance(levels, Mapping):
            unknown = [q for q in levels if not isinstance(q, Hashable)
                       or q not in self.quasi_identifiers]
            if unknown:
                raise ValueError(
                    f"{names_text(sorted(map(str, unknown)))} is not a quasi-identifier here. "
                    f"Quasi-identifiers: {names_text(self.quasi_identifiers)}."
                )
            out = tuple(whole_number(levels.get(q, 0), f"The level of {quote_name(q)}", 0, "2")
                        for q in self.quasi_identifiers)
        else:
            if isinstance(levels, (str, bytes)) or not isinstance(levels, Sequence | np.ndarray):
                raise TypeError("levels must be a dict {quasi-identifier: level} or one level "
                                f"per quasi-identifier, not {type(levels).__name__}.")
            out = tuple(whole_number(v, "A level", 0, "2") for v in levels)
            if len(out) != len(self.quasi_identifiers):
                raise ValueError(f"Give one level per quasi-identifier "
                                 f"({len(self.quasi_identifiers)}), not {len(out)}.")
        for q, lv, mx in zip(self.quasi_identifiers, out, self.encoding.max_levels, strict=True):
            if not 0 <= lv <= mx:
                raise ValueError(f"Level {lv} for {quote_name(q)} does not exist: its "
                                 f"hierarchy has levels 0 to {mx}.")
        return out

    def _criteria(self, k: int | None, l: int | None, t: float | None,
                  max_suppression: float) -> int:
        k = self.target_k if k is None else whole_number(k, "k", 1, "5")
        if k > self.encoding.n:
            raise ValueError(f"k={k} is larger than the number of records "
                             f"({self.encoding.n}): no generalization can reach it.")
        share(max_suppression, "max_suppression (a share of records)", "0.04 for 4%")
        if l is not None:
            whole_number(l, "l", 1, "2")
        if t is not None:
            share(t, "t", "0.2")
        if (l is not None or t is not None) and not self.sensitive:
            raise ValueError("l-diversity and t-closeness need sensitive attributes: "
                             "pass sensitive=[...] to assess_risk.")
        return k

    def evaluate(self, levels: Mapping[str, int] | Sequence[int] | None = None, *,
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
        target = self._criteria(k, l, t, max_suppression)
        lv = self._levels(levels)
        ev = self.encoding.evaluate(lv, k=target, l=l, t=t, max_suppression=max_suppression,
                                    closeness=closeness)
        figures = self._figures(ev, target)
        self._remember(figures, "explored", max_suppression)
        return figures

    def _remember(self, f: RiskFigures, source: str, max_suppression: float) -> None:
        key = (tuple(f.levels.values()), f.target_k, max_suppression)
        old = self._points.get(key)
        if old is not None and (old["source"] == "search" or source != "search"):
            return
        self._points.pop(key, None)
        self._points[key] = tradeoff_point(f, source, self.describe(f.levels))
        while len(self._points) > _MAX_POINTS:
            self._points.pop(next(iter(self._points)))

    @property
    def explored(self) -> list[dict[str, Any]]:
        """The generalizations evaluated so far (by `evaluate`, `search` and the widget), as
        points of the trade-off chart: levels, their words, k, information loss, suppressed
        records, whether they meet their target, and ``source`` ("explored" or "search")."""
        return [dict(p) for p in self._points.values()]

    def _figures(self, ev: Evaluation, target: int) -> RiskFigures:
        n = self.encoding.n
        sizes = ev.sizes
        failing_total = int(sizes[sizes < target].sum())
        kept = ev.kept_sizes
        kept_n = int(kept.sum())
        n_classes = len(kept)
        population = self.population_size
        fraction = min(1.0, kept_n / population) if population else 1.0
        population_sizes = kept / fraction if kept_n else kept
        histogram = []
        for lo, hi in SIZE_BINS:
            mask = (kept >= lo) & ((kept <= hi) if hi is not None else True)
            label = f"{lo}" if lo == hi else (f"{lo}-{hi}" if hi else f"{lo}+")
            histogram.append({"size": label, "classes": int(mask.sum()),
                              "records": int(kept[mask].sum())})
        return RiskFigures(
            levels=dict(zip(self.quasi_identifiers, ev.levels, strict=True)),
            k=int(kept.min()) if n_classes else 0,
            n_classes=n_classes,
            sample_uniques=int((kept == 1).sum()),
            records_below_k=failing_total,
            suppressed=ev.suppressed,
            average_risk=n_classes / kept_n if kept_n else 0.0,
            highest_risk=1.0 / int(kept.min()) if n_classes else 0.0,
            journalist_risk=float(1.0 / population_sizes.min()) if n_classes else 0.0,
            marketer_risk=float((kept / population_sizes).sum() / kept_n) if kept_n else 0.0,
            l_diversity=dict(ev.l_distinct),
            entropy_l_diversity=dict(ev.l_entropy),
            t_closeness=dict(ev.t_closeness),
            info_loss=dict(ev.info_loss),
            class_sizes=histogram,
            n_records=n,
            target_k=target,
            satisfied=ev.anonymous and (int(kept.min()) >= target if n_classes else True),
        )

    def _keep_mask(self, levels: tuple[int, ...], target: int, ids: np.ndarray,
                   sizes: np.ndarray, l: int | None = None, t: float | None = None) -> np.ndarray:
        failing = sizes < target
        for i, name in enumerate(self.sensitive):
            distinct, _, closeness = self.encoding._sensitive_stats(
                ids, len(sizes), self.encoding.q + i, name)
            if l is not None:
                failing |= distinct < l
            if t is not None:
                failing |= closeness > t
        return ~failing

    def search(self, k: int | None = None, l: int | None = None, t: float | None = None,
               max_suppression: float = 0.04, metric: Literal["entropy", "loss"] = "entropy",
               *, max_nodes: int | None = SEARCH_NODES,
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
        target = self._criteria(k, l, t, max_suppression)
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
        outcome = self.encoding.search(k=target, l=l, t=t, max_suppression=max_suppression,
                                       metric=metric, max_nodes=max_nodes,
                                       max_seconds=max_seconds, progress=progress,
                                       cancel=cancel)
        criteria = {"k": target, "l": l, "t": t, "max_suppression": max_suppression}
        if outcome.levels is None:
            return SearchResult(None, None, metric, None, outcome.evaluated,
                                outcome.lattice_size, outcome.seconds, criteria,
                                complete=outcome.complete, stopped=outcome.stopped,
                                strategy=outcome.strategy,
                                wall_seconds=time.perf_counter() - started)
        figures = self.evaluate(outcome.levels, k=target, l=l, t=t,
                                max_suppression=max_suppression)
        self._remember(figures, "search", max_suppression)
        return SearchResult(
            levels=figures.levels, info_loss=figures.info_loss[metric], metric=metric,
            figures=figures, nodes_evaluated=outcome.evaluated,
            lattice_size=outcome.lattice_size, seconds=outcome.seconds, criteria=criteria,
            complete=outcome.complete, stopped=outcome.stopped, strategy=outcome.strategy,
            wall_seconds=time.perf_counter() - started,
            descriptions=self.describe(figures.levels),
        )

    def apply(self, levels: Mapping[str, int] | Sequence[int] | None = None, *,
              k: int | None = None, l: int | None = None, t: float | None = None,
              max_suppression: float = 0.0, suppressed: Literal["mask", "drop"] = "mask",
              ) -> pd.DataFrame:
        """A new DataFrame with the quasi-identifiers generalized (the input is untouched).

        Records in classes that fail the privacy model are suppressed when they fit the
        budget: their quasi-identifiers become ``*`` (``suppressed="mask"``, as ARX does) or
        the rows are left out (``"drop"``).
        """
        target = self._criteria(k, l, t, max_suppression)
        choice(suppressed, "suppressed", ("mask", "drop"))
        lv = self._levels(levels)
        enc = self.encoding
        out = self.frame.copy()
        row_base = enc.row_to_base
        for i, (name, level) in enumerate(zip(self.quasi_identifiers, lv, strict=True)):
            if level == 0:
                continue
            attr = enc.attributes[i]
            codes = attr.maps[level][enc.base[row_base, i]]
            out[name] = pd.Series(attr.labels[level][codes], index=out.index, dtype=object)
        ids, sizes = enc.class_keys(lv)
        keep_class = self._keep_mask(lv, target, ids, sizes, l, t)
        suppressed_rows = ~keep_class[ids][row_base]
        n_suppressed = int(suppressed_rows.sum())
        if n_suppressed > math.floor(max_suppression * enc.n + 1e-9):
            return out  # over budget: nothing is suppressed (evaluate() says it fails)
        if suppressed == "drop":
            return out.loc[~suppressed_rows]
        for name in self.quasi_identifiers:
            out[name] = out[name].astype(object)
            out.loc[suppressed_rows, name] = "*"
        return out

    def code(self, levels: Mapping[str, int] | Sequence[int] | None = None, *,
             k: int | None = None, max_suppression: float = 0.0,
             frame_name: str | None = None, hierarchies: str | None = None) -> str:
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
        lines = ["import nbaudit", ""]
        if frame_name is None:
            name = "df"
            lines.append("# df: the DataFrame that was assessed (frame_name= names it)")
        else:
            expr = _expression(frame_name, "frame_name", "'df', 'adult' or 'data[\"x\"]'")
            if expr.isidentifier() and not keyword.iskeyword(expr):
                name = expr
            else:
                name = "frame"
                lines.append(f"frame = {expr}")
        target = self._criteria(k, None, None, max_suppression)
        lv = dict(zip(self.quasi_identifiers, self._levels(levels), strict=True))
        words = self.describe(lv)
        hier = ""
        if any(h.kind in ("user", "arx") for h in self.hierarchies.values()):
            if hierarchies is not None:
                hier = ", hierarchies=" + _expression(hierarchies, "hierarchies", "'H'")
            elif self.hierarchies_source is not None:
                hier = f", hierarchies={self.hierarchies_source!r}"
            else:
                lines.append("# hierarchies: the dict of hierarchies given to assess_risk")
                hier = ", hierarchies=hierarchies"
        sens = f", sensitive={self.sensitive!r}" if self.sensitive else ""
        lines.append(f"risk = nbaudit.assess_risk({name}, quasi_identifiers="
                     f"{self.quasi_identifiers!r}{sens}{hier})")
        lines.append("anonymized = risk.apply(")
        lines.append("    {")
        for q, level in lv.items():
            lines.append(f"        {q!r}: {level},  # {_comment(words[q])}")
        lines.append("    },")
        lines.append(f"    k={target},")
        lines.append(f"    max_suppression={max_suppression!r},")
        lines.append(")")
        return "\n".join(lines) + "\n"

    def riskiest(self, n: int = 10, levels: Mapping[str, int] | Sequence[int] | None = None,
                 *, k: int | None = None, max_suppression: float = 0.0) -> pd.DataFrame:
        """The smallest classes: which quasi-identifier values single records out.

        With `k` and `max_suppression`, classes that suppression removes are left out (they
        are no longer in the data).
        """
        n = whole_number(n, "n", 0, "10")
        if k is not None:
            k = self._criteria(k, None, None, max_suppression)
        else:
            share(max_suppression, "max_suppression (a share of records)", "0.04 for 4%")
        lv = self._levels(levels)
        enc = self.encoding
        ids, class_sizes = enc.class_keys(lv)
        sizes = class_sizes.astype(float)
        if k is not None:
            small = class_sizes < k
            if class_sizes[small].sum() <= math.floor(max_suppression * enc.n + 1e-9):
                sizes[small] = np.inf
        if len(sizes) > n:  # the n smallest without sorting every class
            part = np.argpartition(sizes, n)[:n]
            order = part[np.argsort(sizes[part], kind="stable")]
        else:
            order = np.argsort(sizes, kind="stable")
        order = order[np.isfinite(sizes[order])]
        # One distinct combination of each chosen class stands for it.
        first = np.full(len(class_sizes), -1, dtype=np.int64)
        wanted = np.zeros(len(class_sizes), dtype=bool)
        wanted[order] = True
        rows = np.flatnonzero(wanted[ids])
        first[ids[rows[::-1]]] = rows[::-1]
        data = {}
        for i, name in enumerate(self.quasi_identifiers):
            attr = enc.attributes[i]
            codes = attr.maps[lv[i]][enc.base[first[order], i]]
            data[name] = attr.labels[lv[i]][codes]
        data["records"] = class_sizes[order].astype(int)
        return pd.DataFrame(data)

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
        from ..reports import risk_markdown

        return risk_markdown(self, search)

    def to_html(self, search: SearchResult | None = None, *, charts: bool = True,
                include_plotlyjs: bool | str = True) -> str:
        """The report as one HTML page, with the widget's charts (plotly): the class sizes
        (under the search's levels when it found some) and the trade-off.

        `include_plotlyjs=True` embeds plotly.js (works offline); ``"cdn"`` loads it.
        """
        from ..reports import risk_html

        return risk_html(self, search, charts=charts, include_plotlyjs=include_plotlyjs)

    def figure(self, kind: Literal["tradeoff", "class_sizes"] = "tradeoff", *,
               levels: Mapping[str, int] | Sequence[int] | None = None, k: int | None = None,
               max_suppression: float = 0.0,
               points: Sequence[Mapping[str, Any]] | None = None) -> Any:
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
        from .charts import class_sizes_figure, tradeoff_figure

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
        from ..reports import provenance

        return json.dumps({**self.to_dict(), "search": search.to_dict() if search else None,
                           "provenance": provenance(self.frame, {"target_k": self.target_k})})

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
    sensitive: Sequence[str] | None = None,
    hierarchies: Mapping[str, Any] | None = None,
    *,
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
    return RiskAssessment(df, qis, sens, built, population_size, min(k, len(df)),
                          prepared=work, hierarchies_source=source)


def tradeoff_point(f: RiskFigures, source: str, words: Mapping[str, str]) -> dict[str, Any]:
    """One point of the trade-off chart (JSON-safe; no data values)."""
    return {"levels": dict(f.levels), "describe": dict(words), "loss": f.information_loss,
            "k": int(f.k), "suppressed": int(f.suppressed), "satisfied": bool(f.satisfied),
            "target_k": int(f.target_k), "source": source}


def _expression(text: Any, name: str, example: str) -> str:
    """`text` if it is one line of Python that evaluates to something (a name, ``a["x"]``,
    ``df.head(100)``), else a ValueError."""
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a Python variable name such as {example}, not "
                        f"{type(text).__name__}.")
    expr = text.strip()
    ok = bool(expr) and "\n" not in expr and "\r" not in expr
    if ok:
        try:
            ast.parse(expr, mode="eval")
        except SyntaxError:
            ok = False
    if not ok:
        raise ValueError(f"{name} must be a Python variable name or expression such as "
                         f"{example}, not {text[:60]!r}.")
    return expr


def _comment(text: str) -> str:
    """Text safe on one comment line."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029\x85]+", " ", text).strip()


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


__all__ = ["INFO_LOSS_LABEL", "METRICS", "RiskAssessment", "RiskFigures", "SearchResult",
           "assess_risk"]
