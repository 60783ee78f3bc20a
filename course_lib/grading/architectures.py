"""Checks for the architecture exercises (chapter 09): build LeNet-5, count VGG's parameters by
formula, build an Inception module, design a small network within a parameter budget.

References are the course's own models (`models.LeNet5`, `models.vgg`, `models.Inception`), whose
counts the tests pin to the papers; a learner's module is inspected and trained by `probes`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .core import Case, CaseFailure, CheckResult, call, expect_int, observe, run_cases

__all__ = ["SHAPES_BUDGET", "check_inception", "check_lenet5", "check_shapes_net",
           "check_vgg_param_count", "forward_output", "module_report"]


def module_report(fn: Callable[..., Any], args: Sequence[Any] = (),
                  runs: Sequence[dict] = (), zero_params: bool = False) -> dict:
    """What the learner's fn(*args) built, observed where it runs (probes.module): it must be a
    torch module; runs are forward passes {"shape", "fill", "seed", "trace", "keep_input"}."""
    report = observe(fn, "module", list(args), [dict(r) for r in runs], zero_params)
    if not isinstance(report, dict) or not isinstance(report.get("module"), bool):
        raise CaseFailure("the module could not be inspected")
    if not report["module"]:
        if report.get("none"):
            raise CaseFailure("returned None: did you forget the `return` statement?")
        raise CaseFailure(f"expected a torch.nn.Module, got a {report.get('type')}")
    return report


def forward_output(run: dict, shape: Sequence[int]) -> Any:
    """The output array of one observed forward pass; CaseFailure saying how it failed."""
    if run.get("not_tensor"):
        raise CaseFailure(f"the forward pass {run['error']}")
    if run.get("error"):
        raise CaseFailure(f"the forward pass on a {tuple(shape)} input {run['error']}")
    out = run.get("out")
    if not isinstance(out, np.ndarray):
        raise CaseFailure("the forward pass gave no output")
    return out


# ------------------------------------------------------------------------------------ LeNet-5

LENET_SHAPES = {"Conv2d": [(6, 28, 28), (16, 10, 10), (120, 1, 1)],
                "AvgPool2d": [(6, 14, 14), (16, 5, 5)]}
LENET_NAMES = {"Conv2d": ["C1", "C3", "C5"], "AvgPool2d": ["S2", "S4"]}


def _traced(report: dict, run: int) -> dict[str, list]:
    """The (C, H, W) output shapes of the Conv2d and pooling layers in one observed run."""
    trace = report["runs"][run].get("trace") or {}
    return {str(k): [tuple(s) for s in v] for k, v in trace.items()}


def _lenet_shape_problem(shapes: dict[str, list]) -> str:
    """The first feature map whose shape is wrong, with a hint; "" if all are right."""
    if shapes.get("MaxPool2d"):
        return ("LeNet-5 subsamples by 2×2 averaging (nn.AvgPool2d(2)); max pooling came later")
    for kind, expected in LENET_SHAPES.items():
        got = shapes.get(kind, [])
        for name, e, g in zip(LENET_NAMES[kind], expected, [*got, None, None, None], strict=False):
            if g != e:
                hint = ""
                if name == "C1" and g == (6, 32, 32):
                    hint = ": C1 has no padding, 32 − 5 + 1 = 28"
                elif g is not None and g[0] != e[0]:
                    hint = f": {name} has {e[0]} filters"
                shown = "no output" if g is None else str(g)
                return f"{name} ({kind}) should output {e}, got {shown}{hint}"
    return ""


def check_lenet5(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn() -> nn.Module`, the textbook LeNet-5."""
    two, one = (2, 1, 32, 32), (1, 1, 32, 32)

    def output(fn: Callable[..., Any]) -> None:
        report = module_report(fn, (), [{"shape": two}, {"shape": one, "trace": True}])
        try:
            out = forward_output(report["runs"][0], two)
        except CaseFailure as e:
            problem = _lenet_shape_problem(_traced(report, 1))
            raise CaseFailure(f"{e}" + (f"; {problem}" if problem else "")) from None
        if tuple(out.shape) != (2, 10):
            raise CaseFailure(f"expected logits of shape (2, 10) for 2 images, got "
                              f"{tuple(out.shape)}")

    def maps(fn: Callable[..., Any]) -> None:
        problem = _lenet_shape_problem(_traced(module_report(fn, (), [{"shape": one,
                                                                      "trace": True}]), 0))
        if problem:
            raise CaseFailure(problem)

    def counts(fn: Callable[..., Any]) -> None:
        report = module_report(fn)
        if "ReLU" in report["types"]:
            raise CaseFailure("LeNet-5 uses tanh (nn.Tanh) after each layer; ReLU came with "
                              "AlexNet in 2012")
        tanh = report["types"].count("Tanh")
        if tanh != 4:
            raise CaseFailure(f"expected 4 nn.Tanh layers (after C1, C3, C5 and F6), found {tanh}")
        expect_int(report["params"], 61_706, [
            (61_706 - 6 - 16 - 120 - 84 - 10, "did you turn off the biases? keep bias=True"),
            (60_000 + 850, "that is the 1998 count with the sparse C3 table: here C3 is a "
                           "plain (dense) convolution"),
        ])

    cases = [Case("logits of shape (N, 10) for (N, 1, 32, 32) images", output),
             Case("feature maps 6@28×28, 6@14×14, 16@10×10, 16@5×5, 120@1×1", maps),
             Case("tanh activations and 61,706 parameters", counts)]
    return run_cases("lenet5", fn, cases, verbose=verbose)


# -------------------------------------------------------------------------------- VGG counting


def vgg_param_count_reference(config: Sequence[int | str], in_channels: int = 3,
                              image_size: int = 224, hidden: int = 4096,
                              num_classes: int = 1000) -> int:
    """Weights and biases of VGG(config): 3×3 convs, 2×2 pools ("M"), then
    flatten → FC(hidden) → FC(hidden) → FC(num_classes)."""
    total, channels, side = 0, in_channels, image_size
    for item in config:
        if item == "M":
            side //= 2
        else:
            total += item * (channels * 9 + 1)
            channels = item
    flat = channels * side * side
    return total + hidden * (flat + 1) + hidden * (hidden + 1) + num_classes * (hidden + 1)


def _vgg_mistakes(config: Sequence[int | str], in_channels: int, image_size: int, hidden: int,
                  num_classes: int) -> list[tuple[int, str]]:
    convs = [c for c in config if c != "M"]
    pools = len(config) - len(convs)
    ref = vgg_param_count_reference(config, in_channels, image_size, hidden, num_classes)
    conv_only = vgg_param_count_reference(config, in_channels, 2**pools, 0, 0)
    side = image_size // 2**pools
    flat = convs[-1] * side * side
    return [
        (conv_only, "only the convolutions are counted: add the three fully connected layers"),
        (ref - sum(convs), "did you forget the convolutions' biases (one per filter)?"),
        (ref - 2 * hidden - num_classes, "did you forget the FC layers' biases?"),
        (ref - sum(convs) - 2 * hidden - num_classes, "did you forget the biases?"),
        (ref - hidden * flat + hidden * convs[-1] * image_size**2,
         "the first FC layer sees the last maps after all the poolings: "
         f"{convs[-1]}·{side}·{side} = {flat:,} inputs"),
        (ref + sum(c * 9 * (3 - prev) for c, prev in zip(
            convs, [in_channels, *convs[:-1]], strict=True)),
         "a filter is 3×3×(the previous layer's width), not 3×3×3"),
        (ref - hidden * (hidden + 1), "VGG has three FC layers: hidden, hidden, then the classes"),
    ]


def check_vgg_param_count(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(config, in_channels=3, image_size=224, hidden=4096, num_classes=1000) -> int`."""
    from ..models.vgg import VGG_CONFIGS

    def case(label: str, config: Sequence[int | str], **kwargs: Any) -> Case:
        full = {"in_channels": 3, "image_size": 224, "hidden": 4096, "num_classes": 1000,
                **kwargs}

        def run(fn: Callable[..., Any]) -> None:
            expect_int(call(fn, list(config), **kwargs), vgg_param_count_reference(config, **full),
                       _vgg_mistakes(config, **full))

        return Case(label, run)

    cases = [
        case("VGG-16 (configuration D) at 224×224: about 138M", VGG_CONFIGS["vgg16"]),
        case("VGG-11 (configuration A)", VGG_CONFIGS["vgg11"]),
        case("a small VGG for 32×32 CIFAR-10 images, 1-channel input, 256 hidden units",
             (16, "M", 32, 32, "M", 64, "M"), in_channels=1, image_size=32, hidden=256,
             num_classes=10),
    ]
    return run_cases("vgg_param_count", fn, cases, verbose=verbose)


# ----------------------------------------------------------------------------------- Inception


def inception_params_reference(in_channels: int, c1: int, c3_reduce: int, c3: int,
                               c5_reduce: int, c5: int, pool_proj: int) -> int:
    """Weights and biases of an Inception module (1×1 | 1×1→3×3 | 1×1→5×5 | pool→1×1)."""
    def conv(i: int, o: int, k: int) -> int:
        return o * (i * k * k + 1)

    return (conv(in_channels, c1, 1) + conv(in_channels, c3_reduce, 1) + conv(c3_reduce, c3, 3)
            + conv(in_channels, c5_reduce, 1) + conv(c5_reduce, c5, 5)
            + conv(in_channels, pool_proj, 1))


def check_inception(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(in_channels, c1, c3_reduce, c3, c5_reduce, c5, pool_proj) -> nn.Module`."""
    specs = {"3a": (192, 64, 96, 128, 16, 32, 32), "4e": (528, 256, 160, 320, 32, 128, 128)}

    def shape_case(name: str, size: int) -> Case:
        spec = specs[name]
        out_channels = spec[1] + spec[3] + spec[5] + spec[6]

        def run(fn: Callable[..., Any]) -> None:
            shape = (1, spec[0], size, size)
            out = forward_output(module_report(fn, spec, [{"shape": shape}])["runs"][0], shape)
            got = tuple(out.shape[1:])
            if got == (out_channels, size, size):
                return
            hint = ""
            if got[0] == out_channels and got[1:] != (size, size):
                hint = (": the branches must keep the map size: padding 1 for 3×3, 2 for 5×5, "
                        "and the max pool with kernel 3, stride 1, padding 1")
            elif got[1:] == (size, size):
                hint = (f": concatenate the four branches along the channels (dim=1): "
                        f"{spec[1]} + {spec[3]} + {spec[5]} + {spec[6]} = {out_channels}")
            raise CaseFailure(f"inception {name} on a (1, {spec[0]}, {size}, {size}) input should "
                              f"give (1, {out_channels}, {size}, {size}), got "
                              f"{tuple(out.shape)}{hint}")

        return Case(f"inception ({name}): output shape", run)

    def params_and_relu(fn: Callable[..., Any]) -> None:
        spec = specs["3a"]
        c_in, c1, c3r, c3, c5r, c5, pp = spec
        shape = (1, c_in, 8, 8)
        report = module_report(fn, spec, [{"shape": shape, "fill": "randn", "seed": 0}])
        ref = inception_params_reference(*spec)
        no_reduce = (c1 * (c_in + 1) + c3 * (c_in * 9 + 1) + c5 * (c_in * 25 + 1)
                     + pp * (c_in + 1))
        expect_int(report["params"], ref, [
            (ref - c5 * c5r * 16, "the 5×5 branch has a 3×3 kernel (torchvision's slip): "
                                  "use kernel_size=5, padding=2"),
            (no_reduce, "no 1×1 reductions: the 3×3 and 5×5 convolutions must read the "
                        "reduced maps (c3_reduce, c5_reduce channels), not the input"),
            (ref - pp * (c_in + 1), "the pool branch needs its 1×1 projection (pool_proj)"),
            (ref - (c1 + c3r + c3 + c5r + c5 + pp), "did you turn off the biases?"),
        ])
        run = report["runs"][0]
        if not run.get("error") and isinstance(run.get("out"), np.ndarray) and (
                run["out"] < 0).any():
            raise CaseFailure("some outputs are negative: put a ReLU after every convolution, "
                              "the reductions and projections included")

    cases = [shape_case("3a", 28), shape_case("4e", 14),
             Case("inception (3a): 163,696 parameters, ReLU after every convolution",
                  params_and_relu)]
    return run_cases("inception", fn, cases, verbose=verbose)


# ------------------------------------------------------------------------------ the design task

# The budget and the accuracy the learner's network must reach on shapes_task.SHAPES_TASK.
SHAPES_BUDGET = {"max_params": 1_000, "min_accuracy": 0.98}


def _shapes_case(label: str, what: str, points: int = 1) -> Case:
    budget = SHAPES_BUDGET

    def run(fn: Callable[..., Any]) -> None:
        shape = (2, 1, 16, 16)
        report = module_report(fn, (), [{"shape": shape, "fill": "rand", "seed": 1}])
        out = forward_output(report["runs"][0], shape)
        if tuple(out.shape) != (2, 4):
            raise CaseFailure(f"expected 4 class scores per image, shape (2, 4) for 2 images, "
                              f"got {tuple(out.shape)}")
        if what == "shape":
            return
        params = report["params"]
        if params > budget["max_params"] and what == "accuracy":
            raise CaseFailure("not trained: the network is over the parameter budget")
        if params > budget["max_params"]:
            raise CaseFailure(f"{params:,} parameters, over the budget of "
                              f"{budget['max_params']:,}: look at where they sit (a linear "
                              "layer on flattened maps pays for every position)")
        if what == "budget":
            return
        trained = observe(fn, "train_on_shapes")
        if not isinstance(trained, dict) or trained.get("error"):
            raise CaseFailure("training failed: " + str(trained.get("error") if isinstance(
                trained, dict) else "no report"))
        accuracy = trained.get("accuracy")
        if not isinstance(accuracy, float):
            raise CaseFailure("the network could not be trained")
        if accuracy < budget["min_accuracy"]:
            raise CaseFailure(f"{accuracy:.1%} of the 400 test shapes after the fixed training, "
                              f"below {budget['min_accuracy']:.0%}: a shape can sit anywhere on "
                              "the canvas; which layers let the scores ignore where it is?")

    return Case(label, run, points)


def check_shapes_net(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn() -> nn.Module`: (N, 1, 16, 16) → (N, 4), within SHAPES_BUDGET's parameters,
    reaching its accuracy on the placed shapes after shapes_task.SHAPES_TASK's training."""
    b = SHAPES_BUDGET
    cases = [_shapes_case("(N, 1, 16, 16) images → (N, 4) class scores", "shape"),
             _shapes_case(f"at most {b['max_params']:,} parameters", "budget"),
             _shapes_case(f"≥ {b['min_accuracy']:.0%} test accuracy after 4 epochs of Adam",
                          "accuracy", points=2)]
    return run_cases("shapes_net", fn, cases, verbose=verbose, time_limit=60.0)
