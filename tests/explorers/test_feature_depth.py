"""The feature-depth explorer: `depth_probe` gives one PCA and one probe accuracy per block for both
bases (separable data probes perfectly), PCA matches numpy's SVD, the render function draws the
chosen depth, rejects a wrong one, and the static slider and live widget work."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from course_lib.explorers.feature_depth import (
    DepthProbe,
    depth_probe,
    feature_depth_explorer,
    feature_depth_explorer_static,
    pca_2d,
    render_feature_depth,
)


def _toy_probe() -> DepthProbe:
    rng = np.random.default_rng(0)
    labels = np.arange(40) % 2
    xy = [rng.normal(size=(40, 2)) + labels[:, None] * k for k in range(3)]
    return DepthProbe(["stage1", "stage2", "stage3"], [256, 512, 1024], xy, xy[::-1], labels,
                      [0.6, 0.7, 0.8], [0.6, 0.55, 0.5], ("cat", "dog"))


def test_render_marks_the_depth_and_shows_both_accuracies():
    fig = render_feature_depth(_toy_probe(), depth=3)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0] == "pretrained base: probe 80.0%" and titles[1] == "random base: probe 50.0%"
    assert "block 3 of 3 (stage3)" in fig._suptitle.get_text()
    assert len(fig.axes[0].collections) == 2  # one scatter per class
    with pytest.raises(ValueError, match="depth must be 1..3"):
        render_feature_depth(_toy_probe(), depth=4)


def test_pca_matches_svd_up_to_sign():
    rng = np.random.default_rng(1)
    latent = rng.normal(size=(50, 2)) * np.array([3.0, 1.0])  # two strong, distinct directions
    x = latent @ rng.normal(size=(2, 5)) + 0.01 * rng.normal(size=(50, 5))
    xy = pca_2d(x)
    z = (x - x.mean(0)) / x.std(0)
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    for k in range(2):
        ref = z @ vt[k]
        assert np.allclose(np.abs(xy[:, k]), np.abs(ref))


def test_depth_probe_on_tiny_bases():
    torch.manual_seed(0)
    labels = torch.arange(64) % 2
    x = torch.randn(64, 3, 8, 8) + 2.0 * labels[:, None, None, None]  # dogs brighter

    def base():
        return nn.Sequential(nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU()),
                             nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.MaxPool2d(2)))

    pairs = [(x[:32], labels[:32]), (x[32:], labels[32:])]
    probe = depth_probe(base(), base(), pairs, pairs, pool=2)
    assert probe.blocks == ["0", "1"] and probe.dims == [16, 16]
    assert [a.shape for a in probe.pretrained_xy] == [(64, 2), (64, 2)]
    assert min(probe.pretrained_acc + probe.random_acc) > 0.9  # brightness separates the classes
    assert probe.labels.tolist() == labels.tolist()


def test_static_slider_and_live_widget():
    slider = feature_depth_explorer_static(_toy_probe())
    assert len(slider) == 3 and slider.labels[0] == "after block 1 (stage1)"
    explorer = feature_depth_explorer(_toy_probe())
    before = explorer.output.outputs
    explorer.controls["depth"].value = 3
    assert explorer.output.outputs != before
