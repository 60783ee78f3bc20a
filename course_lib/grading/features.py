"""Checks for the hand-crafted feature exercises: a gradient-orientation histogram, 3×3 local binary
pattern codes, and a bag-of-visual-words histogram.

References are `course_lib.features` (centred differences, unsigned orientations, magnitude votes;
LBP neighbours clockwise from the top left, ≥ the centre sets the bit); wrong answers are
recognised by running the reference with the typical mistake built in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..features import LBP_NEIGHBOURS, image_gradients, lbp_codes, orientation_histogram
from .core import Case, CaseFailure, CheckResult, call, expect_array, run_cases

__all__ = [
    "LBP_WORKED_EXAMPLE",
    "check_bow_histogram",
    "check_gradient_histogram",
    "check_lbp_codes",
]


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)  # fixed seeds: every report is the same


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a


# ------------------------------------------------------------------------- gradient histogram


def gradient_histogram_reference(patch: np.ndarray, n_bins: int = 9) -> np.ndarray:
    """Magnitude-weighted histogram of the unsigned gradient orientations of a patch:
    (H, W) → (n_bins,)."""
    return orientation_histogram(*image_gradients(patch), n_bins)


def _histogram_mistakes(patch: np.ndarray, n_bins: int) -> list[tuple[np.ndarray, str]]:
    x = np.asarray(patch, dtype=np.float64)
    magnitude, orientation = image_gradients(x)
    flipped = (180.0 - orientation) % 180.0
    gx, gy = np.zeros_like(x), np.zeros_like(x)
    gx[:, 1:-1] = x[:, 2:] - x[:, :-2]
    gy[1:-1, :] = x[2:, :] - x[:-2, :]
    signed = np.rad2deg(np.arctan2(gy, gx)) % 360.0
    np_gy, np_gx = np.gradient(x)
    swapped = np.rad2deg(np.arctan2(gx, gy)) % 180.0
    counts = (magnitude > 0).astype(float)
    return [
        (orientation_histogram(magnitude, flipped, n_bins),
         "mirrored orientations: gy points down the rows, gy = I[r+1, c] − I[r−1, c]"),
        (orientation_histogram(magnitude, swapped, n_bins),
         "gx and gy are swapped: θ = arctan2(gy, gx), gx along the columns (x), gy along the rows"),
        (np.bincount(np.floor(signed / (360.0 / n_bins)).astype(int).ravel() % n_bins,
                     weights=magnitude.ravel(), minlength=n_bins),
         "orientations must be unsigned, folded into [0°, 180°) (θ % 180), bins 180°/n_bins wide"),
        (orientation_histogram(counts, orientation, n_bins),
         "each pixel must vote with its gradient magnitude, not 1"),
        (orientation_histogram(np.ones_like(magnitude), orientation, n_bins),
         "each pixel must vote with its gradient magnitude, not 1"),
        (orientation_histogram(np.hypot(np_gx, np_gy),
                               np.rad2deg(np.arctan2(np_gy, np_gx)) % 180.0, n_bins),
         "np.gradient halves the differences and uses one-sided ones on the border: use "
         "I[r, c+1] − I[r, c−1] inside and 0 on the border"),
        (orientation_histogram(magnitude**2, orientation, n_bins),
         "the vote is the magnitude √(gx² + gy²), not its square"),
    ]


def _histogram_case(label: str, patch: np.ndarray, n_bins: int | None = None) -> Case:
    patch = _read_only(patch)

    def run(fn: Callable[..., Any]) -> None:
        bins = 9 if n_bins is None else n_bins
        got = call(fn, patch) if n_bins is None else call(fn, patch, n_bins=n_bins)
        expect_array(got, gradient_histogram_reference(patch, bins),
                     lambda: _histogram_mistakes(patch, bins))

    return Case(label, run)


def check_gradient_histogram(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(patch, n_bins=9) -> (n_bins,)`."""
    rng = _rng(11)
    vertical = np.zeros((6, 6))
    vertical[:, 3:] = 1.0  # dark left, bright right: gradients point along +x, θ = 0°
    rows, cols = np.mgrid[0:7, 0:7]
    diagonal = (rows - cols).astype(float)  # brighter down and to the left: θ = 135°
    cases = [
        _histogram_case("a vertical edge (all votes in the 0° bin)", vertical),
        _histogram_case("a diagonal ramp, brighter towards the bottom left (135°)", diagonal),
        _histogram_case("a random 8×8 patch, 9 bins", rng.random((8, 8))),
        _histogram_case("a random 10×7 patch, 6 bins of 30°", rng.random((10, 7)), n_bins=6),
    ]
    return run_cases("gradient_histogram", fn, cases, verbose=verbose)


# ---------------------------------------------------------------------------------- LBP codes

# A classic worked example: the centre 6 and its neighbours clockwise from the top left
# 6, 5, 2, 1, 7, 8, 9, 7 give the bits 1, 0, 0, 0, 1, 1, 1, 1, so the code 1 + 16 + 32 + 64 + 128.
LBP_WORKED_EXAMPLE = _read_only(np.array([[6, 5, 2], [7, 6, 1], [9, 8, 7]]))


def _lbp_variant(image: np.ndarray, order: tuple[tuple[int, int], ...] = LBP_NEIGHBOURS,
                 strict: bool = False, weights: list[int] | None = None,
                 inverted: bool = False) -> np.ndarray:
    x = np.asarray(image, dtype=np.float64)
    H, W = x.shape
    centre = x[1:-1, 1:-1]
    codes = np.zeros(centre.shape, dtype=np.int64)
    for k, (dr, dc) in enumerate(order):
        n = x[1 + dr : H - 1 + dr, 1 + dc : W - 1 + dc]
        bit = (n > centre) if strict else (n >= centre)
        if inverted:
            bit = (centre >= n) if not strict else (centre > n)
        codes += bit.astype(np.int64) * (weights[k] if weights else 1 << k)
    return codes


def _lbp_mistakes(image: np.ndarray) -> list[tuple[np.ndarray, str]]:
    counter = (LBP_NEIGHBOURS[0],) + tuple(reversed(LBP_NEIGHBOURS[1:]))
    return [
        (_lbp_variant(image, strict=True),
         "a neighbour equal to the centre must set its bit: compare with ≥, not >"),
        (_lbp_variant(image, weights=[1 << (7 - k) for k in range(8)]),
         "the bit order is reversed: the top-left neighbour is bit 0 (value 1), the left one "
         "bit 7 (value 128)"),
        (_lbp_variant(image, order=counter),
         "go round clockwise: top left, top, top right, right, bottom right, bottom, bottom "
         "left, left"),
        (_lbp_variant(image, inverted=True),
         "the bit is 1 when the neighbour is at least as bright as the centre, not the "
         "other way round"),
        (_lbp_variant(image, inverted=True, strict=True),
         "the bit is 1 when the neighbour is at least as bright as the centre, not the "
         "other way round"),
    ]


def _lbp_case(label: str, image: np.ndarray) -> Case:
    image = _read_only(image)

    def run(fn: Callable[..., Any]) -> None:
        got = call(fn, image)
        expect_array(got, lbp_codes(image).astype(np.float64), lambda: _lbp_mistakes(image))
        if np.asarray(got).dtype.kind not in "iu":
            raise CaseFailure(f"the codes are right but have dtype {np.asarray(got).dtype}: "
                              "return integers (e.g. codes.astype(int))")

    return Case(label, run)


def check_lbp_codes(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(image) -> (H − 2, W − 2) int codes`."""
    rng = _rng(12)
    cases = [
        _lbp_case("the 3×3 worked example (code 241)", LBP_WORKED_EXAMPLE),
        _lbp_case("a 6×7 grey-level image with ties (equal neighbours)",
                  rng.integers(0, 4, (6, 7))),
        _lbp_case("a random 9×8 image", rng.random((9, 8))),
    ]
    return run_cases("lbp_codes", fn, cases, verbose=verbose)


# ------------------------------------------------------------------------- bag of visual words


def _distances(descriptors: np.ndarray, vocabulary: np.ndarray) -> np.ndarray:
    d = np.asarray(descriptors, np.float64)[:, None, :] - np.asarray(vocabulary, np.float64)[None]
    return np.sqrt((d**2).sum(-1))  # (M, K)


def bow_histogram_reference(descriptors: np.ndarray, vocabulary: np.ndarray) -> np.ndarray:
    """Share of the descriptors (M, D) whose nearest word (Euclidean) is each of the K words
    (K, D) → (K,), summing to 1."""
    words = _distances(descriptors, vocabulary).argmin(axis=1)
    return np.bincount(words, minlength=len(vocabulary)) / len(descriptors)


def _bow_mistakes(descriptors: np.ndarray, vocabulary: np.ndarray) -> list:
    K = len(vocabulary)
    dist = _distances(descriptors, vocabulary)
    counts = np.bincount(dist.argmin(axis=1), minlength=K).astype(float)
    farthest = np.bincount(dist.argmax(axis=1), minlength=K) / len(descriptors)
    dots = np.bincount((descriptors @ vocabulary.T).argmax(axis=1), minlength=K)
    return [
        (counts, "these are counts: divide by the number of descriptors so the shares sum to 1"),
        (farthest, "each descriptor goes to its NEAREST word: argmin of the distances, not argmax"),
        (dots / len(descriptors), "the largest dot product is not the nearest word when words "
                                  "have different lengths: use Euclidean distances"),
        (counts / counts.max(), "normalise by the number of descriptors (the shares sum to 1), "
                                "not by the largest count"),
    ]


def _bow_case(label: str, descriptors: np.ndarray, vocabulary: np.ndarray) -> Case:
    descriptors, vocabulary = _read_only(descriptors), _read_only(vocabulary)

    def run(fn: Callable[..., Any]) -> None:
        got = call(fn, descriptors, vocabulary)
        if isinstance(got, np.ndarray) and got.shape == (len(descriptors),):
            raise CaseFailure(f"expected shape ({len(vocabulary)},), got {got.shape}: these look "
                              "like one word per descriptor; count them into a histogram "
                              "(np.bincount with minlength=K)")
        expect_array(got, bow_histogram_reference(descriptors, vocabulary),
                     lambda: _bow_mistakes(descriptors, vocabulary))

    return Case(label, run)


def check_bow_histogram(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(descriptors (M, D), vocabulary (K, D)) -> (K,)`."""
    rng = _rng(13)
    small_vocab = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    small = np.array([[0.5, 0.2], [3.5, 0.1], [4.2, -0.3], [0.1, 3.0], [0.2, -0.4], [-0.3, 0.1]])
    # Words of very different lengths: the largest dot product is often not the nearest word.
    long_vocab = np.array([[10.0, 10.0, 10.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0, 0, 1.0]])
    cases = [
        _bow_case("six 2-D descriptors, three words", small, small_vocab),
        _bow_case("words of very different lengths", rng.random((40, 3)), long_vocab),
        _bow_case("200 random 16-D descriptors, 12 words", rng.standard_normal((200, 16)),
                  rng.standard_normal((12, 16))),
    ]
    return run_cases("bow_histogram", fn, cases, verbose=verbose)
