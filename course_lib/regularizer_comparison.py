"""Regularizers compared on a small training set: one network (an MLP or a small CNN) trained on
about 100 MNIST digits per class with no regularization, with dropout and with weight decay,
several seeds each, all measured on one held-out test set (Srivastava et al. 2014, JMLR 15, §6).
The penalties and dropout themselves live in `regularization` and `ops.dropout`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import torch
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from torch import nn

from .claims import spread
from .data import DeviceBatches, ImageSet, load_mnist
from .models import MLP, ConvNet
from .profile import Profile
from .training import History, TrainConfig, evaluate, fit
from .training.curves import text_table

__all__ = ["NETWORKS", "REGULARIZERS", "RegularizerComparison", "RegularizerRun",
           "RegularizerSpec", "compare_regularizers"]

REGULARIZERS = ("no regularization", "dropout", "weight decay")
NETWORKS = ("MLP", "CNN")


@dataclass(frozen=True)
class RegularizerSpec:
    """Everything that fixes the experiment: data sizes, training settings and seeds."""

    network: str = "MLP"  # "MLP" (784 → 512 → 512 → 10) or "CNN" (see `build`)
    train_images: int = 1000  # MNIST training digits, class-balanced (the same for every run)
    test_images: int = 5000  # MNIST test digits: the one test set of every run
    epochs: int = 30  # passes over the training digits
    batch_size: int = 64  # minibatch size
    lr: float = 0.02  # constant learning rate of SGD with momentum
    momentum: float = 0.9  # SGD momentum (classical, not Nesterov), the same for every run
    weight_decay: float = 0.01  # λ of the "weight decay" runs (on weights, not biases)
    dropout: float = 0.5  # drop probability after each hidden layer (the dropout paper's)
    input_dropout: float = 0.2  # drop probability on the MLP's input pixels (the paper's)
    seeds: tuple[int, ...] = (0, 1, 2)  # one run per seed and regularizer: initial weights,
    # batch order and dropout masks; a seed gives every regularizer the same initial weights

    def __post_init__(self) -> None:
        if self.network not in NETWORKS:
            raise ValueError(f"network must be one of {NETWORKS}, got {self.network!r}")
        if not self.seeds:
            raise ValueError("seeds must name at least one seed")

    @classmethod
    def for_profile(cls, profile: Profile, network: str = "MLP", **changes) -> RegularizerSpec:
        """Sizes from a compute profile: its seeds and test cap; epochs 10 × the profile's for
        the MLP and 6 × for the CNN, whose epochs cost about five times as much."""
        return replace(cls(network=network, train_images=profile.take(1000),
                           test_images=profile.take(5000, "test"),
                           epochs=(10 if network == "MLP" else 6) * profile.epochs,
                           seeds=tuple(range(profile.seeds))), **changes)

    def data(self) -> tuple[ImageSet, ImageSet]:
        """(training digits, test digits): fixed subsets, whatever the seed."""
        return (load_mnist("train").subset(self.train_images, seed=0),
                load_mnist("test").subset(self.test_images, seed=0))

    def build(self, regularizer: str) -> nn.Module:
        """The untrained network ("MLP": 784 → 512 → 512 → 10; "CNN": two stages of 3×3 conv
        and 2×2 max pool with 16 and 32 channels, then 1568 → 128 → 10), with dropout layers
        for the "dropout" runs."""
        drop = regularizer == "dropout"
        if self.network == "MLP":
            return MLP(784, (512, 512), 10, dropout=self.dropout if drop else 0.0,
                       input_dropout=self.input_dropout if drop else 0.0)
        # Dropout in the dense head only, where most of the CNN's parameters are.
        return ConvNet(1, 10, widths=(16, 32), image_size=28, hidden=128,
                       dropout=self.dropout if drop else 0.0)

    def config(self, regularizer: str, seed: int) -> TrainConfig:
        """The same SGD with momentum for every run; only "weight decay" decays."""
        if regularizer not in REGULARIZERS:
            raise ValueError(f"regularizer must be one of {REGULARIZERS}, got {regularizer!r}")
        decay = self.weight_decay if regularizer == "weight decay" else 0.0
        return TrainConfig(epochs=self.epochs, optimizer="sgd", lr=self.lr,
                           momentum=self.momentum, nesterov=False, weight_decay=decay,
                           schedule="constant", seed=seed)


@dataclass
class RegularizerRun:
    """One trained network: its curves and its final metrics in evaluation mode."""

    regularizer: str
    seed: int
    history: History  # per epoch: training loss (dropout active), test loss and accuracy
    train: dict[str, float]  # evaluate() on the training digits after the last epoch
    test: dict[str, float]  # evaluate() on the test digits after the last epoch
    model: nn.Module = field(repr=False)  # the trained network


_METRICS = ("train_acc", "test_acc", "gap", "train_loss", "test_loss", "lowest_test_loss")


@dataclass
class RegularizerComparison:
    """All runs of `compare_regularizers` for one network, by regularizer and seed."""

    spec: RegularizerSpec
    runs: list[RegularizerRun]
    test_batches: DeviceBatches = field(repr=False)  # the one test set, normalized like training

    def run(self, regularizer: str, seed: int) -> RegularizerRun:
        for r in self.runs:
            if r.regularizer == regularizer and r.seed == seed:
                return r
        raise KeyError(f"no run for {regularizer!r} with seed {seed}")

    def values(self, regularizer: str, metric: str) -> list[float]:
        """One value per seed: accuracies in percent, `gap` = train − test accuracy in points,
        losses as they are; `lowest_test_loss` is the minimum over the epochs."""
        if metric not in _METRICS:
            raise KeyError(f"metric must be one of {_METRICS}, got {metric!r}")
        out = []
        for seed in self.spec.seeds:
            r = self.run(regularizer, seed)
            out.append({
                "train_acc": 100 * r.train["acc"], "test_acc": 100 * r.test["acc"],
                "gap": 100 * (r.train["acc"] - r.test["acc"]), "train_loss": r.train["loss"],
                "test_loss": r.test["loss"],
                "lowest_test_loss": min(r.history.column("test_loss")),
            }[metric])
        return out

    def table(self) -> str:
        """Mean ± sd over the seeds of each final metric, one row per regularizer."""
        header = ["", "train acc %", "test acc %", "gap (points)", "test loss",
                  "lowest test loss"]
        rows = [header]
        for reg in REGULARIZERS:
            rows.append([reg] + [str(spread(self.values(reg, m), 1 if "acc" in m or m == "gap"
                                            else 3))
                                 for m in ("train_acc", "test_acc", "gap", "test_loss",
                                           "lowest_test_loss")])
        return text_table(rows)

    def plot(self, title: str = "") -> Figure:
        """Per epoch, mean over the seeds (band: lowest to highest seed): training loss on a log
        scale, test loss and test accuracy each on a scale that fits their own range."""
        fig = Figure(figsize=(12, 3.8), layout="constrained")
        axes = fig.subplots(1, 3)
        panels = (("train_loss", "training loss (dropout active), log scale"),
                  ("test_loss", "test loss"), ("test_acc", "test accuracy (%)"))
        for ax, (metric, label) in zip(axes, panels, strict=True):
            later: list[np.ndarray] = []  # each band from `first` on: the test-loss axis fits it
            for i, reg in enumerate(REGULARIZERS):
                curves = np.array([self.run(reg, s).history.column(metric)
                                   for s in self.spec.seeds], dtype=float)  # (seeds, epochs)
                if metric == "test_acc":
                    curves = 100 * curves
                epochs = np.arange(1, curves.shape[1] + 1)
                ax.plot(epochs, curves.mean(0), color=f"C{i}", lw=1.8, label=reg)
                ax.fill_between(epochs, curves.min(0), curves.max(0), color=f"C{i}",
                                alpha=0.2, lw=0)
                first = curves.shape[1] // 3  # (0-based) the first third is the steep fall
                later.append(curves[:, first:])
            if metric == "train_loss":
                ax.set_yscale("log")
            if metric == "test_loss" and first > 0:
                # The first epochs' losses are far above the rest and would flatten the later
                # rise that shows overfitting: the axis fits the last two thirds, as labelled.
                lo, hi = min(c.min() for c in later), max(c.max() for c in later)
                ax.set_ylim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
                label = f"test loss (axis fits epochs {first + 1} on)"
            ax.set_xlabel("epoch")
            ax.set_ylabel(label)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.grid(alpha=0.3)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncol=len(REGULARIZERS))
        n, spec = len(self.spec.seeds), self.spec
        fig.suptitle(title or f"{spec.network} on {spec.train_images:,} MNIST digits: mean of "
                     f"{n} seed{'s' if n > 1 else ''} (band: lowest to highest seed)")
        return fig


def compare_regularizers(spec: RegularizerSpec, device: torch.device | str,
                         progress: bool = False) -> RegularizerComparison:
    """Train `spec.network` once per seed and regularizer on the spec's training digits and
    evaluate every run on the same test digits. Deterministic for a given spec and device."""
    train_set, test_set = spec.data()
    mean, std = train_set.channel_stats()
    test_batches = DeviceBatches(test_set, 1000, device, mean=mean, std=std)
    train_eval = DeviceBatches(train_set, 1000, device, mean=mean, std=std)
    runs = []
    for seed in spec.seeds:
        for reg in REGULARIZERS:
            torch.manual_seed(seed)  # the same initial weights for every regularizer
            model = spec.build(reg)
            batches = DeviceBatches(train_set, spec.batch_size, device, shuffle=True, mean=mean,
                                    std=std, seed=seed)
            history = fit(model, batches, test_batches, spec.config(reg, seed), device=device,
                          progress=progress, on_interrupt="raise")
            runs.append(RegularizerRun(reg, seed, history, evaluate(model, train_eval),
                                       evaluate(model, test_batches), model))
    return RegularizerComparison(spec, runs, test_batches)
