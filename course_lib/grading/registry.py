"""The exercise sets: which checks each graded notebook runs, and how many points each is worth.

Notebooks call `check(name, fn)`; the grader reads `EXERCISE_SETS` to know which checks a notebook
of a given set should have run, including those that never did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .conv_arithmetic import (
    check_conv_params,
    check_output_size,
    check_output_size_strict,
    check_same_padding,
)
from .convolution import check_conv2d, check_correlate2d, check_sobel_magnitude
from .core import CheckResult
from .pooling import (
    check_avg_pool2d,
    check_global_avg_pool2d,
    check_max_pool2d,
    check_stochastic_pool_inference,
)
from .receptive_field import check_receptive_field

__all__ = ["EXERCISE_SETS", "Check", "check", "find_check", "run_check"]


@dataclass(frozen=True)
class Check:
    name: str  # what notebooks pass to check(), unique within an exercise set
    function: Callable[..., CheckResult]  # check_xxx(fn, verbose=True) -> CheckResult
    max_points: int  # its points, known without running it (a test keeps it honest)


EXERCISE_SETS: dict[str, tuple[Check, ...]] = {
    "convolution": (
        Check("correlate2d", check_correlate2d, 3),
        Check("conv2d", check_conv2d, 5),
        Check("sobel_magnitude", check_sobel_magnitude, 3),
        Check("conv_params", check_conv_params, 3),
        Check("output_size", check_output_size, 2),
    ),
    "padding_stride_receptive_field": (
        Check("output_size_strict", check_output_size_strict, 3),
        Check("same_padding", check_same_padding, 2),
        Check("receptive_field", check_receptive_field, 4),
    ),
    "pooling": (
        Check("max_pool2d", check_max_pool2d, 4),
        Check("avg_pool2d", check_avg_pool2d, 3),
        Check("global_avg_pool2d", check_global_avg_pool2d, 2),
        Check("stochastic_pool_inference", check_stochastic_pool_inference, 3),
    ),
}


def find_check(name: str, exercise_set: str | None = None) -> Check:
    """The check called `name` (in `exercise_set`, or in any set); ValueError if there is none."""
    if exercise_set is not None and exercise_set not in EXERCISE_SETS:
        raise ValueError(f"unknown exercise set {exercise_set!r}; known: {sorted(EXERCISE_SETS)}")
    sets = [exercise_set] if exercise_set else list(EXERCISE_SETS)
    for s in sets:
        for c in EXERCISE_SETS[s]:
            if c.name == name:
                return c
    known = sorted({c.name for s in sets for c in EXERCISE_SETS[s]})
    raise ValueError(f"there is no check called {name!r}; the checks are: {', '.join(known)}")


def run_check(
    name: str, fn: Any, exercise_set: str | None = None, verbose: bool = True
) -> CheckResult:
    """Run the check `name` on the learner's function `fn`: print its report and return it."""
    return find_check(name, exercise_set).function(fn, verbose=verbose)


def check(name: str, fn: Any) -> None:
    """What exercise notebooks call: `check("conv2d", conv2d)` prints the report and records it
    for the grader; it returns nothing, so the cell shows the report alone."""
    run_check(name, fn)
