"""Step-by-step training traces: loss, accuracy and each layer's gradient norm at every optimizer
step, for experiments that compare *how* networks train (with and without BatchNorm, plain and
residual), not only where they end. `trace_training` runs the steps; `plot_*` draw the traces.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn

from .loop import evaluate

__all__ = ["StepTrace", "plot_grad_norms", "plot_step_accuracy", "trace_training",
           "weight_layers"]


@dataclass
class StepTrace:
    """What happened at each step of a run (all plain numbers, no tensors)."""

    loss: list[float] = field(default_factory=list)  # training loss of each step's batch
    acc: list[float] = field(default_factory=list)  # accuracy on each step's batch, before it
    grad_norms: dict[str, list[float]] = field(default_factory=dict)  # layer → ‖∂L/∂W‖ per step
    eval_steps: list[int] = field(default_factory=list)  # steps after which eval_acc was taken
    eval_acc: list[float] = field(default_factory=list)  # held-out accuracy at those steps

    def __len__(self) -> int:
        return len(self.loss)

    @property
    def diverged(self) -> bool:
        """True if the loss became NaN or infinite at some step."""
        return any(not math.isfinite(v) for v in self.loss)

    def mean_grad_norms(self, first: int = 0) -> dict[str, float]:
        """Each layer's gradient norm averaged over the steps from `first` on (finite ones)."""
        out = {}
        for name, norms in self.grad_norms.items():
            v = np.asarray(norms[first:], dtype=float)
            v = v[np.isfinite(v)]
            out[name] = float(v.mean()) if v.size else float("nan")
        return out


def weight_layers(model: nn.Module) -> dict[str, nn.Parameter]:
    """The weight of every Conv and Linear layer, by module name, input to output."""
    return {name: m.weight for name, m in model.named_modules()
            if isinstance(m, nn.Conv1d | nn.Conv2d | nn.Linear)}


def _model_device(model: nn.Module) -> torch.device:
    param = next(model.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


def trace_training(
    model: nn.Module,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    optimizer: torch.optim.Optimizer,
    steps: int,
    eval_batches: Iterable[tuple[torch.Tensor, torch.Tensor]] | None = None,
    eval_every: int = 50,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = F.cross_entropy,
) -> StepTrace:
    """Train `model` for `steps` optimizer steps, cycling over `batches` (each pass an epoch),
    and record every step's loss, batch accuracy and per-layer gradient norm (`weight_layers`).

    x: (N, C, H, W) or (N, D), y: (N,) int64. If `eval_batches` is given, the accuracy on them
    is taken (in eval mode, without gradients) after every `eval_every` steps and at the end.
    A run whose loss becomes NaN/inf keeps going, as a plain training loop would: its trace
    shows the divergence. The model is left in training mode.
    """
    if steps < 1:
        raise ValueError(f"steps must be ≥ 1, got {steps}")
    device = _model_device(model)
    layers = weight_layers(model)
    trace = StepTrace(grad_norms={name: [] for name in layers})
    model.train()
    step = 0
    while step < steps:
        started = step
        for x, y in batches:
            x, y = x.to(device), y.to(device)
            logits = model(x)  # (N, num_classes)
            loss = loss_fn(logits, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            with torch.no_grad():
                norms = torch.stack([p.grad.norm() if p.grad is not None
                                     else torch.zeros((), device=device)
                                     for p in layers.values()])
            optimizer.step()
            step += 1
            acc = (logits.detach().argmax(dim=1) == y).float().mean()
            trace.loss.append(loss.item())
            trace.acc.append(acc.item())
            for name, v in zip(layers, norms.tolist(), strict=True):
                trace.grad_norms[name].append(v)
            if eval_batches is not None and (step % eval_every == 0 or step == steps):
                trace.eval_steps.append(step)
                trace.eval_acc.append(evaluate(model, eval_batches, amp=False)["acc"])
                model.train()
            if step == steps:
                break
        if step == started:
            raise ValueError("`batches` yielded no (x, y) pairs")
    return trace


def _smooth(values: list[float], window: int) -> np.ndarray:
    """Trailing moving average (NaNs and infinities stay visible as gaps)."""
    v = np.asarray(values, dtype=float)
    if window <= 1 or v.size < window:
        return v
    kernel = np.ones(window) / window
    out = np.convolve(v, kernel, mode="full")[: v.size]
    out[: window - 1] = np.cumsum(v[: window - 1]) / np.arange(1, window)
    return out


def plot_step_accuracy(traces: Mapping[str, StepTrace], smooth: int = 10,
                       title: str = "") -> Figure:
    """Accuracy per step for several runs: each step's batch accuracy (moving average over
    `smooth` steps, thin) and the held-out accuracy where it was measured (markers)."""
    fig = Figure(figsize=(7.5, 3.6), layout="constrained")
    ax = fig.subplots()
    colors = [f"C{i}" for i in range(len(traces))]
    for (label, tr), color in zip(traces.items(), colors, strict=True):
        ax.plot(np.arange(1, len(tr) + 1), _smooth(tr.acc, smooth), color=color, lw=1,
                alpha=0.8, label=f"{label}: training batches")
        if tr.eval_steps:
            ax.plot(tr.eval_steps, tr.eval_acc, "o-", color=color, ms=4, lw=1.5,
                    label=f"{label}: held-out")
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title)
    return fig


def plot_grad_norms(traces: Mapping[str, StepTrace], first: int = 0,
                    title: str = "") -> Figure:
    """Left: each layer's mean gradient norm (steps from `first` on), layers in network order,
    one line per run, log scale. Right: the first and last layer's norm at every step."""
    fig = Figure(figsize=(11, 3.6), layout="constrained")
    ax_layers, ax_steps = fig.subplots(1, 2)
    for i, (label, tr) in enumerate(traces.items()):
        means = tr.mean_grad_norms(first)
        ax_layers.plot(range(1, len(means) + 1), list(means.values()), "o-", color=f"C{i}",
                       label=label)
        names = list(tr.grad_norms)
        for name, style in ((names[0], "-"), (names[-1], ":")):
            ax_steps.plot(np.arange(1, len(tr) + 1), tr.grad_norms[name], style, color=f"C{i}",
                          lw=1, label=f"{label}: {name}")
    if traces:
        names = list(next(iter(traces.values())).grad_norms)
        ax_layers.set_xticks(range(1, len(names) + 1), [n.replace(".", "\n") for n in names],
                             fontsize=7)
    ax_layers.set_yscale("log")
    ax_layers.set_ylabel("mean ‖∂L/∂W‖")
    ax_layers.set_xlabel("layer (input → output)")
    ax_layers.grid(alpha=0.3, which="both")
    ax_layers.legend(fontsize=8)
    ax_steps.set_yscale("log")
    ax_steps.set_xlabel("optimizer step")
    ax_steps.set_ylabel("‖∂L/∂W‖ (first layer solid, last dotted)")
    ax_steps.grid(alpha=0.3, which="both")
    ax_steps.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    return fig
