"""Decision boundaries of classifiers on 2-D points: toy datasets (moons, circles, blobs, XOR),
a score function evaluated on a grid, and a drawing of the regions, the boundary (score 0) and,
for SVMs, the margins (score ±1). Shared by the SVM and MLP explorers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.axes import Axes

__all__ = ["TOY_DATASETS", "make_toy_2d", "plot_decision_function", "score_grid"]

TOY_DATASETS = ("moons", "circles", "blobs", "xor")


def make_toy_2d(name: str = "moons", n_samples: int = 120, noise: float | None = None,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A 2-class toy dataset: x (n_samples, 2), y (n_samples,) in {0, 1}.

    "moons": two interleaved half circles (not linearly separable); "circles": one ring inside
    another (needs a non-linear boundary); "blobs": two Gaussian clouds (linearly separable at the
    default noise);
    "xor": four clouds at the corners of a square, opposite corners sharing a class.
    """
    from sklearn.datasets import make_blobs, make_circles, make_moons

    rng = np.random.default_rng(seed)
    if name == "moons":
        return make_moons(n_samples, noise=0.2 if noise is None else noise, random_state=seed)
    if name == "circles":
        return make_circles(n_samples, noise=0.1 if noise is None else noise, factor=0.45,
                            random_state=seed)
    if name == "blobs":
        return make_blobs(n_samples, centers=[[-1.2, -0.8], [1.2, 0.8]],
                          cluster_std=0.45 if noise is None else noise, random_state=seed)
    if name == "xor":
        corners = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], dtype=float)
        which = rng.integers(0, 4, n_samples)
        x = corners[which] + rng.normal(scale=0.15 if noise is None else noise,
                                        size=(n_samples, 2))
        return x, (corners[which].sum(axis=1) == 1).astype(int)
    raise ValueError(f"unknown toy dataset {name!r}; choose one of {', '.join(TOY_DATASETS)}")


def score_grid(score: Callable[[np.ndarray], np.ndarray], x: np.ndarray, resolution: int = 200,
               pad: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`score` (points (M, 2) → (M,)) on a resolution² grid covering the points x (N, 2) plus
    `pad`. Returns the grid's xx, yy and the scores, each (resolution, resolution)."""
    lo, hi = x.min(axis=0) - pad, x.max(axis=0) + pad
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    s = np.asarray(score(np.c_[xx.ravel(), yy.ravel()]), dtype=np.float64)
    return xx, yy, s.reshape(xx.shape)


def plot_decision_function(
    ax: Axes,
    score: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    threshold: float = 0.0,
    margins: Sequence[float] = (),
    highlight: np.ndarray | None = None,
    resolution: int = 200,
    pad: float = 0.5,
    marker_size: float = 22,
) -> None:
    """Colour the plane by the predicted class (score > threshold), draw the boundary (solid) and
    the `margins` levels (dashed), the points coloured by label, and ring the `highlight` points
    (e.g. support vectors, (K, 2)). score: (M, 2) → (M,); x: (N, 2), y: (N,) in {0, 1}.
    `marker_size` is the points' area (matplotlib's `s`)."""
    xx, yy, s = score_grid(score, x, resolution, pad)
    ax.contourf(xx, yy, (s > threshold).astype(float), levels=[-0.5, 0.5, 1.5],
                colors=["#c6dbef", "#fdd0a2"], alpha=0.8)
    if s.min() < threshold < s.max():
        ax.contour(xx, yy, s, levels=[threshold], colors="k", linewidths=1.8)
    levels = sorted(m for m in margins if s.min() < m < s.max())
    if levels:
        ax.contour(xx, yy, s, levels=levels, colors="k", linewidths=1, linestyles="--")
    for label, colour, marker in ((0, "tab:blue", "o"), (1, "tab:orange", "s")):
        pts = x[np.asarray(y) == label]
        ax.scatter(pts[:, 0], pts[:, 1], c=colour, marker=marker, s=marker_size, edgecolors="k",
                   linewidths=0.5, label=f"class {label}", zorder=3)
    if highlight is not None and len(highlight):
        ax.scatter(highlight[:, 0], highlight[:, 1], s=110, facecolors="none",
                   edgecolors="k", linewidths=1.2, label="support vectors", zorder=4)
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_xticks([])
    ax.set_yticks([])
