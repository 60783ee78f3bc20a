"""course_lib.models.conv_stacks: ConvNet's shapes and its dropout/BN switches."""

from __future__ import annotations

import pytest
import torch

from course_lib.models import ConvNet


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
