"""Regularization checks: correct code earns full marks, stubs nothing, each typical mistake its
own message, and nothing a learner's function returns or raises makes a check crash."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from grading_contract import contract_tests, failures, run

from course_lib.grading.curve_reading import diagnose
from course_lib.recorded_curves import CURVES
from tools.notebooks import ROOT

SET = "regularization"
SOURCE = ROOT / "exercises" / "source" / "06_dropout_regularization.ipynb"
STUDENT = ROOT / "exercises" / "06_dropout_regularization.ipynb"
# What a careless learner's function might return instead of the answer.
ODD_RETURNS = [None, "text", {}, 1e300, np.zeros(()), np.ones(3, dtype=complex),
               np.array([object()]), np.full((2, 2), np.inf), torch.ones(2), (1, 2),
               (np.zeros(3), "x")]

# ------------------------------------------------------ reference answers, written independently


def spatial_dropout(x, p, training, rng):
    if not training:
        return x.copy()
    keep = rng.random((x.shape[0], x.shape[1], 1, 1)) >= p
    return np.where(keep, x / (1 - p), 0.0)


def dropout_backward(dout, keep, p):
    return np.where(keep, dout / (1 - p), 0.0)


def weight_decay_step(w, grad, lr, weight_decay):
    return w - lr * (grad + weight_decay * w)


def read_the_curves():
    plain = CURVES["no regularization"]["val_loss"]
    return {"no_regularization": "overfitting", "strong_weight_decay": "underfitting",
            "early_stop_epoch": int(np.argmin(plain)) + 1, "best_run": "dropout"}


CORRECT = {"spatial_dropout": spatial_dropout, "dropout_backward": dropout_backward,
           "weight_decay_step": weight_decay_step, "read_the_curves": read_the_curves}

(
    test_the_set_is_complete,
    test_correct_code_full_marks_and_stubs_zero,
    test_checks_never_raise,
    test_notebook_grades_full_when_solved_and_zero_as_stubs,
) = contract_tests(SET, CORRECT, SOURCE, STUDENT, odd_returns=ODD_RETURNS)


def test_torch_dropout2d_is_accepted():
    def torch_dropout2d(x, p, training, rng):
        torch.manual_seed(int(rng.integers(1 << 30)))
        return torch.nn.functional.dropout2d(torch.from_numpy(x), p, training).numpy()

    result = run("spatial_dropout", torch_dropout2d)
    assert result.points == result.max_points, result.report()


def _masked(shape):
    return lambda x, p, t, rng: x * (rng.random(shape(x)) >= p) / (1 - p) if t else x.copy()


SPATIAL_MISTAKES = {
    "single values": (_masked(lambda x: x.shape), "single values were dropped"),
    "same channels": (_masked(lambda x: (1, x.shape[1], 1, 1)), "not (1, C, 1, 1)"),
    "whole images": (_masked(lambda x: (x.shape[0], 1, 1, 1)), "whole images were dropped"),
    "not rescaled": (lambda x, p, t, rng: x * (rng.random(x.shape[:2] + (1, 1)) >= p) if t
                     else x, "not rescaled"),
    "old scaling": (lambda x, p, t, rng: x * (rng.random(x.shape[:2] + (1, 1)) >= p) * (1 - p)
                    if t else x, "test-time scaling"),
    "keep prob": (lambda x, p, t, rng: x * (rng.random(x.shape[:2] + (1, 1)) < p) / (1 - p)
                  if t else x, "probability of dropping"),
    "also in eval": (lambda x, p, t, rng: x * (rng.random(x.shape[:2] + (1, 1)) >= p) / (1 - p),
                     "training=False"),
    "global rng": (lambda x, p, t, rng: x * (np.random.random(x.shape[:2] + (1, 1)) >= p)
                   / (1 - p) if t else x, "not from np.random"),
    "nothing dropped": (lambda x, p, t, rng: x.copy(), "nothing was dropped"),
}


@pytest.mark.parametrize("mistake", SPATIAL_MISTAKES)
def test_spatial_dropout_mistakes_are_named(mistake):
    fn, message = SPATIAL_MISTAKES[mistake]
    result = run("spatial_dropout", fn)
    assert result.points < result.max_points and message in failures(result), result.report()


@pytest.mark.parametrize("fn,message", [
    (lambda d, k, p: d * k, "not rescaled by 1/(1 − p)"),
    (lambda d, k, p: d * k * (1 - p), "multiplied by (1 − p)"),
    (lambda d, k, p: d * ~k / (1 - p), "wrong way round"),
    (lambda d, k, p: d / (1 - p), "dropped units got a gradient"),
    (lambda d, k, p: d.copy(), "evaluation mode"),
    (lambda d, k, p: (d * k / (1 - p))[..., 0], "expected shape"),
])
def test_dropout_backward_mistakes_are_named(fn, message):
    result = run("dropout_backward", fn)
    assert result.points == 0 and message in failures(result), result.report()


def test_dropout_backward_of_spatial_dropout_broadcasts():
    def no_broadcast(dout, keep, p):
        if keep.shape != dout.shape:
            raise ValueError("shapes differ")
        return dout * keep / (1 - p)

    result = run("dropout_backward", no_broadcast)
    assert result.points == result.max_points - 1 and "ValueError" in failures(result)


def test_the_recorded_curves_show_what_the_answers_say():
    """The diagnoses are clear-cut on the recorded data, not a matter of threshold."""
    plain, strong = CURVES["no regularization"], CURVES["weight decay 0.3"]
    assert diagnose(plain) == "overfitting" and diagnose(strong) == "underfitting"
    assert plain["final_train_acc"][0] == 1.0 and strong["final_train_acc"][0] < 0.8
    assert plain["val_loss"][-1] > 1.15 * min(plain["val_loss"])
    final = sorted(run["val_acc"][-1] for run in CURVES.values())
    assert CURVES["dropout"]["val_acc"][-1] == final[-1] > final[-2] + 0.01


@pytest.mark.parametrize("answers,message", [
    ({"no_regularization": "underfitting"}, "it fits the training digits"),
    ({"no_regularization": "neither"}, "compare its lowest validation loss"),
    ({"strong_weight_decay": "overfitting"}, "has not even fitted"),
    ({"strong_weight_decay": "Underfitting"}, "answer with one of"),
    ({"early_stop_epoch": 30}, "early stopping watches the validation loss"),
    ({"early_stop_epoch": 25}, "well above its lowest"),
    ({"early_stop_epoch": 9.0}, "an int"),
    ({"best_run": "no regularization"}, "a low training loss is not the goal"),
    ({"best_run": "weight decay"}, "answer with one of"),
])
def test_curve_reading_mistakes_are_named(answers, message):
    result = run("read_the_curves", lambda: {**read_the_curves(), **answers})
    assert result.points == result.max_points - 1 and message in failures(result), (
        result.report())


@pytest.mark.parametrize("name,fn,message", [
    ("weight_decay_step", lambda w, g, lr, wd: w - lr * g - wd * w, "scaled by the learning"),
    ("weight_decay_step", lambda w, g, lr, wd: w - lr * g, "missing"),
    ("weight_decay_step", lambda w, g, lr, wd: w - lr * (g + 2 * wd * w), "not 2λ·w"),
])
def test_decay_mistakes_are_named(name, fn, message):
    result = run(name, fn)
    assert result.points < result.max_points and message in failures(result), result.report()


def test_an_in_place_update_is_reported():
    def in_place(w, grad, lr, weight_decay):
        w -= lr * (grad + weight_decay * w)
        return w

    assert "in place" in failures(run("weight_decay_step", in_place))

