"""Checks for the convolution backward pass: `conv2d_backward(dout, x, weight, stride, padding)`
returns the gradients (dx, dw, db) of L = Σ dout · conv2d(x, weight, bias, stride, padding).

References are torch autograd in float64 and, on one case, central differences
(`numerics.numerical_gradient`); typical mistakes are recognised by a loop that scatters each
output's gradient over its window with the mistake built in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..numerics import numerical_gradient
from .convolution import torch_conv2d
from .core import Case, CaseFailure, CheckResult, call, expect_array, run_cases

__all__ = ["check_conv2d_backward", "conv2d_gradients"]

NAMES = ("dx", "dw", "db")


def conv2d_gradients(
    dout: np.ndarray, x: np.ndarray, weight: np.ndarray, stride: int = 1, padding: int = 0,
    numerical: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dx, dw, db) of Σ dout · conv2d(x, weight, bias): by autograd in float64, or by central
    differences of the forward pass when `numerical`."""
    bias = np.zeros(weight.shape[0])
    if numerical:
        def loss(x_: np.ndarray, w_: np.ndarray, b_: np.ndarray) -> float:
            return float((dout * torch_conv2d(x_, w_, b_, stride, padding)).sum())

        def at(a: np.ndarray) -> np.ndarray:  # a float64 copy: numerical_gradient edits it
            return np.array(a, dtype=np.float64)

        return (numerical_gradient(lambda a: loss(a, weight, bias), at(x), h=1e-6),
                numerical_gradient(lambda a: loss(x, a, bias), at(weight), h=1e-6),
                numerical_gradient(lambda a: loss(x, weight, a), at(bias), h=1e-6))
    t = [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)
         for a in (x, weight, bias)]
    y = F.conv2d(*t, stride=stride, padding=padding)
    y.backward(torch.tensor(np.asarray(dout, dtype=np.float64)))
    return tuple(a.grad.numpy() for a in t)  # type: ignore[return-value]


def _scatter(dout: np.ndarray, x: np.ndarray, weight: np.ndarray, stride: int, padding: int,
             step: int | None = None, flip: bool = False, assign: bool = False,
             keep_padding: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(dx, dw) by a loop over output positions, with a typical mistake built in: windows
    `step` apart instead of `stride`, the kernel flipped, overlaps assigned instead of added,
    or dx left padded."""
    step = stride if step is None else step
    P = padding
    xp = np.pad(np.asarray(x, np.float64), ((0, 0), (0, 0), (P, P), (P, P)))
    w = weight[:, :, ::-1, ::-1] if flip else weight
    kH, kW = weight.shape[2:]
    dxp, dw = np.zeros_like(xp), np.zeros(weight.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows, cols = slice(i * step, i * step + kH), slice(j * step, j * step + kW)
            if rows.stop > xp.shape[2] or cols.stop > xp.shape[3]:
                continue
            g = dout[:, :, i, j]  # (N, C_out)
            spread = np.tensordot(g, w, axes=([1], [0]))  # (N, C, kH, kW)
            if assign:
                dxp[:, :, rows, cols] = spread
            else:
                dxp[:, :, rows, cols] += spread
            dw += np.tensordot(g, xp[:, :, rows, cols], axes=([0], [0]))
    if flip:
        dw = dw[:, :, ::-1, ::-1]
    dx = dxp if keep_padding or not P else dxp[:, :, P:-P, P:-P]
    return dx, dw


def _mistakes(dout: np.ndarray, x: np.ndarray, weight: np.ndarray, stride: int, padding: int,
              name: str) -> list[tuple[np.ndarray, str]]:
    N, _, H_out, W_out = dout.shape
    k = NAMES.index(name)
    found: list[tuple[np.ndarray, str]] = []
    if name == "db":
        db = dout.sum(axis=(0, 2, 3))
        return [(dout.sum(axis=(2, 3)), "sum over the batch too: db has one number per filter"),
                (db / (N * H_out * W_out), "the bias is added at every output position of every "
                 "image: db is the SUM of dout over N, H_out and W_out, not its mean"),
                (db / N, "L sums over the batch: do not divide by N")]
    ref = conv2d_gradients(dout, x, weight, stride, padding)[k]
    if padding:
        found.append((_scatter(dout, x, weight, stride, padding, keep_padding=True)[0],
                      "that is the gradient of the padded input: drop the padding rows and "
                      "columns (dxp[:, :, P:-P, P:-P])"))
    found.append((_scatter(dout, x, weight, stride, padding, flip=True)[k],
                  "the kernel is flipped: output (i, j) used x[i·S + u, j·S + v] · w[u, v], so "
                  "its gradient goes back with w[u, v] unflipped (as a correlation of dout with "
                  "w it is a 'full' convolution: the kernel rotated by 180°)"))
    if stride < weight.shape[2] or stride < weight.shape[3]:
        found.append((_scatter(dout, x, weight, stride, padding, assign=True)[k],
                      "windows overlap (stride < kernel): an input in several windows collects "
                      "the gradient of each: add (+=) into dx, do not assign"))
    if stride > 1:
        found.append((_scatter(dout, x, weight, stride, padding, step=1)[k],
                      "output (i, j) read the window starting at (i·S, j·S): use the stride when "
                      "you place each window"))
    if name == "dw":
        found.append((ref / N, "L sums over the batch: do not divide by N"))
        found.append((np.swapaxes(ref, 0, 1), "the filter and channel axes are swapped: dw "
                      "has weight's shape (C_out, C, kH, kW)"))
    return found


def _backward_case(label: str, seed: int, x_shape: tuple[int, ...], w_shape: tuple[int, ...],
                   stride: int = 1, padding: int = 0, numerical: bool = False,
                   points: int = 1) -> Case:
    rng = np.random.default_rng(seed)  # fixed seeds: every report is the same
    x, weight = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    H_out = (x_shape[2] + 2 * padding - w_shape[2]) // stride + 1
    W_out = (x_shape[3] + 2 * padding - w_shape[3]) // stride + 1
    dout = rng.standard_normal((x_shape[0], w_shape[0], H_out, W_out))
    for a in (x, weight, dout):
        a.setflags(write=False)

    def run(fn: Callable[..., Any]) -> None:
        got = call(fn, dout, x, weight, stride=stride, padding=padding)
        if got is None:
            raise CaseFailure("returned None: did you forget the `return` statement?")
        if not isinstance(got, tuple | list) or len(got) != 3:
            raise CaseFailure(f"expected a tuple (dx, dw, db), got a {type(got).__name__}"
                              + (f" of length {len(got)}" if isinstance(got, tuple | list)
                                 else ""))
        expected = conv2d_gradients(dout, x, weight, stride, padding, numerical=numerical)
        for k, name in enumerate(NAMES):
            try:
                expect_array(got[k], expected[k],
                             lambda n=name: _mistakes(dout, x, weight, stride, padding, n))
            except CaseFailure as e:
                raise CaseFailure(f"{name}: {e}") from None

    return Case(label, run, points)


def check_conv2d_backward(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(dout, x, weight, stride=1, padding=0) -> (dx, dw, db)`, the gradients of
    Σ dout · conv2d(x, weight, bias, stride, padding), against autograd and central differences.
    """
    cases = [
        _backward_case("1 image, 1 channel, 3×3 kernel on 5×5, stride 1", 41, (1, 1, 5, 5),
                       (1, 1, 3, 3)),
        _backward_case("2 images, 3 channels, 4 filters of 3×2", 42, (2, 3, 6, 5), (4, 3, 3, 2)),
        _backward_case("padding 1 (dx has the unpadded input's shape)", 43, (2, 2, 5, 6),
                       (3, 2, 3, 3), padding=1),
        _backward_case("stride 2 with overlapping 3×3 windows; on 8×8 the last row and column "
                       "are never seen", 44, (2, 2, 8, 8), (3, 2, 3, 3), stride=2),
        _backward_case("stride 2, padding 1, 4×4 kernel, against autograd", 45, (1, 3, 7, 7),
                       (2, 3, 4, 4), stride=2, padding=1),
        _backward_case("stride 3, padding 2, against central differences (float64)", 46,
                       (2, 2, 6, 7), (3, 2, 3, 3), stride=3, padding=2, numerical=True),
    ]
    return run_cases("conv2d_backward", fn, cases, verbose=verbose)
