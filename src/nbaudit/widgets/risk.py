"""The `%reid_risk` widget: risk now, a generalization explorer, a trade-off chart, search."""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd
import traitlets

from ..pii.masking import mask_value
from ..risk import RiskAssessment, assess_risk
from ..risk._checks import share, whole_number
from ..risk.assess import SearchResult
from ._base import AuditWidget, bundle, log

_MAX_EXPLORED = 400  # points kept on the trade-off chart
_LARGE_LATTICE = 20_000  # above this many generalizations the widget warns before a search


def _point(figures: dict[str, Any], source: str) -> dict[str, Any]:
    return {
        "levels": figures["levels"],
        "loss": figures["info_loss"].get("entropy_share", 0.0),
        "entropy": figures["info_loss"].get("entropy", 0.0),
        "k": figures["k"],
        "suppressed": figures["suppressed"],
        "satisfied": figures["satisfied"],
        "source": source,
    }


class ReidRiskWidget(AuditWidget):
    """Explore generalizations of the quasi-identifiers and what they cost.

    The browser writes `levels`, `max_suppression`, `target_k` and `quasi_identifiers`;
    the kernel answers with `current` (figures under those choices). Nothing here holds a
    record's values: the riskiest combinations are masked at level 0.
    """

    _esm = bundle("reid_risk")

    columns = traitlets.List(traitlets.Unicode(), help="Columns of the frame.").tag(sync=True)
    quasi_identifiers = traitlets.List(traitlets.Unicode()).tag(sync=True)
    sensitive = traitlets.List(traitlets.Unicode()).tag(sync=True)
    setup = traitlets.Dict(help="Per quasi-identifier: its levels, described.").tag(sync=True)
    now = traitlets.Dict(help="Risk of the data as it is.").tag(sync=True)
    levels = traitlets.Dict(help="Chosen level per quasi-identifier.").tag(sync=True)
    max_suppression = traitlets.Float(0.04, help="Share of records that may be removed.").tag(
        sync=True
    )
    target_k = traitlets.Int(5, help="The k to reach.").tag(sync=True)
    current = traitlets.Dict(help="Figures under the chosen levels.").tag(sync=True)
    explored = traitlets.List(traitlets.Dict(), help="Points of the trade-off chart.").tag(
        sync=True
    )
    search_result = traitlets.Dict().tag(sync=True)
    code = traitlets.Unicode("", help="Python that reproduces the chosen generalization.").tag(
        sync=True
    )
    search_seconds = traitlets.Float(
        30.0, help="Time budget of the Find-the-best search: it then returns the best "
        "generalization found so far.").tag(sync=True)
    search_nodes = traitlets.Int(100_000, help="Node budget of the search.").tag(sync=True)

    risk: RiskAssessment | None = None
    frame: pd.DataFrame | None = None
    _hierarchies: dict[str, Any] | None = None
    _population: int | None = None
    _busy = False
    _last_search: Any = None
    _search_thread: threading.Thread | None = None
    _search_cancel: threading.Event | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # The search thread and the kernel's thread both recompute the figures.
        self._lock = threading.RLock()

    @classmethod
    def from_frame(cls, df: pd.DataFrame, quasi_identifiers: list[str],
                   sensitive: list[str] | None = None, hierarchies: dict[str, Any] | None = None,
                   population_size: int | None = None, k: int = 5,
                   max_suppression: float = 0.04) -> ReidRiskWidget:
        """Assess `df` and show the explorer."""
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"The risk explorer needs a pandas DataFrame, not "
                            f"{type(df).__name__}.")
        k = whole_number(k, "k", 1, "5")
        max_suppression = share(max_suppression, "max_suppression (a share of records)",
                                "0.04 for 4%")
        widget = cls(columns=[str(c) for c in df.columns], target_k=k,
                     max_suppression=max_suppression)
        widget.frame = df
        widget._hierarchies = dict(hierarchies or {})
        widget._population = population_size
        widget.show(assess_risk(df, quasi_identifiers, sensitive, hierarchies,
                                population_size=population_size, k=k))
        return widget

    def show(self, risk: RiskAssessment) -> None:
        self.cancel_search()  # a search of the previous assessment must not land here
        self._busy = True
        try:
            self.risk = risk
            self.quasi_identifiers = list(risk.quasi_identifiers)
            self.sensitive = list(risk.sensitive)
            self.setup = {
                "quasi_identifiers": [
                    {"name": q, "max_level": risk.hierarchies[q].max_level,
                     "kind": risk.hierarchies[q].kind,
                     "levels": [risk.hierarchies[q].describe_level(i)
                                for i in range(risk.hierarchies[q].max_level + 1)]}
                    for q in risk.quasi_identifiers
                ],
                "sensitive": risk.sensitive,
                "n_records": risk.encoding.n,
                "population_size": risk.population_size,
                "lattice_size": risk.lattice_size,
                "search_note": self._search_note(risk),
            }
            self.now = risk.now.to_dict()
            self.levels = {q: 0 for q in risk.quasi_identifiers}
            self.explored = []
            self.search_result = {}
            self.error = ""
            self.status = "ready"
        finally:
            self._busy = False
        self._recompute()

    # -- reacting to the browser -------------------------------------------------------
    @traitlets.observe("levels", "max_suppression", "target_k")
    def _on_choice(self, _change: dict[str, Any]) -> None:
        if not self._busy:
            self._recompute()

    @traitlets.validate("target_k")
    def _valid_k(self, proposal: dict[str, Any]) -> int:
        return max(1, int(proposal["value"]))

    @traitlets.validate("max_suppression")
    def _valid_suppression(self, proposal: dict[str, Any]) -> float:
        return min(1.0, max(0.0, float(proposal["value"])))

    @traitlets.observe("quasi_identifiers", "sensitive")
    def _on_attributes(self, change: dict[str, Any]) -> None:
        if self._busy or self.frame is None or self.risk is None:
            return
        qis, sens = list(self.quasi_identifiers), list(self.sensitive)
        if qis == self.risk.quasi_identifiers and sens == self.risk.sensitive:
            return
        try:
            given = {q: h for q, h in (self._hierarchies or {}).items() if q in qis}
            risk = assess_risk(self.frame, qis, [s for s in sens if s not in qis], given,
                               population_size=self._population, k=self.target_k)
        except (TypeError, ValueError) as exc:
            self.error = str(exc)
            return
        self.show(risk)

    def _clean_levels(self) -> dict[str, int]:
        assert self.risk is not None
        out = {}
        for q, mx in self.risk.max_levels.items():
            try:
                value = int(self.levels.get(q, 0))
            except (TypeError, ValueError):
                value = 0
            out[q] = min(max(0, value), mx)
        return out

    def _recompute(self) -> None:
        if self.risk is None:
            return
        with self._lock:
            self._recompute_locked()

    def _recompute_locked(self) -> None:
        assert self.risk is not None
        levels = self._clean_levels()
        k = min(max(1, int(self.target_k)), self.risk.encoding.n)
        try:
            figures = self.risk.evaluate(levels, k=k, max_suppression=self.max_suppression,
                                         closeness=False)  # the live view shows k, l, loss
        except ValueError as exc:
            self.error = str(exc)
            return
        self.error = ""
        current = figures.to_dict()
        current["riskiest"] = self._riskiest(levels, k)
        self.current = current
        self.code = self.risk.code(levels, k=k, max_suppression=self.max_suppression)
        self._remember(_point(current, "explored"))

    def _remember(self, point: dict[str, Any]) -> None:
        kept = [p for p in self.explored if p["levels"] != point["levels"]
                or p["source"] == "search"]
        if any(p["levels"] == point["levels"] for p in kept):
            return
        self.explored = (kept + [point])[-_MAX_EXPLORED:]

    def _riskiest(self, levels: dict[str, int], k: int, n: int = 8) -> list[dict[str, Any]]:
        """The smallest classes left, with level-0 values masked (they single people out)."""
        assert self.risk is not None
        table = self.risk.riskiest(n, levels, k=k, max_suppression=self.max_suppression)
        rows = []
        for record in table.to_dict("records"):
            cells = []
            for q in self.risk.quasi_identifiers:
                value = str(record[q])
                few = len(self.risk.encoding.attributes[
                    self.risk.quasi_identifiers.index(q)].labels[0]) <= 12
                shown = value if levels[q] > 0 or few else mask_value(value, "QUASI_IDENTIFIER")
                cells.append({"name": q, "value": shown})
            rows.append({"values": cells, "records": int(record["records"])})
        return rows

    def _search_note(self, risk: RiskAssessment) -> str:
        """Said before a search starts, when the lattice is large (known from the heights)."""
        size = risk.lattice_size
        if not risk.exhaustive_search:
            return (f"{size:,} generalizations: too many to try them all. The search is greedy "
                    f"and stops after {self.search_seconds:g} s; its result meets the target "
                    "but may not be the optimum. Fewer quasi-identifiers allow an exact "
                    "search.")
        if size > _LARGE_LATTICE:
            return (f"{size:,} generalizations: the search may take a while. It stops after "
                    f"{self.search_seconds:g} s or {self.search_nodes:,} evaluations with the "
                    "best found so far; you can cancel it.")
        return ""

    @property
    def searching(self) -> bool:
        """Whether a search runs in the background."""
        return self._search_thread is not None and self._search_thread.is_alive()

    def _handle_search(self, content: dict[str, Any]) -> None:
        """Start the search in a background thread and return at once.

        A comm message is handled on the kernel's main thread, which reads the next message
        (the Cancel button's) only when the handler returns: a search run here would block
        the kernel, its progress and its cancellation until it ended. In a thread, the
        kernel stays idle and responsive: progress traits are sent from the thread (ipykernel
        sends iopub messages from any thread), Cancel sets an Event the search checks
        between evaluations, and the budgets bound it anyway.
        """
        if self.risk is None or self.searching:
            return
        metric = content.get("metric", "entropy")
        if metric not in ("entropy", "loss"):
            metric = "entropy"
        risk = self.risk
        k = min(max(1, int(self.target_k)), risk.encoding.n)
        cancel = threading.Event()
        self._search_cancel = cancel
        self.status = "running"
        self.progress = 0.0
        self.progress_message = "searching the lattice"
        self.error = ""

        def work() -> None:
            try:  # warn=False: setup["search_note"] said it before the click
                result = risk.search(
                    k=k, max_suppression=self.max_suppression, metric=metric,
                    max_nodes=self.search_nodes, max_seconds=self.search_seconds,
                    progress=self._search_progress(cancel), cancel=cancel.is_set, warn=False)
            except Exception as exc:  # never a dead thread with the widget stuck "running"
                log.warning("nbaudit: the search failed: %s", type(exc).__name__)
                if self.risk is risk:  # its message may quote data: the type only
                    self.error = (f"The search failed ({type(exc).__name__}): run "
                                  "risk.search(...) in a cell of its own to see why.")
                    self.status = "ready"
                return
            if self.risk is risk:  # not replaced meanwhile (other quasi-identifiers)
                self._finish_search(result)

        thread = threading.Thread(target=work, name="nbaudit-risk-search", daemon=True)
        self._search_thread = thread
        thread.start()

    def _search_progress(self, cancel: threading.Event) -> Any:
        def report(fraction: float, message: str) -> None:
            if not cancel.is_set() or fraction >= 1.0:
                self.report_progress(fraction, message)
        return report

    def _finish_search(self, result: SearchResult) -> None:
        with self._lock:
            self.search_result = result.to_dict()
            self._last_search = result
            if result.figures is not None:
                self._remember(_point(result.figures.to_dict(), "search"))
                self.levels = dict(result.levels or {})
            self.progress = 1.0
            self.status = "ready"

    def _handle_cancel_search(self, content: dict[str, Any]) -> None:
        """The Cancel button: the search stops at its next evaluation with the best so far."""
        if self._search_cancel is not None:
            self._search_cancel.set()
            self.progress_message = "cancelling…"

    def cancel_search(self) -> None:
        """Stop a running search (it returns the best generalization found so far)."""
        if self._search_cancel is not None:
            self._search_cancel.set()

    def wait_search(self, timeout: float | None = None) -> bool:
        """Wait for a running search to end (from Python); True if none is running now."""
        thread = self._search_thread
        if thread is not None:
            thread.join(timeout)
        return not self.searching

    def _handle_to_frame(self, content: dict[str, Any]) -> None:
        """Store the chosen generalization as a new DataFrame in the user's namespace."""
        if self.risk is None:
            return
        k = min(max(1, int(self.target_k)), self.risk.encoding.n)
        frame = self.risk.apply(self._clean_levels(), k=k, max_suppression=self.max_suppression)
        self.store_frame(content.get("name") or "anonymized", frame)

    def report_markdown(self) -> str:
        if self.risk is None:
            raise ValueError("No assessment yet.")
        from ..reports import levels_md, risk_markdown

        k = min(max(1, int(self.target_k)), self.risk.encoding.n)
        chosen = self.risk.evaluate(self._clean_levels(), k=k,
                                    max_suppression=self.max_suppression)
        text = risk_markdown(self.risk, self._last_search)
        if any(self._clean_levels().values()):
            levels = levels_md(self._clean_levels())  # column names escaped
            text += (f"\n\nChosen in the explorer: {levels}; k={chosen.k}, "
                     f"{chosen.suppressed:,} records suppressed, information loss "
                     f"{chosen.info_loss.get('entropy_share', 0):.1%}.")
        return text

    def _handle_apply_point(self, content: dict[str, Any]) -> None:
        levels = content.get("levels")
        if not isinstance(levels, dict):
            raise ValueError("apply_point needs a dict of levels")
        self.levels = {str(k): int(v) for k, v in levels.items()}
