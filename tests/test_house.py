"""The shape of the package: layers that point one way, functions a reader can hold.

Read from the source with `ast`, so that imports inside functions (which hide a cycle at load
time but not from the reader) count as edges like any other.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

SRC = pathlib.Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "nbaudit"
LONGEST_FUNCTION = 100

# Layers, lowest first: a module may import modules of its own layer or of a lower one only.
LAYERS: list[tuple[str, ...]] = [
    ("nbaudit._text", "nbaudit._render", "nbaudit._checks", "nbaudit.config",
     "nbaudit.engines"),
    ("nbaudit.pii", "nbaudit.risk", "nbaudit.fairness", "nbaudit.dp", "nbaudit.datasets"),
    ("nbaudit.keys", "nbaudit.pseudonymization", "nbaudit.egress"),
    ("nbaudit.reports",),
    ("nbaudit.notebook_check",),
    ("nbaudit.widgets", "nbaudit.magics", "nbaudit.cli"),
]


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(name: str, path: pathlib.Path) -> set[str]:
    """The nbaudit modules ``name`` imports anywhere in its source (functions included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            named = [f"{target}.{alias.name}" for alias in node.names]
            submodules = [module for module in named if module in MODULES]
            # `from . import x, y` of submodules imports them, not the package's other names.
            candidates = submodules if len(submodules) == len(node.names) else [target, *submodules]
        else:
            continue
        found.update(c for c in candidates if c in MODULES and c != name)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _is_under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _layer(module: str) -> int | None:
    for rank, layer in enumerate(LAYERS):
        if any(_is_under(module, p) for p in layer):
            return rank
    return None


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


def test_the_graph_sees_lazy_imports() -> None:
    # Guard for the checker itself: the package's __init__ imports reports, and every module
    # is found.
    assert "nbaudit.reports" in GRAPH["nbaudit"] or any(
        _is_under(m, "nbaudit.reports") for m in GRAPH["nbaudit"])
    assert "nbaudit.pii.scan" in MODULES and "nbaudit.risk.assess" in MODULES


def test_no_import_cycle() -> None:
    assert _cycles() == []


def test_every_module_has_a_layer() -> None:
    # The package's own __init__ re-exports the public API from every layer.
    assert [m for m in MODULES if m != "nbaudit" and _layer(m) is None] == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "nbaudit"))
def test_imports_point_down(module: str) -> None:
    own = _layer(module)
    assert own is not None
    upward = sorted(w for w in GRAPH[module] if w != "nbaudit" and (_layer(w) or 0) > own)
    assert upward == [], f"{module} imports a higher layer"


def test_no_function_longer_than_a_screenful() -> None:
    long = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > LONGEST_FUNCTION:
                    long.append(f"{name}.{node.name}: {lines} lines")
    assert long == []
