"""course_lib.visualize.filters and patterns: first-layer weights as images, how edge-like
first-layer maps are, and input patterns found by gradient ascent (for a linear filter, the
pattern is the filter's sign)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from course_lib.models import KerasMNISTCNN
from course_lib.ops.filters import SOBEL_X, SOBEL_Y
from course_lib.visualize import edge_scores, filter_images, filter_patterns, first_conv


def test_first_conv_and_filter_images():
    model = KerasMNISTCNN()
    assert first_conv(model) is model.features.conv1
    with pytest.raises(ValueError, match="no nn.Conv2d"):
        first_conv(nn.Linear(2, 2))
    w = torch.zeros(2, 1, 3, 3)
    w[0, 0, 0, 0], w[0, 0, 1, 1] = 2.0, -1.0
    img = filter_images(w)
    assert img.shape == (2, 3, 3) and img.min() >= 0 and img.max() <= 1
    assert img[0, 0, 0] == 1.0 and img[0, 1, 1] == 0.25 and img[0, 2, 2] == 0.5  # 0 is grey
    assert (img[1] == 0.5).all()  # an all-zero filter is plain grey, not NaN
    assert filter_images(torch.randn(4, 3, 5, 5)).shape == (4, 5, 5, 3)  # RGB
    assert filter_images(np.ones((4, 2, 3, 3))).shape == (4, 2, 3, 3)
    with pytest.raises(ValueError, match="C_out, C_in"):
        filter_images(np.ones((3, 3)))


def _conv(kernel: np.ndarray, padding: int = 0) -> nn.Conv2d:
    conv = nn.Conv2d(1, 1, 3, padding=padding, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(kernel, dtype=torch.float32)[None, None])
    return conv


def test_edge_scores_recognise_sobel_and_smoothing_filters():
    torch.manual_seed(0)
    # Smooth random images, so derivatives and brightness are not trivially related.
    x = torch.nn.functional.avg_pool2d(torch.rand(8, 1, 40, 40), 5, stride=1)  # (8, 1, 36, 36)
    conv = nn.Conv2d(1, 3, 3, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(np.stack([SOBEL_X, -np.array(SOBEL_Y), np.ones((3, 3))]),
                                       dtype=torch.float32)[:, None])
    scores = edge_scores(conv, x, angles=8)
    np.testing.assert_allclose(scores.edge[:2], 1.0, atol=1e-3)
    np.testing.assert_allclose(scores.angle[:2], [0.0, 90.0])
    assert scores.brightness[2] > 0.99 and scores.edge[2] < 0.5 and scores.brightness[0] < 0.3
    padded = _conv(SOBEL_X, padding=1)  # same size output: the reference maps line up too
    assert edge_scores(padded, x).edge[0] > 0.99
    with pytest.raises(ValueError, match="one-channel"):
        edge_scores(nn.Conv2d(3, 2, 3), torch.rand(1, 3, 8, 8))


def test_gradient_ascent_finds_a_linear_filters_own_pattern():
    kernel = np.array([[1.0, -2.0, 0.5], [0.3, 1.0, -1.0], [-0.7, 0.2, 2.0]])
    model = nn.Sequential(_conv(kernel), nn.ReLU())
    before = [p.detach().clone() for p in model.parameters()]
    result = filter_patterns(model, model[0], [0], (1, 9, 9), steps=60, step_size=0.1,
                             bounds=(-1.0, 1.0), unit="center")
    window = result.images[0, 0, 3:6, 3:6].numpy()  # the centre unit (3, 3) sees rows/cols 3..5
    np.testing.assert_array_equal(np.sign(window), np.sign(kernel))  # the filter, saturated
    np.testing.assert_allclose(np.abs(window), 1.0)
    assert result.score[0] == pytest.approx(np.abs(kernel).sum(), rel=1e-5)  # the maximum
    outside = result.images[0, 0].clone()
    outside[3:6, 3:6] = 0
    assert outside.abs().max() < 0.5  # pixels outside the receptive field were never moved
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    assert sum(len(m._forward_hooks) for m in model.modules()) == 0


def test_gradient_ascent_raises_every_channel_of_a_deeper_layer():
    torch.manual_seed(0)
    model = KerasMNISTCNN()
    model.train()
    result = filter_patterns(model, "features.conv2", [0, 5, 63], (1, 28, 28), steps=20)
    assert result.images.shape == (3, 1, 28, 28) and result.channels == [0, 5, 63]
    assert torch.all(result.score > 5 * result.start.clamp_min(0.1))
    assert model.training  # mode restored
    again = filter_patterns(model, "features.conv2", [0, 5, 63], (1, 28, 28), steps=20)
    torch.testing.assert_close(again.images, result.images)  # seeded: reproducible
    with pytest.raises(ValueError, match="channels must be in 0..63"):
        filter_patterns(model, "features.conv2", [64], (1, 28, 28), steps=1)
    with pytest.raises(ValueError, match="unit"):
        filter_patterns(model, "features.conv2", [0], (1, 28, 28), unit="max")


def test_gaussian_blur_keeps_the_mean_and_smooths():
    from course_lib.visualize.patterns import gaussian_blur

    torch.manual_seed(0)
    x = torch.rand(2, 3, 16, 16)
    y = gaussian_blur(x, 1.0)
    assert y.shape == x.shape
    torch.testing.assert_close(y.mean(), x.mean(), atol=2e-2, rtol=0)
    # neighbouring pixels differ less after blurring
    assert (y.diff(dim=-1).abs().mean() < 0.5 * x.diff(dim=-1).abs().mean()).item()
    flat = torch.full((1, 1, 8, 8), 0.3)
    torch.testing.assert_close(gaussian_blur(flat, 2.0), flat)


def test_regularized_ascent_is_smoother_and_still_raises_the_score():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(),
                          nn.Conv2d(4, 4, 3, padding=1), nn.ReLU())
    kw = dict(steps=30, step_size=0.2, bounds=(-1.0, 1.0), seed=0)
    plain = filter_patterns(model, model[2], range(4), (1, 16, 16), **kw)
    smooth = filter_patterns(model, model[2], range(4), (1, 16, 16), blur=1.0, jitter=1,
                             l2=0.05, **kw)
    assert (smooth.score > smooth.start).all()

    def roughness(images):
        return images.diff(dim=-1).abs().mean().item()

    assert roughness(smooth.images) < 0.5 * roughness(plain.images)
