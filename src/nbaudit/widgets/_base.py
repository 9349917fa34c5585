"""Shared pieces of nbaudit's anywidgets."""

from __future__ import annotations

import html
import logging
import pathlib
import re
import time
from typing import Any

import anywidget
import traitlets

from ..egress import release

STATIC = pathlib.Path(__file__).parent.parent / "static"
log = logging.getLogger("nbaudit")
#: What IPython displays: (data by MIME type, metadata by MIME type).
MimeBundle = tuple[dict[str, Any], dict[str, Any]]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
#: The static summary saved beside the widget view is cut at this many characters.
FALLBACK_LIMIT = 200_000
#: Lines of the `text/plain` summary.
FALLBACK_TEXT_LINES = 8
_MD_BOLD = re.compile(r"(?<!\\)\*\*")  # bold markers; masks' stars are escaped
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")


def _plain_lines(markdown: str) -> list[str]:
    """The headings and sentences of a Markdown report, as plain text (no tables, no HTML,
    no provenance): the `text/plain` summary."""
    out: list[str] = []
    in_details = False
    for line in markdown.splitlines():
        line = line.strip()
        if line.startswith("<details"):
            in_details = True
        if in_details or not line or line.startswith(("|", "<")):
            in_details = in_details and not line.startswith("</details>")
            continue
        line = _MD_ESCAPE.sub(r"\1", _MD_BOLD.sub("", line.lstrip("#").strip()))
        out.append(line if len(line) <= 160 else line[:157] + "...")
    return out


def bundle(name: str) -> pathlib.Path | str:
    """Path of a built ESM bundle, or a module that explains how to build it."""
    path = STATIC / f"{name}.js"
    if path.exists():
        return path
    return (
        "export default { render({ el }) { el.textContent = "
        "'nbaudit: the widget bundle is missing. Run `make build-js` (or reinstall nbaudit).'; } };"
    )


class AuditWidget(anywidget.AnyWidget):
    """Base class: progress reporting, errors, and a guard around front-end messages."""

    _css = STATIC / "styles.css" if (STATIC / "styles.css").exists() else ""

    status = traitlets.Unicode("ready", help="'running', 'ready' or 'error'.").tag(sync=True)
    progress = traitlets.Float(0.0, help="Fraction of the work done, 0 to 1.").tag(sync=True)
    progress_message = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("", help="A message for the user when something failed.").tag(
        sync=True
    )
    auto_export = traitlets.Bool(
        False, help="Insert the report cell as soon as the widget is shown (--report); the "
        "browser resets it, so reopening the notebook does not insert it again.").tag(sync=True)

    #: The scan this widget shows (all its known values are masked in what it sends).
    egress_scan: Any = None

    def __init__(self, **kwargs: Any) -> None:
        unknown = set(kwargs) - set(self.trait_names())
        if unknown:
            raise TypeError(f"Unexpected argument(s): {', '.join(sorted(unknown))}")
        super().__init__(**kwargs)
        self._last_progress = 0.0
        self.on_msg(self._on_custom)

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        """The synced state, through the egress gate (the front end saves it in the notebook).

        Keys starting with "_" (the bundle, the CSS, anywidget's ids) carry no data."""
        state = super().get_state(key, drop_defaults)
        scan = self.egress_scan
        return {k: v if k.startswith("_") else release(v, scan) for k, v in state.items()}

    def send(self, content: Any, buffers: Any = None) -> None:
        """A custom message to the front end, through the egress gate."""
        super().send(release(content, self.egress_scan), buffers)

    def send_unreleased(self, content: Any) -> None:
        """A reply the user asked to see in clear (the Cells tab's *Reveal*): never kept in
        the widget's state or in the notebook, so it bypasses the gate."""
        super().send(content)

    def report_markdown(self) -> str:
        """The findings as Markdown (the "Export to report cell" button)."""
        raise NotImplementedError

    def _handle_export(self, content: dict[str, Any]) -> None:
        self.send({"type": "markdown", "markdown": self.report_markdown()})

    # -- the static fallback saved with the notebook ---------------------------------------
    # JupyterLab and Notebook 7 save widget state only when the user turns it on, so a
    # reopened notebook has no model for the widget view. Every display therefore carries a
    # masked summary beside the view: `text/html` (what nbconvert, GitHub, nbviewer and an
    # untrusted notebook show instead of the view) and `text/plain`. JupyterLab 4 itself
    # shows "model not found" for a *trusted* output whose model is missing (its widget
    # renderer does not fall back): that needs a renderer in nbaudit's labextension.

    def fallback_markdown(self) -> str | None:
        """The static summary saved with the widget's output, as Markdown; None when there is
        nothing to summarize yet (the scan is still running).

        By default the report of *Export to report cell* (`report_markdown`). Override it for
        a shorter summary; the result passes the egress gate in `_repr_mimebundle_`."""
        try:
            return self.report_markdown()
        except Exception as exc:  # no result yet, or a widget without a report: no fallback
            log.debug("nbaudit: no static summary for %s: %s", type(self).__name__, exc)
            return None

    def _fallback_bundle(self) -> tuple[dict[str, str], bool]:
        """`text/plain` and `text/html` summaries through the egress gate, and whether they
        summarize a result (False: a placeholder, the result is not there yet)."""
        name = type(self).__name__
        try:
            markdown = self.fallback_markdown()
        except Exception as exc:  # a repr must never raise
            log.warning("nbaudit: could not summarize %s: %s", name, exc)
            markdown = None
        if not markdown:
            if self.status == "error":
                text = f"{name} (failed): {self.error or 'see the error above'}"
            else:
                state = "running" if self.status == "running" else "nothing to show yet"
                text = f"{name} ({state}): run the cell again to see the interactive widget."
            placeholder = {"text/plain": text, "text/html": (
                f'<div class="nba-static" data-nbaudit="{html.escape(name)}">'
                f"<p><em>{html.escape(text)}</em></p></div>")}
            return release(placeholder, self.egress_scan), False
        markdown = release(markdown, self.egress_scan, markdown=True)
        if len(markdown) > FALLBACK_LIMIT:
            cut = markdown.rfind("\n", 0, FALLBACK_LIMIT)
            markdown = markdown[:cut if cut > 0 else FALLBACK_LIMIT] + (
                "\n\n(Summary cut short: use *Export to report cell* for the whole report.)")
        lines = _plain_lines(markdown)
        title = lines[0] if lines else name
        note = ("Saved summary (masked). The interactive widget needs its kernel: run the "
                "cell again to explore.")
        from ..reports import markdown_to_html

        page = markdown_to_html(markdown, title)
        body = page[page.find("<body>") + len("<body>"):page.rfind("</body>")]
        # text columns read left to right (JupyterLab right-aligns rendered table cells)
        body = body.replace("<th>", '<th style="text-align: left">').replace(
            "<td>", '<td style="text-align: left">')
        text = "\n".join([f"{name}: {title}", *lines[1:FALLBACK_TEXT_LINES], f"({note})"])
        return release({
            "text/plain": text,
            "text/html": f'<div class="nba-static" data-nbaudit="{html.escape(name)}">'
                         f"<p><em>{html.escape(note)}</em></p>{body}</div>",
        }, self.egress_scan), True

    def _repr_mimebundle_(self, **kwargs: Any) -> MimeBundle | None:
        """The widget view, with a masked static summary beside it (see `fallback_markdown`).

        The front end shows the view while the kernel holds the widget; where there is no
        widget manager (nbconvert, GitHub, nbviewer) or the view may not run (an untrusted
        notebook) it shows the `text/html` summary, and `text/plain` in a terminal."""
        return self._mimebundle()[0]

    def _mimebundle(self) -> tuple[MimeBundle | None, bool]:
        bundle = super()._repr_mimebundle_()
        if bundle is None:
            return None, True
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        fallback, complete = self._fallback_bundle()
        return ({**data, **fallback}, metadata), complete

    def _ipython_display_(self, **kwargs: Any) -> None:
        """Display with a display id, so that a summary made before the result existed (the
        PII magic shows the widget, then scans) is brought up to date once, when it comes."""
        from IPython.display import display

        bundle, complete = self._mimebundle()
        if bundle is None:
            return
        data, metadata = bundle
        handle = display(data, metadata=metadata, raw=True, display_id=True)
        if handle is not None and not complete:
            self._stale_displays = [*getattr(self, "_stale_displays", []), handle]

    #: Traits that change while a result is computed (no result in them).
    _PROGRESS_TRAITS = frozenset({"progress", "progress_message"})

    def notify_change(self, change: Any) -> None:
        # The result came after the widget was displayed: update those displays' summary once,
        # *before* the front end hears of the result. Lab re-creates the view of an updated
        # display; done while it still shows progress, the user never sees the first view
        # drawn with the result replaced by a second one (nor loses what they did in it).
        stale = getattr(self, "_stale_displays", None)
        name = change.get("name")
        if stale and name in self.keys and name not in self._PROGRESS_TRAITS:
            bundle, complete = self._mimebundle()
            failed = name == "status" and change.get("new") == "error"
            if bundle is not None and (complete or failed):
                self._stale_displays = []
                data, metadata = bundle
                for handle in stale:
                    handle.update(data, metadata=metadata, raw=True)
        super().notify_change(change)

    def store_frame(self, name: Any, frame: Any, **extra: Any) -> None:
        """Put a result frame into the user's namespace (buttons that make a DataFrame)."""
        name = str(name)
        if not name.isidentifier():
            raise ValueError(f"{name!r} is not a valid Python variable name.")
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            raise ValueError("No IPython kernel to store the DataFrame in.")
        shell.user_ns[name] = frame
        self.send({"type": "stored", "name": name, "rows": len(frame), **extra})

    def report_progress(self, fraction: float, message: str) -> None:
        """Publish progress, at most every 0.1 s (each update is a message to the browser)."""
        now = time.perf_counter()
        if fraction >= 1.0 or now - self._last_progress > 0.1:
            self._last_progress = now
            self.progress = float(min(1.0, max(0.0, fraction)))
            self.progress_message = message

    def _on_custom(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            log.warning("nbaudit: ignored a malformed message from the browser: %r", content)
            return
        handler = getattr(self, f"_handle_{content['type']}", None)
        if handler is None:
            log.warning("nbaudit: ignored an unknown message type %r", content["type"])
            return
        try:
            handler(content)
        except Exception as exc:  # a bad message must never kill the widget or the kernel
            log.warning("nbaudit: could not handle %r: %s", content["type"], exc)
            self.send({"type": "error", "message": str(exc)})
