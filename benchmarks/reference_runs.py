"""The runs the reference-results store measures: each calls the experiment function its chapter
calls (`course_lib.experiments`), so a row says what the chapter runs, at a larger size.

To add a row for another chapter's experiment, add a `ReferenceRun` whose `experiment` calls the
chapter's function with the profile, seed and device it is given.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace

import torch

from course_lib.data import load_mnist
from course_lib.experiments import (
    TRANSFER_METHODS,
    Outcome,
    cifar_resnet_run,
    degradation_run,
    mnist_cnn_run,
    placed_shapes_run,
    train_classifier,
    transfer_runs,
)
from course_lib.models import SmallCNN
from course_lib.profile import Profile, get_profile
from course_lib.training import TrainConfig

Experiment = Callable[[Profile, int, torch.device], Outcome]


@dataclass(frozen=True)
class ReferenceRun:
    name: str  # short unique id, used by --only and by course_lib.reference.reference_table
    chapter: str  # the chapter whose experiment this is, e.g. "03"
    model: str  # model name as the table shows it
    dataset: str  # dataset name as the table shows it
    experiment: Experiment  # (profile, seed, device) → Outcome: the chapter's own function
    profiles: tuple[str, ...] = ("quick",)  # the profiles `make results` measures on a CPU
    seeds: int | None = None  # seeds per row; None: the profile's `seeds`


def _smallcnn_mnist(profile: Profile, seed: int, device: torch.device) -> Outcome:
    # Chapter 03's first CNN: the profile's MNIST subset, the whole test set, SGD defaults.
    train = load_mnist("train").subset(profile.take(60_000), seed=seed)
    test = load_mnist("test").subset(profile.take(10_000, "test"), seed=seed)
    return train_classifier(lambda: SmallCNN(in_channels=1, num_classes=10), train, test,
                            TrainConfig(epochs=profile.epochs, seed=seed), profile.batch_size,
                            device)


@functools.lru_cache(maxsize=4)
def _transfer(profile: str, seed: int, device: str) -> dict[str, Outcome]:
    # Chapter 11's four methods run together (fine-tuning continues the frozen-base run):
    # each method's row reads its outcome from the same runs.
    return transfer_runs(get_profile(profile), seed, torch.device(device))


def _transfer_row(method: str) -> Experiment:
    return lambda p, s, d: _transfer(p.name, s, str(d))[method]


RUNS: list[ReferenceRun] = [
    ReferenceRun("smallcnn-mnist", "03", "SmallCNN", "MNIST", _smallcnn_mnist),
    ReferenceRun("keras-cnn-mnist", "09, 12", "Keras MNIST CNN", "MNIST", mnist_cnn_run),
    *(ReferenceRun(f"degradation-{kind.lower()}-{depth}", "10", f"{kind}-{depth} (width 8)",
                   "CIFAR-10 (train)",
                   lambda p, s, d, depth=depth, plain=(kind == "plain"):
                       degradation_run(depth, plain, p, s, d),
                   )
      for depth in (8, 32) for kind in ("plain", "ResNet")),
    *(ReferenceRun(f"transfer-{key}", "11", f"course CNN, {method}", "CIFAR-10 cats vs. dogs",
                   _transfer_row(method))
      for key, method in zip(("scratch", "features", "frozen", "finetune"), TRANSFER_METHODS,
                             strict=True)),
    ReferenceRun("smallcnn-shapes", "12", "SmallCNN (width 8)", "placed O/X shapes",
                 placed_shapes_run),
    # The paper's ResNet-20, longer than any chapter can train it on a CPU. On `extended` the
    # training set is capped at 20,000 images (an epoch takes minutes on two cores); on a GPU,
    # `--profile full` trains on all 50,000.
    ReferenceRun("resnet20-cifar10", "10", "ResNet-20", "CIFAR-10",
                 lambda p, s, d: cifar_resnet_run(20, replace(p, max_train=p.take(20_000)), s, d),
                 profiles=("quick", "extended"), seeds=1),
]
