"""Regularization checks: correct code earns full marks, stubs nothing, each typical mistake its
own message, and nothing a learner's function returns or raises makes a check crash."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from grading_contract import contract_tests, failures, run

from course_lib.authoring.notebooks import ROOT

SET = "regularization"
SOURCE = ROOT / "exercises" / "source" / "06_dropout_regularization.ipynb"
STUDENT = ROOT / "exercises" / "06_dropout_regularization.ipynb"
# What a careless learner's function might return instead of the answer.
ODD_RETURNS = [None, "text", {}, 1e300, np.zeros(()), np.ones(3, dtype=complex),
               np.array([object()]), np.full((2, 2), np.inf), torch.ones(2), (1, 2),
               (np.zeros(3), "x")]

# ------------------------------------------------------ reference answers, written independently


def dropout(x, p, training, rng):
    if not training:
        return x.copy()
    keep = rng.random(x.shape) >= p
    return np.where(keep, x / (1 - p), 0.0)


def l1_penalty(weights, lam):
    return lam * sum(np.abs(w).sum() for w in weights)


def l2_penalty(weights, lam):
    return lam * sum((w**2).sum() for w in weights)


def weight_decay_step(w, grad, lr, weight_decay):
    return w - lr * (grad + weight_decay * w)


CORRECT = {"dropout": dropout, "l1_penalty": l1_penalty, "l2_penalty": l2_penalty,
           "weight_decay_step": weight_decay_step}

(
    test_the_set_is_complete,
    test_correct_code_full_marks_and_stubs_zero,
    test_checks_never_raise,
    test_notebook_grades_full_when_solved_and_zero_as_stubs,
) = contract_tests(SET, CORRECT, SOURCE, STUDENT, odd_returns=ODD_RETURNS)


def test_torch_style_dropout_is_accepted():
    def torch_dropout(x, p, training, rng):
        torch.manual_seed(int(rng.integers(1 << 30)))
        return torch.nn.functional.dropout(torch.from_numpy(x), p, training).numpy()

    result = run("dropout", torch_dropout)
    assert result.points == result.max_points, result.report()


DROPOUT_MISTAKES = {
    "not rescaled": (lambda x, p, t, rng: np.where(rng.random(x.shape) >= p, x, 0.0) if t
                     else x, "not rescaled"),
    "old scaling": (lambda x, p, t, rng: np.where(rng.random(x.shape) >= p, x * (1 - p), 0.0)
                    if t else x, "test-time scaling"),
    "keep prob": (lambda x, p, t, rng: np.where(rng.random(x.shape) < p, x / (1 - p), 0.0)
                  if t else x, "probability of dropping"),
    "also in eval": (lambda x, p, t, rng: np.where(rng.random(x.shape) >= p, x / (1 - p), 0.0),
                     "training=False"),
    "global rng": (lambda x, p, t, rng: np.where(np.random.random(x.shape) >= p, x / (1 - p),
                                                 0.0) if t else x, "not from np.random"),
    "nothing dropped": (lambda x, p, t, rng: x.copy(), "nothing was dropped"),
}


@pytest.mark.parametrize("mistake", DROPOUT_MISTAKES)
def test_dropout_mistakes_are_named(mistake):
    fn, message = DROPOUT_MISTAKES[mistake]
    result = run("dropout", fn)
    assert result.points < result.max_points and message in failures(result), result.report()


@pytest.mark.parametrize("name,fn,message", [
    ("l1_penalty", lambda w, lam: lam * sum(v.sum() for v in w), "absolute values"),
    ("l1_penalty", lambda w, lam: sum(np.abs(v).sum() for v in w), "multiply the sum by λ"),
    ("l1_penalty", lambda w, lam: lam * np.abs(w[0]).sum(), "every array"),
    ("l2_penalty", lambda w, lam: lam * np.sqrt(sum((v**2).sum() for v in w)), "no square root"),
    ("l2_penalty", lambda w, lam: lam / 2 * sum((v**2).sum() for v in w), "no factor 1/2"),
    ("l2_penalty", lambda w, lam: lam * sum(np.abs(v).sum() for v in w), "L1 penalty"),
    ("l2_penalty", lambda w, lam: lam * sum((v**2).sum(axis=0) for v in w), "number"),
    ("weight_decay_step", lambda w, g, lr, wd: w - lr * g - wd * w, "scaled by the learning"),
    ("weight_decay_step", lambda w, g, lr, wd: w - lr * g, "missing"),
    ("weight_decay_step", lambda w, g, lr, wd: w - lr * (g + 2 * wd * w), "not 2λ·w"),
])
def test_penalty_and_decay_mistakes_are_named(name, fn, message):
    result = run(name, fn)
    assert result.points < result.max_points and message in failures(result), result.report()


def test_an_in_place_update_is_reported():
    def in_place(w, grad, lr, weight_decay):
        w -= lr * (grad + weight_decay * w)
        return w

    assert "in place" in failures(run("weight_decay_step", in_place))

