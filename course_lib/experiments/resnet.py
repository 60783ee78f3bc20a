"""Chapter 10's experiments: degradation (plain vs residual at two depths) and a CIFAR ResNet."""

from __future__ import annotations

import torch

from ..data import Augmentation, load_cifar10
from ..models import cifar_resnet
from ..profile import Profile
from ..training import TrainConfig
from .core import Outcome, train_classifier

__all__ = ["DEGRADATION_DEPTHS", "cifar_resnet_run", "degradation_run", "degradation_size"]

DEGRADATION_DEPTHS = (8, 32)  # a shallow and a deep network of the 6n + 2 family
_DEGRADATION_WIDTH = 8  # half the paper's 16 filters: four networks per seed must fit minutes


def degradation_size(profile: Profile) -> tuple[int, int]:
    """(training images, epochs) of the degradation experiment on `profile`.

    A capped (CPU) profile uses a tenth of its cap for twice its epochs; `full` all 50,000.
    """
    if profile.max_train is None:
        return 50_000, 2 * profile.epochs
    return profile.take(50_000) // 10, 2 * profile.epochs


def degradation_run(depth: int, plain: bool, profile: Profile, seed: int,
                    device: torch.device | str, progress: bool = False) -> Outcome:
    """Train a plain or residual CIFAR network of `depth` layers; no test set, no augmentation.

    SGD as in the paper, batches of a quarter of the profile's size (more steps per epoch).
    Degradation is about the training error, so the outcome's `train_acc` is what counts.
    """
    n_train, epochs = degradation_size(profile)
    train = load_cifar10("train").subset(n_train, seed=seed)
    config = TrainConfig.for_profile(profile, epochs=epochs, seed=seed)
    return train_classifier(
        lambda: cifar_resnet(depth, plain=plain, width=_DEGRADATION_WIDTH), train, None, config,
        profile.batch_size // 4, device, progress=progress)


def cifar_resnet_run(depth: int, profile: Profile, seed: int, device: torch.device | str,
                     progress: bool = False) -> Outcome:
    """The paper's CIFAR ResNet (width 16), trained like chapter 9's CIFAR models: flips and
    4-pixel crops, SGD with the course's one-cycle defaults, batches of a quarter of the
    profile's batch size. Training images and epochs from `profile`; tested on the CIFAR-10
    test split (as much of it as the profile takes).
    """
    train = load_cifar10("train")
    train = train.subset(profile.take(len(train)), seed=seed)
    test = load_cifar10("test")
    test = test.subset(profile.take(len(test), "test"), seed=seed)
    config = TrainConfig.for_profile(profile, seed=seed)
    return train_classifier(lambda: cifar_resnet(depth), train, test, config,
                            profile.batch_size // 4, device,
                            augment=Augmentation(hflip=True, crop_padding=4), progress=progress)
