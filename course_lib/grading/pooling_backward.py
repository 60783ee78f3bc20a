"""Checks for the pooling backward passes: `max_pool2d_backward(dout, x, kernel_size, stride)` and
`avg_pool2d_backward(dout, input_shape, kernel_size, stride)` return ∂L/∂x for
L = Σ dout · pool(x) (floor mode, no padding).

References are torch autograd in float64 and, on one case each, central differences
(`numerics.numerical_gradient`); the inputs have no ties, so the maximum of a window is unique
and max pooling is differentiable there. Mistakes are recognised by a loop over the windows that
has the mistake built in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ..numerics import numerical_gradient
from .core import Case, CheckResult, call, expect_array, run_cases
from .pooling import POOLING_X, torch_pool2d

__all__ = ["check_avg_pool2d_backward", "check_max_pool2d_backward", "pool2d_gradient"]


def pool2d_gradient(kind: str, dout: np.ndarray, x: np.ndarray, kernel_size: int,
                    stride: int | None = None, numerical: bool = False) -> np.ndarray:
    """∂/∂x of Σ dout · {kind}_pool2d(x) (kind "max" or "avg"), by autograd in float64 or by
    central differences of the forward pass."""
    if numerical:
        return numerical_gradient(  # on a float64 copy: numerical_gradient edits its input
            lambda a: float((dout * torch_pool2d(kind, a, kernel_size, stride)).sum()),
            np.array(x, dtype=np.float64), h=1e-6)
    t = torch.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    pool = torch.nn.functional.max_pool2d if kind == "max" else torch.nn.functional.avg_pool2d
    pool(t, kernel_size, stride).backward(torch.tensor(np.asarray(dout, dtype=np.float64)))
    return t.grad.numpy()


def _by_windows(dout: np.ndarray, x: np.ndarray, k: int, s: int, share: str,
                assign: bool = False) -> np.ndarray:
    """dx by a loop over the windows: each window's dout goes to its maximum ("max"), to each
    element ("all"), or a 1/k² share to each element ("mean"); `assign` overwrites overlaps."""
    dx = np.zeros(x.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * s, i * s + k), slice(j * s, j * s + k)
            g = dout[:, :, i, j][:, :, None, None]
            if share == "max":
                window = x[:, :, rows, cols]
                flat = window.reshape(*window.shape[:2], -1)
                winner = (flat == flat.max(axis=2, keepdims=True)).reshape(window.shape)
                part = g * winner
                if assign:  # the winner's entry overwritten, the others left as they were
                    part = np.where(winner, g, dx[:, :, rows, cols])
            else:
                part = np.broadcast_to(g / (k * k if share == "mean" else 1), (*g.shape[:2], k, k))
            if assign:
                dx[:, :, rows, cols] = part
            else:
                dx[:, :, rows, cols] += part
    return dx


def _mistakes(kind: str, dout: np.ndarray, x: np.ndarray, k: int,
              s: int) -> list[tuple[np.ndarray, str]]:
    found: list[tuple[np.ndarray, str]] = []
    if kind == "max":
        found += [(_by_windows(dout, x, k, s, "all"), "every element of the window got the "
                   "gradient: the maximum depends on its winner alone, so route dout to the "
                   "winner and give the others 0"),
                  (_by_windows(dout, x, k, s, "mean"), "that is average pooling's backward "
                   "pass: max pooling sends all of dout to the window's maximum")]
    else:
        found += [(_by_windows(dout, x, k, s, "all"), f"each element is 1/{k * k} of the "
                   f"mean: share dout / {k * k} among the window's elements"),
                  (_by_windows(dout, x, k, s, "max"), "that is max pooling's backward pass: "
                   "the mean depends on every element of its window equally")]
    if s < k:
        found.append((_by_windows(dout, x, k, s, "max" if kind == "max" else "mean",
                                  assign=True),
                      "windows overlap (stride < kernel): an element in several windows "
                      "collects the gradient of each: add (+=), do not assign"))
    return found


def _backward_case(kind: str, label: str, x: np.ndarray, k: int, stride: int | None = None,
                   dout: np.ndarray | None = None, numerical: bool = False) -> Case:
    s = k if stride is None else stride
    H_out, W_out = (x.shape[2] - k) // s + 1, (x.shape[3] - k) // s + 1
    if dout is None:
        dout = np.random.default_rng(x.size + k).standard_normal((*x.shape[:2], H_out, W_out))
    for a in (x, dout):
        a.setflags(write=False)
    kwargs = {} if stride is None else {"stride": stride}

    def run(fn: Callable[..., Any]) -> None:
        first = x if kind == "max" else tuple(int(n) for n in x.shape)
        expect_array(call(fn, dout, first, k, **kwargs),
                     pool2d_gradient(kind, dout, x, k, stride, numerical),
                     lambda: _mistakes(kind, dout, x, k, s))

    return Case(label, run)


def _untied(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random values, all different: no window has two maxima."""
    return rng.permutation(np.prod(shape)).reshape(shape) / 10 - 3.0


def check_max_pool2d_backward(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(dout, x, kernel_size, stride=None) -> dx` (x's shape), the gradient of
    Σ dout · max_pool2d(x, kernel_size, stride), against autograd and central differences."""
    rng = np.random.default_rng(12)
    peak = _untied(rng, (1, 1, 5, 5))
    peak[0, 0, 2, 2] = 10.0  # the centre wins all four 3×3 windows of stride 2
    dout = np.array([[10.0, 20.0], [30.0, 40.0]])[None, None]
    cases = [
        _backward_case("max", "worked example, dout = [[10, 20], [30, 40]]: each goes to its "
                       "window's maximum", POOLING_X[None, None], 2, dout=dout),
        _backward_case("max", "2 images, 3 channels, 2×2 windows on 7×6 (floor: the last row "
                       "gets 0)", _untied(rng, (2, 3, 7, 6)), 2),
        _backward_case("max", "overlapping 3×3 windows, stride 2: the centre wins four windows",
                       peak, 3, 2),
        _backward_case("max", "3×3 windows, stride 1 (many overlaps), against autograd",
                       _untied(rng, (2, 2, 6, 7)), 3, 1),
        _backward_case("max", "3×3 windows, stride 2, against central differences (float64)",
                       _untied(rng, (1, 2, 9, 9)), 3, 2, numerical=True),
    ]
    return run_cases("max_pool2d_backward", fn, cases, verbose=verbose)


def check_avg_pool2d_backward(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(dout, input_shape, kernel_size, stride=None) -> dx` of shape `input_shape`, the
    gradient of Σ dout · avg_pool2d(x, kernel_size, stride), against autograd and central
    differences."""
    rng = np.random.default_rng(13)
    dout = np.array([[10.0, 20.0], [30.0, 40.0]])[None, None]
    cases = [
        _backward_case("avg", "worked example, dout = [[10, 20], [30, 40]]: a quarter to each "
                       "element", POOLING_X[None, None], 2, dout=dout),
        _backward_case("avg", "2 images, 3 channels, 2×2 windows on 7×6 (floor: the last row "
                       "gets 0)", rng.standard_normal((2, 3, 7, 6)), 2),
        _backward_case("avg", "overlapping 3×3 windows, stride 2, against central differences "
                       "(float64)", rng.standard_normal((1, 2, 9, 9)), 3, 2, numerical=True),
    ]
    return run_cases("avg_pool2d_backward", fn, cases, verbose=verbose)
