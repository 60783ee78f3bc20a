"""The residual-block explorer (chapter 10): per-layer gradient norms of a plain and a residual
CIFAR network of the same depth, at initialization, for a depth slider. The measurement is
`training.layer_gradient_norms`; the networks are `models.cifar_resnet`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import numpy as np
import torch
from matplotlib.figure import Figure

from ..models.resnet import cifar_resnet
from ..training.gradients import layer_gradient_norms
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = ["EXPLORER_DEPTHS", "gradient_flow", "gradient_flow_explorer",
           "gradient_flow_explorer_static", "render_gradient_flow"]

EXPLORER_DEPTHS = (8, 14, 20, 32, 44, 56, 110)  # 6n + 2


@contextmanager
def _one_thread() -> Iterator[None]:
    """Run torch on one CPU thread inside the block. The explorer's tensors are tiny, so a thread
    pool's synchronization costs more than the work, many times more when the cores are busy
    with other processes (measured: 7 s instead of 0.2 s for the two 110-layer networks)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@lru_cache(maxsize=32)
def gradient_flow(depth: int, plain: bool, width: int = 8, image_size: int = 8,
                  batch_size: int = 16, seed: int = 0) -> tuple[float, ...]:
    """Weight-gradient norms of every main-path layer (stem conv … final linear layer) of a freshly
    initialized cifar_resnet(depth, plain, width), for one batch of standard-normal images of
    `image_size`² pixels with random labels (all drawn from `seed`). Small synthetic images keep
    it cheap; at initialization the pattern hardly depends on the data (the chapter measures
    real 32×32 CIFAR-10 images too). Cached: the explorer re-asks for the same depths."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(batch_size, 3, image_size, image_size, generator=g)
    y = torch.randint(0, 10, (batch_size,), generator=g)
    # The layers draw their initial weights from the global RNG: seed a forked copy of it, so the
    # same (depth, plain, width) gets the same weights and the caller's random stream is untouched.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = cifar_resnet(depth, plain=plain, width=width)
    with _one_thread():
        return tuple(layer.norm for layer in layer_gradient_norms(model, x, y))


def render_gradient_flow(depth: int, width: int = 8, image_size: int = 8,
                         seed: int = 0) -> Figure:
    """Per-layer gradient norms (log scale) of the plain and the residual network of `depth`
    layers, from the input side (layer 1) to the output (the linear layer), at initialization."""
    if depth < 8 or (depth - 2) % 6:
        raise ValueError(f"depth must be 6n + 2 (8, 14, 20, 32, 44, 56, 110, …), got {depth}")
    fig = Figure(figsize=(9, 4.2), layout="constrained")
    ax = fig.subplots()
    ratios = {}
    for plain, color, label in ((True, "tab:red", "plain"), (False, "tab:blue", "residual")):
        norms = np.array(gradient_flow(depth, plain, width, image_size, seed=seed))
        layers = np.arange(1, len(norms) + 1)
        ax.plot(layers, norms, "o-", color=color, markersize=3, label=f"{label}-{depth}")
        ratios[label] = norms[0] / norms[-2]  # first conv vs last conv
    ax.set_yscale("log")
    ax.set_xlabel("layer (1 = first convolution, last = linear classifier)")
    ax.set_ylabel("‖∂loss/∂W‖ of the layer")
    ax.grid(alpha=0.3, which="both")
    ax.legend(loc="upper right")
    ax.set_title(f"Depth {depth}: first-conv / last-conv gradient norm = "
                 f"{ratios['plain']:.3g} (plain) vs {ratios['residual']:.3g} (residual)",
                 fontsize=11)
    return fig


def gradient_flow_explorer_static(depths: tuple[int, ...] = EXPLORER_DEPTHS, dpi: float = 72,
                                  **kwargs) -> StaticSlider:
    """Kernel-free form: one pre-rendered frame per depth."""
    return explorer_html(lambda depth: render_gradient_flow(depth, **kwargs),
                         [{"depth": d} for d in depths], label=lambda p: f"depth {p['depth']}",
                         title="Gradient norms per layer: plain vs residual", dpi=dpi)


def gradient_flow_explorer(dpi: float = 80) -> Explorer:
    """Live form (needs a running kernel): depth and width sliders."""
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    depth = widgets.SelectionSlider(options=list(EXPLORER_DEPTHS), value=20, description="depth")
    width = widgets.Dropdown(options=[4, 8, 16], value=8, description="width")
    return interactive_explorer(render_gradient_flow, dpi=dpi, depth=depth, width=width)
