"""The egress gate every public renderer passes through: see `nbaudit.egress`."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec

from ..egress import release
from ..pii.scan import PiiScan

P = ParamSpec("P")


def _released(render: Callable[P, str]) -> Callable[P, str]:
    """A renderer whose report passes through the egress gate before it is returned."""
    markdown = not render.__name__.endswith("html")

    @wraps(render)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> str:
        scan = next((a for a in args if isinstance(a, PiiScan)), None)
        return release(render(*args, **kwargs), scan, markdown=markdown)

    return wrapper


def json_report(payload: dict[str, Any], scan: PiiScan | None = None) -> str:
    """A result's JSON, through the egress gate."""
    return release(json.dumps(payload), scan)
