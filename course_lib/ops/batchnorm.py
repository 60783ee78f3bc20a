"""Batch normalization from scratch in NumPy: forward in training and evaluation mode with running
statistics, and the backward pass. Follows Ioffe & Szegedy 2015 (arXiv:1502.03167), Algorithm 1
and §3.1, with the argument order and buffer updates of `torch.nn.functional.batch_norm`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["batch_norm", "batch_norm_backward", "batch_norm_stats"]


def _reduce_axes(x: np.ndarray) -> tuple[int, ...]:
    """Every axis but the channel axis 1: (0,) for (N, C), (0, 2, 3) for (N, C, H, W)."""
    if x.ndim < 2:
        raise ValueError(f"batch_norm needs x of shape (N, C) or (N, C, ...), got {x.shape}")
    return (0, *range(2, x.ndim))


def _per_channel(v: np.ndarray, ndim: int) -> np.ndarray:
    """A (C,) vector shaped to broadcast along axis 1 of an `ndim`-D array: (1, C, 1, 1)."""
    return np.asarray(v, dtype=np.float64).reshape(1, -1, *([1] * (ndim - 2)))


def batch_norm_stats(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Per-channel batch mean, biased variance and the count m of values behind each.

    x: (N, C) or (N, C, H, W) (any trailing axes). Statistics are over every axis but the channel
    axis, so a conv layer's channel pools N·H·W values (batch 32 of 6×6 maps: m = 1,152).
    Returns mean (C,), var (C,) (divided by m, as the forward pass uses it) and m.
    """
    x = np.asarray(x, dtype=np.float64)
    axes = _reduce_axes(x)
    m = int(np.prod([x.shape[a] for a in axes]))
    mean = x.mean(axis=axes)
    var = ((x - _per_channel(mean, x.ndim)) ** 2).mean(axis=axes)  # centred: no cancellation
    return mean, var, m


def batch_norm(
    x: np.ndarray,
    running_mean: np.ndarray | None,
    running_var: np.ndarray | None,
    weight: np.ndarray | None = None,
    bias: np.ndarray | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> np.ndarray:
    """y = γ · (x − μ) / √(σ² + ε) + β per channel, like `torch.nn.functional.batch_norm`.

    x: (N, C) or (N, C, H, W); running_mean, running_var, weight (γ), bias (β): (C,).
    Training: μ and σ² are the batch's (σ² biased, dividing by m), and the running statistics
    are updated **in place** by an exponential moving average,
        running ← (1 − momentum) · running + momentum · batch value,
    using the unbiased variance σ² · m / (m − 1) for running_var (PyTorch's convention). Keras
    weights the old value instead (running · momentum + batch · (1 − momentum)), so PyTorch's 0.1
    is Keras's 0.9, and Keras's default 0.99 is PyTorch's 0.01. Evaluation: μ and σ² are the
    running statistics, so each output depends on its own input only. γ = 1 and β = 0 when
    weight/bias are None. Returns y, the shape of x.
    """
    x = np.asarray(x, dtype=np.float64)
    _reduce_axes(x)  # checks the shape
    if training:
        mean, var, m = batch_norm_stats(x)
        if m < 2:
            # PyTorch refuses too: one value per channel has no spread, every output would be β.
            raise ValueError(f"batch_norm in training needs more than 1 value per channel, got "
                             f"input of shape {x.shape}")
        if running_mean is not None:
            running_mean *= 1 - momentum
            running_mean += momentum * mean
        if running_var is not None:
            running_var *= 1 - momentum
            running_var += momentum * var * m / (m - 1)  # unbiased: Bessel's correction
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm in evaluation mode needs running_mean and running_var")
        mean, var = running_mean, running_var
    channels = x.shape[1]
    for name, v in (("mean", mean), ("var", var), ("weight", weight), ("bias", bias)):
        if v is not None and np.shape(v) != (channels,):
            raise ValueError(f"{name} must have shape ({channels},) for x of shape {x.shape}, "
                             f"got {np.shape(v)}")
    x_hat = (x - _per_channel(mean, x.ndim)) / np.sqrt(_per_channel(var, x.ndim) + eps)
    y = x_hat if weight is None else x_hat * _per_channel(weight, x.ndim)
    if bias is not None:
        y = y + _per_channel(bias, x.ndim)
    return y


def batch_norm_backward(
    dout: np.ndarray, x: np.ndarray, weight: np.ndarray | None = None, eps: float = 1e-5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of training-mode batch_norm: (dx, dweight, dbias) for upstream gradient dout.

    dout, x: (N, C) or (N, C, H, W); weight (γ): (C,) or None (γ = 1). The batch statistics are
    recomputed from x. Because μ and σ² depend on every input of the channel, dx is not just
    γ · dout / σ: with x̂ the normalized input and sums over the m values of each channel,
        dx = γ / (m · √(σ² + ε)) · (m · dout − Σ dout − x̂ · Σ (dout · x̂)).
    Returns dx (shape of x), dweight = Σ dout · x̂ and dbias = Σ dout, each (C,).
    """
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    if dout.shape != x.shape:
        raise ValueError(f"dout has shape {dout.shape} but x has shape {x.shape}")
    axes = _reduce_axes(x)
    mean, var, m = batch_norm_stats(x)
    inv_std = _per_channel(1.0 / np.sqrt(var + eps), x.ndim)  # (1, C, 1, 1)
    x_hat = (x - _per_channel(mean, x.ndim)) * inv_std
    gamma = _per_channel(np.ones(x.shape[1]) if weight is None else weight, x.ndim)
    dbias = dout.sum(axis=axes)
    dweight = (dout * x_hat).sum(axis=axes)
    dx = (gamma * inv_std / m) * (m * dout - _per_channel(dbias, x.ndim)
                                  - x_hat * _per_channel(dweight, x.ndim))
    return dx, dweight, dbias
