"""Checks of structured answers: a learner's function returns a dict of named answers (numbers,
lists of numbers, or one of a few given choices), and each key is graded as its own case with a
message that says what is wrong without giving the answer away. `expect_dict` reads a dict that
one case grades whole (an MLP's gradients, a count's parts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .core import Case, CaseFailure, _short, call

__all__ = ["answer_case", "choice_case", "expect_dict", "numbers_case"]


def _answer(fn: Callable[..., Any], key: str) -> Any:
    """fn()[key], or a CaseFailure saying why there is none."""
    answers = call(fn)
    if answers is None:
        raise CaseFailure("returned None: did you forget the `return` statement?")
    if not isinstance(answers, dict):
        raise CaseFailure(f"expected a dict of answers, got a {type(answers).__name__}")
    if key not in answers:
        raise CaseFailure(f"the dict has no key {key!r}")
    if answers[key] is ...:
        raise CaseFailure(f"{key!r} is still `...`: put your answer there")
    return answers[key]


def answer_case(label: str, key: str, grade: Callable[[Any], None], points: int = 1) -> Case:
    """A case that grades `fn()[key]` with `grade`, which raises CaseFailure when it is wrong."""
    return Case(label, lambda fn: grade(_answer(fn, key)), points)


def numbers_case(label: str, key: str, expected: Sequence[float] | float,
                 mistakes: Sequence[tuple[Sequence[float] | float, str]] = (),
                 tol: float = 2e-3, points: int = 1) -> Case:
    """`fn()[key]` must be the number (or list of numbers) `expected`, to within `tol`
    (relative, at least `tol` absolute): reasoned answers may be rounded to 3 digits."""
    want = np.atleast_1d(np.asarray(expected, dtype=np.float64))

    def close(got: np.ndarray, value: Sequence[float] | float) -> bool:
        ref = np.atleast_1d(np.asarray(value, dtype=np.float64))
        return got.shape == ref.shape and bool(np.all(np.abs(got - ref)
                                                      <= tol * np.maximum(1, np.abs(ref))))

    def grade(got: Any) -> None:
        try:
            arr = np.atleast_1d(np.asarray(got, dtype=np.float64))
        except (TypeError, ValueError):
            raise CaseFailure(f"{key!r}: expected a number or a list of numbers, got "
                              f"{_short(repr(got), 80)}") from None
        if arr.shape != want.shape:
            what = "one number" if want.size == 1 else f"a list of {want.size} numbers"
            raise CaseFailure(f"{key!r}: expected {what}, got {arr.size}")
        if close(arr, want):
            return
        hint = next((m for alt, m in mistakes if close(arr, alt)), "")
        raise CaseFailure(f"{key!r}: {_short(repr(got), 80)} is not right"
                          + (f": {hint}" if hint else ""))

    return answer_case(label, key, grade, points)


def choice_case(label: str, key: str, expected: Any, choices: Sequence[Any],
                mistakes: dict[Any, str] | None = None, points: int = 1) -> Case:
    """`fn()[key]` must be `expected`, one of the given `choices` (constants of the notebook)."""

    def grade(got: Any) -> None:
        if isinstance(got, np.generic):
            got = got.item()
        if not any(type(got) is type(c) and got == c for c in choices):
            raise CaseFailure(f"{key!r}: answer with one of {', '.join(map(repr, choices))}, "
                              f"got {_short(repr(got), 80)}")
        if got != expected:
            raise CaseFailure(f"{key!r}: not {got!r}" + (
                f": {(mistakes or {})[got]}" if got in (mistakes or {}) else ""))

    return answer_case(label, key, grade, points)


def expect_dict(got: Any, keys: Sequence[str], what: str = "answer") -> dict:
    """`got` when it is a dict holding every key of `keys`, else CaseFailure saying what is
    missing; `what` names the values in the message ("gradient", "answer")."""
    if got is None:
        raise CaseFailure("returned None: did you forget the `return` statement?")
    if not isinstance(got, dict):
        raise CaseFailure(f"expected a dict with keys {list(keys)}, got a {type(got).__name__}")
    missing = [k for k in keys if k not in got]
    if missing:
        raise CaseFailure(f"the dict has no {what} for {missing}; expected keys {list(keys)}")
    return got
