"""Side-by-side training runs: several models trained by `fit` on the same batches with the same
configuration and seed, tabulated (parameters, multiply-adds, accuracy, time per epoch, device)
and plotted per epoch. Nothing is plotted or printed inside the runs themselves.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import torch
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from torch import nn

from ..complexity import summary
from .fit import TrainConfig, fit
from .history import History
from .loop import Batches

__all__ = ["Comparison", "Run", "compare"]


@dataclass
class Run:
    """One model's training run."""

    name: str  # label in tables and legends
    params: int  # trainable and frozen parameters
    mult_adds: int  # multiply-adds for one input (conv and linear layers)
    history: History  # per-epoch metrics from `fit`
    device: str  # where it trained, e.g. "cpu" or "cuda (NVIDIA H100)"

    @property
    def seconds_per_epoch(self) -> float:
        """Mean wall time of an epoch (training plus evaluation)."""
        return sum(self.history.column("seconds")) / max(len(self.history), 1)

    @property
    def train_error(self) -> float:
        """1 − training accuracy of the last epoch."""
        if not len(self.history):
            raise ValueError(f"run {self.name!r} completed no epoch (it was interrupted)")
        return 1.0 - self.history[-1].train_acc

    @property
    def test_acc(self) -> float | None:
        """Test accuracy of the last epoch (None without a test set or a completed epoch)."""
        return self.history[-1].test_acc if len(self.history) else None


_COLUMNS = ("model", "parameters", "mult-adds", "train acc", "test acc", "s / epoch", "device")


@dataclass
class Comparison:
    """The runs of `compare`, in order; shows itself as a table."""

    runs: list[Run] = field(default_factory=list)

    def __getitem__(self, name: str) -> Run:
        for run in self.runs:
            if run.name == name:
                return run
        raise KeyError(f"no run named {name!r}; runs: {', '.join(r.name for r in self.runs)}")

    def rows(self) -> list[tuple[str, ...]]:
        """The table's cells as text, one tuple per run (columns as in `_COLUMNS`)."""
        out = []
        for r in self.runs:
            counts = (r.name, f"{r.params:,}", f"{r.mult_adds / 1e6:,.1f} M")
            if not len(r.history):  # interrupted before its first epoch ended
                out.append((*counts, "–", "–", "–", r.device))
                continue
            last = r.history[-1]
            test = f"{last.test_acc:.1%}" if last.test_acc is not None else "–"
            out.append((*counts, f"{last.train_acc:.1%}", test, f"{r.seconds_per_epoch:.1f}",
                        r.device))
        return out

    def __repr__(self) -> str:
        rows = [_COLUMNS, *self.rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
        lines = ["  ".join(c.ljust(w) if i in (0, 6) else c.rjust(w)
                           for i, (c, w) in enumerate(zip(row, widths, strict=True)))
                 for row in rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in _COLUMNS)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in self.rows())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def plot(self, metrics: tuple[str, ...] = ("train_error", "test_acc"),
             styles: Mapping[str, str] | None = None) -> Figure:
        """One panel per metric ("train_error", "train_loss", "train_acc", "test_acc",
        "test_loss"), one line per run, against the epoch. `styles` maps run names to
        matplotlib format strings (e.g. "--" for plain networks)."""
        fig = Figure(figsize=(5 * len(metrics), 3.6), layout="constrained")
        axes = fig.subplots(1, len(metrics), squeeze=False)[0]
        for ax, metric in zip(axes, metrics, strict=True):
            for run in self.runs:
                epochs = run.history.column("epoch")
                if metric == "train_error":
                    values = [1 - a for a in run.history.column("train_acc")]
                else:
                    values = run.history.column(metric)
                if any(v is None for v in values):
                    continue
                style = (styles or {}).get(run.name, "-")
                ax.plot(epochs, values, style, marker="o", markersize=3, label=run.name)
            ax.set_xlabel("epoch")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs only
            ax.set_ylabel(metric.replace("_", " "))
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
        return fig


def _device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return device.type


def compare(
    models: Mapping[str, Callable[[], nn.Module]],
    train_batches: Batches,
    test_batches: Batches | None,
    config: TrainConfig,
    device: torch.device | str,
    input_size: tuple[int, ...],
    seed: int = 0,
    progress: bool = True,
    on_interrupt: Literal["return", "raise"] = "return",
) -> Comparison:
    """Build each model (`models` maps a name to a constructor), count it with `summary` at
    `input_size` (C, H, W), then train it with `fit(model, train_batches, test_batches, config)`.

    Every model starts from `torch.manual_seed(seed)` and sees the same batches (fit sets the
    epoch of DeviceBatches, which reseed from it) with the same configuration: only the
    architecture differs.

    Ctrl-C stops the whole comparison, not only the model in training: `fit` returns that
    model's completed epochs, the later models are not trained, and the result holds the runs
    so far (an interrupted run shows "–" where it has no epoch); with `on_interrupt="raise"`
    (for callers that compare over seeds) the KeyboardInterrupt propagates instead.
    """
    device = torch.device(device)
    result = Comparison()
    for name, make in models.items():
        torch.manual_seed(seed)
        model = make()
        counted = summary(model, input_size)
        history = fit(model, train_batches, test_batches, config, device=device,
                      progress=progress, on_interrupt=on_interrupt)
        result.runs.append(Run(name, counted.total_params, counted.total_mult_adds, history,
                               _device_name(device)))
        if len(history) < config.epochs:  # fit stops early only when interrupted
            skipped = [n for n in models if n not in {r.name for r in result.runs}]
            if skipped:
                print(f"Comparison stopped: {', '.join(skipped)} not trained.")
            break
    return result
