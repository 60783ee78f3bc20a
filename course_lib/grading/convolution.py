"""Checks for the from-scratch convolution exercises: `correlate2d` and `conv2d` (its backward pass
is checked in `conv_backward`).

Every reference is `torch.nn.functional.conv2d` in float64 (deep-learning convolution is
cross-correlation: no kernel flip); wrong implementations are recognised by running the same
reference with the mistake built in (flipped kernel, no bias, no padding, stride ignored).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..ops.conv import WORKED_EXAMPLE_IMAGE, WORKED_EXAMPLE_KERNEL
from .core import Case, CheckResult, call, expect_array, run_cases

__all__ = [
    "check_conv2d",
    "check_correlate2d",
    "torch_conv2d",
]


FLIPPED = (
    "your output matches true convolution (the kernel flipped); deep-learning 'convolution' is "
    "cross-correlation and does not flip: y[i, j] = Σ x[i + u, j + v] · k[u, v]"
)
NO_PADDING = "did you forget the padding? add `padding` rows/columns of zeros on every side"


def torch_conv2d(
    x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None, stride: int = 1,
    padding: int = 0,
) -> np.ndarray:
    """The reference: `torch.nn.functional.conv2d` in float64, as a NumPy array.

    x: (N, C, H, W), weight: (C_out, C, kH, kW), bias: (C_out,) → (N, C_out, H_out, W_out).
    """

    def tensor(a: np.ndarray | None) -> Any:
        return None if a is None else torch.from_numpy(np.array(a, dtype=np.float64, order="C"))

    return F.conv2d(tensor(x), tensor(weight), tensor(bias), stride=stride, padding=padding).numpy()


def _correlate(x: np.ndarray, k: np.ndarray, padding: int = 0) -> np.ndarray:
    """Single-channel reference: x: (H, W), k: (kH, kW) → (H + 2P − kH + 1, W + 2P − kW + 1)."""
    return torch_conv2d(x[None, None], k[None, None], padding=padding)[0, 0]


def _rng(seed: int) -> np.random.Generator:
    # Fixed seeds: every run of a check (and its printed report) is the same.
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------------- correlate2d


def _correlate_case(label: str, x: np.ndarray, k: np.ndarray) -> Case:
    def mistakes() -> list[tuple[np.ndarray, str]]:
        found = [(_correlate(x, k[::-1, ::-1]), FLIPPED)]
        if k.shape[0] == k.shape[1]:
            found.append((_correlate(x, k.T), "your kernel is transposed: k[u, v] is row u, "
                                              "column v"))
            found.append((_correlate(x, k, padding=k.shape[0] // 2), "that is 'same' padding: "
                          "here no padding ('valid'), size (H − kH + 1, W − kW + 1)"))
        else:
            found.append((_correlate(x, k.T), "the kernel's height and width are swapped: "
                                              "kH, kW = k.shape"))
        return found

    def run(fn: Callable[..., Any]) -> None:
        expect_array(call(fn, x, k), _correlate(x, k), mistakes)

    return Case(label, run)


def check_correlate2d(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, k)`: valid cross-correlation of x: (H, W) with k: (kH, kW)."""
    rng = _rng(3)
    cases = [
        _correlate_case("worked example (5×5 input, 3×3 kernel)", WORKED_EXAMPLE_IMAGE,
                        WORKED_EXAMPLE_KERNEL),
        _correlate_case("a non-symmetric kernel (catches a flipped kernel)",
                        rng.integers(0, 5, (6, 6)), np.array([[1, 2, 0], [0, -1, 3], [-2, 0, 1]])),
        _correlate_case("random 7×9 input, 2×4 kernel, against torch",
                        rng.standard_normal((7, 9)), rng.standard_normal((2, 4))),
    ]
    return run_cases("correlate2d", fn, cases, verbose=verbose)


# --------------------------------------------------------------------------------------- conv2d


def _conv2d_case(
    label: str, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None,
    stride: int = 1, padding: int = 0,
) -> Case:
    def ref(**change: Any) -> np.ndarray:  # the reference with one thing changed
        args = {"x": x, "weight": weight, "bias": bias, "stride": stride, "padding": padding}
        return torch_conv2d(**(args | change))

    def mistakes() -> list[tuple[np.ndarray, str]]:
        found = [(ref(weight=weight[:, :, ::-1, ::-1]), FLIPPED)]
        if padding and stride > 1:
            found.append((ref(padding=0, stride=1), "did you ignore both padding and stride?"))
        if padding:
            found.append((ref(padding=0), NO_PADDING))
        if stride > 1:
            found.append((ref(stride=1), "did you ignore the stride? the kernel moves `stride` "
                                         "pixels at a time: H_out = (H + 2P − kH) // S + 1"))
        if bias is not None:
            found.append((ref(bias=None), "did you forget the bias? add bias[c] to every "
                                          "position of output channel c"))
        if x.shape[1] > 1:
            found.append((ref(x=x[:, :1], weight=weight[:, :1]),
                          "only the first input channel is used: each filter sums over all "
                          "C input channels"))
        return found

    def run(fn: Callable[..., Any]) -> None:
        expect_array(call(fn, x, weight, bias=bias, stride=stride, padding=padding), ref(),
                     mistakes)

    return Case(label, run)


def check_conv2d(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, weight, bias=None, stride=1, padding=0)` against torch.

    x: (N, C, H, W), weight: (C_out, C, kH, kW), bias: (C_out,) → (N, C_out, H_out, W_out).
    """
    rng = _rng(4)
    normal = rng.standard_normal
    cases = [
        _conv2d_case("worked example as (1, 1, 5, 5) input, (1, 1, 3, 3) weight",
                     WORKED_EXAMPLE_IMAGE[None, None], WORKED_EXAMPLE_KERNEL[None, None]),
        _conv2d_case("2 images, 3 channels, 4 filters", normal((2, 3, 6, 5)), normal((4, 3, 3, 3))),
        _conv2d_case("with a bias", normal((2, 3, 5, 5)), normal((4, 3, 3, 3)), normal(4)),
        _conv2d_case("padding 2", normal((2, 2, 5, 6)), normal((3, 2, 3, 3)), padding=2),
        _conv2d_case("stride 2, padding 1, bias, 3×2 kernel on 7×8", normal((2, 3, 7, 8)),
                     normal((4, 3, 3, 2)), normal(4), stride=2, padding=1),
    ]
    return run_cases("conv2d", fn, cases, verbose=verbose)
