"""The XOR explorer (chapter 02): the two-layer network of `two_layer_net` trained by gradient
descent on the four XOR points, drawn after a chosen number of steps: the regions it predicts,
each hidden unit's line, and the loss so far. Pure render function, kernel-free slider, live widget.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..boundaries import plot_decision_function
from ..perceptron import GATE_TARGETS, INPUTS
from ..two_layer_net import TrainTrace, predict_proba, train_gd
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = ["render_xor_training", "xor_explorer", "xor_explorer_static"]

XOR_X = INPUTS.astype(np.float64)  # (4, 2): (0,0), (1,0), (0,1), (1,1)
XOR_Y = GATE_TARGETS["XOR"]  # (4,): 0, 1, 1, 0


@lru_cache(maxsize=64)
def _trained(hidden_units: int, lr: float, steps: int, seed: int) -> TrainTrace:
    # Cached: the static slider and the live widget re-render the same runs many times.
    return train_gd(XOR_X, XOR_Y, hidden=hidden_units, lr=lr, steps=steps, seed=seed)


def render_xor_training(hidden_units: int = 2, lr: float = 1.0, steps: int = 1000,
                        seed: int = 0) -> Figure:
    """A 2-`hidden_units`-1 tanh/sigmoid network after `steps` full-batch gradient-descent steps
    with learning rate `lr` on XOR. Left: the input plane coloured by the predicted class
    (p > 0.5), the four points, and each hidden unit's line w·x + b = 0 (dotted). Right: the
    loss per step, log scale."""
    if not isinstance(hidden_units, int | np.integer) or hidden_units < 1:
        raise ValueError(f"hidden_units must be an integer ≥ 1, got {hidden_units!r}")
    if not isinstance(steps, int | np.integer) or steps < 0:
        raise ValueError(f"steps must be an integer ≥ 0, got {steps!r}")
    if lr <= 0:
        raise ValueError(f"the learning rate must be positive, got {lr}")
    trace = _trained(int(hidden_units), float(lr), int(steps), int(seed))
    params = trace.params
    fig = Figure(figsize=(9.5, 4.0), layout="constrained")
    ax, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.15]})
    plot_decision_function(ax, lambda p: predict_proba(p, params), XOR_X, XOR_Y, threshold=0.5,
                           resolution=120, pad=0.6, marker_size=120)
    lo, hi = ax.get_xlim()
    u = np.linspace(lo, hi, 2)
    for (w1, w2), b in zip(params["W1"], params["b1"], strict=True):
        if abs(w2) > 1e-9:  # x2 = −(w1·x1 + b) / w2
            ax.plot(u, -(w1 * u + b) / w2, ":", color="0.3", linewidth=1)
        elif abs(w1) > 1e-9:
            ax.axvline(-b / w1, linestyle=":", color="0.3", linewidth=1)
    ax.set_xlim(lo, hi)
    correct = int(np.sum((predict_proba(XOR_X, params) > 0.5) == XOR_Y))
    ax.set_title(f"{hidden_units} hidden unit{'s' * (hidden_units != 1)}, lr {lr:g}, "
                 f"step {steps}: {correct}/4 correct", fontsize=10)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax_loss.semilogy(trace.losses, color="tab:red")
    ax_loss.set_xlim(0, max(steps, 1))
    ax_loss.set_ylim(1e-3, 2)
    ax_loss.axhline(np.log(2), color="0.6", linestyle="--", linewidth=1)
    ax_loss.text(0.02 * max(steps, 1), np.log(2) * 1.1, "ln 2: always answering 0.5",
                 fontsize=8, color="0.4")
    ax_loss.set_xlabel("gradient-descent step")
    ax_loss.set_ylabel("binary cross-entropy")
    ax_loss.set_title(f"loss {trace.losses[-1]:.4f}", fontsize=10)
    ax_loss.grid(alpha=0.3)
    return fig


def xor_explorer_static(hidden: tuple[int, ...] = (1, 2, 8), lr: float = 1.0,
                        steps: tuple[int, ...] = (0, 50, 200, 1000, 3000), seed: int = 0,
                        dpi: float = 72) -> StaticSlider:
    """The kernel-free XOR explorer: for each number of hidden units, the network after each
    number of steps (one frame each, learning rate `lr`)."""
    grid = [{"hidden_units": h, "lr": lr, "steps": s, "seed": seed} for h in hidden for s in steps]

    def label(p: dict[str, Any]) -> str:
        return f"{p['hidden_units']} hidden, lr {p['lr']:g}, step {p['steps']}"

    return explorer_html(render_xor_training, grid, label, dpi=dpi,
                         title="An MLP learning XOR")


def xor_explorer(dpi: float = 80) -> Explorer:
    """Live XOR explorer (needs a running kernel): hidden units, learning rate (log slider),
    steps and the random seed of the initial weights."""
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    style = {"description_width": "initial"}
    return interactive_explorer(
        render_xor_training, dpi=dpi,
        hidden_units=widgets.IntSlider(2, min=1, max=8, description="hidden units", style=style),
        lr=widgets.FloatLogSlider(1.0, base=10, min=-2, max=1, step=0.25,
                                  description="learning rate", style=style),
        steps=widgets.IntSlider(1000, min=0, max=5000, step=50, description="steps",
                                style=style),
        seed=widgets.IntSlider(0, min=0, max=9, description="seed", style=style),
    )
