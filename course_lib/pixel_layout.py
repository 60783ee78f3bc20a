"""Does a model use the image's layout? The MNIST experiment of chapters 02 (MLP) and 03 (CNN).

Per seed, one model is trained on the digits as they are and one on the same digits with their
pixels shuffled by a fixed permutation; the first is then tested on digits shifted sideways.
A model blind to layout scores alike on both orders; a shift-invariant one keeps its accuracy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from .data import DeviceBatches, ImageSet, load_mnist
from .models import MLP, KerasMNISTCNN
from .profile import Profile
from .training import History, TrainConfig, evaluate, fit

__all__ = ["LAYOUT_MODELS", "LayoutRun", "layout_experiment", "pixel_permutation",
           "shift_images", "shuffle_pixels"]

# The two models compared: the 512-unit MLP baseline and the small Keras-style CNN.
LAYOUT_MODELS: dict[str, Callable[[], nn.Module]] = {
    "mlp": lambda: MLP(784, (512,), 10),
    "cnn": KerasMNISTCNN,
}


def pixel_permutation(n_pixels: int, seed: int) -> torch.Tensor:
    """A fixed random order of `n_pixels` pixel positions, the same for every image."""
    return torch.randperm(n_pixels, generator=torch.Generator().manual_seed(seed))


def shuffle_pixels(images: ImageSet, perm: torch.Tensor) -> ImageSet:
    """`images` with the pixels of every image rearranged by the same permutation `perm`."""
    flat = images.images.reshape(len(images), -1)
    if perm.shape != flat.shape[1:]:
        raise ValueError(f"perm must order {flat.shape[1]} pixels, got shape {tuple(perm.shape)}")
    shuffled = flat[:, perm].reshape(images.images.shape)
    return ImageSet(shuffled, images.labels, images.classes, images.name + " shuffled")


def shift_images(images: ImageSet, pixels: int) -> ImageSet:
    """`images` moved `pixels` to the right (left if negative); the uncovered columns are 0."""
    x = images.images
    if abs(pixels) >= x.shape[-1]:
        raise ValueError(f"a shift of {pixels} pixels leaves nothing of a {x.shape[-1]}-wide image")
    moved = torch.zeros_like(x)
    if pixels >= 0:
        moved[..., pixels:] = x[..., : x.shape[-1] - pixels]
    else:
        moved[..., :pixels] = x[..., -pixels:]
    return ImageSet(moved, images.labels, images.classes, f"{images.name} shifted {pixels}")


@dataclass
class LayoutRun:
    """One model and seed: test accuracy on the original and the shuffled pixel order, and on
    test digits shifted by each number of pixels (accuracies in [0, 1]); the network trained on
    the original order, its history, and the pixel mean and std its inputs were normalised with."""

    model: str
    seed: int
    test_acc: float
    shuffled_acc: float
    shift_acc: dict[int, float] = field(default_factory=dict)
    net: nn.Module | None = field(default=None, repr=False)
    history: History | None = field(default=None, repr=False)
    mean: tuple[float, ...] = ()
    std: tuple[float, ...] = ()
    n_train: int = 0  # training images


def layout_experiment(model: str, profile: Profile, seeds: Sequence[int] | None = None,
                      shifts: Sequence[int] = (0, 1, 2, 3, 4), epochs: int | None = None,
                      n_train: int = 3_000, n_test: int = 2_000, batch_size: int | None = None,
                      device: torch.device | str = "cpu") -> list[LayoutRun]:
    """Train `model` ("mlp" or "cnn") on `n_train` MNIST images (as far as `profile` allows),
    once per seed on the original and once on the shuffled pixel order; test both on `n_test`
    images and the first also on shifted digits.

    Seeds default to 0 … profile.seeds − 1; `epochs` and `batch_size` default to the profile's.
    The data subsets, the permutation and the initial weights all follow the seed.
    """
    if model not in LAYOUT_MODELS:
        raise ValueError(f"model must be one of {', '.join(LAYOUT_MODELS)}, got {model!r}")
    seeds = range(profile.seeds) if seeds is None else seeds
    train_all, test_all = load_mnist("train"), load_mnist("test")
    config = TrainConfig.for_profile(profile, **({} if epochs is None else {"epochs": epochs}))
    return [_one_seed(model, train_all.subset(profile.take(n_train, "train"), seed=seed),
                      test_all.subset(profile.take(n_test, "test"), seed=seed),
                      config.replace(seed=seed), batch_size or profile.batch_size, shifts, device)
            for seed in seeds]


def _one_seed(model: str, train: ImageSet, test: ImageSet, config: TrainConfig,
              batch_size: int, shifts: Sequence[int], device: torch.device | str) -> LayoutRun:
    seed = config.seed
    mean, std = train.channel_stats()

    def batches(images: ImageSet, shuffle: bool = False) -> DeviceBatches:
        return DeviceBatches(images, batch_size if shuffle else 1000, device, shuffle=shuffle,
                             mean=mean, std=std, seed=seed)

    def trained(train_images: ImageSet, test_images: ImageSet) -> tuple[nn.Module, History]:
        torch.manual_seed(seed)
        net = LAYOUT_MODELS[model]()
        history = fit(net, batches(train_images, shuffle=True), batches(test_images), config,
                      device=device, progress=False, on_interrupt="raise")
        return net, history

    net, history = trained(train, test)
    perm = pixel_permutation(train.images[0].numel(), seed)
    _, shuffled = trained(shuffle_pixels(train, perm), shuffle_pixels(test, perm))
    shift_acc = {s: evaluate(net, batches(shift_images(test, s)), device=device)["acc"]
                 for s in shifts}
    return LayoutRun(model, seed, history[-1].test_acc, shuffled[-1].test_acc, shift_acc, net,
                     history, mean, std, len(train))
