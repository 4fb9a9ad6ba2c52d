"""No two modules of the cases app import each other (services -> tasks -> services was one).

Read from the source with ``ast``, so an import inside a function counts as much as one at the
top: a lazy import hides a circle from Python, not from the reader. A package (``services/``)
counts as one module, its parts' imports together.
"""

import ast
from pathlib import Path

import charter

ROOT = Path(charter.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = ROOT.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def charter_imports() -> dict[str, set[str]]:
    """Each charter module and the charter modules it imports, anywhere in its body."""
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("charter."))
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                if not base.startswith("charter"):
                    continue
                for alias in node.names:  # ``from . import services`` imports a module
                    full = f"{base}.{alias.name}"
                    found.add(full if _is_module(full) else base)
    return graph


def collapsed(graph: dict[str, set[str]], app: str) -> dict[str, set[str]]:
    """The graph with each module of ``app`` standing for its own parts (charter.cases.services
    for charter.cases.services.mail); imports between parts of one module drop out."""
    depth = len(app.split(".")) + 1

    def unit(name: str) -> str:
        return ".".join(name.split(".")[:depth]) if name.startswith(app + ".") else name

    merged: dict[str, set[str]] = {}
    for name, imports in graph.items():
        merged.setdefault(unit(name), set()).update(unit(i) for i in imports)
    return {name: imports - {name} for name, imports in merged.items()}


def two_cycles(graph: dict[str, set[str]], within: str = "charter") -> list[tuple[str, str]]:
    """Pairs of modules under ``within`` that import each other."""
    inside = [name for name in graph if name.startswith(within + ".")]
    return sorted(
        (a, b) for a in inside for b in graph[a] if a < b and a in graph.get(b, ()) and b in inside
    )


def test_no_two_cases_modules_import_each_other():
    assert two_cycles(collapsed(charter_imports(), "charter.cases"), "charter.cases") == []


def test_the_services_do_not_import_the_tasks_they_enqueue():
    graph = collapsed(charter_imports(), "charter.cases")
    assert "charter.cases.tasks" not in graph["charter.cases.services"]
    assert "charter.cases.services" in graph["charter.cases.tasks"]  # the arrow that stays
