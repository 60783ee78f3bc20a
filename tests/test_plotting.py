"""Tests for course_lib.plotting: numbers drawn where they belong, blanks, highlights, grids."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from course_lib.plotting import format_number, image_grid, show_matrix


def _grid_from_texts(ax) -> dict[tuple[int, int], str]:
    """{(row, col): text} read back from the text artists show_matrix put at cell centres."""
    return {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
            for t in ax.texts}


@pytest.mark.parametrize(("value", "text"), [
    (4.0, "4"), (np.uint8(255), "255"), (-2, "\u22122"), (1 / 9, "0.111"), (-0.0, "0"),
    (0.5, "0.5"),
])
def test_format_number(value, text):
    assert format_number(value) == text


def test_show_matrix_prints_each_value_in_its_cell():
    a = np.array([[0, 128, 255], [7, 8, 9]])
    ax = Figure().subplots()
    show_matrix(ax, a)
    assert _grid_from_texts(ax) == {(i, j): str(v) for (i, j), v in np.ndenumerate(a)}


def test_show_matrix_text_colour_follows_cell_brightness():
    ax = Figure().subplots()
    show_matrix(ax, np.array([[0, 255]]), cmap="gray")
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours == {"0": "white", "255": "black"}  # white on black, black on white


def test_show_matrix_leaves_nan_cells_blank_and_format_applies():
    a = np.array([[1.5, np.nan], [np.nan, 2.25]])
    ax = Figure().subplots()
    show_matrix(ax, a, fmt="{:.1f}")
    assert _grid_from_texts(ax) == {(0, 0): "1.5", (1, 1): "2.2"}


def test_show_matrix_highlight_outlines_the_given_cells():
    ax = Figure().subplots()
    show_matrix(ax, np.zeros((5, 5)), highlight=[(1, 2, 3, 2), (0, 0, 1, 1)])
    rects = [p for p in ax.patches if isinstance(p, Rectangle)]
    # (row, col, height, width) = (1, 2, 3, 2) covers x from 1.5 to 3.5 and y from 0.5 to 3.5.
    assert [(r.get_x(), r.get_y(), r.get_width(), r.get_height()) for r in rects] == [
        (1.5, 0.5, 2, 3), (-0.5, -0.5, 1, 1)]


def test_show_matrix_numbers_only_when_small_unless_forced():
    big = np.arange(13 * 13).reshape(13, 13)
    ax = Figure().subplots()
    show_matrix(ax, big)
    assert len(ax.texts) == 0
    ax = Figure().subplots()
    show_matrix(ax, big, show_numbers=True)
    assert len(ax.texts) == 169


def test_show_matrix_rejects_non_2d():
    with pytest.raises(ValueError, match="2-D"):
        show_matrix(Figure().subplots(), np.zeros((2, 2, 2)))


def test_image_grid_layout_and_labels():
    images = [np.zeros((4, 4)), np.ones((3, 4, 4)), np.zeros((4, 4, 1)), np.eye(4), np.eye(4)]
    fig = image_grid(images, labels=list("abcde"), ncols=3)
    assert len(fig.axes) == 6  # 2 rows of 3, the last slot empty
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c", "d", "e", ""]
    assert fig.axes[1].images[0].get_array().shape == (4, 4, 3)  # (C, H, W) shown as (H, W, C)
    assert len(fig.axes[5].images) == 0


def test_image_grid_common_range():
    images = [np.full((2, 2), 0.25), np.full((2, 2), 0.75)]
    fig = image_grid(images, vmin=0, vmax=1)
    assert [ax.images[0].get_clim() for ax in fig.axes] == [(0, 1), (0, 1)]
    own = image_grid([np.array([[0.2, 0.4]])])
    assert own.axes[0].images[0].get_clim() == pytest.approx((0.2, 0.4))


def test_image_grid_checks_labels():
    with pytest.raises(ValueError, match="2 images but 1 labels"):
        image_grid([np.zeros((2, 2))] * 2, labels=["x"])
