"""Checks for the preprocessing and augmentation exercises (NumPy, (N, C, H, W) images):
per-channel statistics, normalization with them, horizontal flips, padded crops, mixup and
questions on what mixup does to labels and to the lowest reachable loss.
References are short NumPy expressions written here; each typical mistake (no /255, wrong axis,
vertical flip, swapped crop offsets, λ the wrong way round) has its own message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .answers import numbers_case
from .core import Case, CheckResult, call, expect_array, expect_arrays, run_cases

__all__ = [
    "check_channel_stats",
    "check_hflip",
    "check_mixup",
    "check_mixup_questions",
    "check_normalize",
    "check_pad_and_crop",
]


def _images(seed: int, shape: tuple[int, int, int, int]) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


# ------------------------------------------------------------------------------- channel stats


def _stats_case(label: str, images: np.ndarray) -> Case:
    x = images.astype(np.float64) / 255

    def mistakes() -> list[tuple[tuple[np.ndarray, np.ndarray], str]]:
        raw = images.astype(np.float64)
        return [
            ((raw.mean(axis=(0, 2, 3)), raw.std(axis=(0, 2, 3))),
             "scale the pixels to [0, 1] first (divide by 255)"),
            ((x.mean(axis=(0, 2, 3)), x.std(axis=(0, 2, 3), ddof=1)),
             "use the population standard deviation (np.std's default, ddof=0)"),
            ((x.mean(axis=(0, 1, 2)), x.std(axis=(0, 1, 2))),
             "the statistics are per channel: average over axes 0, 2 and 3 (N, H, W)"),
        ]

    def run(fn: Callable[..., Any]) -> None:
        expect_arrays(call(fn, images), (x.mean(axis=(0, 2, 3)), x.std(axis=(0, 2, 3))),
                      ("mean", "std"), mistakes)

    return Case(label, run)


def check_channel_stats(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(images)` → (mean (C,), std (C,)) of uint8 (N, C, H, W) images scaled to [0, 1]."""
    flat = np.zeros((2, 3, 2, 2), dtype=np.uint8)
    flat[:, 0], flat[:, 1], flat[:, 2] = 0, 255, 51  # means 0, 1, 0.2 and std 0
    flat[1, 2] = 153  # channel 2: half 0.2, half 0.6 → mean 0.4, std 0.2
    cases = [
        _stats_case("worked example: channel means 0, 1, 0.4 and stds 0, 0, 0.2", flat),
        _stats_case("random 10 × 3 × 8 × 8 images", _images(31, (10, 3, 8, 8))),
        _stats_case("a grey batch (1 channel, 7 × 5)", _images(32, (6, 1, 7, 5))),
    ]
    return run_cases("channel_stats", fn, cases, verbose=verbose)


# ---------------------------------------------------------------------------------- normalize


def _normalize_case(label: str, images: np.ndarray, mean: np.ndarray, std: np.ndarray) -> Case:
    x = images.astype(np.float64) / 255
    col = (1, -1, 1, 1)

    def mistakes() -> list[tuple[np.ndarray, str]]:
        found = [((images - mean.reshape(col)) / std.reshape(col),
                  "scale the pixels to [0, 1] first (divide by 255), as the statistics were"),
                 (x - mean.reshape(col), "divide by the standard deviation too"),
                 ((x - mean.reshape(col)) * std.reshape(col), "divide by std, don't multiply")]
        if images.shape[3] == len(mean):
            found.append(((x - mean) / std, "mean and std broadcast along the last axis (W): "
                                            "reshape them to (1, C, 1, 1) so they line up "
                                            "with the channel axis"))
        return found

    def run(fn: Callable[..., Any]) -> None:
        expect_array(call(fn, images, mean, std), (x - mean.reshape(col)) / std.reshape(col),
                     mistakes)

    return Case(label, run)


def check_normalize(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(images, mean, std)`: uint8 (N, C, H, W) → float (x/255 − mean)/std per channel."""
    cifar_mean = np.array([0.4914, 0.4822, 0.4465])
    cifar_std = np.array([0.2470, 0.2435, 0.2616])
    cases = [
        _normalize_case("CIFAR-10 statistics on 4 × 3 × 5 × 6 images", _images(33, (4, 3, 5, 6)),
                        cifar_mean, cifar_std),
        _normalize_case("images 3 pixels wide (catches broadcasting along W)",
                        _images(34, (2, 3, 4, 3)), cifar_mean, cifar_std),
        _normalize_case("one grey channel", _images(35, (3, 1, 4, 4)), np.array([0.1307]),
                        np.array([0.3081])),
    ]
    return run_cases("normalize", fn, cases, verbose=verbose)


# -------------------------------------------------------------------------------------- hflip


def _flip_case(label: str, images: np.ndarray, flags: np.ndarray) -> Case:
    sel = flags[:, None, None, None]

    def mistakes() -> list[tuple[np.ndarray, str]]:
        return [
            (np.where(sel, images[:, :, ::-1, :], images),
             "that is a vertical (top-bottom) flip: mirror the width axis (axis 3)"),
            (images[:, :, :, ::-1], "every image was flipped: flip only those whose flag is True"),
            (np.where(sel, images[:, ::-1], images), "you reversed the channels (axis 1): "
                                                     "mirror the width axis (axis 3)"),
            (np.where(~sel, images[..., ::-1], images), "the flags are the wrong way round: "
                                                        "flip where flags[i] is True"),
        ]

    def run(fn: Callable[..., Any]) -> None:
        expect_array(call(fn, images, flags), np.where(sel, images[..., ::-1], images), mistakes)

    return Case(label, run)


def check_hflip(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(images, flags)`: mirror left-right the images whose flag (N,) is True."""
    rng = np.random.default_rng(36)
    x = rng.random((4, 3, 5, 6))
    cases = [
        _flip_case("flags [True, False, True, False]", x, np.array([True, False, True, False])),
        _flip_case("random flags on 9 images of 3 × 7 × 7", rng.random((9, 3, 7, 7)),
                   rng.random(9) < 0.5),
    ]
    return run_cases("hflip", fn, cases, verbose=verbose)


# -------------------------------------------------------------------------------- pad and crop


def _crop_reference(x: np.ndarray, padding: int, offsets: np.ndarray,
                    mode: str = "constant") -> np.ndarray:
    n, _, h, w = x.shape
    padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)), mode=mode)
    return np.stack([padded[i, :, r : r + h, c : c + w]
                     for i, (r, c) in enumerate(offsets)]) if n else x.copy()


def _crop_case(label: str, x: np.ndarray, padding: int, offsets: np.ndarray) -> Case:
    def mistakes() -> list[tuple[np.ndarray, str]]:
        found = []
        try:  # swapped offsets may not fit a non-square image: then that mistake is ruled out
            found.append((_crop_reference(x, padding, offsets[:, ::-1]),
                          "the offsets are (row, column): offsets[i, 0] moves the window down"))
        except ValueError:
            pass
        if padding:
            found.append((_crop_reference(x, padding, offsets, mode="reflect"),
                          "pad with zeros (np.pad's default mode), not by reflection"))
            found.append((_crop_reference(x, padding, offsets, mode="edge"),
                          "pad with zeros (np.pad's default mode), not by repeating the edge"))
        return found

    def run(fn: Callable[..., Any]) -> None:
        expect_array(call(fn, x, padding, offsets), _crop_reference(x, padding, offsets),
                     mistakes)

    return Case(label, run)


def check_pad_and_crop(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(images, padding, offsets)`: zero-pad (N, C, H, W) images by `padding` pixels,
    then cut image i back to H × W at top-left `offsets[i] = (row, col)`."""
    rng = np.random.default_rng(37)
    x = np.arange(2 * 1 * 4 * 5, dtype=np.float64).reshape(2, 1, 4, 5) + 1
    cases = [
        _crop_case("offsets (padding, padding) give back the original", x, 2,
                   np.array([[2, 2], [2, 2]])),
        _crop_case("corners: offsets (0, 0) and (4, 3) with padding 2", x, 2,
                   np.array([[0, 0], [4, 3]])),
        _crop_case("random offsets, padding 4, 6 colour images of 8 × 8",
                   rng.random((6, 3, 8, 8)), 4, rng.integers(0, 9, (6, 2))),
    ]
    return run_cases("pad_and_crop", fn, cases, verbose=verbose)


# -------------------------------------------------------------------------------------- mixup


def _mixup_case(label: str, x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray,
                lam: float) -> Case:
    expected = (lam * x1 + (1 - lam) * x2, lam * y1 + (1 - lam) * y2)

    def mistakes() -> list[tuple[tuple[np.ndarray, np.ndarray], str]]:
        return [
            (((1 - lam) * x1 + lam * x2, (1 - lam) * y1 + lam * y2),
             "λ weighs the first pair: λ·x1 + (1 − λ)·x2"),
            ((expected[0], y1), "the labels must be mixed with the same λ as the images"),
            ((expected[0], np.maximum(y1, y2)), "the labels must be mixed with the same λ "
                                                "as the images (a weighted average)"),
        ]

    def run(fn: Callable[..., Any]) -> None:
        expect_arrays(call(fn, x1, y1, x2, y2, lam), expected, ("mixed images", "mixed labels"),
                      mistakes)

    return Case(label, run)


def check_mixup(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x1, y1, x2, y2, lam)` → (λ·x1 + (1 − λ)·x2, λ·y1 + (1 − λ)·y2) with one-hot
    labels."""
    rng = np.random.default_rng(38)
    eye = np.eye(10)
    cases = [
        _mixup_case("λ = 0.7, a cat and a dog", rng.random((1, 3, 4, 4)), eye[[3]],
                    rng.random((1, 3, 4, 4)), eye[[5]], 0.7),
        _mixup_case("λ = 0.25 on a batch of 5", rng.random((5, 3, 6, 6)),
                    eye[rng.integers(0, 10, 5)], rng.random((5, 3, 6, 6)),
                    eye[rng.integers(0, 10, 5)], 0.25),
    ]
    return run_cases("mixup", fn, cases, verbose=verbose)


# ----------------------------------------------------------------- interpret: mixup's labels

CAT, DOG, CLASSES, MIX_LAMBDA = 3, 5, 10, 0.7  # CIFAR-10's class numbers; the weight of image 1


def _entropy(p: np.ndarray) -> float:
    """−Σ p·ln p over the classes with p > 0: the lowest cross-entropy any prediction reaches
    for the target p (reached by predicting p itself)."""
    q = p[p > 0]
    return float(-(q * np.log(q)).sum())


def check_mixup_questions(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn()` → {"cat_dog_label", "cat_cat_label": 10 numbers each, "best_cat_probability",
    "lowest_loss": numbers} about mixing a cat image (weight 0.7) with a dog or another cat."""
    eye = np.eye(CLASSES)
    lam = MIX_LAMBDA
    cat_dog = lam * eye[CAT] + (1 - lam) * eye[DOG]
    half = 0.5 * eye[CAT] + 0.5 * eye[DOG]
    cases = [
        numbers_case("the label of 0.7 · cat + 0.3 · dog", "cat_dog_label", cat_dog, [
            (eye[CAT], "mixup mixes the labels too, with the same λ as the images"),
            ((1 - lam) * eye[CAT] + lam * eye[DOG], "λ = 0.7 weighs the first image, the cat"),
            (half, "the weights are λ and 1 − λ, not one half each"),
            (lam * eye[CAT], "the dog's share 1 − λ is missing: the label must sum to 1")]),
        numbers_case("the label of 0.7 · cat + 0.3 · another cat", "cat_cat_label", eye[CAT], [
            (lam * eye[CAT], "both labels are the cat's one-hot vector, so their weights "
                             "λ and 1 − λ add up")]),
        numbers_case("the cat probability with the lowest loss on the cat–dog mix",
                     "best_cat_probability", lam, [
            (1.0, "a certain 'cat' is not best: the target gives 0.3 to dog, and "
                  "cross-entropy is lowest when the prediction equals the target"),
            (0.5, "the target is not one half each: it is the mixed label")]),
        numbers_case("the lowest cross-entropy reachable on the cat–dog mix", "lowest_loss",
                     _entropy(cat_dog), [
            (0.0, "no prediction reaches 0 on a mixed label: the best one (the label "
                  "itself) still pays for both classes"),
            (-np.log(lam), "that counts the cat's share only: −Σ t·ln p sums over both "
                           "classes of the target t"),
            (_entropy(cat_dog) / np.log(2), "use the natural logarithm, as "
                                            "F.cross_entropy does"),
            (-lam * np.log(lam), "the dog's term −0.3 · ln 0.3 is missing")]),
    ]
    return run_cases("mixup_questions", fn, cases, verbose=verbose)
