"""What every exercise check and exercise notebook must do, written once for the grading tests:
full marks for correct code, nothing (and one message) for a stub, no exception whatever the
learner's function returns; the solution notebook full marks, its student copy zero."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from course_lib.grading import EXERCISE_SETS, find_check, grade_notebook, run_check
from course_lib.grading.core import NOT_IMPLEMENTED


def stub(*args: Any, **kwargs: Any) -> None:
    raise NotImplementedError("Your code here")


def run(name: str, fn: Any):
    return run_check(name, fn, verbose=False)


def failures(result) -> str:
    """The messages of the failed cases, one per line."""
    return "\n".join(m for m in result.messages if not m.startswith("✓"))


def assert_check_contract(
    exercise_set: str, name: str, correct: Callable[..., Any], odd_returns: Sequence[Any]
) -> None:
    result = run(name, correct)
    assert result.points == result.max_points == find_check(name, exercise_set).max_points > 0, (
        result.messages)
    assert all(m.startswith("✓") for m in result.messages)
    stubbed = run(name, stub)
    assert stubbed.points == 0 and stubbed.messages == [NOT_IMPLEMENTED]
    for odd in odd_returns:
        wrong = run(name, lambda *a, _odd=odd, **kw: _odd)
        assert wrong.points < wrong.max_points and len(wrong.messages) == len(result.messages)


def assert_notebook_contract(exercise_set: str, source: Path, student: Path) -> None:
    total = sum(c.max_points for c in EXERCISE_SETS[exercise_set])
    solved = grade_notebook(source)
    assert solved.points == solved.max_points == total and solved.errors == []
    untouched = grade_notebook(student)
    assert (untouched.points, untouched.max_points) == (0, total) and untouched.errors == []
    assert all(r.messages == [NOT_IMPLEMENTED] for r in untouched.results)
