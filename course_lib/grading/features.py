"""Checks for the hand-crafted feature exercises: HOG's interpolated gradient-orientation
histogram, rotation-invariant uniform LBP labels, and a bag-of-visual-words histogram.

References build on `course_lib.features` (centred differences, unsigned orientations; LBP
neighbours clockwise from the top left, ≥ the centre sets the bit), adding the split vote between
the two nearest bin centres and a table from the 256 codes to the uniform labels; wrong answers
are recognised by running the reference with the typical mistake built in.
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
    "check_soft_gradient_histogram",
    "check_uniform_lbp",
]


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)  # fixed seeds: every report is the same


def _read_only(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a


# -------------------------------------------------------------------- soft gradient histogram


def soft_orientation_histogram(magnitude: np.ndarray, orientation: np.ndarray, n_bins: int = 9,
                               offset: float = 0.5, wrap: bool = True,
                               swap: bool = False) -> np.ndarray:
    """HOG's interpolated vote: each pixel splits its magnitude between the two bin centres
    ((k + offset)·180°/n_bins) nearest its orientation in [0, 180), in proportion to closeness,
    wrapping from the last bin to the first. `offset`, `wrap` and `swap` build in mistakes."""
    width = 180.0 / n_bins
    t = np.asarray(orientation, dtype=np.float64).ravel() / width - offset
    low = np.floor(t).astype(int)
    near_high = t - low  # the share of the upper centre
    m = np.asarray(magnitude, dtype=np.float64).ravel()
    shares = (near_high, 1 - near_high) if swap else (1 - near_high, near_high)
    bins = (low % n_bins, (low + 1) % n_bins) if wrap else (
        np.clip(low, 0, n_bins - 1), np.clip(low + 1, 0, n_bins - 1))
    return sum(np.bincount(b, weights=m * share, minlength=n_bins)
               for b, share in zip(bins, shares, strict=True))


def soft_gradient_histogram_reference(patch: np.ndarray, n_bins: int = 9) -> np.ndarray:
    """Magnitude-weighted, interpolated histogram of the unsigned gradient orientations of a
    patch: (H, W) → (n_bins,)."""
    return soft_orientation_histogram(*image_gradients(patch), n_bins)


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
    soft = soft_orientation_histogram
    return [
        (orientation_histogram(magnitude, orientation, n_bins),
         "each pixel's whole vote went into one bin: split it between the two nearest bin "
         "centres, in proportion to how close each is"),
        (soft(magnitude, orientation, n_bins, swap=True),
         "the shares are the wrong way round: the nearer centre gets the larger share"),
        (soft(magnitude, orientation, n_bins, wrap=False),
         "orientations wrap around: 175° lies between the last centre (170° for 9 bins) and the "
         "first (10°, which is also 190°), so votes there are shared between the last and the "
         "first bin"),
        (soft(magnitude, orientation, n_bins, offset=0.0),
         "the bin centres are the middles of the bins, (k + ½)·180°/n_bins (10°, 30°, … for 9 "
         "bins), not their edges"),
        (soft(magnitude, flipped, n_bins),
         "mirrored orientations: gy points down the rows, gy = I[r+1, c] − I[r−1, c]"),
        (soft(magnitude, swapped, n_bins),
         "gx and gy are swapped: θ = arctan2(gy, gx), gx along the columns (x), gy along the rows"),
        (soft(magnitude, signed / 2.0, n_bins),
         "orientations must be unsigned, folded into [0°, 180°) (θ % 180)"),
        (soft(counts, orientation, n_bins),
         "each pixel must vote with its gradient magnitude, not 1"),
        (soft(np.ones_like(magnitude), orientation, n_bins),
         "each pixel must vote with its gradient magnitude, not 1"),
        (soft(np.hypot(np_gx, np_gy), np.rad2deg(np.arctan2(np_gy, np_gx)) % 180.0, n_bins),
         "np.gradient halves the differences and uses one-sided ones on the border: use "
         "I[r, c+1] − I[r, c−1] inside and 0 on the border"),
        (soft(magnitude**2, orientation, n_bins),
         "the vote is the magnitude √(gx² + gy²), not its square"),
    ]


def _histogram_case(label: str, patch: np.ndarray, n_bins: int | None = None) -> Case:
    patch = _read_only(patch)

    def run(fn: Callable[..., Any]) -> None:
        bins = 9 if n_bins is None else n_bins
        got = call(fn, patch) if n_bins is None else call(fn, patch, n_bins=n_bins)
        expect_array(got, soft_gradient_histogram_reference(patch, bins),
                     lambda: _histogram_mistakes(patch, bins))

    return Case(label, run)


def check_soft_gradient_histogram(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(patch, n_bins=9) -> (n_bins,)`: HOG's interpolated orientation histogram."""
    rng = _rng(11)
    vertical = np.zeros((6, 6))
    vertical[:, 3:] = 1.0  # dark left, bright right: gradients point along +x, θ = 0°
    rows, cols = np.mgrid[0:7, 0:7]
    diagonal = (rows - cols).astype(float)  # brighter down and to the left: θ = 135°
    cases = [
        _histogram_case("a vertical edge (θ = 0°: half of each vote in the 10° bin, half in "
                        "the 170° bin)", vertical),
        _histogram_case("a diagonal ramp brighter towards the bottom left (135° inside: ¾ of "
                        "a vote to the 130° bin, ¼ to 150°)", diagonal),
        _histogram_case("a random 8×8 patch, 9 bins", rng.random((8, 8))),
        _histogram_case("a random 10×7 patch, 6 bins of 30°", rng.random((10, 7)), n_bins=6),
    ]
    return run_cases("soft_gradient_histogram", fn, cases, verbose=verbose)


# -------------------------------------------------------------------------- uniform LBP labels

# A classic worked example: the centre 6 and its neighbours clockwise from the top left
# 6, 5, 2, 1, 7, 8, 9, 7 give the bits 1, 0, 0, 0, 1, 1, 1, 1 (LBP code 241): one arc of five 1s
# round the circle, two 0/1 changes, so a uniform pattern with label 5.
LBP_WORKED_EXAMPLE = _read_only(np.array([[6, 5, 2], [7, 6, 1], [9, 8, 7]]))
NON_UNIFORM = 9  # the label shared by every pattern with more than two 0/1 changes (P + 1)


def _changes(code: int) -> int:
    """0/1 changes between neighbouring bits of an 8-bit code, read round the circle."""
    bits = [(code >> k) & 1 for k in range(8)]
    return sum(bits[k] != bits[(k + 1) % 8] for k in range(8))


def _label_table(max_changes: int = 2, non_uniform: int = NON_UNIFORM) -> np.ndarray:
    """Label of each of the 256 codes: its number of 1 bits when it has at most `max_changes`
    changes round the circle, else `non_uniform`."""
    return np.array([bin(c).count("1") if _changes(c) <= max_changes else non_uniform
                     for c in range(256)], dtype=np.int64)


UNIFORM_LABELS = _read_only(_label_table())  # code (0..255) → rotation-invariant uniform label


def uniform_lbp_reference(image: np.ndarray) -> np.ndarray:
    """Rotation-invariant uniform LBP labels (0..9) of the interior pixels of a grey image
    (H, W) → (H − 2, W − 2): 3×3 neighbours, ≥ the centre sets a bit."""
    return UNIFORM_LABELS[lbp_codes(image)]


def _lbp_variant(image: np.ndarray, strict: bool = False, inverted: bool = False) -> np.ndarray:
    """The 8-bit LBP codes with a comparison mistake built in."""
    x = np.asarray(image, dtype=np.float64)
    H, W = x.shape
    centre = x[1:-1, 1:-1]
    codes = np.zeros(centre.shape, dtype=np.int64)
    for k, (dr, dc) in enumerate(LBP_NEIGHBOURS):
        n = x[1 + dr : H - 1 + dr, 1 + dc : W - 1 + dc]
        low, high = (centre, n) if inverted else (n, centre)
        codes += ((low > high) if strict else (low >= high)).astype(np.int64) << k
    return codes


def _uniform_lbp_mistakes(image: np.ndarray) -> list[tuple[np.ndarray, str]]:
    codes = lbp_codes(image)
    ones = np.vectorize(lambda c: bin(int(c)).count("1"))(codes)
    reversed_roles = ("the bit is 1 when the neighbour is at least as bright as the centre, not "
                      "the other way round")
    return [
        (UNIFORM_LABELS[_lbp_variant(image, strict=True)],
         "a neighbour equal to the centre must set its bit: compare with ≥, not >"),
        (UNIFORM_LABELS[_lbp_variant(image, inverted=True)], reversed_roles),
        (UNIFORM_LABELS[_lbp_variant(image, inverted=True, strict=True)], reversed_roles),
        (codes, "these are the plain 8-bit LBP codes (0–255): turn each into its uniform label"),
        (ones, "a non-uniform pattern (more than two 0/1 changes round the circle) gets the "
               "label 9, whatever its number of 1s"),
        (_label_table(max_changes=0)[codes],
         "one arc of 1s (e.g. 00111000) has two 0/1 changes round the circle and is uniform: "
         "uniform means at most two changes, not none"),
    ]


def _uniform_lbp_case(label: str, image: np.ndarray) -> Case:
    image = _read_only(image)

    def run(fn: Callable[..., Any]) -> None:
        got = call(fn, image)
        expected = uniform_lbp_reference(image)
        if isinstance(got, np.ndarray) and got.shape == expected.shape and np.isfinite(
                got).all():
            other = expected == NON_UNIFORM
            rest = got[other]
            if (other.any() and np.array_equal(got[~other], expected[~other])
                    and np.all(rest == rest.flat[0]) and rest.flat[0] != NON_UNIFORM):
                raise CaseFailure(f"the uniform patterns are right, but the non-uniform ones "
                                  f"must all get the label {NON_UNIFORM} (P + 1 for P = 8 "
                                  f"neighbours), not {rest.flat[0]:g}")
        expect_array(got, expected.astype(np.float64), lambda: _uniform_lbp_mistakes(image))
        if np.asarray(got).dtype.kind not in "iu":
            raise CaseFailure(f"the labels are right but have dtype {np.asarray(got).dtype}: "
                              "return integers (e.g. labels.astype(int))")

    return Case(label, run)


def check_uniform_lbp(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(image) -> (H − 2, W − 2) int labels in 0..9`: rotation-invariant uniform LBP."""
    rng = _rng(12)
    random = rng.random((9, 8))
    cases = [
        _uniform_lbp_case("the 3×3 worked example (one arc of five 1s: label 5)",
                          LBP_WORKED_EXAMPLE),
        _uniform_lbp_case("a 6×7 grey-level image with ties (equal neighbours)",
                          rng.integers(0, 4, (6, 7))),
        _uniform_lbp_case("a random 9×8 image", random),
        _uniform_lbp_case("the same image turned by 90° (the labels turn with it)",
                          np.rot90(random)),
    ]
    return run_cases("uniform_lbp", fn, cases, verbose=verbose)


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
