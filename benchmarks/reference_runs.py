"""The runs the reference-results table measures: each chapter's largest training run, with the
same model, data and training settings as the chapter (sizes from the compute profile)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch import nn

from course_lib.data import Augmentation, ImageSet, load_cifar10, load_mnist
from course_lib.models import KerasMNISTCNN, SmallCNN, cifar_resnet
from course_lib.profile import Profile
from course_lib.training import TrainConfig


@dataclass(frozen=True)
class ReferenceRun:
    name: str  # short unique id, used by --only
    chapter: str  # the chapter whose run this is, e.g. "03"
    model: str  # model name as the table shows it
    dataset: str  # dataset name as the table shows it
    make_model: Callable[[], nn.Module]  # a fresh, seeded-by-caller model
    load: Callable[[], tuple[ImageSet, ImageSet]]  # (train, test) before profile subsetting
    config: Callable[[Profile, int], TrainConfig]  # training settings for a profile and seed
    augment: Augmentation | None = None  # training augmentation, if the chapter uses one
    batch_divisor: int = 1  # the chapter's batch size is the profile's divided by this


def _mnist() -> tuple[ImageSet, ImageSet]:
    return load_mnist("train"), load_mnist("test")


def _cifar10() -> tuple[ImageSet, ImageSet]:
    return load_cifar10("train"), load_cifar10("test")


RUNS: list[ReferenceRun] = [
    ReferenceRun(
        name="smallcnn-mnist", chapter="03", model="SmallCNN", dataset="MNIST",
        make_model=lambda: SmallCNN(in_channels=1, num_classes=10), load=_mnist,
        config=lambda p, seed: TrainConfig(epochs=p.epochs, seed=seed),
    ),
    ReferenceRun(
        name="keras-cnn-mnist", chapter="09", model="Keras MNIST CNN", dataset="MNIST",
        make_model=KerasMNISTCNN, load=_mnist,
        config=lambda p, seed: TrainConfig.for_profile(p, seed=seed),
    ),
    ReferenceRun(
        # Chapter 10's network at the paper's width (16), trained like chapter 09's CIFAR models:
        # crop + flip on the device, a quarter of the profile's batch size.
        name="resnet20-cifar10", chapter="10", model="ResNet-20", dataset="CIFAR-10",
        make_model=lambda: cifar_resnet(20), load=_cifar10,
        config=lambda p, seed: TrainConfig.for_profile(p, seed=seed),
        augment=Augmentation(hflip=True, crop_padding=4), batch_divisor=4,
    ),
]
