"""course_lib.training.gradients (layer_gradient_norms): the norms equal a hand-run backward pass
(a convolutional network and an MLP with BatchNorm), projections are skipped, no warning is
raised, and the model is left exactly as it was (weights, gradients, mode, BatchNorm statistics)."""

from __future__ import annotations

import warnings

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_lib.models import MLP, cifar_resnet
from course_lib.training import layer_gradient_norms


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                         nn.Linear(4 * 6 * 6, 5))


def test_norms_equal_a_manual_backward_pass():
    model = _model()
    x, y = torch.randn(6, 3, 8, 8), torch.tensor([0, 1, 2, 3, 4, 0])
    got = layer_gradient_norms(model, x, y)
    reference = _model().train()
    F.cross_entropy(reference(x), y).backward()
    assert [g.name for g in got] == ["0", "4"]
    for g, layer in zip(got, (reference[0], reference[4]), strict=True):
        assert g.norm == pytest.approx(layer.weight.grad.norm().item(), rel=1e-6)
        assert g.relative == pytest.approx(g.norm / layer.weight.norm().item(), rel=1e-6)


def test_the_model_is_left_unchanged():
    model = _model().eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    layer_gradient_norms(model, torch.randn(4, 3, 8, 8), torch.tensor([0, 1, 2, 3]))
    assert not model.training
    assert all(p.grad is None for p in model.parameters())
    for k, v in model.state_dict().items():
        assert torch.equal(v, before[k]), k  # running statistics included


def test_projection_shortcuts_are_excluded_by_default():
    model = cifar_resnet(8, width=4, shortcut="B")
    x, y = torch.randn(2, 3, 8, 8), torch.tensor([1, 2])
    names = [g.name for g in layer_gradient_norms(model, x, y)]
    assert len(names) == 8 and not any("shortcut" in n for n in names)  # 7 convs + linear
    assert any("shortcut" in g.name for g in layer_gradient_norms(model, x, y, exclude=()))
    with pytest.raises(ValueError, match="no"):
        layer_gradient_norms(nn.ReLU(), x, y)

def test_norms_match_a_manual_backward_pass_and_state_is_restored():
    torch.manual_seed(0)
    model = MLP(12, (8, 8), 3, batch_norm=True).eval()
    x, y = torch.randn(16, 12), torch.randint(0, 3, (16,))
    buffers = {n: b.clone() for n, b in model.named_buffers()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = layer_gradient_norms(model, x, y)
    assert [g.name for g in result] == ["layers.fc1", "layers.fc2", "layers.fc3"]
    assert not model.training and all(p.grad is None for p in model.parameters())
    assert all(torch.equal(b, buffers[n]) for n, b in model.named_buffers())
    model.train()
    torch.nn.functional.cross_entropy(model(x), y).backward()
    for g, layer in zip(result, (model.layers.fc1, model.layers.fc2, model.layers.fc3),
                        strict=True):
        assert g.norm == pytest.approx(layer.weight.grad.norm().item(), rel=1e-5)
        assert g.relative == pytest.approx(g.norm / layer.weight.norm().item(), rel=1e-5)
    with pytest.raises(ValueError, match="no Conv2d"):
        layer_gradient_norms(torch.nn.ReLU(), x, y)
