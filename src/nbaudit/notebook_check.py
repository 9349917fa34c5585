"""Find personal data and secrets that a saved notebook carries: outputs, widget state,
attachments, and secrets in code.

nbstripout removes outputs; nothing tells you which output leaks. `check_notebook` reads an
``.ipynb`` file (plain JSON, nbformat 4) and reports, per cell, where personal data sits:

* **tables in outputs** (``text/html`` DataFrame renderings) are parsed back into frames and
  scanned column by column with `scan_pii`, so a column of bare names is found by the name
  lexicon and its header, as in a live scan;
* **text in outputs** (streams, ``text/plain``, Markdown, error tracebacks), **strings in
  widget state** and **text attachments** are searched with the free-text detectors
  (`nbaudit.pii.find_in_text`);
* **code and Markdown sources** are searched for secrets only (API keys, tokens, passwords):
  names in code are usually column names and examples;
* image attachments and image outputs are counted, not read.

Every example in the result is masked (`mask_value`): the report itself leaks nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd

from .pii.entities import FINDING_LEVELS as LEVELS
from .pii.entities import entity
from .pii.masking import mask_value
from .pii.scan import scan_pii
from .pii.text import TEXT_ENTITIES, find_in_texts

MAX_TEXT = 1_000_000  # characters of one output or widget string searched
MAX_TABLE_ROWS = 5_000
# How pandas and others render a missing value in HTML ("NaN" is also a place: Nan, Thailand).
_MISSING = ["", "NaN", "nan", "None", "<NA>", "NaT", "null"]
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_TEXT_MIMES = ("text/plain", "text/markdown", "text/latex", "application/json")
# Code, and the explanations nbaudit's own widgets show ("Luhn checksum passed").
_SKIP_WIDGET_KEYS = {"_esm", "_css", "_anywidget_id", "_dom_classes", "evidence", "mode", "tier"}
# Values already protected: masked ("j***@example.com", "**** 4242") or nbaudit tokens.
_PROTECTED = re.compile(r"\*|\btok_[0-9a-f]{8,}")


class NotebookError(ValueError):
    """The file is not a notebook nbaudit can read (not JSON, not nbformat 4)."""


@dataclass(frozen=True)
class NotebookFinding:
    """Personal data found in one place of one cell."""

    cell: int  # 1-based, as JupyterLab numbers cells
    cell_type: str
    where: str  # "output 1 (text/html table, column 'name')", "widget state", "source"...
    entity: str
    level: str
    count: int
    example: str  # masked

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class NotebookCheck:
    """What one notebook file carries."""

    path: str
    n_cells: int
    findings: tuple[NotebookFinding, ...]
    not_read: tuple[str, ...] = field(default=())  # images and binary attachments

    def failed(self, fail_on: str = "high") -> bool:
        """True when a finding is at `fail_on` level or above."""
        floor = _level_rank(fail_on)
        return any(_level_rank(f.level) >= floor for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "n_cells": self.n_cells,
                "findings": [f.to_dict() for f in self.findings],
                "not_read": list(self.not_read)}

    def to_text(self) -> str:
        if not self.findings:
            return f"{self.path}: no personal data found in {self.n_cells} cells"
        lines = [f"{self.path}: {len(self.findings)} finding(s)"]
        for f in self.findings:
            lines.append(f"  cell {f.cell} ({f.cell_type}), {f.where}: {f.entity} [{f.level}] "
                         f"x{f.count}, e.g. {f.example}")
        lines += [f"  not read: {n}" for n in self.not_read]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        from ._text import escape_md

        lines = [f"### `{escape_md(self.path)}`", ""]
        if not self.findings:
            return "\n".join([*lines, f"No personal data found in {self.n_cells} cells."])
        lines += ["| cell | where | entity | level | count | example (masked) |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {f.cell} | {escape_md(f.where)} | {f.entity} | {f.level} | {f.count} | "
                  f"{escape_md(f.example)} |" for f in self.findings]
        return "\n".join(lines)


def _level_rank(level: str) -> int:
    if level not in LEVELS:
        raise ValueError(f"fail_on must be one of {', '.join(LEVELS)}, not {level!r}.")
    return LEVELS.index(level)


def check_notebook(path: str | Path, entities: Iterable[str] | None = None) -> NotebookCheck:
    """Scan a saved notebook for personal data and secrets.

    Parameters
    ----------
    path
        An ``.ipynb`` file.
    entities
        Entities to look for (default: all).

    Returns
    -------
    NotebookCheck
        ``findings`` per cell and place, examples masked; ``failed("high")`` for CI.

    Raises
    ------
    NotebookError
        If the file cannot be read as an nbformat-4 notebook.
    """
    path = Path(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotebookError(f"{path}: not a readable notebook ({type(exc).__name__}); "
                            "give the path of a saved .ipynb file.") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{path}: not an nbformat-4 notebook (no list of cells); "
                            "convert old notebooks with `jupyter nbconvert --to notebook`.")
    wanted = None if entities is None else {e.upper() for e in entities}
    findings: list[NotebookFinding] = []
    not_read: list[str] = []
    widget_owner = _widget_cells(nb["cells"])
    for number, cell in enumerate(nb["cells"], start=1):
        if not isinstance(cell, dict):
            continue
        kind = str(cell.get("cell_type", "?"))
        add = _collector(findings, number, kind)
        add("source", _text_spans([_source(cell.get("source"))], {"SECRET"} & (
            wanted or {"SECRET"})))
        for i, out in enumerate(cell.get("outputs") or [], start=1):
            if isinstance(out, dict):
                _check_output(out, f"output {i}", wanted, add, not_read, number)
        for name, bundle in (cell.get("attachments") or {}).items():
            _check_attachment(str(name), bundle, wanted, add, not_read, number)
    state = ((nb.get("metadata") or {}).get("widgets") or {}).get(WIDGET_STATE) or {}
    for model_id, model in (state.get("state") or {}).items():
        strings = list(_strings((model or {}).get("state") or {}))
        cell = widget_owner.get(model_id, 0)
        kind = "widget" if cell == 0 else str(nb["cells"][cell - 1].get("cell_type", "?"))
        name = str((model or {}).get("model_name", "widget"))
        _collector(findings, cell, kind)(f"widget state ({name})", _text_spans(strings, wanted))
    return NotebookCheck(str(path), len(nb["cells"]), tuple(findings), tuple(not_read))


def _collector(findings: list[NotebookFinding], cell: int, kind: str) -> Any:
    def add(where: str, spans: dict[str, list[str]]) -> None:
        for ent, values in spans.items():
            findings.append(NotebookFinding(cell, kind, where, ent, entity(ent).level,
                                            len(values), mask_value(values[0], ent)))
    return add


def _source(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _text_spans(texts: list[str], wanted: set[str] | None) -> dict[str, list[str]]:
    """Entity -> the values found in `texts` (first occurrence first)."""
    texts = [t[:MAX_TEXT] for t in texts if t and t.strip()]
    if not texts or (wanted is not None and not wanted):
        return {}
    found: dict[str, list[str]] = {}
    ents = None if wanted is None else wanted & set(TEXT_ENTITIES)
    for text, spans in zip(texts, find_in_texts(texts, ents), strict=True):
        for start, end, ent, _ in spans:
            if not _PROTECTED.search(text[start:end]):
                found.setdefault(ent, []).append(text[start:end])
    return found


def _check_output(out: dict[str, Any], where: str, wanted: set[str] | None, add: Any,
                  not_read: list[str], cell: int) -> None:
    kind = out.get("output_type")
    if kind == "stream":
        add(f"{where} ({out.get('name', 'stream')})", _text_spans([_source(out.get("text"))],
                                                                 wanted))
        return
    if kind == "error":
        text = "\n".join(_source(t) for t in out.get("traceback") or [])
        add(f"{where} (error)", _text_spans([f"{out.get('evalue', '')}\n{text}"], wanted))
        return
    data = out.get("data") or {}
    if "text/html" in data:
        html = _source(data["text/html"])
        tables = _html_tables(html)
        for t, frame in enumerate(tables, start=1):
            for column, ent, count, example in _table_findings(frame, wanted):
                label = f"{where} (text/html table {t}, column '{column}')"
                add(label, {ent: [example] * count})
        if not tables:
            add(f"{where} (text/html)", _text_spans([_html_text(html)], wanted))
    for mime in _TEXT_MIMES:
        if mime in data and not ("text/html" in data and mime == "text/plain"):
            value = data[mime]
            shown = _source(value) if isinstance(value, str | list) else json.dumps(value)
            add(f"{where} ({mime})", _text_spans([shown], wanted))
    for mime in data:
        if mime.startswith("image/"):
            not_read.append(f"cell {cell}, {where}: {mime} (images are not read)")


def _check_attachment(name: str, bundle: Any, wanted: set[str] | None, add: Any,
                      not_read: list[str], cell: int) -> None:
    for mime, payload in (bundle or {}).items():
        if not str(mime).startswith("text/"):
            not_read.append(f"cell {cell}, attachment {name}: {mime} (not text)")
            continue
        try:
            text = base64.b64decode(_source(payload)).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            text = _source(payload)
        add(f"attachment {name}", _text_spans([text], wanted))


def _table_findings(frame: pd.DataFrame, wanted: set[str] | None
                    ) -> Iterator[tuple[str, str, int, str]]:
    """(column, entity, flagged cells, an example value) for the table's PII columns."""
    if wanted is not None and not wanted & _known():
        return
    scan = scan_pii(frame, entities=None if wanted is None else sorted(wanted & _known()))
    for c in scan.columns:
        if c.entity == "NONE" or c.role == "none":
            continue
        values = frame.iloc[:, c.position].astype(str)[scan.flags(c.name)]
        values = values[~values.str.contains(_PROTECTED)]
        if len(values):
            yield str(frame.columns[c.position]), c.entity, len(values), values.iloc[0]


def _known() -> set[str]:
    from .pii.entities import ENTITIES

    return set(ENTITIES)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in _SKIP_WIDGET_KEYS:
                yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _widget_cells(cells: list[Any]) -> dict[str, int]:
    """Widget model id -> the cell whose output shows it (its view's model_id)."""
    owner: dict[str, int] = {}
    for number, cell in enumerate(cells, start=1):
        for out in (cell.get("outputs") or []) if isinstance(cell, dict) else []:
            view = ((out or {}).get("data") or {}).get("application/vnd.jupyter.widget-view+json")
            if isinstance(view, dict) and "model_id" in view:
                owner[str(view["model_id"])] = number
    return owner


class _Tables(HTMLParser):
    """Rows of cell texts of each <table> (nested tables flattened into their cell)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[list[str]], int]] = []  # rows, header rows
        self._rows: list[list[str]] | None = None
        self._head = 0
        self._in_head = False
        self._cell: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table" and self._rows is None:
            self._rows, self._head = [], 0
        elif self._rows is not None and tag == "thead":
            self._in_head = True
        elif self._rows is not None and tag == "tr":
            self._rows.append([])
            if self._in_head:
                self._head += 1
        elif self._rows is not None and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._rows is None:
            return
        if tag in ("td", "th") and self._cell is not None:
            if self._rows:
                self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table":
            self.tables.append((self._rows, self._head))
            self._rows = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _html_text(html: str) -> str:
    parser = _Tables()
    parser.feed(html)
    return " ".join(parser.text)


def _html_tables(html: str) -> list[pd.DataFrame]:
    parser = _Tables()
    parser.feed(html)
    frames = []
    for rows, head in parser.tables:
        rows = [r for r in rows if r]
        if len(rows) < 2:
            continue
        width = max(len(r) for r in rows)
        header = rows[head - 1] if head else rows[0]
        body = rows[max(head, 1):][:MAX_TABLE_ROWS]
        # pandas' HTML: the header row lacks the index cell; pad on the left.
        header = [""] * (width - len(header)) + header
        names = [h or f"column {i + 1}" for i, h in enumerate(header)]
        seen: dict[str, int] = {}
        for i, n in enumerate(names):  # duplicate headers: keep both, distinctly
            seen[n] = seen.get(n, 0) + 1
            if seen[n] > 1:
                names[i] = f"{n} ({seen[n]})"
        body = [[""] * (width - len(r)) + r for r in body]
        frame = pd.DataFrame(body, columns=names)
        frames.append(frame.mask(frame.isin(_MISSING), None))
    return frames
