"""Tests of course_lib.two_layer_net: forward and hand-written backward against torch autograd and
centred differences, a numerically safe loss, and gradient descent solving XOR."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib.numerics import numerical_gradient, rel_error
from course_lib.perceptron import GATE_TARGETS, INPUTS
from course_lib.two_layer_net import (
    backward,
    bce_loss,
    forward,
    init_params,
    predict_proba,
    train_gd,
)


def _problem(seed=0, n=6, d=3, h=4, o=2):
    rng = np.random.default_rng(seed)
    params = {"W1": rng.standard_normal((h, d)), "b1": rng.standard_normal(h),
              "W2": rng.standard_normal((o, h)), "b2": rng.standard_normal(o)}
    return rng.standard_normal((n, d)), rng.integers(0, 2, (n, o)).astype(float), params


def test_init_params_shapes_follow_nn_linear():
    p = init_params(2, 5, 1, seed=0)
    assert {k: v.shape for k, v in p.items()} == {"W1": (5, 2), "b1": (5,), "W2": (1, 5),
                                                  "b2": (1,)}
    assert np.all(p["b1"] == 0) and np.abs(p["W1"]).max() <= np.sqrt(6 / 7)
    with pytest.raises(ValueError, match="hidden"):
        init_params(2, 0)


def test_forward_and_backward_match_torch():
    x, y, params = _problem()
    p, cache = forward(x, params)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    z2 = F.linear(torch.tanh(F.linear(torch.tensor(x), t["W1"], t["b1"])), t["W2"], t["b2"])
    loss = F.binary_cross_entropy_with_logits(z2, torch.tensor(y))
    loss.backward()
    assert rel_error(p, torch.sigmoid(z2).detach()) < 1e-12
    assert bce_loss(cache["z2"], y) == pytest.approx(loss.item(), rel=1e-12)
    grads = backward(cache, y)
    for k in params:
        assert rel_error(grads[k], t[k].grad) < 1e-10, k


@pytest.mark.parametrize("name", ["W1", "b1", "W2", "b2"])
def test_backward_matches_centred_differences(name):
    x, y, params = _problem(seed=1, o=1)
    grads = backward(forward(x, params)[1], y)
    num = numerical_gradient(lambda _: bce_loss(forward(x, params)[1]["z2"], y), params[name])
    assert rel_error(grads[name], num) < 1e-7


def test_loss_is_finite_for_huge_logits():
    assert bce_loss(np.array([[800.0], [-800.0]]), np.array([1, 0])) == pytest.approx(0.0)
    assert bce_loss(np.array([[800.0]]), np.array([0])) == pytest.approx(800.0)
    params = {"W1": np.ones((1, 1)), "b1": np.zeros(1), "W2": np.full((1, 1), 1e4),
              "b2": np.zeros(1)}
    assert np.all(np.isfinite(predict_proba(np.array([[-5.0], [5.0]]), params)))


def test_gradient_descent_learns_xor_with_enough_hidden_units():
    trace = train_gd(INPUTS, GATE_TARGETS["XOR"], hidden=8, lr=1.0, steps=2000, seed=0,
                     snapshot_steps=(0, 100))
    assert len(trace.losses) == 2001 and trace.losses[0] > trace.losses[-1]
    assert trace.losses[-1] < 0.01
    assert ((predict_proba(INPUTS, trace.params) > 0.5) == GATE_TARGETS["XOR"]).all()
    assert set(trace.snapshots) == {0, 100}
    assert np.array_equal(trace.snapshots[0]["W1"], init_params(2, 8, 1, seed=0)["W1"])


def test_one_hidden_unit_cannot_learn_xor():
    trace = train_gd(INPUTS, GATE_TARGETS["XOR"], hidden=1, lr=1.0, steps=2000, seed=0)
    assert ((predict_proba(INPUTS, trace.params) > 0.5) == GATE_TARGETS["XOR"]).sum() < 4
    assert trace.losses[-1] > 0.4
