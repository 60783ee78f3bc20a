"""Helpers shared by the tests of exercise checks: a stub like the student copies', a quiet run,
and the failure lines of a result."""

from __future__ import annotations

from course_lib.grading import run_check
from course_lib.grading.core import CheckResult


def stub(*args, **kwargs):
    """What a learner's untouched exercise does."""
    raise NotImplementedError("Your code here")


def run(name: str, fn) -> CheckResult:
    """Run the check `name` on `fn` without printing."""
    return run_check(name, fn, verbose=False)


def failures(result: CheckResult) -> str:
    """The ✗ lines of a result, one per failed case."""
    return "\n".join(m for m in result.messages if m.startswith("✗"))
