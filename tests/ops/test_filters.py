"""Tests of the classic kernels and Sobel edge detection (course_lib.ops.filters)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib.numerics import rel_error
from course_lib.ops import (
    BLUR,
    GAUSSIAN_BLUR,
    KERNELS,
    SHARPEN,
    SOBEL_X,
    SOBEL_Y,
    correlate2d,
    diagonal_filter,
    sobel,
)


def test_sobel_kernels_have_the_course_orientation():
    np.testing.assert_array_equal(SOBEL_X, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    np.testing.assert_array_equal(SOBEL_Y, [[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
    assert KERNELS["sobel_x"] is SOBEL_X and KERNELS["sobel_y"] is SOBEL_Y


def test_kernels_are_read_only():
    with pytest.raises(ValueError, match="read-only"):
        SOBEL_X[0, 0] = 5


@pytest.mark.parametrize("name", ["blur", "gaussian_blur", "sharpen", "identity"])
def test_smoothing_kernels_keep_flat_regions(name):
    # Weights summing to 1 leave a constant image unchanged (away from the border).
    flat = np.full((6, 6), 0.7)
    np.testing.assert_allclose(correlate2d(flat, KERNELS[name]), np.full((4, 4), 0.7))


def test_blur_averages_and_sharpen_amplifies_a_spike():
    spike = np.zeros((5, 5))
    spike[2, 2] = 1.0
    np.testing.assert_allclose(correlate2d(spike, BLUR), np.full((3, 3), 1 / 9))
    assert correlate2d(spike, GAUSSIAN_BLUR)[1, 1] == pytest.approx(4 / 16)
    assert correlate2d(spike, SHARPEN)[1, 1] == pytest.approx(5.0)


def _vertical_step(h: int = 8, w: int = 8) -> np.ndarray:
    """Dark left half, bright right half: one vertical edge between columns w/2 − 1 and w/2."""
    image = np.zeros((h, w))
    image[:, w // 2 :] = 1.0
    return image


def test_sobel_on_vertical_step_edge():
    gx, gy, magnitude = sobel(_vertical_step(), padding=0)
    assert gx.shape == gy.shape == magnitude.shape == (6, 6)
    # The two valid columns whose 3×3 window straddles the edge see 1 + 2 + 1 = 4.
    np.testing.assert_allclose(gx[:, 2:4], 4.0)
    np.testing.assert_allclose(np.delete(gx, [2, 3], axis=1), 0.0)
    np.testing.assert_allclose(gy, 0.0, atol=1e-12)  # nothing changes from top to bottom
    np.testing.assert_allclose(magnitude, np.sqrt(gx**2 + gy**2))


def test_sobel_signs_follow_the_orientation():
    gx, _, _ = sobel(_vertical_step()[:, ::-1], padding=0)  # bright left, dark right
    assert gx.min() == pytest.approx(-4.0)
    top_bright = _vertical_step().T[::-1]  # bright top rows, dark bottom rows
    _, gy, _ = sobel(top_bright, padding=0)
    assert gy.max() == pytest.approx(4.0)  # SOBEL_Y is positive when brightness rises upwards


def test_sobel_padding_keeps_size_and_matches_torch():
    rng = np.random.default_rng(0)
    image = rng.random((12, 9))
    gx, gy, magnitude = sobel(image)  # padding=1
    assert gx.shape == (12, 9)
    weight = torch.tensor(np.stack([SOBEL_X, SOBEL_Y])[:, None])  # (2, 1, 3, 3)
    ref = F.conv2d(torch.tensor(image)[None, None], weight, padding=1)[0].numpy()
    assert rel_error(gx, ref[0]) < 1e-10 and rel_error(gy, ref[1]) < 1e-10
    assert rel_error(magnitude, np.hypot(ref[0], ref[1])) < 1e-10


def test_sobel_rejects_colour_images():
    with pytest.raises(ValueError, match="grey"):
        sobel(np.zeros((3, 8, 8)))


def _draw_x(size: int = 7) -> np.ndarray:
    """A ±1 image of an X: +1 on both diagonals, −1 elsewhere (the O/X example's convention)."""
    eye = np.eye(size, dtype=bool)
    return np.where(eye | eye[:, ::-1], 1.0, -1.0)


def test_diagonal_filter_pattern():
    np.testing.assert_array_equal(diagonal_filter(3), [[1, -1, -1], [-1, 1, -1], [-1, -1, 1]])
    np.testing.assert_array_equal(diagonal_filter(3, anti=True), diagonal_filter(3)[:, ::-1])
    with pytest.raises(ValueError):
        diagonal_filter(1)


def test_diagonal_filter_responds_to_its_pattern_on_an_x():
    image, f = _draw_x(7), diagonal_filter(3)
    response = correlate2d(image, f)  # (5, 5)
    assert response[0, 0] == 9.0  # the top-left arm of the X is exactly the filter's pattern
    assert correlate2d(-image, f)[0, 0] == -9.0  # inverted pattern: strongly negative
    # The top-right patch shows the other diagonal: only the centre and the four edge-middle
    # pixels agree (+5), the four corners disagree (−4), so the score is 1 of a possible 9.
    assert response[0, 4] == 1.0
