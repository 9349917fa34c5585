"""Shared pieces of nbaudit's anywidgets."""

from __future__ import annotations

import logging
import pathlib
import time
from typing import Any

import anywidget
import traitlets

from ..egress import release

STATIC = pathlib.Path(__file__).parent.parent / "static"
log = logging.getLogger("nbaudit")


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
