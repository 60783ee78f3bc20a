"""course_lib.ops.batchnorm against torch in float64: outputs of nn.BatchNorm1d/2d in training
and evaluation mode, the running buffers after several steps (momentum, unbiased variance), and
the backward pass against a numerical gradient and autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib.numerics import assert_close_to_torch, numerical_gradient_array, rel_error
from course_lib.ops.batchnorm import batch_norm, batch_norm_backward, batch_norm_stats


def test_worked_example_by_hand():
    x = np.array([[1.0], [2.0], [3.0], [6.0]])  # μ = 3, σ² = (4 + 1 + 0 + 9) / 4 = 3.5
    mean, var, m = batch_norm_stats(x)
    assert (mean[0], var[0], m) == (3.0, 3.5, 4)
    rm, rv = np.zeros(1), np.ones(1)
    y = batch_norm(x, rm, rv, training=True, eps=0.0)
    np.testing.assert_allclose(y[:, 0], (x[:, 0] - 3) / np.sqrt(3.5))
    np.testing.assert_allclose(rm, [0.3])  # 0.9 · 0 + 0.1 · 3
    np.testing.assert_allclose(rv, [0.9 + 0.1 * 3.5 * 4 / 3])  # unbiased: 3.5 · m / (m − 1)


def test_statistics_pool_n_h_w_per_channel():
    x = np.random.default_rng(0).normal(size=(32, 1, 6, 6))
    mean, var, m = batch_norm_stats(x)
    assert m == 32 * 6 * 6 == 1152
    np.testing.assert_allclose(mean, [x.mean()])
    np.testing.assert_allclose(var, [x.var()])


@pytest.mark.parametrize("shape", [(16, 5), (8, 3, 10), (6, 4, 5, 7)])
def test_training_and_eval_match_torch_with_running_buffers(shape):
    rng = np.random.default_rng(1)
    c = shape[1]
    layer = {2: torch.nn.BatchNorm1d, 3: torch.nn.BatchNorm1d, 4: torch.nn.BatchNorm2d}[
        len(shape)](c, momentum=0.2).double()
    gamma, beta = rng.normal(size=c), rng.normal(size=c)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(gamma))
        layer.bias.copy_(torch.from_numpy(beta))
    rm, rv = np.zeros(c), np.ones(c)
    for step in range(5):  # several batches: the running averages must track torch's exactly
        x = rng.normal(2.0, 3.0, size=shape)
        ours = batch_norm(x, rm, rv, gamma, beta, training=True, momentum=0.2)
        theirs = layer(torch.from_numpy(x))
        assert_close_to_torch(ours, theirs, rtol=1e-10, atol=1e-12, what=f"train output {step}")
    assert_close_to_torch(rm, layer.running_mean, rtol=1e-12, atol=1e-14, what="running_mean")
    assert_close_to_torch(rv, layer.running_var, rtol=1e-12, atol=1e-14, what="running_var")
    layer.eval()
    x = rng.normal(size=shape)
    assert_close_to_torch(batch_norm(x, rm, rv, gamma, beta, training=False),
                          layer(torch.from_numpy(x)), rtol=1e-10, atol=1e-12, what="eval output")


def test_eval_mode_leaves_buffers_alone_and_needs_them():
    x = np.random.default_rng(2).normal(size=(4, 3))
    rm, rv = np.full(3, 0.5), np.full(3, 2.0)
    batch_norm(x, rm, rv)
    np.testing.assert_array_equal(rm, 0.5)
    np.testing.assert_array_equal(rv, 2.0)
    with pytest.raises(ValueError, match="running_mean"):
        batch_norm(x, None, None)


def test_running_statistics_converge_to_the_population():
    rng = np.random.default_rng(3)
    rm, rv = np.zeros(2), np.ones(2)
    for _ in range(300):
        batch_norm(rng.normal([1.0, -4.0], [2.0, 0.5], size=(64, 2)), rm, rv, training=True)
    np.testing.assert_allclose(rm, [1.0, -4.0], atol=0.15)
    np.testing.assert_allclose(rv, [4.0, 0.25], rtol=0.15)


def test_bad_shapes_are_reported():
    with pytest.raises(ValueError, match=r"\(N, C\)"):
        batch_norm(np.zeros(5), None, None, training=True)
    with pytest.raises(ValueError, match="more than 1 value"):
        batch_norm(np.zeros((1, 3)), None, None, training=True)
    with pytest.raises(ValueError, match="weight must have shape"):
        batch_norm(np.zeros((4, 3)), None, None, np.ones(2), training=True)


@pytest.mark.parametrize("shape", [(5, 3), (3, 2, 4, 3)])
def test_backward_passes_numerical_gradient_checks(shape):
    rng = np.random.default_rng(4)
    x = rng.normal(1.0, 2.0, size=shape)
    c = shape[1]
    gamma, beta = rng.normal(size=c), rng.normal(size=c)
    dout = rng.normal(size=shape)
    dx, dgamma, dbeta = batch_norm_backward(dout, x, gamma)

    def forward(x_=x, g=gamma, b=beta):
        return batch_norm(x_, None, None, g, b, training=True)

    assert rel_error(dx, numerical_gradient_array(lambda v: forward(x_=v), x, dout)) < 1e-6
    assert rel_error(dgamma, numerical_gradient_array(lambda v: forward(g=v), gamma, dout)) < 1e-7
    assert rel_error(dbeta, numerical_gradient_array(lambda v: forward(b=v), beta, dout)) < 1e-7


def test_backward_matches_torch_autograd():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(8, 4, 3, 3))
    gamma, beta, dout = rng.normal(size=4), rng.normal(size=4), rng.normal(size=x.shape)
    xt, gt, bt = (torch.tensor(a, requires_grad=True) for a in (x, gamma, beta))
    torch.nn.functional.batch_norm(xt, None, None, gt, bt, training=True).backward(
        torch.from_numpy(dout))
    dx, dgamma, dbeta = batch_norm_backward(dout, x, gamma)
    for ours, theirs, what in ((dx, xt, "dx"), (dgamma, gt, "dgamma"), (dbeta, bt, "dbeta")):
        assert_close_to_torch(ours, theirs.grad, rtol=1e-9, atol=1e-12, what=what)
