"""Checks of chapter 01's exercises (course_lib.grading.features: gradient histogram, LBP codes,
bag of visual words): full marks for correct code, none for stubs, a specific message for each
typical mistake, never an exception; and the exercise notebook (with the binary SVM count of
grading/test_multiclass.py) grades full for its solutions and zero as stubs."""

from __future__ import annotations

import numpy as np
from grading_contract import contract_tests, failure_messages

from course_lib.authoring.notebooks import ROOT

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


def gradient_histogram(patch, n_bins=9):
    gx, gy = centred_gradients(patch)
    hist = np.zeros(n_bins)
    for m, a in zip(np.hypot(gx, gy).ravel(), np.degrees(np.arctan2(gy, gx)).ravel(), strict=True):
        hist[int((a % 180) // (180 / n_bins)) % n_bins] += m
    return hist


def lbp_codes(image):
    x = np.asarray(image, dtype=float)
    out = np.zeros((x.shape[0] - 2, x.shape[1] - 2), dtype=int)
    ring = [(0, 0), (0, 1), (0, 2), (1, 2), (2, 2), (2, 1), (2, 0), (1, 0)]
    for i, j in np.ndindex(out.shape):
        win = x[i : i + 3, j : j + 3]
        out[i, j] = sum(1 << k for k, (r, c) in enumerate(ring) if win[r, c] >= win[1, 1])
    return out


def bow_histogram(descriptors, vocabulary):
    d = np.linalg.norm(descriptors[:, None] - vocabulary[None], axis=2)
    return np.bincount(d.argmin(1), minlength=len(vocabulary)) / len(descriptors)


def n_binary_svms(n_classes, scheme):
    if n_classes == 2:
        return 1
    return n_classes if scheme == "ovr" else n_classes * (n_classes - 1) // 2


CORRECT = {"gradient_histogram": gradient_histogram, "lbp_codes": lbp_codes,
           "bow_histogram": bow_histogram, "n_binary_svms": n_binary_svms}
(
    test_the_set_is_complete,
    test_correct_code_full_marks_and_stubs_zero,
    test_checks_never_raise,
    test_notebook_grades_full_when_solved_and_zero_as_stubs,
) = contract_tests(SET, CORRECT, SOURCE, STUDENT)


def _messages(name, fn):
    return failure_messages(SET, name, fn)


def test_gradient_histogram_mistakes_are_named():
    def flipped(patch, n_bins=9):
        return gradient_histogram(np.flipud(np.asarray(patch, float)), n_bins)

    def counts(patch, n_bins=9):
        gx, gy = centred_gradients(patch)
        a = np.degrees(np.arctan2(gy, gx)) % 180
        keep = np.hypot(gx, gy) > 0
        return np.bincount((a[keep] // (180 / n_bins)).astype(int), minlength=n_bins)

    def signed(patch, n_bins=9):
        gx, gy = centred_gradients(patch)
        a = np.degrees(np.arctan2(gy, gx)) % 360
        return np.bincount((a // (360 / n_bins)).astype(int).ravel() % n_bins,
                           weights=np.hypot(gx, gy).ravel(), minlength=n_bins)

    def with_np_gradient(patch, n_bins=9):
        gy, gx = np.gradient(np.asarray(patch, float))
        a = np.degrees(np.arctan2(gy, gx)) % 180
        return np.bincount((a // (180 / n_bins)).astype(int).ravel() % n_bins,
                           weights=np.hypot(gx, gy).ravel(), minlength=n_bins)

    def ignores_n_bins(patch, n_bins=9):
        return gradient_histogram(patch)

    assert "mirrored" in _messages("gradient_histogram", flipped)
    assert "magnitude, not 1" in _messages("gradient_histogram", counts)
    assert "unsigned" in _messages("gradient_histogram", signed)
    assert "np.gradient" in _messages("gradient_histogram", with_np_gradient)
    assert "expected shape (6,)" in _messages("gradient_histogram", ignores_n_bins)


def test_lbp_mistakes_are_named():
    def strict(image):
        x = np.asarray(image, float)
        return lbp_codes(x) - lbp_codes_ties(x)

    def lbp_codes_ties(x):  # the bits set by neighbours equal to the centre
        out = np.zeros((x.shape[0] - 2, x.shape[1] - 2), dtype=int)
        ring = [(0, 0), (0, 1), (0, 2), (1, 2), (2, 2), (2, 1), (2, 0), (1, 0)]
        for i, j in np.ndindex(out.shape):
            win = x[i : i + 3, j : j + 3]
            out[i, j] = sum(1 << k for k, (r, c) in enumerate(ring) if win[r, c] == win[1, 1])
        return out

    def reversed_bits(image):
        codes = lbp_codes(image)
        return np.array([[int(f"{c:08b}"[::-1], 2) for c in row] for row in codes])

    def as_float(image):
        return lbp_codes(image).astype(float)

    assert "≥, not >" in _messages("lbp_codes", strict)
    assert "bit order is reversed" in _messages("lbp_codes", reversed_bits)
    assert "dtype" in _messages("lbp_codes", as_float)
    assert "expected shape (1, 1)" in _messages("lbp_codes", lambda img: np.asarray(img))


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


