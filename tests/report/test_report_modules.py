"""The report package stays in small modules without import cycles, and no module (nor a test) imports
another module's private (underscore) names."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "planner" / "report"
MAX_LINES = 600


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) of every `from planner... import name` in the file, at any depth."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("planner"):
            out += [(node.module, a.name) for a in node.names]
    return out


def test_report_modules_are_small():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in REPORT.glob("*.py")}
    assert all(n <= MAX_LINES for n in sizes.values()), sizes


def test_no_private_names_are_imported():
    files = [*REPORT.glob("*.py"), *(ROOT / "tests" / "report").glob("*.py"),
             *(ROOT / "tests" / "results").glob("*.py")]
    private = [(f.name, m, n) for f in files for m, n in _imports(f)
               if n.startswith("_") and not (n.startswith("__") and n.endswith("__"))]
    assert not private


def test_report_modules_import_no_cycle():
    modules = {_module(p): p for p in REPORT.glob("*.py")}
    graph = {}
    for name, path in modules.items():
        targets = set()
        for module, imported in _imports(path):
            target = f"{module}.{imported}" if f"{module}.{imported}" in modules else module
            if target in modules and target != name:
                targets.add(target)
        graph[name] = targets

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for t in graph[start]:
            if t == goal or (t not in seen and (seen.add(t) or reaches(t, goal, seen))):
                return True
        return False

    cycles = [m for m in graph if m != "planner.report" and reaches(m, m, set())]
    assert not cycles, cycles
