"""Checks of chapter 01's exercises (course_lib.grading.features: gradient histogram, uniform LBP
labels, bag of visual words): full marks for correct code, none for stubs, a specific message for
each typical mistake, never an exception; and the exercise notebook (with the SVM training cost of
grading/test_multiclass.py) grades full for its solutions and zero as stubs."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from grading_contract import contract_tests, failure_messages

from tools.notebooks import ROOT

SET = "classic_vision"
SOURCE = ROOT / "exercises" / "source" / "01_classic_vision.ipynb"
STUDENT = ROOT / "exercises" / "01_classic_vision.ipynb"

# ------------------------------------------------------ reference answers, written independently


def centred_gradients(patch):
    p = np.asarray(patch, dtype=float)
    gx = np.zeros_like(p)
    gy = np.zeros_like(p)
    gx[:, 1:-1] = p[:, 2:] - p[:, :-2]
    gy[1:-1] = p[2:] - p[:-2]
    return gx, gy


def soft_gradient_histogram(patch, n_bins=9):
    gx, gy = centred_gradients(patch)
    width, hist = 180 / n_bins, np.zeros(n_bins)
    centres = [(k + 0.5) * width for k in range(n_bins)]
    for m, a in zip(np.hypot(gx, gy).ravel(), np.degrees(np.arctan2(gy, gx)).ravel(), strict=True):
        a %= 180
        for k, c in enumerate(centres):  # the circular distance to each centre, in degrees
            d = min(abs(a - c), 180 - abs(a - c))
            hist[k] += m * max(0.0, 1 - d / width)
    return hist


RING = [(0, 0), (0, 1), (0, 2), (1, 2), (2, 2), (2, 1), (2, 0), (1, 0)]  # clockwise from top left


def _ring_bits(image, compare):
    """{(i, j): the 8 bits of the window at (i, j), clockwise from the top left}."""
    x = np.asarray(image, dtype=float)
    return {(i, j): [int(compare(x[i + r, j + c], x[i + 1, j + 1])) for r, c in RING]
            for i, j in np.ndindex(x.shape[0] - 2, x.shape[1] - 2)}


def _labels(image, compare=lambda n, c: n >= c, most_changes=2, other=9):
    x = np.asarray(image, dtype=float)
    out = np.zeros((x.shape[0] - 2, x.shape[1] - 2), dtype=int)
    for (i, j), bits in _ring_bits(x, compare).items():
        changes = sum(bits[k] != bits[k - 1] for k in range(8))  # bits[-1] is the last
        out[i, j] = sum(bits) if changes <= most_changes else other
    return out


def uniform_lbp(image):
    return _labels(image)


def bow_histogram(descriptors, vocabulary):
    d = np.linalg.norm(descriptors[:, None] - vocabulary[None], axis=2)
    return np.bincount(d.argmin(1), minlength=len(vocabulary)) / len(descriptors)


def svm_training_cost(n_classes, n_per_class, scheme):
    if scheme == "ovo" or n_classes == 2:
        svms, each = len(list(combinations(range(n_classes), 2))), 2 * n_per_class
    else:
        svms, each = n_classes, n_classes * n_per_class
    return {"svms": svms, "examples_each": each, "cost": svms * each * each}


CORRECT = {"soft_gradient_histogram": soft_gradient_histogram, "uniform_lbp": uniform_lbp,
           "bow_histogram": bow_histogram, "svm_training_cost": svm_training_cost}
(
    test_the_set_is_complete,
    test_correct_code_full_marks_and_stubs_zero,
    test_checks_never_raise,
    test_notebook_grades_full_when_solved_and_zero_as_stubs,
) = contract_tests(SET, CORRECT, SOURCE, STUDENT)


def _messages(name, fn):
    return failure_messages(SET, name, fn)


def _votes(patch, n_bins, orientation=None, magnitude=None, split=True):
    """A histogram built from the centred gradients, with pieces of it replaced."""
    gx, gy = centred_gradients(patch)
    a = (np.degrees(np.arctan2(gy, gx)) % 180 if orientation is None else orientation(gx, gy))
    m = np.hypot(gx, gy) if magnitude is None else magnitude(gx, gy)
    if not split:
        return np.bincount((a // (180 / n_bins)).astype(int).ravel() % n_bins,
                           weights=m.ravel(), minlength=n_bins)
    t = a.ravel() / (180 / n_bins) - 0.5
    low = np.floor(t).astype(int)
    return (np.bincount(low % n_bins, weights=m.ravel() * (1 - (t - low)), minlength=n_bins)
            + np.bincount((low + 1) % n_bins, weights=m.ravel() * (t - low), minlength=n_bins))


def test_soft_histogram_mistakes_are_named():
    def hard(patch, n_bins=9):
        return _votes(patch, n_bins, split=False)

    def no_wrap(patch, n_bins=9):
        gx, gy = centred_gradients(patch)
        a = np.degrees(np.arctan2(gy, gx)).ravel() % 180
        t = np.clip(a / (180 / n_bins) - 0.5, 0, n_bins - 1)  # clamped at the end centres
        low = np.minimum(np.floor(t).astype(int), n_bins - 2)
        m = np.hypot(gx, gy).ravel()
        return (np.bincount(low, weights=m * (1 - (t - low)), minlength=n_bins)
                + np.bincount(low + 1, weights=m * (t - low), minlength=n_bins))

    def edges_as_centres(patch, n_bins=9):
        return _votes(patch, n_bins, orientation=lambda gx, gy: (
            np.degrees(np.arctan2(gy, gx)) % 180 + 90 / n_bins))

    def flipped(patch, n_bins=9):
        return soft_gradient_histogram(np.flipud(np.asarray(patch, float)), n_bins)

    def counts(patch, n_bins=9):
        return _votes(patch, n_bins, magnitude=lambda gx, gy: (np.hypot(gx, gy) > 0) * 1.0)

    def with_np_gradient(patch, n_bins=9):
        gy, gx = np.gradient(np.asarray(patch, float))
        a = np.degrees(np.arctan2(gy, gx)) % 180
        t = a.ravel() / (180 / n_bins) - 0.5
        low, m = np.floor(t).astype(int), np.hypot(gx, gy).ravel()
        return (np.bincount(low % n_bins, weights=m * (1 - (t - low)), minlength=n_bins)
                + np.bincount((low + 1) % n_bins, weights=m * (t - low), minlength=n_bins))

    def ignores_n_bins(patch, n_bins=9):
        return soft_gradient_histogram(patch)

    name = "soft_gradient_histogram"
    assert "whole vote went into one bin" in _messages(name, hard)
    assert "wrap around" in _messages(name, no_wrap)
    assert "not their edges" in _messages(name, edges_as_centres)
    assert "mirrored" in _messages(name, flipped)
    assert "magnitude, not 1" in _messages(name, counts)
    assert "np.gradient" in _messages(name, with_np_gradient)
    assert "expected shape (6,)" in _messages(name, ignores_n_bins)


def test_the_reference_splits_votes_as_the_exercise_says():
    from course_lib.grading.features import soft_gradient_histogram_reference

    vertical = np.zeros((6, 6))
    vertical[:, 3:] = 1.0
    hist = soft_gradient_histogram_reference(vertical)
    assert hist[0] == hist[8] == pytest.approx(vertical.shape[0] * 2 / 2)  # 2 columns of m = 1
    assert np.count_nonzero(hist) == 2
    rows, cols = np.mgrid[0:7, 0:7]
    ramp = soft_gradient_histogram_reference((rows - cols).astype(float))
    assert ramp[6] == pytest.approx(3 * ramp[7])  # inside 135°; the border votes elsewhere


def test_uniform_labels_count_the_patterns_of_the_literature():
    # Ojala et al. 2002: 58 of the 256 codes are uniform; with P = 8, P + 2 = 10 labels.
    from course_lib.grading.features import UNIFORM_LABELS

    assert np.count_nonzero(UNIFORM_LABELS != 9) == 58
    assert sorted(set(UNIFORM_LABELS.tolist())) == list(range(10))
    image = np.random.default_rng(0).random((12, 11))
    for turns in (1, 2, 3):  # a 90° turn moves every neighbour two places round the ring
        np.testing.assert_array_equal(uniform_lbp(np.rot90(image, turns)),
                                      np.rot90(uniform_lbp(image), turns))


def test_uniform_lbp_mistakes_are_named():
    def plain_codes(image):
        return np.array([[sum(b << k for k, b in enumerate(bits)) for bits in row]
                         for row in _grid(image)])

    def _grid(image):
        bits = _ring_bits(image, lambda n, c: n >= c)
        h, w = np.asarray(image).shape
        return [[bits[i, j] for j in range(w - 2)] for i in range(h - 2)]

    assert "≥, not >" in _messages("uniform_lbp", lambda im: _labels(im, lambda n, c: n > c))
    assert "other way round" in _messages("uniform_lbp",
                                          lambda im: _labels(im, lambda n, c: c >= n))
    assert "plain 8-bit LBP codes" in _messages("uniform_lbp", plain_codes)
    assert "gets the label 9" in _messages("uniform_lbp", lambda im: _labels(im, most_changes=8))
    assert "not none" in _messages("uniform_lbp", lambda im: _labels(im, most_changes=0))
    assert "not 10" in _messages("uniform_lbp", lambda im: _labels(im, other=10))
    assert "dtype" in _messages("uniform_lbp", lambda im: uniform_lbp(im).astype(float))
    assert "expected shape (1, 1)" in _messages("uniform_lbp", lambda im: np.asarray(im))


def test_bow_mistakes_are_named():
    def counts(d, v):
        return np.bincount(np.linalg.norm(d[:, None] - v[None], axis=2).argmin(1),
                           minlength=len(v))

    def by_dot_product(d, v):
        return np.bincount((d @ v.T).argmax(1), minlength=len(v)) / len(d)

    def words_only(d, v):
        return np.linalg.norm(d[:, None] - v[None], axis=2).argmin(1)

    assert "counts" in _messages("bow_histogram", counts)
    assert "Euclidean" in _messages("bow_histogram", by_dot_product)
    assert "one word per descriptor" in _messages("bow_histogram", words_only)


