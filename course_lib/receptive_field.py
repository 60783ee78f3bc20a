"""Receptive fields of a chain of convolution and pooling layers: their size, jump (effective
stride) and start, layer by layer, from a list of layers or from a real `nn.Module`.

Follows Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural Networks"
(Distill, 2019): r_l = r_{l−1} + d_l (k_l − 1) j_{l−1}, j_l = s_l j_{l−1}, start_l = start_{l−1} −
p_l j_{l−1}. Chains only (no branches); one axis (square kernels); floor-mode sizes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import nn

from .models.vgg import VGG_CONFIGS
from .ops.conv import conv_output_size

__all__ = [
    "VGG16_CONFIG",
    "FieldStep",
    "Layer",
    "as_layers",
    "field_mask",
    "input_gradient",
    "layers_from_module",
    "path_count_network",
    "receptive_field",
    "unit_field",
    "vgg16_layers",
]


@dataclass(frozen=True)
class Layer:
    """The geometry of one convolution or pooling layer along one axis."""

    kernel_size: int  # k: window size
    stride: int = 1  # s: step between neighbouring windows
    padding: int = 0  # p: zeros added on each side
    dilation: int = 1  # d: spacing of the window's taps (span d·(k − 1) + 1)
    name: str = ""  # shown in tables, e.g. "conv1" or "pool1"

    def __post_init__(self) -> None:
        for field, low in (("kernel_size", 1), ("stride", 1), ("padding", 0), ("dilation", 1)):
            value = getattr(self, field)
            if not isinstance(value, int | np.integer) or value < low:
                raise ValueError(f"{field} must be an integer ≥ {low}, got {value!r}")


@dataclass(frozen=True)
class FieldStep:
    """The receptive field of one unit of a layer's output, in input pixels."""

    name: str  # the layer's name
    size: int  # r: how many input pixels (along one axis) can influence one unit
    jump: int  # j: input pixels between the fields of neighbouring units (product of strides)
    start: int  # input coordinate of the first pixel of unit 0's field (negative: in the padding)

    def span(self, index: int) -> tuple[int, int]:
        """First and last input coordinate of unit `index`'s field (may reach into padding)."""
        first = self.start + index * self.jump
        return first, first + self.size - 1


def as_layers(layers: Iterable[Layer | tuple[int, ...]]) -> list[Layer]:
    """Layers from `Layer`s or tuples (kernel_size, stride=1, padding=0, dilation=1)."""
    out = []
    for i, layer in enumerate(layers):
        if isinstance(layer, Layer):
            out.append(layer if layer.name else replace(layer, name=f"layer{i + 1}"))
        elif isinstance(layer, tuple | list) and 1 <= len(layer) <= 4:
            out.append(Layer(*layer, name=f"layer{i + 1}"))
        else:
            raise ValueError(f"layer {i + 1}: expected a Layer or a tuple (kernel_size, stride, "
                             f"padding, dilation), got {layer!r}")
    return out


def receptive_field(layers: Iterable[Layer | tuple[int, ...]]) -> list[FieldStep]:
    """The receptive field after each layer of a chain, input first to output last.

    Each layer adds (k − 1)·d input-grid steps of the layer below, and one step of the layer
    below is `jump` input pixels, so r = 1 + Σ_l d_l (k_l − 1) Π_{i<l} s_i: L layers of K×K at
    stride 1 see 1 + L(K − 1) pixels. Dilated kernels with gaps larger than the field below
    have holes; `size` is then the extent of the field, not a count of pixels.
    """
    size, jump, start, steps = 1, 1, 0, []
    for layer in as_layers(layers):
        size += layer.dilation * (layer.kernel_size - 1) * jump
        start -= layer.padding * jump
        jump *= layer.stride
        steps.append(FieldStep(layer.name, size, jump, start))
    return steps


def unit_field(
    layers: Iterable[Layer | tuple[int, ...]], index: int, input_size: int
) -> tuple[int, int]:
    """First and last input pixel that output unit `index` of the chain can see, clipped to the
    input 0..input_size − 1 (the rest of its field lies on the zero padding)."""
    layers = as_layers(layers)
    n = input_size
    for layer in layers:
        n = conv_output_size(n, layer.kernel_size, layer.stride, layer.padding, layer.dilation)
    if not 0 <= index < n:
        raise ValueError(f"the chain's output has {n} units along this axis: index must be in "
                         f"0..{n - 1}, got {index}")
    first, last = receptive_field(layers)[-1].span(index)
    return max(first, 0), min(last, input_size - 1)


def field_mask(
    layers: Iterable[Layer | tuple[int, ...]], unit: tuple[int, int], input_size: int
) -> np.ndarray:
    """(input_size, input_size) bool array, True on the input pixels in the receptive field of
    output unit (i, j) of the chain (square input; the field clipped to the input)."""
    layers = as_layers(layers)
    (r0, r1), (c0, c1) = (unit_field(layers, u, input_size) for u in unit)
    mask = np.zeros((input_size, input_size), dtype=bool)
    mask[r0 : r1 + 1, c0 : c1 + 1] = True
    return mask


# VGG-16's convolutional part (configuration D): numbers are 3×3 convolutions (stride 1,
# padding 1) with that many filters, "M" a 2×2 max pool, stride 2; `models.vgg` holds the table.
VGG16_CONFIG: tuple[int | str, ...] = VGG_CONFIGS["vgg16"]


def vgg16_layers() -> list[Layer]:
    """VGG-16's 13 convolutions and 5 poolings as `Layer`s named like the paper (conv1_1 …)."""
    layers, block, conv = [], 1, 1
    for item in VGG16_CONFIG:
        if item == "M":
            layers.append(Layer(2, 2, name=f"pool{block}"))
            block, conv = block + 1, 1
        else:
            layers.append(Layer(3, 1, 1, name=f"conv{block}_{conv}"))
            conv += 1
    return layers


def _first(value: int | tuple[int, ...]) -> int:
    return int(value[0] if isinstance(value, tuple | list) else value)


def layers_from_module(model: nn.Module) -> list[Layer]:
    """The Conv2d, MaxPool2d and AvgPool2d layers of `model`, in the order they were defined,
    as `Layer`s (height axis) named by their module path.

    Right for chains (nn.Sequential and models whose forward calls their layers in definition
    order); layers that do not move windows (ReLU, BatchNorm, Dropout) do not change the field.
    Adaptive (global) pooling and Linear layers see the whole input, so the walk stops there.
    """
    layers = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d | nn.MaxPool2d | nn.AvgPool2d):
            if getattr(module, "ceil_mode", False):
                raise ValueError(f"{name} uses ceil_mode: only floor-mode layers are handled")
            stride = module.stride if module.stride is not None else module.kernel_size
            padding = module.padding
            if isinstance(padding, str):  # "valid" or "same" (stride 1, odd kernels here)
                k, d = _first(module.kernel_size), _first(module.dilation)
                padding = 0 if padding == "valid" else d * (k - 1) // 2
            layers.append(Layer(_first(module.kernel_size), _first(stride), _first(padding),
                                _first(getattr(module, "dilation", 1)), name=name))
        elif isinstance(module, nn.AdaptiveAvgPool2d | nn.AdaptiveMaxPool2d | nn.Linear):
            break
    if not layers:
        raise ValueError(f"{type(model).__name__} has no Conv2d, MaxPool2d or AvgPool2d layer")
    return layers


def path_count_network(layers: Sequence[Layer | tuple[int, ...]]) -> nn.Sequential:
    """A one-channel float64 chain with the same geometry whose every weight is 1 and which has
    no nonlinearity: pooling layers become 1-weight convolutions (sum pooling) too.

    The gradient of an output unit with respect to the input then counts, for each input pixel,
    the paths from that pixel to the unit: non-zero exactly on the receptive field (minus
    dilation holes), largest in its middle.
    """
    modules = []
    for layer in as_layers(layers):
        conv = nn.Conv2d(1, 1, layer.kernel_size, layer.stride, layer.padding, layer.dilation,
                         bias=False, dtype=torch.float64)
        nn.init.ones_(conv.weight)
        modules.append(conv)
    return nn.Sequential(*modules)


def input_gradient(
    model: nn.Module, input_shape: tuple[int, int, int], unit: tuple[int, int],
    channel: int = 0, x: torch.Tensor | None = None,
) -> np.ndarray:
    """|∂ output[channel, i, j] / ∂ input| summed over input channels: (H, W) array.

    input_shape: (C, H, W); unit: (i, j) in the model's output map. The input is `x` (C, H, W)
    if given, else ones, in the dtype of the model's parameters; the model is left unchanged.
    """
    param = next(model.parameters(), None)
    dtype, device = (param.dtype, param.device) if param is not None else (None, None)
    x = torch.ones(input_shape, dtype=dtype) if x is None else x.detach().clone()
    x = x[None].to(device=device, dtype=dtype).requires_grad_(True)  # (1, C, H, W)
    out = model(x)  # (1, C_out, H_out, W_out)
    i, j = unit
    if not (0 <= i < out.shape[2] and 0 <= j < out.shape[3]):
        raise ValueError(f"unit {unit} is outside the {out.shape[2]}×{out.shape[3]} output map")
    out[0, channel, i, j].backward()
    return x.grad[0].abs().sum(dim=0).cpu().numpy()  # (H, W)
