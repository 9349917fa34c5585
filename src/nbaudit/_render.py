"""Where results find their renderers, so that results never import `nbaudit.reports`.

Results (`PiiScan`, `RiskAssessment`, `FairnessAudit`, ...) live in the core layer and keep
their convenient ``to_markdown()``, ``to_html()``, ``to_json()`` methods; `nbaudit.reports`
sits above them, reads them and registers one renderer per (result type, kind) here when it
is imported. ``nbaudit/__init__`` imports `nbaudit.reports`, and a package's ``__init__`` runs
before any of its submodules, so the registry is full before any result can exist. The layers
point one way: core -> (nothing above); reports -> core and this registry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

Renderer = Callable[..., Any]
_R = TypeVar("_R", bound=Renderer)

_RENDERERS: dict[tuple[str, str], Renderer] = {}


def renderer(kind: str, result_type: str) -> Callable[[_R], _R]:
    """Register the decorated function as the ``kind`` renderer of results named ``result_type``.

    Parameters
    ----------
    kind
        ``"markdown"``, ``"html"``, ``"json"``, ``"model_card"``...
    result_type
        The result class's ``__name__`` (a name, so that the registering module need not be
        imported by the result's module).
    """
    def register(function: _R) -> _R:
        _RENDERERS[(result_type, kind)] = function
        return function

    return register


def render(kind: str, result: object, *args: Any, **options: Any) -> Any:
    """Render ``result`` as ``kind`` with the renderer `nbaudit.reports` registered for it.

    Parameters
    ----------
    kind
        The kind of output.
    result
        The result; its class (or a base class) must have a renderer of that kind.
    *args, **options
        Passed to the renderer after the result.

    Returns
    -------
    Any
        What the renderer returns (a string for every kind today).
    """
    for klass in type(result).__mro__:
        function = _RENDERERS.get((klass.__name__, kind))
        if function is not None:
            return function(result, *args, **options)
    raise LookupError(f"no {kind} renderer for {type(result).__name__}: import nbaudit.reports")
