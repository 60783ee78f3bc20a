"""The output-size explorer: one bar per filter position (as many as PyTorch's output), the
coverage of every cell, the formula, and a flag where the stride does not fit."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from figure_reading import cells, patches, text
from matplotlib.patches import Rectangle

from course_lib.explorers import (
    OUTPUT_SIZE_CASES,
    output_size_explorer,
    output_size_explorer_static,
    render_output_size,
)
from course_lib.explorers.output_size import output_size_story


@pytest.mark.parametrize("n,f,p,s", OUTPUT_SIZE_CASES)
def test_output_size_draws_one_bar_per_position_like_torch(n, f, p, s):
    fig = render_output_size(n, f, p, s)
    out = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, f, f), stride=s, padding=p)
    bars = [b for b in patches(fig, "window-")]
    assert len(bars) == out.shape[-1]
    assert [b.get_x() for b in bars] == [k * s for k in range(out.shape[-1])]
    fits = (n - f + 2 * p) % s == 0
    assert bool(patches(fig, "dropped-window")) != fits
    # The coverage grid: every cell's count is the number of windows over it, in 2-D.
    coverage = cells(fig.axes[0])
    assert sum(coverage.values()) == out.shape[-1] ** 2 * f * f


def test_output_size_story_and_flags():
    assert output_size_story(9, 3, 1, 2) == ("(9 − 3 + 2·1) / 2 + 1 = 5: the windows fit "
                                             "exactly, output 5×5")
    story = output_size_story(7, 3, 0, 3)
    assert "= 2.33: not an integer" in story and "PyTorch floors to 2×2" in story
    assert "ceil would give 3×3" in story
    fig = render_output_size(7, 3, 0, 3)
    assert text(fig, "output-size-formula") == story
    assert len(patches(fig, "never-read")) == 13  # the last row and column: 7 + 7 − 1 cells
    assert not patches(render_output_size(7, 3, 1, 1), "never-read")


@pytest.mark.parametrize("args,message", [((2, 3, 0, 1), "does not fit"), ((7, 3, 0, 0), "S must"),
                                          ((7, 3, -1, 1), "P must")])
def test_output_size_errors(args, message):
    with pytest.raises(ValueError, match=message):
        render_output_size(*args)


def test_output_size_static_and_live():
    slider = output_size_explorer_static(OUTPUT_SIZE_CASES[:3], dpi=20)
    assert slider.labels == ["N=7, F=3, P=0, S=1", "N=7, F=3, P=0, S=2", "N=7, F=3, P=0, S=3"]
    explorer = output_size_explorer(dpi=20)
    assert explorer.params() == {"n": 7, "kernel_size": 3, "padding": 0, "stride": 1}
    before = explorer.output.outputs
    explorer.controls["stride"].value = 3
    assert explorer.output.outputs != before and "image/png" in explorer.output.outputs[0]["data"]
    explorer.controls["kernel_size"].value = 7
    explorer.controls["n"].value = 3  # a filter larger than the input: a message, no traceback
    assert "does not fit" in explorer.output.outputs[0]["data"]["text/plain"]


def test_rectangles_are_patches():
    assert all(isinstance(p, Rectangle) for p in patches(render_output_size(5, 3), "window-"))
