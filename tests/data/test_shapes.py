"""Drawn shapes: the classic 9x9 ±1 X and O, the other kinds, and the make_shapes dataset."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib.data import SHAPE_KINDS, draw_shape, make_placed_shapes, make_shapes

# The 9x9 O of the classic "How do convolutional neural networks work?" example (1 = stroke).
CLASSIC_O = """
.........
...###...
..#...#..
.#.....#.
.#.....#.
.#.....#.
..#...#..
...###...
.........
"""


def _picture(text: str) -> np.ndarray:
    rows = text.strip().splitlines()
    return np.array([[1.0 if ch == "#" else -1.0 for ch in row] for row in rows])


def test_x_has_both_diagonals_inside_a_one_pixel_border():
    x = draw_shape("x")
    assert x.shape == (9, 9) and x.dtype == np.float64 and set(np.unique(x)) == {-1.0, 1.0}
    i = np.arange(1, 8)
    assert (x[i, i] == 1).all() and (x[i, 8 - i] == 1).all()
    assert (x == 1).sum() == 13  # 7 + 7 pixels, sharing the centre
    assert (x[[0, -1], :] == -1).all() and (x[:, [0, -1]] == -1).all()
    full = draw_shape("x", margin=0)
    assert (np.diag(full) == 1).all() and (np.diag(np.fliplr(full)) == 1).all()


def test_o_is_the_classic_ring_and_symmetric():
    o = draw_shape("o")
    np.testing.assert_array_equal(o, _picture(CLASSIC_O))
    for size in (9, 12, 15):
        o = draw_shape("o", size=size, thickness=2)
        for same in (o.T, np.flipud(o), np.fliplr(o)):
            np.testing.assert_array_equal(o, same)
        assert o[size // 2, size // 2] == -1  # hollow


def test_diagonals_and_x_are_consistent():
    d, a, x = draw_shape("diagonal"), draw_shape("antidiagonal"), draw_shape("x")
    np.testing.assert_array_equal(a, np.fliplr(d))
    np.testing.assert_array_equal(x, np.maximum(d, a))
    np.testing.assert_array_equal(d[1:8, 1:8], 2 * np.eye(7) - 1)


def test_plus_square_and_lines():
    plus, square = draw_shape("plus"), draw_shape("square")
    assert (plus[4, 1:8] == 1).all() and (plus[1:8, 4] == 1).all() and (plus == 1).sum() == 13
    box = np.full((7, 7), 1.0)
    box[1:-1, 1:-1] = -1
    np.testing.assert_array_equal(square[1:8, 1:8], box)  # outline only
    assert (draw_shape("hline", thickness=2) == 1).any(axis=1).sum() == 2  # exactly 2 rows thick
    assert (draw_shape("vline", thickness=3) == 1).any(axis=0).sum() == 3


@pytest.mark.parametrize("kind", SHAPE_KINDS)
def test_every_kind_draws_within_the_border(kind):
    img = draw_shape(kind, size=12, thickness=2)
    assert set(np.unique(img)) == {-1.0, 1.0}
    assert (img[[0, -1], :] == -1).all() and (img[:, [0, -1]] == -1).all()


def test_jitter_varies_but_is_seeded():
    draws = [draw_shape("o", 15, jitter_rng=np.random.default_rng(s)) for s in range(5)]
    assert len({d.tobytes() for d in draws}) > 1
    again = draw_shape("o", 15, jitter_rng=np.random.default_rng(0))
    np.testing.assert_array_equal(draws[0], again)


def test_bad_arguments():
    with pytest.raises(ValueError, match="Unknown shape 'star'.*plus"):
        draw_shape("star")
    with pytest.raises(ValueError, match="no room"):
        draw_shape("x", size=3)


def test_make_shapes():
    data = make_shapes(60, size=16, kinds=("o", "x", "plus"), seed=1, shift=2)
    assert data.images.shape == (60, 1, 16, 16) and data.images.dtype == torch.uint8
    assert data.classes == ("o", "x", "plus")
    assert torch.bincount(data.labels).tolist() == [20, 20, 20]
    assert set(data.images.unique().tolist()) == {0, 255}
    assert (data.images.flatten(1).amax(1) == 255).all()  # no empty image
    assert torch.equal(data.images, make_shapes(60, 16, ("o", "x", "plus"), seed=1).images)
    assert not torch.equal(data.images, make_shapes(60, 16, ("o", "x", "plus"), seed=2).images)
    # Shapes of one class differ (shift, thickness, jitter) but stay whole: no stroke reaches
    # the frame's border.
    assert len({img.numpy().tobytes() for img in data.images[data.labels == 0]}) > 10
    border = torch.ones(16, 16, dtype=torch.bool)
    border[1:-1, 1:-1] = False
    assert (data.images[:, 0][:, border] == 0).all()
    noisy = make_shapes(10, 16, seed=1, noise=0.1)
    assert len(noisy.images.unique()) > 2


def test_make_placed_shapes_boxes_hold_exactly_the_shape():
    kinds = ("o", "x", "square", "plus")
    data, boxes = make_placed_shapes(40, canvas=32, shape_size=(8, 14), kinds=kinds, seed=3)
    assert data.images.shape == (40, 1, 32, 32) and data.classes == kinds
    assert boxes.shape == (40, 4) and boxes.dtype == np.int64
    assert torch.bincount(data.labels).tolist() == [10] * 4
    for img, (top, left, height, width) in zip(data.images[:, 0].numpy(), boxes, strict=True):
        inside = img[top : top + height, left : left + width]
        assert (img > 0).sum() == (inside > 0).sum() > 0  # every stroke pixel is in the box
        # The box is tight: its first and last rows and columns each hold a stroke pixel.
        assert inside[0].any() and inside[-1].any() and inside[:, 0].any() and inside[:, -1].any()
        assert 8 <= max(height, width) <= 14
    positions = {tuple(b[:2]) for b in boxes}
    assert len(positions) > 30  # placed at random
    again, again_boxes = make_placed_shapes(40, canvas=32, shape_size=(8, 14), kinds=kinds, seed=3)
    assert torch.equal(again.images, data.images) and np.array_equal(again_boxes, boxes)


def test_make_placed_shapes_distractors_stay_clear_of_the_box():
    data, boxes = make_placed_shapes(30, canvas=32, kinds=("o", "x"), seed=0, distractors=2,
                                     distractor_kinds=("hline", "vline"))
    alone, alone_boxes = make_placed_shapes(30, canvas=32, kinds=("o", "x"), seed=0)
    outside_pixels = 0
    for img, (top, left, height, width) in zip(data.images[:, 0].numpy(), boxes, strict=True):
        ring = np.zeros_like(img, dtype=bool)  # the box grown by one pixel
        ring[max(top - 1, 0) : top + height + 1, max(left - 1, 0) : left + width + 1] = True
        ring[top : top + height, left : left + width] = False
        assert not (img[ring] > 0).any()
        outside = img.copy()
        outside[top : top + height, left : left + width] = 0
        outside_pixels += int((outside > 0).sum())
    assert outside_pixels > 30 * 2 * 5  # two strokes of at least 10 pixels, mostly kept
    assert ((alone.images > 0).sum() < (data.images > 0).sum())
    with pytest.raises(ValueError, match="shape_size"):
        make_placed_shapes(2, canvas=8, shape_size=(6, 10))
