"""Numerical checks written once: relative error, finite-difference gradients, compare-with-torch.

Follows the gradient-checking recipe of CS231n (centred differences, relative error) and is
imported by the tests and chapters instead of being copied into each of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "assert_close_to_torch",
    "numerical_gradient",
    "numerical_gradient_array",
    "rel_error",
]


def _to_numpy(a: Any) -> np.ndarray:
    """A NumPy array from an array, a list or a torch tensor (any device, with or without grad)."""
    if hasattr(a, "detach") and hasattr(a, "cpu"):  # a torch tensor; torch is not imported here
        a = a.detach().cpu().numpy()
    return np.asarray(a)


def rel_error(a: Any, b: Any) -> float:
    """Largest elementwise relative error max |a − b| / max(1e-8, |a| + |b|).

    The 1e-8 floor keeps the ratio finite where both values are 0. Rules of thumb in float64:
    below 1e-7 the two agree; above 1e-2 something is wrong.
    """
    a, b = _to_numpy(a).astype(np.float64), _to_numpy(b).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error needs equal shapes, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Gradient of a scalar function `f` at `x` by centred differences (f(x+h) − f(x−h)) / 2h.

    x: any shape, a floating array; it is changed in place one entry at a time and restored, so
    `f` must read `x` afresh on each call. The error is O(h²): use float64.
    """
    # A scalar f is the array case with upstream gradient 1.
    return numerical_gradient_array(lambda v: float(f(v)), x, np.array(1.0), h)


def numerical_gradient_array(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dout: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Gradient of Σ f(x) * dout with respect to `x`: the backward pass of an array-valued `f`.

    x: any shape (changed in place and restored); dout: the shape of f(x), the upstream gradient.
    """
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a floating array (float64 for gradient checks), got {x.dtype}")
    grad = np.zeros_like(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        f_plus = np.array(f(x), dtype=np.float64)  # a copy: f may return a view of its own buffer
        x[ix] = old - h
        f_minus = np.array(f(x), dtype=np.float64)
        x[ix] = old
        if f_plus.shape != np.shape(dout):
            raise ValueError(f"dout has shape {np.shape(dout)} but f(x) has shape {f_plus.shape}")
        grad[ix] = np.sum((f_plus - f_minus) * dout) / (2 * h)
    return grad


def assert_close_to_torch(
    ours: Any, theirs: Any, rtol: float = 1e-5, atol: float = 1e-8, what: str = "output"
) -> None:
    """Raise AssertionError unless |ours − theirs| ≤ atol + rtol·|theirs| everywhere.

    `theirs` is the reference (usually a torch result); both may be tensors or arrays. The message
    names `what`, the shapes, the largest error and where it is, so a failing check is actionable.
    """
    a, b = _to_numpy(ours), _to_numpy(theirs)
    if a.shape != b.shape:
        raise AssertionError(f"{what}: expected shape {tuple(b.shape)}, got {tuple(a.shape)}")
    a, b = a.astype(np.float64), b.astype(np.float64)
    if a.size == 0:
        return
    nan_mismatch = np.isnan(a) != np.isnan(b)
    if nan_mismatch.any():
        where = tuple(int(i) for i in np.argwhere(nan_mismatch)[0])
        raise AssertionError(
            f"{what}: NaN at index {where} in one result but not the other "
            f"(ours {a[where]!r}, reference {b[where]!r})"
        )
    both = ~np.isnan(a)
    err = np.where(both, np.abs(a - b), 0.0)
    bad = err > atol + rtol * np.abs(np.where(both, b, 0.0))
    if bad.any():
        where = np.unravel_index(int(np.argmax(err)), err.shape)
        where = tuple(int(i) for i in where)
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {a.size} values differ beyond "
            f"rtol={rtol:g}, atol={atol:g}. "
            f"Largest absolute error {err[where]:.3g} at index {where}: ours {a[where]:.8g}, "
            f"reference {b[where]:.8g} (relative error {rel_error(a, b):.3g})."
        )
