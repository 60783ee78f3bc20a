"""The models of chapters 06–08: shapes, parameter counts and the dropout/BN switches."""

from __future__ import annotations

import pytest
import torch

from course_lib.complexity import summary
from course_lib.models import MLP, ConvNet, DropoutCNN


def _params(model):
    return sum(p.numel() for p in model.parameters())


def test_dropout_cnn_is_the_lectures_model_corrected():
    model = DropoutCNN()
    assert model(torch.zeros(2, 3, 32, 32)).shape == (2, 10)
    assert model.fc_layer[0].in_features == 32 * 7 * 7 == 1568
    dropouts = [m for m in model.modules() if isinstance(m, torch.nn.Dropout)]
    assert [d.p for d in dropouts] == [0.2, 0.2]
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [c.kernel_size for c in convs] == [(3, 3)] * 6
    assert _params(model) == 448 + 4640 + 4 * 9248 + 156_900 + 1010
    assert "(32, 7, 7)" in str(summary(model, (3, 32, 32)))


def test_dropout_changes_training_outputs_only():
    model = DropoutCNN(p=0.5)
    x = torch.rand(4, 3, 32, 32)
    model.train()
    assert not torch.equal(model(x), model(x))
    model.eval()
    with torch.no_grad():
        assert torch.equal(model(x), model(x))


def test_mlp_layers_and_switches():
    plain = MLP(784, (32, 16), 10)
    assert plain(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    assert _params(plain) == 784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10
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


def test_convnet_shapes_and_switches():
    net = ConvNet(3, 2, widths=(8, 16, 32), image_size=32, hidden=64)
    assert net(torch.zeros(2, 3, 32, 32)).shape == (2, 2)
    assert net.classifier.fc1.in_features == 32 * 4 * 4
    bn = ConvNet(1, 10, widths=(4, 8), convs_per_stage=3, image_size=28, batch_norm=True,
                 dropout=0.5)
    assert bn(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in bn.modules()) == 6
    assert bn.features.stage1.conv1.bias is None
    assert sum(isinstance(m, torch.nn.Dropout) for m in bn.modules()) == 2
    with pytest.raises(ValueError, match="divisible"):
        ConvNet(image_size=30, widths=(8, 16))
