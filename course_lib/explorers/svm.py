"""The SVM explorer (chapter 01): a support vector machine fitted to 2-D toy data, drawn with its
decision boundary, its margins (decision function ±1) and its support vectors, for a chosen
kernel, C and gamma. Pure `render_svm_boundary`, its kernel-free slider and its live widget.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..boundaries import TOY_DATASETS, make_toy_2d, plot_decision_function
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = ["SVM_KERNELS", "fit_svm", "held_out_accuracy", "render_svm_boundary", "svm_explorer",
           "svm_explorer_static"]

SVM_KERNELS = ("linear", "rbf", "poly")


def fit_svm(x: np.ndarray, y: np.ndarray, kernel: str = "rbf", C: float = 1.0,
            gamma: float = 1.0, degree: int = 3):
    """scikit-learn's SVC fitted to x (N, 2), y (N,). `gamma` scales the RBF and polynomial
    kernels (ignored by the linear one): k(u, v) = exp(−gamma·‖u − v‖²) or (gamma·u·v + 1)^degree.
    """
    from sklearn.svm import SVC

    if kernel not in SVM_KERNELS:
        raise ValueError(f"kernel must be one of {SVM_KERNELS}, got {kernel!r}")
    if C <= 0 or gamma <= 0:
        raise ValueError(f"C and gamma must be positive, got C={C}, gamma={gamma}")
    return SVC(kernel=kernel, C=C, gamma=gamma, degree=degree, coef0=1.0).fit(x, y)


def held_out_accuracy(svm, dataset: str = "moons", seed: int = 0, n_samples: int = 1000) -> float:
    """Accuracy of a fitted `svm` on fresh points of the same toy distribution (another seed)."""
    x, y = make_toy_2d(dataset, n_samples=n_samples, seed=seed + 1000)
    return float(np.mean(svm.predict(x) == y))


def render_svm_boundary(kernel: str = "rbf", C: float = 1.0, gamma: float = 1.0,
                        dataset: str = "moons", degree: int = 3, seed: int = 0) -> Figure:
    """One SVM on a toy dataset of `boundaries.TOY_DATASETS`: coloured regions, the boundary
    (solid), the margins where the decision function is ±1 (dashed), the support vectors (ringed);
    the title gives the training accuracy, the accuracy on held-out points (`held_out_accuracy`),
    the number of support vectors and, for a linear kernel, the margin width 2/‖w‖."""
    x, y = make_toy_2d(dataset, seed=seed)
    svm = fit_svm(x, y, kernel, C, gamma, degree)
    fig = Figure(figsize=(5.6, 4.8), layout="constrained")
    ax = fig.subplots()
    plot_decision_function(ax, svm.decision_function, x, y, margins=(-1.0, 1.0),
                           highlight=svm.support_vectors_, resolution=150)
    acc = float(np.mean(svm.predict(x) == y))
    settings = f"C = {C:g}" + ("" if kernel == "linear" else f", gamma = {gamma:g}")
    extra = ""
    if kernel == "linear":
        extra = f", margin 2/‖w‖ = {2 / np.linalg.norm(svm.coef_):.2f}"
    held_out = held_out_accuracy(svm, dataset, seed)
    ax.set_title(f"{kernel} kernel, {settings}\ntrain accuracy {acc:.0%}, held-out {held_out:.0%}"
                 f"\n{len(svm.support_vectors_)} support vectors{extra}", fontsize=10)
    ax.legend(loc="lower right", fontsize=7, framealpha=0.8)
    return fig


def svm_explorer_static(dataset: str = "moons", dpi: float = 100) -> StaticSlider:
    """The kernel-free SVM explorer: a linear SVM for three values of C, then an RBF SVM for each
    C × gamma in {0.1, 1, 100} × {0.1, 1, 10, 100}."""
    grid: list[dict[str, Any]] = [{"kernel": "linear", "C": c, "dataset": dataset}
                                  for c in (0.01, 1.0, 100.0)]
    grid += [{"kernel": "rbf", "C": c, "gamma": g, "dataset": dataset}
             for c in (0.1, 1.0, 100.0) for g in (0.1, 1.0, 10.0, 100.0)]

    def label(p: dict[str, Any]) -> str:
        return f"{p['kernel']}, C={p['C']:g}" + (f", gamma={p['gamma']:g}" if "gamma" in p else "")

    return explorer_html(render_svm_boundary, grid, label, dpi=dpi,
                         title="SVM: kernel, C and gamma")


def svm_explorer(dataset: str = "moons", dpi: float = 80) -> Explorer:
    """Live SVM explorer (needs a running kernel): the dataset, the kernel, and C and gamma on
    logarithmic sliders."""
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    style = {"description_width": "initial"}
    return interactive_explorer(
        render_svm_boundary, dpi=dpi,
        dataset=widgets.Dropdown(options=list(TOY_DATASETS), value=dataset,
                                 description="dataset", style=style),
        kernel=widgets.Dropdown(options=list(SVM_KERNELS), value="rbf", description="kernel",
                                style=style),
        C=widgets.FloatLogSlider(1.0, base=10, min=-2, max=3, step=0.25, description="C",
                                 style=style),
        gamma=widgets.FloatLogSlider(1.0, base=10, min=-2, max=2, step=0.25,
                                     description="gamma", style=style),
    )
