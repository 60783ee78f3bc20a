"""Batch-normalization checks: full marks for correct code, none for stubs, a specific message for
each typical mistake, and no crash whatever the learner's function does."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from grading_contract import contract_tests, failures, run

from course_lib.grading import find_check
from tools.notebooks import ROOT

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


def batchnorm_backward(dout, x, gamma, eps=1e-5):
    # Written as a torch graph and differentiated: independent of the check's references.
    xt = torch.tensor(x, requires_grad=True)
    g = torch.tensor(gamma, requires_grad=True)
    b = torch.zeros(len(gamma), dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.batch_norm(xt, None, None, g, b, training=True, eps=eps)
    y.backward(torch.tensor(dout))
    return xt.grad.numpy(), g.grad.numpy(), b.grad.numpy()


def bn_mode_predictions():
    mean, var = 0.1 * 2, 0.9 + 0.1 * 2  # the unbiased variance of [1, 3] is 2
    return {"train_output": [-1, 1], "train_output_far": [-1, 1], "running_mean": mean,
            "running_var": var, "eval_output": [(1 - mean) / var**0.5, (3 - mean) / var**0.5]}


def batchnorm2d_train(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=(0, 2, 3), keepdims=True)
    var = x.var(axis=(0, 2, 3), keepdims=True)
    shape = (1, -1, 1, 1)
    return gamma.reshape(shape) * (x - mean) / np.sqrt(var + eps) + beta.reshape(shape)


CORRECT = {"batchnorm_train": batchnorm_train, "batchnorm_backward": batchnorm_backward,
           "running_update": running_update, "bn_mode_predictions": bn_mode_predictions,
           "batchnorm2d_train": batchnorm2d_train}

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



def _x_hat(x, eps=1e-5):
    return (x - x.mean(0)) / np.sqrt(x.var(0) + eps), np.sqrt(x.var(0) + eps)


def _no_mean_term(dout, x, g, eps):
    xh, std = _x_hat(x)
    d = g * dout
    return (d - xh * (d * xh).mean(0)) / std, (dout * xh).sum(0), dout.sum(0)


def _no_var_term(dout, x, g, eps):
    xh, std = _x_hat(x)
    d = g * dout
    return (d - d.mean(0)) / std, (dout * xh).sum(0), dout.sum(0)


def _constants(dout, x, g, eps):
    xh, std = _x_hat(x)
    return g * dout / std, (dout * xh).sum(0), dout.sum(0)


def _with(k, value):
    def answer(dout, x, g, eps):
        grads = list(batchnorm_backward(dout, x, g, eps))
        grads[k] = value(dout, x, g)
        return tuple(grads)

    return answer


@pytest.mark.parametrize("fn,message", [
    (_no_mean_term, "the term from the mean is missing"),
    (_no_var_term, "the term from the variance is missing"),
    (_constants, "as constants"),
    (_with(1, lambda d, x, g: (d * x).sum(0)), "not dout · x"),
    (_with(1, lambda d, x, g: d.sum(0)), "not dout alone"),
    (_with(2, lambda d, x, g: d.mean(0)), "not its mean"),
    (_with(2, lambda d, x, g: d.sum(1)), "sum over the batch (axis 0)"),
    (lambda d, x, g, eps: batchnorm_backward(d, x, g, eps)[0], "tuple of 3"),
])
def test_backward_mistakes_are_named(fn, message):
    result = run("batchnorm_backward", fn)
    assert result.points < result.max_points and message in failures(result), result.report()


def test_backward_mistakes_fail_every_case_that_can_show_them():
    # dout = 1 everywhere hides a missing variance term (Σ dout · x̂ = 0): only that case passes.
    result = run("batchnorm_backward", _no_var_term)
    assert result.points == 1, result.report()
    assert run("batchnorm_backward", _no_mean_term).points == 0


@pytest.mark.parametrize("answers,message", [
    ({"train_output": [1, 3]}, "fresh layer in evaluation mode"),
    ({"train_output": [-0.7071, 0.7071]}, "biased batch variance"),
    ({"train_output_far": [-0.7071, 0.7071]}, "biased variance"),
    ({"running_mean": 2.0}, "only a fraction"),
    ({"running_mean": 1.8}, "weight of the new batch"),
    ({"running_var": 1.0}, "unbiased"),
    ({"running_var": 1.9}, "weight of the new batch"),
    ({"eval_output": [-1, 1]}, "uses its running statistics"),
    ({"eval_output": [1, 3]}, "changed the running statistics"),
    ({"eval_output": [0.8]}, "a list of 2 numbers"),
    ({"eval_output": "[0.8, 2.8]"}, "expected a number or a list"),
    ({"running_var": ...}, "is still `...`"),
])
def test_prediction_mistakes_are_named(answers, message):
    result = run("bn_mode_predictions", lambda: {**bn_mode_predictions(), **answers})
    assert result.points == result.max_points - 1 and message in failures(result), (
        result.report())


def test_predictions_rounded_to_three_decimals_pass():
    answers = {k: np.round(v, 3).tolist() for k, v in bn_mode_predictions().items()}
    result = run("bn_mode_predictions", lambda: answers)
    assert result.points == result.max_points, result.report()


def test_the_backward_references_agree_with_the_library():
    """The check's autograd and centred differences agree with course_lib.ops' hand-written
    backward pass, which chapter 07 checks separately."""
    from course_lib.grading.batchnorm import _bn_forward
    from course_lib.grading.gradients import reference_gradients
    from course_lib.ops.batchnorm import batch_norm_backward

    rng = np.random.default_rng(0)
    x, gamma, dout = rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=(6, 3))
    autograd, numeric = reference_gradients(_bn_forward, (x, gamma, np.zeros(3)), dout)
    for ours, auto, num in zip(batch_norm_backward(dout, x, gamma), autograd, numeric,
                               strict=True):
        np.testing.assert_allclose(auto, ours, atol=1e-10)
        np.testing.assert_allclose(num, ours, atol=1e-7)


def test_a_reference_that_disagrees_with_itself_is_a_check_failure_not_a_pass():
    from course_lib.grading.gradients import reference_gradients

    def inconsistent(v):  # torch and NumPy see different functions
        return v * (2.0 if isinstance(v, torch.Tensor) else 3.0)

    with pytest.raises(RuntimeError, match="disagree"):
        reference_gradients(inconsistent, (np.ones(3),), np.ones(3))
