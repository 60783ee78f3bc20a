"""Checks for the pooling exercises: `max_pool2d`, `avg_pool2d` and `stochastic_pool_inference`
(the backward passes are checked in `pooling_backward`).

References are `torch.nn.functional` in float64 and, for stochastic pooling at inference,
Σ p_i a_i with p_i = a_i / Σ a_k (`course_lib.stochastic_pooling`); typical mistakes are
recognised by running the reference with the mistake built in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .core import Case, CaseFailure, CheckResult, call, expect_array, run_cases

__all__ = [
    "POOLING_X",
    "check_avg_pool2d",
    "check_max_pool2d",
    "check_stochastic_pool_inference",
]

# The lecture notes' 4×4 example: 2×2, stride 2 max pooling gives [[6, 8], [3, 4]], average
# pooling [[3, 4.75], [1.75, 1.75]].
POOLING_X = np.array([[1, 1, 2, 3], [4, 6, 6, 8], [3, 1, 1, 0], [1, 2, 2, 4]], dtype=np.float64)
POOLING_X.setflags(write=False)


def torch_pool2d(
    kind: str, x: np.ndarray, kernel_size: int, stride: int | None = None, ceil_mode: bool = False
) -> np.ndarray:
    """The reference: `torch.nn.functional.{max,avg}_pool2d` (kind "max" or "avg"), or
    stochastic pooling at inference ("stochastic"), in float64. x: (N, C, H, W)."""

    t = torch.from_numpy(np.array(x, dtype=np.float64, order="C"))
    if kind == "stochastic":
        from ..stochastic_pooling import stochastic_pool2d

        return stochastic_pool2d(t, kernel_size, stride, training=False).numpy()
    pool = {"max": F.max_pool2d, "avg": F.avg_pool2d}[kind]
    return pool(t, kernel_size, stride, ceil_mode=ceil_mode).numpy()


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)  # fixed seeds: every run of a check is the same


def _pool_case(
    kind: str, label: str, x: np.ndarray, kernel_size: int, stride: int | None = None,
    ceil_mode: bool = False,
) -> Case:
    """One call of the learner's `{kind}_pool2d(x, kernel_size, stride=…[, ceil_mode=…])`."""
    k = kernel_size

    def mistakes() -> list[tuple[np.ndarray, str]]:
        other = "avg" if kind == "max" else "max"
        found = [(torch_pool2d(other, x, k, stride, ceil_mode),
                  f"that is {other} pooling: {kind} pooling takes the "
                  + ("largest value" if kind == "max" else "mean") + " of each window")]
        if stride is None:
            found.append((torch_pool2d(kind, x, k, 1), "stride=None means stride = kernel_size "
                          "(windows side by side, as in PyTorch), not 1"))
        if kind == "max":
            found.append((np.maximum(torch_pool2d(kind, x, k, stride, ceil_mode), 0),
                          "a window of negative values gives 0: start from -inf (or the "
                          "window's first element), not from 0"))
        if kind == "avg":
            found.append((torch_pool2d(kind, x, k, stride) * k * k,
                          f"that is the window's sum: divide by the {k * k} elements"))
        if ceil_mode:
            found.append((torch_pool2d(kind, x, k, stride),
                          "ceil_mode=True keeps the last, partial window: "
                          "H_out = ⌈(H − k)/stride⌉ + 1; that window holds what is left"))
        return found

    def run(fn: Callable[..., Any]) -> None:
        kwargs: dict[str, Any] = {} if stride is None else {"stride": stride}
        if ceil_mode:
            kwargs["ceil_mode"] = True
        expect_array(call(fn, x, k, **kwargs), torch_pool2d(kind, x, k, stride, ceil_mode),
                     mistakes)

    return Case(label, run)


def check_max_pool2d(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, kernel_size, stride=None, ceil_mode=False)` against torch.

    x: (N, C, H, W) → (N, C, H_out, W_out); stride defaults to kernel_size.
    """
    rng = _rng(7)
    cases = [
        _pool_case("max", "worked example: 2×2 windows, stride 2 → [[6, 8], [3, 4]]",
                   POOLING_X[None, None], 2),
        _pool_case("max", "2 images, 3 channels, 3×3 windows with stride 2 (overlapping)",
                   rng.standard_normal((2, 3, 9, 9)), 3, 2),
        _pool_case("max", "negative values only", -rng.random((1, 2, 6, 6)) - 1, 2),
        _pool_case("max", "ceil mode: 7×7 → 4×4", rng.standard_normal((1, 2, 7, 7)), 2,
                   ceil_mode=True),
    ]
    return run_cases("max_pool2d", fn, cases, verbose=verbose)


def check_avg_pool2d(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, kernel_size, stride=None)` against torch."""
    rng = _rng(8)
    cases = [
        _pool_case("avg", "worked example → [[3, 4.75], [1.75, 1.75]]", POOLING_X[None, None], 2),
        _pool_case("avg", "2 images, 3 channels, 2×2 windows on 7×6 (floor: last row dropped)",
                   rng.standard_normal((2, 3, 7, 6)), 2),
        _pool_case("avg", "3×3 windows, stride 2", rng.standard_normal((1, 4, 9, 11)), 3, 2),
    ]
    return run_cases("avg_pool2d", fn, cases, verbose=verbose)


def _stochastic_case(label: str, x: np.ndarray, k: int) -> Case:
    def mistakes() -> list[tuple[np.ndarray, str]]:
        sq = torch_pool2d("avg", x**2, k) * k * k  # Σ a² per window
        return [
            (torch_pool2d("avg", x, k), "that is average pooling: weight each a_i by its own "
                                        "p_i = a_i / Σ a_k instead of by 1/k²"),
            (torch_pool2d("max", x, k), "that is max pooling: at inference stochastic pooling "
                                        "takes the expectation Σ p_i a_i"),
            (sq, "you returned Σ a_i²: divide by Σ a_k (p_i = a_i / Σ a_k)"),
        ]

    def run(fn: Callable[..., Any]) -> None:
        got = call(fn, x, k)
        if isinstance(got, np.ndarray) and got.dtype.kind == "f" and np.isnan(got).any():
            raise CaseFailure("NaN in the output: a window of zeros has Σ a_k = 0; its "
                              "output must be 0 (every a_i is 0), not 0/0")
        expect_array(got, torch_pool2d("stochastic", x, k), mistakes)

    return Case(label, run)


def check_stochastic_pool_inference(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, kernel_size)`: stochastic pooling at inference, Σ p_i a_i per window,
    windows side by side (stride = kernel_size), x ≥ 0 of shape (N, C, H, W)."""
    rng = _rng(10)
    zeros = rng.random((1, 2, 6, 6))
    zeros[:, :, :2, :2] = 0.0  # a window of zeros in each channel
    cases = [
        _stochastic_case("worked example → [[4.5, 5.95], [2.14, 3]]", POOLING_X[None, None], 2),
        _stochastic_case("2 images, 3 channels, 3×3 windows", rng.random((2, 3, 9, 9)), 3),
        _stochastic_case("a window of zeros", zeros, 2),
    ]
    return run_cases("stochastic_pool_inference", fn, cases, verbose=verbose)
