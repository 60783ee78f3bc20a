"""Chapter 09's training experiments, over seeds: the lecture's Keras MNIST CNN against an MLP on
MNIST, and small versions of the historical designs trained side by side on CIFAR-10.

`cnn_vs_mlp` and `small_architectures` are what the chapter runs and what the reference results
re-run.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from .data import Augmentation, DeviceBatches, load_cifar10, load_mnist
from .models import KerasMNISTCNN, LeNet5, vgg
from .profile import Profile
from .training import SeededComparison, TrainConfig, compare_seeds

__all__ = ["SMALL_ARCHITECTURES", "cnn_vs_mlp", "small_architectures"]


def _mlp() -> nn.Module:
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))


def cnn_vs_mlp(profile: Profile, device: torch.device | str = "cpu",
               n_train: int = 10_000) -> SeededComparison:
    """MLP 784-512-10 against `KerasMNISTCNN` on `profile.take(n_train)` MNIST digits (all 60,000
    without a cap), `profile.epochs` epochs of SGD with the one-cycle schedule, `profile.seeds`
    seeds; tested on the profile's share of the 10,000 test digits."""
    train = load_mnist("train").subset(profile.take(n_train if profile.max_train else 60_000),
                                       seed=0)
    test = load_mnist("test")
    test = test.subset(profile.take(len(test), "test"), seed=0)
    mean, std = train.channel_stats()
    models: dict[str, Callable[[], nn.Module]] = {"MLP 784-512-10": _mlp,
                                                 "Keras MNIST CNN": KerasMNISTCNN}
    result = compare_seeds(
        models,
        lambda seed: DeviceBatches(train, profile.batch_size, device, shuffle=True, mean=mean,
                                   std=std, seed=seed),
        DeviceBatches(test, 1000, device, mean=mean, std=std),
        TrainConfig.for_profile(profile), device, (1, 28, 28), profile.seeds)
    result.train_images, result.test_images = len(train), len(test)
    return result


SMALL_ARCHITECTURES: dict[str, Callable[[], nn.Module]] = {
    "LeNet-5": lambda: LeNet5(in_channels=3),
    "VGG-16 (small, BN)": lambda: vgg("vgg16", width_divisor=4, hidden=0, num_classes=10,
                                      image_size=32, batch_norm=True),
}


def small_architectures(profile: Profile, device: torch.device | str = "cpu",
                        n_train: int = 4_000, epochs: int | None = None) -> SeededComparison:
    """`SMALL_ARCHITECTURES` on `profile.take(n_train)` CIFAR-10 images (all 50,000 without a
    cap) with crop and flip, AdamW and the one-cycle schedule, batches of a quarter of the
    profile's size, `epochs` (default 2 × the profile's) epochs, `profile.seeds` seeds."""
    train = load_cifar10("train")
    train = train.subset(profile.take(n_train if profile.max_train else len(train)), seed=0)
    import warnings

    with warnings.catch_warnings():  # a shortened local test batch warns; the size is printed
        warnings.simplefilter("ignore", UserWarning)
        test = load_cifar10("test")
    test = test.subset(profile.take(len(test), "test"), seed=0)
    mean, std = train.channel_stats()
    epochs = 2 * profile.epochs if epochs is None else epochs
    result = compare_seeds(
        SMALL_ARCHITECTURES,
        lambda seed: DeviceBatches(train, profile.batch_size // 4, device, shuffle=True,
                                   augment=Augmentation(hflip=True, crop_padding=4), mean=mean,
                                   std=std, seed=seed),
        DeviceBatches(test, 500, device, mean=mean, std=std),
        TrainConfig.for_profile(profile, epochs=epochs, optimizer="adamw"), device,
        (3, 32, 32), profile.seeds)
    result.train_images, result.test_images = len(train), len(test)
    return result
