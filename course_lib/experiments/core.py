"""`train_classifier`: one model trained on one image set with `fit`, as an `Outcome`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from ..data import Augmentation, DeviceBatches, ImageSet
from ..training import History, TrainConfig, fit

__all__ = ["Outcome", "train_classifier"]


@dataclass
class Outcome:
    """What one run of an experiment produced: its history, data sizes and the trained model."""

    history: History
    train_images: int
    test_images: int  # 0 when the experiment has no test set
    model: nn.Module | None  # None: the experiment's function does not keep its networks
    held_out: float | None = None  # accuracy on a separate test set after training, when the
    # history's "test" columns hold validation accuracy (chapter 11)
    seconds: float | None = None  # wall time of the whole run (None: the epochs' sum)
    mean: tuple[float, ...] | None = None  # per-channel statistics the inputs were normalized
    std: tuple[float, ...] | None = None  # with (None: not normalized)

    @property
    def train_acc(self) -> float:
        """Training accuracy of the last epoch."""
        return self.history[-1].train_acc

    @property
    def test_acc(self) -> float | None:
        """Test accuracy after training: `held_out` if measured, else the last epoch's."""
        return self.held_out if self.held_out is not None else self.history[-1].test_acc

    @property
    def total_seconds(self) -> float:
        return self.seconds if self.seconds is not None else sum(self.history.column("seconds"))


def train_classifier(make_model: Callable[[], nn.Module], train: ImageSet, test: ImageSet | None,
                     config: TrainConfig, batch_size: int, device: torch.device | str,
                     augment: Augmentation | None = None, progress: bool = False) -> Outcome:
    """Normalize with `train`'s channel statistics, build the model from `config.seed`, and fit.

    Batches are shuffled from `config.seed` too, so a seed fixes the whole run.
    """
    seed = config.seed or 0
    mean, std = train.channel_stats()
    train_batches = DeviceBatches(train, batch_size, device, shuffle=True, seed=seed,
                                  augment=augment, mean=mean, std=std)
    test_batches = (DeviceBatches(test, 1000, device, mean=mean, std=std)
                    if test is not None else None)
    torch.manual_seed(seed)
    model = make_model()
    history = fit(model, train_batches, test_batches, config, device=device, progress=progress,
                  on_interrupt="raise")
    return Outcome(history, len(train), len(test) if test is not None else 0, model,
                   mean=tuple(mean), std=tuple(std))
