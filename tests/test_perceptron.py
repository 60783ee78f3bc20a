"""Tests of course_lib.perceptron: the hand-set gates, the learning rule on single examples, its
convergence on AND/OR and its endless cycling on XOR, and the two-layer gate networks (the lecture
notes' table, which is XNOR, and XOR)."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.perceptron import (
    GATE_TARGETS,
    GATE_WEIGHTS,
    INPUTS,
    gate_network,
    perceptron,
    perceptron_step,
    step,
    train_perceptron,
    truth_table,
)


def test_step_counts_zero_as_one():
    assert step(np.array([-0.1, 0.0, 2.0])).tolist() == [0, 1, 1]


@pytest.mark.parametrize("gate", list(GATE_WEIGHTS))
def test_hand_set_weights_compute_their_gate(gate):
    w1, w2, b = GATE_WEIGHTS[gate]
    assert perceptron(INPUTS, [w1, w2], b).tolist() == GATE_TARGETS[gate].tolist()


def test_and_truth_table_in_the_notes_order():
    assert INPUTS.tolist() == [[0, 0], [1, 0], [0, 1], [1, 1]]
    assert GATE_TARGETS["AND"].tolist() == [0, 0, 0, 1]


def test_perceptron_step_cases():
    w, b = perceptron_step(np.array([1.0, 1.0]), -1.5, np.array([1, 1]), 1, lr=1.0)
    assert w.tolist() == [1.0, 1.0] and b == -1.5  # already right: no change
    w, b = perceptron_step(np.array([0.0, 0.0]), 0.0, np.array([1, 0]), 0, lr=0.5)
    assert w.tolist() == [-0.5, 0.0] and b == -0.5  # z = 0 → output 1, target 0: step back


@pytest.mark.parametrize("gate", ["AND", "OR", "NAND", "NOR"])
def test_learning_rule_converges_on_linearly_separable_gates(gate):
    run = train_perceptron(INPUTS, GATE_TARGETS[gate], lr=1.0, epochs=50)
    assert run.converged and run.errors[-1] == 0
    assert perceptron(INPUTS, run.w, run.b).tolist() == GATE_TARGETS[gate].tolist()


def test_learning_rule_on_and_from_zero_weights():
    run = train_perceptron(INPUTS, GATE_TARGETS["AND"], lr=1.0)
    assert run.errors == [2, 3, 3, 2, 1, 0]  # mistakes per epoch until it stops
    assert run.w.tolist() == [1.0, 2.0] and run.b == -3.0
    assert len(run.path) == len(run.errors)


@pytest.mark.parametrize("gate", ["XOR", "XNOR"])
def test_learning_rule_never_converges_on_xor(gate):
    run = train_perceptron(INPUTS, GATE_TARGETS[gate], lr=1.0, epochs=100)
    assert not run.converged and len(run.errors) == 100 and min(run.errors) > 0


def test_seed_table_is_xnor():
    hidden, out = gate_network(INPUTS, ("AND", "NOR"), "OR")
    rows = np.column_stack([INPUTS, hidden, out]).tolist()
    assert rows == [[0, 0, 0, 1, 1], [1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [1, 1, 1, 0, 1]]
    assert out.tolist() == GATE_TARGETS["XNOR"].tolist()


def test_xor_networks():
    assert gate_network(INPUTS, ("AND", "NOR"), "NOR")[1].tolist() == [0, 1, 1, 0]
    assert gate_network(INPUTS, ("OR", "NAND"), "AND")[1].tolist() == [0, 1, 1, 0]
    with pytest.raises(ValueError, match="no single-perceptron weights"):
        gate_network(INPUTS, ("XOR", "AND"), "OR")
    with pytest.raises(ValueError, match="two hidden gates"):
        gate_network(INPUTS, ("AND",), "OR")


def test_truth_table_text():
    text = truth_table({"x1": INPUTS[:, 0], "x2": INPUTS[:, 1], "AND": GATE_TARGETS["AND"]})
    lines = text.splitlines()
    assert lines[0] == "x1 | x2 | AND" and lines[-1] == " 1 |  1 |   1" and len(lines) == 6
