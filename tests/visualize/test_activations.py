"""Recording every layer's output with forward hooks: the right tensors, in call order, and the
model left exactly as it was (no hooks, same mode), even when the forward pass fails."""

from __future__ import annotations

from collections import OrderedDict

import pytest
import torch
from torch import nn

from course_lib.models import KerasMNISTCNN, SmallCNN
from course_lib.visualize import activation_stats, collect_activations, layer_names


def _hooks(model: nn.Module) -> int:
    return sum(len(m._forward_hooks) for m in model.modules())


def test_layer_names_are_the_leaves_in_order():
    model = KerasMNISTCNN()
    names = layer_names(model)
    assert names[:3] == ["features.conv1", "features.relu1", "features.pool1"]
    assert names[-1] == "classifier.fc2" and len(names) == 12
    assert layer_names(model, (nn.Conv2d,)) == ["features.conv1", "features.conv2",
                                                "features.conv3"]


def test_activations_match_the_layers_applied_by_hand():
    torch.manual_seed(0)
    model = KerasMNISTCNN()
    x = torch.randn(2, 1, 28, 28)
    acts = collect_activations(model, x)
    assert list(acts) == layer_names(model)  # call order = definition order here
    f = model.features
    with torch.no_grad():
        conv1 = f.conv1(x)
        relu2 = f.relu2(f.conv2(f.pool1(f.relu1(conv1))))
        logits = model(x)
    torch.testing.assert_close(acts["features.conv1"], conv1)
    torch.testing.assert_close(acts["features.relu2"], relu2)
    torch.testing.assert_close(acts["classifier.fc2"], logits)
    assert acts["features.pool2"].shape == (2, 64, 5, 5)
    assert not any(a.requires_grad for a in acts.values())


def test_hooks_are_removed_and_the_mode_restored():
    model = SmallCNN(width=4)
    model.train()
    collect_activations(model, torch.randn(1, 1, 28, 28), ["features.block1", "fc"])
    assert _hooks(model) == 0 and model.training
    with pytest.raises(RuntimeError):  # a wrong input size fails inside the forward pass
        collect_activations(model, torch.randn(1, 3, 28, 28))
    assert _hooks(model) == 0 and model.training


def test_eval_mode_is_used_and_inplace_ops_cannot_change_the_record():
    torch.manual_seed(0)
    model = SmallCNN(width=4)
    model.train()
    x = torch.randn(1, 1, 28, 28)
    acts = collect_activations(model, x, ["features.block1.bn", "features.block1.relu"])
    bn = acts["features.block1.bn"]
    assert (bn < 0).any(), "the in-place ReLU after BN must not overwrite the recorded BN output"
    torch.testing.assert_close(acts["features.block1.relu"], bn.clamp_min(0))
    model.eval()
    with torch.no_grad():
        expected = model.features.block1.bn(model.features.block1.conv(x))
    torch.testing.assert_close(bn, expected)  # running statistics, not the batch's


def test_unknown_or_unused_layers_are_reported():
    model = nn.Sequential(OrderedDict(a=nn.Linear(2, 2), b=nn.Linear(2, 2)))
    with pytest.raises(ValueError, match="no layer 'c'.*a, b"):
        collect_activations(model, torch.randn(1, 2), ["c"])

    class Skips(nn.Module):
        def __init__(self):
            super().__init__()
            self.used, self.unused = nn.Linear(2, 2), nn.Linear(2, 2)

        def forward(self, x):
            return self.used(x)

    with pytest.raises(ValueError, match="never ran.*unused"):
        collect_activations(Skips(), torch.randn(1, 2))


def test_activation_stats_counts_zeros_and_blank_maps():
    a = torch.zeros(2, 3, 2, 2)
    a[0, 0, 0, 0] = 1.0  # map (0, 0) has one non-zero value; the other five maps are blank
    a[1, 2] = 2.0  # map (1, 2) is all non-zero
    (stats,) = activation_stats({"layer": a})
    assert stats.name == "layer" and stats.shape == (3, 2, 2)
    assert stats.zero_fraction == pytest.approx(19 / 24)
    assert stats.blank_fraction == pytest.approx(4 / 6)
    (vec,) = activation_stats({"fc": torch.tensor([[0.0, 1.0], [0.0, 0.0]])})
    assert vec.zero_fraction == 0.75 and vec.blank_fraction == 0.75
