"""Tests of course_lib.invariance: each nuisance variant really is the transform it names, and the
distance table measures what it says (including: brightening moves pixels far, HOG barely)."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.features import hog_features
from course_lib.invariance import distance_table, nuisance_variants, rms_distance


def _image():
    r, c = np.mgrid[0:40, 0:40]
    img = np.zeros((40, 40))
    img[10:22, 8:20] = 0.8  # a bright square on a dark background
    return img + 0.1 * (r + c) / 80


def test_variants_are_the_named_transforms():
    img = _image()
    v = nuisance_variants(img, shift=3, angle=90, zoom=1.0, brightness=0.2, occlusion=0.25)
    assert set(v) == {"original", "shifted", "rotated", "zoomed", "brighter", "occluded"}
    assert np.allclose(v["shifted"][3:, 3:], img[:-3, :-3])  # right and down by 3
    assert np.allclose(v["rotated"], np.rot90(img), atol=1e-6)  # 90° counter-clockwise
    assert np.allclose(v["zoomed"], img, atol=1e-9)  # zoom 1: unchanged
    assert np.allclose(v["brighter"], np.clip(img + 0.2, 0, 1))
    assert (v["occluded"] != img).sum() == 10 * 10 and v["occluded"][15:25, 15:25].max() == 0
    assert all(a.shape == img.shape and a.min() >= 0 and a.max() <= 1 for a in v.values())


def test_zoom_enlarges_about_the_centre():
    img = np.zeros((41, 41))
    img[18:23, 18:23] = 1.0  # a 5×5 square at the centre
    zoomed = nuisance_variants(img, zoom=2.0)["zoomed"]
    assert 60 < (zoomed > 0.5).sum() < 140  # about 10×10
    assert zoomed[20, 20] == pytest.approx(1.0) and zoomed[0, 0] == 0.0


def test_rms_distance():
    assert rms_distance(np.zeros(4), np.full(4, 0.5)) == 0.5
    with pytest.raises(ValueError, match="shapes"):
        rms_distance(np.zeros(3), np.zeros(4))


def test_distance_table_pixels_and_features():
    img = _image()
    variants = nuisance_variants(img, brightness=0.15)
    others = {"flipped": img[::-1, ::-1].copy()}
    rows = distance_table(variants, others, feature=lambda a: hog_features(a[None])[0])
    assert [r.name for r in rows] == ["shifted", "rotated", "zoomed", "brighter", "occluded",
                                      "flipped"]
    assert [r.same_label for r in rows] == [True] * 5 + [False]
    bright = rows[3]
    assert bright.pixel_distance == pytest.approx(0.15, abs=1e-9)  # nothing clipped here
    assert bright.feature_distance < 1e-6  # gradients do not change when adding a constant
    assert distance_table(variants, others)[0].feature_distance is None
    with pytest.raises(ValueError, match="values in \\[0, 1\\]"):
        nuisance_variants(img * 255)
