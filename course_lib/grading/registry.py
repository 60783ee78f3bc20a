"""The exercise sets: which checks each graded notebook runs, and how many points each is worth.

Notebooks call `check(name, fn)`; the grader reads `EXERCISE_SETS` to know which checks a notebook
of a given set should have run, including those that never did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .architectures import check_inception, check_lenet5, check_vgg_param_count
from .conv_arithmetic import check_conv_params, check_output_size
from .convolution import check_conv2d, check_correlate2d, check_sobel_magnitude
from .core import CheckResult
from .residual import (
    check_basic_block_weights,
    check_bottleneck_weights,
    check_residual_block,
    check_stage_shapes,
)

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
    "architectures": (
        Check("lenet5", check_lenet5, 3),
        Check("vgg_param_count", check_vgg_param_count, 3),
        Check("inception", check_inception, 3),
    ),
    "resnet": (
        Check("residual_block", check_residual_block, 3),
        Check("basic_block_weights", check_basic_block_weights, 1),
        Check("bottleneck_weights", check_bottleneck_weights, 2),
        Check("stage_shapes", check_stage_shapes, 3),
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
