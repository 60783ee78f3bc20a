"""Inverted dropout from scratch in NumPy: the random mask, the forward pass in training and
evaluation mode, and the backward pass. Follows Srivastava et al. 2014 (JMLR 15, "Dropout") with
the "inverted" scaling of `torch.nn.functional.dropout`: kept units are divided by 1 − p in
training, so evaluation uses the weights unchanged.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dropout", "dropout_backward", "dropout_mask"]


def _check_p(p: float) -> float:
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability p must be in [0, 1], got {p}")
    return p


def dropout_mask(
    shape: tuple[int, ...], p: float = 0.5, rng: np.random.Generator | None = None
) -> np.ndarray:
    """The scaled mask of inverted dropout: each entry 0 with probability `p`, else 1 / (1 − p).

    shape: the shape of the activations it multiplies. Returns a float64 array of that shape.
    With p = 1 every unit is dropped and the mask is all 0 (PyTorch does the same).
    """
    p = _check_p(p)
    rng = np.random.default_rng() if rng is None else rng
    if p == 1.0:
        return np.zeros(shape)
    keep = rng.random(shape) >= p  # True with probability 1 − p
    # Dividing by the keep probability makes E[mask] = 1, so E[x · mask] = x: the expected
    # activation in training equals the activation in evaluation, where nothing is dropped.
    return keep / (1.0 - p)


def dropout(
    x: np.ndarray,
    p: float = 0.5,
    training: bool = True,
    rng: np.random.Generator | None = None,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Inverted dropout, like `torch.nn.functional.dropout(x, p, training)`.

    x: any shape. In training, each value is zeroed with probability `p` and the others are
    multiplied by 1 / (1 − p); in evaluation (`training=False`) x is returned unchanged (a copy).
    `mask` (from `dropout_mask`, the shape of x) fixes the random choice, so that a forward and
    a backward pass, or a test, use the same one; otherwise a new mask is drawn from `rng`.
    """
    p = _check_p(p)
    x = np.asarray(x, dtype=np.float64)
    if not training or p == 0.0:
        return x.copy()
    if mask is None:
        mask = dropout_mask(x.shape, p, rng)
    elif mask.shape != x.shape:
        raise ValueError(f"mask has shape {mask.shape} but x has shape {x.shape}")
    return x * mask


def dropout_backward(dout: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Gradient of the loss with respect to dropout's input: dout · mask (same shape as dout).

    The forward pass is an elementwise product with a constant mask, so the gradient flows only
    through kept units, scaled by the same 1 / (1 − p). In evaluation mode the mask is all ones.
    """
    if dout.shape != mask.shape:
        raise ValueError(f"dout has shape {dout.shape} but mask has shape {mask.shape}")
    return dout * mask
