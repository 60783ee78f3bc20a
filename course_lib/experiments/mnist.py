"""The MNIST CNN run of chapters 09 and 12: Chollet's Keras CNN on a subset of MNIST."""

from __future__ import annotations

import torch

from ..data import load_mnist
from ..models import KerasMNISTCNN
from ..profile import Profile
from ..training import TrainConfig
from .core import Outcome, train_classifier

__all__ = ["mnist_cnn_run"]


def mnist_cnn_run(profile: Profile, seed: int, device: torch.device | str,
                  progress: bool = False) -> Outcome:
    """KerasMNISTCNN, SGD with the course's defaults, on the whole MNIST test set.

    A capped (CPU) profile trains on half its cap; `full` on all 60,000 images.
    """
    n_train = profile.take(60_000) // (2 if profile.max_train else 1)
    train = load_mnist("train").subset(n_train, seed=seed)
    test = load_mnist("test")
    test = test.subset(profile.take(len(test), "test"), seed=seed)
    config = TrainConfig.for_profile(profile, seed=seed)
    return train_classifier(KerasMNISTCNN, train, test, config, profile.batch_size, device,
                            progress=progress)
