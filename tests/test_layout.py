"""The package's shape (README.md, Layout): each folder imports only from the folders above it, no import cycle
(counting imports made inside functions), no module imports another module's private names, no module over
about 600 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "planner"
# README.md's Layout table, top first; modules at the package's top level have their own place
LAYERS = ("atomic", "generated_section", "examples", "input", "pyomo_fast", "model", "solver", "decomposition", "results", "solve",
          "report", "study", "cli", "__init__", "__main__")
MAX_LINES = 610  # "about 600": a declaration table may run a few lines over


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, imported names) of every planner import in the file, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("planner"):
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("planner")]
    return found


def _layer(module: str) -> int:
    """The module's place in LAYERS; the package itself (`planner.__version__`) is above them all."""
    parts = module.split(".")
    return -1 if len(parts) == 1 else LAYERS.index(parts[1])


def _target(modules: dict[str, Path], module: str, name: str) -> str:
    """The module an imported name comes from: a submodule of that name, or the module itself."""
    return f"{module}.{name}" if f"{module}.{name}" in modules else module


def test_every_module_is_in_a_layer():
    assert [m for m in _modules() if m != "planner" and m.split(".")[1] not in LAYERS] == []


def test_folders_import_only_from_the_folders_above():
    modules = _modules()
    wrong = [f"{m} imports {t}" for m, p in modules.items() if m != "planner" for t, names in _imports(p)
             if _layer(t) > _layer(m) and m != "planner"]
    assert wrong == []


def test_no_import_cycle():
    modules = _modules()
    graph = nx.DiGraph()
    for m, p in modules.items():
        graph.add_node(m)
        for t, names in _imports(p):
            for name in names or [""]:
                target = _target(modules, t, name) if name else t
                if target != m and target in modules and not modules[target].name == "__init__.py":
                    graph.add_edge(m, target)
    assert list(nx.simple_cycles(graph)) == []


@pytest.mark.parametrize("root", ["planner", "tests"])
def test_no_private_name_is_imported_from_another_module(root):
    files = _modules().values() if root == "planner" else (PACKAGE.parent / "tests").rglob("*.py")
    private = [f"{p.name}: {t}.{n}" for p in files for t, names in _imports(p) for n in names
               if n.startswith("_") and not n.startswith("__")]
    assert private == []


def test_no_module_is_over_about_600_lines():
    long = {m: n for m, p in _modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_tests_import_their_helpers_as_ci_runs_them():
    """`pytest` (not `python -m pytest`) does not put the repository root on sys.path: the helper modules in
    tests/ are imported by their own names (conftest.py puts tests/ on the path)."""
    tests = PACKAGE.parent / "tests"
    wrong = [f"{p.relative_to(tests)}: {node.module}" for p in tests.rglob("*.py")
             for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
             if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "tests"]
    assert wrong == []
