"""Checks of chapter 02's exercises (gate weights, the perceptron rule, an MLP's forward and
backward passes): full marks for correct code, none for stubs, a specific message for typical
mistakes, never an exception; the exercise notebook grades full for its solutions, zero as stubs."""

from __future__ import annotations

import numpy as np
from grading_contract import contract_tests, failure_messages

from course_lib.authoring.notebooks import ROOT
from course_lib.grading import run_check

SET = "neural_networks"
SOURCE = ROOT / "exercises" / "source" / "02_neural_networks.ipynb"
STUDENT = ROOT / "exercises" / "02_neural_networks.ipynb"

# ------------------------------------------------------ reference answers, written independently


def gate_weights(gate):
    return {"AND": (2, 2, -3), "OR": (2, 2, -1), "NAND": (-2, -2, 3), "NOR": (-2, -2, 1)}[gate]


def perceptron_step(w, b, x, target, lr):
    y = 1 if np.dot(w, x) + b >= 0 else 0
    return w + lr * (target - y) * x, b + lr * (target - y)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def mlp_forward(x, W1, b1, W2, b2):
    return sigmoid(np.tanh(x @ W1.T + b1) @ W2.T + b2)


def mlp_backward(x, y, W1, b1, W2, b2):
    h = np.tanh(x @ W1.T + b1)
    p = sigmoid(h @ W2.T + b2)
    d2 = (p - y) / y.size
    d1 = (d2 @ W2) * (1 - h * h)
    return {"W1": d1.T @ x, "b1": d1.sum(0), "W2": d2.T @ h, "b2": d2.sum(0)}


CORRECT = {"gate_weights": gate_weights, "perceptron_step": perceptron_step,
           "mlp_forward": mlp_forward, "mlp_backward": mlp_backward}
(
    test_the_set_is_complete,
    test_correct_code_full_marks_and_stubs_zero,
    test_checks_never_raise,
    test_notebook_grades_full_when_solved_and_zero_as_stubs,
) = contract_tests(SET, CORRECT, SOURCE, STUDENT)


def run(name, fn):
    return run_check(name, fn, SET, verbose=False)


def _messages(name, fn):
    return failure_messages(SET, name, fn)


def test_gate_mistakes_are_named():
    swap = {"AND": "OR", "OR": "AND"}
    swapped = _messages("gate_weights", lambda g: gate_weights(swap.get(g, g)))
    assert "these weights compute OR" in swapped and "lower b" in swapped
    assert "compute AND" in swapped and "raise b" in swapped
    positive = _messages("gate_weights", lambda g: (1, 1, 0.5) if g == "NOR" else gate_weights(g))
    assert "negative weights" in positive
    assert "three numbers" in _messages("gate_weights", lambda g: (1, 1))
    assert run("gate_weights", lambda g: (1, 1, -1.5) if g == "AND" else (0, 0, 0)).points == 1


def test_perceptron_rule_mistakes_are_named():
    def wrong_sign(w, b, x, t, lr):
        nw, nb = perceptron_step(w, b, x, t, lr)
        return 2 * w - nw, 2 * b - nb

    def by_target(w, b, x, t, lr):
        return w + lr * t * x, b + lr * t

    def strict(w, b, x, t, lr):
        y = 1 if np.dot(w, x) + b > 0 else 0
        return w + lr * (t - y) * x, b + lr * (t - y)

    def no_bias(w, b, x, t, lr):
        return perceptron_step(w, b, x, t, lr)[0], b

    assert "wrong sign" in _messages("perceptron_step", wrong_sign)
    assert "not by the target" in _messages("perceptron_step", by_target)
    assert "z ≥ 0" in _messages("perceptron_step", strict)
    assert "bias learns too" in _messages("perceptron_step", no_bias)
    assert "pair" in _messages("perceptron_step", lambda w, b, x, t, lr: w)


def test_mlp_forward_mistakes_are_named():
    assert "logits" in _messages("mlp_forward", lambda x, W1, b1, W2, b2:
                                 np.tanh(x @ W1.T + b1) @ W2.T + b2)
    assert "collapse" in _messages("mlp_forward", lambda x, W1, b1, W2, b2:
                                   sigmoid((x @ W1.T + b1) @ W2.T + b2))
    assert "not ReLU" in _messages("mlp_forward", lambda x, W1, b1, W2, b2:
                                   sigmoid(np.maximum(x @ W1.T + b1, 0) @ W2.T + b2))
    assert "x @ W1.T" in _messages("mlp_forward", lambda x, W1, b1, W2, b2:
                                   sigmoid(np.tanh(x @ W1 + b1) @ W2 + b2))


def test_mlp_backward_mistakes_are_named():
    def summed(x, y, *params):
        return {k: v * y.size for k, v in mlp_backward(x, y, *params).items()}

    def no_tanh_grad(x, y, W1, b1, W2, b2):
        h = np.tanh(x @ W1.T + b1)
        d2 = (sigmoid(h @ W2.T + b2) - y) / y.size
        d1 = d2 @ W2
        return {"W1": d1.T @ x, "b1": d1.sum(0), "W2": d2.T @ h, "b2": d2.sum(0)}

    assert "MEAN" in _messages("mlp_backward", summed)
    assert "1 − h²" in _messages("mlp_backward", no_tanh_grad)
    assert "keys" in _messages("mlp_backward", lambda *a: {"W1": 0})
    as_tuple = lambda *a: tuple(mlp_backward(*a).values())  # noqa: E731
    assert run("mlp_backward", as_tuple).passed  # a tuple in the documented order is accepted
