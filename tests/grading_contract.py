"""The contract every exercise set's checks keep, as reusable tests: correct code earns full
marks, an untouched stub earns nothing with one message, and no odd return value or exception
of the learner's function makes a check crash. A test module binds them to its set with
`contract_tests(exercise_set, correct)`; it adds its own tests for the typical mistakes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import torch

from course_lib.grading import EXERCISE_SETS, CheckResult, find_check, run_check
from course_lib.grading.core import NOT_IMPLEMENTED

# What a careless learner's function might return instead of the answer.
ODD_RETURNS = [None, "text", {}, 1e300, -1, np.zeros(()), np.ones(3, dtype=complex),
               np.array([object()]), np.full((2, 2), np.inf), torch.ones(2), (1, 2),
               (np.zeros(3), "x")]


def run(name: str, fn: Callable) -> CheckResult:
    return run_check(name, fn, verbose=False)


def failures(result: CheckResult) -> str:
    """The failed cases' messages, joined, to search for the expected hint."""
    return " | ".join(m for m in result.messages if m.startswith("✗"))


def _stub(*args, **kwargs):
    raise NotImplementedError("Your code here")


def contract_tests(exercise_set: str, correct: dict[str, Callable]) -> tuple[Callable, ...]:
    """Test functions for `exercise_set`, whose checks are named by the keys of `correct`
    (reference solutions written independently of the library)."""
    names = [c.name for c in EXERCISE_SETS[exercise_set]]

    def test_the_set_is_complete():
        assert names == list(correct)

    @pytest.mark.parametrize("name", names)
    def test_correct_code_earns_full_points(name):
        result = run(name, correct[name])
        assert result.points == result.max_points == find_check(name).max_points > 0, (
            result.report())

    @pytest.mark.parametrize("name", names)
    def test_a_stub_earns_nothing_with_one_message(name):
        result = run(name, _stub)
        assert result.points == 0 and result.messages == [NOT_IMPLEMENTED]

    @pytest.mark.parametrize("name", names)
    def test_odd_returns_and_exceptions_never_crash_a_check(name):
        for odd in ODD_RETURNS:
            result = run(name, lambda *a, _odd=odd, **kw: _odd)
            assert result.points < result.max_points
            assert not any("check itself failed" in m for m in result.messages), result.report()
        assert "ZeroDivisionError" in failures(run(name, lambda *a, **kw: 1 / 0))

    return (test_the_set_is_complete, test_correct_code_earns_full_points,
            test_a_stub_earns_nothing_with_one_message,
            test_odd_returns_and_exceptions_never_crash_a_check)
