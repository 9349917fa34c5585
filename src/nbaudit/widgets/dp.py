"""The `%dp` widget: choose an epsilon, see the expected errors, release noisy aggregates.

Before a release its state holds public information only: the query's shape, the clamping
bounds, the contribution bound, epsilon and its split, the public group keys, and half-widths
computed from the mechanisms' noise scales. True aggregates are computed only inside
`Query.release`, and only their noisy versions enter the state. The row count of the table is
never shown (it is itself a statistic of the data).
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

import pandas as pd
import traitlets

from ..dp import Query, Session
from ..dp._report import session_markdown
from ..dp._session import _records, check_epsilon
from ._base import AuditWidget, bundle

#: Public keys listed in the state (a longer list is counted).
KEYS_SHOWN = 200
#: Rows of a released table kept in the state (the full table is the -o frame).
ROWS_SHOWN = 500


class DPWidget(AuditWidget):
    """Shows a `Query` of a `Session`: a log-scale epsilon slider, expected 95% half-widths,
    the privacy-utility curve, accuracy targets, the budget ledger and *Release*."""

    _esm = bundle("dp")

    epsilon = traitlets.Float(0.5, help="The epsilon of the next release (the slider).").tag(
        sync=True)
    group_size = traitlets.Float(0.0, help="A public guess of a group's rows (means need it; "
                                           "0: none).").tag(sync=True)
    targets = traitlets.Dict(help="Aggregate -> accuracy target: a number, or '10%' of "
                                  "sizes[aggregate].").tag(sync=True)
    sizes = traitlets.Dict(help="Aggregate -> a reference size the user supplies.").tag(
        sync=True)
    query_info = traitlets.Dict(help="The query's public shape.").tag(sync=True)
    plan = traitlets.Dict(help="QueryPlan.to_dict() at `epsilon` (public only).").tag(sync=True)
    ledger = traitlets.Dict(help="Session.ledger_dict().").tag(sync=True)
    releases: traitlets.List[Any] = traitlets.List(
        help="Release.to_dict() of this widget's releases (noisy).").tag(sync=True)
    output_name = traitlets.Unicode("", help="Store each released frame in this variable.").tag(
        sync=True)

    session: Session | None = None
    query: Query | None = None

    def __init__(self, query: Query | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if query is not None:
            self.show(query)

    def show(self, query: Query) -> None:
        if not isinstance(query, Query):
            raise TypeError(f"DPWidget shows a dp.Query (session.query(...)), not "
                            f"{type(query).__name__}.")
        self.query, self.session = query, query.session
        s = query.session
        keys = None
        if query.keys is not None:
            keys = {k: {"values": [str(v) for v in vals[:KEYS_SHOWN]], "total": len(vals)}
                    for k, vals in query.keys.items()}
        self.query_info = {
            "description": query.description, "by": list(query.by), "labels": query.labels,
            "measurements": [{"label": m.label, "kind": m.kind, "bounds": m.bounds,
                              "sensitivity": m.sensitivity, "mechanism": m.mechanism,
                              "shown": m.label in query.labels} for m in query.measurements],
            "public_keys": query.public_keys, "keys": keys, "keys_text": query.keys_text(),
            "unit": s.unit, "contributions": s.contributions,
            "epsilon_total": s.epsilon_total, "delta": s.delta,
        }
        self.epsilon = min(float(self.epsilon), s.remaining) if s.remaining > 0 else \
            float(self.epsilon)
        self._publish()

    def _publish(self) -> None:
        if self.query is None or self.session is None:
            return
        try:
            plan = self.query.plan(self.epsilon, group_size=self.group_size or None,
                                   targets=self._clean_targets(), sizes=self._clean_sizes())
        except ValueError as exc:
            self.error = str(exc)
            self.status = "error"
            return
        data = plan.to_dict(max_rows=0)
        # One row per aggregate: before a release the half-widths are the same for every group.
        table = plan.table.drop_duplicates("aggregate").drop(columns=self.query.by,
                                                             errors="ignore")
        data["rows"] = _records(table)
        self.plan = data
        self.ledger = self.session.ledger_dict()
        self.error = ""
        self.status = "ready"

    def _clean_targets(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        labels = self.query.labels if self.query else []
        for k, v in (self.targets or {}).items():
            if k not in labels or v in (None, ""):
                continue
            if isinstance(v, str) and v.strip().endswith("%"):
                if (self.sizes or {}).get(k) not in (None, "", 0):
                    out[k] = v.strip()
                continue
            with contextlib.suppress(TypeError, ValueError):
                number = float(v)
                if math.isfinite(number) and number > 0:
                    out[k] = number
        return out

    def _clean_sizes(self) -> dict[str, float]:
        out = {}
        for k, v in (self.sizes or {}).items():
            with contextlib.suppress(TypeError, ValueError):
                number = float(v)
                if math.isfinite(number) and number != 0:
                    out[str(k)] = number
        return out

    @traitlets.validate("epsilon")
    def _valid_epsilon(self, proposal: dict[str, Any]) -> float:
        try:
            return check_epsilon(proposal["value"])
        except ValueError:
            return float(self.epsilon)

    @traitlets.validate("group_size")
    def _valid_group_size(self, proposal: dict[str, Any]) -> float:
        try:
            value = float(proposal["value"])
        except (TypeError, ValueError):
            return float(self.group_size)
        return value if math.isfinite(value) and value > 0 else 0.0

    @traitlets.observe("epsilon", "group_size", "targets", "sizes")
    def _on_change(self, _change: dict[str, Any]) -> None:
        self._publish()

    def release(self, epsilon: float | None = None) -> pd.DataFrame:
        """Release the query at `epsilon` (default: the slider's): spends budget once."""
        if self.query is None or self.session is None:
            raise ValueError("No query to release.")
        eps = float(self.epsilon if epsilon is None else check_epsilon(epsilon))
        self.status = "running"
        self.progress_message = "releasing"
        try:
            frame = self.query.release(eps, group_size=self.group_size or None)
        except ValueError as exc:
            self.status = "ready"
            self.send({"type": "refused", "message": str(exc)})
            raise
        rel = self.session.releases[-1]
        self.releases = [*self.releases, rel.to_dict(max_rows=ROWS_SHOWN)]
        self._publish()
        if self.output_name:
            self.store_frame(self.output_name, frame, release=rel.number)
        self.send({"type": "released", "number": rel.number, "note": rel.note})
        return frame

    def _handle_release(self, content: dict[str, Any]) -> None:
        import warnings

        with warnings.catch_warnings():  # the widget says so itself ("note")
            warnings.simplefilter("ignore", UserWarning)
            try:
                self.release(content.get("epsilon"))
            except ValueError:
                return  # already sent as "refused"

    def report_markdown(self) -> str:
        if self.session is None or self.query is None:
            raise ValueError(self.error or "No query yet.")
        plan = None
        if not any(r.query is self.query for r in self.session.releases):
            plan = (self.query, self.query.plan(self.epsilon, group_size=self.group_size or None))
        return session_markdown(self.session, plan)

    def report_html(self) -> str:
        from ..reports import markdown_to_html

        return markdown_to_html(self.report_markdown(), title="nbaudit differential privacy")
