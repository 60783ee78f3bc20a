"""Checks of chapter 02's exercises (XOR from two ReLU units, predictions about the perceptron
rule, the softmax-cross-entropy gradient, a ReLU-softmax network's backward pass): full marks for
correct answers, none for stubs, a specific message for typical mistakes, never an exception; the
exercise notebook grades full for its solutions, zero as stubs."""

from __future__ import annotations

import numpy as np
import pytest
from grading_contract import contract_tests, failure_messages

from course_lib.grading import run_check
from course_lib.grading.mlp import numerical_mlp_gradients, torch_mlp
from course_lib.grading.perceptron import SEPARABILITY_DATASETS, perceptron_predictions_reference
from course_lib.numerics import numerical_gradient, rel_error
from tools.notebooks import ROOT

SET = "neural_networks"
SOURCE = ROOT / "exercises" / "source" / "02_neural_networks.ipynb"
STUDENT = ROOT / "exercises" / "02_neural_networks.ipynb"

# ------------------------------------------------------ reference answers, written independently


def xor_relu_weights():
    # Another solution than the notebook's: h1 = relu(x1 − x2), h2 = relu(x2 − x1), y = h1 + h2.
    return [[1, -1], [-1, 1]], [0, 0], [[1, 1]], [0]


def perceptron_predictions():
    return {"or_updates": 2 + 2 + 1, "or_updates_lr_quarter": 5, "separable": ["A", "C", "D"]}


def softmax_cross_entropy_grad(z, labels):
    z = z - z.max(1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    return (p - np.eye(z.shape[1])[labels]) / len(z)


def relu_softmax_backward(x, labels, W1, b1, W2, b2):
    a = x @ W1.T + b1
    h = np.where(a > 0, a, 0)
    d2 = softmax_cross_entropy_grad(h @ W2.T + b2, labels)
    d1 = (d2 @ W2) * (a > 0)
    return {"W1": d1.T @ x, "b1": d1.sum(0), "W2": d2.T @ h, "b2": d2.sum(0)}


CORRECT = {"xor_relu_weights": xor_relu_weights, "perceptron_predictions": perceptron_predictions,
           "softmax_cross_entropy_grad": softmax_cross_entropy_grad,
           "mlp_backward": relu_softmax_backward}
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


# --------------------------------------------------------------------------------- XOR design


def test_xor_design_mistakes_are_named():
    def linear():  # both units always on: the network is linear on the inputs
        return [[1, 0], [0, 1]], [1, 1], [[1, 1]], [-2]

    def xnor():
        W1, b1, W2, b2 = xor_relu_weights()
        return W1, b1, -np.asarray(W2), [1]

    def scaled():
        W1, b1, W2, b2 = xor_relu_weights()
        return W1, b1, 3 * np.asarray(W2, float), [1]

    assert "no linear function" in _messages("xor_relu_weights", linear)
    same_units = _messages("xor_relu_weights", lambda: ([[1, 1], [1, 1]], [0, 0], [[1, -1]], [0]))
    assert "change W1 or b1" in same_units  # two copies of one unit: monotone in x1 + x2
    assert "fix the output layer" in _messages(
        "xor_relu_weights", lambda: ([[1, 1], [1, 1]], [0, -1], [[1, -1]], [0]))
    assert "XNOR" in _messages("xor_relu_weights", xnor)
    assert "rescale and shift" in _messages("xor_relu_weights", scaled)
    assert "must have shape (1, 2)" in _messages(
        "xor_relu_weights", lambda: ([[1, 1], [1, 1]], [0, -1], [1, -2], [0]))
    assert run("xor_relu_weights", lambda: ([[1, 1], [1, 1]], [0, 0], [[1, 1]], [0])).points == 1


# ------------------------------------------------------------------- perceptron predictions


def test_the_predictions_hold_for_a_rule_written_here():
    """The reference runs course_lib's rule; a rule written out here gives the same answers."""
    def updates(x, t, lr, passes=50):
        w, b, total = np.zeros(np.shape(x)[1]), 0.0, 0
        for _ in range(passes):
            mistakes = 0
            for xi, ti in zip(np.asarray(x, float), t, strict=True):
                err = ti - int(w @ xi + b >= 0)
                w, b, mistakes = w + lr * err * xi, b + lr * err, mistakes + (err != 0)
            total += mistakes
            if mistakes == 0:
                return total
        return None  # never stopped

    table = [[0, 0], [1, 0], [0, 1], [1, 1]]
    ref = perceptron_predictions_reference()
    assert ref["or_updates"] == updates(table, [0, 1, 1, 1], 1.0) == 5
    assert ref["or_updates_lr_quarter"] == updates(table, [0, 1, 1, 1], 0.25) == 5
    assert ref["separable"] == {n for n, (x, t) in SEPARABILITY_DATASETS.items()
                                if updates(x, t, 1.0) is not None} == {"A", "C", "D"}


def test_prediction_mistakes_are_named():
    def answering(**changes):
        return lambda: {**perceptron_predictions(), **changes}

    assert "number of passes" in _messages("perceptron_predictions", answering(or_updates=4))
    for wrong in (6, 5.0):  # a wrong count, or the right one as a float: the answer stays unsaid
        said = _messages("perceptron_predictions", answering(or_updates=wrong))
        assert "expected 5" not in said and ("step(0) = 1" in said or "expected an int" in said)
    assert "AND's count" in _messages("perceptron_predictions", answering(or_updates=11))
    assert "does not mean more updates" in _messages("perceptron_predictions",
                                                      answering(or_updates_lr_quarter=20))
    missed_d = _messages("perceptron_predictions", answering(separable=["A", "C"]))
    assert "1 of the 4 answers is wrong" in missed_d and "D: XOR with a third input" in missed_d
    assert "2 of the 4 answers are wrong" in _messages("perceptron_predictions",
                                                       answering(separable=("A", "B", "C")))
    assert "unknown data sets ['E']" in _messages("perceptron_predictions",
                                                  answering(separable=["A", "E"]))
    for not_a_list in ("ACD", {"A", "C", "D"}):
        assert "a list of data-set names" in _messages("perceptron_predictions",
                                                       answering(separable=not_a_list))
    assert "the dict has no key 'separable'" in _messages(
        "perceptron_predictions", lambda: {"or_updates": 5, "or_updates_lr_quarter": 5})


# ------------------------------------------------------------------ the MLP's backward pass


@pytest.mark.parametrize("shape", [(4, 2, 3, 2), (6, 3, 5, 4), (1, 3, 2, 10)])
def test_autograd_reference_agrees_with_numerical_gradients(shape):
    n, d, h, c = shape
    rng = np.random.default_rng(sum(shape))
    x, labels = rng.standard_normal((n, d)), rng.integers(0, c, n)
    params = {"W1": rng.standard_normal((h, d)), "b1": rng.standard_normal(h) * 0.5,
              "W2": rng.standard_normal((c, h)), "b2": rng.standard_normal(c) * 0.5}
    ref = torch_mlp(x, labels, *params.values())
    numerical = numerical_mlp_gradients({"x": x, "labels": labels, **params})
    for name, value in params.items():
        def loss(v, name=name):
            return torch_mlp(x, labels, *{**params, name: v}.values())["loss"]

        np.testing.assert_allclose(numerical_gradient(loss, value.copy()), ref[name],
                                   rtol=1e-6, atol=1e-9)
        np.testing.assert_array_equal(numerical[name], numerical_gradient(loss, value.copy()))
    assert rel_error(relu_softmax_backward(x, labels, *params.values())["W1"], ref["W1"]) < 1e-9


def test_mlp_backward_mistakes_are_named():
    def summed(x, labels, *params):
        return {k: v * len(x) for k, v in relu_softmax_backward(x, labels, *params).items()}

    def no_relu_grad(x, labels, W1, b1, W2, b2):
        h = np.maximum(x @ W1.T + b1, 0)
        d2 = softmax_cross_entropy_grad(h @ W2.T + b2, labels)
        d1 = d2 @ W2
        return {"W1": d1.T @ x, "b1": d1.sum(0), "W2": d2.T @ h, "b2": d2.sum(0)}

    def per_output(x, labels, W1, b1, W2, b2):
        grads = relu_softmax_backward(x, labels, W1, b1, W2, b2)
        return {k: v / W2.shape[0] for k, v in grads.items()}

    def tanh_grad(x, labels, W1, b1, W2, b2):
        h = np.maximum(x @ W1.T + b1, 0)
        d2 = softmax_cross_entropy_grad(h @ W2.T + b2, labels)
        d1 = (d2 @ W2) * (1 - h**2)
        return {"W1": d1.T @ x, "b1": d1.sum(0), "W2": d2.T @ h, "b2": d2.sum(0)}

    assert "MEAN" in _messages("mlp_backward", summed)
    assert "ReLU's local gradient" in _messages("mlp_backward", no_relu_grad)
    assert "not by N·C" in _messages("mlp_backward", per_output)
    assert "tanh's local gradient" in _messages("mlp_backward", tanh_grad)
    assert "keys" in _messages("mlp_backward", lambda *a: {"W1": 0})
    as_tuple = lambda *a: tuple(relu_softmax_backward(*a).values())  # noqa: E731
    assert run("mlp_backward", as_tuple).passed  # a tuple in the documented order is accepted
