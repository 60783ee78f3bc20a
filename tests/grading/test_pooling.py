"""Chapter 05's exercise checks (max_pool2d and its backward pass, avg_pool2d and its backward
pass, stochastic_pool_inference): full marks for correct code, none for stubs, a specific message
for each typical mistake, never an exception; the notebook's solutions full marks, its stubs
zero."""

from __future__ import annotations

import numpy as np
import pytest
from grading_contract import assert_check_contract, assert_notebook_contract, failures, run

from course_lib.grading import EXERCISE_SETS
from course_lib.grading.pooling import POOLING_X, torch_pool2d
from course_lib.grading.pooling_backward import pool2d_gradient
from tools.notebooks import ROOT

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


def _backward(dout, shape, k, stride, share):
    """dx, element by element: every window sends its dout to the elements `share` picks."""
    s = stride or k
    dx = np.zeros(shape)
    for i, j in _windows(np.zeros(shape), k, s):
        for n, c in np.ndindex(shape[:2]):
            for (u, v), part in share(n, c, i, j).items():
                dx[n, c, i * s + u, j * s + v] += part * dout[n, c, i, j]
    return dx


def max_pool2d_backward(dout, x, kernel_size, stride=None, assign=False):
    s = stride or kernel_size

    def winner(n, c, i, j):
        w = x[n, c, i * s : i * s + kernel_size, j * s : j * s + kernel_size]
        return {np.unravel_index(int(np.argmax(w)), w.shape): 1.0}

    if not assign:
        return _backward(dout, x.shape, kernel_size, stride, winner)
    dx = np.zeros(x.shape)  # the mistake: overlapping windows overwrite each other
    for i, j in np.ndindex(dout.shape[2:]):
        for n, c in np.ndindex(x.shape[:2]):
            [(u, v)] = winner(n, c, i, j)
            dx[n, c, i * s + u, j * s + v] = dout[n, c, i, j]
    return dx


def avg_pool2d_backward(dout, input_shape, kernel_size, stride=None, scale=None):
    k = kernel_size
    share = scale if scale is not None else 1 / (k * k)
    return _backward(dout, input_shape, k, stride,
                     lambda n, c, i, j: {(u, v): share for u in range(k) for v in range(k)})


def stochastic_pool_inference(x, kernel_size):
    def expectation(w):
        total = w.sum(axis=(2, 3))
        return np.divide((w**2).sum(axis=(2, 3)), total, out=np.zeros_like(total),
                         where=total > 0)

    return _pool(x, kernel_size, None, expectation)


CORRECT = {"max_pool2d": max_pool2d, "max_pool2d_backward": max_pool2d_backward,
           "avg_pool2d": avg_pool2d, "avg_pool2d_backward": avg_pool2d_backward,
           "stochastic_pool_inference": stochastic_pool_inference}
NAMES = [c.name for c in EXERCISE_SETS[SET]]
ODD_RETURNS = [None, "text", 3, np.zeros(()), np.full((1, 1, 2, 2), np.nan), [[1.0]]]





def test_the_set_has_the_five_exercises():
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


# ------------------------------------------------------------------------------ backward passes


@pytest.mark.parametrize("kind,k,stride", [("max", 2, None), ("max", 3, 2), ("max", 3, 1),
                                           ("avg", 2, None), ("avg", 3, 2)])
def test_the_backward_references_are_autograd_and_central_differences(kind, k, stride):
    rng = np.random.default_rng(k)
    x = rng.permutation(2 * 2 * 7 * 8).reshape(2, 2, 7, 8) / 7.0  # no ties
    H_out, W_out = (7 - k) // (stride or k) + 1, (8 - k) // (stride or k) + 1
    dout = rng.standard_normal((2, 2, H_out, W_out))
    exact = pool2d_gradient(kind, dout, x, k, stride)
    np.testing.assert_allclose(exact, pool2d_gradient(kind, dout, x, k, stride, numerical=True),
                               atol=1e-6)
    mine = (max_pool2d_backward(dout, x, k, stride) if kind == "max"
            else avg_pool2d_backward(dout, x.shape, k, stride))
    np.testing.assert_allclose(exact, mine, atol=1e-12)


def test_max_pool_backward_mistakes():
    every = run("max_pool2d_backward", lambda d, x, k, stride=None:
                avg_pool2d_backward(d, x.shape, k, stride, scale=1.0))
    assert every.points == 0 and "route dout to the winner" in failures(every)
    averaged = run("max_pool2d_backward", lambda d, x, k, stride=None:
                   avg_pool2d_backward(d, x.shape, k, stride))
    assert averaged.points == 0 and "that is average pooling's backward" in failures(averaged)
    assigned = run("max_pool2d_backward", lambda d, x, k, stride=None:
                   max_pool2d_backward(d, x, k, stride, assign=True))
    assert assigned.points == 2 and "add (+=), do not assign" in failures(assigned)


def test_avg_pool_backward_mistakes():
    unscaled = run("avg_pool2d_backward", lambda d, shape, k, stride=None:
                   avg_pool2d_backward(d, shape, k, stride, scale=1.0))
    assert unscaled.points == 0 and "share dout / 4" in failures(unscaled)
    assert "share dout / 9" in failures(unscaled)
    maxed = run("avg_pool2d_backward", lambda d, shape, k, stride=None:
                max_pool2d_backward(d, np.arange(np.prod(shape)).reshape(shape), k, stride))
    assert maxed.points == 0
    wrong_shape = run("avg_pool2d_backward", lambda d, shape, k, stride=None: d)
    assert wrong_shape.points == 0 and "expected shape (1, 1, 4, 4), got (1, 1, 2, 2)" in failures(
        wrong_shape)


# --------------------------------------------------------------------------------- notebooks


def test_solution_notebook_scores_full_marks_and_student_copy_zero():
    assert_notebook_contract(SET, SOURCE, STUDENT)
