"""Tests of the model summary (course_lib.complexity): the Keras MNIST model's published numbers,
multiply-adds by formula and against torch's FLOP counter, shared modules, side effects."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from course_lib.complexity import ModelSummary, summary
from course_lib.models import KerasMNISTCNN, SmallCNN
from course_lib.ops import conv_output_size, conv_param_count


def _rows_by_name(s: ModelSummary) -> dict[str, tuple]:
    return {name: (kind, shape, params, macs) for name, kind, shape, params, macs in s.to_rows()}


def test_keras_mnist_summary_matches_the_keras_table():
    s = summary(KerasMNISTCNN(), (1, 28, 28))
    rows = _rows_by_name(s)
    # Keras prints channels last, (26, 26, 32); PyTorch stores channels first, (32, 26, 26).
    assert rows["features.conv1"][1:3] == ((32, 26, 26), 320)
    assert rows["features.pool1"][1:3] == ((32, 13, 13), 0)
    assert rows["features.conv2"][1:3] == ((64, 11, 11), 18_496)
    assert rows["features.pool2"][1:3] == ((64, 5, 5), 0)
    assert rows["features.conv3"][1:3] == ((64, 3, 3), 36_928)
    assert rows["classifier.fc1"][1:3] == ((64,), 64 * 3 * 3 * 64 + 64)
    assert rows["classifier.fc2"][1:3] == ((10,), 650)
    assert s.total_params == s.trainable_params == 93_322
    assert s.total_params == sum(r.params for r in s.rows)
    text = str(s)
    for expected in ("18,496", "36,928", "(32, 13, 13)", "Total params: 93,322"):
        assert expected in text
    assert "<table>" in s._repr_html_() and "18,496" in s._repr_html_()


def test_conv_summary_ten_5x5_filters_with_same_padding():
    s = summary(nn.Conv2d(3, 10, 5, padding=2), (3, 32, 32))
    [(name, kind, shape, params, macs)] = s.to_rows()
    assert (kind, shape, params) == ("Conv2d", (10, 32, 32), 760)
    assert params == conv_param_count(3, 10, 5)
    assert macs == 10 * 32 * 32 * (3 * 5 * 5)  # output elements × filter volume
    assert s.total_mult_adds == macs


@pytest.mark.parametrize("in_features, out_features, size", [(20, 7, (20,)), (20, 7, (5, 20))])
def test_linear_mult_adds_by_formula(in_features, out_features, size):
    s = summary(nn.Linear(in_features, out_features), size)
    positions = size[0] if len(size) == 2 else 1  # a (T, in) input applies the layer T times
    assert s.total_mult_adds == positions * out_features * in_features
    assert s.total_params == out_features * (in_features + 1)


def test_strided_grouped_conv_mult_adds_by_formula():
    layer = nn.Conv2d(8, 16, 3, stride=2, padding=1, groups=4, bias=False)
    s = summary(layer, (8, 11, 11))
    h = conv_output_size(11, 3, stride=2, padding=1)
    assert s.rows[0].output_shape == (16, h, h)
    assert s.total_mult_adds == 16 * h * h * (8 // 4) * 3 * 3
    assert s.total_params == 16 * (8 // 4) * 3 * 3


@pytest.mark.parametrize(
    "model, size",
    [
        (KerasMNISTCNN(), (1, 28, 28)),
        (SmallCNN(in_channels=3, width=16), (3, 32, 32)),
        (
            nn.Sequential(nn.ConvTranspose2d(4, 6, 3, stride=2), nn.Flatten(), nn.LazyLinear(5)),
            (4, 5, 5),
        ),
    ],
    ids=["keras_mnist", "small_cnn", "transposed"],
)
def test_mult_adds_agree_with_torch_flop_counter(model, size):
    model(torch.zeros(1, *size))  # materialize lazy layers
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model.eval()(torch.zeros(1, *size))
    # torch counts a multiply-add as 2 FLOPs and, like us, only matmuls and convolutions.
    assert counter.get_total_flops() == 2 * summary(model, size).total_mult_adds


class _TwiceUsed(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.act = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.act(self.fc(x)))


def test_module_used_twice_counts_params_once_and_mult_adds_twice():
    s = summary(_TwiceUsed(), (4,))
    assert [r.name for r in s.rows] == ["fc", "act", "fc (call 2)"]
    assert [r.params for r in s.rows] == [20, 0, 0]
    assert s.total_params == 20
    assert s.total_mult_adds == 2 * 16


def test_tied_weights_are_counted_once():
    a, b = nn.Linear(3, 3, bias=False), nn.Linear(3, 3, bias=False)
    b.weight = a.weight  # weight tying: two modules, one parameter
    s = summary(nn.Sequential(a, b), (3,))
    assert [r.params for r in s.rows] == [9, 0]
    assert s.total_params == 9


def test_containers_are_skipped_and_frozen_params_reported():
    model = SmallCNN(width=8)
    for p in model.features.block1.parameters():
        p.requires_grad_(False)
    s = summary(model, (1, 28, 28))
    assert not any(r.type in ("Sequential", "SmallCNN") for r in s.rows)
    frozen = sum(p.numel() for p in model.features.block1.parameters())
    assert s.non_trainable_params == frozen
    assert s.trainable_params == s.total_params - frozen


def test_summary_has_no_side_effects():
    model = SmallCNN(width=8).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    summary(model, (1, 28, 28))
    assert model.training  # mode restored
    for key, value in model.state_dict().items():  # BatchNorm running stats untouched
        assert torch.equal(value, before[key]), key
    assert all(not m._forward_hooks for m in model.modules())  # hooks removed


def test_summary_wrong_input_size_gives_a_clear_error():
    with pytest.raises(RuntimeError, match="without the batch dimension"):
        summary(KerasMNISTCNN(), (3, 32))
