"""Batch-normalization checks: full marks for correct code, none for stubs, a specific message for
each typical mistake, and no crash whatever the learner's function does."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from grading_contract import contract_tests, failures, run

from course_lib.authoring.notebooks import ROOT
from course_lib.grading import find_check

SET = "batch_normalization"
SOURCE = ROOT / "exercises" / "source" / "07_batch_normalization.ipynb"
STUDENT = ROOT / "exercises" / "07_batch_normalization.ipynb"
# What a careless learner's function might return instead of the answer.
ODD_RETURNS = [None, "text", {}, 1e300, np.zeros(()), np.ones(3, dtype=complex),
               np.array([object()]), np.full((2, 2), np.inf), torch.ones(2), (1, 2),
               (np.zeros(3), "x")]

# ------------------------------------------------------ reference answers, written independently


def batchnorm_train(x, gamma, beta, eps=1e-5):
    mean, var = x.mean(axis=0), x.var(axis=0)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta


def running_update(running_mean, running_var, x, momentum=0.1):
    m = x.shape[0]
    new_mean = (1 - momentum) * running_mean + momentum * x.mean(axis=0)
    new_var = (1 - momentum) * running_var + momentum * x.var(axis=0) * m / (m - 1)
    return new_mean, new_var


def batchnorm_eval(x, running_mean, running_var, gamma, beta, eps=1e-5):
    return gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta


def batchnorm2d_train(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    shape = (1, -1, 1, 1)
    return gamma.reshape(shape) * (x - mean) / np.sqrt(var + eps) + beta.reshape(shape)


CORRECT = {"batchnorm_train": batchnorm_train, "running_update": running_update,
           "batchnorm_eval": batchnorm_eval, "batchnorm2d_train": batchnorm2d_train}

(
    test_the_set_is_complete,
    test_correct_code_full_marks_and_stubs_zero,
    test_checks_never_raise,
    test_notebook_grades_full_when_solved_and_zero_as_stubs,
) = contract_tests(SET, CORRECT, SOURCE, STUDENT, odd_returns=ODD_RETURNS)


def test_torch_module_answers_pass():
    def with_module(x, gamma, beta, eps=1e-5):
        layer = torch.nn.BatchNorm2d(x.shape[1], eps=eps).double()
        with torch.no_grad():
            layer.weight.copy_(torch.from_numpy(gamma))
            layer.bias.copy_(torch.from_numpy(beta))
            return layer(torch.from_numpy(x)).numpy()

    result = run("batchnorm2d_train", with_module)
    assert result.points == find_check("batchnorm2d_train").max_points


def _bn(x, mean, var, gamma, beta, eps=1e-5, outside=False):
    std = np.sqrt(var) + eps if outside else np.sqrt(var + eps)
    return gamma * (x - mean) / std + beta


MISTAKES = [
    ("batchnorm_train", lambda x, g, b, eps: _bn(x, x.mean(0), x.var(0, ddof=1), g, b),
     "biased variance"),
    ("batchnorm_train", lambda x, g, b, eps: _bn(x, x.mean(0), x.var(0), g, b, outside=True),
     "inside the square root"),
    ("batchnorm_train", lambda x, g, b, eps: _bn(x, x.mean(0), x.var(0), 1, 0),
     "γ and β are missing"),
    ("batchnorm_train", lambda x, g, b, eps: _bn(x, x.mean(1, keepdims=True),
                                                 x.var(1, keepdims=True), g, b), "axis 0"),
    ("running_update", lambda rm, rv, x, m: ((1 - m) * rm + m * x.mean(0),
                                             (1 - m) * rv + m * x.var(0)), "unbiased"),
    ("running_update", lambda rm, rv, x, m: (m * rm + (1 - m) * x.mean(0),
                                             m * rv + (1 - m) * x.var(0, ddof=1)),
     "weight of the *new* batch"),
    ("running_update", lambda rm, rv, x, m: (x.mean(0), x.var(0, ddof=1)), "blend them"),
    ("running_update", lambda rm, rv, x, m: ((1 - m) * rm + m * x.mean(0),), "tuple of 2"),
    ("batchnorm_eval", lambda x, rm, rv, g, b, eps: _bn(x, x.mean(0), x.var(0), g, b),
     "running statistics"),
    ("batchnorm2d_train", lambda x, g, b, eps: _bn(
        x, x.mean(0, keepdims=True), x.var(0, keepdims=True), g.reshape(1, -1, 1, 1),
        b.reshape(1, -1, 1, 1)), "axes 0, 2, 3"),
    ("batchnorm2d_train", lambda x, g, b, eps: _bn(x, x.mean(), x.var(), g.reshape(1, -1, 1, 1),
                                                   b.reshape(1, -1, 1, 1)), "one per channel"),
]


@pytest.mark.parametrize("name,fn,message", MISTAKES)
def test_typical_mistakes_are_named(name, fn, message):
    result = run(name, fn)
    assert result.points < result.max_points and message in failures(result), result.report()

