"""Checks for the ResNet exercises (chapter 10): a residual block with an identity or projection
shortcut, the weights of basic and bottleneck blocks, the stage output shapes of ImageNet ResNets
and their receptive fields. References: `models.resnet` (whose numbers the tests pin to the paper)
and the receptive-field recurrence r += (k − 1)·j, j *= s along the longest path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .architectures import forward_output, module_report
from .core import Case, CaseFailure, CheckResult, call, expect_int, run_cases

__all__ = [
    "check_basic_block_weights",
    "check_bottleneck_weights",
    "check_residual_block",
    "check_stage_receptive_fields",
    "check_stage_shapes",
]


# ------------------------------------------------------------------------------ residual block


def _block_params(c_in: int, c_out: int, projection: bool) -> int:
    """Two 3×3 convs without bias, two BatchNorms, and a 1×1 conv + BN projection if asked."""
    main = 9 * c_in * c_out + 9 * c_out * c_out + 4 * c_out
    return main + (c_in * c_out + 2 * c_out if projection else 0)


def check_residual_block(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(in_channels, out_channels, stride=1) -> nn.Module`."""

    def shapes(fn: Callable[..., Any]) -> None:
        for c_in, c_out, stride, size in [(16, 16, 1, 8), (16, 32, 2, 8), (8, 16, 2, 7)]:
            shape = (2, c_in, size, size)
            out = forward_output(module_report(fn, (c_in, c_out, stride),
                                               [{"shape": shape}])["runs"][0], shape)
            side = (size - 1) // stride + 1
            if tuple(out.shape) != (2, c_out, side, side):
                raise CaseFailure(f"residual_block({c_in}, {c_out}, stride={stride}) on "
                                  f"(2, {c_in}, {size}, {size}) should give (2, {c_out}, {side}, "
                                  f"{side}), got {tuple(out.shape)}: the first 3×3 conv has the "
                                  f"stride, both use padding 1")

    def identity(fn: Callable[..., Any]) -> None:
        shape = (2, 16, 6, 6)
        report = module_report(fn, (16, 16, 1), [{"shape": shape, "fill": "rand", "seed": 3}],
                               zero_params=True)
        expect_int(report["params"], _block_params(16, 16, False), [
            (_block_params(16, 16, True), "when the shapes match, the shortcut is the identity: "
                                          "no projection, no parameters"),
            (_block_params(16, 16, False) + 2 * 16, "did you give the convolutions biases? "
                                                     "BatchNorm"
                                                     " follows each one, so use bias=False"),
        ])
        # Every weight zeroed: the residual F(x) becomes 0, so the block must return ReLU(0 + x);
        # x: the probe's uniform [0, 1) input, regenerated here from its seed.
        import torch

        out = forward_output(report["runs"][0], shape)
        x = torch.rand(shape, generator=torch.Generator().manual_seed(3)).double().numpy()
        if not (out.shape == x.shape and np.allclose(out, x, atol=1e-5)):
            hint = ("the output is all zeros: add the input x to F(x) before the last ReLU"
                    if not out.any() else "with F(x) = 0 the block should pass x through "
                    "unchanged: out = ReLU(F(x) + x)")
            raise CaseFailure(hint)

    def projection(fn: Callable[..., Any]) -> None:
        report = module_report(fn, (16, 32, 2))
        expect_int(report["params"], _block_params(16, 32, True), [
            (_block_params(16, 32, False), "no projection: when the shape changes, the shortcut "
                                           "must be a 1×1 conv with the block's stride (+ BN)"),
            (_block_params(16, 32, True) - 64, "the projection needs its BatchNorm too"),
            (_block_params(16, 32, False) + 9 * 16 * 32 + 64, "the projection is a 1×1 "
                                                             "convolution, not 3×3"),
        ])
        convs = [stride for kernel, stride in report["convs"] if list(kernel) == [1, 1]]
        if not any(list(stride) == [2, 2] for stride in convs):
            raise CaseFailure("the 1×1 projection must have stride 2 here, to halve the map "
                              "like the main path")

    cases = [Case("output shapes, with and without downsampling", shapes),
             Case("identity shortcut when the shapes match", identity),
             Case("1×1 projection shortcut when they do not", projection)]
    return run_cases("residual_block", fn, cases, verbose=verbose)


# ---------------------------------------------------------------------------- block weights


def basic_block_weights_reference(channels: int) -> int:
    """Weights of two 3×3 convolutions channels → channels (no biases)."""
    return 2 * 9 * channels * channels


def bottleneck_weights_reference(channels: int, mid_channels: int) -> int:
    """Weights of 1×1 channels → mid, 3×3 mid → mid, 1×1 mid → channels (no biases)."""
    return channels * mid_channels + 9 * mid_channels * mid_channels + mid_channels * channels


def check_basic_block_weights(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(channels) -> int`."""
    def run(fn: Callable[..., Any]) -> None:
        for c in (64, 128, 16):
            expect_int(call(fn, c), basic_block_weights_reference(c), [
                (2 * 9 * c, "that is the weights of one filter per layer (the seed's 1,152 for "
                            "64 channels): each layer has `channels` filters"),
                (9 * c * c, "a basic block has two 3×3 convolutions"),
            ])

    return run_cases("basic_block_weights", fn,
                     [Case("64, 128 and 16 channels (73,728 for 64)", run)], verbose=verbose)


def check_bottleneck_weights(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(channels, mid_channels) -> int`."""
    def case(label: str, c: int, m: int) -> Case:
        def run(fn: Callable[..., Any]) -> None:
            expect_int(call(fn, c, m), bottleneck_weights_reference(c, m), [
                (m + 9 * m + c, "that is the seed's per-filter shorthand (896 for 256/64): it "
                                "counts one filter of each layer; each layer has C_out filters "
                                "of C_in · k · k weights"),
                (c * m + 9 * c * m + m * c, "the 3×3 convolution works on the reduced maps: "
                                            "mid → mid"),
                (c * m + 9 * m * m, "there are three layers: reduce, 3×3, and the 1×1 expansion "
                                    "back to `channels`"),
            ])
        return Case(label, run)

    return run_cases("bottleneck_weights", fn, [
        case("256 channels, 64 in the middle (ResNet-50's conv2_x)", 256, 64),
        case("1024 channels, 256 in the middle (conv4_x)", 1024, 256),
    ], verbose=verbose)


# ------------------------------------------------------------------------------- stage shapes


def stage_shapes_reference(image_size: int, bottleneck: bool = False) -> list[tuple[int, ...]]:
    """(C, H, W) after conv1, the max pool and conv2_x … conv5_x of an ImageNet ResNet."""
    def down(n: int) -> int:  # 3×3 stride 2 padding 1, or 1×1 stride 2: both ⌊(n − 1)/2⌋ + 1
        return (n - 1) // 2 + 1

    conv1 = (image_size + 6 - 7) // 2 + 1  # 7×7, stride 2, padding 3
    side = down(conv1)  # 3×3 max pool, stride 2, padding 1
    shapes = [(64, conv1, conv1), (64, side, side)]
    expansion = 4 if bottleneck else 1
    for i, width in enumerate((64, 128, 256, 512)):
        if i > 0:
            side = down(side)
        shapes.append((width * expansion, side, side))
    return shapes


def check_stage_shapes(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(image_size, bottleneck=False) -> list of (C, H, W)`."""
    def case(label: str, size: int, bottleneck: bool) -> Case:
        def run(fn: Callable[..., Any]) -> None:
            got = call(fn, size, bottleneck=bottleneck)
            expected = stage_shapes_reference(size, bottleneck)
            if got is None:
                raise CaseFailure("returned None: did you forget the `return` statement?")
            try:
                got = [tuple(int(v) for v in s) for s in got]
            except (TypeError, ValueError):
                raise CaseFailure(f"expected a list of (C, H, W) tuples, got {got!r}") from None
            if got == expected:
                return
            if len(got) != len(expected):
                raise CaseFailure(f"expected {len(expected)} shapes (conv1, pool, conv2_x … "
                                  f"conv5_x), got {len(got)}")
            bad = next(i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e)
            names = ["conv1", "max pool", "conv2_x", "conv3_x", "conv4_x", "conv5_x"]
            hint = ""
            if bottleneck and got[bad][0] * 4 == expected[bad][0]:
                hint = ": a bottleneck stage outputs 4× its width (1×1 expansion)"
            elif got[bad][0] == expected[bad][0] and got[bad][1] == expected[bad][1] + 1:
                hint = ": PyTorch rounds down, ⌊(n + 2P − k) / S⌋ + 1"
            elif got[bad][0] == expected[bad][0] and got[bad][1] == 2 * expected[bad][1]:
                hint = ": conv1 and the max pool both have stride 2, and each later stage halves"
            raise CaseFailure(f"{names[bad]}: expected {expected[bad]}, got {got[bad]}{hint}")
        return Case(label, run)

    return run_cases("stage_shapes", fn, [
        case("224×224, basic blocks (ResNet-18/34)", 224, False),
        case("224×224, bottleneck blocks (ResNet-50/101/152)", 224, True),
        case("an odd size, 200×200 (sizes round down)", 200, True),
    ], verbose=verbose)


# ------------------------------------------------------------------------ receptive fields


def _stage_paths(blocks: tuple[int, ...], bottleneck: bool,
                 path: str = "longest") -> list[list[tuple[int, int]]]:
    """(kernel, stride) of the layers each of the six parts adds along one path: "longest"
    (every convolution of every block), "shortcut" (projections only) or "one_conv" (one 3×3
    per block, as if a block were a single layer)."""
    parts: list[list[tuple[int, int]]] = [[(7, 2)], [(3, 2)]]
    for stage, n in enumerate(blocks):
        layers: list[tuple[int, int]] = []
        for b in range(n):
            stride = 2 if stage > 0 and b == 0 else 1
            if path == "shortcut":
                layers += [(1, stride)] if stride == 2 else []
            elif path == "one_conv":
                layers += [(3, stride)]
            elif bottleneck:
                layers += [(1, 1), (3, stride), (1, 1)]
            else:
                layers += [(3, stride), (3, 1)]
        parts.append(layers)
    return parts


def _fields(parts: list[list[tuple[int, int]]], late_jump: bool = False,
            jumps: bool = True) -> list[int]:
    """The receptive field after each part: r += (k − 1)·j, then j *= s (late_jump: the stride
    applied first, a typical slip; jumps=False: strides ignored)."""
    r, j, out = 1, 1, []
    for layers in parts:
        for k, s in layers:
            if late_jump and jumps:
                j *= s
            r += (k - 1) * (j if jumps else 1)
            if not late_jump and jumps:
                j *= s
        out.append(r)
    return out


def stage_receptive_fields_reference(blocks: tuple[int, ...],
                                     bottleneck: bool = False) -> list[int]:
    """Receptive field (pixels per side) of one unit after conv1, the max pool and conv2_x …
    conv5_x of an ImageNet ResNet with `blocks` blocks per stage (torchvision's layout: the
    stride sits on a block's 3×3 convolution)."""
    return _fields(_stage_paths(tuple(blocks), bottleneck))


def check_stage_receptive_fields(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(blocks, bottleneck=False) -> list of 6 ints`."""
    names = ["conv1", "max pool", "conv2_x", "conv3_x", "conv4_x", "conv5_x"]

    def case(label: str, blocks: tuple[int, ...], bottleneck: bool) -> Case:
        expected = stage_receptive_fields_reference(blocks, bottleneck)
        longest = _stage_paths(blocks, bottleneck)
        mistakes = [
            (_fields(_stage_paths(blocks, bottleneck, "shortcut")),
             "that is the field along the shortcuts only; a unit sees everything any path "
             "reaches, and the longest path goes through every convolution of every block"),
            (_fields(longest, jumps=False), "each layer adds (k − 1) input pixels times the "
             "product of the strides *before* it, not (k − 1)"),
            (_fields(longest, late_jump=True), "the stride of a layer spreads the layers after "
             "it, not its own kernel: add (k − 1)·j with the jump j of the layers before, then "
             "multiply j by the stride"),
            (_fields(_stage_paths(blocks, False) if bottleneck else
                     _stage_paths(blocks, bottleneck, "one_conv")),
             "a bottleneck block has one 3×3 convolution; its 1×1 convolutions add nothing"
             if bottleneck else "a basic block has two 3×3 convolutions, each widens the field"),
            (_fields(longest[:1] + [[]] + longest[2:]), "the 3×3 max pool (stride 2) widens the "
             "field too, and doubles the jump of everything after it"),
        ]

        def run(fn: Callable[..., Any]) -> None:
            got = call(fn, tuple(blocks), bottleneck=bottleneck)
            if got is None:
                raise CaseFailure("returned None: did you forget the `return` statement?")
            try:
                got = [int(v) if not isinstance(v, bool) and float(v) == int(v) else None
                       for v in got]
            except (TypeError, ValueError, OverflowError):
                raise CaseFailure(f"expected a list of 6 ints, got {got!r}"[:200]) from None
            if len(got) != 6 or None in got:
                raise CaseFailure("expected a list of 6 whole numbers (conv1, pool, conv2_x … "
                                  "conv5_x)")
            if got == expected:
                return
            bad = next(i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e)
            hint = next((m for alt, m in mistakes if alt == got), "")
            raise CaseFailure(f"{names[bad]}: expected {expected[bad]}, got {got[bad]}"
                              + (f": {hint}" if hint else ""))

        return Case(label, run)

    return run_cases("stage_receptive_fields", fn, [
        case("ResNet-18, basic blocks (2, 2, 2, 2)", (2, 2, 2, 2), False),
        case("ResNet-34, basic blocks (3, 4, 6, 3)", (3, 4, 6, 3), False),
        case("ResNet-50, bottleneck blocks (3, 4, 6, 3)", (3, 4, 6, 3), True),
    ], verbose=verbose)
