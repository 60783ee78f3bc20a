"""Mixing images and their labels: mixup (Zhang et al. 2018, ICLR) on float (N, C, H, W) batches
in [0, 1], with soft (N, classes) targets; the label-preserving transforms are in `augment.py`.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .augment import _check_images

__all__ = ["mix", "mixup"]


def mix(x: torch.Tensor, targets: torch.Tensor, perm: torch.Tensor,
        lam: float) -> tuple[torch.Tensor, torch.Tensor]:
    """λ·x + (1 − λ)·x[perm] and the same blend of the soft targets (N, classes)."""
    _check_images(x)
    perm = perm.to(x.device)
    return lam * x + (1 - lam) * x[perm], lam * targets + (1 - lam) * targets[perm]


def mixup(x: torch.Tensor, y: torch.Tensor, num_classes: int, alpha: float = 0.2,
          generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Mixup (Zhang et al. 2018, ICLR): blend the batch with a shuffled copy of itself by one
    λ ~ Beta(alpha, alpha), labels too. y: (N,) int64. Returns (x_mixed, soft targets (N,
    num_classes), λ); train with cross-entropy on the soft targets."""
    if alpha <= 0:
        raise ValueError(f"alpha must be positive, got {alpha}")
    # torch's Beta sampler takes no generator: seed NumPy's from ours, so a seed fixes λ.
    seed = int(torch.randint(0, 2**31 - 1, (1,), generator=generator))
    lam = float(np.random.default_rng(seed).beta(alpha, alpha))
    perm = torch.randperm(x.shape[0], generator=generator)
    targets = F.one_hot(y.long(), num_classes).to(x.dtype)
    x_mixed, y_mixed = mix(x, targets, perm, lam)
    return x_mixed, y_mixed, lam
