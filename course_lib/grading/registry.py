"""The exercise sets: which checks each graded notebook runs, and how many points each is worth.

Notebooks call `check(name, fn)`; the grader reads `EXERCISE_SETS` to know which checks a notebook
of a given set should have run, including those that never did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .augmentation import (
    check_channel_stats,
    check_hflip,
    check_mixup,
    check_normalize,
    check_pad_and_crop,
)
from .batchnorm import (
    check_batchnorm2d_train,
    check_batchnorm_eval,
    check_batchnorm_train,
    check_running_update,
)
from .conv_arithmetic import check_conv_params, check_output_size
from .convolution import check_conv2d, check_correlate2d, check_sobel_magnitude
from .core import CheckResult
from .regularization import (
    check_dropout,
    check_l1_penalty,
    check_l2_penalty,
    check_weight_decay_step,
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
    "regularization": (
        Check("dropout", check_dropout, 5),
        Check("l1_penalty", check_l1_penalty, 2),
        Check("l2_penalty", check_l2_penalty, 2),
        Check("weight_decay_step", check_weight_decay_step, 2),
    ),
    "batch_normalization": (
        Check("batchnorm_train", check_batchnorm_train, 3),
        Check("running_update", check_running_update, 3),
        Check("batchnorm_eval", check_batchnorm_eval, 2),
        Check("batchnorm2d_train", check_batchnorm2d_train, 3),
    ),
    "augmentation": (
        Check("channel_stats", check_channel_stats, 3),
        Check("normalize", check_normalize, 3),
        Check("hflip", check_hflip, 2),
        Check("pad_and_crop", check_pad_and_crop, 3),
        Check("mixup", check_mixup, 2),
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
