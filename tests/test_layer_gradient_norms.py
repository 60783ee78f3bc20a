"""course_lib.training.gradients: per-layer gradient norms equal the real gradients' norms, the
model's gradients, buffers and mode are left as they were, and no warning is raised."""

from __future__ import annotations

import warnings

import pytest
import torch

from course_lib.models import MLP
from course_lib.training import layer_gradient_norms


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
