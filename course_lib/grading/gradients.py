"""Reference gradients for the backward-pass exercises: autograd in float64 and centred
differences, which must agree with each other before a learner's answer is compared with them.

`expect_gradients` accepts an answer only when it matches both, and names a typical mistake
when the answer matches a wrong formula instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from ..numerics import numerical_gradient_array
from .core import CaseFailure, expect_array, expect_arrays

__all__ = ["expect_gradients", "reference_gradients"]

AGREE = 1e-6  # largest difference allowed from centred differences, relative to the largest entry


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    """max |a − b| relative to the largest |b| (at least 1): robust where gradients are ~0."""
    return float(np.abs(a - b).max(initial=0.0) / max(1.0, float(np.abs(b).max(initial=0.0))))


def reference_gradients(
    forward: Callable[..., Any], inputs: Sequence[np.ndarray], dout: np.ndarray,
    h: float = 1e-6,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(autograd, centred differences): the gradients of Σ forward(*inputs) · dout with respect
    to each input, both in float64. `forward` works on torch tensors and on NumPy arrays."""
    tensors = [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in inputs]
    (forward(*tensors) * torch.from_numpy(np.asarray(dout, dtype=np.float64))).sum().backward()
    autograd = [t.grad.numpy() for t in tensors]
    numeric = []
    for k, a in enumerate(inputs):
        others = [np.array(v, dtype=np.float64) for v in inputs]

        def f(v: np.ndarray, k: int = k, others: list[np.ndarray] = others) -> np.ndarray:
            return np.asarray(forward(*others[:k], v, *others[k + 1:]))

        numeric.append(numerical_gradient_array(f, np.array(a, dtype=np.float64), dout, h))
    for auto, num in zip(autograd, numeric, strict=True):
        if _distance(auto, num) > AGREE:  # a bug in the check, not in the learner's code
            raise RuntimeError(f"autograd and centred differences disagree "
                               f"({_distance(auto, num):.1e})")
    return autograd, numeric


def expect_gradients(
    got: Any, autograd: Sequence[np.ndarray], numeric: Sequence[np.ndarray],
    names: Sequence[str],
    mistakes: Callable[[], Sequence[tuple[Sequence[np.ndarray], str]]] = tuple,
) -> None:
    """Raise CaseFailure unless `got` (an array, or a tuple of arrays for several gradients)
    matches both the autograd and the centred-difference gradients."""
    if len(autograd) == 1:
        expect_array(got, autograd[0], lambda: [(alt[0], m) for alt, m in mistakes()])
        answer = (got,)
    else:
        expect_arrays(got, autograd, names, mistakes)
        answer = tuple(got)
    for g, num, name in zip(answer, numeric, names, strict=True):
        if _distance(g, num) > 1e-3:  # float32 answers pass; wrong formulas differ far more
            raise CaseFailure(f"{name} differs from the numerical gradient (centred "
                              f"differences) by {_distance(g, num):.1e}")
