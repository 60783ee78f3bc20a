"""Tests of the numerical checking helpers (course_lib.numerics): known gradients, a linear layer
against autograd in float64, and the messages of assert_close_to_torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib.numerics import (
    assert_close_to_torch,
    numerical_gradient,
    numerical_gradient_array,
    rel_error,
)


def test_rel_error_values():
    assert rel_error(np.ones(3), np.ones(3)) == 0.0
    assert rel_error([1.0, 2.0], [1.0, 3.0]) == pytest.approx(1 / 5)
    assert rel_error(0.0, 0.0) == 0.0  # the 1e-8 floor avoids 0/0
    assert rel_error(torch.tensor([2.0]), np.array([2.0])) == 0.0
    with pytest.raises(ValueError, match="shapes"):
        rel_error(np.ones(2), np.ones(3))


def test_numerical_gradient_of_sum_of_squares():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4))
    x_before = x.copy()
    grad = numerical_gradient(lambda v: np.sum(v**2), x)
    assert rel_error(grad, 2 * x) < 1e-8
    np.testing.assert_array_equal(x, x_before)  # x is restored


def test_numerical_gradient_of_sin():
    x = np.linspace(-3, 3, 11)
    grad = numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    # rel_error is large where cos is ~0; compare absolutely there (O(h²) ≈ 1e-10 truncation).
    np.testing.assert_allclose(grad, np.cos(x), rtol=1e-7, atol=1e-9)


def test_numerical_gradient_array_of_elementwise_function():
    rng = np.random.default_rng(1)
    x, dout = rng.standard_normal(5), rng.standard_normal(5)
    grad = numerical_gradient_array(np.tanh, x, dout)
    assert rel_error(grad, dout * (1 - np.tanh(x) ** 2)) < 1e-8


def test_linear_layer_gradients_match_autograd_float64():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 5))  # (N, in_features)
    w = rng.standard_normal((3, 5))  # (out_features, in_features), as in nn.Linear
    b = rng.standard_normal(3)
    dout = rng.standard_normal((4, 3))

    def linear(x_, w_, b_):
        return x_ @ w_.T + b_  # (N, out_features)

    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    torch.nn.functional.linear(xt, wt, bt).backward(torch.tensor(dout))

    dx = numerical_gradient_array(lambda v: linear(v, w, b), x, dout)
    dw = numerical_gradient_array(lambda v: linear(x, v, b), w, dout)
    db = numerical_gradient_array(lambda v: linear(x, w, v), b, dout)
    for name, ours, theirs in (("dx", dx, xt.grad), ("dw", dw, wt.grad), ("db", db, bt.grad)):
        assert rel_error(ours, theirs) < 1e-8, name
        assert_close_to_torch(ours, theirs, rtol=1e-7, atol=1e-9, what=name)


def test_scalar_loss_gradient_matches_autograd():
    # A softmax cross-entropy loss: gradient check of a non-linear scalar function.
    rng = np.random.default_rng(3)
    logits, target = rng.standard_normal((3, 4)), np.array([0, 3, 1])

    def loss(z):
        z = z - z.max(axis=1, keepdims=True)
        return np.mean(np.log(np.exp(z).sum(axis=1)) - z[np.arange(3), target])

    zt = torch.tensor(logits, requires_grad=True)
    torch.nn.functional.cross_entropy(zt, torch.tensor(target)).backward()
    assert rel_error(numerical_gradient(loss, logits.copy()), zt.grad) < 1e-7


def test_numerical_gradient_needs_floats():
    with pytest.raises(TypeError, match="floating"):
        numerical_gradient(lambda v: v.sum(), np.arange(3))


def test_assert_close_to_torch_passes_and_fails_with_location():
    a = torch.arange(6, dtype=torch.float64).reshape(2, 3)
    assert_close_to_torch(a.numpy() + 1e-12, a, what="same")
    b = a.clone()
    b[1, 2] += 0.5
    with pytest.raises(AssertionError, match=r"conv out: 1 of 6 values .* at index \(1, 2\)"):
        assert_close_to_torch(b.numpy(), a, what="conv out")
    with pytest.raises(AssertionError, match=r"expected shape \(2, 3\), got \(3, 2\)"):
        assert_close_to_torch(np.zeros((3, 2)), a)
    with pytest.raises(AssertionError, match="NaN"):
        assert_close_to_torch(np.full((2, 3), np.nan), a)
