"""The architecture explorer (chapters 09–10): pick a landmark network and see its layer table,
the size of every feature map and where its parameters sit. The tables come from
`models.zoo.layer_table` (meta device: nothing is allocated or computed, the counts are exact).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..models.zoo import ARCHITECTURES, LayerTable, layer_table
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = ["architecture_explorer", "architecture_explorer_static", "render_architecture"]


@lru_cache(maxsize=len(ARCHITECTURES))
def _table(name: str) -> LayerTable:
    """layer_table(name), built once per name (the renders only read it)."""
    return layer_table(name)


def _short(n: int) -> str:
    """12_345_678 → '12.3M'; 1_536 → '1.5K'."""
    for unit, scale in (("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f}{unit}"
    return str(n)


def _shape(shape: tuple[int, ...]) -> str:
    return "×".join(str(s) for s in shape)


def render_architecture(name: str, table: LayerTable | None = None) -> Figure:
    """The layer table of ARCHITECTURES[name] beside two bar charts, one bar per block: the values
    in its output (feature-map size C·H·W, log scale, labelled with H×W) and its parameters
    (log scale). `table` may be passed to skip rebuilding it."""
    if name not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {name!r}; choose one of {', '.join(ARCHITECTURES)}")
    arch = ARCHITECTURES[name]
    t = table if table is not None else _table(name)
    groups = t.groups
    labels = [g.name.split(".")[-1] for g in groups]
    x = np.arange(len(groups))

    fig = Figure(figsize=(12, 5.6))
    grid = fig.add_gridspec(2, 2, width_ratios=[1.15, 1], hspace=0.08, wspace=0.05,
                            left=0.07, right=0.99, top=0.88, bottom=0.2)
    ax_act = fig.add_subplot(grid[0, 0])
    ax_par = fig.add_subplot(grid[1, 0], sharex=ax_act)
    ax_tab = fig.add_subplot(grid[:, 1])

    values = np.array([g.activations for g in groups], dtype=float)
    spatial = [g.output_shape[1] if len(g.output_shape) == 3 else 1 for g in groups]
    colors = [str(0.25 + 0.6 * (1 - np.log2(max(s, 1)) / np.log2(max(max(spatial), 2))))
              for s in spatial]  # darker = larger maps
    ax_act.bar(x, values, color=colors, edgecolor="0.2", linewidth=0.5)
    ax_act.set_yscale("log")
    ax_act.set_ylabel("output values\n(C·H·W)")
    small = len(groups) <= 24
    for xi, g, v in zip(x, groups, values, strict=True):
        if small and len(g.output_shape) == 3:
            ax_act.text(xi, v * 1.15, f"{g.output_shape[1]}²", ha="center", va="bottom",
                        fontsize=7, rotation=90)
    ax_act.set_ylim(top=values.max() * 12)
    ax_act.tick_params(labelbottom=False)
    ax_act.grid(axis="y", alpha=0.3)

    params = np.array([g.params for g in groups], dtype=float)
    ax_par.bar(x, np.where(params > 0, params, np.nan), color="tab:orange", edgecolor="0.2",
               linewidth=0.5)
    ax_par.set_yscale("log")
    ax_par.set_ylabel("parameters")
    ax_par.set_xticks(x, labels, rotation=90, fontsize=7 if len(groups) > 14 else 8)
    ax_par.grid(axis="y", alpha=0.3)

    # The table, as monospaced text: block, output shape, parameters, multiply-adds.
    ax_tab.axis("off")
    width = max(len(s) for s in labels)
    rows = [f"{'block'.ljust(width)}  {'output':<14}{'params':>8}{'mult-adds':>10}"]
    rows += [f"{lab.ljust(width)}  {_shape(g.output_shape):<14}{_short(g.params):>8}"
             f"{_short(g.mult_adds):>10}" for lab, g in zip(labels, groups, strict=True)]
    s = t.summary
    extra = s.total_params - sum(g.params for g in groups)
    rows.append("")
    rows.append(f"{'total'.ljust(width)}  {'':<14}{_short(s.total_params):>8}"
                f"{_short(s.total_mult_adds):>10}")
    if extra:
        rows.append(f"(includes {_short(extra)} parameters of layers that run only in training)")
    fontsize = min(9.0, 300 / max(len(rows), 1))
    ax_tab.text(0, 1, "\n".join(rows), family="monospace", fontsize=fontsize, va="top",
                ha="left", transform=ax_tab.transAxes)

    c, h, w = arch.input_size
    fig.suptitle(f"{name} ({arch.year}): {s.total_params:,} parameters, "
                 f"{s.total_mult_adds / 1e9:.2f} G multiply-adds per {c}×{h}×{w} image",
                 fontsize=12)
    return fig


def architecture_explorer_static(names: list[str] | None = None,
                                 dpi: float = 72) -> StaticSlider:
    """Kernel-free form: one pre-rendered frame per architecture, stepped by a slider."""
    names = list(ARCHITECTURES) if names is None else names
    return explorer_html(render_architecture, [{"name": n} for n in names],
                         label=lambda p: p["name"], title="Architecture browser", dpi=dpi,
                         interval_ms=1500)


def architecture_explorer(dpi: float = 80) -> Explorer:
    """Live form (needs a running kernel): a dropdown of ARCHITECTURES."""
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    choice: Any = widgets.Dropdown(options=list(ARCHITECTURES), value="VGG-16",
                                   description="network")
    return interactive_explorer(render_architecture, dpi=dpi, name=choice)
