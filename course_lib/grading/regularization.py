"""Checks for the regularization exercises: spatial (channel-wise) inverted dropout, dropout's
backward pass, and one SGD step with weight decay. References are written independently of the
learner's code: dropout's is `torch.nn.functional.dropout2d`'s contract (whole maps zeroed with
probability p, the rest scaled by 1/(1 − p), identity in evaluation), its gradient autograd and
centred differences in float64; typical mistakes get their own message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .core import Case, CaseFailure, CheckResult, call, expect_array, run_cases
from .gradients import expect_gradients, reference_gradients

__all__ = [
    "check_dropout_backward",
    "check_spatial_dropout",
    "check_weight_decay_step",
]


# ------------------------------------------------------------------------------ spatial dropout


def _scaling(out: np.ndarray, x: np.ndarray, kept: np.ndarray, p: float) -> None:
    """Check that every kept value is x/(1 − p): each scaling mistake has its own message."""
    ratio = out[kept] / x[kept]
    if not np.allclose(ratio, ratio[0]):
        raise CaseFailure("kept values must all be multiplied by the same factor 1/(1 − p)")
    if np.isclose(ratio[0], 1.0):
        raise CaseFailure("kept values are not rescaled: inverted dropout divides them by "
                          "(1 − p), so the expected output equals the input")
    if np.isclose(ratio[0], 1 - p):
        raise CaseFailure("kept values are multiplied by (1 − p): that is the test-time "
                          "scaling of the original dropout; inverted dropout divides by (1 − p) "
                          "during training and leaves evaluation alone")
    if np.isclose(ratio[0], 1 / p) and not np.isclose(p, 0.5):
        raise CaseFailure("kept values are divided by p: divide by the keep probability 1 − p")
    if not np.isclose(ratio[0], 1 / (1 - p)):
        raise CaseFailure(f"kept values are scaled by {ratio[0]:.4g}, expected 1/(1 − p) = "
                          f"{1 / (1 - p):.4g}")


def _share(dropped: np.ndarray, p: float, what: str) -> None:
    """Check that about a fraction p of the `what` (maps) were dropped."""
    share = dropped.mean()
    tolerance = 4 * np.sqrt(p * (1 - p) / dropped.size) + 1e-3  # ~4 standard deviations
    if abs(share - (1 - p)) < tolerance and not np.isclose(p, 0.5):
        raise CaseFailure(f"{share:.1%} of the {what} were dropped, about 1 − p: p is the "
                          "probability of dropping, not of keeping")
    if abs(share - p) > tolerance:
        raise CaseFailure(f"{share:.1%} of the {what} were dropped, expected about p = {p:.0%}")


def _spatial_statistics(out: Any, x: np.ndarray, p: float) -> None:
    """A training-mode output of spatial dropout: whole maps 0 or x/(1 − p), about p of them 0,
    chosen independently for every image and channel. x has no zeros."""
    if out is None:
        raise CaseFailure("returned None: did you forget the `return` statement?")
    if not isinstance(out, np.ndarray) or out.shape != x.shape:
        got = out.shape if isinstance(out, np.ndarray) else type(out).__name__
        raise CaseFailure(f"expected an array of the input's shape {x.shape}, got {got}")
    if not np.isfinite(out).all():
        raise CaseFailure("the output holds NaN or inf")
    zero = out == 0
    if not zero.any():
        raise CaseFailure("nothing was dropped: in training mode drop each feature map with "
                          "probability p")
    dropped = zero.all(axis=(2, 3))  # (N, C): whole maps
    if (zero.any(axis=(2, 3)) & ~dropped).any():
        raise CaseFailure("single values were dropped inside a feature map: spatial dropout "
                          "zeroes whole maps (all H × W values of one channel of one image) "
                          "at once, since neighbouring values carry the same information")
    if dropped.all():
        raise CaseFailure(f"every map was dropped; with p = {p} about {1 - p:.0%} should stay")
    _scaling(out, x, ~zero, p)
    if (dropped.all(axis=1) | ~dropped.any(axis=1)).all():
        raise CaseFailure("whole images were dropped (all their channels together): draw one "
                          "choice per image and channel, a mask of shape (N, C, 1, 1)")
    if (dropped == dropped[:1]).all():
        raise CaseFailure("every image dropped the same channels: draw one choice per image "
                          "and channel, a mask of shape (N, C, 1, 1), not (1, C, 1, 1)")
    _share(dropped, p, "feature maps")


def _spatial_train_case(label: str, x: np.ndarray, p: float, seed: int) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        _spatial_statistics(call(fn, x, p, True, np.random.default_rng(seed)), x, p)

    return Case(label, run)


def _spatial_eval_case() -> Case:
    x = np.random.default_rng(11).normal(size=(6, 8, 5, 5))

    def run(fn: Callable[..., Any]) -> None:
        out = call(fn, x, 0.5, False, np.random.default_rng(0))
        try:
            expect_array(out, x)
        except CaseFailure as failure:
            if isinstance(out, np.ndarray) and out.shape == x.shape:
                raise CaseFailure("with training=False (model.eval()) dropout must return the "
                                  "input unchanged: no maps dropped, no scaling") from None
            raise failure from None

    return Case("evaluation mode returns x unchanged", run)


def _spatial_rng_case() -> Case:
    x = np.ones((10, 16, 3, 3))

    def run(fn: Callable[..., Any]) -> None:
        first = call(fn, x, 0.5, True, np.random.default_rng(5))
        second = call(fn, x, 0.5, True, np.random.default_rng(5))
        if not (isinstance(first, np.ndarray) and isinstance(second, np.ndarray)):
            raise CaseFailure("expected NumPy arrays")
        if not np.array_equal(first, second):
            raise CaseFailure("two calls with identically seeded `rng`s gave different masks: "
                              "draw the random numbers from the `rng` argument "
                              "(rng.random(...)), not from np.random")
        three = call(fn, x, 0.5, True, np.random.default_rng(6))
        if np.array_equal(first, three):
            raise CaseFailure("differently seeded `rng`s gave the same mask: the mask must be "
                              "random")

    return Case("the mask comes from the given rng", run)


def check_spatial_dropout(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, p, training, rng)`: spatial (channel-wise) inverted dropout of feature maps
    x: (N, C, H, W), like `torch.nn.functional.dropout2d`."""
    rng = np.random.default_rng(3)
    cases = [
        _spatial_train_case("p = 0.5 on ones, 64 images × 32 channels of 4 × 4",
                            np.ones((64, 32, 4, 4)), 0.5, 1),
        _spatial_train_case("p = 0.2 on random maps (50 × 16 × 5 × 5)",
                            rng.normal(size=(50, 16, 5, 5)) + 0.1, 0.2, 2),
        _spatial_train_case("p = 0.8, 40 × 20 × 3 × 3", rng.normal(size=(40, 20, 3, 3)) + 0.1,
                            0.8, 3),
        _spatial_eval_case(),
        _spatial_rng_case(),
    ]
    return run_cases("spatial_dropout", fn, cases, verbose=verbose)


# ------------------------------------------------------------------------- dropout's backward


def _dropout_backward_case(label: str, keep: np.ndarray, p: float, dout: np.ndarray,
                           x_shape: tuple[int, ...]) -> Case:
    x = np.random.default_rng(len(label)).normal(size=x_shape)
    scale = 1 / (1 - p)

    mask = keep * scale

    def forward(v: Any) -> Any:
        return v * (torch.from_numpy(mask) if isinstance(v, torch.Tensor) else mask)

    def mistakes() -> list[tuple[tuple[np.ndarray], str]]:
        full = np.broadcast_to(keep, x_shape)
        return [
            ((dout * full,), "not rescaled by 1/(1 − p): the forward pass multiplied the kept "
                             "values by 1/(1 − p), so their gradient is scaled the same way"),
            ((dout * full * (1 - p),), "multiplied by (1 − p): the forward pass divided by "
                                       "the keep probability, so the gradient is divided too"),
            ((dout * ~full * scale,), "the mask is the wrong way round: gradient flows through "
                                      "the kept units (keep == True), not the dropped ones"),
            ((dout * full / p,), "divided by p: divide by the keep probability 1 − p"),
            ((dout * scale,), "the dropped units got a gradient: they were multiplied by 0, "
                              "so their gradient is 0"),
            ((dout.copy(),), "the gradient passed through unchanged: that is dropout in "
                             "evaluation mode; in training it goes through the same mask"),
        ]

    def run(fn: Callable[..., Any]) -> None:
        autograd, numeric = reference_gradients(forward, (x,), dout)
        expect_gradients(call(fn, dout, keep, p), autograd, numeric, ("dx",), mistakes)

    return Case(label, run)


def check_dropout_backward(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(dout, keep, p)` → dx for inverted dropout out = x · keep / (1 − p), with
    `keep` boolean of x's shape or broadcastable to it, against autograd and centred
    differences."""
    rng = np.random.default_rng(4)
    worked = np.array([[True, False, True], [False, True, True]])
    cases = [
        _dropout_backward_case("worked example: dout = 1, p = 0.5 → 0s and 2s", worked, 0.5,
                               np.ones((2, 3)), (2, 3)),
        _dropout_backward_case("p = 0.2 on a 8 × 5 layer", rng.random((8, 5)) >= 0.2, 0.2,
                               rng.normal(size=(8, 5)), (8, 5)),
        _dropout_backward_case("p = 0.8 on (4, 3, 5, 5) feature maps",
                               rng.random((4, 3, 5, 5)) >= 0.8, 0.8,
                               rng.normal(size=(4, 3, 5, 5)), (4, 3, 5, 5)),
        _dropout_backward_case("spatial dropout: keep (3, 4, 1, 1) broadcast over 6 × 6 maps",
                               rng.random((3, 4, 1, 1)) >= 0.3, 0.3,
                               rng.normal(size=(3, 4, 6, 6)), (3, 4, 6, 6)),
    ]
    return run_cases("dropout_backward", fn, cases, verbose=verbose)


# -------------------------------------------------------------------------------- weight decay


def _decay_case(label: str, w: np.ndarray, grad: np.ndarray, lr: float, wd: float) -> Case:
    def mistakes() -> list[tuple[np.ndarray, str]]:
        return [
            (w - lr * grad - wd * w, "the decay λ·w is part of the gradient, so it is scaled "
                                     "by the learning rate too: w − lr·(grad + λ·w)"),
            (w - lr * grad, "weight decay is missing: add λ·w to the gradient"),
            (w - lr * (grad - wd * w), "the decay must shrink the weights: add +λ·w to the "
                                       "gradient (it is the gradient of (λ/2)·Σw²)"),
            (w + lr * (grad + wd * w), "a gradient step goes against the gradient: subtract"),
            (w - lr * (grad + 2 * wd * w), "PyTorch's weight_decay=λ adds λ·w, the gradient "
                                           "of (λ/2)·Σw², not 2λ·w"),
        ]

    def run(fn: Callable[..., Any]) -> None:
        expect_array(call(fn, w, grad, lr, wd), w - lr * (grad + wd * w), mistakes)

    return Case(label, run)


def check_weight_decay_step(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(w, grad, lr, weight_decay)`: one plain SGD step with weight decay, like
    `torch.optim.SGD(..., weight_decay=λ)` without momentum."""
    rng = np.random.default_rng(9)
    cases = [
        _decay_case("worked example: w = [1, -2], grad = [0.5, 0.5], lr 0.1, λ 0.01",
                    np.array([1.0, -2.0]), np.array([0.5, 0.5]), 0.1, 0.01),
        _decay_case("a random 5×4 weight matrix, lr 0.05, λ 5e-4", rng.normal(size=(5, 4)),
                    rng.normal(size=(5, 4)), 0.05, 5e-4),
    ]
    return run_cases("weight_decay_step", fn, cases, verbose=verbose)
