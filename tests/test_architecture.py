"""The package's layers import downwards only, and no modules import each other in a cycle.

The import graph is read from the source with :mod:`ast`, never by importing: every module of
``src/cspsim`` and ``src/hydra_plugins`` is a node; an ``import`` or ``from ... import`` of
another of these modules is an edge, wherever it stands (at module level, inside a function or
a method, in a ``try``). Imports inside ``if TYPE_CHECKING:`` blocks are not edges: they never
execute, they only name types for the type checker. ``from package import name`` is an edge to
the submodule ``package.name`` when there is one, else to the package itself. The packages a
module lives in (whose ``__init__`` Python runs first) are not edges: they are the module's
container, not its dependencies.

Layers, bottom up (a module may import its own top-level package and any lower layer):

    errors, paths -> config -> city -> model -> output -> facade (cspsim, cspsim.api)
    -> analysis -> report -> experiments | validation | viz -> cli, hydra_plugins

The report layer (the document renderer, the tables and sections of reports) sits under its
users: ``cspsim-validate`` renders its report with it, and experiments no longer hold report
sections. Packages of one layer are siblings: none imports another.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ROOTS = ("cspsim", "hydra_plugins")

#: Layer of each top-level unit (``cspsim.<unit>``, or ``hydra_plugins``); higher imports lower.
LAYERS: dict[str, int] = {
    "errors": 0,
    "paths": 0,
    "config": 1,
    "city": 2,
    "model": 3,
    "output": 4,
    "facade": 5,  # the package root and cspsim.api: re-exports above output
    "analysis": 6,
    "report": 7,
    "experiments": 8,
    "validation": 8,
    "viz": 8,
    "cli": 9,
    "hydra_plugins": 9,
}


def module_name(path: Path) -> str:
    """Dotted name of a source file (``cspsim/model/__init__.py`` -> ``cspsim.model``)."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def all_modules() -> dict[str, Path]:
    """Every module under the roots, by dotted name."""
    return {module_name(p): p for root in ROOTS for p in sorted((SRC / root).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Import statements that can execute: everywhere except ``if TYPE_CHECKING:`` bodies."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:  # the else branch does run
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _absolute(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    """The absolute module a (possibly relative) ``from`` import names."""
    if node.level == 0:
        return node.module or ""
    base = name.split(".") if is_package else name.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of the project that ``name`` imports at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    targets: set[str] = set()
    for node in _runtime_imports(tree):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            base = _absolute(node, name, path.name == "__init__.py")
            candidates = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        for target in candidates:
            while target and target not in modules:  # ``import a.b.c`` of an attribute
                target = target.rpartition(".")[0]
            if target and target != name:
                targets.add(target)
    return targets


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports."""
    modules = all_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def unit(module: str) -> str:
    """The layered unit a module belongs to (see :data:`LAYERS`)."""
    parts = module.split(".")
    if parts[0] == "hydra_plugins":
        return "hydra_plugins"
    if len(parts) == 1 or parts[1] == "api":
        return "facade"
    return parts[1]


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected component of more than one module (Tarjan), as a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                components.append(_cycle_through(graph, sorted(comp)))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return components


def _cycle_through(graph: dict[str, set[str]], comp: list[str]) -> list[str]:
    """One concrete cycle inside a strongly connected component (breadth-first back home)."""
    members, start = set(comp), comp[0]
    prev: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & members):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return [*reversed(path), start]
                if w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return comp


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports of a higher layer, or of a sibling package of the same layer."""
    bad = []
    for src, targets in sorted(graph.items()):
        for dst in sorted(targets):
            a, b = unit(src), unit(dst)
            if a == b or LAYERS[b] < LAYERS[a]:
                continue
            kind = "a sibling" if LAYERS[a] == LAYERS[b] else "a higher layer"
            bad.append(f"{src} ({a}) imports {dst} ({b}): {kind}")
    return bad


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_every_unit_has_a_layer(graph: dict[str, set[str]]) -> None:
    assert {unit(m) for m in graph} <= set(LAYERS), "map new top-level packages in LAYERS"


def test_no_import_cycles(graph: dict[str, set[str]]) -> None:
    cycles = find_cycles(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_layers_import_downwards_only(graph: dict[str, set[str]]) -> None:
    bad = upward_imports(graph)
    assert not bad, "imports against the layering:\n" + "\n".join(bad)


# ----------------------------------------------------------------- the checker itself


def test_the_checker_sees_function_imports_and_skips_type_checking(tmp_path: Path) -> None:
    code = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from cspsim.report import document\n"
        "def f():\n    from cspsim.analysis import runs\n"
        "    import cspsim.model.measures\n"
    )
    path = tmp_path / "m.py"
    path.write_text(code)
    modules = {
        n: path
        for n in (
            "cspsim.output.m",
            "cspsim.report.document",
            "cspsim.report",
            "cspsim.analysis",
            "cspsim.analysis.runs",
            "cspsim.model",
            "cspsim.model.measures",
        )
    }
    found = imports_of("cspsim.output.m", path, modules)
    assert found == {"cspsim.analysis.runs", "cspsim.model.measures"}
    graph = {"cspsim.output.m": found, "cspsim.analysis.runs": {"cspsim.output.m"}}
    assert find_cycles(graph) == [
        ["cspsim.analysis.runs", "cspsim.output.m", "cspsim.analysis.runs"]
    ]
    assert upward_imports(graph) == [
        "cspsim.output.m (output) imports cspsim.analysis.runs (analysis): a higher layer"
    ]


def test_relative_imports_resolve() -> None:
    modules = {"cspsim.a", "cspsim.a.b", "cspsim.a.c"}
    node = ast.parse("from .c import x").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _absolute(node, "cspsim.a.b", False) == "cspsim.a.c"
    assert _absolute(node, "cspsim.a", True) == "cspsim.a.c"
    assert "cspsim.a.c" in modules
