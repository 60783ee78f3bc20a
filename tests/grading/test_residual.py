"""Checks of the chapter 10 exercises (residual_block, basic_block_weights, bottleneck_weights,
stage_shapes, stage_receptive_fields): solutions earn full marks, stubs nothing, typical
mistakes their own message, and no check ever raises."""

from __future__ import annotations

import pytest
import torch
from grading_contract import failures, run, stub
from torch import nn

from course_lib.complexity import summary
from course_lib.grading import EXERCISE_SETS, find_check
from course_lib.grading.core import NOT_IMPLEMENTED
from course_lib.grading.residual import (
    basic_block_weights_reference,
    bottleneck_weights_reference,
    stage_receptive_fields_reference,
    stage_shapes_reference,
)
from course_lib.models import BasicBlock, Bottleneck, resnet
from course_lib.receptive_field import Layer, receptive_field

# ------------------------------------------------------------ answers, written independently


class Block(nn.Module):
    def __init__(self, c_in, c_out, stride=1, projection="auto", add=True, proj_kernel=1,
                 proj_bn=True):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
            nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False), nn.BatchNorm2d(c_out))
        need = stride != 1 or c_in != c_out
        if projection == "auto":
            projection = need
        if projection:
            layers = [nn.Conv2d(c_in, c_out, proj_kernel, stride, proj_kernel // 2, bias=False)]
            self.short = nn.Sequential(*layers, *([nn.BatchNorm2d(c_out)] if proj_bn else []))
        else:
            self.short = nn.Identity()
        self.add = add

    def forward(self, x):
        out = self.body(x)
        if self.add:
            out = out + self.short(x)
        return out.relu()


def residual_block(in_channels, out_channels, stride=1):
    return Block(in_channels, out_channels, stride)


def basic_block_weights(channels):
    return 2 * 3 * 3 * channels * channels


def bottleneck_weights(channels, mid_channels):
    return 2 * channels * mid_channels + 3 * 3 * mid_channels**2


def stage_shapes(image_size, bottleneck=False):
    def out(n, k, s, p):
        return (n + 2 * p - k) // s + 1

    c1 = out(image_size, 7, 2, 3)
    n = out(c1, 3, 2, 1)
    shapes = [(64, c1, c1), (64, n, n)]
    for i in range(4):
        if i:
            n = out(n, 3, 2, 1)
        shapes.append((64 * 2**i * (4 if bottleneck else 1), n, n))
    return shapes


def stage_receptive_fields(blocks, bottleneck=False, skip_pool=False, one_conv=False):
    """Walk the longest path: r += (k − 1)·j, then j *= s."""
    layers = [[(7, 2)], [] if skip_pool else [(3, 2)]]
    for stage, n in enumerate(blocks):
        path = []
        for b in range(n):
            s = 2 if stage and not b else 1
            block = [(1, 1), (3, s), (1, 1)] if bottleneck else [(3, s), (3, 1)]
            path += [(3, s)] if one_conv else block
        layers.append(path)
    r, j, out = 1, 1, []
    for part in layers:
        for k, s in part:
            r, j = r + (k - 1) * j, j * s
        out.append(r)
    return out


CORRECT = {"residual_block": residual_block, "basic_block_weights": basic_block_weights,
           "bottleneck_weights": bottleneck_weights, "stage_shapes": stage_shapes,
           "stage_receptive_fields": stage_receptive_fields}
NAMES = [c.name for c in EXERCISE_SETS["resnet"]]


# ------------------------------------------------------------------------------ the references


def test_references_agree_with_the_models():
    weights = [m.weight.numel() for m in BasicBlock(64, 64).modules() if isinstance(m, nn.Conv2d)]
    assert basic_block_weights_reference(64) == sum(weights) == 73_728
    weights = [m.weight.numel() for m in Bottleneck(256, 64).modules()
               if isinstance(m, nn.Conv2d)]
    assert bottleneck_weights_reference(256, 64) == sum(weights) == 69_632
    for depth, bottleneck in ((18, False), (50, True)):
        for size in (224, 200):
            with torch.device("meta"):
                model = resnet(depth)
            s = summary(model, (3, size, size), device="meta")
            got = [r.output_shape for r in s.rows if r.name in ("stem.relu", "stem.pool")]
            got += [r.output_shape for r in s.rows
                    if r.name.endswith("relu2") and r.name.split(".")[1] == "block2"]
            assert got == stage_shapes_reference(size, bottleneck), (depth, size)


# ------------------------------------------------------------------------- right and stubbed


def test_registered_set():
    assert NAMES == ["residual_block", "basic_block_weights", "bottleneck_weights",
                     "stage_shapes", "stage_receptive_fields"]


@pytest.mark.parametrize("name", NAMES)
def test_correct_answers_earn_full_marks(name):
    result = run(name, CORRECT[name])
    assert result.points == result.max_points == find_check(name).max_points > 0, result.messages


def test_the_course_block_earns_full_marks():
    result = run("residual_block", lambda c_in, c_out, stride=1: BasicBlock(c_in, c_out, stride))
    assert result.points == result.max_points, result.messages


@pytest.mark.parametrize("name", NAMES)
def test_stubs_earn_nothing_with_one_message(name):
    result = run(name, stub)
    assert result.points == 0 and result.messages == [NOT_IMPLEMENTED]


# ----------------------------------------------------------------------------- typical mistakes


@pytest.mark.parametrize("wrong, message", [
    (lambda i, o, s=1: Block(i, o, s, add=False), "add the input x"),
    (lambda i, o, s=1: Block(i, o, s, projection=True), "shortcut is the identity"),
    (lambda i, o, s=1: Block(i, o, s, projection=False), "raised RuntimeError"),
    (lambda i, o, s=1: Block(i, o, s, proj_kernel=3), "not 3×3"),
    (lambda i, o, s=1: Block(i, o, s, proj_bn=False), "BatchNorm too"),
    (lambda i, o, s=1: nn.Conv2d(i, o, 3, padding=1), "should give"),
    (lambda i, o, s=1: "block", "expected a torch.nn.Module"),
])
def test_residual_block_mistakes(wrong, message):
    result = run("residual_block", wrong)
    assert result.points < result.max_points and message in failures(result)


@pytest.mark.parametrize("name, wrong, message", [
    ("basic_block_weights", lambda c: 2 * 9 * c, "one filter per layer"),
    ("basic_block_weights", lambda c: 9 * c * c, "two 3×3"),
    ("basic_block_weights", lambda c: 2 * 9 * c * c / 1, "expected an int"),
    ("bottleneck_weights", lambda c, m: m + 9 * m + c, "per-filter shorthand"),
    ("bottleneck_weights", lambda c, m: 2 * c * m + 9 * c * m, "mid → mid"),
    ("bottleneck_weights", lambda c, m: c * m + 9 * m * m, "three layers"),
])
def test_weight_count_mistakes(name, wrong, message):
    result = run(name, wrong)
    assert result.points < result.max_points and message in failures(result)


def _times4_missing(size, bottleneck=False):
    return stage_shapes(size, False)


def _ceil(size, bottleneck=False):
    shapes = stage_shapes(size, bottleneck)
    return [(c, h + (size % 2 == 0 and i > 4), w + (size % 2 == 0 and i > 4))
            for i, (c, h, w) in enumerate(shapes)]


def _no_pool(size, bottleneck=False):
    shapes = stage_shapes(size, bottleneck)
    return shapes[:1] + [(c, 2 * h, 2 * w) for c, h, w in shapes[1:]]


@pytest.mark.parametrize("wrong, message", [
    (_times4_missing, "4× its width"),
    (_ceil, "rounds down"),
    (_no_pool, "both have stride 2"),
    (lambda size, bottleneck=False: stage_shapes(size, bottleneck)[2:], "expected 6 shapes"),
    (lambda size, bottleneck=False: 7, "list of (C, H, W)"),
])
def test_stage_shape_mistakes(wrong, message):
    result = run("stage_shapes", wrong)
    assert result.points < result.max_points and message in failures(result)


# ---------------------------------------------------------------------------- receptive fields


def test_receptive_field_reference_agrees_with_the_library_and_published_values():
    # ResNet-18 and ResNet-50 end at 435 and 427 pixels (Araujo et al., Distill 2019).
    assert stage_receptive_fields_reference((2, 2, 2, 2)) == [7, 11, 43, 99, 211, 435]
    assert stage_receptive_fields_reference((3, 4, 6, 3), True)[-1] == 427
    chain = [Layer(7, 2), Layer(3, 2)] + [Layer(3, 2 if i in (4, 8, 12) else 1)
                                          for i in range(16)]
    assert receptive_field(chain)[-1].size == 435


def _shortcut_path(blocks, bottleneck=False):
    out, r, j = [7, 11], 11, 4
    for stage in range(4):
        if stage:
            j *= 2
        out.append(r)
    return out


def _late_jump(blocks, bottleneck=False):
    r, j, out = 1, 1, []
    for part in ([(7, 2)], [(3, 2)]):
        for k, s in part:
            j *= s
            r += (k - 1) * j
        out.append(r)
    for stage, n in enumerate(blocks):
        for b in range(n):
            for k, s in ([(3, 2 if stage and not b else 1), (3, 1)]):
                j *= s
                r += (k - 1) * j
        out.append(r)
    return out


@pytest.mark.parametrize("wrong, message", [
    (_shortcut_path, "along the shortcuts only"),
    (lambda blocks, bottleneck=False: stage_receptive_fields(blocks, False), "one 3×3"),
    (lambda blocks, bottleneck=False: stage_receptive_fields(blocks, bottleneck, one_conv=True),
     "two 3×3 convolutions"),
    (lambda blocks, bottleneck=False: stage_receptive_fields(blocks, bottleneck, skip_pool=True),
     "max pool"),
    (_late_jump, "add (k − 1)·j with the jump j of the layers before"),
    (lambda blocks, bottleneck=False: [float(v) + 0.5 for v in stage_receptive_fields(blocks)],
     "6 whole numbers"),
    (lambda blocks, bottleneck=False: stage_receptive_fields(blocks, bottleneck)[2:],
     "6 whole numbers"),
    (lambda blocks, bottleneck=False: 435, "list of 6 ints"),
])
def test_receptive_field_mistakes(wrong, message):
    result = run("stage_receptive_fields", wrong)
    assert result.points < result.max_points and message in failures(result)
