"""The pooling explorer: outputs equal PyTorch's, the circled cells are what each window keeps
(its maximum, or the stochastic draw inside the window), skipped cells are hatched."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from figure_reading import cells, patches, text
from matplotlib.patches import Circle

from course_lib.explorers import (
    POOLING_EXAMPLE,
    pooling_explorer,
    pooling_explorer_static,
    render_pooling,
)


def test_pooling_worked_example():
    x = POOLING_EXAMPLE[:4, :4]
    assert cells(render_pooling(x, "max").axes[1]) == {(0, 0): 6, (0, 1): 8, (1, 0): 3,
                                                        (1, 1): 4}
    assert cells(render_pooling(x, "avg").axes[1]) == {(0, 0): 3, (0, 1): 4.75, (1, 0): 1.75,
                                                        (1, 1): 1.75}
    assert text(render_pooling(x, "max"), "first-window") == "first window:\nmax(1, 1, 4, 6)\n= 6"


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("k,s,ceil", [(2, 2, False), (2, 2, True), (3, 2, False), (3, 1, True)])
def test_pooling_output_matches_torch(kind, k, s, ceil):
    pool = F.max_pool2d if kind == "max" else F.avg_pool2d
    ref = pool(torch.tensor(POOLING_EXAMPLE, dtype=torch.float64)[None, None], k, s,
               ceil_mode=ceil)[0, 0].numpy()
    fig = render_pooling(POOLING_EXAMPLE, kind, k, s, ceil)
    out = cells(fig.axes[1])
    assert out == pytest.approx({(i, j): float(f"{v:.3g}") for (i, j), v in np.ndenumerate(ref)})
    kept = [p for p in patches(fig, "kept-") if isinstance(p, Circle)]
    if kind == "max":  # each circled cell holds its window's maximum
        assert len(kept) == ref.size
        for c in kept:
            i, j = (int(v) for v in c.get_gid().split("-")[1:])
            col, row = c.center
            assert POOLING_EXAMPLE[round(row), round(col)] == ref[i, j]
    else:
        assert not kept
    never = patches(fig, "never-read")
    assert len(never) == (13 if (k, s, ceil) == (2, 2, False) else 0)


def test_pooling_stochastic_draw_and_inference():
    fig = render_pooling(POOLING_EXAMPLE, "stochastic", seed=3)
    drawn = cells(fig.axes[1])
    for c in patches(fig, "kept-"):
        i, j = (int(v) for v in c.get_gid().split("-")[1:])
        col, row = c.center
        assert POOLING_EXAMPLE[round(row), round(col)] == drawn[i, j]
        assert (round(row) // 2, round(col) // 2) == (i, j)  # inside its own window
    inference = cells(fig.axes[2])
    assert inference[0, 0] == 4.5  # (1 + 1 + 16 + 36) / 12
    assert fig == fig and render_pooling(POOLING_EXAMPLE, "stochastic", seed=3).axes[1].texts[
        0].get_text() == fig.axes[1].texts[0].get_text()


@pytest.mark.parametrize("kwargs,message", [
    ({"kind": "median"}, "kind must be one of"),
    ({"x": np.ones(4)}, "2-D"),
    ({"kind": "stochastic", "ceil_mode": True}, "floor mode only"),
    ({"kernel_size": 9}, "does not fit"),
])
def test_pooling_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        render_pooling(**kwargs)


def test_pooling_static_and_live():
    slider = pooling_explorer_static(dpi=20)
    assert slider.labels[:3] == ["max 2×2, stride 2", "max 2×2, stride 2, ceil mode",
                                 "max 3×3, stride 2"]
    assert len(slider) == 8
    explorer = pooling_explorer(dpi=20)
    before = explorer.output.outputs
    explorer.controls["kind"].value = "stochastic"
    assert explorer.output.outputs != before
    explorer.controls["ceil_mode"].value = True
    assert "floor mode only" in explorer.output.outputs[0]["data"]["text/plain"]
