"""What every exercise set must satisfy, written once: `contract_tests(set, correct, source,
student)` returns the test functions a tests/test_grading_<concept>.py module assigns to names
starting with `test_`. Correct code earns full marks, stubs earn zero with one line, no learner
function makes a check raise, and the set's notebook grades full as solved and zero as stubs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from course_lib.grading import EXERCISE_SETS, grade_notebook, run_check
from course_lib.grading.cli import main as course_grade
from course_lib.grading.core import NOT_IMPLEMENTED


def stub(*args, **kwargs):
    raise NotImplementedError("Your code here")


BAD_ANSWERS = [lambda *a, **k: None, lambda *a, **k: 1 / 0, lambda *a, **k: "text", 42]


def contract_tests(exercise_set: str, correct: dict[str, Callable], source: Path,
                   student: Path) -> tuple[Callable, ...]:
    checks = {c.name: c for c in EXERCISE_SETS[exercise_set]}
    assert set(correct) == set(checks), "give a correct answer for every check of the set"

    def run(name, fn):
        return run_check(name, fn, exercise_set, verbose=False)

    @pytest.mark.parametrize("name", list(checks))
    def test_correct_code_gets_full_marks(name):
        result = run(name, correct[name])
        assert result.passed, result.report()
        assert result.max_points == checks[name].max_points

    @pytest.mark.parametrize("name", list(checks))
    def test_stub_gets_zero_with_one_line(name):
        result = run(name, stub)
        assert result.points == 0 and result.messages == [NOT_IMPLEMENTED]

    @pytest.mark.parametrize("name", list(checks))
    @pytest.mark.parametrize("bad", BAD_ANSWERS)
    def test_checks_never_raise(name, bad):
        result = run(name, bad)
        assert result.points == 0 and result.messages

    def test_notebook_grades_full_when_solved_and_zero_as_stubs(capsys):
        report = grade_notebook(source)
        assert report.points == report.max_points == sum(c.max_points for c in checks.values())
        assert report.errors == []
        assert course_grade(["--json", str(student)]) == 0
        [graded] = json.loads(capsys.readouterr().out)
        assert graded["points"] == 0 and graded["errors"] == []
        assert [r["name"] for r in graded["results"]] == list(checks)

    return (test_correct_code_gets_full_marks, test_stub_gets_zero_with_one_line,
            test_checks_never_raise, test_notebook_grades_full_when_solved_and_zero_as_stubs)


def failure_messages(exercise_set: str, name: str, fn: Callable) -> str:
    """The report lines of a check that must fail on `fn`, joined: for asserting on hints."""
    result = run_check(name, fn, exercise_set, verbose=False)
    assert not result.passed, f"{name} accepted a wrong answer"
    return " ".join(result.messages)
