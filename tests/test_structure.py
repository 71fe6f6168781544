"""The shape a maintainer can trust: imports one way, no cycles, small modules.

import-linter (in `make lint`) checks the layers between apps from module-level imports;
these tests add what it cannot see: imports inside functions (which hide cycles), and
the size of modules.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = [
    "core",
    "outbox",
    "audit",
    "sla",
    "contacts",
    "verification",
    "escalation",
    "notifications",
    "api",
    "inbox",
    "chatops",
    "jiraops",
    "paging",
    "training",
    "reviews",
    "config",
]
MAX_LINES = 400
WHY = "# Imported here:"


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, ast.AST, bool]]:
    """(imported module, node, inside a function) for every import of a project module."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            inside.update(id(child) for child in ast.walk(node) if child is not node)
    result = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            # The packages a module lives in are imported first by Python; not an edge.
            if target and target != name and not name.startswith(target + "."):
                result.append((target, node, id(node) in inside))
    return result


def _explained(lines: list[str], lineno: int) -> bool:
    """The comment block (or run of imports) just above line `lineno` gives a reason."""
    for line in reversed(lines[: lineno - 1]):
        text = line.strip()
        if text.startswith(WHY):
            return True
        if text and not text.startswith(("#", "from ", "import ")):
            return False
    return False


def test_no_import_inside_a_function_without_a_reason():
    """Imports inside functions hide cycles: each one left says why just above it."""
    unexplained: set[str] = set()
    for path in MODULES.values():
        lines = path.read_text().splitlines()
        for func in ast.walk(ast.parse(path.read_text())):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Import | ast.ImportFrom) and not _explained(
                    lines, node.lineno
                ):
                    unexplained.add(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert sorted(unexplained) == [], f"imports inside functions without '{WHY} <why>'"


def test_the_import_graph_has_no_cycle_even_through_imports_inside_functions():
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for target, _node, _inside in _imports(name, path):
            # A package's __init__ re-exporting its own modules is not a cycle of concepts.
            if not target.startswith(name + "."):
                graph[name].add(target)
    cycles, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*trail[trail.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_400_lines(name):
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by concept"
