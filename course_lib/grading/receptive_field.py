"""Checks for the receptive-field exercise: the field of a chain of (kernel_size, stride) layers.

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
    "check_receptive_field",
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
