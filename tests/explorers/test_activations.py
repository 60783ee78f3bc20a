"""The activations explorer: each frame shows the chosen layer's maps for the input, blank maps
are marked, vectors become bars; the kernel-free slider has one frame per layer; the live widget
works."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib.explorers import (
    activations_explorer,
    activations_explorer_static,
    render_layer_activations,
)
from course_lib.models import KerasMNISTCNN
from course_lib.visualize import collect_activations


@pytest.fixture(scope="module")
def recorded():
    torch.manual_seed(0)
    model = KerasMNISTCNN()
    x = torch.randn(2, 1, 28, 28)
    return model, x, collect_activations(model, x[:1])


def test_render_shows_the_first_maps_of_the_layer(recorded):
    _, x, acts = recorded
    fig = render_layer_activations(x[0, 0].numpy(), acts, "features.relu1", max_maps=9)
    assert len(fig.axes) == 1 + 9  # the input and a 3×3 grid of maps
    shown = fig.axes[1].images[0].get_array()
    np.testing.assert_array_equal(shown, acts["features.relu1"][0, 0].numpy())
    title = fig._suptitle.get_text()
    assert "features.relu1" in title and "(32, 26, 26)" in title and "layer 2 of 12" in title


def test_blank_maps_are_marked_and_vectors_are_bars():
    acts = {"conv": torch.zeros(1, 2, 4, 4), "fc": torch.tensor([[0.5, -1.0, 2.0]])}
    acts["conv"][0, 1, 0, 0] = 1.0
    fig = render_layer_activations(np.zeros((4, 4)), acts, "conv")
    titles = [ax.get_title() for ax in fig.axes[1:]]
    assert titles[:2] == ["0 blank", "1"] and "1 of 2 maps blank" in fig._suptitle.get_text()
    fig = render_layer_activations(np.zeros((4, 4)), acts, "fc", class_names=["a", "b", "c"])
    bars = fig.axes[1].patches
    assert [b.get_height() for b in bars] == [0.5, -1.0, 2.0]
    assert [t.get_text() for t in fig.axes[1].get_xticklabels()] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="no recorded layer 'x'.*conv, fc"):
        render_layer_activations(np.zeros((4, 4)), acts, "x")


def test_static_slider_has_a_frame_per_layer(recorded):
    _, x, acts = recorded
    layers = ["features.conv1", "features.relu2", "classifier.fc2"]
    slider = activations_explorer_static(x[0, 0].numpy(), acts, layers)
    assert slider.labels == layers and len(slider) == 3
    assert 'type="range"' in slider._repr_html_()


def test_live_explorer_changes_input_and_layer(recorded):
    model, x, _ = recorded
    explorer = activations_explorer(model, x, layers=["features.conv1", "features.pool2"])
    assert explorer.output.outputs[0]["data"]["text/plain"].startswith("<Figure")
    explorer.controls["layer"].value = "features.pool2"
    explorer.controls["index"].value = 1
    assert "image/png" in explorer.output.outputs[0]["data"]
