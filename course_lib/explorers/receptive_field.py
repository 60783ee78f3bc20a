"""The receptive-field explorer (chapter 04): pick one unit of a stack's output and see which
units of every map below it, down to the input pixels, can influence it. The input panel shades
each pixel by its number of paths to the unit (the gradient of an all-ones linear copy of the
stack). Pure `render_receptive_field`, its kernel-free slider and live widget.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..ops import conv_output_size
from ..receptive_field import Layer, as_layers, input_gradient, path_count_network, receptive_field
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = [
    "RF_STACKS",
    "field_formula",
    "receptive_field_explorer",
    "receptive_field_explorer_static",
    "render_receptive_field",
]


def _named(*layers: tuple[str, tuple[int, ...]]) -> list[Layer]:
    return [Layer(*geometry, name=name) for name, geometry in layers]


# The explorer's stacks, by the names its menu shows: (kernel_size, stride, padding, dilation).
RF_STACKS: dict[str, list[Layer]] = {
    "one 3×3": _named(("conv 3×3", (3,))),
    "two 3×3": _named(("conv 3×3", (3,)), ("conv 3×3", (3,))),
    "three 3×3": _named(*[("conv 3×3", (3,))] * 3),
    "one 7×7": _named(("conv 7×7", (7,))),
    "3×3 stride 2, then 3×3": _named(("conv 3×3 /2", (3, 2)), ("conv 3×3", (3,))),
    "3×3, 2×2 pool, 3×3": _named(("conv 3×3", (3,)), ("pool 2×2 /2", (2, 2)),
                                 ("conv 3×3", (3,))),
    "two (3×3, 2×2 pool)": _named(("conv 3×3", (3,)), ("pool 2×2 /2", (2, 2)),
                                  ("conv 3×3", (3,)), ("pool 2×2 /2", (2, 2))),
    "3×3 dilations 1, 2, 4": _named(("conv 3×3", (3,)), ("conv 3×3 d2", (3, 1, 0, 2)),
                                    ("conv 3×3 d4", (3, 1, 0, 4))),
    "three 3×3, padding 1": _named(*[("conv 3×3 p1", (3, 1, 1))] * 3),
}


def field_formula(layers: list[Layer]) -> str:
    """'r = 1 + 2·1 + 2·1 = 5': one term d·(k − 1)·(jump below) per layer."""
    steps = receptive_field(layers)
    below = [1] + [step.jump for step in steps[:-1]]  # the jump of the map each layer reads
    terms = [f"{f'{layer.dilation}·' if layer.dilation > 1 else ''}{layer.kernel_size - 1}·{jump}"
             for layer, jump in zip(layers, below, strict=True)]
    return f"r = 1 + {' + '.join(terms)} = {steps[-1].size}"


def _resolve(stack: str | list[Layer | tuple[int, ...]]) -> list[Layer]:
    if isinstance(stack, str):
        if stack not in RF_STACKS:
            raise ValueError(f"unknown stack {stack!r}; choose one of {list(RF_STACKS)}")
        return RF_STACKS[stack]
    return as_layers(stack)


def _sizes(layers: list[Layer], input_size: int) -> list[int]:
    sizes = [input_size]
    for layer in layers:
        sizes.append(conv_output_size(sizes[-1], layer.kernel_size, layer.stride, layer.padding,
                                      layer.dilation))
    return sizes


def render_receptive_field(
    stack: str | list[Layer | tuple[int, ...]] = "three 3×3",
    input_size: int = 15,
    unit: tuple[int, int] | None = None,
) -> Figure:
    """The receptive field of one output unit of `stack` (a name in RF_STACKS or a list of
    layers) on an input_size × input_size input; `unit` defaults to the output's centre.

    One panel per map, input first: in each, the cells that can influence the unit are coloured
    (clipped to the map: the rest of the field lies on the padding), the unit itself in red. The
    input panel shows the number of paths from each pixel to the unit and outlines the field the
    formula predicts (dashed where it reaches into the padding).
    """
    layers = _resolve(stack)
    sizes = _sizes(layers, input_size)
    out = sizes[-1]
    i, j = (out // 2, out // 2) if unit is None else unit
    if not (0 <= i < out and 0 <= j < out):
        raise ValueError(f"unit {(i, j)} is outside the {out}×{out} output: each index must be "
                         f"in 0..{out - 1}")

    fig = Figure(figsize=(12, 4.3))
    axes = fig.subplots(1, len(sizes), gridspec_kw={"width_ratios": [max(s, 3) for s in sizes]})
    fig.subplots_adjust(left=0.01, right=0.99, top=0.8, bottom=0.03, wspace=0.08)
    for level, (ax, n) in enumerate(zip(axes, sizes, strict=True)):
        # Which cells of map `level` reach the unit: the paths through the layers above it
        # (exact, holes of dilated kernels included).
        above = layers[level:]
        reach = (input_gradient(path_count_network(above), (1, n, n), (i, j)) if above
                 else np.zeros((n, n)))
        lit = (reach > 0).astype(float)
        if not above:
            lit[i, j] = 1.0
        if level == 0:
            step = receptive_field(layers)[-1]
            (r0, r1), (c0, c1) = step.span(i), step.span(j)
            shown = np.where(reach > 0, np.log1p(reach), np.nan)  # log: counts span decades
            ax.imshow(np.zeros((n, n)), cmap="Greys", vmin=0, vmax=1)
            ax.imshow(np.ma.masked_invalid(shown), cmap="Oranges", vmin=0,
                      vmax=1.15 * np.nanmax(shown), interpolation="nearest")
            ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), c1 - c0 + 1, r1 - r0 + 1, fill=False,
                                   edgecolor="tab:blue", linewidth=2,
                                   linestyle="--" if min(r0, c0) < 0 or max(r1, c1) >= n else "-",
                                   gid="computed-field"))
            ax.set_xlim(min(c0, 0) - 0.6, max(c1, n - 1) + 0.6)
            ax.set_ylim(max(r1, n - 1) + 0.6, min(r0, 0) - 0.6)
            ax.set_title(f"input {n}×{n}: field {step.size}×{step.size}\n(shade: paths to the "
                         "unit)", fontsize=10)
        else:
            ax.imshow(lit, cmap="Oranges", vmin=0, vmax=2.2, interpolation="nearest")
            layer = layers[level - 1]
            ax.set_title(f"{layer.name or f'layer {level}'}\n→ {n}×{n}", fontsize=10)
        ax.add_patch(Rectangle((-0.5, -0.5), n, n, fill=False, edgecolor="0.3", linewidth=1))
        if n <= 48:  # the cell grid
            ax.hlines(np.arange(0.5, n - 1), -0.5, n - 0.5, color="0.8", linewidth=0.4)
            ax.vlines(np.arange(0.5, n - 1), -0.5, n - 0.5, color="0.8", linewidth=0.4)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_frame_on(False)
    axes[-1].add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor="tab:red",
                                 edgecolor="tab:red", gid="chosen-unit"))
    final = receptive_field(layers)[-1]
    fig.suptitle(f"{field_formula(layers)} pixels per side; jump (effective stride) {final.jump};"
                 f" unit ({i}, {j})", fontsize=12)
    return fig


def receptive_field_explorer_static(
    stacks: list[str] | None = None, input_size: int = 15, dpi: float = 72
) -> StaticSlider:
    """The kernel-free receptive-field explorer: one frame per stack, centre unit, then the
    padded stack's corner unit, whose field runs into the padding."""
    names = list(RF_STACKS) if stacks is None else stacks
    grid: list[dict[str, Any]] = [{"stack": s, "input_size": input_size} for s in names]
    if "three 3×3, padding 1" in names:
        grid.append({"stack": "three 3×3, padding 1", "input_size": input_size, "unit": (0, 0)})

    def label(p: dict[str, Any]) -> str:
        return p["stack"] + (f", unit {p['unit']}" if "unit" in p else "")

    return explorer_html(render_receptive_field, grid, label=label,
                         title="Receptive field of one output unit", dpi=dpi)


def receptive_field_explorer(input_size: int = 15, dpi: float = 80) -> Explorer:
    """Live receptive-field explorer (needs a running kernel): the stack and the output unit."""
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    style = {"description_width": "initial"}
    stack_w = widgets.Dropdown(options=list(RF_STACKS), value="three 3×3", description="stack",
                               style=style)
    row_w = widgets.IntSlider(0, min=0, max=0, description="unit row", style=style)
    col_w = widgets.IntSlider(0, min=0, max=0, description="unit column", style=style)

    def fit_unit(change: Any = None) -> None:
        # Runs before the explorer re-renders (observers fire in the order they were added).
        out = _sizes(RF_STACKS[stack_w.value], input_size)[-1]
        for w in (row_w, col_w):
            w.max = out - 1
            if change is None or change.get("name") == "value" and change.get("owner") is stack_w:
                w.value = out // 2  # a new stack starts at its centre unit

    stack_w.observe(fit_unit, names="value")
    fit_unit()

    def render(stack: str, row: int, col: int) -> Figure:
        return render_receptive_field(stack, input_size, (row, col))

    return interactive_explorer(render, dpi=dpi, stack=stack_w, row=row_w, col=col_w)
