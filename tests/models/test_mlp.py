"""Tests of course_lib.models.MLP: layers and parameter counts (the seed's 784-512-10 network),
input checks, and that it learns (fits a small batch) through course_lib's trainer."""

from __future__ import annotations

import pytest
import torch

from course_lib.models import MLP
from course_lib.training import TrainConfig, fit


def test_keras_mnist_dense_network_counts():
    model = MLP(784, (512,), 10)
    assert sum(p.numel() for p in model.parameters()) == (784 + 1) * 512 + (512 + 1) * 10
    assert sum(p.numel() for p in model.parameters()) == 407_050
    assert model(torch.zeros(3, 1, 28, 28)).shape == (3, 10)


def test_deeper_and_wider():
    model = MLP(3072, (256, 128), 10, dropout=0.1)
    names = [n for n, _ in model.layers.named_children()]
    assert names == ["flatten", "fc1", "relu1", "dropout1", "fc2", "relu2", "dropout2", "fc3"]
    assert model(torch.zeros(2, 3, 32, 32)).shape == (2, 10)
    with pytest.raises(ValueError, match="expects 3072 values"):
        model(torch.zeros(2, 1, 28, 28))


def test_mlp_fits_a_small_batch_through_the_trainer():
    torch.manual_seed(0)
    x = torch.randn(32, 1, 8, 8)
    y = torch.randint(0, 4, (32,))
    model = MLP(64, (64,), 4)
    history = fit(model, [(x, y)], [(x, y)],
                  TrainConfig(epochs=25, optimizer="adamw", lr=2e-2, weight_decay=0.0,
                              schedule="constant"), device="cpu", progress=False)
    assert history[-1].test_acc == 1.0


def test_mlp_layers_and_switches():
    plain = MLP(784, (32, 16), 10)
    assert plain(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    assert sum(p.numel() for p in plain.parameters()) == 784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10
    assert [n for n, _ in plain.layers.named_children()] == [
        "flatten", "fc1", "relu1", "fc2", "relu2", "fc3"]
    full = MLP(20, (8, 8), 3, dropout=0.5, input_dropout=0.2, batch_norm=True,
               activation="sigmoid")
    names = [n for n, _ in full.layers.named_children()]
    assert names == ["flatten", "dropout0", "fc1", "bn1", "sigmoid1", "dropout1", "fc2", "bn2",
                     "sigmoid2", "dropout2", "fc3"]
    assert full.layers.fc1.bias is None and full.layers.fc3.bias is not None  # β replaces it
    assert full(torch.zeros(4, 20)).shape == (4, 3)
    with pytest.raises(ValueError, match="activation"):
        MLP(activation="gelu")
