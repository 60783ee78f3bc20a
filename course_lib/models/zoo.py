"""The landmark ImageNet architectures by name (LeNet-5 … ResNet-152), and their layer tables:
`summary` rows grouped into the blocks a paper's table lists (a VGG layer, an Inception module, a
ResNet stage), each with its output shape, parameters and multiply-adds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from ..complexity import ModelSummary, summary
from .alexnet import AlexNet
from .googlenet import GoogLeNet
from .lenet import LeNet5
from .resnet import resnet
from .vgg import vgg

__all__ = ["ARCHITECTURES", "Architecture", "LayerGroup", "LayerTable", "build", "layer_table"]

# Layers that act elementwise and keep the shape: in a table they belong to the layer before (so
# does any other layer without parameters or multiply-adds that keeps the shape, e.g. a tanh).
_ELEMENTWISE = (nn.ReLU, nn.Tanh, nn.Sigmoid, nn.Dropout, nn.BatchNorm2d, nn.LocalResponseNorm,
                nn.Identity)


@dataclass(frozen=True)
class Architecture:
    """A published network: how to build it and at which input size the paper describes it."""

    name: str  # e.g. "VGG-16"
    year: int  # year of the paper (or of the ILSVRC entry)
    build: Callable[[], nn.Module]  # constructs the model with the paper's settings
    input_size: tuple[int, int, int]  # (C, H, W) of one input image
    group_depth: int  # layer-table rows are modules this many dots deep ("features.conv1_1": 2)
    reference: str  # the paper


ARCHITECTURES: dict[str, Architecture] = {a.name: a for a in (
    Architecture("LeNet-5", 1998, lambda: LeNet5(paper=True), (1, 32, 32), 2,
                 "LeCun et al., Gradient-based learning applied to document recognition, 1998"),
    Architecture("AlexNet", 2012, AlexNet, (3, 227, 227), 2,
                 "Krizhevsky et al., ImageNet classification with deep CNNs, 2012"),
    Architecture("VGG-16", 2014, lambda: vgg("vgg16"), (3, 224, 224), 2,
                 "Simonyan & Zisserman, Very deep convolutional networks, 2015"),
    Architecture("GoogLeNet", 2014, GoogLeNet, (3, 224, 224), 2,
                 "Szegedy et al., Going deeper with convolutions, 2015"),
    *(Architecture(f"ResNet-{d}", 2015, lambda d=d: resnet(d), (3, 224, 224), 1,
                   "He et al., Deep residual learning for image recognition, 2016")
      for d in (18, 34, 50, 101, 152)),
)}


def build(name: str, device: str | torch.device = "cpu") -> nn.Module:
    """The architecture `name` (a key of ARCHITECTURES), in eval mode on `device`.

    On `device="meta"` no memory is allocated and nothing is computed: shapes and parameter
    counts are still exact, which is all a layer table needs.
    """
    if name not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {name!r}; choose one of {', '.join(ARCHITECTURES)}")
    with torch.device(device):
        return ARCHITECTURES[name].build().eval()


@dataclass(frozen=True)
class LayerGroup:
    """One row of a layer table: a block of modules and what it does to one sample."""

    name: str  # module path, e.g. "features.conv1_1" or "conv3_x"
    kind: str  # class name of the block, e.g. "Conv2d", "Inception", "Sequential"
    output_shape: tuple[int, ...]  # (C, H, W) or (features,), without the batch dimension
    params: int  # parameters of the block (and of the elementwise layers folded into it)
    mult_adds: int  # multiply-adds for one sample
    weights: int = 0  # the kernels and matrices alone (ndim ≥ 2): no biases, no BN scales

    @property
    def activations(self) -> int:
        """Values in the block's output: what must be stored for it, per sample."""
        return math.prod(self.output_shape)


@dataclass
class LayerTable:
    """A model's layer table plus its `summary` (whose totals count every parameter, also those
    of modules the forward pass does not run, such as GoogLeNet's auxiliary classifiers in eval)."""

    name: str  # model name
    groups: list[LayerGroup]  # in forward order
    summary: ModelSummary  # the leaf-level summary the groups were made from
    activations: int = 0  # values output by the input and every non-elementwise layer, per sample

    @property
    def activation_mib(self) -> float:
        """`activations` in MiB of float32: the forward pass's stored outputs for one sample."""
        return self.activations * 4 / 2**20

    def to_rows(self) -> list[tuple[str, tuple[int, ...], int, int]]:
        """(name, output_shape, params, mult_adds) per group."""
        return [(g.name, g.output_shape, g.params, g.mult_adds) for g in self.groups]

    def __str__(self) -> str:
        width = max(len(g.name) for g in self.groups)
        lines = [f"{'block'.ljust(width)}  {'output (C, H, W)':<18} {'params':>12} "
                 f"{'mult-adds':>15}"]
        lines += [f"{g.name.ljust(width)}  {str(g.output_shape):<18} {g.params:>12,} "
                  f"{g.mult_adds:>15,}" for g in self.groups]
        s = self.summary
        lines.append(f"total: {s.total_params:,} parameters, {s.total_mult_adds:,} multiply-adds")
        return "\n".join(lines)


def layer_table(model: nn.Module | str, input_size: tuple[int, ...] | None = None,
                depth: int | None = None, device: str | torch.device | None = None) -> LayerTable:
    """Group `summary(model, input_size)` into blocks `depth` module-path components deep.

    `model` may be a name from ARCHITECTURES (then input_size and depth default to the paper's,
    and the model is built on the meta device unless `device` says otherwise). Elementwise
    layers (ReLU, dropout, BatchNorm, LRN) are folded into the block before them and Flatten is
    dropped, so a VGG row is "conv + ReLU" and a ResNet row a whole stage. A block's output shape
    is read from its own output, so an Inception module shows its concatenated depth.
    """
    name = model if isinstance(model, str) else type(model).__name__
    if isinstance(model, str):
        arch = ARCHITECTURES.get(model)
        if arch is None:
            raise ValueError(f"unknown architecture {model!r}; choose one of "
                             f"{', '.join(ARCHITECTURES)}")
        input_size = input_size or arch.input_size
        depth = depth or arch.group_depth
        device = device or "meta"
        model = build(model, device)
    if input_size is None or depth is None:
        raise ValueError("pass input_size and depth for a model that is not in ARCHITECTURES")
    if device is None:
        param = next(model.parameters(), None)
        device = param.device if param is not None else "cpu"

    blocks = [(n, m) for n, m in model.named_modules() if n and (
        n.count(".") + 1 == depth or (n.count(".") + 1 < depth and not any(m.children())))]
    shapes: dict[str, tuple[int, ...]] = {}
    order: list[str] = []

    def make_hook(block: str):
        def hook(module: nn.Module, inputs: tuple, output) -> None:
            if block not in shapes and isinstance(output, torch.Tensor):
                order.append(block)
                shapes[block] = tuple(output.shape[1:])
        return hook

    handles = [m.register_forward_hook(make_hook(n)) for n, m in blocks]
    try:
        s = summary(model, input_size, device=device)
    finally:
        for h in handles:
            h.remove()

    # Memory: the input and every layer that computes new values (convolution, pooling, linear
    # …); elementwise layers and reshapes are left out, as they can work in place or on views.
    modules = dict(model.named_modules())
    activations = math.prod(input_size) + sum(
        math.prod(r.output_shape) for r in s.rows
        if isinstance(r.output_shape, tuple)
        and not isinstance(modules.get(r.name.split(" (call")[0]), (*_ELEMENTWISE, nn.Flatten)))

    kinds = {n: m for n, m in blocks}
    totals = {n: [0, 0] for n in order}
    for row in s.rows:
        path = row.name.split(" (call")[0]
        owner = next((b for b in order if path == b or path.startswith(b + ".")), None)
        if owner is not None:
            totals[owner][0] += row.params
            totals[owner][1] += row.mult_adds

    groups: list[LayerGroup] = []
    for block in order:
        module = kinds[block]
        params, macs = totals[block]
        if isinstance(module, nn.Flatten):
            continue
        kept = bool(groups) and shapes[block] == groups[-1].output_shape
        weights = sum(p.numel() for p in module.parameters() if p.ndim >= 2)
        if groups and (isinstance(module, _ELEMENTWISE) or (kept and params == macs == 0)):
            last = groups[-1]
            groups[-1] = LayerGroup(last.name, last.kind, last.output_shape,
                                    last.params + params, last.mult_adds + macs,
                                    last.weights + weights)
            continue
        groups.append(LayerGroup(block, type(module).__name__, shapes[block], params, macs,
                                 weights))
    return LayerTable(name, groups, s, activations)
