"""Intermediate activations: the output of every layer of a model for one input, read with forward
hooks that are removed again afterwards, and how sparse each layer's maps are.

Follows the "visualizing intermediate activations" recipe of Chollet, *Deep Learning with Python*
(§5.4.1), with PyTorch forward hooks in place of a multi-output Keras model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor, nn

__all__ = ["LayerStats", "activation_stats", "collect_activations", "layer_names"]


def layer_names(model: nn.Module, types: tuple[type[nn.Module], ...] | None = None) -> list[str]:
    """Dotted names of the model's leaf modules (those without children), in definition order;
    with `types`, only the leaves that are instances of one of them (e.g. `(nn.ReLU,)`)."""
    return [
        name
        for name, module in model.named_modules()
        if name and not any(True for _ in module.children())
        and (types is None or isinstance(module, types))
    ]


def _module(model: nn.Module, name: str) -> nn.Module:
    try:
        return model.get_submodule(name)
    except AttributeError:
        raise ValueError(
            f"the model has no layer {name!r}; its layers are: {', '.join(layer_names(model))}"
        ) from None


@torch.no_grad()
def collect_activations(
    model: nn.Module, x: Tensor, layers: Sequence[str] | None = None
) -> dict[str, Tensor]:
    """Run `model(x)` once and return the output of each layer in `layers` (default: every leaf
    module), as detached CPU tensors keyed by layer name, in the order the forward pass made them.

    x: (N, C, H, W) on the model's device → {name: (N, C_l, H_l, W_l) or (N, F_l)}. The model runs
    in eval mode (its mode is restored). A forward hook on each layer records its output; the hooks
    are removed when the pass ends, even if it fails, so the model is left as it was. A layer run
    twice keeps its last output. Outputs are cloned: a later in-place op (ReLU(inplace=True))
    cannot change what was recorded.
    """
    names = list(layers) if layers is not None else layer_names(model)
    modules = {name: _module(model, name) for name in names}
    outputs: dict[str, Tensor] = {}

    def recorder(name: str):
        def hook(module: nn.Module, inputs: tuple, output: Tensor) -> None:
            outputs.pop(name, None)  # re-insert: the dict keeps call order
            outputs[name] = output.detach().clone().cpu()

        return hook

    handles = [m.register_forward_hook(recorder(name)) for name, m in modules.items()]
    was_training = model.training
    try:
        model.eval()
        model(x)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    missing = [name for name in names if name not in outputs]
    if missing:
        raise ValueError(f"layers never ran in the forward pass: {', '.join(missing)}")
    return outputs


@dataclass(frozen=True)
class LayerStats:
    """How much of one layer's output is switched off, for one batch of inputs."""

    name: str  # the layer's dotted name
    shape: tuple[int, ...]  # its output shape for one input, e.g. (32, 26, 26)
    zero_fraction: float  # share of all output values that are exactly 0
    blank_fraction: float  # share of (input, channel) maps that are 0 everywhere


def activation_stats(activations: dict[str, Tensor]) -> list[LayerStats]:
    """Sparsity of each recorded layer: the share of zero values and of all-zero ("blank") maps.

    activations: {name: (N, C, H, W) or (N, F)}, e.g. from `collect_activations`. For a (N, F)
    output each feature counts as a 1×1 map. After a ReLU, a zero means "the pattern is absent".
    """
    stats = []
    for name, a in activations.items():
        maps = a.reshape(a.shape[0], a.shape[1], -1)  # (N, C, H·W)
        zero = maps == 0
        stats.append(LayerStats(name, tuple(a.shape[1:]), float(zero.float().mean()),
                                float(zero.all(dim=2).float().mean())))
    return stats
