"""Small shared plotting helpers: a matrix drawn with its numbers ("what a computer sees") and a
grid of images. Everything draws on a given Axes or returns a `matplotlib.figure.Figure` built
directly, so no pyplot global state and no rcParams are touched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

__all__ = ["cell_fontsize", "format_number", "image_grid", "show_matrix"]

# Above this many cells per side the numbers would be unreadable at book width.
MAX_NUMBERED = 12


def format_number(v: float) -> str:
    """Integers without a decimal point, other values with 3 significant digits; '−' for minus."""
    v = float(v)
    if v == 0:
        return "0"  # also turns -0.0 into "0"
    text = f"{int(v)}" if v.is_integer() and abs(v) < 1e6 else f"{v:.3g}"
    return text.replace("-", "\u2212")


def cell_fontsize(ax: Axes, nrows: int, ncols: int, scale: float = 0.42) -> float:
    """A font size (points) that fits a number in one cell of an `nrows`×`ncols` grid on `ax`."""
    fig = ax.get_figure()
    w_in, h_in = fig.get_size_inches()
    box = ax.get_position()
    # With aspect="equal" the grid fills the smaller of the two cell pitches.
    pitch = min(box.width * w_in / ncols, box.height * h_in / nrows) * 72
    return float(np.clip(scale * pitch, 5, 14))


def show_matrix(
    ax: Axes,
    a: np.ndarray,
    fmt: str | Callable[[float], str] = format_number,
    cmap: str = "gray",
    highlight: tuple[int, int, int, int] | Sequence[tuple[int, int, int, int]] | None = None,
    highlight_color: str = "tab:red",
    vmin: float | None = None,
    vmax: float | None = None,
    show_numbers: bool | None = None,
    fontsize: float | None = None,
) -> None:
    """Draw the 2-D array `a` (H, W) as coloured cells with its numbers printed in them.

    NaN cells stay blank (white, no number): handy for a map that is filled in step by step.
    `fmt` is a format string ("{:g}") or a function; `highlight` is one rectangle
    (row, col, height, width), or a list of them, outlined in `highlight_color`. Numbers are
    printed when `show_numbers` is True, or when it is None and the matrix is at most 12×12.
    Text colour follows the cell's brightness so it stays readable on any colormap.
    """
    a = np.asarray(a, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"show_matrix draws a 2-D array, got shape {a.shape}")
    nrows, ncols = a.shape
    finite = a[np.isfinite(a)]
    lo = vmin if vmin is not None else (finite.min() if finite.size else 0.0)
    hi = vmax if vmax is not None else (finite.max() if finite.size else 1.0)
    norm = Normalize(lo, hi if hi > lo else lo + 1)
    colormap = colormaps[cmap].with_extremes(bad="white")
    ax.imshow(np.ma.masked_invalid(a), cmap=colormap, norm=norm, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    # Thin lines between cells, as on squared paper (two line collections: cheaper than ticks).
    if nrows <= 4 * MAX_NUMBERED and ncols <= 4 * MAX_NUMBERED:
        ax.hlines(np.arange(0.5, nrows - 1), -0.5, ncols - 0.5, color="0.75", linewidth=0.5)
        ax.vlines(np.arange(0.5, ncols - 1), -0.5, nrows - 0.5, color="0.75", linewidth=0.5)
    if show_numbers is None:
        show_numbers = nrows <= MAX_NUMBERED and ncols <= MAX_NUMBERED
    if show_numbers:
        size = fontsize or cell_fontsize(ax, nrows, ncols)
        to_text = fmt.format if isinstance(fmt, str) else fmt
        for (i, j), v in np.ndenumerate(a):
            if not np.isfinite(v):
                continue
            r, g, b, _ = colormap(norm(v))
            dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
            ax.text(j, i, to_text(v), ha="center", va="center", fontsize=size,
                    color="white" if dark else "black")
    if highlight is not None:
        rects = [highlight] if np.ndim(highlight) == 1 else highlight
        for r0, c0, h, w in rects:
            ax.add_patch(Rectangle((c0 - 0.5, r0 - 0.5), w, h, fill=False,
                                   edgecolor=highlight_color, linewidth=2.5))


def image_grid(
    images: Sequence[np.ndarray],
    labels: Sequence[str] | None = None,
    ncols: int = 8,
    cmap: str = "gray",
    size: float = 1.4,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Figure:
    """A grid of images (each (H, W), (H, W, 3) or (3, H, W)) with an optional label above each.

    Grey images are scaled one by one to their own range unless `vmin`/`vmax` fix a common one.
    """
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"got {len(images)} images but {len(labels)} labels")
    n = len(images)
    if n == 0:
        raise ValueError("image_grid needs at least one image")
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig = Figure(figsize=(size * ncols, size * nrows + (0.25 * nrows if labels else 0)),
                 layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for k, ax in enumerate(axes):
        ax.set_axis_off()
        if k >= n:
            continue
        img = np.asarray(images[k])
        if img.ndim == 3 and img.shape[0] in (1, 3) and img.shape[-1] not in (1, 3):
            img = img.transpose(1, 2, 0)  # (C, H, W) -> (H, W, C)
        if img.ndim == 3 and img.shape[-1] == 1:
            img = img[..., 0]
        ax.imshow(img, cmap=cmap if img.ndim == 2 else None, interpolation="nearest",
                  vmin=vmin, vmax=vmax)
        if labels is not None:
            ax.set_title(str(labels[k]), fontsize=9)
    return fig
