"""The softmax_cross_entropy_grad check (course_lib.grading.softmax, exercise set neural_networks):
its two references (autograd, central differences) agree, and each typical mistake in deriving
∂L/∂z is named. The set's contract tests are in test_perceptron_mlp.py."""

from __future__ import annotations

import numpy as np
import pytest
from grading_contract import failure_messages

from course_lib.grading.softmax import numerical_softmax_ce_grad, torch_softmax_ce
from course_lib.numerics import rel_error

SET = "neural_networks"
NAME = "softmax_cross_entropy_grad"


def _messages(fn):
    return failure_messages(SET, NAME, fn)


def _probabilities(z, axis=1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _onehot(z, labels):
    return np.eye(z.shape[1])[labels]


def right(z, labels):
    return (_probabilities(z) - _onehot(z, labels)) / len(z)


@pytest.mark.parametrize("shape", [(1, 3), (4, 5), (16, 10), (2, 2)])
def test_autograd_and_numerical_gradients_agree(shape):
    rng = np.random.default_rng(shape[0] * 10 + shape[1])
    z, labels = rng.standard_normal(shape) * 3, rng.integers(0, shape[1], shape[0])
    loss, grad = torch_softmax_ce(z, labels)
    np.testing.assert_allclose(grad, numerical_softmax_ce_grad(z, labels), rtol=1e-6, atol=1e-9)
    assert rel_error(grad, right(z, labels)) < 1e-9
    assert loss == pytest.approx(-np.log(_probabilities(z)[np.arange(len(z)), labels]).mean())


@pytest.mark.parametrize("wrong,message", [
    (lambda z, y: right(z, y) * len(z), "MEAN over the N examples"),
    (lambda z, y: -right(z, y), "sign is flipped"),
    (lambda z, y: _probabilities(z) / len(z), "that term is missing"),
    (lambda z, y: _onehot(z, y) * right(z, y), "only the right class's logit"),
    (lambda z, y: (z - _onehot(z, y)) / len(z), "not the raw logits"),
    (lambda z, y: right(z, y) / z.shape[1], "divide by the N examples only"),
    (lambda z, y: (_probabilities(z, axis=0) - _onehot(z, y)) / len(z), "each example's row"),
    (lambda z, y: (1 / (1 + np.exp(-np.clip(z, -500, 500))) - _onehot(z, y)) / len(z),
     "a sigmoid on every class"),
])
def test_derivation_mistakes_are_named(wrong, message):
    assert message in _messages(wrong)


def test_overflow_and_in_place_changes_are_named():
    def naive(z, labels):
        with np.errstate(over="ignore", invalid="ignore"):
            p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return (p - _onehot(z, labels)) / len(z)

    def in_place(z, labels):
        z -= z.max(axis=1, keepdims=True)
        return right(z, labels)

    assert "exp of logits this large overflows" in _messages(naive)
    assert "changed its input array in place" in _messages(in_place)
