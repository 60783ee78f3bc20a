"""Does augmentation help on small data? Chapter 08's cats-vs-dogs experiment: the same small CNN
trained with and without augmentation, several seeds, each run's model selected at its best
validation epoch and then measured once on the test set.

`augmentation_study` is what the chapter runs and what the reference results re-run.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import torch
from torch import nn

from .data import Augmentation, DeviceBatches, load_cats_vs_dogs
from .data.augment_pipeline import KERAS_LECTURE_SETTINGS, from_keras
from .models import ConvNet
from .profile import Profile
from .training import History, TrainConfig, evaluate, fit

__all__ = ["AugmentationStudy", "Variant", "augmentation_study", "keras_dropout_variant",
           "pets_cnn", "standard_variants"]


@dataclass(frozen=True)
class Variant:
    """One training condition: an augmentation (or None) and the dropout of the dense layers."""

    augment: Augmentation | Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None
    dropout: float = 0.0


def standard_variants() -> dict[str, Variant]:
    """No augmentation, and the standard pad-4-and-crop plus horizontal flip."""
    return {"baseline": Variant(None),
            "crop + flip": Variant(Augmentation(hflip=True, crop_padding=4))}


def keras_dropout_variant() -> Variant:
    """The lecture's Keras `ImageDataGenerator` settings with dropout 0.5 (Chollet's recipe)."""
    return Variant(from_keras(**KERAS_LECTURE_SETTINGS), 0.5)


def pets_cnn(dropout: float = 0.0) -> nn.Module:
    """Three conv stages (16, 32, 64 filters, 3×3, ReLU, 2×2 max pool), 128 hidden units, 2
    outputs; (N, 3, 32, 32) → (N, 2)."""
    return ConvNet(3, 2, widths=(16, 32, 64), hidden=128, dropout=dropout)


@dataclass
class SeedResult:
    """One run: accuracies of the model at its best validation epoch."""

    best_epoch: int
    val_acc: float
    test_acc: float
    train_acc: float  # on the plain (unaugmented) training images, dropout off
    history: History


@dataclass
class AugmentationStudy:
    """Runs per variant (one per seed) and the sizes they used."""

    n_train: int
    n_val: int
    n_test: int
    epochs: int
    runs: dict[str, list[SeedResult]] = field(default_factory=dict)

    def values(self, variant: str, metric: str) -> list[float]:
        """`metric` ("test_acc", "val_acc", "train_acc") of `variant`, in %, one per seed."""
        return [100 * getattr(r, metric) for r in self.runs[variant]]

    def table(self) -> str:
        """Mean ± sd per variant: training, best validation and test accuracy, best epoch."""
        from .claims import spread

        head = (f"{'variant':<26}{'train acc':>13}{'best val acc':>14}{'test acc':>13}"
                f"{'best epoch':>12}")
        lines = [head, "-" * len(head)]
        for name, runs in self.runs.items():
            epochs = "/".join(str(r.best_epoch) for r in runs)
            lines.append(f"{name:<26}{str(spread(self.values(name, 'train_acc'))):>13}"
                         f"{str(spread(self.values(name, 'val_acc'))):>14}"
                         f"{str(spread(self.values(name, 'test_acc'))):>13}{epochs:>12}")
        return "\n".join(lines)


def augmentation_study(
    profile: Profile,
    device: torch.device | str = "cpu",
    variants: Mapping[str, Variant] | None = None,
    epochs: int | None = None,
    seeds: int | None = None,
) -> AugmentationStudy:
    """Train `pets_cnn` under each variant for `profile.seeds` seeds (AdamW 1e-3, constant, batch
    64) for `epochs` (default 5 × the profile's); keep each run's best-validation weights and
    measure them on the test set. Data: `load_cats_vs_dogs`, sizes capped by the profile."""
    variants = standard_variants() if variants is None else variants
    seeds = profile.seeds if seeds is None else seeds
    epochs = 5 * profile.epochs if epochs is None else epochs
    splits = load_cats_vs_dogs()
    train = splits.train.subset(profile.take(len(splits.train)), seed=0)
    val = splits.val.subset(profile.take(len(splits.val), "test"), seed=0)
    test = splits.test
    mean, std = train.channel_stats()
    val_batches = DeviceBatches(val, 500, device, mean=mean, std=std)
    test_batches = DeviceBatches(test, 500, device, mean=mean, std=std)
    plain = DeviceBatches(train, 500, device, mean=mean, std=std)
    study = AugmentationStudy(len(train), len(val), len(test), epochs)
    for name, variant in variants.items():
        study.runs[name] = []
        for seed in range(seeds):
            torch.manual_seed(seed)
            model = pets_cnn(variant.dropout)
            batches = DeviceBatches(train, 64, device, shuffle=True, augment=variant.augment,
                                    mean=mean, std=std, seed=seed)
            best: dict = {}

            def keep_best(history: History, model: nn.Module = model, best: dict = best) -> None:
                if not best or history[-1].test_acc > best["acc"]:
                    best.update(acc=history[-1].test_acc, epoch=history[-1].epoch,
                                state=copy.deepcopy(model.state_dict()))

            config = TrainConfig.for_profile(profile, epochs=epochs, optimizer="adamw", lr=1e-3,
                                             weight_decay=0.0, schedule="constant", seed=seed)
            history = fit(model, batches, val_batches, config, device=device, progress=False,
                          on_epoch_end=keep_best, on_interrupt="raise")
            model.load_state_dict(best["state"])
            study.runs[name].append(SeedResult(
                best["epoch"], best["acc"], evaluate(model, test_batches)["acc"],
                evaluate(model, plain)["acc"], history))
    return study
