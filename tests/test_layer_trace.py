"""Tracing a layer stack: sizes agree with PyTorch, parameters with the layers' own counts, and the
receptive field with the formula 1 + Σ (k_l − 1) Π_{i<l} s_i and with the gradient's support."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from course_lib.layer_trace import conv, format_trace, pool, trace_layers
from course_lib.models import KerasMNISTCNN


def test_keras_mnist_model_is_traced_like_the_real_one():
    rows = trace_layers(28, 1, [conv(32, 3), pool(2), conv(64, 3), pool(2), conv(64, 3)])
    assert [(r.size, r.channels, r.params) for r in rows] == [
        (26, 32, 320), (13, 32, 0), (11, 64, 18_496), (5, 64, 0), (3, 64, 36_928)]
    assert [r.receptive_field for r in rows] == [3, 4, 8, 10, 18]
    assert [r.exact for r in rows] == [True, True, True, False, True]  # 11 → 5 drops a column
    model = KerasMNISTCNN()
    assert sum(r.params for r in rows) == sum(
        p.numel() for p in model.features.parameters())


def test_sizes_of_the_lecture_examples():
    assert trace_layers(9, 1, [conv(1, 3, stride=2, padding=1)])[0].size == 5
    assert trace_layers(7, 1, [conv(1, 3, stride=2)])[0].size == 3
    row = trace_layers(7, 1, [conv(1, 3, stride=3)])[0]
    assert (row.size, row.exact) == (2, False)  # (7 − 3)/3 + 1 = 2.33: PyTorch floors
    row = trace_layers(32, 3, [conv(10, 5, padding=2)])[0]
    assert (row.size, row.channels, row.params) == (32, 10, 760)
    assert [r.size for r in trace_layers(32, 3, [conv(6, 5)] * 3)] == [28, 24, 20]
    with pytest.raises(ValueError, match="layer 2 .*4×4 input"):
        trace_layers(8, 1, [conv(4, 5, padding=0), conv(4, 5)])
    with pytest.raises(ValueError, match="out_channels"):
        conv(0, 3)


def test_receptive_field_is_where_the_gradient_is_non_zero():
    layers = [conv(2, 3), conv(2, 3, stride=2), pool(2), conv(2, 5)]
    rows = trace_layers(40, 1, layers)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Conv2d(2, 2, 3, stride=2), nn.MaxPool2d(2),
                        nn.Conv2d(2, 2, 5))
    x = torch.rand(1, 1, 40, 40, requires_grad=True)
    out = net(x)
    assert out.shape[-1] == rows[-1].size
    out[0, 0, 1, 1].backward()
    touched = x.grad[0, 0].abs() > 0
    rows_hit = touched.any(dim=1).nonzero().flatten()
    # max pooling passes the gradient to one element per window, so the support can be smaller;
    # its span can never exceed the receptive field, and without pooling it equals it
    assert rows_hit.max() - rows_hit.min() + 1 <= rows[-1].receptive_field
    no_pool = trace_layers(40, 1, [conv(2, 3), conv(2, 3, stride=2), conv(2, 5)])
    net = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Conv2d(2, 2, 3, stride=2), nn.Conv2d(2, 2, 5))
    x = torch.rand(1, 1, 40, 40, requires_grad=True)
    net(x)[0, 0, 2, 2].backward()
    hit = (x.grad[0, 0].abs() > 0).any(dim=1).nonzero().flatten()
    assert hit.max() - hit.min() + 1 == no_pool[-1].receptive_field == 1 + 2 + 2 * 1 + 4 * 2


def test_format_trace_is_a_table_with_totals():
    text = format_trace(7, 1, [conv(2, 3, stride=3)])
    lines = text.splitlines()
    assert lines[1].split() == ["input", "7×7×1"]
    assert lines[2].split() == ["conv", "3×3", "×2,", "S=3,", "P=0", "2×2×2", "20", "3×3",
                                "(rounded", "down)"]
    assert lines[-1] == "total parameters: 20"
