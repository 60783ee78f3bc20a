"""Tests of the small CNNs (course_lib.models): layer shapes and parameter counts, and that the
fast SmallCNN can actually learn (it fits a small batch)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from course_lib.models import KerasMNISTCNN, SmallCNN
from course_lib.ops import conv_output_size, conv_param_count


def test_keras_mnist_cnn_layers_and_counts():
    model = KerasMNISTCNN()
    f = model.features
    assert f.conv1.weight.shape == (32, 1, 3, 3)
    counts = [sum(p.numel() for p in conv.parameters()) for conv in (f.conv1, f.conv2, f.conv3)]
    assert counts == [
        conv_param_count(1, 32, 3),
        conv_param_count(32, 64, 3),
        conv_param_count(64, 64, 3),
    ]
    assert counts == [320, 18_496, 36_928]
    # 28 → conv 26 → pool 13 → conv 11 → pool 5 → conv 3: the flatten size of fc1.
    side = conv_output_size(conv_output_size(conv_output_size(28, 3) // 2, 3) // 2, 3)
    assert model.classifier.fc1.in_features == 64 * side * side == 576
    assert sum(p.numel() for p in model.parameters()) == 93_322


def test_keras_mnist_cnn_forward_shape():
    out = KerasMNISTCNN()(torch.zeros(2, 1, 28, 28))
    assert out.shape == (2, 10)


@pytest.mark.parametrize("in_channels, size", [(1, 28), (3, 32)])
def test_small_cnn_shapes(in_channels, size):
    model = SmallCNN(in_channels=in_channels, num_classes=7, width=8)
    assert model(torch.zeros(3, in_channels, size, size)).shape == (3, 7)


def test_small_cnn_structure():
    model = SmallCNN(width=32, dropout=0.25)
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    assert [c.out_channels for c in convs] == [32, 32, 64, 64]
    assert all(c.bias is None for c in convs)  # BatchNorm follows every conv
    assert sum(isinstance(m, nn.BatchNorm2d) for m in model.modules()) == 4
    assert model.dropout.p == 0.25
    expected = sum(
        conv_param_count(i, o, 3, bias=False) for i, o in [(1, 32), (32, 32), (32, 64), (64, 64)]
    )
    expected += 2 * (32 + 32 + 64 + 64) + (64 * 10 + 10)  # BatchNorm γ, β and the classifier
    assert sum(p.numel() for p in model.parameters()) == expected


def test_small_cnn_eval_is_deterministic_and_train_uses_dropout():
    torch.manual_seed(0)
    model = SmallCNN(width=8, dropout=0.5)
    x = torch.randn(4, 1, 28, 28)
    model.eval()
    with torch.no_grad():
        assert torch.equal(model(x), model(x))
    model.train()
    with torch.no_grad():
        assert not torch.equal(model(x), model(x))  # a fresh dropout mask on each call


def test_small_cnn_fits_a_small_batch():
    # A model that can learn must drive the loss on 16 fixed images close to 0.
    torch.manual_seed(0)
    x, y = torch.randn(16, 1, 12, 12), torch.randint(0, 10, (16,))
    model = SmallCNN(width=8)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    first = loss_fn(model(x), y).item()
    for _ in range(40):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
    assert loss.item() < 0.1 * first
    model.eval()
    with torch.no_grad():
        assert (model(x).argmax(1) == y).float().mean() == 1.0
