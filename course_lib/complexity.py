"""Model complexity: a Keras-like per-layer summary of output shapes, parameters and multiply-adds.

Multiply-adds follow the convention of the VGG and ResNet papers (their "FLOPs"): only convolution
and linear layers are counted, one per weight use, bias additions excluded. Memory is not estimated.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

__all__ = ["LayerRow", "ModelSummary", "summary"]

Shape = tuple[int, ...] | list[tuple[int, ...]] | None

# Layers whose multiply-adds are counted; everything else (BatchNorm, activations, pooling,
# dropout, reshapes) counts 0, as in the papers' FLOP tables.
_CONVS = (nn.Conv1d, nn.Conv2d, nn.Conv3d)
_TRANSPOSED_CONVS = (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)


@dataclass(frozen=True)
class LayerRow:
    """One call of one leaf module during the summary's forward pass."""

    name: str  # dotted module path, e.g. "features.conv1"; " (call 2)" added on a repeated call
    type: str  # the module's class name, e.g. "Conv2d"
    output_shape: Shape  # without the batch dimension, channels first: (C, H, W)
    params: int  # parameters of this module not already counted in an earlier row
    mult_adds: int  # multiply-adds of this call for one sample (conv and linear only, else 0)


@dataclass
class ModelSummary:
    """The result of `summary`: rows in call order plus totals. Prints as a table."""

    rows: list[LayerRow]  # one per leaf-module call, in the order the forward pass made them
    input_size: tuple[int, ...]  # one sample's input shape, without the batch dimension
    total_params: int  # all distinct parameters of the model (even of modules never called)
    trainable_params: int  # those with requires_grad=True
    total_mult_adds: int  # sum of the rows' multiply-adds: one forward pass of one sample

    columns: ClassVar[tuple[str, ...]] = ("Layer (type)", "Output Shape", "Param #", "Mult-Adds")

    @property
    def non_trainable_params(self) -> int:
        return self.total_params - self.trainable_params

    def to_rows(self) -> list[tuple[str, str, Shape, int, int]]:
        """(name, type, output_shape, params, mult_adds) per row, for tests and DataFrames."""
        return [(r.name, r.type, r.output_shape, r.params, r.mult_adds) for r in self.rows]

    def _cells(self) -> list[tuple[str, str, str, str]]:
        return [
            (
                f"{r.name} ({r.type})",
                _format_shape(r.output_shape),
                f"{r.params:,}",
                f"{r.mult_adds:,}",
            )
            for r in self.rows
        ]

    def _footer(self) -> list[str]:
        return [
            f"Total params: {self.total_params:,}",
            f"Trainable params: {self.trainable_params:,}",
            f"Non-trainable params: {self.non_trainable_params:,}",
            f"Total mult-adds: {self.total_mult_adds:,} ({_human(self.total_mult_adds)})",
            f"Input size: {self.input_size}; output shapes omit the batch dimension "
            "and are channels first, (C, H, W)",
        ]

    def __str__(self) -> str:
        cells = self._cells()
        widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(self.columns)]

        def line(values) -> str:
            # Names and shapes left-aligned, numbers right-aligned, as Keras prints them.
            parts = [
                v.ljust(w) if i < 2 else v.rjust(w)
                for i, (v, w) in enumerate(zip(values, widths, strict=True))
            ]
            return "   ".join(parts).rstrip()

        rule = sum(widths) + 3 * (len(widths) - 1)
        out = [line(self.columns), "=" * rule]
        out += [line(c) for c in cells]
        out += ["=" * rule, *self._footer()]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        def row(values, tag="td") -> str:
            tds = "".join(
                f'<{tag} style="text-align:{"left" if i < 2 else "right"}">{html.escape(v)}</{tag}>'
                for i, v in enumerate(values)
            )
            return f"<tr>{tds}</tr>"

        body = "".join(row(c) for c in self._cells())
        footer = "<br>".join(html.escape(f) for f in self._footer())
        return (
            f"<table><thead>{row(self.columns, 'th')}</thead><tbody>{body}</tbody></table>"
            f"<p>{footer}</p>"
        )


def _format_shape(shape: Shape) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return ", ".join(str(s) for s in shape)
    return str(shape)


def _human(n: int) -> str:
    """2_794_240 → '2.79 M'; 1.8e9 → '1.80 G'."""
    for unit, scale in (("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= scale:
            return f"{n / scale:.2f} {unit}"
    return str(n)


def _output_shape(output) -> Shape:
    """The shape without the batch dimension, or a list of them for tuple/list outputs."""
    if isinstance(output, torch.Tensor):
        return tuple(output.shape[1:])
    if isinstance(output, list | tuple):
        return [tuple(o.shape[1:]) for o in output if isinstance(o, torch.Tensor)]
    return None


def _mult_adds(module: nn.Module, inputs: tuple, output) -> int:
    """Multiply-adds of one call for one sample (the batch is 1).

    A custom layer can report its own by defining `mult_adds(inputs, output) -> int` (e.g. a
    sparsely connected convolution, whose dense formula would overcount).
    """
    own = getattr(module, "mult_adds", None)
    if callable(own):
        return int(own(inputs, output))
    if isinstance(module, _CONVS):
        # Every output element is a dot product over (C_in / groups) · kH · kW inputs.
        per_output = (module.in_channels // module.groups) * math.prod(module.kernel_size)
        return output[0].numel() * per_output
    if isinstance(module, _TRANSPOSED_CONVS):
        # Every input element is multiplied into (C_out / groups) · kH · kW outputs.
        per_input = (module.out_channels // module.groups) * math.prod(module.kernel_size)
        return inputs[0][0].numel() * per_input
    if isinstance(module, nn.Linear):
        # Every output feature (of every position, for inputs like (N, T, in)) is a dot product
        # over in_features inputs.
        return output[0].numel() * module.in_features
    return 0


def summary(
    model: nn.Module,
    input_size: tuple[int, ...],
    device: str | torch.device = "cpu",
    dtype: torch.dtype = torch.float32,
) -> ModelSummary:
    """Run `model` once on zeros of shape (1, *input_size) and tabulate its leaf modules.

    input_size: one sample's shape without the batch dimension, e.g. (1, 28, 28) or (3, 224, 224).
    Leaf modules (no children, or with parameters of their own) get one row per call; containers
    such as nn.Sequential get none. A module called twice gets two rows but its parameters are
    counted once, on the first. Multiply-adds: convolutions out_elements · (C_in/groups) · kH · kW,
    linear layers out_features · in_features per position; all other layers 0 (VGG/ResNet papers)
    unless the module defines its own `mult_adds(inputs, output)`.
    The model runs in eval mode under no_grad and is put back in its former mode afterwards.
    """
    input_size = tuple(int(s) for s in input_size)
    device = torch.device(device)
    first = next(iter(model.parameters()), None)
    if first is not None and first.device.type != device.type:
        raise ValueError(
            f"the model is on {first.device} but summary runs on {device}: "
            f"pass device='{first.device}' or move the model first"
        )

    rows: list[LayerRow] = []
    calls: dict[int, int] = {}  # id(module) -> how many times it has run so far
    counted: set[int] = set()  # ids of parameters already attributed to a row (shared weights)

    def make_hook(name: str):
        def hook(module: nn.Module, inputs: tuple, output) -> None:
            calls[id(module)] = calls.get(id(module), 0) + 1
            params = 0
            for p in module.parameters(recurse=False):
                if id(p) not in counted:
                    counted.add(id(p))
                    params += p.numel()
            row_name = name if calls[id(module)] == 1 else f"{name} (call {calls[id(module)]})"
            rows.append(
                LayerRow(
                    row_name,
                    type(module).__name__,
                    _output_shape(output),
                    params,
                    _mult_adds(module, inputs, output),
                )
            )

        return hook

    handles = []
    for name, module in model.named_modules():  # each shared module appears once, first name
        has_own_params = next(module.parameters(recurse=False), None) is not None
        if next(module.children(), None) is None or has_own_params:
            handles.append(module.register_forward_hook(make_hook(name or type(module).__name__)))

    was_training = model.training
    # Eval mode: BatchNorm must not update its running statistics from an all-zero batch (and
    # cannot compute batch statistics from one sample at 1×1), and dropout must not fire.
    model.eval()
    x = torch.zeros((1, *input_size), device=device, dtype=dtype)
    try:
        with torch.no_grad():
            model(x)
    except Exception as error:
        raise RuntimeError(
            f"summary: the forward pass on zeros of shape {tuple(x.shape)} failed ({error}). "
            "input_size is one sample's shape without the batch dimension, e.g. (1, 28, 28)."
        ) from error
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)

    unique = list(model.parameters())  # parameters() yields a shared parameter only once
    return ModelSummary(
        rows=rows,
        input_size=input_size,
        total_params=sum(p.numel() for p in unique),
        trainable_params=sum(p.numel() for p in unique if p.requires_grad),
        total_mult_adds=sum(r.mult_adds for r in rows),
    )
