"""The batch-normalization explorer (chapter 07): a batch of pre-activations before and after
BN with scale γ and shift β, fed to a sigmoid, and how many units end up saturated (gradient
near 0). Pure `render_batchnorm`, its kernel-free sliders and live widget; BN is `ops.batchnorm`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..ops.batchnorm import batch_norm
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = [
    "SATURATION_THRESHOLD",
    "batchnorm_explorer",
    "batchnorm_explorer_static",
    "render_batchnorm",
    "sigmoid",
    "sigmoid_grad",
]

SATURATION_THRESHOLD = 0.05  # a unit counts as saturated where σ'(z) < 0.05 (|z| > 2.89)
BATCH = 256  # pre-activations in the drawn batch


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_grad(z: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)(1 − σ(z)): at most 1/4 (at z = 0), tiny for large |z|."""
    s = sigmoid(z)
    return s * (1 - s)


def _panel(ax: Axes, z: np.ndarray, title: str, bins: np.ndarray) -> Axes:
    """A histogram of z (saturated units red) over σ and 4σ'; returns the twin axes."""
    saturated = sigmoid_grad(z) < SATURATION_THRESHOLD
    # Step outlines of np.histogram counts: two artists instead of a patch per bin.
    for part, color, label in ((z[~saturated], "tab:blue", "steep region"),
                               (z[saturated], "tab:red", "saturated")):
        ax.stairs(np.histogram(part, bins)[0], bins, fill=True, color=color, alpha=0.75,
                  label=label)
    twin = ax.twinx()
    grid = np.linspace(bins[0], bins[-1], 400)
    twin.plot(grid, sigmoid(grid), color="black", lw=1.5, label="σ(z)")
    twin.plot(grid, 4 * sigmoid_grad(grid), color="0.5", lw=1, ls="--", label="4·σ'(z)")
    twin.set_ylim(0, 1.05)
    twin.set_yticks([0, 0.5, 1])
    ax.set_xlim(bins[0], bins[-1])
    ax.set_title(f"{title}\nmean {z.mean():+.2f}, std {z.std():.2f}; "
                 f"saturated {saturated.mean():.0%}, mean σ' = {sigmoid_grad(z).mean():.3f}",
                 fontsize=10)
    ax.set_xlabel("pre-activation z")
    ax.set_yticks([])
    return twin


def render_batchnorm(mean: float = 3.0, std: float = 4.0, gamma: float = 1.0, beta: float = 0.0,
                     normalize: bool = True, seed: int = 0) -> Figure:
    """A batch of 256 pre-activations z ~ N(mean, std²) before (left) and after (right) batch
    normalization y = γ·(z − μ_B)/√(σ²_B + ε) + β, each over the sigmoid σ and its slope.

    Units where σ'(z) < 0.05 (|z| > 2.89) are drawn red: there σ is flat, so almost no gradient
    flows back through them (vanishing gradient). With `normalize` off the right panel shows the
    batch unchanged, for comparison.
    """
    if std <= 0:
        raise ValueError(f"std must be positive, got {std}")
    z = np.random.default_rng(seed).normal(mean, std, BATCH)
    if normalize:
        y = batch_norm(z[:, None], None, None, np.array([gamma]), np.array([beta]),
                       training=True)[:, 0]
    else:
        y = z.copy()
    lim = max(8.0, np.abs(z).max(), np.abs(y).max())
    bins = np.linspace(-lim, lim, 61)
    fig = Figure(figsize=(11, 3.8))
    left, right = fig.subplots(1, 2, sharey=True)
    fig.subplots_adjust(left=0.02, right=0.96, top=0.84, bottom=0.13, wspace=0.1)
    _panel(left, z, "before BN", bins)
    twin = _panel(right, y, f"after BN (γ = {gamma:g}, β = {beta:g})" if normalize
                  else "no BN (the same batch)", bins)
    left.legend(loc="upper left", fontsize=8)
    twin.legend(loc="upper right", fontsize=8)
    return fig


def batchnorm_explorer_static(which: str = "gamma", dpi: float = 72) -> StaticSlider:
    """Kernel-free BN explorer: a slider over γ (with β = 0) or over β (with γ = 1), for a
    batch that starts badly placed (mean 3, std 4)."""
    if which == "gamma":
        grid = [{"gamma": g, "beta": 0.0} for g in (0.25, 0.5, 1.0, 2.0, 3.0, 5.0)]
        label, title = (lambda q: f"γ = {q['gamma']:g}"), "BN scale γ (β = 0)"
    elif which == "beta":
        grid = [{"gamma": 1.0, "beta": b} for b in (-4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0)]
        label, title = (lambda q: f"β = {q['beta']:g}"), "BN shift β (γ = 1)"
    else:
        raise ValueError(f"which must be 'gamma' or 'beta', got {which!r}")
    return explorer_html(render_batchnorm, grid, label=label, title=title, dpi=dpi)


def batchnorm_explorer(dpi: float = 80) -> Explorer:
    """Live BN explorer (needs a running kernel): the batch's mean and std, γ, β, BN on/off."""
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    def slider(value: float, lo: float, hi: float, name: str) -> widgets.FloatSlider:
        return widgets.FloatSlider(value, min=lo, max=hi, step=0.25, description=name)

    return interactive_explorer(
        render_batchnorm, dpi=dpi,
        mean=slider(3.0, -6.0, 6.0, "input mean"), std=slider(4.0, 0.25, 8.0, "input std"),
        gamma=slider(1.0, 0.25, 6.0, "γ"), beta=slider(0.0, -5.0, 5.0, "β"),
        normalize=widgets.Checkbox(True, description="batch norm"),
    )
