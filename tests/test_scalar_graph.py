"""Tests of course_lib.scalar_graph: a neuron's backward pass against torch autograd and centred
differences, gradients accumulating over a node used twice, the chain-rule steps, the drawing."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from course_lib.numerics import numerical_gradient, rel_error
from course_lib.scalar_graph import Value, backprop_steps, draw_graph


def neuron(w1, x1, w2, x2, b):
    return ((w1 * x1) + (w2 * x2) + b).sigmoid()


def test_neuron_gradients_match_torch_and_centred_differences():
    values = [2.0, -1.0, -3.0, -2.0, -3.0]  # w1, x1, w2, x2, b
    leaves = [Value(v) for v in values]
    out = neuron(*leaves)
    out.backward()
    t = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    ref = torch.sigmoid(t[0] * t[1] + t[2] * t[3] + t[4])
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-12)
    ours = np.array([v.grad for v in leaves])
    assert rel_error(ours, t.grad) < 1e-12
    num = numerical_gradient(lambda a: neuron(*(Value(v) for v in a)).data, np.array(values))
    assert rel_error(ours, num) < 1e-8


def test_every_operation_against_torch():
    a, b = Value(0.7), Value(-1.3)
    out = ((a * b).exp() - a).tanh() + (b - 2.0).relu() + (3.0 - a) * (-b) + (a + 1).sigmoid()
    out.backward()
    ta = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(-1.3, dtype=torch.float64, requires_grad=True)
    ref = (torch.tanh(torch.exp(ta * tb) - ta) + torch.relu(tb - 2.0) + (3.0 - ta) * (-tb)
           + torch.sigmoid(ta + 1))
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-12)
    assert a.grad == pytest.approx(ta.grad.item(), rel=1e-12)
    assert b.grad == pytest.approx(tb.grad.item(), rel=1e-12)


def test_a_node_used_twice_adds_both_gradients():
    x = Value(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0
    y.backward()  # a second backward starts again from zero
    assert x.grad == 7.0


def test_backprop_steps_are_upstream_times_local():
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = (x + y).named("q")
    f = (q * z).named("f")
    f.backward()
    steps = backprop_steps(f)
    assert [(s.node, s.to) for s in steps] == [("f (×)", "q"), ("f (×)", "z"), ("q (+)", "x"),
                                              ("q (+)", "y")]
    assert [s.downstream for s in steps] == [-4.0, 3.0, -4.0, -4.0]
    assert all(s.downstream == s.upstream * s.local for s in steps)
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)


def test_draw_graph_shows_values_and_gradients():
    x, w = Value(1.5, "x"), Value(-2.0, "w")
    out = (x * w).named("z").tanh().named("y")
    out.backward()
    texts = [t.get_text() for t in draw_graph(out).axes[0].texts]
    assert any(t.startswith("y = tanh") and f"{math.tanh(-3.0):.4g}" in t for t in texts)
    assert f"grad {x.grad:.4g}" in texts and "grad 1" in texts
