"""The fast CIFAR-10 recipe runs end to end and learns (a tiny CPU run; the 94% figure needs a GPU
and the full test set: `python -m benchmarks.fast_cifar`)."""

from __future__ import annotations

import pytest
import torch

from course_lib.complexity import summary
from course_lib.models.fast_resnet import ResNet9
from course_lib.recipes import FastCIFARConfig, train_fast_cifar10


def test_resnet9_shapes_and_size():
    s = summary(ResNet9(), (3, 32, 32))
    assert s.total_params == 6_573_120  # Page's ResNet-9: about 6.5 M parameters
    assert ResNet9(num_classes=7)(torch.zeros(2, 3, 32, 32)).shape == (2, 7)


@pytest.mark.usefixtures("data_dir")
def test_recipe_learns_on_a_small_subset():
    from course_lib.data import load_cifar10

    test = load_cifar10("test").subset(300, seed=0)
    cfg = FastCIFARConfig(epochs=3, max_train=1536, width=8, batch_size=128, lr=0.2)
    result = train_fast_cifar10(cfg, "cpu", test=test, progress=False)
    assert len(result.history) == 3 and result.train_seconds > 0
    assert result.test_images == 300 and result.device == "cpu"
    assert result.history[-1].train_loss < result.history[0].train_loss
    assert result.accuracy > 0.2  # chance is 0.1
