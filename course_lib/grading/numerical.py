"""Numerical gradients for the backward-pass checks: central differences in float64.

A backward pass is checked twice: against autograd and against (f(a + h) − f(a − h)) / 2h, element
by element, which needs nothing but the forward pass.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["numerical_gradient"]


def numerical_gradient(
    f: Callable[[np.ndarray], float], a: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    """∂f/∂a by central differences, element by element, in float64; f maps an array shaped
    like `a` to a number (e.g. Σ dout · layer(a))."""
    a = np.array(a, dtype=np.float64)
    grad = np.zeros_like(a)
    for index in np.ndindex(a.shape):
        saved = a[index]
        a[index] = saved + h
        up = f(a)
        a[index] = saved - h
        down = f(a)
        a[index] = saved
        grad[index] = (up - down) / (2 * h)
    return grad
