"""Preprocessing and augmentation checks: full marks for correct code, none for stubs, a specific
message for each typical mistake, and no crash whatever the learner's function does."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from grading_contract import contract_tests, failures, run

from tools.notebooks import ROOT

SET = "augmentation"
SOURCE = ROOT / "exercises" / "source" / "08_datasets_augmentation.ipynb"
STUDENT = ROOT / "exercises" / "08_datasets_augmentation.ipynb"
# What a careless learner's function might return instead of the answer.
ODD_RETURNS = [None, "text", {}, 1e300, np.zeros(()), np.ones(3, dtype=complex),
               np.array([object()]), np.full((2, 2), np.inf), torch.ones(2), (1, 2),
               (np.zeros(3), "x")]

# ------------------------------------------------------ reference answers, written independently


def channel_stats(images):
    x = images / 255.0
    return x.mean(axis=(0, 2, 3)), x.std(axis=(0, 2, 3))


def normalize(images, mean, std):
    return (images / 255.0 - mean[None, :, None, None]) / std[None, :, None, None]


def hflip(images, flags):
    out = images.copy()
    out[flags] = images[flags][..., ::-1]
    return out


def pad_and_crop(images, padding, offsets):
    n, c, h, w = images.shape
    padded = np.zeros((n, c, h + 2 * padding, w + 2 * padding))
    padded[:, :, padding : padding + h, padding : padding + w] = images
    return np.stack([padded[i, :, r : r + h, q : q + w] for i, (r, q) in enumerate(offsets)])


def mixup(x1, y1, x2, y2, lam):
    return lam * x1 + (1 - lam) * x2, lam * y1 + (1 - lam) * y2


def mixup_questions():
    label = np.zeros(10)
    label[3], label[5] = 0.7, 0.3
    return {"cat_dog_label": label.tolist(), "cat_cat_label": [0, 0, 0, 1] + [0] * 6,
            "best_cat_probability": 0.7, "lowest_loss": 0.611}


CORRECT = {"channel_stats": channel_stats, "normalize": normalize, "hflip": hflip,
           "pad_and_crop": pad_and_crop, "mixup": mixup, "mixup_questions": mixup_questions}

(
    test_the_set_is_complete,
    test_correct_code_full_marks_and_stubs_zero,
    test_checks_never_raise,
    test_notebook_grades_full_when_solved_and_zero_as_stubs,
) = contract_tests(SET, CORRECT, SOURCE, STUDENT, odd_returns=ODD_RETURNS)


MISTAKES = [
    ("channel_stats", lambda im: (im.mean(axis=(0, 2, 3)), im.std(axis=(0, 2, 3))), "255"),
    ("channel_stats", lambda im: ((im / 255).mean(axis=(0, 2, 3)),
                                  (im / 255).std(axis=(0, 2, 3), ddof=1)), "ddof=0"),
    ("channel_stats", lambda im: ((im / 255).mean(axis=(0, 2, 3)),), "tuple of 2"),
    ("normalize", lambda im, m, s: (im - m[None, :, None, None]) / s[None, :, None, None], "255"),
    ("normalize", lambda im, m, s: (im / 255 - m) / s, "(1, C, 1, 1)"),
    ("normalize", lambda im, m, s: im / 255 - m[None, :, None, None], "standard deviation"),
    ("hflip", lambda im, f: np.where(f[:, None, None, None], im[:, :, ::-1], im), "vertical"),
    ("hflip", lambda im, f: im[..., ::-1], "every image"),
    ("hflip", lambda im, f: np.where(f[:, None, None, None], im, im[..., ::-1]), "wrong way"),
    ("pad_and_crop", lambda im, p, o: pad_and_crop(im, p, o[:, ::-1]), "(row, column)"),
    ("pad_and_crop", lambda im, p, o: np.stack([
        np.pad(im[i], ((0, 0), (p, p), (p, p)), mode="reflect")[:, r : r + im.shape[2],
                                                                   q : q + im.shape[3]]
        for i, (r, q) in enumerate(o)]), "not by reflection"),
    ("mixup", lambda x1, y1, x2, y2, lam: mixup(x1, y1, x2, y2, 1 - lam), "weighs the first"),
    ("mixup", lambda x1, y1, x2, y2, lam: (lam * x1 + (1 - lam) * x2, y1), "same λ"),
]


@pytest.mark.parametrize("name,fn,message", MISTAKES)
def test_typical_mistakes_are_named(name, fn, message):
    result = run(name, fn)
    assert result.points < result.max_points and message in failures(result), result.report()



CAT, DOG = np.eye(10)[3], np.eye(10)[5]


@pytest.mark.parametrize("answers,message", [
    ({"cat_dog_label": CAT}, "mixes the labels too"),
    ({"cat_dog_label": 0.3 * CAT + 0.7 * DOG}, "weighs the first image"),
    ({"cat_dog_label": 0.5 * CAT + 0.5 * DOG}, "not one half each"),
    ({"cat_dog_label": 0.7 * CAT}, "must sum to 1"),
    ({"cat_dog_label": [0.7, 0.3]}, "a list of 10 numbers"),
    ({"cat_cat_label": 0.7 * CAT}, "add up"),
    ({"best_cat_probability": 1.0}, "cross-entropy is lowest when"),
    ({"lowest_loss": 0.0}, "no prediction reaches 0"),
    ({"lowest_loss": 0.357}, "the cat's share only"),
    ({"lowest_loss": 0.881}, "natural logarithm"),
])
def test_mixup_question_mistakes_are_named(answers, message):
    result = run("mixup_questions", lambda: {**mixup_questions(), **answers})
    assert result.points == result.max_points - 1 and message in failures(result), (
        result.report())
