"""The customers app's modules: none too long, and no circle between services and tasks."""

from __future__ import annotations

import ast
from pathlib import Path

import charter.customers

APP = Path(charter.customers.__file__).parent


def _imported_modules(path: Path, package: str) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, as dotted paths."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_services_and_imports_never_import_the_tasks_that_call_them():
    for folder in ("services", "imports"):
        for path in sorted((APP / folder).glob("*.py")):
            package = f"charter.customers.{folder}"
            assert "charter.customers.tasks" not in _imported_modules(path, package), path


def test_no_module_of_the_split_packages_passes_600_lines():
    for folder in ("services", "imports"):
        for path in sorted((APP / folder).glob("*.py")):
            assert len(path.read_text().splitlines()) <= 600, path
