"""The residual-block explorer: it plots the measured per-layer gradient norms of a plain and a
residual network, and the measurement shows what the chapter says (plain grows, residual not)."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.explorers.residual import (
    gradient_flow,
    gradient_flow_explorer,
    gradient_flow_explorer_static,
    render_gradient_flow,
)


def test_render_plots_the_measured_norms():
    fig = render_gradient_flow(14)
    (ax,) = fig.axes
    plain, residual = ax.get_lines()
    assert np.allclose(plain.get_ydata(), gradient_flow(14, True))
    assert np.allclose(residual.get_ydata(), gradient_flow(14, False))
    assert len(plain.get_xdata()) == 14  # 13 convolutions and the linear layer
    assert ax.get_yscale() == "log"


def test_deep_plain_gradients_grow_towards_the_input_and_residual_ones_do_not():
    plain, residual = (np.array(gradient_flow(56, p)) for p in (True, False))
    # Ratio of the first to the last convolution's gradient norm, at initialization:
    # about 2,000 for plain-56, under 10 for ResNet-56.
    assert plain[0] / plain[-2] > 100 * residual[0] / residual[-2]
    assert residual[0] / residual[-2] < 20


def test_bad_depth_is_a_clear_error():
    with pytest.raises(ValueError, match="6n"):
        render_gradient_flow(10)


def test_static_and_live_forms():
    slider = gradient_flow_explorer_static(depths=(8, 14))
    assert slider.labels == ["depth 8", "depth 14"]
    explorer = gradient_flow_explorer()
    before = explorer.output.outputs
    explorer.controls["depth"].value = 8
    assert explorer.output.outputs != before
