"""Chapter 05's exercise checks (max_pool2d, avg_pool2d, global_avg_pool2d,
stochastic_pool_inference): full marks for correct code, none for stubs, a specific message for
each typical mistake, never an exception; the notebook's solutions full marks, its stubs zero."""

from __future__ import annotations

import numpy as np
import pytest
from grading_contract import assert_check_contract, assert_notebook_contract, failures, run

from course_lib.authoring.notebooks import ROOT
from course_lib.grading import EXERCISE_SETS
from course_lib.grading.pooling import POOLING_X, torch_pool2d

SET = "pooling"
SOURCE = ROOT / "exercises" / "source" / "05_pooling.ipynb"
STUDENT = ROOT / "exercises" / "05_pooling.ipynb"

# ------------------------------------------------------ reference answers, written independently


def _windows(x, k, stride, ceil_mode=False):
    """{(i, j): window (N, C, ≤k, ≤k)} over x (N, C, H, W), floor or ceil mode."""
    H, W = x.shape[2:]
    last = (lambda n: -(-(n - k) // stride) + 1) if ceil_mode else (lambda n: (n - k) // stride + 1)
    return {(i, j): x[:, :, i * stride : i * stride + k, j * stride : j * stride + k]
            for i in range(last(H)) for j in range(last(W))}


def _pool(x, k, stride, reduce, ceil_mode=False):
    windows = _windows(x, k, stride or k, ceil_mode)
    H_out, W_out = max(i for i, _ in windows) + 1, max(j for _, j in windows) + 1
    out = np.zeros(x.shape[:2] + (H_out, W_out))
    for (i, j), w in windows.items():
        out[:, :, i, j] = reduce(w)
    return out


def max_pool2d(x, kernel_size, stride=None, ceil_mode=False):
    return _pool(x, kernel_size, stride, lambda w: w.max(axis=(2, 3)), ceil_mode)


def avg_pool2d(x, kernel_size, stride=None):
    return _pool(x, kernel_size, stride, lambda w: w.mean(axis=(2, 3)))


def global_avg_pool2d(x):
    return x.mean(axis=(2, 3))


def stochastic_pool_inference(x, kernel_size):
    def expectation(w):
        total = w.sum(axis=(2, 3))
        return np.divide((w**2).sum(axis=(2, 3)), total, out=np.zeros_like(total),
                         where=total > 0)

    return _pool(x, kernel_size, None, expectation)


CORRECT = {"max_pool2d": max_pool2d, "avg_pool2d": avg_pool2d,
           "global_avg_pool2d": global_avg_pool2d,
           "stochastic_pool_inference": stochastic_pool_inference}
NAMES = [c.name for c in EXERCISE_SETS[SET]]
ODD_RETURNS = [None, "text", 3, np.zeros(()), np.full((1, 1, 2, 2), np.nan), [[1.0]]]





def test_the_set_has_the_four_exercises():
    assert NAMES == list(CORRECT)


def test_references_give_the_curriculum_numbers():
    x = POOLING_X[None, None]
    np.testing.assert_array_equal(torch_pool2d("max", x, 2)[0, 0], [[6, 8], [3, 4]])
    np.testing.assert_array_equal(torch_pool2d("avg", x, 2)[0, 0], [[3, 4.75], [1.75, 1.75]])
    np.testing.assert_allclose(torch_pool2d("stochastic", x, 2)[0, 0],
                               [[54 / 12, 113 / 19], [15 / 7, 3]])
    assert torch_pool2d("max", np.zeros((1, 1, 7, 7)), 2, ceil_mode=True).shape[-1] == 4


@pytest.mark.parametrize("name", NAMES)
def test_full_marks_for_correct_code_none_for_stubs_and_no_exception(name):
    assert_check_contract(SET, name, CORRECT[name], ODD_RETURNS)


# ------------------------------------------------------------------------- typical mistakes


def test_max_pool_starting_from_zero():
    def from_zero(x, kernel_size, stride=None, ceil_mode=False):
        return np.maximum(max_pool2d(x, kernel_size, stride, ceil_mode), 0)

    result = run("max_pool2d", from_zero)
    assert result.points == 2 and "start from -inf" in failures(result)


def test_max_pool_with_stride_one_by_default():
    result = run("max_pool2d", lambda x, k, stride=None, ceil_mode=False:
                 max_pool2d(x, k, stride or 1, ceil_mode))
    assert "stride=None means stride = kernel_size" in failures(result)


def test_max_pool_without_ceil_mode():
    result = run("max_pool2d", lambda x, k, stride=None, ceil_mode=False: max_pool2d(x, k, stride))
    assert result.points == 3
    assert "expected shape (1, 2, 4, 4), got (1, 2, 3, 3): ceil_mode=True keeps" in failures(result)


def test_average_that_is_a_sum_or_a_max():
    summed = run("avg_pool2d", lambda x, k, stride=None: avg_pool2d(x, k, stride) * k * k)
    assert summed.points == 0 and "that is the window's sum: divide by the 4" in failures(summed)
    maxed = run("avg_pool2d", lambda x, k, stride=None: max_pool2d(x, k, stride))
    assert "that is max pooling" in failures(maxed)


@pytest.mark.parametrize("wrong,message", [
    (lambda x: x.mean(axis=(2, 3), keepdims=True), "no trailing 1×1 axes"),
    (lambda x: x.max(axis=(2, 3)), "global max pooling"),
    (lambda x: x.sum(axis=(2, 3)), "divide by H·W"),
])
def test_global_average_mistakes(wrong, message):
    result = run("global_avg_pool2d", wrong)
    assert result.points < result.max_points and message in failures(result)


def test_stochastic_inference_mistakes():
    average = run("stochastic_pool_inference", lambda x, k: avg_pool2d(x, k))
    assert average.points == 0 and "that is average pooling" in failures(average)

    def zero_over_zero(x, k):
        with np.errstate(invalid="ignore"):
            return _pool(x, k, None, lambda w: (w**2).sum(axis=(2, 3)) / w.sum(axis=(2, 3)))

    nan = run("stochastic_pool_inference", zero_over_zero)
    assert nan.points == 2 and "a window of zeros has Σ a_k = 0" in failures(nan)
    squares = run("stochastic_pool_inference",
                  lambda x, k: _pool(x, k, None, lambda w: (w**2).sum(axis=(2, 3))))
    assert "you returned Σ a_i²" in failures(squares)


# --------------------------------------------------------------------------------- notebooks


def test_solution_notebook_scores_full_marks_and_student_copy_zero():
    assert_notebook_contract(SET, SOURCE, STUDENT)
