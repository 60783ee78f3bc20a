"""Tracing a stack of convolution and pooling layers: each layer's output size (with the textbook
formula's exactness), channels, parameters and receptive field, computed layer by layer.

Sizes follow `ops.conv_output_size` (PyTorch floors); receptive fields are `receptive_field.py`'s
(Araujo et al., "Computing receptive fields of CNNs", Distill 2019).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .ops.conv import conv_output_size, conv_param_count
from .receptive_field import Layer, receptive_field

__all__ = ["LayerSpec", "TraceRow", "conv", "format_trace", "pool", "trace_layers"]


@dataclass(frozen=True)
class LayerSpec:
    """One layer of a plain stack: a square convolution or a square pooling window."""

    kind: str  # "conv" or "pool"
    kernel_size: int  # F: the window's side
    stride: int = 1  # S
    padding: int = 0  # P: zeros added on every side
    out_channels: int | None = None  # filters of a convolution; None for pooling (unchanged)

    def __post_init__(self) -> None:
        if self.kind not in ("conv", "pool"):
            raise ValueError(f"kind must be 'conv' or 'pool', got {self.kind!r}")
        if self.kind == "conv" and (self.out_channels is None or self.out_channels < 1):
            raise ValueError("a convolution needs out_channels ≥ 1 (its number of filters)")

    def describe(self) -> str:
        k = f"{self.kernel_size}×{self.kernel_size}"
        what = f"conv {k} ×{self.out_channels}" if self.kind == "conv" else f"pool {k}"
        return f"{what}, S={self.stride}, P={self.padding}"

    def geometry(self) -> Layer:
        """The window's geometry along one axis, as `receptive_field` takes it."""
        return Layer(self.kernel_size, self.stride, self.padding)


def conv(out_channels: int, kernel_size: int, stride: int = 1, padding: int = 0) -> LayerSpec:
    """A convolution with `out_channels` filters of kernel_size × kernel_size."""
    return LayerSpec("conv", kernel_size, stride, padding, out_channels)


def pool(kernel_size: int = 2, stride: int | None = None, padding: int = 0) -> LayerSpec:
    """A pooling window (max or average: the same sizes); stride defaults to the window."""
    return LayerSpec("pool", kernel_size, kernel_size if stride is None else stride, padding)


@dataclass(frozen=True)
class TraceRow:
    """The output of one layer of the traced stack."""

    layer: LayerSpec  # the layer itself
    size: int  # output height = width, floored as PyTorch does
    exact: bool  # whether (N − F + 2P) / S is a whole number (the seeds' "valid" stride)
    channels: int  # output channels: the number of filters (conv) or unchanged (pool)
    params: int  # weights and biases of this layer (0 for pooling)
    receptive_field: int  # side of the input region one output unit sees
    jump: int  # input pixels between neighbouring output units: the product of strides so far


def trace_layers(input_size: int, in_channels: int, layers: Sequence[LayerSpec]) -> list[TraceRow]:
    """Follow a square input (input_size², in_channels) through `layers`; one row per layer.

    ValueError names the first layer whose window does not fit its (padded) input.
    """
    size, channels, shapes = input_size, in_channels, []
    for index, layer in enumerate(layers, start=1):
        try:
            out = conv_output_size(size, layer.kernel_size, layer.stride, layer.padding)
        except ValueError as err:
            raise ValueError(f"layer {index} ({layer.describe()}) on a {size}×{size} input: "
                             f"{err}") from None
        exact = (size - layer.kernel_size + 2 * layer.padding) % layer.stride == 0
        params = 0
        if layer.kind == "conv":
            params = conv_param_count(channels, layer.out_channels, layer.kernel_size)
            channels = layer.out_channels
        size = out
        shapes.append((layer, size, exact, channels, params))
    fields = receptive_field([layer.geometry() for layer in layers])
    return [TraceRow(*shape, field.size, field.jump)
            for shape, field in zip(shapes, fields, strict=True)]


def format_trace(input_size: int, in_channels: int, layers: Sequence[LayerSpec]) -> str:
    """`trace_layers` as a printable table: each layer's output H×W×C, parameters and receptive
    field, sizes that PyTorch rounded down marked, and the total parameter count."""
    rows = trace_layers(input_size, in_channels, layers)
    lines = [f"{'layer':26s} {'output':>12s} {'params':>8s} {'receptive field':>16s}",
             f"{'input':26s} {f'{input_size}×{input_size}×{in_channels}':>12s}"]
    for r in rows:
        shape = f"{r.size}×{r.size}×{r.channels}"
        rf = f"{r.receptive_field}×{r.receptive_field}"
        lines.append(f"{r.layer.describe():26s} {shape:>12s} {r.params:8,d} {rf:>16s}"
                     + ("" if r.exact else "  (rounded down)"))
    lines.append(f"total parameters: {sum(r.params for r in rows):,}")
    return "\n".join(lines)
