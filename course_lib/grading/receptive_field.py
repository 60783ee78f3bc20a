"""Checks for the receptive-field exercises: the field of a chain of (kernel_size, stride) layers,
and the design of a stack that sees a whole MNIST digit with the fewest weights.

The reference is `course_lib.receptive_field` (r = 1 + Σ_l (k_l − 1) Π_{i<l} s_i, tested there
against input gradients); typical mistakes are recognised by computing their formulas.
"""

from __future__ import annotations

from collections.abc import Callable
from math import prod
from typing import Any

import numpy as np

from ..receptive_field import receptive_field, vgg16_layers
from .core import NOT_IMPLEMENTED, Case, CaseFailure, CheckResult, call, expect_int, run_cases

__all__ = [
    "check_design_stack",
    "check_receptive_field",
    "fewest_weights",
    "stack_weights",
]

Stack = list[tuple[int, int]]


def receptive_field_reference(layers: Stack) -> int:
    """Receptive field (pixels per side) of one output unit of the chain [(k, s), …]."""
    return receptive_field(layers)[-1].size


def _mistakes(layers: Stack) -> list[tuple[int, str]]:
    ks, ss = [k for k, _ in layers], [s for _, s in layers]
    return [
        (1 + sum(k - 1 for k in ks),
         "did you forget the strides? a layer's k − 1 extra positions are steps of the map "
         "below it, each worth the product of the strides of the layers below"),
        (1 + sum((k - 1) * prod(ss[: i + 1]) for i, k in enumerate(ks)),
         "a layer's own stride does not widen its field: multiply by the strides of the layers "
         "below it only (Π_{i<l} s_i)"),
        (sum(k * prod(ss[:i]) for i, k in enumerate(ks)),
         "each layer adds k − 1 (not k) steps: one output unit of a k-wide layer sees k "
         "positions, k − 1 more than a single one"),
        (sum((k - 1) * prod(ss[:i]) for i, k in enumerate(ks)),
         "off by one: start from r = 1 (one input pixel sees itself)"),
        (prod(ks), "fields do not multiply: each layer adds (k − 1) · jump to the field"),
    ]


def _case(label: str, stacks: list[tuple[str, Stack]]) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        for name, layers in stacks:
            try:
                expect_int(call(fn, [tuple(layer) for layer in layers]),
                           receptive_field_reference(layers), _mistakes(layers))
            except CaseFailure as e:
                if str(e) == NOT_IMPLEMENTED:
                    raise
                raise CaseFailure(f"{name}: {e}") from None

    return Case(label, run)


def check_receptive_field(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(layers) -> int`, layers a list of (kernel_size, stride) tuples, input first."""
    rng = np.random.default_rng(6)  # fixed: every run of the check is the same
    random = [(f"random stack {n + 1}", [(int(k), int(s)) for k, s in zip(
        rng.integers(1, 7, size=5 + n), rng.integers(1, 4, size=5 + n), strict=True)])
        for n in range(3)]
    vgg = [(layer.kernel_size, layer.stride) for layer in vgg16_layers()]
    cases = [
        _case("stride 1: one, two, three 3×3 layers and one 7×7",
              [("[(3, 1)]", [(3, 1)]), ("[(3, 1)] * 2", [(3, 1)] * 2),
               ("[(3, 1)] * 3", [(3, 1)] * 3), ("[(7, 1)]", [(7, 1)])]),
        _case("strided stacks, e.g. three 3×3 with strides 2, 2, 1",
              [("[(3, 2), (3, 2), (3, 1)]", [(3, 2), (3, 2), (3, 1)]),
               ("[(2, 2), (2, 2)]", [(2, 2), (2, 2)]), ("[(5, 2), (3, 1)]", [(5, 2), (3, 1)])]),
        _case("VGG-16: 13 convolutions 3×3/1 and 5 poolings 2×2/2", [("its 18 layers", vgg)]),
        _case("random stacks", random),
    ]
    return run_cases("receptive_field", fn, cases, verbose=verbose)


# ------------------------------------------------------------------------------ design_stack

CONV_KERNELS = (1, 3, 5, 7)  # convolutions: (k, 1), "same" padding, C channels in and out
POOL = (2, 2)  # 2×2 max pooling, stride 2: no weights
MAX_POOLS = 2  # 28 → 14 → 7: a third pooling would leave 3×3
TARGET = 28  # the field must cover a whole 28×28 MNIST digit


def stack_weights(layers: Stack) -> int:
    """Σ k² over the convolutions: the stack's weights in units of C² (C channels in and out)."""
    return sum(k * k for k, s in layers if (k, s) != POOL)


def fewest_weights(target: int = TARGET) -> int:
    """The least Σ k² of a valid stack (a convolution first, at most MAX_POOLS poolings) whose
    receptive field reaches `target`, by a search pruned on weights."""
    best = 9 * target  # 3×3 layers only: target/2 of them, 9 each, is an upper bound

    def grow(field: int, jump: int, pools: int, weights: int) -> None:
        nonlocal best
        if weights >= best:
            return
        if field >= target:
            best = weights
            return
        for k in CONV_KERNELS[1:]:  # a 1×1 convolution widens nothing
            grow(field + (k - 1) * jump, jump, pools, weights + k * k)
        if pools < MAX_POOLS and weights:  # a pooling never comes first
            grow(field + jump, jump * 2, pools + 1, weights)

    grow(1, 1, 0, 0)
    return best


def _stack_problem(layers: Any) -> str:
    """Why `layers` is not a valid answer, or "" when it is."""
    if not isinstance(layers, list | tuple) or not layers:
        return f"expected a non-empty list of (kernel_size, stride) tuples, got {layers!r}"
    for layer in layers:
        if (not isinstance(layer, list | tuple) or len(layer) != 2
                or not all(isinstance(v, int) and not isinstance(v, bool) for v in layer)):
            return f"{layer!r} is not a (kernel_size, stride) pair of ints"
        if tuple(layer) != POOL and (layer[1] != 1 or layer[0] not in CONV_KERNELS):
            return (f"{tuple(layer)} is neither a convolution (k, 1) with k in {CONV_KERNELS} "
                    f"nor the pooling {POOL}")
    if tuple(layers[0]) == POOL:
        return "the first layer must be a convolution: pooling raw pixels discards detail " \
               "before anything has been detected"
    pools = sum(tuple(layer) == POOL for layer in layers)
    if pools > MAX_POOLS:
        return f"{pools} poolings: at most {MAX_POOLS} (28 → 14 → 7; a third leaves 3×3)"
    return ""


def _design_case(label: str, part: str, points: int = 1) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        layers = call(fn)
        if layers is None:
            raise CaseFailure("returned None: did you forget the `return` statement?")
        problem = _stack_problem(layers)
        if problem:
            raise CaseFailure(problem if part == "valid" else "fix the stack first: " + problem)
        layers = [tuple(layer) for layer in layers]
        field = receptive_field_reference(layers)
        if part == "field" and field < TARGET:
            raise CaseFailure(f"one output unit sees {field}×{field} pixels, fewer than "
                              f"{TARGET}: each convolution adds (k − 1) × jump, and each "
                              "pooling doubles the jump of every layer after it")
        if part == "weights":
            if field < TARGET:
                raise CaseFailure(f"the stack does not reach {TARGET} pixels yet")
            weights = stack_weights(layers)
            if weights > fewest_weights():
                raise CaseFailure(
                    f"it needs Σ k² = {weights} (× C²) weights, and a valid stack that sees "
                    f"{TARGET} pixels with fewer exists: a k×k layer buys (k − 1) × jump pixels "
                    "for k² weights, so compare what a pixel of field costs, and where the "
                    "jump is largest")

    return Case(label, run, points)


def check_design_stack(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn() -> [(kernel_size, stride), …]`: convolutions (k, 1), k ∈ {1, 3, 5, 7}, and
    2×2/2 poolings, a convolution first, at most two poolings, receptive field ≥ 28, and the
    fewest weights Σ k² (every convolution maps C channels to C)."""
    cases = [
        _design_case("a valid stack: convolutions (k, 1) with odd k ≤ 7 and poolings (2, 2), "
                     "a convolution first, at most two poolings", "valid"),
        _design_case(f"one output unit sees at least {TARGET}×{TARGET} pixels", "field"),
        _design_case("no valid stack reaching that uses fewer weights", "weights", points=2),
    ]
    return run_cases("design_stack", fn, cases, verbose=verbose)
