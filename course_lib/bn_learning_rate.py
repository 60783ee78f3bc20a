"""Batch normalization and the learning rate: the same small CNN with and without `BatchNorm2d`,
trained on MNIST at a sweep of learning rates, several seeds each (chapter 07's experiment).

`bn_learning_rate_sweep` is what the chapter runs and what the reference results re-run.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from matplotlib.figure import Figure
from torch import nn

from .data import DeviceBatches, load_mnist
from .profile import Profile
from .training import History, TrainConfig, evaluate, fit

__all__ = ["LearningRateSweep", "bn_learning_rate_sweep", "sweep_cnn"]

CONDITIONS = ("without BN", "with BN")


def sweep_cnn(batch_norm: bool, widths: Sequence[int] = (16, 32), hidden: int = 64
              ) -> nn.Sequential:
    """The swept network: stages of 3×3 conv → [BatchNorm2d] → ReLU → 2×2 max pool (`widths`
    channels), then Linear(hidden) → [BatchNorm1d] → ReLU → Linear(10); (N, 1, 28, 28) →
    (N, 10). With BN the normalized layers have no bias (β takes its place)."""
    layers: list[nn.Module] = []
    channels = 1
    for width in widths:
        layers.append(nn.Conv2d(channels, width, 3, padding=1, bias=not batch_norm))
        if batch_norm:
            layers.append(nn.BatchNorm2d(width))
        layers += [nn.ReLU(inplace=True), nn.MaxPool2d(2)]
        channels = width
    side = 28 // 2 ** len(widths)
    layers += [nn.Flatten(), nn.Linear(channels * side * side, hidden, bias=not batch_norm)]
    if batch_norm:
        layers.append(nn.BatchNorm1d(hidden))
    layers += [nn.ReLU(inplace=True), nn.Linear(hidden, 10)]
    return nn.Sequential(*layers)


@dataclass
class LearningRateSweep:
    """Test accuracy per condition, learning rate and seed; NaN losses counted as diverged."""

    lrs: tuple[float, ...]
    seeds: tuple[int, ...]
    n_train: int
    epochs: int
    acc: dict[str, list[list[float]]] = field(default_factory=dict)  # [lr index][seed index]
    diverged: dict[str, list[list[bool]]] = field(default_factory=dict)
    histories: dict[str, list[list[History]]] = field(default_factory=dict)  # training curves
    n_test: int = 0  # test images every run is measured on

    def at(self, condition: str, lr: float) -> list[float]:
        """Test accuracies (one per seed, in %) of `condition` at learning rate `lr`."""
        return [100 * a for a in self.acc[condition][self.lrs.index(lr)]]

    def table(self) -> str:
        """Mean ± sd test accuracy (%) per learning rate, with diverged runs counted."""
        lines = [f"{'learning rate':>13}" + "".join(f"{c:>24}" for c in CONDITIONS)]
        for i, lr in enumerate(self.lrs):
            cells = []
            for c in CONDITIONS:
                values = [100 * a for a in self.acc[c][i]]
                mean = sum(values) / len(values)
                sd = (math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
                      if len(values) > 1 else 0.0)
                nan = sum(self.diverged[c][i])
                cells.append(f"{mean:.1f} ± {sd:.1f}%" + (f" ({nan} NaN)" if nan else "      "))
            lines.append(f"{lr:>13g}" + "".join(f"{cell:>24}" for cell in cells))
        return "\n".join(lines)

    def plot(self) -> Figure:
        """Test accuracy against learning rate (log axis), mean with one sd, per condition."""
        fig = Figure(figsize=(7, 3.6), dpi=100, layout="constrained")
        ax = fig.subplots()
        for c, marker in zip(CONDITIONS, "os", strict=True):
            rows = [[100 * a for a in row] for row in self.acc[c]]
            means = [sum(r) / len(r) for r in rows]
            sds = [math.sqrt(sum((v - m) ** 2 for v in r) / max(len(r) - 1, 1))
                   for r, m in zip(rows, means, strict=True)]
            ax.errorbar(self.lrs, means, yerr=sds, marker=marker, capsize=3, label=c)
        ax.set_xscale("log")
        ax.set_xticks(self.lrs, [f"{lr:g}" for lr in self.lrs])
        ax.set_xlabel("learning rate (SGD, momentum 0.9, constant)")
        ax.set_ylabel("test accuracy (%)")
        ax.set_ylim(0, 100)
        ax.axhline(10, color="grey", ls=":", lw=1)
        ax.annotate("chance", (self.lrs[0], 11), fontsize=8, color="grey")
        ax.set_title(f"{len(self.seeds)} seeds, {self.n_train:,} images, {self.epochs} epoch(s)")
        ax.legend(loc="center left", fontsize=8)
        ax.grid(alpha=0.3)
        return fig


def bn_learning_rate_sweep(
    profile: Profile,
    device: torch.device | str = "cpu",
    lrs: Sequence[float] = (0.03, 0.1, 0.3, 1.0),
    n_train: int = 3_000,
    n_test: int = 2_000,
    seeds: int | None = None,
    momentum: float = 0.9,
    epochs: int = 1,
) -> LearningRateSweep:
    """Train `sweep_cnn` with and without BN at each learning rate for `profile.seeds` seeds.

    SGD with `momentum` at a constant rate, no weight decay, batches of 64, `epochs` epochs on
    `profile.take(n_train)` MNIST digits; test accuracy on `profile.take(n_test)` test digits.
    """
    seeds = profile.seeds if seeds is None else seeds
    train = load_mnist("train").subset(profile.take(n_train), seed=0)
    test = load_mnist("test").subset(profile.take(n_test, "test"), seed=0)
    mean, std = train.channel_stats()
    test_batches = DeviceBatches(test, 1000, device, mean=mean, std=std)
    result = LearningRateSweep(tuple(lrs), tuple(range(seeds)), len(train), epochs,
                               n_test=len(test))
    for c in CONDITIONS:
        result.acc[c] = [[] for _ in lrs]
        result.diverged[c] = [[] for _ in lrs]
        result.histories[c] = [[] for _ in lrs]
        for i, lr in enumerate(lrs):
            for seed in result.seeds:
                torch.manual_seed(seed)
                model = sweep_cnn(batch_norm=c == "with BN")
                batches = DeviceBatches(train, 64, device, shuffle=True, mean=mean, std=std,
                                        seed=seed)
                config = TrainConfig.for_profile(profile, epochs=epochs, lr=lr, weight_decay=0.0,
                                                 schedule="constant", momentum=momentum,
                                                 nesterov=False, seed=seed)
                history = fit(model, batches, None, config, device=device, progress=False,
                              on_interrupt="raise")
                nan = not math.isfinite(history[-1].train_loss)
                acc = evaluate(model, test_batches)["acc"]
                result.acc[c][i].append(acc)
                result.diverged[c][i].append(nan)
                result.histories[c][i].append(history)
    return result
