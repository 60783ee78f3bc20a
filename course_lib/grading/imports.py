"""Copied answers: a from-scratch exercise answered with torch, the library's implementation or
the checks' references. Read from the notebook's source (never run), so a kernel cannot hide it.

A graded function is "copied" when its body, or a notebook function it calls, uses a name
bound by a forbidden import (or imports one itself); its check then earns no points, with a note.
A forbidden import no graded function uses gets a note only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

__all__ = ["FORBIDDEN", "copied"]

NUMPY_ONLY = ("torch", "torchvision", "course_lib")
# Per exercise set: module prefixes an answer may not use (the checks' own modules always).
FORBIDDEN: dict[str, tuple[str, ...]] = {
    **{name: NUMPY_ONLY for name in (
        "classic_vision", "neural_networks", "convolution", "padding_stride_receptive_field",
        "pooling", "regularization", "batch_normalization", "augmentation", "layer_stacks")},
    "architectures": ("course_lib", "torchvision.models"),
    "resnet": ("course_lib", "torchvision.models"),
    "transfer_learning": ("course_lib.grading", "course_lib.transfer"),
    "visualizing": ("course_lib.grading", "course_lib.visualize", "course_lib.layer_trace"),
}
# What an exercise hands the learner: the grader's check(), the course's own models and data.
ALLOWED = ("course_lib.grading.check", "course_lib.ops.filters.SOBEL_X",
           "course_lib.ops.filters.SOBEL_Y", "course_lib.models.ConvNet",
           "course_lib.recorded_curves.CURVES", "course_lib.shapes_task.train_on_shapes")


def _forbidden(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _bindings(node: ast.AST, prefixes: tuple[str, ...]) -> dict[str, str]:
    """Names bound by forbidden imports inside `node`: {local name: what it imports}."""
    found = {}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Import):
            for a in sub.names:
                if _forbidden(a.name, prefixes) and a.name not in ALLOWED:
                    found[(a.asname or a.name).split(".")[0]] = a.name
        elif isinstance(sub, ast.ImportFrom) and sub.module and sub.level == 0:
            for a in sub.names:
                full = f"{sub.module}.{a.name}"
                if full not in ALLOWED and (_forbidden(sub.module, prefixes)
                                            or _forbidden(full, prefixes)):
                    found[a.asname or a.name] = full
        elif (isinstance(sub, ast.Call) and getattr(sub.func, "id", getattr(sub.func, "attr", ""))
              in ("__import__", "import_module") and sub.args
              and isinstance(sub.args[0], ast.Constant) and isinstance(sub.args[0].value, str)
              and _forbidden(sub.args[0].value, prefixes)):
            found[f"<{sub.args[0].value}>"] = sub.args[0].value
    return found


def copied(sources: Iterable[str], exercise_set: str, graded: Iterable[str]
           ) -> tuple[dict[str, str], list[str]]:
    """({graded function: note} for answers that use what the set forbids, [notes on forbidden
    imports no graded function uses])."""
    prefixes = FORBIDDEN.get(exercise_set, ("course_lib.grading",))
    trees = []
    for source in sources:
        try:
            trees.append(ast.parse(source))
        except (SyntaxError, ValueError):  # IPython magics, broken cells: nothing to read
            continue
    module = ast.Module(body=[s for t in trees for s in t.body], type_ignores=[])
    bound = _bindings(module, prefixes)
    functions: dict[str, ast.AST] = {}
    for stmt in module.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            functions[stmt.name] = stmt
        elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Lambda):
            functions.update({t.id: stmt.value for t in stmt.targets if isinstance(t, ast.Name)})

    def uses(node: ast.AST) -> set[str]:
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        return {bound[n] for n in names if n in bound} | set(_bindings(node, prefixes).values())

    def calls(node: ast.AST) -> set[str]:
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in functions}

    notes, used = {}, set()
    for name in graded:
        seen, todo, found = set(), [name], set()
        while todo:
            current = todo.pop()
            if current in seen or current not in functions:
                continue
            seen.add(current)
            found |= uses(functions[current])
            todo += calls(functions[current]) - seen
        if found:
            used |= found
            notes[name] = (f"uses {', '.join(sorted(found))}, which this exercise does not "
                           "allow: write it from scratch (no points)")
    unused = sorted(set(bound.values()) - used)
    others = [f"the notebook imports {m}, which this exercise set does not allow in an answer"
              for m in unused]
    return notes, others
