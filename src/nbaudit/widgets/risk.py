"""The `%reid_risk` widget: risk now, a generalization explorer, a trade-off chart, search."""

from __future__ import annotations

import dataclasses
import pathlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd
import traitlets

from .._checks import probability as share
from .._checks import whole_number
from ..pii.masking import mask_value
from ..risk import RiskAssessment, assess_risk
from ..risk.figures import INFO_LOSS_LABEL, SearchResult, tradeoff_point
from ..risk.hierarchy import MISSING
from ._base import AuditWidget, bundle, log

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ..pii.scan import PiiScan

_MAX_EXPLORED = 400  # points kept on the trade-off chart
_LARGE_LATTICE = 20_000  # above this many generalizations the widget warns before a search


def _find_scan(frame: pd.DataFrame) -> PiiScan | None:
    """A live PII scan of this very frame, if the user ran one (no second scan)."""
    from ..pii.scan import live_scans

    for scan in live_scans():
        if scan.frame is frame:
            return scan
    return None


class ReidRiskWidget(AuditWidget):
    """Explore generalizations of the quasi-identifiers and what they cost.

    The browser writes `levels`, `max_suppression`, `target_k` and `quasi_identifiers`;
    the kernel answers with `current` (figures under those choices).

    Values shown (the riskiest combinations) follow one rule, the PII widget's: a value is
    masked, as the Cells tab masks it, where it would appear as it is in the data (level 0,
    or a category a level keeps) in a column a scan flagged as personal data; generalized
    values ("[30, 40)", "123**", "(other)") are shown. The scan is the PII widget's, a live
    scan of the same frame, or a scan of the quasi-identifier columns made here.
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

    frame_name = traitlets.Unicode(
        "df", help="The variable (or expression) holding the frame, for the Reproduce code."
    ).tag(sync=True)
    frame_named = traitlets.Bool(
        False, help="Whether frame_name was given (else the code says `df` stands for it)."
    ).tag(sync=True)

    risk: RiskAssessment | None = None
    frame: pd.DataFrame | None = None
    hierarchies_name: str | None = None
    _scan: PiiScan | None = None
    _originals: dict[str, dict[str, int]] | None = None
    _search_started = 0.0
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
                   max_suppression: float = 0.04, *, frame_name: str | None = None,
                   hierarchies_name: str | None = None,
                   scan: PiiScan | None = None) -> ReidRiskWidget:
        """Assess `df` and show the explorer.

        Parameters
        ----------
        df, quasi_identifiers, sensitive, hierarchies, population_size, k
            As for `nbaudit.assess_risk` (`hierarchies` may be a folder of ARX files).
        max_suppression
            The suppression budget the explorer starts with.
        frame_name
            The variable (or expression) that holds `df`, used by the Reproduce code
            (``%reid_risk adult`` passes ``"adult"``). None: the code says ``df`` and that it
            stands for the frame given here.
        hierarchies_name
            The variable holding `hierarchies`, for the Reproduce code.
        scan
            The `PiiScan` of `df` whose flagged columns are masked where their values appear
            as they are. None: a live scan of `df`, else a scan of the quasi-identifiers.
        """
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"The risk explorer needs a pandas DataFrame, not "
                            f"{type(df).__name__}.")
        k = whole_number(k, "k", 1, "5")
        max_suppression = share(max_suppression, "max_suppression (a share of records)",
                                "0.04 for 4%")
        risk = assess_risk(df, quasi_identifiers, sensitive=sensitive, hierarchies=hierarchies,
                           population_size=population_size, k=k)
        if frame_name is not None:  # checked before anything is shown
            risk.code(frame_name=frame_name, hierarchies=hierarchies_name)
        widget = cls(columns=[str(c) for c in df.columns], target_k=k,
                     max_suppression=max_suppression, frame_name=frame_name or "df",
                     frame_named=frame_name is not None)
        widget.frame = df
        widget.hierarchies_name = hierarchies_name
        if isinstance(hierarchies, str | pathlib.Path):
            widget._hierarchies = dict(risk.hierarchies)  # loaded once from the folder
        else:
            widget._hierarchies = dict(hierarchies or {})
        widget._population = population_size
        widget._scan = scan if scan is not None else _find_scan(df)
        widget.show(risk)
        return widget

    # The scan whose flagged columns are masked: the PII widget sets `egress_scan` after
    # building this widget, and the values on screen are masked again under its flags.
    @property
    def egress_scan(self) -> PiiScan | None:
        return self.__dict__.get("_egress_scan")

    @egress_scan.setter
    def egress_scan(self, scan: PiiScan | None) -> None:
        self.__dict__["_egress_scan"] = scan
        if scan is not None and scan is not self._scan:
            self._scan = scan
            self._originals = None
            self._recompute()

    def _flagged(self) -> dict[str, str]:
        """Quasi-identifier -> entity, for those the scan flagged as personal data."""
        assert self.risk is not None
        qis = self.risk.quasi_identifiers
        if self._scan is None and self.frame is not None:  # never scanned: the QIs only
            from ..pii.scan import scan_pii

            try:
                self._scan = scan_pii(self.frame, columns=list(qis))
            except (TypeError, ValueError):
                self._scan = None
        scan = self._scan
        if scan is None:  # could not be scanned: every quasi-identifier counts as personal
            return {q: "QUASI_IDENTIFIER" for q in qis}
        names = list(scan.frame.columns)
        out = {}
        for c in scan.columns:
            name = names[c.position] if c.position < len(names) else c.name
            if c.entity != "NONE" and name in qis:
                out[name] = c.entity
        return out

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
                     "levels": risk.hierarchies[q].describe_levels()}
                    for q in risk.quasi_identifiers
                ],
                "sensitive": risk.sensitive,
                "n_records": risk.encoding.n,
                "population_size": risk.population_size,
                "lattice_size": risk.lattice_size,
                "search_note": self._search_note(risk),
            }
            self._originals = None
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
            risk = assess_risk(self.frame, qis, sensitive=[s for s in sens if s not in qis],
                               hierarchies=given,
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
        current["describe"] = self.risk.describe(levels)
        self.current = current
        self.code = self.risk.code(levels, k=k, max_suppression=self.max_suppression,
                                   frame_name=self.frame_name if self.frame_named else None,
                                   hierarchies=self.hierarchies_name)
        self._remember(tradeoff_point(figures, "explored", current["describe"]))

    def _remember(self, point: dict[str, Any]) -> None:
        kept = [p for p in self.explored if p["levels"] != point["levels"]
                or p["source"] == "search"]
        if any(p["levels"] == point["levels"] for p in kept):
            return
        self.explored = (kept + [point])[-_MAX_EXPLORED:]

    def _riskiest(self, levels: dict[str, int], k: int, n: int = 8) -> list[dict[str, Any]]:
        """The smallest classes left, with their values at the chosen levels; masked, as the
        Cells tab masks them, where an original value of a flagged column would appear.

        A masked value comes with ``hint``, its nearest generalization that is not an
        original value ("[30, 35)", "123**"; safe by construction), so that masked rows
        still differ; rows that look the same are merged (``classes`` counts them).
        """
        assert self.risk is not None
        table = self.risk.riskiest(n, levels=levels, k=k, max_suppression=self.max_suppression)
        flagged = self._flagged()
        rows: list[dict[str, Any]] = []
        seen: dict[tuple[Any, ...], dict[str, Any]] = {}
        for record in table.to_dict("records"):
            cells = []
            for i, q in enumerate(self.risk.quasi_identifiers):
                value = str(record[q])
                entity = flagged.get(q)
                masked = entity is not None and value not in ("*", MISSING) and (
                    levels[q] == 0 or value in self._original_codes(i))
                cell: dict[str, Any] = {"name": q, "value": value, "masked": masked}
                if masked and entity:
                    cell["value"] = mask_value(value, entity)
                    hint = self._nearest_generalization(i, value, levels[q])
                    if hint:
                        cell["hint"] = hint
                cells.append(cell)
            key = tuple((c["value"], c.get("hint")) for c in cells) + (int(record["records"]),)
            if key in seen:
                seen[key]["classes"] += 1
                continue
            row = {"values": cells, "records": int(record["records"]), "classes": 1}
            seen[key] = row
            rows.append(row)
        return rows

    def _original_codes(self, i: int) -> dict[str, int]:
        """Original value (text) -> its code, of quasi-identifier `i` (cached)."""
        assert self.risk is not None
        if self._originals is None:
            self._originals = {}
        q = self.risk.quasi_identifiers[i]
        if q not in self._originals:
            labels = self.risk.encoding.attributes[i].labels[0]
            self._originals[q] = {str(v): c for c, v in enumerate(labels)}
        return self._originals[q]

    def _nearest_generalization(self, i: int, value: str, level: int) -> str:
        """The first label above `level` of `value` that is not an original value nor '*'."""
        assert self.risk is not None
        codes = self._original_codes(i)
        code = codes.get(value)
        if code is None:
            return ""
        attr = self.risk.encoding.attributes[i]
        for higher in range(level + 1, attr.max_level + 1):
            label = str(attr.labels[higher][attr.maps[higher][code]])
            if label == "*":
                return ""
            if label not in codes:
                return label
        return ""

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
        self._search_started = time.perf_counter()
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

    def _search_progress(self, cancel: threading.Event) -> Callable[[float, str], None]:
        def report(fraction: float, message: str) -> None:
            if not cancel.is_set() or fraction >= 1.0:
                self.report_progress(fraction, message)
        return report

    def _finish_search(self, result: SearchResult) -> None:
        with self._lock:
            if self._search_started:  # the time the user waited, from the click
                result = dataclasses.replace(
                    result, wall_seconds=max(result.wall_seconds,
                                             time.perf_counter() - self._search_started))
            self.search_result = result.to_dict()
            self._last_search = result
            if result.figures is not None:
                self._remember(tradeoff_point(result.figures, "search", result.descriptions))
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
        from ..reports import levels_md

        k = min(max(1, int(self.target_k)), self.risk.encoding.n)
        chosen = self.risk.evaluate(self._clean_levels(), k=k,
                                    max_suppression=self.max_suppression)
        text = self.risk.to_markdown(self._last_search)
        if any(self._clean_levels().values()):
            # Column names and words escaped.
            levels = levels_md(self._clean_levels(), self.risk.describe(self._clean_levels()))
            text += (f"\n\nChosen in the explorer: {levels}; k={chosen.k}, "
                     f"{chosen.suppressed:,} records suppressed, {INFO_LOSS_LABEL} "
                     f"{chosen.information_loss:.1%}.")
        return text

    def figure(self, kind: str = "tradeoff") -> go.Figure:
        """A chart of the explorer as a plotly figure: ``"tradeoff"`` (the points on the
        widget's chart) or ``"class_sizes"`` (under the chosen levels)."""
        if self.risk is None:
            raise ValueError("No assessment yet.")
        k = min(max(1, int(self.target_k)), self.risk.encoding.n)
        if kind == "class_sizes":
            return self.risk.figure("class_sizes", levels=self._clean_levels(), k=k,
                                    max_suppression=self.max_suppression)
        return self.risk.figure(kind, points=self.explored)  # type: ignore[arg-type]

    def _handle_apply_point(self, content: dict[str, Any]) -> None:
        levels = content.get("levels")
        if not isinstance(levels, dict):
            raise ValueError("apply_point needs a dict of levels")
        self.levels = {str(k): int(v) for k, v in levels.items()}
