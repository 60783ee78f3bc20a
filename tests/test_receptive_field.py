"""Receptive fields: the formulas on hand-worked stacks and VGG-16 (212 pixels), fields read from
real modules, and the empirical check that one output unit's input gradient is non-zero exactly
inside its computed field."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from course_lib.models import KerasMNISTCNN, SmallCNN
from course_lib.ops import conv_output_size
from course_lib.receptive_field import (
    VGG16_CONFIG,
    FieldStep,
    Layer,
    as_layers,
    field_mask,
    input_gradient,
    layers_from_module,
    path_count_network,
    receptive_field,
    unit_field,
    vgg16_layers,
)


@pytest.mark.parametrize("k", [3, 5])
@pytest.mark.parametrize("depth", [1, 2, 3, 4])
def test_stride_one_stacks_see_one_plus_L_times_k_minus_one(depth, k):
    assert receptive_field([(k, 1)] * depth)[-1].size == 1 + depth * (k - 1)


def test_three_3x3_see_as_far_as_one_7x7():
    assert receptive_field([(3,)] * 3)[-1].size == receptive_field([(7,)])[-1].size == 7
    assert [s.size for s in receptive_field([(3,)] * 3)] == [3, 5, 7]


def test_general_formula_with_strides():
    rng = np.random.default_rng(0)
    for _ in range(50):
        ks = rng.integers(1, 6, size=rng.integers(1, 7))
        ss = rng.integers(1, 4, size=len(ks))
        expected = 1 + sum((k - 1) * np.prod(ss[:i]) for i, k in enumerate(ks))
        steps = receptive_field(list(zip(ks.tolist(), ss.tolist(), strict=True)))
        assert steps[-1].size == expected and steps[-1].jump == np.prod(ss)


def test_vgg16_sees_212_pixels():
    steps = receptive_field(vgg16_layers())
    by_name = {s.name: s for s in steps}
    assert len(steps) == 18 and sum(n.startswith("conv") for n in by_name) == 13
    assert by_name["pool5"] == FieldStep("pool5", 212, 32, -90)
    assert [by_name[n].size for n in ("conv1_2", "pool1", "conv3_3", "conv5_3")] == [5, 6, 40, 196]


def _tiny_vgg16() -> nn.Sequential:
    """VGG-16's convolutional geometry with 1/32 of the filters (the field ignores the width)."""
    layers, channels = [], 3
    for item in VGG16_CONFIG:
        if item == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(channels, item // 32, 3, padding=1), nn.ReLU()]
            channels = item // 32
    return nn.Sequential(*layers)


def test_layers_from_module():
    vgg = layers_from_module(_tiny_vgg16())
    assert [(a.kernel_size, a.stride, a.padding) for a in vgg] == [
        (b.kernel_size, b.stride, b.padding) for b in vgg16_layers()]
    assert receptive_field(vgg)[-1].size == 212
    keras = layers_from_module(KerasMNISTCNN())
    assert [a.name for a in keras] == ["features.conv1", "features.pool1", "features.conv2",
                                       "features.pool2", "features.conv3"]
    assert [s.size for s in receptive_field(keras)] == [3, 4, 8, 10, 18]
    small = layers_from_module(SmallCNN())  # stops at the global average pooling
    assert receptive_field(small)[-1] == FieldStep("features.pool2", 16, 4, -6)
    same = layers_from_module(nn.Sequential(nn.Conv2d(1, 1, 5, padding="same")))
    assert same[0].padding == 2
    with pytest.raises(ValueError, match="has no Conv2d"):
        layers_from_module(nn.Sequential(nn.ReLU()))
    with pytest.raises(ValueError, match="ceil_mode"):
        layers_from_module(nn.Sequential(nn.MaxPool2d(2, ceil_mode=True)))


def test_start_and_clipping_with_padding():
    stack = [(3, 1, 1)] * 3
    assert receptive_field(stack)[-1].start == -3
    assert unit_field(stack, 0, 10) == (0, 3)  # 3 of its 7 pixels lie on the padding
    assert unit_field(stack, 5, 10) == (2, 8)
    assert unit_field([(3, 2), (3, 2)], 1, 15) == (4, 10)
    with pytest.raises(ValueError, match=r"index must be in 0\.\.6"):
        unit_field([(3, 2), (3, 2)], 7, 32)


STACKS = {
    "three 3×3": [(3,)] * 3,
    "3×3 s2, 3×3 s2, 3×3": [(3, 2), (3, 2), (3,)],
    "conv, pool, conv (padded)": [(3, 1, 1), (2, 2), (3, 1, 1), (2, 2), (3, 1, 1)],
    "5×5 s2 p2, 3×3 s1 p1, dilation 2": [(5, 2, 2), (3, 1, 1), (3, 1, 2, 2)],
    "7×7 s2 p3, 3×3 pool s2 p1": [(7, 2, 3), (3, 2, 1)],
}


@pytest.mark.parametrize("name", STACKS)
def test_gradient_is_non_zero_exactly_inside_the_computed_field(name):
    stack = STACKS[name]
    size = 29
    net = path_count_network(stack)
    out = size
    for layer in as_layers(stack):
        out = conv_output_size(out, layer.kernel_size, layer.stride, layer.padding, layer.dilation)
    for i, j in [(0, 0), (out // 2, out // 2), (out - 1, out // 3)]:
        grad = input_gradient(net, (1, size, size), (i, j))
        (r0, r1), (c0, c1) = unit_field(stack, i, size), unit_field(stack, j, size)
        inside = np.zeros((size, size), dtype=bool)
        inside[r0 : r1 + 1, c0 : c1 + 1] = True
        np.testing.assert_array_equal(grad > 0, inside, err_msg=f"{name}, unit {(i, j)}")
        np.testing.assert_array_equal(field_mask(stack, (i, j), size), inside)


def test_paths_concentrate_in_the_middle():
    grad = input_gradient(path_count_network([(3,)] * 3), (1, 7, 7), (0, 0))
    # Per axis the path counts are the coefficients of (1 + x + x²)³: 1, 3, 6, 7, 6, 3, 1.
    per_axis = np.array([1, 3, 6, 7, 6, 3, 1])
    np.testing.assert_array_equal(grad, np.outer(per_axis, per_axis))
    assert grad[3, 3] == grad.max() == 49 and grad[0, 0] == 1


def test_a_real_network_never_reaches_outside_the_field():
    torch.manual_seed(0)
    model = KerasMNISTCNN().features.double()
    x = torch.rand(1, 28, 28, dtype=torch.float64)
    grad = input_gradient(model, (1, 28, 28), (1, 2), x=x)
    (r0, r1), (c0, c1) = [unit_field(layers_from_module(model), u, 28) for u in (1, 2)]
    outside = np.ones((28, 28), dtype=bool)
    outside[r0 : r1 + 1, c0 : c1 + 1] = False
    assert grad[outside].max() == 0 and grad.max() > 0
    with pytest.raises(ValueError, match="outside the 3×3 output map"):
        input_gradient(model, (1, 28, 28), (3, 0))


def test_layer_validation():
    with pytest.raises(ValueError, match="stride must be an integer ≥ 1"):
        Layer(3, 0)
    with pytest.raises(ValueError, match="expected a Layer or a tuple"):
        as_layers([3])
    assert as_layers([Layer(3)])[0].name == "layer1"
