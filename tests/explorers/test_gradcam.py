"""The Grad-CAM explorer: the heatmap and the mass in the box are drawn as computed, all-zero maps
are called out, the kernel-free slider has a frame per (image, class), the live widget works."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from course_lib.explorers import grad_cam_explorer, grad_cam_explorer_static, render_grad_cam


def test_render_reports_the_mass_in_the_box():
    image = np.zeros((8, 8))
    heatmap = np.zeros((8, 8))
    heatmap[2:4, 2:4] = 1.0
    heatmap[7, 7] = 4.0 / 3  # 4 units inside, 4/3 outside: 75% of the mass is in the box
    heatmap /= heatmap.max()  # scaling does not change the share
    fig = render_grad_cam(image, heatmap, box=(2, 2, 2, 2), title="class 'x'")
    title = fig._suptitle.get_text()
    assert "class 'x'" in title and "mass in the box: 75%" in title and "covers 6%" in title
    assert len(fig.axes) == 3 and all(len(ax.patches) == 1 for ax in fig.axes)
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), heatmap)
    assert "all zero" in render_grad_cam(image, np.zeros((8, 8)))._suptitle.get_text()
    with pytest.raises(ValueError, match="same"):
        render_grad_cam(image, np.zeros((4, 4)))


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(), nn.Linear(4, 2))


def test_static_slider_has_a_frame_per_image_and_class():
    x = torch.randn(3, 1, 8, 8)
    boxes = np.array([[0, 0, 4, 4]] * 3)
    slider = grad_cam_explorer_static(_model(), x, "1", ["o", "x"], boxes=boxes, labels=[0, 1, 0])
    assert slider.labels == [f"image {i}, class '{c}'" for i in range(3) for c in "ox"]
    assert 'type="range"' in slider._repr_html_()


def test_live_explorer_rerenders_for_another_class():
    explorer = grad_cam_explorer(_model(), torch.randn(2, 1, 8, 8), "1", ["o", "x"])
    first = explorer.output.outputs[0]["data"]["image/png"]
    explorer.controls["target"].value = 1
    explorer.controls["index"].value = 1
    assert explorer.output.outputs[0]["data"]["image/png"] != first


def test_shared_scale_keeps_the_ratio_between_maps():
    from course_lib.explorers.gradcam import render_grad_cam_grid, shared_scale_maps

    strong = torch.zeros(2, 2, 2)
    strong[0, 0, 0] = 4.0
    weak = torch.full((2, 2, 2), 1.0)
    maps = shared_scale_maps([strong, weak], (4, 4))
    assert maps[0].shape == (2, 4, 4) and maps[0].max() == pytest.approx(1.0)
    assert maps[1].max() == pytest.approx(0.25)  # a weak map stays weak: not stretched to 1
    assert maps[0][1].max() == 0.0  # an empty map stays empty
    fig = render_grad_cam_grid(np.zeros((2, 4, 4, 3)), maps[1], ["a", "b"])
    assert len(fig.axes) == 4 and fig.axes[0].get_title() == "a"
