"""Tests of the XOR explorer: the render shows what the two-layer network has learned after the
chosen number of steps (it solves XOR with enough hidden units and cannot with one), and the
kernel-free slider and the live widget work."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.explorers import render_xor_training, xor_explorer, xor_explorer_static
from course_lib.explorers.frames import PNG_MAGIC
from course_lib.perceptron import GATE_TARGETS, INPUTS
from course_lib.two_layer_net import train_gd


def test_render_shows_a_solved_xor_and_its_loss():
    fig = render_xor_training(hidden_units=8, lr=1.0, steps=1000, seed=0)
    boundary, loss = fig.axes[:2]
    assert boundary.get_title() == "8 hidden units, lr 1, step 1000: 4/4 correct"
    trace = train_gd(INPUTS, GATE_TARGETS["XOR"], hidden=8, lr=1.0, steps=1000, seed=0)
    assert loss.get_title() == f"loss {trace.losses[-1]:.4f}"
    assert np.allclose(loss.lines[0].get_ydata(), trace.losses)
    dotted = [ln for ln in boundary.lines if ln.get_linestyle() == ":"]
    assert len(dotted) == 8  # one line per hidden unit


def test_one_hidden_unit_cannot_solve_xor():
    title = render_xor_training(hidden_units=1, lr=1.0, steps=2000).axes[0].get_title()
    assert int(title.split(": ")[1][0]) < 4


def test_step_zero_is_the_untrained_network():
    trace = train_gd(INPUTS, GATE_TARGETS["XOR"], hidden=2, steps=0, seed=3)
    fig = render_xor_training(hidden_units=2, lr=1.0, steps=0, seed=3)
    assert fig.axes[1].get_title() == f"loss {trace.losses[0]:.4f}"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"hidden_units": 0}, "hidden_units"), ({"steps": -1}, "steps"), ({"lr": 0.0}, "rate")])
def test_render_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        render_xor_training(**kwargs)


def test_static_explorer_frames():
    slider = xor_explorer_static(hidden=(1, 8), steps=(0, 300), dpi=30)
    assert slider.labels == ["1 hidden, lr 1, step 0", "1 hidden, lr 1, step 300",
                             "8 hidden, lr 1, step 0", "8 hidden, lr 1, step 300"]
    assert all(f[:8] == PNG_MAGIC for f in slider.frames) and len(set(slider.frames)) == 4


def test_live_explorer_rerenders():
    explorer = xor_explorer()
    assert set(explorer.controls) == {"hidden_units", "lr", "steps", "seed"}
    before = explorer.output.outputs
    explorer.controls["hidden_units"].value = 4
    assert explorer.output.outputs != before
    assert "image/png" in explorer.output.outputs[0]["data"]
