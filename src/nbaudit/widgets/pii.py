"""The `%pii_scan` widget: column inventory and a paged, highlighted, masked cell table."""

from __future__ import annotations

from typing import Any

import pandas as pd
import traitlets
from ipywidgets import widget_serialization

from .._checks import whole_number
from ..config import MAX_PAGE_SIZE, settings
from ..pii.scan import PiiScan, StaleScanError, scan_pii
from ._base import AuditWidget, bundle
from .risk import ReidRiskWidget


class PiiScanWidget(AuditWidget):
    """Shows a `PiiScan`.

    Everything synced (and so saved with the notebook) is masked. Raw values travel only
    as a one-off custom message when the user reveals the page on screen, and are never
    stored in a trait.
    """

    _esm = bundle("pii_scan")

    summary = traitlets.Dict(help="PiiScan.to_dict(): the inventory, no cell values.").tag(
        sync=True
    )
    page = traitlets.Int(0, help="Page of the cell table, from 0 (set by the browser; past "
                         "either end, the nearest page is shown).").tag(sync=True)
    page_size = traitlets.Int(20, help="Rows per page (the browser offers 20, 50, 100 and "
                              "200; any value is clamped to 1-500).").tag(sync=True)
    flagged_rows_only = traitlets.Bool(False, help="Only rows with PII in the table.").tag(
        sync=True
    )
    cell_columns = traitlets.List(
        traitlets.Unicode(), help="Columns shown in the cell table (empty: all)."
    ).tag(sync=True)
    page_data = traitlets.Dict(help="The masked page on screen.").tag(sync=True)

    reid = traitlets.Instance(ReidRiskWidget, allow_none=True,
                              help="The Re-identification tab (made when first opened).").tag(
        sync=True, **widget_serialization
    )

    scan: PiiScan | None = None  # the result shown (kernel side only, never synced)
    #: Page sizes the browser offers (the trait takes any size from 1 to `MAX_PAGE_SIZE`).
    PAGE_SIZES = (20, 50, 100, 200)
    MAX_PAGE_SIZE = MAX_PAGE_SIZE

    #: How the user named the scanned frame (set by %pii_scan), for the Reproduce code.
    frame_name: str | None = None

    def __init__(self, scan: PiiScan | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("page_size", settings.page_size)
        super().__init__(**kwargs)
        if scan is not None:
            self.show(scan)

    # -- running a scan ------------------------------------------------------------------
    @classmethod
    def run(cls, df: pd.DataFrame, **options: Any) -> PiiScanWidget:
        """Scan `df` and show the result (use `start` + `display` to see progress live)."""
        widget = cls()
        widget.scan_frame(df, **options)
        return widget

    @property
    def egress_scan(self) -> PiiScan | None:
        return self.scan

    def start(self) -> None:
        self.status = "running"
        self.progress = 0.0
        self.progress_message = "starting"

    def scan_frame(self, df: pd.DataFrame, **options: Any) -> PiiScan:
        """Run `scan_pii` with live progress; errors end up in `error`, then re-raise."""
        self.start()
        try:
            result = scan_pii(df, progress=self.report_progress, **options)
        except Exception as exc:
            self.status = "error"
            self.error = str(exc)
            raise
        self.show(result)
        return result

    def show(self, scan: PiiScan) -> None:
        self.scan = scan
        self.summary = scan.to_dict()
        self.error = ""
        self.status = "ready"
        self._publish_page()

    # -- browser interactions ------------------------------------------------------------
    @traitlets.observe("page", "page_size", "flagged_rows_only", "cell_columns")
    def _on_view_change(self, _change: dict[str, Any]) -> None:
        if not self._quiet:
            self._publish_page()

    _quiet = False  # set while `_handle_find_row` moves `page` itself

    def _valid_columns(self) -> list[str] | None:
        if self.scan is None or not self.cell_columns:
            return None
        known = {c.name for c in self.scan.columns}
        chosen = [c for c in self.cell_columns if c in known]
        return chosen or None

    def _publish_page(self, reveal: bool = False,
                      row: int | None = None) -> dict[str, Any] | None:
        if self.scan is None:
            return None
        size = min(max(1, int(self.page_size)), self.MAX_PAGE_SIZE)
        try:
            data = self.scan.page(
                self.page,
                page_size=size,
                reveal=reveal,
                columns=self._valid_columns(),
                flagged_rows_only=self.flagged_rows_only,
                row=row,
            )
        except StaleScanError as exc:
            # No page from a frame the labels no longer fit: say so, show nothing.
            self.error = str(exc)
            self.page_data = {}
            return None
        if not reveal:
            self.page_data = data
        return data

    def _handle_find_row(self, content: dict[str, Any]) -> None:
        """"Find a row": show the page that holds row position ``content["row"]``.

        A row that does not exist is refused with a message (type ``found``, ``error`` set);
        the page on screen stays."""
        if self.scan is None:
            return
        row = content.get("row")
        try:
            if isinstance(row, str) and row.strip().lstrip("-").isdigit():
                row = int(row.strip())
            row = whole_number(row, "row", 0, "0 (a row position, the # column)")
            self.scan.page(0, page_size=1, columns=self._valid_columns(), row=row)  # in range?
        except (TypeError, ValueError) as exc:
            self.send({"type": "found", "row": None, "found": False, "error": str(exc)})
            return
        published = self._publish_page(row=row)
        if published is None:
            return
        self._quiet = True
        try:
            self.page = published["page"]
        finally:
            self._quiet = False
        self.send({"type": "found", "row": row, "found": published["found_row"] == row,
                   "page": published["page"], "error": ""})

    def _handle_reveal(self, content: dict[str, Any]) -> None:
        # Raw values for the page on screen only, as a message: never a synced trait.
        data = self._publish_page(reveal=True)
        if data is not None:
            self.send_unreleased({"type": "revealed", "page": data["page"], "data": data})

    def _handle_open_reid(self, content: dict[str, Any]) -> None:
        # Built on demand: encoding the quasi-identifiers costs time the scan should not pay.
        if self.reid is not None or self.scan is None:
            return
        qis = self.scan.quasi_identifiers
        if not qis:
            self.send({"type": "error", "message": "No quasi-identifier was found in this frame."
                       " Name some with %reid_risk df --qi col1,col2"})
            return
        frame = self.scan.frame
        sensitive = [c.name for c in self.scan.columns
                     if c.role == "sensitive" and c.entity != "SECRET" and c.name in frame.columns]
        self.reid = ReidRiskWidget.from_frame(frame, [q for q in qis if q in frame.columns],
                                              sensitive, frame_name=self.frame_name)
        self.reid.egress_scan = self.scan

    def report_markdown(self) -> str:
        if self.scan is None:
            raise ValueError("Nothing scanned yet.")
        parts = [self.scan.to_markdown()]
        if self.reid is not None:
            parts.append(self.reid.report_markdown())
        return "\n\n".join(parts)

    def _handle_apply_handling(self, content: dict[str, Any]) -> None:
        """Pseudonymize with the suggested handling; the new frame goes into a variable."""
        if self.scan is None:
            return
        result = self.scan.pseudonymize()
        self.store_frame(content.get("name") or "pseudonymized", result.frame,
                         key_source=result.key_source)
