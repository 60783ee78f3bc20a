"""The package's imports point one way: no module imports one that imports it back, the layers
ops → models → training → visualize/explorers are never crossed backwards, nothing imports the
grader or the authoring tools, and importing the package or the grader's command line loads no
torch (names load on first use)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import course_lib

PACKAGE = Path(course_lib.__file__).parent


def _module_graph() -> dict[str, set[str]]:
    """{module: the course_lib modules it imports}, read from the source (nothing is run)."""
    def name(path: Path) -> str:
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    files = {name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for module, path in files.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + [node.module] if node.module else base)
                if not node.level:
                    target = node.module or ""
                for alias in node.names:  # `from . import augment` names a module
                    sub = f"{target}.{alias.name}"
                    targets.add(sub if sub in files else target)
            elif isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
        graph[module] = {t for t in targets if t in files} - {module}
    return graph


GRAPH = _module_graph()


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_the_graph_is_read():
    assert "course_lib.data.augment" in GRAPH["course_lib.data.batches"]
    assert "course_lib.ops.conv" in GRAPH["course_lib.ops.filters"]


def test_no_module_imports_one_that_imports_it_back():
    state: dict[str, int] = {}
    cycles = []

    def visit(module: str, stack: list[str]) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                cycles.append(" → ".join(stack[stack.index(target):] + [target]))
            elif target not in state:
                visit(target, stack)
        stack.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [])
    assert cycles == []


@pytest.mark.parametrize(("layer", "forbidden"), [
    ("ops", {"data", "models", "training", "visualize", "explorers", "grading", "authoring"}),
    ("data", {"models", "training", "visualize", "explorers", "grading", "authoring"}),
    ("models", {"data", "training", "visualize", "explorers", "grading", "authoring"}),
    ("training", {"visualize", "explorers", "grading", "authoring"}),
    ("visualize", {"explorers", "grading", "authoring"}),
])
def test_layers_are_not_crossed_backwards(layer, forbidden):
    wrong = sorted(f"{m} → {t}" for m, targets in GRAPH.items() if _layer(m) == layer
                   for t in targets if _layer(t) in forbidden)
    assert wrong == []


def test_nothing_outside_them_imports_the_grader_or_the_authoring_tools():
    wrong = sorted(f"{m} → {t}" for m, targets in GRAPH.items() for t in targets
                   if _layer(t) in {"grading", "authoring"} and _layer(m) != _layer(t))
    assert wrong == []


def test_augmentation_transforms_do_not_import_the_loader():
    assert "course_lib.data.batches" not in GRAPH["course_lib.data.augment"]


@pytest.mark.parametrize("module", ["course_lib", "course_lib.grading.cli", "course_lib.ops"])
def test_importing_loads_no_torch(module):
    code = f"import sys, {module}; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
