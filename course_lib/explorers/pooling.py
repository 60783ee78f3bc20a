"""The pooling explorer (chapter 05): max, average or stochastic pooling of a small feature map
with a chosen window and stride; the windows drawn on the input, the element each one keeps,
the output, and for stochastic pooling the inference map Σ p_i a_i. Arithmetic: `ops.pooling`
and `stochastic_pooling`; pure `render_pooling`, its kernel-free slider and live widget.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Rectangle

from ..ops import avg_pool2d, max_pool2d, pool_output_size
from ..plotting import format_number, show_matrix
from ..stochastic_pooling import stochastic_pool2d
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = [
    "POOLING_EXAMPLE",
    "POOLING_KINDS",
    "pooling_explorer",
    "pooling_explorer_static",
    "render_pooling",
]

POOLING_KINDS = ("max", "avg", "stochastic")
# A 7×7 non-negative feature map (stochastic pooling needs values ≥ 0): 7 is odd, so 2×2 windows
# with stride 2 leave the last row and column out in floor mode.
POOLING_EXAMPLE = np.array([
    [1, 1, 2, 3, 0, 2, 1],
    [4, 6, 6, 8, 1, 0, 3],
    [3, 1, 1, 0, 5, 2, 2],
    [1, 2, 2, 4, 1, 7, 0],
    [0, 3, 1, 2, 9, 1, 4],
    [2, 0, 5, 1, 3, 2, 6],
    [1, 4, 2, 0, 2, 8, 3],
])
_COLOURS = ("tab:red", "tab:blue", "tab:green", "tab:purple", "tab:orange", "tab:brown")


def render_pooling(
    x: np.ndarray = POOLING_EXAMPLE,
    kind: str = "max",
    kernel_size: int = 2,
    stride: int | None = None,
    ceil_mode: bool = False,
    seed: int = 0,
) -> Figure:
    """Pool the 2-D map x (H, W) with a kernel_size window and stride (default: the window).

    Left: x with every window outlined (colours cycle so overlapping windows stay apart) and the
    element each window keeps circled (max: its largest; stochastic: the one drawn with
    p_i = a_i / Σ a_k, reproducible by `seed`); cells no window reads are hatched. Middle: the
    output. Right: the first window's arithmetic, and for stochastic pooling the inference map.
    """
    if kind not in POOLING_KINDS:
        raise ValueError(f"kind must be one of {POOLING_KINDS}, got {kind!r}")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"x must be a 2-D (H, W) feature map, got shape {x.shape}")
    stride = kernel_size if stride is None else stride
    if kind == "stochastic" and ceil_mode:
        raise ValueError("stochastic pooling here uses floor mode only: untick ceil_mode")
    H_out, W_out = (pool_output_size(n, kernel_size, stride, 0, ceil_mode) for n in x.shape)
    batch = x[None, None]
    kept: dict[tuple[int, int], tuple[int, int]] = {}  # output cell -> input cell it keeps
    inference = None
    if kind == "max":
        out = max_pool2d(batch, kernel_size, stride, ceil_mode=ceil_mode)[0, 0]
        for i, j in np.ndindex(H_out, W_out):
            window = x[i * stride : i * stride + kernel_size, j * stride : j * stride + kernel_size]
            u, v = np.unravel_index(np.argmax(window), window.shape)
            kept[i, j] = (i * stride + int(u), j * stride + int(v))
    elif kind == "avg":
        out = avg_pool2d(batch, kernel_size, stride, ceil_mode=ceil_mode)[0, 0]
    else:
        t = torch.from_numpy(batch)
        sampled, index = stochastic_pool2d(t, kernel_size, stride, return_indices=True,
                                           generator=torch.Generator().manual_seed(seed))
        out = sampled[0, 0].numpy()
        inference = stochastic_pool2d(t, kernel_size, stride, training=False)[0, 0].numpy()
        for i, j in np.ndindex(H_out, W_out):
            u, v = divmod(int(index[0, 0, i, j]), kernel_size)
            kept[i, j] = (i * stride + u, j * stride + v)

    fig = Figure(figsize=(12, 4.2))
    ax_in, ax_out, ax_side = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.3, 1, 1]})
    fig.subplots_adjust(left=0.02, right=0.98, top=0.85, bottom=0.04, wspace=0.15)
    show_matrix(ax_in, x, cmap="Blues", vmin=0, vmax=2 * max(x.max(), 1))
    read = np.zeros(x.shape, dtype=bool)
    for k, (i, j) in enumerate(np.ndindex(H_out, W_out)):
        r0, c0 = i * stride, j * stride
        h, w = min(kernel_size, x.shape[0] - r0), min(kernel_size, x.shape[1] - c0)  # ceil mode
        read[r0 : r0 + h, c0 : c0 + w] = True
        inset = 0.06 * (k % 3) if stride < kernel_size else 0.0  # keep overlapping outlines apart
        partial = (h, w) != (kernel_size, kernel_size)  # a ceil-mode window over the edge: dashed
        ax_in.add_patch(Rectangle((c0 - 0.5 + inset, r0 - 0.5 + inset), kernel_size - 2 * inset,
                                  kernel_size - 2 * inset, fill=False, linewidth=2,
                                  linestyle="--" if partial else "-",
                                  edgecolor=_COLOURS[k % len(_COLOURS)]))
    for (i, j), (r, c) in kept.items():
        ax_in.add_patch(Circle((c, r), 0.38, fill=False, linewidth=2, gid=f"kept-{i}-{j}",
                               edgecolor=_COLOURS[(i * W_out + j) % len(_COLOURS)]))
    for r, c in zip(*np.nonzero(~read), strict=True):
        ax_in.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="///",
                                  edgecolor="0.5", linewidth=0, gid="never-read"))
    # Room for ceil-mode windows hanging over the bottom and right edges.
    ax_in.set_xlim(-0.6, max(x.shape[1], (W_out - 1) * stride + kernel_size) - 0.4)
    ax_in.set_ylim(max(x.shape[0], (H_out - 1) * stride + kernel_size) - 0.4, -0.6)
    mode = ", ceil mode" if ceil_mode else ""
    ax_in.set_title(f"input {x.shape[0]}×{x.shape[1]}: {kernel_size}×{kernel_size} windows, "
                    f"stride {stride}{mode}", fontsize=11)
    show_matrix(ax_out, out, cmap="Purples", vmin=0, vmax=2 * max(out.max(), 1))
    ax_out.set_title(f"{'training output (one draw)' if inference is not None else kind + ' pool'}"
                     f" {H_out}×{W_out}", fontsize=11)

    first = x[:kernel_size, :kernel_size].ravel()
    values = ", ".join(format_number(v) for v in first)
    if inference is not None:
        show_matrix(ax_side, inference, cmap="Purples", vmin=0, vmax=2 * max(inference.max(), 1),
                    fmt=lambda v: f"{v:.2f}")
        total = first.sum()
        probs = ", ".join(format_number(v) + f"/{format_number(total)}" for v in first)
        ax_side.set_title(f"inference Σ p·a\nfirst window p = ({probs})", fontsize=10)
    else:
        ax_side.set_axis_off()
        text = (f"max({values})\n= {format_number(out[0, 0])}" if kind == "max" else
                f"({' + '.join(format_number(v) for v in first)}) / {first.size}\n"
                f"= {format_number(out[0, 0])}")
        ax_side.text(0.5, 0.5, "first window:\n" + text, ha="center", va="center", fontsize=12,
                     family="monospace", wrap=True, transform=ax_side.transAxes, gid="first-window")
        ax_side.set_title("no weights: nothing to learn", fontsize=11)
    return fig


def pooling_explorer_static(x: np.ndarray = POOLING_EXAMPLE, dpi: float = 72) -> StaticSlider:
    """The kernel-free pooling explorer: each kind with 2×2/2, 2×2/2 ceil mode (not stochastic)
    and AlexNet's overlapping 3×3/2."""
    grid: list[dict[str, Any]] = []
    for kind in POOLING_KINDS:
        grid.append({"x": x, "kind": kind, "kernel_size": 2, "stride": 2})
        if kind != "stochastic":
            grid.append({"x": x, "kind": kind, "kernel_size": 2, "stride": 2, "ceil_mode": True})
        grid.append({"x": x, "kind": kind, "kernel_size": 3, "stride": 2})

    def label(p: dict[str, Any]) -> str:
        k = p["kernel_size"]
        return (f"{p['kind']} {k}×{k}, stride {p['stride']}"
                + (", ceil mode" if p.get("ceil_mode") else ""))

    return explorer_html(render_pooling, grid, label=label, title="Pooling a feature map",
                         dpi=dpi)


def pooling_explorer(x: np.ndarray = POOLING_EXAMPLE, dpi: float = 80) -> Explorer:
    """Live pooling explorer (needs a running kernel): kind, window, stride, ceil mode and the
    random seed of the stochastic draw."""
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    return interactive_explorer(
        render_pooling, dpi=dpi, fixed={"x": x},
        kind=widgets.Dropdown(options=list(POOLING_KINDS), description="kind"),
        kernel_size=widgets.IntSlider(2, min=1, max=4, description="window"),
        stride=widgets.IntSlider(2, min=1, max=4, description="stride"),
        ceil_mode=widgets.Checkbox(False, description="ceil mode"),
        seed=widgets.IntSlider(0, min=0, max=20, description="seed"),
    )
