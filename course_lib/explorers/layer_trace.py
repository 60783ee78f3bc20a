"""The layer-stack explorer (chapter 13): a small CNN of repeated [conv → (pool)] blocks drawn to
scale, each layer's output size worked out with (N − F + 2P)/S + 1, its channels and receptive
field. Pure `render_layer_trace`, its kernel-free slider and live widget; arithmetic: `layer_trace`.
"""

from __future__ import annotations

from itertools import product

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..layer_trace import LayerSpec, TraceRow, conv, pool, trace_layers
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = ["layer_trace_explorer", "layer_trace_explorer_static", "render_layer_trace",
           "stack_layers"]


def stack_layers(blocks: int, kernel_size: int, stride: int, padding: int | str,
                 pooling: bool, width: int = 16) -> list[LayerSpec]:
    """`blocks` × [conv(F, S, P) → 2×2 max pool if `pooling`], filters width, 2·width, 4·width…;
    padding "same" means (F − 1) / 2 (the size-keeping padding at stride 1, for odd F)."""
    pad = (kernel_size - 1) // 2 if padding == "same" else int(padding)
    layers: list[LayerSpec] = []
    for b in range(blocks):
        layers.append(conv(width * 2**b, kernel_size, stride, pad))
        if pooling:
            layers.append(pool(2))
    return layers


def _trace_until_it_fails(input_size: int, in_channels: int,
                          layers: list[LayerSpec]) -> tuple[list[TraceRow], str]:
    rows: list[TraceRow] = []
    for k in range(1, len(layers) + 1):
        try:
            rows = trace_layers(input_size, in_channels, layers[:k])
        except ValueError as err:
            return rows, str(err)
    return rows, ""


def render_layer_trace(input_size: int = 32, kernel_size: int = 3, stride: int = 1,
                       padding: int | str = 0, blocks: int = 3, pooling: bool = True,
                       in_channels: int = 3) -> Figure:
    """The input and every layer's output drawn as squares to scale (side = spatial size), each
    labelled with H×W×C, the size formula (red where (N − F + 2P)/S is not a whole number and
    PyTorch rounds down) and the receptive field; a layer that does not fit ends the stack."""
    layers = stack_layers(blocks, kernel_size, stride, padding, pooling)
    rows, failure = _trace_until_it_fails(input_size, in_channels, layers)
    fig = Figure(figsize=(12, 3.4))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.86))
    ax.set_axis_off()
    slots = len(layers) + 1
    scale = 0.8 / max(input_size, 1)  # the input square fills 80% of a slot
    stages = [(f"input\n\n{input_size}×{input_size}×{in_channels}", input_size, "", True)]
    size = input_size
    for row in rows:
        L = row.layer
        formula = (f"({size} − {L.kernel_size} + 2·{L.padding})/{L.stride} + 1"
                   f"\n= {(size - L.kernel_size + 2 * L.padding) / L.stride + 1:.4g}")
        kind = f"{L.kind} {L.kernel_size}×{L.kernel_size}" + (
            f" ×{L.out_channels}" if L.kind == "conv" else "")
        label = (f"{kind}\nS={L.stride}, P={L.padding}\n{row.size}×{row.size}×{row.channels}\n"
                 f"RF {row.receptive_field}, {row.params:,} params")
        stages.append((label, row.size, formula, row.exact))
        size = row.size
    for k, (label, side, formula, exact) in enumerate(stages):
        s = side * scale
        x0, y0 = k + (1 - s) / 2, 1.0 - s / 2
        ax.add_patch(Rectangle((x0, y0), s, s, facecolor="tab:blue" if k else "0.6",
                               alpha=0.35, edgecolor="black"))
        ax.text(k + 0.5, 0.55, label, ha="center", va="top", fontsize=8.5)
        if formula:
            ax.text(k + 0.5, 1.45, formula, ha="center", va="bottom", fontsize=8.5,
                    color="black" if exact else "tab:red")
    if failure:
        ax.text(len(stages) + 0.5, 1.0, "does not fit:\nthe map is\nsmaller than\nthe window",
                ha="center", va="center", fontsize=9, color="tab:red")
    # A fixed scale (at least the 7 slots of three pooled blocks): squares stay square, and the
    # frames of a slider can be compared by eye.
    ax.set_xlim(0, max(slots, 7))
    ax.set_ylim(0.1, 1.75)
    ax.set_aspect("equal", adjustable="box")
    pad_text = f"'same' (P = {(kernel_size - 1) // 2})" if padding == "same" else f"P = {padding}"
    fig.suptitle(f"{blocks} block(s) of conv {kernel_size}×{kernel_size}, S = {stride}, "
                 f"{pad_text}" + (" → max pool 2×2" if pooling else "") +
                 "  (red: not a whole number, PyTorch rounds down)", fontsize=11)
    return fig


def layer_trace_explorer_static(input_size: int = 32, blocks: int = 3,
                                dpi: float = 72) -> StaticSlider:
    """The kernel-free explorer: every combination of F ∈ {3, 5}, P ∈ {0, same}, S ∈ {1, 2} and
    pooling on/off, for a `blocks`-block stack on an input_size² RGB input."""
    grid = [{"input_size": input_size, "kernel_size": f, "padding": p, "stride": s,
             "pooling": pl, "blocks": blocks}
            for pl, s, f, p in product((False, True), (1, 2), (3, 5), (0, "same"))]
    def label(q: dict) -> str:
        return (f"F={q['kernel_size']}, P={q['padding']}, S={q['stride']}, "
                f"pool {'on' if q['pooling'] else 'off'}")

    return explorer_html(render_layer_trace, grid, label, dpi=dpi,
                         title="Sizes, channels and receptive fields through a stack of layers")


def layer_trace_explorer(dpi: float = 80) -> Explorer:
    """Live explorer: input size, kernel size, stride, padding (a number or 'same'), the number of
    blocks and pooling on/off."""
    return interactive_explorer(
        render_layer_trace, dpi=dpi, input_size=(8, 64, 4), kernel_size=[1, 3, 5, 7],
        stride=(1, 3, 1), padding=[0, 1, 2, 3, "same"], blocks=(1, 4, 1), pooling=True)
