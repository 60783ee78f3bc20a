"""Checks of the chapter 09 exercises (lenet5, vgg_param_count, inception, shapes_net): solutions
earn full marks, stubs nothing, typical mistakes get their own message, and nothing a learner
writes makes a check raise."""

from __future__ import annotations

import pytest
import torch
from grading_contract import failures, run, stub
from torch import nn

from course_lib.grading import EXERCISE_SETS, find_check
from course_lib.grading.architectures import (
    inception_params_reference,
    vgg_param_count_reference,
)
from course_lib.grading.core import NOT_IMPLEMENTED
from course_lib.models import VGG_CONFIGS, Inception, InceptionSpec, vgg
from course_lib.shapes_task import shapes_task_data, train_on_shapes

# ------------------------------------------------------------ answers, written independently


def lenet5(activation=nn.Tanh, pool=nn.AvgPool2d, padding=0, bias=True):
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=padding, bias=bias), activation(), pool(2),
        nn.Conv2d(6, 16, 5, bias=bias), activation(), pool(2),
        nn.Conv2d(16, 120, 5, bias=bias), activation(), nn.Flatten(),
        nn.Linear(120, 84, bias=bias), activation(), nn.Linear(84, 10, bias=bias))


def vgg_param_count(config, in_channels=3, image_size=224, hidden=4096, num_classes=1000):
    total, c, side = 0, in_channels, image_size
    for item in config:
        if item == "M":
            side //= 2
            continue
        total += (9 * c + 1) * item
        c = item
    flat = c * side * side
    return total + (flat + 1) * hidden + (hidden + 1) * hidden + (hidden + 1) * num_classes


class MyInception(nn.Module):
    def __init__(self, in_channels, c1, c3_reduce, c3, c5_reduce, c5, pool_proj, k5=5, relu=True):
        super().__init__()

        def conv(i, o, k):
            layers = [nn.Conv2d(i, o, k, padding=k // 2)]
            return nn.Sequential(*layers, nn.ReLU()) if relu else layers[0]

        self.b1 = conv(in_channels, c1, 1)
        self.b3 = nn.Sequential(conv(in_channels, c3_reduce, 1), conv(c3_reduce, c3, 3))
        self.b5 = nn.Sequential(conv(in_channels, c5_reduce, 1), conv(c5_reduce, c5, k5))
        self.bp = nn.Sequential(nn.MaxPool2d(3, 1, 1), conv(in_channels, pool_proj, 1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b3(x), self.b5(x), self.bp(x)], dim=1)


def inception(*spec):
    return MyInception(*spec)


def shapes_net():
    return nn.Sequential(nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.AdaptiveMaxPool2d(1),
                         nn.Flatten(), nn.Linear(8, 4))


def flat_net():
    return nn.Sequential(nn.Conv2d(1, 6, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 8, 3),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32, 4))


CORRECT = {"lenet5": lenet5, "vgg_param_count": vgg_param_count, "inception": inception,
           "shapes_net": shapes_net}
NAMES = [c.name for c in EXERCISE_SETS["architectures"]]


# ------------------------------------------------------------------------------ the references


def test_references_agree_with_the_models():
    for name in ("vgg11", "vgg16", "vgg19"):
        with torch.device("meta"):
            params = sum(p.numel() for p in vgg(name).parameters())
        assert vgg_param_count_reference(VGG_CONFIGS[name]) == params
    assert vgg_param_count_reference(VGG_CONFIGS["vgg16"]) == 138_357_544
    spec = (192, 64, 96, 128, 16, 32, 32)
    module = Inception(InceptionSpec(*spec))
    assert inception_params_reference(*spec) == sum(p.numel() for p in module.parameters())
    assert inception_params_reference(*spec) == 163_696


# ------------------------------------------------------------------------- right and stubbed


def test_registered_set():
    assert NAMES == ["lenet5", "vgg_param_count", "inception", "shapes_net"]


@pytest.mark.parametrize("name", NAMES)
def test_correct_answers_earn_full_marks(name):
    result = run(name, CORRECT[name])
    assert result.points == result.max_points == find_check(name).max_points > 0, result.messages


@pytest.mark.parametrize("name", NAMES)
def test_stubs_earn_nothing_with_one_message(name):
    result = run(name, stub)
    assert result.points == 0 and result.messages == [NOT_IMPLEMENTED]


# ----------------------------------------------------------------------------- typical mistakes


@pytest.mark.parametrize("wrong, message", [
    (lambda: lenet5(activation=nn.ReLU), "tanh"),
    (lambda: lenet5(pool=nn.MaxPool2d), "averaging"),
    (lambda: lenet5(padding=2), "no padding"),
    (lambda: lenet5(bias=False), "biases"),
    (lambda: "LeNet", "expected a torch.nn.Module"),
    (lambda: None, "return"),
    (lambda: nn.Sequential(nn.Flatten(), nn.Linear(10, 10)), "forward pass"),
])
def test_lenet5_mistakes(wrong, message):
    result = run("lenet5", wrong)
    assert result.points < result.max_points and message in failures(result)


def _no_biases(config, in_channels=3, image_size=224, hidden=4096, num_classes=1000):
    total, c, side = 0, in_channels, image_size
    for item in config:
        if item == "M":
            side //= 2
        else:
            total, c = total + 9 * c * item, item
    return total + c * side * side * hidden + hidden * hidden + hidden * num_classes


def _no_pool_division(config, in_channels=3, image_size=224, hidden=4096, num_classes=1000):
    convs = [c for c in config if c != "M"]
    conv_part = vgg_param_count(config, in_channels, image_size, 0, 0)
    flat = convs[-1] * image_size * image_size
    return conv_part + (flat + 1) * hidden + (hidden + 1) * hidden + (hidden + 1) * num_classes


def _convs_only(config, in_channels=3, image_size=224, hidden=4096, num_classes=1000):
    return vgg_param_count(config, in_channels, 1, 0, 0)


def _two_fc(config, in_channels=3, image_size=224, hidden=4096, num_classes=1000):
    return vgg_param_count(config, in_channels, image_size, hidden, num_classes) - hidden * (
        hidden + 1)


@pytest.mark.parametrize("wrong, message", [
    (_no_biases, "biases"),
    (_no_pool_division, "after all the poolings"),
    (_convs_only, "fully connected"),
    (_two_fc, "three FC layers"),
    (lambda *a, **k: float(vgg_param_count(*a, **k)), "expected an int"),
    (lambda *a, **k: 1 / 0, "ZeroDivisionError"),
])
def test_vgg_mistakes(wrong, message):
    result = run("vgg_param_count", wrong)
    assert result.points < result.max_points and message in failures(result)


@pytest.mark.parametrize("wrong, message", [
    (lambda *s: MyInception(*s, k5=3), "3×3 kernel"),
    (lambda *s: MyInception(*s, relu=False), "ReLU"),
    (lambda *s: nn.Conv2d(s[0], s[1] + s[3] + s[5] + s[6], 3), "keep the map size"),
    (lambda *s: nn.Conv2d(s[0], s[1], 1), "concatenate"),
])
def test_inception_mistakes(wrong, message):
    result = run("inception", wrong)
    assert result.points < result.max_points and message in failures(result)


def test_no_reduction_is_recognised():
    class Naive(MyInception):
        def __init__(self, in_channels, c1, c3_reduce, c3, c5_reduce, c5, pool_proj):
            super().__init__(in_channels, c1, c3_reduce, c3, c5_reduce, c5, pool_proj)
            self.b3 = nn.Sequential(nn.Conv2d(in_channels, c3, 3, padding=1), nn.ReLU())
            self.b5 = nn.Sequential(nn.Conv2d(in_channels, c5, 5, padding=2), nn.ReLU())

    result = run("inception", Naive)
    assert "no 1×1 reductions" in failures(result)


# ------------------------------------------------------------------------------ the design task


def test_the_shapes_task_is_balanced_and_the_same_every_time():
    x, y, x_test, y_test = shapes_task_data()
    assert x.shape == (800, 1, 16, 16) and x_test.shape == (400, 1, 16, 16)
    assert float(x.min()) == 0.0 and float(x.max()) == 1.0
    assert torch.bincount(torch.cat([y, y_test])).tolist() == [300] * 4
    first, again = train_on_shapes(flat_net), train_on_shapes(flat_net)
    assert first == again and first["params"] == 728 and 0.25 < first["accuracy"] < 1


@pytest.mark.parametrize("wrong, message", [
    (lambda: nn.Sequential(nn.Flatten(), nn.Linear(256, 4)), "1,028 parameters, over the budget"),
    (lambda: nn.Sequential(nn.AvgPool2d(4), nn.Flatten(), nn.Linear(16, 4)), "below 98%"),
    (lambda: nn.Sequential(nn.Flatten(), nn.Linear(256, 3)), "shape (2, 4)"),
    (lambda: nn.Sequential(nn.Conv2d(1, 4, 16), nn.Flatten()), "1,028 parameters"),
    (lambda: nn.Sequential(nn.AdaptiveAvgPool2d(2), nn.Flatten()), "training failed"),
    (lambda: nn.Linear(16, 4), "(N, 1, 16, 16) images"),
])
def test_shapes_net_mistakes(wrong, message):
    result = run("shapes_net", wrong)
    assert result.points < result.max_points and message in failures(result)


def test_over_budget_networks_are_not_trained():
    result = run("shapes_net", lambda: nn.Sequential(nn.Flatten(), nn.Linear(256, 4)))
    assert result.points == 1 and "not trained" in failures(result)
