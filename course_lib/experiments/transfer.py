"""Chapter 11's experiment: four ways to learn cats vs. dogs with a base pretrained on the eight
other CIFAR-10 classes (from scratch, feature extraction, frozen base + head, fine-tuning)."""

from __future__ import annotations

import copy
import time
from dataclasses import replace

import torch
from torch import nn

from ..data import Augmentation, DeviceBatches, ImageSet, load_cats_vs_dogs
from ..pretrained import Pretrained, PretrainSpec, pretrained_cnn
from ..profile import Profile
from ..training import History, TrainConfig, evaluate, fit
from ..transfer import FeatureBatches, extract_features, freeze, replace_head, unfreeze
from .core import Outcome

__all__ = ["TRANSFER_METHODS", "new_head", "pretrain_spec", "transfer_config", "transfer_runs"]

TRANSFER_METHODS = ("from scratch (augmented)", "feature extraction",
                    "frozen base + head (augmented)", "+ fine-tune stage3 (lr/10)")


def pretrain_spec(profile: Profile) -> PretrainSpec:
    """The pretraining of chapter 11: the profile's images, three times its epochs, seed 0."""
    return PretrainSpec.for_profile(profile, seed=0, epochs=3 * profile.epochs)


def transfer_config(profile: Profile, seed: int) -> TrainConfig:
    """AdamW at a constant 1e-3 for five times the profile's epochs (the head-training runs)."""
    return TrainConfig(epochs=5 * profile.epochs, optimizer="adamw", lr=1e-3, weight_decay=0.0,
                       schedule="constant", seed=seed)


def new_head() -> nn.Module:
    """The pretrained classifier's shape, freshly initialised, 2 outputs, dropout for small data."""
    return nn.Sequential(nn.Flatten(), nn.Dropout(0.5), nn.Linear(64 * 4 * 4, 128), nn.ReLU(),
                         nn.Linear(128, 2))


def transfer_runs(profile: Profile, seed: int, device: torch.device | str,
                  pre: Pretrained | None = None) -> dict[str, Outcome]:
    """The four runs of chapter 11 for one seed, keyed by `TRANSFER_METHODS`.

    Each outcome's history holds validation accuracy in its "test" columns; `held_out` is the
    test accuracy after the last epoch. Fine-tuning continues the frozen-base run (its epochs
    are numbered after it) and its time includes that run.
    """
    pre = pre or pretrained_cnn(pretrain_spec(profile), device, progress=False)
    splits = load_cats_vs_dogs()
    train = splits.train.subset(profile.take(len(splits.train)), seed=seed)
    val = splits.val.subset(profile.take(len(splits.val), "test"), seed=seed)
    config, flip_crop = transfer_config(profile, seed), Augmentation(hflip=True, crop_padding=4)

    def batches(data: ImageSet, augment=None, shuffle=False, size=64) -> DeviceBatches:
        return DeviceBatches(data, size, device, shuffle=shuffle, augment=augment,
                             mean=pre.mean, std=pre.std, seed=seed)

    def run(name: str, model: nn.Module, cfg: TrainConfig, train_b, val_b, test_b,
            extra_seconds: float = 0.0) -> Outcome:
        start = time.perf_counter()
        history = fit(model, train_b, val_b, cfg, device=device, progress=False,
                      on_interrupt="raise")
        held_out = evaluate(model, test_b)["acc"]
        return Outcome(history, len(train), len(val), model, held_out,
                       time.perf_counter() - start + extra_seconds)

    out: dict[str, Outcome] = {}
    images = (batches(train, flip_crop, shuffle=True), batches(val, size=500),
              batches(splits.test, size=500))
    torch.manual_seed(seed)
    scratch = pre_build(pre)
    replace_head(scratch, "classifier", new_head())
    out[TRANSFER_METHODS[0]] = run("scratch", scratch, config, *images)

    start = time.perf_counter()
    feats = [extract_features(pre.model.features, batches(d, size=500))
             for d in (train, val, splits.test)]
    extraction = time.perf_counter() - start
    torch.manual_seed(seed)
    out[TRANSFER_METHODS[1]] = run(
        "features", new_head(), config, FeatureBatches(feats[0], 64, device, True, seed),
        FeatureBatches(feats[1], 500, device), FeatureBatches(feats[2], 500, device), extraction)

    torch.manual_seed(seed)
    frozen = copy.deepcopy(pre.model)
    replace_head(frozen, "classifier", new_head())
    freeze(frozen, "features")
    out[TRANSFER_METHODS[2]] = first = run("frozen", frozen, config, *images)

    tuned = copy.deepcopy(frozen)
    unfreeze(tuned, "features.stage3")
    tuned_out = run("tuned", tuned, config.replace(lr=1e-4, epochs=2 * profile.epochs), *images,
                    first.total_seconds)
    tuned_out.history = History([replace(r, epoch=r.epoch + len(first.history))
                                 for r in tuned_out.history.records])
    out[TRANSFER_METHODS[3]] = tuned_out
    return out


def pre_build(pre: Pretrained) -> nn.Module:
    """A network of the pretrained one's architecture with fresh random weights."""
    model = copy.deepcopy(pre.model)
    for m in model.modules():
        if hasattr(m, "reset_parameters"):
            m.reset_parameters()
    return model
