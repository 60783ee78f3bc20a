"""Grad-CAM: the formula (hand-made and torch-autograd references, and CAM as the special case of
global average pooling), the hooks leave no trace, and, quantitatively, the heatmap of a trained
model falls on the object: drawn shapes whose boxes are known, among distractor strokes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_lib.data import DeviceBatches, make_placed_shapes
from course_lib.models import SmallCNN
from course_lib.training import TrainConfig, fit
from course_lib.visualize import grad_cam, grad_cam_from, mass_in_box


def test_grad_cam_from_a_hand_example():
    a = torch.tensor([[[[1.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 2.0]]]])  # (1, 2, 2, 2)
    g = torch.stack([torch.full((2, 2), 0.5), torch.full((2, 2), -0.25)])[None]  # α = 0.5, -0.25
    cam = grad_cam_from(a, g)
    # 0.5·A_0 − 0.25·A_1 = [[0.5, 0], [0, −0.5]] → ReLU keeps only the positive evidence
    torch.testing.assert_close(cam, torch.tensor([[[0.5, 0.0], [0.0, 0.0]]]))
    with pytest.raises(ValueError, match="both be"):
        grad_cam_from(a, g[:, :1])


def _cam_net() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 5, 3, padding=1), nn.ReLU(),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(5, 3))


def test_grad_cam_matches_autograd_and_reduces_to_cam_under_global_average_pooling():
    model = _cam_net()
    x = torch.randn(4, 1, 12, 12)
    result = grad_cam(model, x, model[4], target=[0, 1, 2, 1])
    # Reference without hooks: differentiate the class scores by the layer's output directly.
    feats = model[:5](x)  # (4, 5, 6, 6)
    logits = model[5:](feats)
    target = torch.tensor([0, 1, 2, 1])
    (grads,) = torch.autograd.grad(logits.gather(1, target[:, None]).sum(), feats)
    expected = F.relu((grads.mean(dim=(2, 3), keepdim=True) * feats).sum(dim=1)).detach()
    torch.testing.assert_close(result.cam, expected)
    # With GAP → linear, α_k = w_ck / (h·w): Grad-CAM is CAM (Zhou et al. 2016) up to that scale.
    w = model[7].weight.detach()[target]  # (4, 5)
    cam = F.relu(torch.einsum("nk,nkhw->nhw", w, feats.detach())) / 36
    torch.testing.assert_close(result.cam, cam)
    assert result.heatmap.shape == (4, 12, 12) and result.target.tolist() == [0, 1, 2, 1]
    peaks = result.heatmap.amax(dim=(1, 2))
    assert torch.all((peaks == 1) | (peaks == 0)) and result.heatmap.min() >= 0
    torch.testing.assert_close(result.probs, logits.detach().softmax(dim=1))


def test_grad_cam_leaves_the_model_as_it_was():
    model = _cam_net()
    model.train()
    frozen = nn.Sequential(*model)  # same modules
    for p in frozen.parameters():
        p.requires_grad_(False)  # a graph is still built (the input requires grad)
    result = grad_cam(frozen, torch.randn(2, 1, 12, 12), "4")
    assert model.training and all(p.grad is None for p in model.parameters())
    assert sum(len(m._forward_hooks) + len(m._backward_hooks) for m in model.modules()) == 0
    assert result.target.tolist() == result.probs.argmax(dim=1).tolist()  # None: predicted class


def test_grad_cam_survives_an_inplace_relu_after_the_layer():
    torch.manual_seed(0)
    model = SmallCNN(width=4, num_classes=3)  # block ReLUs are in place
    model.eval()
    x = torch.randn(2, 1, 16, 16)
    result = grad_cam(model, x, "features.block4.bn", target=1)
    bn_out = model.features.block4.bn(model.features.block4.conv(
        model.features[:4](x)))  # (2, 8, 8, 8) before the in-place ReLU
    rest = lambda t: model.fc(model.pool(model.features.pool2(F.relu(t))).flatten(1))  # noqa: E731
    (g,) = torch.autograd.grad(rest(bn_out)[:, 1].sum(), bn_out)
    expected = F.relu((g.mean(dim=(2, 3), keepdim=True) * bn_out).sum(dim=1)).detach()
    torch.testing.assert_close(result.cam, expected)


def test_grad_cam_rejects_bad_targets():
    model = _cam_net()
    with pytest.raises(ValueError, match="target"):
        grad_cam(model, torch.randn(2, 1, 12, 12), model[4], target=3)
    with pytest.raises(ValueError, match="target"):
        grad_cam(model, torch.randn(2, 1, 12, 12), model[4], target=[0, 1, 2])


def test_mass_in_box():
    h = np.zeros((5, 5))
    h[1:3, 2:4] = 1.0  # 4 units inside rows 1-2, columns 2-3
    h[0, 0] = 4.0
    assert mass_in_box(h, (1, 2, 2, 2)) == pytest.approx(0.5)
    assert mass_in_box(h, (0, 0, 5, 5)) == pytest.approx(1.0)
    assert mass_in_box(h, (2, 1, 2, 2)) == pytest.approx(0.125)  # rows and columns swapped
    assert mass_in_box(np.zeros((3, 3)), (0, 0, 1, 1)) == 0.0
    assert mass_in_box(np.ones((4, 4)), (0, 0, 2, 1)) == pytest.approx(2 / 16)  # area share
    many = mass_in_box(torch.from_numpy(np.stack([h, h.T])), np.array([[1, 2, 2, 2], [2, 1, 2, 2]]))
    np.testing.assert_allclose(many, [0.5, 0.5])
    with pytest.raises(ValueError, match="non-negative"):
        mass_in_box(-h, (0, 0, 1, 1))
    with pytest.raises(ValueError, match="boxes"):
        mass_in_box(np.stack([h, h]), (0, 0, 1, 1))


# ------------------------------------------------------------- localization, with known boxes

SHAPES = {"canvas": 24, "shape_size": (9, 13), "kinds": ("o", "x"), "distractors": 2,
          "distractor_kinds": ("hline", "vline")}


@pytest.fixture(scope="module")
def shape_task():
    """A SmallCNN trained to tell O from X among distractor lines (a few seconds on one core)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small convolutions run faster on one thread than on contended two
    try:
        train, _ = make_placed_shapes(1000, seed=0, **SHAPES)
        test, boxes = make_placed_shapes(200, seed=1, **SHAPES)
        batches = DeviceBatches(train, 64, "cpu", shuffle=True)
        torch.manual_seed(0)
        model = SmallCNN(in_channels=1, num_classes=2, width=8)
        history = fit(model, batches, DeviceBatches(test, 200, "cpu"), TrainConfig(epochs=4),
                      device="cpu", progress=False)
        torch.manual_seed(1)
        untrained = SmallCNN(in_channels=1, num_classes=2, width=8)
        yield model, untrained, test, boxes, history
    finally:
        torch.set_num_threads(threads)


def test_trained_grad_cam_falls_mostly_inside_the_object(shape_task):
    model, untrained, test, boxes, history = shape_task
    assert history[-1].test_acc > 0.95
    x = test.float()
    trained = mass_in_box(grad_cam(model, x, "features.block4", target=test.labels).heatmap, boxes)
    random = mass_in_box(grad_cam(untrained, x, "features.block4", target=test.labels).heatmap,
                         boxes)
    area = (boxes[:, 2] * boxes[:, 3]).mean() / 24**2
    assert trained.mean() > 0.5, f"mean mass in the box {trained.mean():.2f}"
    assert np.median(trained) > 0.5 and (trained > 0.5).mean() > 0.75
    # Training is what moves the mass onto the object: an untrained net spreads it over every
    # stroke, distractors included; a uniform heatmap would score the box's area share.
    assert trained.mean() > random.mean() + 0.1 and trained.mean() > 2 * area
