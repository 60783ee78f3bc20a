"""Checks for the chapter-13 exercises: following a stack of convolution and pooling layers, its
output shapes, its parameter count and its multiply-adds; designing a stack within a budget.

References come from `layer_trace.trace_layers` (sizes floored as PyTorch does); the tests check
them against torch's layers and `complexity.summary`. Multiply-adds follow the convention of the
VGG and ResNet papers: C_out · H_out · W_out · (k² · C_in), biases excluded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..layer_trace import LayerSpec, conv, pool, trace_layers
from .core import Case, CaseFailure, CheckResult, call, expect_int, run_cases

__all__ = ["DESIGN_BUDGET", "check_budget_stack", "check_stack_mult_adds", "check_stack_params",
           "check_stack_shapes", "to_specs"]

# A layer in the exercises: ("conv", out_channels, kernel_size, stride, padding) or
# ("pool", kernel_size, stride).
Layer = tuple


def to_specs(layers: Sequence[Layer]) -> list[LayerSpec]:
    """The exercises' tuples as `LayerSpec`s."""
    return [conv(*spec[1:]) if spec[0] == "conv" else pool(*spec[1:]) for spec in layers]


KERAS_MNIST = [("conv", 32, 3, 1, 0), ("pool", 2, 2), ("conv", 64, 3, 1, 0), ("pool", 2, 2),
               ("conv", 64, 3, 1, 0)]
VGG_STYLE = [("conv", 32, 3, 1, 1), ("conv", 32, 3, 1, 1), ("pool", 2, 2),
             ("conv", 64, 3, 1, 1), ("conv", 64, 3, 1, 1), ("pool", 2, 2)]
STRIDED = [("conv", 16, 7, 2, 3), ("pool", 3, 2), ("conv", 32, 3, 2, 1), ("conv", 8, 1, 1, 0)]


# ------------------------------------------------------------------------------- stack_shapes


def _shapes_case(label: str, shape: tuple[int, int, int], layers: list[Layer]) -> Case:
    rows = trace_layers(shape[1], shape[0], to_specs(layers))
    expected = [(r.channels, r.size, r.size) for r in rows]

    def run(fn: Callable[..., Any]) -> None:
        got = call(fn, shape, list(layers))
        if got is None:
            raise CaseFailure("returned None: did you forget the `return` statement?")
        try:
            got = [tuple(s) for s in got]
        except TypeError:
            raise CaseFailure("expected a list of (C, H, W) tuples, one per layer") from None
        if len(got) != len(expected):
            raise CaseFailure(f"expected {len(expected)} shapes (one per layer), got {len(got)}")
        if any(len(g) != 3 or not all(isinstance(v, int | np.integer) for v in g) for g in got):
            raise CaseFailure("each shape must be three whole numbers (C, H, W): use // for the "
                              "division, as PyTorch rounds down")
        size, channels = shape[1], shape[0]
        for k, (g, e, spec) in enumerate(zip(got, expected, layers, strict=True), start=1):
            if g != e:
                kind, *numbers = spec
                hint = ""
                if kind == "pool" and g[0] != channels:
                    hint = "pooling keeps the number of channels"
                elif kind == "conv" and g[0] != numbers[0]:
                    hint = "a convolution has one output channel per filter (out_channels)"
                elif g[1] == e[1] + 1:
                    hint = "one too many: round down (//), as PyTorch does"
                elif kind == "conv" and g[1] == size - numbers[1] + 1:
                    hint = "did you ignore the stride or the padding?"
                raise CaseFailure(f"layer {k} {spec} on {(channels, size, size)}: expected {e}, "
                                  f"got {g}" + (f": {hint}" if hint else ""))
            channels, size = e[0], e[1]

    return Case(label, run)


def check_stack_shapes(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(shape, layers)` → the (C, H, W) after each layer."""
    cases = [
        _shapes_case("the Keras MNIST model on (1, 28, 28)", (1, 28, 28), KERAS_MNIST),
        _shapes_case("3×3 convolutions with padding 1 on (3, 32, 32)", (3, 32, 32), VGG_STYLE),
        _shapes_case("strides, a 7×7 stem and a 1×1 convolution on (3, 64, 64)", (3, 64, 64),
                     STRIDED),
    ]
    return run_cases("stack_shapes", fn, cases, verbose=verbose)


# --------------------------------------------------------------------------------- stack_params


def _params_case(label: str, in_channels: int, layers: list[Layer]) -> Case:
    rows = trace_layers(64, in_channels, to_specs(layers))
    expected = sum(r.params for r in rows)
    convs = [spec for spec in layers if spec[0] == "conv"]
    no_bias = expected - sum(spec[1] for spec in convs)
    depth_one = sum(spec[1] * (spec[2] ** 2 + 1) for spec in convs)
    same_depth = sum(spec[1] * (spec[2] ** 2 * in_channels + 1) for spec in convs)

    def run(fn: Callable[..., Any]) -> None:
        expect_int(call(fn, in_channels, list(layers)), expected, [
            (no_bias, "did you forget the biases (one per filter)?"),
            (depth_one, "each filter is as deep as its input: k·k·C_in weights, with C_in the "
                        "previous layer's number of filters"),
            (same_depth, "C_in changes from layer to layer: after the first convolution it is "
                         "the previous convolution's number of filters")])

    return Case(label, run)


def check_stack_params(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(in_channels, layers)` → the parameters of all the convolutions."""
    cases = [
        _params_case("the Keras MNIST model's convolutions: 320 + 18,496 + 36,928", 1,
                     KERAS_MNIST),
        _params_case("3×3 convolutions with padding 1 on RGB", 3, VGG_STYLE),
        _params_case("strides, a 7×7 stem and a 1×1 convolution on RGB", 3, STRIDED),
    ]
    return run_cases("stack_params", fn, cases, verbose=verbose)


# ------------------------------------------------------------------------------ stack_mult_adds


def _mult_adds_case(label: str, shape: tuple[int, int, int], layers: list[Layer]) -> Case:
    rows = trace_layers(shape[1], shape[0], to_specs(layers))
    expected = sum((r.params - r.channels) * r.size**2 for r in rows if r.layer.kind == "conv")
    with_bias = sum(r.params * r.size**2 for r in rows if r.layer.kind == "conv")
    sizes = [shape[1]] + [r.size for r in rows]
    on_input = sum((r.params - r.channels) * sizes[k] ** 2 for k, r in enumerate(rows)
                   if r.layer.kind == "conv")

    def run(fn: Callable[..., Any]) -> None:
        expect_int(call(fn, shape, list(layers)), expected, [
            (with_bias, "biases are not multiply-adds: count C_out · H_out · W_out · k² · C_in"),
            (on_input, "each filter runs once per *output* position: use the output's H × W"),
            (sum(r.params - r.channels for r in rows if r.layer.kind == "conv"),
             "that is the number of weights: each weight is used at every output position")])

    return Case(label, run)


def check_stack_mult_adds(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(shape, layers)` → the multiply-adds of all the convolutions."""
    cases = [
        _mult_adds_case("the Keras MNIST model on (1, 28, 28)", (1, 28, 28), KERAS_MNIST),
        _mult_adds_case("3×3 convolutions with padding 1 on (3, 32, 32)", (3, 32, 32),
                        VGG_STYLE),
        _mult_adds_case("strides, a 7×7 stem and a 1×1 convolution on (3, 64, 64)", (3, 64, 64),
                        STRIDED),
    ]
    return run_cases("stack_mult_adds", fn, cases, verbose=verbose)


# ------------------------------------------------------------------------------- budget_stack

# The design brief: (3, 32, 32) in, 10 class scores of 1×1 out, kernels at most 3×3, every score
# seeing the whole image, within a parameter and a multiply-add budget.
DESIGN_BUDGET = {"input": (3, 32, 32), "output": (10, 1, 1), "max_kernel": 3,
                 "min_receptive_field": 32, "max_params": 20_000, "max_mult_adds": 1_000_000}


def _design_rows(got: Any) -> list:
    """The trace of the learner's stack; CaseFailure if it is not a valid stack for the brief."""
    if got is None:
        raise CaseFailure("returned None: did you forget the `return` statement?")
    if not isinstance(got, list | tuple) or not got:
        raise CaseFailure("expected a non-empty list of layer tuples")
    budget = DESIGN_BUDGET
    for k, spec in enumerate(got, start=1):
        ok = isinstance(spec, list | tuple) and len(spec) >= 1 and spec[0] in ("conv", "pool")
        numbers = list(spec[1:]) if ok else []
        ok = ok and len(numbers) == (4 if spec[0] == "conv" else 2) and all(
            isinstance(v, int | np.integer) and not isinstance(v, bool) for v in numbers)
        if not ok:
            raise CaseFailure(f"layer {k} {spec!r}: write ('conv', out_channels, kernel_size, "
                              "stride, padding) or ('pool', kernel_size, stride), whole numbers")
        kernel = numbers[1] if spec[0] == "conv" else numbers[0]
        if min(numbers) < 0 or kernel < 1 or (numbers[2] if spec[0] == "conv" else numbers[1]) < 1:
            raise CaseFailure(f"layer {k} {tuple(spec)}: sizes and strides must be ≥ 1")
        if kernel > budget["max_kernel"]:
            raise CaseFailure(f"layer {k} {tuple(spec)}: kernels are at most "
                              f"{budget['max_kernel']}×{budget['max_kernel']} here; reach far "
                              "with depth, strides and pooling instead (VGG's lesson)")
    channels, size, _ = budget["input"]
    try:
        rows = trace_layers(size, channels, to_specs([tuple(s) for s in got]))
    except ValueError as e:
        raise CaseFailure(f"the stack does not fit a {budget['input']} input: {e}") from None
    out = (rows[-1].channels, rows[-1].size, rows[-1].size)
    if out != budget["output"]:
        hint = ("the last convolution needs 10 filters, one per class" if out[0] != 10 else
                "shrink the maps to 1×1 with strides or pooling")
        raise CaseFailure(f"the stack outputs {out}, not {budget['output']}: {hint}")
    return rows


def _design_case(label: str, what: str) -> Case:
    budget = DESIGN_BUDGET

    def run(fn: Callable[..., Any]) -> None:
        got = call(fn)
        if what != "shape":
            try:
                _design_rows(got)
            except CaseFailure:
                raise CaseFailure("not measured: the stack does not meet the first "
                                  "requirement yet") from None
        rows = _design_rows(got)
        if what == "shape":
            return
        if what == "field":
            field = rows[-1].receptive_field
            if field < budget["min_receptive_field"]:
                raise CaseFailure(f"each score sees only {field}×{field} pixels of the 32×32 "
                                  "image: add layers, or stride/pool earlier so that later "
                                  "kernels cover more of the input")
        elif what == "params":
            params = sum(r.params for r in rows)
            if params > budget["max_params"]:
                worst = max(rows, key=lambda r: r.params)
                raise CaseFailure(f"{params:,} parameters, over the budget of "
                                  f"{budget['max_params']:,}; the largest layer, "
                                  f"{worst.layer.describe()}, has {worst.params:,}: a layer "
                                  "costs k²·C_in·C_out, so keep the widths modest")
        else:
            costs = [((r.params - r.channels) * r.size**2, r) for r in rows
                     if r.layer.kind == "conv"]
            total = sum(c for c, _ in costs)
            if total > budget["max_mult_adds"]:
                cost, worst = max(costs, key=lambda c: c[0])
                raise CaseFailure(f"{total:,} multiply-adds, over the budget of "
                                  f"{budget['max_mult_adds']:,}; the costliest layer, "
                                  f"{worst.layer.describe()} at {worst.size}×{worst.size}, "
                                  f"needs {cost:,}: a layer is paid once per output position, "
                                  "so shrink the maps before the wide layers")

    return Case(label, run)


def check_budget_stack(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn() -> layers`: a stack meeting `DESIGN_BUDGET` (one point per requirement)."""
    b = DESIGN_BUDGET
    cases = [
        _design_case(f"a valid stack, kernels ≤ {b['max_kernel']}×{b['max_kernel']}, "
                     f"{b['input']} → {b['output']}", "shape"),
        _design_case(f"every score sees the whole image (receptive field ≥ "
                     f"{b['min_receptive_field']})", "field"),
        _design_case(f"at most {b['max_params']:,} parameters", "params"),
        _design_case(f"at most {b['max_mult_adds']:,} multiply-adds", "mult_adds"),
    ]
    return run_cases("budget_stack", fn, cases, verbose=verbose)
