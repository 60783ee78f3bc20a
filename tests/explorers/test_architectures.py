"""The architecture browser: its figure shows the model's own layer table and totals, its
kernel-free form has one frame per network, and the live form re-renders on a new choice."""

from __future__ import annotations

import pytest

from course_lib.explorers import StaticSlider
from course_lib.explorers.architectures import (
    architecture_explorer,
    architecture_explorer_static,
    render_architecture,
)
from course_lib.explorers.frames import PNG_MAGIC
from course_lib.models import layer_table


@pytest.fixture(scope="module")
def vgg16():
    return layer_table("VGG-16")


def test_render_shows_the_layer_table_and_totals(vgg16):
    fig = render_architecture("VGG-16", vgg16)
    assert "138,357,544 parameters" in fig.texts[0].get_text()
    assert "15.47 G multiply-adds" in fig.texts[0].get_text()
    ax_act, ax_par, ax_tab = fig.axes
    table = ax_tab.texts[0].get_text()
    assert "conv1_1" in table and "64×224×224" in table and "102.8M" in table  # fc1
    # One bar per block; the bars are the blocks' output sizes and parameters.
    assert len(ax_act.patches) == len(ax_par.patches) == len(vgg16.groups)
    assert ax_act.patches[0].get_height() == 64 * 224 * 224
    fc1 = next(i for i, g in enumerate(vgg16.groups) if g.name.endswith("fc1"))
    assert ax_par.patches[fc1].get_height() == 102_764_544
    assert [t.get_text() for t in ax_par.get_xticklabels()][:3] == ["conv1_1", "conv1_2", "pool1"]


def test_training_only_parameters_are_explained():
    table = render_architecture("GoogLeNet").axes[2].texts[0].get_text()
    assert "run only in training" in table  # the auxiliary classifiers


def test_unknown_network_is_a_clear_error():
    with pytest.raises(ValueError, match="choose one of"):
        render_architecture("VGG-17")


def test_static_browser_has_one_frame_per_network():
    slider = architecture_explorer_static(["LeNet-5", "AlexNet"])
    assert isinstance(slider, StaticSlider)
    assert slider.labels == ["LeNet-5", "AlexNet"]
    assert all(f[:8] == PNG_MAGIC for f in slider.frames)


def test_live_browser_rerenders_on_a_new_choice():
    explorer = architecture_explorer()
    before = explorer.output.outputs
    assert "image/png" in before[0]["data"]
    explorer.controls["name"].value = "LeNet-5"
    after = explorer.output.outputs
    assert after != before and "image/png" in after[0]["data"]
