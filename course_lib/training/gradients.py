"""Gradient flow: the norm of each layer's weight gradient after one backward pass, the measurement
behind "vanishing" and "exploding" gradients (Glorot & Bengio 2010; He et al. 2016, §4.1).

It measures; it does not train. The model's weights, gradients, mode and BatchNorm running
statistics are left as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["LayerGradient", "layer_gradient_norms"]


@dataclass(frozen=True)
class LayerGradient:
    """The gradient of one layer's weight."""

    name: str  # module path, e.g. "conv2_x.block1.conv1"
    norm: float  # L2 norm of ∂loss/∂weight
    relative: float  # norm / ‖weight‖: the size of a plain gradient step relative to the weight


def layer_gradient_norms(
    model: nn.Module,
    x: Tensor,
    y: Tensor,
    loss_fn: Callable[[Tensor, Tensor], Tensor] = F.cross_entropy,
    layer_types: tuple[type[nn.Module], ...] = (nn.Conv2d, nn.Linear),
    exclude: Sequence[str] = ("shortcut",),
) -> list[LayerGradient]:
    """One forward and backward pass of `(x, y)` in training mode; the gradient norm of the weight
    of every `layer_types` module (in registration order, i.e. from input to output for the
    course's models), skipping modules whose path contains a string in `exclude` (by default
    the projection shortcuts, which are not on the main path).

    x: (N, C, H, W) on the model's device, y: (N,) class indices. Training mode matters: there
    BatchNorm normalizes with the batch's statistics, as it does while the network learns.
    """
    layers = [(name, m) for name, m in model.named_modules()
              if isinstance(m, layer_types) and not any(e in name for e in exclude)]
    if not layers:
        raise ValueError(f"the model has no {', '.join(t.__name__ for t in layer_types)} layers "
                         f"to measure (after excluding {list(exclude)})")
    was_training = model.training
    saved_grads = {p: p.grad for p in model.parameters()}
    # Running statistics would otherwise move towards this one batch: save and restore them.
    saved_buffers = {name: b.clone() for name, b in model.named_buffers()}
    try:
        for p in model.parameters():
            p.grad = None
        model.train()
        loss = loss_fn(model(x), y)
        loss.backward()
        result = []
        for name, m in layers:
            grad = m.weight.grad
            norm = float(grad.norm()) if grad is not None else 0.0
            weight = float(m.weight.detach().norm())
            result.append(LayerGradient(name, norm, norm / max(weight, 1e-12)))
    finally:
        with torch.no_grad():
            for name, b in model.named_buffers():
                b.copy_(saved_buffers[name])
        for p, g in saved_grads.items():
            p.grad = g
        model.train(was_training)
    return result
