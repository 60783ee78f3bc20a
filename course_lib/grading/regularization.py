"""Checks for the regularization exercises: inverted `dropout`, the `l1_penalty` and `l2_penalty`
terms, and one SGD step with weight decay. References are written independently of the learner's
code (dropout's is `torch.nn.functional.dropout`'s contract: zero with probability p, scale the
rest by 1/(1 − p), identity in evaluation); typical mistakes get their own message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .core import Case, CaseFailure, CheckResult, call, expect_array, expect_float, run_cases

__all__ = [
    "check_dropout",
    "check_l1_penalty",
    "check_l2_penalty",
    "check_weight_decay_step",
]


# -------------------------------------------------------------------------------------- dropout


def _dropout_statistics(out: Any, x: np.ndarray, p: float) -> None:
    """Check a training-mode output: each value 0 or x/(1 − p), about a fraction p zeroed."""
    if out is None:
        raise CaseFailure("returned None: did you forget the `return` statement?")
    if not isinstance(out, np.ndarray) or out.shape != x.shape:
        got = out.shape if isinstance(out, np.ndarray) else type(out).__name__
        raise CaseFailure(f"expected an array of the input's shape {x.shape}, got {got}")
    nonzero = x != 0
    dropped = (out == 0) & nonzero
    kept = ~dropped & nonzero
    if np.allclose(out, x):
        raise CaseFailure("nothing was dropped: in training mode zero each value with "
                          "probability p")
    if not kept.any():
        raise CaseFailure(f"every value was dropped; with p = {p} about {1 - p:.0%} should stay")
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
    share = dropped.sum() / nonzero.sum()
    tolerance = 4 * np.sqrt(p * (1 - p) / nonzero.sum()) + 1e-3  # ~4 standard deviations
    if abs(share - (1 - p)) < tolerance and not np.isclose(p, 0.5):
        raise CaseFailure(f"{share:.1%} of the values were dropped, about 1 − p: p is the "
                          "probability of dropping a unit, not of keeping it")
    if abs(share - p) > tolerance:
        raise CaseFailure(f"{share:.1%} of the values were dropped, expected about p = {p:.0%}")


def _dropout_train_case(label: str, x: np.ndarray, p: float, seed: int) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        _dropout_statistics(call(fn, x, p, True, np.random.default_rng(seed)), x, p)

    return Case(label, run)


def _dropout_eval_case() -> Case:
    x = np.random.default_rng(11).normal(size=(50, 40))

    def run(fn: Callable[..., Any]) -> None:
        out = call(fn, x, 0.5, False, np.random.default_rng(0))
        try:
            expect_array(out, x)
        except CaseFailure as failure:
            if isinstance(out, np.ndarray) and out.shape == x.shape:
                raise CaseFailure("with training=False (model.eval()) dropout must return the "
                                  "input unchanged: no units dropped, no scaling") from None
            raise failure from None

    return Case("evaluation mode returns x unchanged", run)


def _dropout_rng_case() -> Case:
    x = np.ones((30, 30))

    def run(fn: Callable[..., Any]) -> None:
        first = call(fn, x, 0.5, True, np.random.default_rng(5))
        second = call(fn, x, 0.5, True, np.random.default_rng(5))
        if not (isinstance(first, np.ndarray) and isinstance(second, np.ndarray)):
            raise CaseFailure("expected NumPy arrays")
        if not np.array_equal(first, second):
            raise CaseFailure("two calls with identically seeded `rng`s gave different masks: "
                              "draw the random numbers from the `rng` argument "
                              "(rng.random(x.shape)), not from np.random")
        three = call(fn, x, 0.5, True, np.random.default_rng(6))
        if np.array_equal(first, three):
            raise CaseFailure("differently seeded `rng`s gave the same mask: the mask must be "
                              "random")

    return Case("the mask comes from the given rng", run)


def check_dropout(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, p, training, rng)`: inverted dropout of an array."""
    rng = np.random.default_rng(3)
    cases = [
        _dropout_train_case("p = 0.5 on 100,000 ones", np.ones((200, 500)), 0.5, 1),
        _dropout_train_case("p = 0.2 on random values", rng.normal(size=(300, 200)), 0.2, 2),
        _dropout_train_case("p = 0.8 on a 4-D activation", rng.normal(size=(20, 8, 12, 12)),
                            0.8, 3),
        _dropout_eval_case(),
        _dropout_rng_case(),
    ]
    return run_cases("dropout", fn, cases, verbose=verbose)


# ------------------------------------------------------------------------------------ penalties

_WORKED_WEIGHTS = (np.array([[1.0, -2.0], [3.0, 0.0]]), np.array([-1.0, 0.5]))  # two layers


def _penalty_case(label: str, weights: tuple[np.ndarray, ...], lam: float, kind: str) -> Case:
    absolute = sum(float(np.abs(w).sum()) for w in weights)
    squares = sum(float((w**2).sum()) for w in weights)
    expected = lam * (absolute if kind == "l1" else squares)
    first_only = lam * float(np.abs(weights[0]).sum() if kind == "l1" else (weights[0] ** 2).sum())
    mistakes = [(absolute if kind == "l1" else squares, "multiply the sum by λ (lam)"),
                (first_only, "only the first array counts: sum over every array in the list")]
    if kind == "l1":
        mistakes += [(lam * sum(float(w.sum()) for w in weights),
                      "negative weights reduce your sum: take absolute values |w|"),
                     (lam * squares, "that is the L2 penalty (squares); L1 sums |w|")]
    else:
        mistakes += [(lam * np.sqrt(squares), "that is λ·‖w‖, the norm: the L2 penalty is the "
                                              "sum of squares λ·Σw², no square root"),
                     (lam * squares / 2, "the lecture's L2 term is λ·Σw² (no factor 1/2)"),
                     (lam * absolute, "that is the L1 penalty (absolute values); L2 squares")]
    # A learner's list must not be able to change the check's own arrays.
    frozen = [w.copy() for w in weights]

    def run(fn: Callable[..., Any]) -> None:
        expect_float(call(fn, [w.copy() for w in frozen], lam), expected, mistakes)

    return Case(label, run)


def _penalty_cases(kind: str, answer: float, lam: float, seed: int) -> list[Case]:
    """The worked example (λ = 0.1, `answer`) and three random layers with strength `lam`."""
    rng = np.random.default_rng(seed)
    layers = (rng.normal(size=(4, 3)), rng.normal(size=(6, 4, 3, 3)), rng.normal(size=5))
    return [_penalty_case(f"worked example: two arrays, λ = 0.1 (answer {answer:g})",
                          _WORKED_WEIGHTS, 0.1, kind),
            _penalty_case(f"three random layers, λ = {lam:g}", layers, lam, kind)]


def check_l1_penalty(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(weights, lam)` = lam · Σ |w| over a list of arrays."""
    return run_cases("l1_penalty", fn, _penalty_cases("l1", 0.75, 1e-3, 7), verbose=verbose)


def check_l2_penalty(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(weights, lam)` = lam · Σ w² over a list of arrays."""
    return run_cases("l2_penalty", fn, _penalty_cases("l2", 1.525, 5e-4, 8), verbose=verbose)


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
