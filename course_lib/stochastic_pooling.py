"""Stochastic pooling (Zeiler & Fergus, "Stochastic Pooling for Regularization of Deep
Convolutional Neural Networks", ICLR 2013) as a PyTorch function and `nn.Module`.

In training each window R_j outputs one of its elements a_i, drawn with probability
p_i = a_i / Σ_{k∈R_j} a_k; at inference it outputs the expected value s_j = Σ_{i∈R_j} p_i a_i.
Windows are PyTorch's (kernel_size, stride, floor mode, no padding); inputs must be ≥ 0 (after a
ReLU), since the activations themselves are the weights. Deterministic pooling: `ops.pooling`.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .ops.pooling import pool_output_size

__all__ = ["StochasticPool2d", "stochastic_pool2d", "window_probabilities"]


def _windows(
    x: torch.Tensor, kernel_size: int, stride: int | None
) -> tuple[torch.Tensor, int, int]:
    """Every window's elements as columns: x (N, C, H, W) → (N·C, k·k, H_out·W_out), and
    H_out, W_out."""
    if x.ndim != 4:
        raise ValueError(f"x must have shape (N, C, H, W), got {tuple(x.shape)}")
    if not isinstance(kernel_size, int) or kernel_size < 1:
        raise ValueError(f"kernel_size must be an int ≥ 1 (a square window), got {kernel_size!r}")
    stride = kernel_size if stride is None else stride
    if bool((x < 0).any()):
        raise ValueError("stochastic pooling needs non-negative activations (the values are the "
                         "sampling weights): apply it after a ReLU")
    N, C, H, W = x.shape
    H_out, W_out = (pool_output_size(n, kernel_size, stride) for n in (H, W))
    # Each channel is pooled on its own: fold it into the batch, then unfold the windows.
    cols = F.unfold(x.reshape(N * C, 1, H, W), kernel_size, stride=stride)  # (N·C, k·k, L)
    return cols, H_out, W_out


def _probabilities(cols: torch.Tensor) -> torch.Tensor:
    """p_i = a_i / Σ_k a_k over each window (dim 1); a window of zeros gets equal probabilities
    (any pick is 0 there, so the choice does not matter, but the sampler needs a distribution)."""
    total = cols.sum(dim=1, keepdim=True)  # (N·C, 1, L)
    uniform = torch.full_like(cols, 1.0 / cols.shape[1])
    return torch.where(total > 0, cols / total.clamp_min(torch.finfo(cols.dtype).tiny), uniform)


def window_probabilities(
    x: torch.Tensor, kernel_size: int, stride: int | None = None
) -> torch.Tensor:
    """The sampling probabilities p_i of every window: x (N, C, H, W) → (N, C, k·k, H_out, W_out),
    row-major within the window (index u·k + v is element (u, v))."""
    cols, H_out, W_out = _windows(x, kernel_size, stride)
    N, C = x.shape[:2]
    return _probabilities(cols).reshape(N, C, -1, H_out, W_out)


def stochastic_pool2d(
    x: torch.Tensor,
    kernel_size: int,
    stride: int | None = None,
    training: bool = True,
    generator: torch.Generator | None = None,
    return_indices: bool = False,
) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """Stochastic pooling of x: (N, C, H, W), x ≥ 0 → (N, C, H_out, W_out).

    training=True: each window outputs one element, drawn with p_i = a_i / Σ a_k by inverse
    transform sampling (draw u ~ U[0, 1), take the first element whose cumulative probability
    exceeds u); `generator` makes the draws reproducible. training=False: Σ p_i a_i. With
    return_indices (training only) also returns the drawn element's index u·k + v in its window.
    """
    cols, H_out, W_out = _windows(x, kernel_size, stride)
    N, C = x.shape[:2]
    probs = _probabilities(cols)  # (N·C, k·k, L)
    if not training:
        if return_indices:
            raise ValueError("return_indices needs training=True: inference draws nothing")
        return (probs * cols).sum(dim=1).reshape(N, C, H_out, W_out)
    cdf = probs.cumsum(dim=1)  # (N·C, k·k, L), last row ≈ 1
    u = torch.rand(cols.shape[0], 1, cols.shape[2], generator=generator, dtype=cols.dtype,
                   device=cols.device)  # one draw per window
    # Element i is drawn when cdf[i − 1] ≤ u < cdf[i], an interval of length p_i; the clamp
    # guards against rounding leaving the last cdf a hair below u.
    index = (cdf <= u).sum(dim=1, keepdim=True).clamp(max=cols.shape[1] - 1)  # (N·C, 1, L)
    out = cols.gather(1, index).reshape(N, C, H_out, W_out)  # gradient flows to the drawn element
    return (out, index.reshape(N, C, H_out, W_out)) if return_indices else out


class StochasticPool2d(nn.Module):
    """Stochastic pooling as a layer: samples in `train()` mode, takes the expectation in `eval()`.

    x: (N, C, H, W), x ≥ 0 → (N, C, H_out, W_out); no parameters. Like dropout it regularizes by
    noise during training and is deterministic at test time; the inference output Σ p_i a_i lies
    between the window's average and its maximum.
    """

    def __init__(
        self, kernel_size: int, stride: int | None = None, generator: torch.Generator | None = None
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.generator = generator  # None: the global torch RNG (seeded by course_lib.setup)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return stochastic_pool2d(x, self.kernel_size, self.stride, self.training, self.generator)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}"
