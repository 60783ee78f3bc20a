"""What every exercise check and exercise notebook must do, written once for the grading tests:
full marks for correct code, nothing (and one message) for a stub, no exception whatever the
learner's function returns or raises; the solution notebook full marks, its student copy zero.

A tests/grading/test_<module>.py module gets the standard tests with

    (test_the_set_is_complete, test_correct_code_full_marks_and_stubs_zero,
     test_checks_never_raise, test_notebook_grades_full_when_solved_and_zero_as_stubs,
    ) = contract_tests(SET, CORRECT, SOURCE, STUDENT, odd_returns=ODD_RETURNS)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from course_lib.grading import EXERCISE_SETS, find_check, grade_notebook, run_check
from course_lib.grading.cli import main as course_grade
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


def assert_generated_with_full_marks(exercise_set: str, source: Path, student: Path,
                                     stubs: int) -> None:
    """The student copy is generated (its set named, `stubs` stubs, no solution markers) and the
    solution source's stored outputs show full marks for every check of the set."""
    import nbformat

    from tools.exercises import STUB

    src, copy = nbformat.read(source, 4), nbformat.read(student, 4)
    assert src.metadata.course.exercise_set == copy.metadata.course.exercise_set == exercise_set
    outputs = "".join(o.get("text", "") for c in src.cells if c.cell_type == "code"
                      for o in c.outputs)
    for c in EXERCISE_SETS[exercise_set]:
        assert f"{c.name}: {c.max_points}/{c.max_points} points" in outputs
    code = "\n".join(c.source for c in copy.cells if c.cell_type == "code")
    assert "SOLUTION" not in code and code.count(STUB) == stubs


def _raises(*args: Any, **kwargs: Any) -> None:
    return 1 / 0


# Answers that are not answers at all: each must earn zero, with a message, and never crash.
BAD_ANSWERS = [lambda *a, **k: None, _raises, lambda *a, **k: "text", 42]


def contract_tests(
    exercise_set: str,
    correct: dict[str, Callable[..., Any]],
    source: Path,
    student: Path,
    odd_returns: Sequence[Any] = (),
) -> tuple[Callable[..., None], ...]:
    """The standard tests of one exercise set, for a test module to assign to `test_*` names.

    correct: a right answer for every check of the set, in the set's order; odd_returns: values a
    careless function might return (each must lose points, with one message per case).
    """
    names = [c.name for c in EXERCISE_SETS[exercise_set]]

    def test_the_set_is_complete() -> None:
        assert names == list(correct), "give a correct answer for every check, in the set's order"

    @pytest.mark.parametrize("name", names)
    def test_correct_code_full_marks_and_stubs_zero(name: str) -> None:
        assert_check_contract(exercise_set, name, correct[name], odd_returns)

    @pytest.mark.parametrize("name", names)
    @pytest.mark.parametrize("bad", BAD_ANSWERS, ids=["None", "raises", "text", "not-callable"])
    def test_checks_never_raise(name: str, bad: Any) -> None:
        result = run_check(name, bad, exercise_set, verbose=False)
        assert result.points == 0 and result.messages
        if bad is _raises:
            assert "ZeroDivisionError" in failures(result)

    def test_notebook_grades_full_when_solved_and_zero_as_stubs(capsys) -> None:
        assert_notebook_contract(exercise_set, source, student)
        assert course_grade(["--json", str(student)]) == 0  # the command a learner runs
        [graded] = json.loads(capsys.readouterr().out)
        assert graded["points"] == 0 and graded["errors"] == []
        assert [r["name"] for r in graded["results"]] == names

    return (test_the_set_is_complete, test_correct_code_full_marks_and_stubs_zero,
            test_checks_never_raise, test_notebook_grades_full_when_solved_and_zero_as_stubs)


def failure_messages(exercise_set: str, name: str, fn: Callable[..., Any]) -> str:
    """The report lines of a check that must fail on `fn`, joined: for asserting on hints."""
    result = run_check(name, fn, exercise_set, verbose=False)
    assert not result.passed, f"{name} accepted a wrong answer"
    return " ".join(result.messages)
