"""The dropout explorer: crossed-out units are the dropped ones (none in evaluation), the panels
show the activations before and after inverted dropout, and the slider and live widget work."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.explorers import dropout_explorer, dropout_explorer_static, render_dropout
from course_lib.explorers.dropout import DROPOUT_LAYERS, GRID, _activations


def _crosses(fig) -> int:
    return sum(len(line.get_xdata()) for line in fig.axes[0].lines if line.get_marker() == "x")


def _numbers(ax) -> list[float]:
    return [float(t.get_text()) for t in ax.texts]


def test_training_frame_drops_units_and_rescales():
    fig = render_dropout(p=0.5, training=True, seed=0)
    hidden = sum(DROPOUT_LAYERS[1:-1])
    assert 0 < _crosses(fig) < hidden
    before, after = _numbers(fig.axes[1]), _numbers(fig.axes[2])
    assert len(before) == GRID * GRID and 0 < len(after) < GRID * GRID  # dropped cells blank
    assert "kept" in fig._suptitle.get_text() and "×2" in fig._suptitle.get_text()


def test_kept_values_are_the_activations_times_two():
    fig = render_dropout(p=0.5, training=True, seed=3)
    a = _activations(0)
    shown = np.full(a.shape, np.nan)
    for t in fig.axes[2].texts:  # numbers sit at their cell centres (x = column, y = row)
        x, y = t.get_position()
        shown[round(y), round(x)] = float(t.get_text())
    kept = ~np.isnan(shown)
    np.testing.assert_allclose(shown[kept], (2 * a)[kept], atol=0.051)  # printed to 1 decimal


def test_eval_frame_keeps_everything():
    fig = render_dropout(p=0.5, training=False)
    assert _crosses(fig) == 0
    assert _numbers(fig.axes[1]) == _numbers(fig.axes[2])
    assert "eval" in fig._suptitle.get_text()


def test_p_zero_drops_nothing_and_bad_p_is_reported():
    assert _crosses(render_dropout(p=0.0)) == 0
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        render_dropout(p=1.0)


def test_more_dropout_crosses_out_more_units_on_average():
    low = np.mean([_crosses(render_dropout(0.2, True, s)) for s in range(5)])
    high = np.mean([_crosses(render_dropout(0.8, True, s)) for s in range(5)])
    assert high > low


def test_static_slider_and_live_widget():
    slider = dropout_explorer_static(ps=(0.2, 0.5))
    assert len(slider) == 5 and slider.labels[-1] == "eval"
    # p = 0 drops nothing: one frame, not two identical ones (the browser test steps through them)
    with_zero = dropout_explorer_static(ps=(0.0, 0.5))
    assert with_zero.labels == ["p = 0, training", "p = 0.5, training, mask 1",
                                "p = 0.5, training, mask 2", "eval"]
    assert len(set(with_zero.frames)) == len(with_zero.frames)
    explorer = dropout_explorer()
    before = explorer.output.outputs
    explorer.controls["training"].value = False
    assert explorer.output.outputs != before
    assert "image/png" in explorer.output.outputs[0]["data"]
