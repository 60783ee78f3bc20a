"""The chapter-13 checks: solutions earn full marks, stubs nothing, typical mistakes get a message
naming them, checks never raise; their references agree with torch's own layers and with
`complexity.summary`."""

from __future__ import annotations

import math

import pytest
import torch
from grading_contract import assert_generated_with_full_marks
from grading_contract import stub as _stub
from torch import nn

from course_lib.complexity import summary
from course_lib.grading import EXERCISE_SETS
from course_lib.grading.core import NOT_IMPLEMENTED
from course_lib.grading.layer_stacks import (
    KERAS_MNIST,
    STRIDED,
    VGG_STYLE,
    check_budget_stack,
    check_stack_mult_adds,
    check_stack_params,
    check_stack_shapes,
)


def trace(shape, layers, rounding=lambda a, b: a // b):
    channels, size, _ = shape
    out = []
    for spec in layers:
        if spec[0] == "conv":
            _, channels, k, s, p = spec
        else:
            _, k, s = spec
            p = 0
        size = rounding(size - k + 2 * p, s) + 1
        out.append((channels, size, size))
    return out


def mult_adds(shape, layers, size_of=lambda before, after: after, bias=0):
    total, c_in, size = 0, shape[0], shape[1]
    for spec, (c, h, _) in zip(layers, trace(shape, layers), strict=True):
        if spec[0] == "conv":
            total += c * size_of(size, h) ** 2 * (spec[2] ** 2 * c_in + bias)
        c_in, size = c, h
    return total


def params(in_channels, layers):
    total = 0
    for spec in layers:
        if spec[0] == "conv":
            total += spec[1] * (spec[2] ** 2 * in_channels + 1)
            in_channels = spec[1]
    return total


def _torch_net(in_channels, layers) -> nn.Sequential:
    mods = []
    for spec in layers:
        if spec[0] == "conv":
            mods.append(nn.Conv2d(in_channels, spec[1], spec[2], spec[3], spec[4]))
            in_channels = spec[1]
        else:
            mods.append(nn.MaxPool2d(spec[1], spec[2]))
    return nn.Sequential(*mods)


@pytest.mark.parametrize(("shape", "layers"), [((1, 28, 28), KERAS_MNIST),
                                               ((3, 32, 32), VGG_STYLE),
                                               ((3, 64, 64), STRIDED)])
def test_the_networks_of_the_checks_agree_with_torch(shape, layers):
    net = _torch_net(shape[0], layers)
    x = torch.zeros(1, *shape)
    shapes = []
    for module in net:
        x = module(x)
        shapes.append(tuple(x.shape[1:]))
    assert trace(shape, layers) == shapes
    assert params(shape[0], layers) == sum(p.numel() for p in net.parameters())
    assert mult_adds(shape, layers) == summary(net, shape).total_mult_adds


@pytest.mark.parametrize(("check", "solution"), [(check_stack_shapes, trace),
                                                 (check_stack_params, params),
                                                 (check_stack_mult_adds, mult_adds)])
def test_solutions_earn_full_marks_and_stubs_nothing(check, solution):
    result = check(solution, verbose=False)
    assert result.passed and result.points == 3, result.messages
    stub = check(_stub, verbose=False)
    assert stub.points == 0 and stub.messages == [NOT_IMPLEMENTED]
    assert {c.name: c.max_points for c in EXERCISE_SETS["layer_stacks"]} == {
        "stack_shapes": 3, "stack_params": 3, "stack_mult_adds": 3, "budget_stack": 4}


def _no_channels_for_pool(shape, layers):
    return [(1, h, w) if spec[0] == "pool" else (c, h, w)
            for (c, h, w), spec in zip(trace(shape, layers), layers, strict=True)]


def _no_padding(shape, layers):
    return trace(shape, [(s[0], s[1], s[2], s[3], 0) if s[0] == "conv" else s for s in layers])


@pytest.mark.parametrize(("wrong", "hint"), [
    (lambda shape, layers: trace(shape, layers, lambda a, b: math.ceil(a / b)), "round down"),
    (lambda shape, layers: trace(shape, layers, lambda a, b: a / b), "whole numbers"),
    (_no_channels_for_pool, "pooling keeps the number of channels"),
    (_no_padding, "ignore the stride or the padding"),
    (lambda shape, layers: trace(shape, layers)[:-1], "one per layer"),
    (lambda shape, layers: 5, "list of (C, H, W)"),
])
def test_stack_shapes_mistakes_are_named(wrong, hint):
    result = check_stack_shapes(wrong, verbose=False)
    assert result.points < 3 and hint in "\n".join(result.messages)


@pytest.mark.parametrize(("wrong", "hint"), [
    (lambda shape, layers: mult_adds(shape, layers, bias=1), "biases are not multiply-adds"),
    (lambda shape, layers: mult_adds(shape, layers, size_of=lambda before, after: before),
     "output's H × W"),
    (lambda shape, layers: params(shape[0], layers)
     - sum(s[1] for s in layers if s[0] == "conv"), "number of weights"),
])
def test_mult_adds_mistakes_are_named(wrong, hint):
    result = check_stack_mult_adds(wrong, verbose=False)
    assert result.points < 3 and hint in "\n".join(result.messages)


@pytest.mark.parametrize(("wrong", "hint"), [
    (lambda c, layers: params(c, layers) - sum(s[1] for s in layers if s[0] == "conv"),
     "forget the biases"),
    (lambda c, layers: sum(s[1] * (s[2] ** 2 * c + 1) for s in layers if s[0] == "conv"),
     "C_in changes"),
])
def test_stack_params_mistakes_are_named(wrong, hint):
    result = check_stack_params(wrong, verbose=False)
    assert result.points < 3 and hint in "\n".join(result.messages)


def test_checks_never_raise():
    def explode(*args):
        raise RuntimeError("boom")

    for check in (check_stack_shapes, check_stack_params, check_stack_mult_adds,
                  check_budget_stack):
        for fn in (explode, "text", lambda *a: None, lambda *a: [object()], lambda *a: 7,
                   lambda *a: [("conv", 0, 3, 1, 1)], lambda *a: [("pool", 3, 1)] * 20):
            result = check(fn, verbose=False)
            assert result.points == 0 and result.messages


def test_exercise_notebooks_are_generated_and_the_source_shows_full_marks(repo_root):
    assert_generated_with_full_marks(
        "layer_stacks", repo_root / "exercises/source/13_summary_glossary.ipynb",
        repo_root / "exercises/13_summary_glossary.ipynb", stubs=4)


def test_check_names_are_unique_across_exercise_sets():
    # Notebooks call check(name, fn) without their set, and the first set with that name wins.
    names = [c.name for checks in EXERCISE_SETS.values() for c in checks]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


# ------------------------------------------------------------------------------- budget_stack

# Strided first, then pooling: (10, 1, 1), field 89, 17,226 parameters, 564,480 multiply-adds.
DESIGN = [("conv", 16, 3, 2, 1), ("pool", 2, 2), ("conv", 32, 3, 1, 1), ("pool", 2, 2),
          ("conv", 32, 3, 1, 1), ("pool", 2, 2), ("conv", 10, 3, 1, 1), ("pool", 2, 2)]


def field(layers):
    r, j = 1, 1
    for spec in layers:
        k, s = (spec[2], spec[3]) if spec[0] == "conv" else (spec[1], spec[2])
        r, j = r + (k - 1) * j, j * s
    return r


def test_the_design_meets_the_brief_by_independent_counts():
    assert trace((3, 32, 32), DESIGN)[-1] == (10, 1, 1) and field(DESIGN) == 89
    assert params(3, DESIGN) == 17_226 and mult_adds((3, 32, 32), DESIGN) == 564_480
    result = check_budget_stack(lambda: DESIGN, verbose=False)
    assert result.passed and result.points == 4, result.messages
    assert check_budget_stack(_stub, verbose=False).messages == [NOT_IMPLEMENTED]


# VGG-like at full resolution: 33,834 parameters, 2,811,904 multiply-adds (field 47 ≥ 32).
WIDE = [("conv", 16, 3, 1, 1), ("pool", 2, 2), ("conv", 32, 3, 1, 1), ("pool", 2, 2),
        ("conv", 64, 3, 1, 1), ("pool", 2, 2), ("conv", 10, 3, 1, 1), ("pool", 2, 2),
        ("pool", 2, 2)]
# Cheap but short-sighted: after one 3×3 convolution, 1×1 windows with stride 2 only subsample.
NEAR = [("conv", 10, 3, 2, 1)] + [("pool", 1, 2)] * 4


@pytest.mark.parametrize(("layers", "points", "hint"), [
    (WIDE, 2, "over the budget of 20,000"),
    (WIDE, 2, "shrink the maps before the wide layers"),
    (NEAR, 3, "each score sees only"),
    ([("conv", 10, 32, 1, 0)], 0, "kernels are at most 3×3"),
    (DESIGN[:-1], 0, "shrink the maps to 1×1"),
    ([("conv", 12, *s[2:]) if s[1] == 10 else s for s in DESIGN], 0, "10 filters"),
    ([("conv", 16, 3, 2)], 0, "write ('conv', out_channels"),
    ([("pool", 3, 2)] * 7, 0, "does not fit"),
    ([], 0, "non-empty list"),
])
def test_design_mistakes_are_named(layers, points, hint):
    result = check_budget_stack(lambda: layers, verbose=False)
    assert result.points == points and hint in "\n".join(result.messages), result.messages
