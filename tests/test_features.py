"""Tests of course_lib.features: gradients and orientation histograms on images with a known answer,
LBP/MCT codes (worked example, invariance to brightness), and the batch extractors' shapes."""

from __future__ import annotations

import numpy as np
import pytest
from skimage.feature import hog

from course_lib.features import (
    FEATURE_EXTRACTORS,
    census_transform,
    gradient_histogram,
    hog_features,
    image_gradients,
    lbp_codes,
    lbp_features,
    orientation_histogram,
    raw_pixels,
)


def test_gradients_of_a_vertical_and_a_horizontal_edge():
    img = np.zeros((5, 6))
    img[:, 3:] = 1.0  # dark left, bright right
    mag, ori = image_gradients(img)
    assert mag[2].tolist() == [0, 0, 1, 1, 0, 0]  # centred differences, 0 on the border
    assert np.all(ori[mag > 0] == 0.0)
    mag, ori = image_gradients(img.T)  # dark top, bright bottom: y points down the rows
    assert np.all(ori[mag > 0] == 90.0)


def test_orientations_are_unsigned():
    img = np.zeros((5, 6))
    img[:, 3:] = 1.0
    assert np.array_equal(image_gradients(img)[1], image_gradients(1 - img)[1])


def test_orientation_histogram_bins_and_votes():
    mag = np.array([1.0, 2.0, 3.0, 0.5])
    ori = np.array([5.0, 25.0, 179.9, 90.0])  # bins of 20°: 0, 1, 8, 4
    assert orientation_histogram(mag, ori, 9).tolist() == [1, 2, 0, 0, 0.5, 0, 0, 0, 3]


def test_gradient_histogram_of_a_diagonal_ramp():
    r, c = np.mgrid[0:16, 0:16]
    cells = gradient_histogram((r - c).astype(float), n_bins=9, cell_size=8)
    assert cells.shape == (2, 2, 9)
    # gx = −2, gy = +2 inside: θ = 135°, bin 6 of 20°-bins, magnitude 2√2, for 7×7 pixels of
    # the top-left cell; its first row (gy = 0: θ = 180° ≡ 0°) and first column (gx = 0: 90°)
    # lie on the image border, where one of the two differences is 0.
    expected = np.zeros(9)
    expected[[6, 0, 4]] = [7 * 7 * 2 * np.sqrt(2), 7 * 2, 7 * 2]
    assert np.allclose(cells[0, 0], expected)
    assert np.allclose(cells[1, 1], expected)  # its last row and column are on the border
    with pytest.raises(ValueError, match="holds no"):
        gradient_histogram(np.zeros((4, 4)), cell_size=8)


def test_lbp_worked_example_and_neighbour_order():
    assert lbp_codes(np.array([[6, 5, 2], [7, 6, 1], [9, 8, 7]])).tolist() == [[241]]
    for k, (dr, dc) in enumerate([(-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1),
                                  (0, -1)]):
        img = np.zeros((3, 3))
        img[1, 1] = 0.5
        img[1 + dr, 1 + dc] = 1.0  # only neighbour k is brighter than the centre
        assert lbp_codes(img).item() == 1 << k


def test_lbp_and_mct_ignore_monotonic_brightness_changes():
    rng = np.random.default_rng(0)
    img = rng.random((12, 10))
    assert np.array_equal(lbp_codes(img), lbp_codes(0.5 * img + 0.3))
    assert np.array_equal(lbp_codes(img), lbp_codes(img**2))  # any increasing map
    assert np.array_equal(census_transform(img), census_transform(2 * img - 0.7))
    assert census_transform(img).shape == (10, 8)
    assert 0 <= census_transform(img).min() and census_transform(img).max() < 512


def test_census_transform_of_a_single_window():
    window = np.array([[0, 0, 0], [0, 1, 1], [1, 1, 1]], dtype=float)  # mean 5/9
    bits = [0, 0, 0, 0, 1, 1, 1, 1, 1]  # pixels above the mean, row by row
    assert census_transform(window).item() == sum(b << i for i, b in enumerate(bits))


def test_batch_extractors_shapes():
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (3, 1, 28, 28), dtype=np.uint8)  # as ImageSet stores them
    raw = raw_pixels(images)
    assert raw.shape == (3, 784) and raw.max() <= 1.0
    assert hog_features(images).shape == (3, 324)
    assert np.allclose(hog_features(images)[0], hog(images[0, 0], 9, (7, 7), (2, 2),
                                                    block_norm="L2-Hys"))
    lbp = lbp_features(images, grid=4)
    assert lbp.shape == (3, 16 * 10)
    assert np.allclose(lbp.reshape(3, 16, 10).sum(-1), 1.0)  # each region's histogram sums to 1
    assert set(FEATURE_EXTRACTORS) == {"raw pixels", "HOG", "LBP"}
    with pytest.raises(ValueError, match="batch of grey images"):
        raw_pixels(np.zeros((28, 28)))


def test_codes_of_a_relit_photo_with_flat_regions():
    from course_lib.data import sample_photo, to_gray

    texture = to_gray(sample_photo("brick"))[::4, ::4]  # uint8 source: many equal neighbours
    relit = 0.6 * texture + 0.3
    assert np.array_equal(lbp_codes(texture), lbp_codes(relit))
    assert np.array_equal(census_transform(texture), census_transform(relit))
    flat = np.full((3, 3), 0.1)  # nine equal pixels: the rounded mean must not set any bit
    assert census_transform(flat).item() == 0 == census_transform(0.7 * flat + 0.2).item()
