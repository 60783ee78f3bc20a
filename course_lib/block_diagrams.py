"""Block diagrams drawn from the models' own specifications (chapter 09): an Inception module's
four branches, and VGG's stack of 3×3 convolutions and poolings."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from .models.googlenet import INCEPTION_TABLE, InceptionSpec
from .models.vgg import VGG_CONFIGS

__all__ = ["inception_diagram", "vgg_stack_diagram"]

_COLORS = {"conv1": "#f6d08b", "conv": "#9ecae1", "pool": "#f4a6a6", "io": "#d9d9d9",
           "fc": "#b8e0b0"}


def _box(ax: Axes, x: float, y: float, w: float, h: float, text: str, kind: str,
         fontsize: float = 9) -> None:
    """A rounded box centred at (x, y) with `text` inside."""
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02",
                                facecolor=_COLORS[kind], edgecolor="0.25", linewidth=0.8))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float]) -> None:
    ax.annotate("", end, start, arrowprops=dict(arrowstyle="-|>", color="0.3", lw=0.9,
                                                shrinkA=0, shrinkB=0))


def inception_diagram(spec: InceptionSpec | None = None, name: str = "3a",
                      side: int = 28) -> Figure:
    """An Inception module (default: GoogLeNet's 3a from `INCEPTION_TABLE`) as four branches
    between the input and the channel concatenation, each box with its filter count."""
    s = INCEPTION_TABLE[name] if spec is None else spec
    fig = Figure(figsize=(8.8, 4.6), dpi=100, layout="constrained")
    ax = fig.subplots()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6.2)
    ax.axis("off")
    w, h = 2.1, 0.75
    _box(ax, 5, 5.6, 9.2, h, f"previous layer: {s.in_channels} channels, {side}×{side}", "io")
    branches = [
        [("1×1 conv", s.c1, "conv1")],
        [("1×1 conv", s.c3_reduce, "conv1"), ("3×3 conv", s.c3, "conv")],
        [("1×1 conv", s.c5_reduce, "conv1"), ("5×5 conv", s.c5, "conv")],
        [("3×3 max pool", None, "pool"), ("1×1 conv", s.pool_proj, "conv1")],
    ]
    xs = (1.3, 3.77, 6.23, 8.7)
    for x, branch in zip(xs, branches, strict=True):
        ys = (4.5, 3.0) if len(branch) == 2 else (3.75,)
        _arrow(ax, (x, 5.6 - h / 2), (x, ys[0] + h / 2))
        for y, (label, filters, kind) in zip(ys, branch, strict=True):
            text = label if filters is None else f"{label}\n{filters} filters"
            _box(ax, x, y, w, h, text, kind)
        if len(branch) == 2:
            _arrow(ax, (x, ys[0] - h / 2), (x, ys[1] + h / 2))
        _arrow(ax, (x, ys[-1] - h / 2), (x, 1.35 + h / 2))
    _box(ax, 5, 1.35, 9.2, h, f"filter concatenation: {s.c1} + {s.c3} + {s.c5} + "
         f"{s.pool_proj} = {s.out_channels} channels, {side}×{side}", "io")
    ax.text(5, 0.35, "yellow: 1×1 convolutions (the reductions and the pool projection); "
            "every convolution is followed by ReLU", ha="center", fontsize=8, color="0.3")
    fig.suptitle(f"Inception module ({name})", fontsize=11)
    return fig


def _groups(config: Sequence[int | str]) -> list[tuple[int, int]]:
    """(convolutions, width) of each group closed by a pooling "M"."""
    groups, n, width = [], 0, 0
    for item in config:
        if item == "M":
            groups.append((n, width))
            n = 0
        else:
            n, width = n + 1, int(item)
    return groups


def vgg_stack_diagram(name: str = "vgg16", image_size: int = 224,
                      hidden: int = 4096, num_classes: int = 1000) -> Figure:
    """VGG's configuration (`VGG_CONFIGS[name]`) as a left-to-right stack: one box per group of
    3×3 convolutions (height ∝ map side), a pooling box after each, then the FC layers."""
    groups = _groups(VGG_CONFIGS[name])
    fig = Figure(figsize=(11, 3.8), dpi=100, layout="constrained")
    ax = fig.subplots()
    ax.axis("off")
    x, side, y = 0.6, image_size, 2.0
    _box(ax, x, y, 1.0, 2.6, f"input\n{side}×{side}\n×3", "io")
    x_prev = x + 0.5
    for n, width in groups:
        height = 0.9 + 2.2 * side / image_size
        x += 1.55
        _arrow(ax, (x_prev, y), (x - 0.6, y))
        _box(ax, x, y, 1.2, height, f"{n} × conv\n3×3, {width}\n{side}×{side}", "conv",
             fontsize=8)
        side //= 2
        x += 1.05
        _arrow(ax, (x - 0.45, y), (x - 0.3, y))
        _box(ax, x, y, 0.6, 0.9 + 2.2 * side / image_size, "pool\n2×2", "pool", fontsize=7)
        x_prev = x + 0.3
    for units in (hidden, hidden, num_classes):
        x += 1.25
        _arrow(ax, (x_prev, y), (x - 0.45, y))
        _box(ax, x, y, 0.9, 1.6, f"FC\n{units}", "fc", fontsize=8)
        x_prev = x + 0.45
    ax.set_xlim(0, x + 0.7)
    ax.set_ylim(0.2, 3.8)
    convs = sum(n for n, _ in groups)
    label = name.upper().replace("VGG", "VGG-")
    fig.suptitle(f"{label}: {convs} convolutions (3×3, stride 1, padding 1) in "
                 f"{len(groups)} groups, each closed by 2×2/2 max pooling, then 3 FC layers",
                 fontsize=11)
    return fig
