"""The activations explorer (chapter 12): one layer's feature maps for one input, a layer slider to
walk from the first convolution to the class scores. Pure `render_layer_activations`, its
kernel-free slider and its live widget; the hooks that read the maps are `visualize.activations`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from matplotlib.figure import Figure
from torch import Tensor, nn

from ..visualize.activations import collect_activations
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = ["activations_explorer", "activations_explorer_static", "render_layer_activations"]


def _one(a: Tensor | np.ndarray) -> np.ndarray:
    """One input's output: (1, C, h, w) or (C, h, w) → (C, h, w); (1, F) or (F,) → (F,)."""
    a = a.detach().cpu().numpy() if isinstance(a, Tensor) else np.asarray(a)
    return a[0] if a.ndim in (2, 4) else a


def render_layer_activations(
    image: np.ndarray,
    activations: dict[str, Tensor | np.ndarray],
    layer: str,
    max_maps: int = 16,
    class_names: Sequence[str] | None = None,
) -> Figure:
    """The input image (H, W) beside layer `layer`'s output for it, from `activations` (as
    returned by `collect_activations` for one input).

    A (C, h, w) output shows its first `max_maps` channels, each with its own colour scale
    (viridis from 0 for non-negative maps, red/blue around 0 for signed ones; an all-zero map is
    marked "blank"); a vector output (F,) is drawn as bars, labelled by `class_names` when it has
    one value per class. The title gives the shape and the share of zeros.
    """
    if layer not in activations:
        raise ValueError(f"no recorded layer {layer!r}; recorded: {', '.join(activations)}")
    a = _one(activations[layer])
    names = list(activations)
    fig = Figure(figsize=(11, 4.6))
    grid = fig.add_gridspec(1, 2, width_ratios=[1, 2.6], wspace=0.08, left=0.02, right=0.98,
                            top=0.86, bottom=0.06)
    ax_in = fig.add_subplot(grid[0])
    ax_in.imshow(np.asarray(image), cmap="gray", interpolation="nearest")
    ax_in.set_title("input", fontsize=11)
    ax_in.set_axis_off()
    zeros = float((a == 0).mean())
    where = f"layer {names.index(layer) + 1} of {len(names)}: {layer}"
    if a.ndim == 3:
        shown = min(max_maps, a.shape[0])
        blank = int((a.reshape(a.shape[0], -1) == 0).all(axis=1).sum())
        fig.suptitle(f"{where}, output {tuple(a.shape)} (C, H, W); {zeros:.0%} zeros, "
                     f"{blank} of {a.shape[0]} maps blank; first {shown} maps", fontsize=11)
        cols = int(np.ceil(np.sqrt(shown)))
        rows = int(np.ceil(shown / cols))
        sub = grid[1].subgridspec(rows, cols, wspace=0.05, hspace=0.25)
        for k in range(rows * cols):
            ax = fig.add_subplot(sub[k // cols, k % cols])
            ax.set_axis_off()
            if k >= shown:
                continue
            m = a[k]
            if m.min() >= 0:
                ax.imshow(m, cmap="viridis", vmin=0, vmax=m.max() or 1.0, interpolation="nearest")
            else:
                lim = np.abs(m).max()
                ax.imshow(m, cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
            ax.set_title(f"{k}" + (" blank" if not m.any() else ""), fontsize=8, pad=2)
    else:
        ax = fig.add_subplot(grid[1])
        labels = (list(class_names) if class_names is not None and len(class_names) == len(a)
                  else [str(i) for i in range(len(a))])
        ax.bar(range(len(a)), a, color=np.where(a >= 0, "tab:blue", "tab:red"))
        if len(a) <= 20:
            ax.set_xticks(range(len(a)), labels)
        ax.axhline(0, color="0.3", linewidth=0.8)
        fig.suptitle(f"{where}, output ({len(a)},); {zeros:.0%} zeros", fontsize=11)
    return fig


def activations_explorer_static(
    image: np.ndarray,
    activations: dict[str, Tensor | np.ndarray],
    layers: Sequence[str] | None = None,
    max_maps: int = 16,
    class_names: Sequence[str] | None = None,
    dpi: float = 72,
) -> StaticSlider:
    """The kernel-free activations explorer: one frame per layer (default: every recorded one)."""
    layers = list(activations) if layers is None else list(layers)
    grid = [{"image": image, "activations": activations, "layer": name, "max_maps": max_maps,
             "class_names": class_names} for name in layers]
    return explorer_html(render_layer_activations, grid, label=lambda p: p["layer"], dpi=dpi,
                         title="Layer by layer: what the network computes for one input")


def activations_explorer(
    model: nn.Module,
    inputs: Tensor,
    images: np.ndarray | None = None,
    layers: Sequence[str] | None = None,
    max_maps: int = 16,
    class_names: Sequence[str] | None = None,
    dpi: float = 80,
) -> Explorer:
    """Live activations explorer: an input slider and a layer slider.

    inputs: (N, C, H, W) as the model takes them; images: (N, H, W) to display (default: the
    first channel of `inputs`). Activations are recorded with hooks for the chosen input.
    """
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    shown = inputs[:, 0].detach().cpu().numpy() if images is None else np.asarray(images)
    cache: dict[int, dict[str, Tensor]] = {}

    def render(index: int, layer: str) -> Figure:
        if index not in cache:
            with torch.no_grad():
                cache[index] = collect_activations(model, inputs[index : index + 1], layers)
        return render_layer_activations(shown[index], cache[index], layer, max_maps, class_names)

    first = collect_activations(model, inputs[:1], layers)
    cache[0] = first
    style = {"description_width": "initial"}
    return interactive_explorer(
        render, dpi=dpi,
        index=widgets.IntSlider(0, min=0, max=len(inputs) - 1, description="input", style=style),
        layer=widgets.SelectionSlider(options=list(first), description="layer", style=style,
                                      layout=widgets.Layout(width="28em")),
    )

