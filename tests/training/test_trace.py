"""course_lib.training.trace: one record per step, gradient norms equal to the real gradients,
held-out accuracy at the requested steps, divergence detected, plots drawn."""

from __future__ import annotations

import math

import pytest
import torch
from matplotlib.figure import Figure

from course_lib.training.trace import (
    StepTrace,
    plot_grad_norms,
    plot_step_accuracy,
    trace_training,
    weight_layers,
)


def _data(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 5, generator=g)
    y = (x[:, 0] > 0).long()
    return [(x[i : i + 16], y[i : i + 16]) for i in range(0, n, 16)]


def _model():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))


def test_records_every_step_and_cycles_the_batches():
    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    trace = trace_training(model, _data(), opt, steps=10, eval_batches=_data(seed=1),
                           eval_every=4)
    assert len(trace) == 10 and len(trace.acc) == 10  # 4 batches per pass: 2.5 passes
    assert list(trace.grad_norms) == ["0", "2"]
    assert all(len(v) == 10 for v in trace.grad_norms.values())
    assert trace.eval_steps == [4, 8, 10] and len(trace.eval_acc) == 3
    assert all(0 <= a <= 1 for a in trace.acc + trace.eval_acc)
    assert not trace.diverged and model.training


def test_gradient_norm_is_the_norm_before_the_step():
    model = _model()
    x, y = _data()[0]
    reference = _model()
    torch.nn.functional.cross_entropy(reference(x), y).backward()
    trace = trace_training(model, [(x, y)], torch.optim.SGD(model.parameters(), lr=0.5), 1)
    assert trace.grad_norms["0"][0] == pytest.approx(reference[0].weight.grad.norm().item())
    assert trace.loss[0] == pytest.approx(
        torch.nn.functional.cross_entropy(_model()(x), y).item())


def test_divergence_is_recorded_and_means_skip_it():
    model = _model()
    trace = trace_training(model, _data(), torch.optim.SGD(model.parameters(), lr=1e30), 6)
    assert trace.diverged
    means = trace.mean_grad_norms()
    assert set(means) == {"0", "2"}
    assert StepTrace(loss=[1.0, math.nan]).diverged


def test_weight_layers_in_order_and_errors():
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(2, 1))
    assert list(weight_layers(model)) == ["0", "3"]
    with pytest.raises(ValueError, match="steps"):
        trace_training(model, [], torch.optim.SGD(model.parameters(), lr=0.1), 0)
    with pytest.raises(ValueError, match="no"):
        trace_training(model, [], torch.optim.SGD(model.parameters(), lr=0.1), 1)


def test_plots():
    model = _model()
    trace = trace_training(model, _data(), torch.optim.SGD(model.parameters(), lr=0.1), 8,
                           eval_batches=_data(seed=1), eval_every=4)
    fig = plot_step_accuracy({"a": trace, "b": trace}, smooth=3, title="t")
    assert isinstance(fig, Figure) and len(fig.axes[0].lines) == 4
    fig = plot_grad_norms({"a": trace}, title="t")
    assert len(fig.axes) == 2 and fig.axes[0].get_yscale() == "log"
