"""Library source as a chapter prints it: the part that teaches, without argument checks.

`teaching_source(fn)` is `inspect.getsource(fn)` with every `if …: raise …` block of the
function's body (input validation) replaced by one comment line, so the printed code shows the
computation the chapter explains.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable

__all__ = ["teaching_source"]

OMITTED = "# (checks of the arguments left out)"


def _is_check(node: ast.stmt) -> bool:
    """An `if` whose branches only raise: argument validation."""
    return (isinstance(node, ast.If) and all(isinstance(s, ast.Raise) for s in node.body)
            and all(isinstance(s, ast.Raise) for s in node.orelse))


def teaching_source(fn: Callable) -> str:
    """The source of `fn` with its validation blocks (`if …: raise …` directly in its body)
    replaced by one `OMITTED` comment line at the first of them."""
    source = textwrap.dedent(inspect.getsource(fn))
    lines = source.splitlines()
    tree = ast.parse(source)
    func = tree.body[0]
    if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
        raise TypeError(f"teaching_source needs a function, got {type(fn).__name__}")
    checks = [node for node in func.body if _is_check(node)]
    if not checks:
        return source
    drop = {i for node in checks for i in range(node.lineno - 1, node.end_lineno)}
    first = checks[0].lineno - 1
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
    kept = [indent + OMITTED if i == first else line
            for i, line in enumerate(lines) if i == first or i not in drop]
    return "\n".join(kept) + "\n"
