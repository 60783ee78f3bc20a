"""Check for the derived gradient of softmax followed by cross-entropy: ∂L/∂z of the mean loss
L = −(1/N) Σ_n log softmax(z_n)[label_n], for logits z (N, C) and integer labels (N,).

The references are torch autograd in float64 (`torch_softmax_ce`) and a central-difference
numerical gradient (`numerical_softmax_ce_grad`); the tests hold the two together. Typical
mistakes are recognised by computing them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..numerics import numerical_gradient
from .core import Case, CaseFailure, CheckResult, call, expect_array, run_cases

__all__ = [
    "check_softmax_cross_entropy_grad",
    "numerical_softmax_ce_grad",
    "softmax_ce_mistakes",
    "torch_softmax_ce",
]


def torch_softmax_ce(z: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """(mean cross-entropy of softmax(z) against labels, its gradient (N, C)) by autograd."""
    t = torch.tensor(np.asarray(z, dtype=np.float64), requires_grad=True)
    loss = F.cross_entropy(t, torch.tensor(np.asarray(labels, dtype=np.int64)))
    loss.backward()
    return loss.item(), t.grad.numpy()


def _softmax(z: np.ndarray, axis: int = 1) -> np.ndarray:
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _loss(z: np.ndarray, labels: np.ndarray) -> float:
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(labels)), labels].mean())


def numerical_softmax_ce_grad(z: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """∂L/∂z by central differences in float64 (the loss computed stably with NumPy)."""
    labels = np.asarray(labels, dtype=np.int64)
    return numerical_gradient(lambda v: _loss(v, labels), np.array(z, dtype=np.float64))


def softmax_ce_mistakes(z: np.ndarray, labels: np.ndarray) -> list[tuple[np.ndarray, str]]:
    """(what a typical wrong derivation gives, the hint) for logits z (N, C) and labels (N,)."""
    z = np.asarray(z, dtype=np.float64)
    N, C = z.shape
    p, onehot = _softmax(z), np.eye(C)[labels]
    right = (p - onehot) / N
    with np.errstate(over="ignore"):
        sigmoid = 1 / (1 + np.exp(-z))
    return [
        (right * N, "the loss is the MEAN over the N examples: divide by N"),
        (-right, "the sign is flipped: raising the logit of the right class must lower the loss"),
        (p / N, "the loss also depends on z[label] directly (−log softmax(z)[label] = "
                "−z[label] + log Σ exp z): that term is missing"),
        (onehot * right, "only the right class's logit got a gradient: every logit enters the "
                         "softmax's denominator, so the other classes get one too"),
        ((z - onehot) / N, "use the probabilities softmax(z), not the raw logits"),
        (right / C, "divide by the N examples only: each example's cross-entropy already "
                    "sums over its C classes"),
        ((_softmax(z, axis=0) - onehot) / N, "softmax normalises each example's row (over the "
                                             "classes, axis 1), not each column"),
        ((sigmoid - onehot) / N, "that is the gradient for a sigmoid on every "
                                              "class; softmax normalises over the classes"),
    ]


def _case(label: str, z: np.ndarray, labels: np.ndarray, reference: str = "autograd") -> Case:
    z, labels = np.array(z, dtype=np.float64), np.array(labels, dtype=np.int64)
    z.setflags(write=False)
    labels.setflags(write=False)

    def run(fn: Callable[..., Any]) -> None:
        got = call(fn, z, labels)
        if (isinstance(got, np.ndarray) and got.dtype.kind == "f" and got.shape == z.shape
                and not np.isfinite(got).all() and np.abs(z).max() > 100):
            raise CaseFailure("NaN or inf in the output: exp of logits this large overflows; "
                              "softmax does not change when a constant is subtracted from a "
                              "row, so make the exponents small first")
        expected = (numerical_softmax_ce_grad(z, labels) if reference == "numerical"
                    else torch_softmax_ce(z, labels)[1])
        expect_array(got, expected, lambda: softmax_ce_mistakes(z, labels))

    return Case(label, run)


def check_softmax_cross_entropy_grad(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(z (N, C), labels (N,)) -> ∂L/∂z (N, C)` for the mean softmax cross-entropy."""
    rng = np.random.default_rng(41)  # fixed seed: every report is the same
    cases = [
        _case("one example, 3 classes, z = [2, 1, −1], label 0: against autograd",
              [[2.0, 1.0, -1.0]], [0]),
        _case("4 examples, 5 classes: against a central-difference numerical gradient",
              rng.standard_normal((4, 5)) * 2, rng.integers(0, 5, 4), reference="numerical"),
        _case("16 examples, 10 classes: against autograd", rng.standard_normal((16, 10)) * 3,
              rng.integers(0, 10, 16)),
        _case("logits near ±1000 (a confident network): against autograd",
              rng.standard_normal((3, 4)) * 1000, [0, 1, 3]),
    ]
    return run_cases("softmax_cross_entropy_grad", fn, cases, verbose=verbose)
