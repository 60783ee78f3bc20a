"""The receptive-field explorer: the lit cells of every map and the shaded input pixels are
exactly the chosen unit's field (holes of dilated kernels included); the formula in the title."""

from __future__ import annotations

import numpy as np
import pytest
from figure_reading import patches

from course_lib.explorers import (
    RF_STACKS,
    receptive_field_explorer,
    receptive_field_explorer_static,
    render_receptive_field,
)
from course_lib.explorers.receptive_field import field_formula
from course_lib.receptive_field import receptive_field, unit_field


@pytest.mark.parametrize("name", list(RF_STACKS))
def test_receptive_field_panels_light_exactly_the_field(name):
    layers = RF_STACKS[name]
    fig = render_receptive_field(name, 15)
    assert len(fig.axes) == len(layers) + 1
    field = receptive_field(layers)[-1]
    ((rect,),) = [patches(fig, "computed-field")]
    (unit,) = patches(fig, "chosen-unit")
    i = round(unit.get_y() + 0.5)
    first, last = field.span(i)
    assert (rect.get_x() + 0.5, rect.get_width()) == (first, field.size)
    # The input panel's shaded pixels are those inside the clipped field (no dilation holes in
    # these stacks at the input), the formula in the title gives the size.
    shaded = ~fig.axes[0].images[1].get_array().mask
    lo, hi = unit_field(layers, i, 15)
    inside = np.zeros((15, 15), dtype=bool)
    inside[lo : hi + 1, lo : hi + 1] = True
    np.testing.assert_array_equal(shaded, inside)
    assert field_formula(layers) in fig._suptitle.get_text()


def test_field_formula_and_padding_corner():
    assert field_formula(RF_STACKS["three 3×3"]) == "r = 1 + 2·1 + 2·1 + 2·1 = 7"
    assert field_formula(RF_STACKS["two (3×3, 2×2 pool)"]) == "r = 1 + 2·1 + 1·1 + 2·2 + 1·2 = 10"
    fig = render_receptive_field("three 3×3, padding 1", 15, (0, 0))
    ((rect,),) = [patches(fig, "computed-field")]
    assert rect.get_linestyle() == "--" and rect.get_x() == -3.5  # into the padding
    with pytest.raises(ValueError, match="outside the 9×9 output"):
        render_receptive_field("three 3×3", 15, (9, 0))
    with pytest.raises(ValueError, match="unknown stack"):
        render_receptive_field("four 3×3")


def test_receptive_field_dilated_maps_have_holes():
    fig = render_receptive_field("3×3 dilations 1, 2, 4", 15)
    # Under the d2 and d4 layers: 7 × 7 taps 2 apart in the 13×13 map, not the whole box;
    # under the d4 layer alone: 3 × 3 taps 4 apart in the 9×9 map.
    assert fig.axes[1].images[0].get_array().sum() == 49
    assert fig.axes[2].images[0].get_array().sum() == 9


def test_receptive_field_static_and_live():
    slider = receptive_field_explorer_static(["one 3×3", "three 3×3, padding 1"], dpi=20)
    assert slider.labels == ["one 3×3", "three 3×3, padding 1", "three 3×3, padding 1, unit (0, 0)"]
    explorer = receptive_field_explorer(dpi=20)
    assert (explorer.controls["row"].max, explorer.controls["row"].value) == (8, 4)
    explorer.controls["stack"].value = "two (3×3, 2×2 pool)"
    assert explorer.controls["row"].max == 1 and explorer.controls["col"].value == 1
    assert "image/png" in explorer.output.outputs[0]["data"]
