"""The dropout explorer (chapter 06): which units a dropout mask removes for a drop probability
p, in training and in evaluation mode, drawn on a small network and on a layer's activations.
The mask is `ops.dropout`'s; pure `render_dropout`, its kernel-free slider and live widget.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from ..ops.dropout import dropout_mask
from ..plotting import show_matrix
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = ["DROPOUT_LAYERS", "dropout_explorer", "dropout_explorer_static", "render_dropout"]

DROPOUT_LAYERS = (4, 7, 7, 3)  # units per layer of the drawn network: input, 2 hidden, output
GRID = 8  # the activation panels show an 8×8 layer of 64 units


def _activations(seed: int) -> np.ndarray:
    """A fixed, ReLU-like layer of 64 activations (non-negative, some zero), shaped 8×8."""
    rng = np.random.default_rng(1000 + seed)
    return np.maximum(rng.normal(0.5, 0.6, (GRID, GRID)), 0).round(2)


def _draw_network(ax, keep_hidden: list[np.ndarray], training: bool) -> None:
    sizes = DROPOUT_LAYERS
    xs = np.linspace(0, 1, len(sizes))
    pos = [0.56 + 0.13 * (np.arange(n) - (n - 1) / 2) for n in sizes]  # nodes centred at 0.56
    alive = [np.ones(sizes[0], bool), *keep_hidden, np.ones(sizes[-1], bool)]
    on, off = [], []  # connections between kept units, and those a dropped unit cut
    for li in range(len(sizes) - 1):
        for i, yi in enumerate(pos[li]):
            for j, yj in enumerate(pos[li + 1]):
                kept = alive[li][i] and alive[li + 1][j]
                (on if kept else off).append([(xs[li], yi), (xs[li + 1], yj)])
    ax.add_collection(LineCollection(off, colors="0.9", linewidths=0.5, zorder=1))
    ax.add_collection(LineCollection(on, colors="0.35", linewidths=0.8, zorder=1))
    for li, (x, ys) in enumerate(zip(xs, pos, strict=True)):
        hidden = 0 < li < len(sizes) - 1
        colors = np.where(alive[li], "tab:orange" if hidden else "tab:blue", "white")
        ax.scatter(np.full(len(ys), x), ys, s=260, zorder=2, edgecolors="black", c=colors)
        dropped = ~alive[li]
        if dropped.any():
            ax.plot(np.full(dropped.sum(), x), ys[dropped], linestyle="none", marker="x",
                    color="tab:red", ms=11, mew=2.5, zorder=3)
    ax.set_xlim(-0.1, 1.1)
    ax.set_ylim(-0.04, 1.03)
    ax.set_axis_off()
    labels = ["input", "hidden 1", "hidden 2", "output"]
    for x, label in zip(xs, labels, strict=True):
        ax.text(x, -0.02, label, ha="center", fontsize=9)
    ax.set_title("training: a thinned network this step" if training
                 else "evaluation: the whole network", fontsize=10)


def render_dropout(p: float = 0.5, training: bool = True, seed: int = 0) -> Figure:
    """Dropout with drop probability `p` in training or evaluation mode, for mask draw `seed`.

    Left: a 4-7-7-3 network with the dropped hidden units crossed out (their connections
    vanish). Middle and right: a layer's 64 activations before and after inverted dropout,
    kept values scaled by 1/(1 − p), so the layer's mean stays about the same.
    """
    if not 0 <= p < 1:
        raise ValueError(f"p must be in [0, 1) for the explorer, got {p}")
    rng = np.random.default_rng(seed)
    masks = [dropout_mask((n,), p, rng) > 0 if training else np.ones(n, bool)
             for n in DROPOUT_LAYERS[1:-1]]
    a = _activations(0)
    scaled = dropout_mask(a.shape, p, rng) if training else np.ones_like(a)
    out = a * scaled

    fig = Figure(figsize=(12, 3.9))
    gs = fig.add_gridspec(1, 3, width_ratios=[1.25, 1, 1], left=0.01, right=0.99, top=0.83,
                          bottom=0.03, wspace=0.08)
    _draw_network(fig.add_subplot(gs[0]), masks, training)
    vmax = max(a.max(), out.max())
    for k, (values, title) in enumerate(
            ((a, f"activations (mean {a.mean():.3f})"),
             (np.where(scaled > 0, out, np.nan),  # dropped units blank
              f"after dropout (mean {out.mean():.3f}; blank = 0)" if training
              else "evaluation: unchanged"))):
        ax = fig.add_subplot(gs[k + 1])
        show_matrix(ax, values, fmt="{:.1f}", cmap="Oranges", vmin=0, vmax=1.4 * vmax,
                    fontsize=7)
        ax.set_title(title, fontsize=10)
    kept = int((scaled > 0).sum())
    if training:
        note = (f"p = {p:g}: kept {kept}/{a.size} units, each ×1/(1−p) = ×{1 / (1 - p):.3g}; "
                f"a new mask every step")
    else:
        note = f"model.eval(): dropout is off, every unit is used as it is (p = {p:g} ignored)"
    fig.suptitle(note, fontsize=11)
    return fig


def dropout_explorer_static(ps: tuple[float, ...] = (0.0, 0.2, 0.5, 0.8),
                            dpi: float = 72) -> StaticSlider:
    """The kernel-free dropout explorer: each p in training mode (two mask draws), then eval.

    p = 0 gets one frame: it drops nothing, so every mask draw looks the same.
    """
    grid = [{"p": p, "training": True, "seed": s} for p in ps for s in ((0,) if p == 0 else (0, 1))]
    grid.append({"p": 0.5, "training": False, "seed": 0})

    def label(q: dict) -> str:
        if not q["training"]:
            return "eval"
        return f"p = {q['p']:g}, training" + (f", mask {q['seed'] + 1}" if q["p"] else "")

    return explorer_html(render_dropout, grid, label=label, dpi=dpi,
                         title="Dropout masks: training vs evaluation")


def dropout_explorer(dpi: float = 80) -> Explorer:
    """Live dropout explorer (needs a running kernel): p, training/eval and the mask's seed."""
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    return interactive_explorer(
        render_dropout, dpi=dpi,
        p=widgets.FloatSlider(0.5, min=0.0, max=0.9, step=0.05, description="p (drop)"),
        training=widgets.Checkbox(True, description="training mode"),
        seed=widgets.IntSlider(0, min=0, max=20, description="mask seed"),
    )
