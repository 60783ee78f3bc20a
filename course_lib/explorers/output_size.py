"""The output-size explorer (chapter 04): every position of an F-wide filter on an N-wide input
with padding P and stride S, the (N − F + 2P)/S + 1 arithmetic, and the cases that do not fit.
Pure `render_output_size`, its kernel-free slider and live widget; the arithmetic is `ops.conv`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..ops import conv_output_size
from ..plotting import show_matrix
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = [
    "OUTPUT_SIZE_CASES",
    "output_size_explorer",
    "output_size_explorer_static",
    "output_size_story",
    "render_output_size",
]

# (N, F, P, S) cases of the chapter, in the order the kernel-free slider shows them.
OUTPUT_SIZE_CASES: tuple[tuple[int, int, int, int], ...] = (
    (7, 3, 0, 1), (7, 3, 0, 2), (7, 3, 0, 3), (7, 3, 1, 1), (9, 3, 1, 2), (5, 3, 0, 1),
    (5, 3, 1, 1), (5, 3, 1, 2), (8, 3, 0, 2), (8, 5, 2, 1), (10, 4, 1, 3),
)


def output_size_story(n: int, kernel_size: int, padding: int, stride: int) -> str:
    """The formula with the numbers put in, and what happens when it is not an integer."""
    exact = (n - kernel_size + 2 * padding) / stride + 1
    head = (f"({n} − {kernel_size} + 2·{padding}) / {stride} + 1 = "
            + (f"{exact:.0f}" if exact.is_integer() else f"{exact:.3g}"))
    floor = conv_output_size(n, kernel_size, stride, padding)
    if exact.is_integer():
        return f"{head}: the windows fit exactly, output {floor}×{floor}"
    ceil = conv_output_size(n, kernel_size, stride, padding, rounding="ceil")
    return (f"{head}: not an integer, the windows do not fit (the lecture notes: invalid)\n"
            f"PyTorch floors to {floor}×{floor} and never reads the last cells; ceil would give "
            f"{ceil}×{ceil}")


def _check(n: int, kernel_size: int, padding: int, stride: int) -> None:
    for name, value, low in (("N", n, 1), ("F", kernel_size, 1), ("P", padding, 0),
                             ("S", stride, 1)):
        if not isinstance(value, int | np.integer) or value < low:
            raise ValueError(f"{name} must be an integer ≥ {low}, got {value!r}")
    conv_output_size(n, kernel_size, stride, padding)  # raises when the filter does not fit


def render_output_size(n: int, kernel_size: int, padding: int = 0, stride: int = 1) -> Figure:
    """Every filter position of an F×F filter on an N×N input with padding P and stride S.

    Left: the padded (N + 2P)² grid; each cell shows how many filter windows cover it (0 in red:
    a cell no window reads). Right: the positions along one axis, one bar per window; a window
    that would hang over the edge is drawn dashed and is dropped (PyTorch floors). Bottom: the
    formula with the numbers in it.
    """
    _check(n, kernel_size, padding, stride)
    out = conv_output_size(n, kernel_size, stride, padding)
    width = n + 2 * padding
    starts = [i * stride for i in range(out)]  # window starts, in padded coordinates
    cover_1d = np.zeros(width, dtype=int)
    for s in starts:
        cover_1d[s : s + kernel_size] += 1
    coverage = np.outer(cover_1d, cover_1d)  # windows are products of the two axes' positions

    fig = Figure(figsize=(11, 4.6))
    ax_grid, ax_bars = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
    fig.subplots_adjust(left=0.02, right=0.98, top=0.88, bottom=0.2, wspace=0.12)
    show_matrix(ax_grid, coverage, cmap="Blues", vmin=0, vmax=2.2 * max(coverage.max(), 1),
                show_numbers=width <= 16)
    missed = [(r, c) for (r, c), v in np.ndenumerate(coverage) if v == 0]
    for r, c in missed:
        ax_grid.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor="tab:red", alpha=0.35,
                                    edgecolor="none", gid="never-read"))
    if padding:
        ax_grid.add_patch(Rectangle((padding - 0.5, padding - 0.5), n, n, fill=False,
                                    edgecolor="0.3", linestyle="--", linewidth=1.2))
    ax_grid.add_patch(Rectangle((-0.5, -0.5), kernel_size, kernel_size, fill=False,
                                edgecolor="tab:orange", linewidth=2.5))  # the first window
    ax_grid.set_title(f"windows covering each cell: {out}×{out} = {out * out} positions",
                      fontsize=11)

    # One axis: the padded row of cells on top, then one bar per window position.
    overhang = (width - kernel_size) % stride != 0  # the next window would hang over the edge
    ax_bars.set_xlim(-0.6, max(width, out * stride + kernel_size if overhang else 0) + 0.6)
    rows = out + 2
    ax_bars.set_ylim(rows + 0.2, -1.2)
    ax_bars.set_axis_off()
    for c in range(width):
        pad_cell = c < padding or c >= padding + n
        ax_bars.add_patch(Rectangle((c, -1), 1, 0.8, facecolor="0.85" if pad_cell else "#cfe1f2",
                                    edgecolor="0.4", linewidth=0.8))
        ax_bars.text(c + 0.5, -0.6, "0" if pad_cell else str(c - padding), ha="center",
                     va="center", fontsize=8, color="0.3")
        if cover_1d[c] == 0:
            ax_bars.add_patch(Rectangle((c, -1), 1, 0.8, facecolor="tab:red", alpha=0.35,
                                        edgecolor="none"))
    for k, s in enumerate(starts):
        ax_bars.add_patch(Rectangle((s, k + 0.15), kernel_size, 0.7, facecolor="tab:orange",
                                    alpha=0.75, edgecolor="tab:orange", gid=f"window-{k}"))
        ax_bars.text(s + kernel_size / 2, k + 0.5, f"{k}", ha="center", va="center", fontsize=8)
    next_start = out * stride
    if overhang:
        ax_bars.add_patch(Rectangle((next_start, out + 0.15), kernel_size, 0.7, fill=False,
                                    edgecolor="tab:red", linestyle="--", linewidth=1.5,
                                    gid="dropped-window"))
        ax_bars.text(next_start + 0.1, out + 0.5, "does not fit", ha="left", va="center",
                     fontsize=8, color="tab:red")
    ax_bars.set_title(f"along one axis: N={n}, F={kernel_size}, P={padding}, S={stride}",
                      fontsize=11)

    story = output_size_story(n, kernel_size, padding, stride)
    fits = "not an integer" not in story
    fig.text(0.5, 0.1, story, ha="center", va="center", fontsize=11, family="monospace",
             color="black" if fits else "tab:red", gid="output-size-formula")
    return fig


def _label(p: dict[str, Any]) -> str:
    return f"N={p['n']}, F={p['kernel_size']}, P={p['padding']}, S={p['stride']}"


def output_size_explorer_static(
    cases: tuple[tuple[int, int, int, int], ...] = OUTPUT_SIZE_CASES, dpi: float = 72
) -> StaticSlider:
    """The kernel-free output-size explorer: one frame per (N, F, P, S) case."""
    grid = [{"n": n, "kernel_size": f, "padding": p, "stride": s} for n, f, p, s in cases]
    return explorer_html(render_output_size, grid, label=_label,
                         title="Filter positions: (N − F + 2P)/S + 1", dpi=dpi)


def output_size_explorer(dpi: float = 80) -> Explorer:
    """Live output-size explorer (needs a running kernel): sliders for N, F, P and S, starting
    at the lecture notes' 7×7 input and 3×3 filter."""
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    def slider(value: int, low: int, high: int, name: str) -> Any:
        return widgets.IntSlider(value, min=low, max=high, description=name)

    return interactive_explorer(render_output_size, dpi=dpi, n=slider(7, 3, 16, "N"),
                                kernel_size=slider(3, 1, 7, "F"), padding=slider(0, 0, 3, "P"),
                                stride=slider(1, 1, 4, "S"))
