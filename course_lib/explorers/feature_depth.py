"""The feature-depth explorer (chapter 11): cats-vs-dogs features taken after block k of a
pretrained base and of a random one, as a 2-D PCA, with each depth's linear-probe accuracy.
`depth_probe` computes everything once; `render_feature_depth` only draws (cheap frames).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from torch import Tensor, nn

from ..transfer import block_features, linear_probe
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = ["DepthProbe", "depth_probe", "feature_depth_explorer", "feature_depth_explorer_static",
           "pca_2d", "render_feature_depth"]


@dataclass
class DepthProbe:
    """Per block of two bases: the test features' 2-D PCA and the linear-probe accuracy."""

    blocks: list[str]  # block names, input side first
    dims: list[int]  # feature size at each depth (C·pool²)
    pretrained_xy: list[np.ndarray]  # (N, 2) PCA coordinates of the pretrained base's features
    random_xy: list[np.ndarray]  # (N, 2) the same for the random base
    labels: np.ndarray  # (N,) test labels
    pretrained_acc: list[float]  # linear-probe test accuracy per depth, pretrained base
    random_acc: list[float]  # the same, random base
    class_names: tuple[str, ...]  # names of the labels


def pca_2d(x: np.ndarray) -> np.ndarray:
    """Project standardized rows of x: (N, D) on their first two principal axes → (N, 2)."""
    z = (x - x.mean(0)) / (x.std(0) + 1e-8)
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    xy = z @ vt[:2].T  # (N, 2)
    return xy * np.sign(xy[np.abs(xy).argmax(0), [0, 1]])  # fix the sign SVD leaves free


def depth_probe(pretrained: nn.Sequential, random: nn.Sequential,
                train_batches: Iterable[tuple[Tensor, Tensor]],
                test_batches: Iterable[tuple[Tensor, Tensor]],
                class_names: Sequence[str] = ("cat", "dog"), pool: int = 4,
                C: float = 0.1) -> DepthProbe:
    """Features after every block of both bases (`block_features`, pooled to pool×pool), a
    logistic-regression probe per depth fitted on train and scored on test, and the test
    features' PCA. The bases must have the same blocks (children)."""
    names = [n for n, _ in pretrained.named_children()]
    runs = {}
    for key, base in (("pretrained", pretrained), ("random", random)):
        train_f, train_y = block_features(base, train_batches, pool)
        test_f, test_y = block_features(base, test_batches, pool)
        runs[key] = ([linear_probe(a, train_y, b, test_y, C) for a, b in zip(train_f, test_f,
                                                                              strict=True)],
                     [pca_2d(b) for b in test_f], test_y, [b.shape[1] for b in test_f])
    return DepthProbe(names, runs["pretrained"][3], runs["pretrained"][1], runs["random"][1],
                      runs["pretrained"][2], runs["pretrained"][0], runs["random"][0],
                      tuple(class_names))


def render_feature_depth(probe: DepthProbe, depth: int = 1) -> Figure:
    """Block `depth` (1-based): PCA scatter of the pretrained and the random base's test
    features (one colour per class) and both probe accuracies over depth, this depth marked."""
    if not 1 <= depth <= len(probe.blocks):
        raise ValueError(f"depth must be 1..{len(probe.blocks)}, got {depth}")
    k = depth - 1
    fig = Figure(figsize=(11, 3.5), layout="constrained")
    axes = fig.subplots(1, 3, width_ratios=[1, 1, 1.1])
    for ax, xy, acc, name in ((axes[0], probe.pretrained_xy[k], probe.pretrained_acc[k],
                               "pretrained base"),
                              (axes[1], probe.random_xy[k], probe.random_acc[k], "random base")):
        for c, cls in enumerate(probe.class_names):
            pts = xy[probe.labels == c]
            ax.scatter(pts[:, 0], pts[:, 1], s=4, alpha=0.5, color=f"C{c}", label=cls)
        ax.set_title(f"{name}: probe {acc:.1%}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("PC 1")
        ax.set_ylabel("PC 2")
    axes[0].legend(loc="upper right", fontsize=8, markerscale=3)
    steps = np.arange(1, len(probe.blocks) + 1)
    ax = axes[2]
    ax.plot(steps, probe.pretrained_acc, "o-", color="C2", label="pretrained")
    ax.plot(steps, probe.random_acc, "s--", color="C7", label="random")
    ax.axvline(depth, color="0.6", lw=4, alpha=0.4)
    ax.axhline(0.5, color="0.3", lw=0.8, ls=":")
    ax.set_xticks(steps, [f"{b}\n({d:,})" for b, d in zip(probe.blocks, probe.dims,
                                                             strict=True)], fontsize=8)
    ax.set_ylabel("linear-probe test accuracy")
    ax.set_title("accuracy by depth (feature size)", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.suptitle(f"features after block {depth} of {len(probe.blocks)} ({probe.blocks[k]})",
                 fontsize=11)
    return fig


def feature_depth_explorer_static(probe: DepthProbe, dpi: float = 72) -> StaticSlider:
    """The kernel-free explorer: one frame per depth."""
    grid = [{"probe": probe, "depth": d} for d in range(1, len(probe.blocks) + 1)]
    return explorer_html(
        render_feature_depth, grid, title="Features by depth: pretrained vs random",
        label=lambda p: f"after block {p['depth']} ({probe.blocks[p['depth'] - 1]})", dpi=dpi)


def feature_depth_explorer(probe: DepthProbe, dpi: float = 80) -> Explorer:
    """Live explorer (needs a running kernel): a slider over the depth."""
    return interactive_explorer(render_feature_depth, dpi=dpi, fixed={"probe": probe},
                                depth=(1, len(probe.blocks), 1))
