"""Checks for convolution arithmetic: predictions about one conv layer (its output shape,
parameters, and what its backward pass sums), the strict output size (an error when the windows
do not tile the input) and the "same" padding.

References are the formulas, params = C_out · (C_in · k² + 1) and H_out = ⌊(H − k + 2P) / S⌋ + 1
(PyTorch floors; Dumoulin & Visin, "A guide to convolution arithmetic", 2016), and window counts
made by laying the windows out; the tests hold them against `torch.nn.Conv2d` and autograd.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .answers import answer_case
from .core import Case, CaseFailure, CheckResult, call, expect_int, run_cases

__all__ = [
    "PREDICTED_LAYER",
    "SPARSE_LAYER",
    "check_conv_predictions",
    "check_output_size_strict",
    "check_same_padding",
    "conv_prediction_answers",
    "window_counts",
]


def output_size_reference(size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """Positions of a kernel along one axis: ⌊(size − kernel_size + 2·padding) / stride⌋ + 1."""
    return (size - kernel_size + 2 * padding) // stride + 1


def _size_mistakes(size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> list:
    exact = (size - kernel_size + 2 * padding) / stride + 1
    return [
        (-(-(size - kernel_size + 2 * padding) // stride) + 1,
         f"({size} − {kernel_size} + 2·{padding})/{stride} + 1 = {exact:.3g}: PyTorch rounds down"),
        (size - kernel_size + 1, "did you forget the stride and the padding?"),
        ((size - kernel_size) // stride + 1, "did you forget the padding (2P: both sides)?"),
        ((size - kernel_size + padding) // stride + 1, "the padding is added on both sides: 2P"),
    ]


# ------------------------------------------------------------------------ predictions


# Conv2d(3, 16, kernel_size=5, stride=2, padding=1) on x of shape (8, 3, 32, 32).
PREDICTED_LAYER = {"in_channels": 3, "out_channels": 16, "kernel_size": 5, "stride": 2,
                   "padding": 1, "input_shape": (8, 3, 32, 32)}
# Conv2d(1, 1, kernel_size=3, stride=2), no padding, on x of shape (1, 1, 32, 32).
SPARSE_LAYER = {"kernel_size": 3, "stride": 2, "size": 32}


def window_counts(size: int, kernel_size: int, stride: int) -> np.ndarray:
    """(size, size): in how many windows of a k×k kernel with stride s (no padding) each input
    pixel lies; the gradient of an input pixel is the sum of that many terms."""
    n = output_size_reference(size, kernel_size, stride)
    along = np.zeros(size, dtype=np.int64)
    for i in range(n):
        along[i * stride : i * stride + kernel_size] += 1
    return np.outer(along, along)


def conv_prediction_answers() -> dict[str, Any]:
    """The right answers to the predictions, from the formulas and `window_counts`."""
    L = PREDICTED_LAYER
    N, C, H, _ = L["input_shape"]
    k, C_out = L["kernel_size"], L["out_channels"]
    side = output_size_reference(H, k, L["stride"], L["padding"])
    counts = window_counts(SPARSE_LAYER["size"], SPARSE_LAYER["kernel_size"],
                           SPARSE_LAYER["stride"])
    return {"output_shape": (N, C_out, side, side), "parameters": C_out * (C * k * k + 1),
            "terms_per_dw": N * side * side, "unseen_pixels": int((counts == 0).sum()),
            "max_windows": int(counts.max())}


def _prediction_mistakes(key: str) -> list[tuple[Any, str]]:
    """(a typical wrong answer, why it is wrong) for one prediction; never the right answer."""
    L = PREDICTED_LAYER
    N, C, H, _ = L["input_shape"]
    k, S, P, C_out = L["kernel_size"], L["stride"], L["padding"], L["out_channels"]
    if key == "output_shape":
        def shape(side: int, channels: int = C_out) -> tuple[int, ...]:
            return (N, channels, side, side)

        return [(shape(-(-(H - k + 2 * P) // S) + 1), "(32 − 5 + 2·1)/2 + 1 is not a whole "
                 "number and PyTorch rounds down"),
                (shape((H - k) // S + 1), "did you forget the padding (2P: both sides)?"),
                (shape(H - k + 2 * P + 1), "did you forget the stride?"),
                (shape(H - k + 1), "did you forget the stride and the padding?"),
                (shape((H - k + 2 * P) // S + 1, C), "the output has one channel per filter"),
                ((N, (H - k + 2 * P) // S + 1, (H - k + 2 * P) // S + 1, C_out),
                 "PyTorch orders the axes (N, C, H, W)")]
    if key == "parameters":
        return [(C_out * C * k * k, "did you forget the biases (one per filter)?"),
                (C_out * (k * k + 1), "a filter is k×k×C_in: its depth equals the input's"),
                (C_out * (C * k * k + C), "one bias per filter, not one per input channel")]
    if key == "terms_per_dw":
        per_image = ((H - k + 2 * P) // S + 1) ** 2
        return [(per_image, "dw sums over the batch too: every image adds its products"),
                (N * H * H, "one term per OUTPUT position (dout has the output's size), not "
                            "per input pixel"),
                (N * (H + 2 * P) ** 2, "one term per OUTPUT position (dout has the output's "
                                       "size), not per padded input pixel"),
                (N * per_image * C, "dw[o, c, u, v] involves one input channel c only: do not "
                                    "sum over the channels"),
                (N * per_image * C_out, "each filter o has its own dw[o]: do not sum over the "
                                        "filters"),
                (C * k * k, "that is the number of products in one OUTPUT value (the forward "
                            "pass), not in one entry of dw")]
    size = SPARSE_LAYER["size"]
    if key == "unseen_pixels":
        return [(0, "lay the windows out: they start at 0, 2, 4, …; how far does the last "
                    "one that fits reach?"),
                (1, "a pixel never seen in one row is never seen in any row: count whole rows "
                    "and columns"),
                (size, "both a row and a column are never seen"),
                (2 * size, "the corner lies in both the unseen row and the unseen column: "
                           "count it once")]
    return [(9, "that is the kernel's area: count the windows, starting every 2 pixels, that "
                "contain one pixel"),
            (2, "that is along one axis: in 2-D, windows overlap along both axes"),
            (1, "windows overlap where the stride (2) is smaller than the kernel (3)"),
            (3, "along one axis a 3-wide window starting every 2 pixels covers a pixel at most "
                "twice")]


def _judge(got: Any, expected: Any, key: str) -> None:
    """Raise CaseFailure, without telling the answer, unless `got` equals `expected`."""
    if got == expected:
        return
    reason = next((why for wrong, why in _prediction_mistakes(key) if wrong == got), "")
    raise CaseFailure(f"{got!r} is not right" + (f": {reason}" if reason else
                                                  ": work it out again from the definitions"))


def _prediction_case(label: str, key: str) -> Case:
    def grade(got: Any) -> None:
        if key == "output_shape":
            if not isinstance(got, tuple | list) or len(got) != 4 or not all(
                    isinstance(v, int | np.integer) and not isinstance(v, bool) for v in got):
                raise CaseFailure(f"expected a tuple of 4 ints (N, C, H, W), got {got!r}")
            got = tuple(int(v) for v in got)
        elif isinstance(got, bool) or not isinstance(got, int | np.integer):
            raise CaseFailure(f"expected an int, got {got!r}")
        _judge(got if key == "output_shape" else int(got), conv_prediction_answers()[key], key)

    return answer_case(label, key, grade)


def check_conv_predictions(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn() -> dict`, predictions about Conv2d(3, 16, 5, stride=2, padding=1) on
    (8, 3, 32, 32) and Conv2d(1, 1, 3, stride=2) on (1, 1, 32, 32); wrong answers are named
    without revealing the right ones."""
    cases = [
        _prediction_case("output_shape of Conv2d(3, 16, 5, stride=2, padding=1) on "
                         "(8, 3, 32, 32)", "output_shape"),
        _prediction_case("its parameters (weights and biases)", "parameters"),
        _prediction_case("terms_per_dw: products summed into one entry dw[o, c, u, v]",
                         "terms_per_dw"),
        _prediction_case("unseen_pixels of Conv2d(1, 1, 3, stride=2) on 32×32: their gradient "
                         "is always 0", "unseen_pixels"),
        _prediction_case("max_windows: the most windows one input pixel lies in",
                         "max_windows"),
    ]
    return run_cases("conv_predictions", fn, cases, verbose=verbose)


# ------------------------------------------------------------ the strict output size and padding


def _raises_value_error(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """(True, message) when fn(*args, **kwargs) raises ValueError, else (False, what it returned).
    Other exceptions become a CaseFailure through `call`, which also applies the time limit."""
    def probe() -> tuple[bool, Any]:
        try:
            return False, fn(*args, **kwargs)
        except ValueError as e:
            return True, str(e)

    return call(probe)


def _strict_case(label: str, calls: list[tuple[int, int, int, int]]) -> Case:
    """Each call (size, kernel_size, stride, padding) must return the size when the windows tile
    the padded input exactly, and raise ValueError when they do not (or do not fit at all)."""
    def run(fn: Callable[..., Any]) -> None:
        for size, k, stride, padding in calls:
            what = f"output_size_strict({size}, {k}, stride={stride}, padding={padding})"
            span = size - k + 2 * padding
            raised, got = _raises_value_error(fn, size, k, stride=stride, padding=padding)
            if span >= 0 and span % stride == 0:
                if raised:
                    raise CaseFailure(f"{what} raised ValueError ({got}) but ({size} − {k} + "
                                      f"2·{padding})/{stride} + 1 = {span // stride + 1} fits")
                try:
                    expect_int(got, span // stride + 1, _size_mistakes(size, k, stride, padding))
                except CaseFailure as e:
                    raise CaseFailure(f"{what}: {e}") from None
            elif not raised:
                exact = span / stride + 1
                why = (f"the {k}-wide filter is larger than the padded input ({size + 2 * padding})"
                       if span < 0 else
                       f"({size} − {k} + 2·{padding})/{stride} + 1 = {exact:.3g} is not an integer")
                raise CaseFailure(f"{what} returned {got!r}, but {why}: raise ValueError "
                                  "(`raise ValueError(\"...\")`) instead of returning a size")

    return Case(label, run)


def check_output_size_strict(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(size, kernel_size, stride=1, padding=0) -> int` that raises ValueError when the
    windows do not tile the input, as the lecture notes demand."""
    cases = [
        _strict_case("sizes that fit: (9 − 3 + 2·1)/2 + 1 = 5, 7×7 with stride 1 and 2, …",
                     [(9, 3, 2, 1), (7, 3, 1, 0), (7, 3, 2, 0), (7, 3, 1, 1), (32, 5, 1, 2)]),
        _strict_case("strides that do not fit raise ValueError: 7×7, 3×3, stride 3, …",
                     [(7, 3, 3, 0), (10, 4, 3, 1), (8, 3, 2, 0)]),
        _strict_case("a filter larger than the (padded) input raises ValueError",
                     [(3, 5, 1, 0), (2, 7, 1, 2), (5, 9, 1, 1)]),
    ]
    return run_cases("output_size_strict", fn, cases, verbose=verbose)


def _same_padding_case(label: str, kernel_sizes: list[int]) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        for k in kernel_sizes:
            raised, got = _raises_value_error(fn, k)
            if k % 2:
                if raised:
                    raise CaseFailure(f"same_padding({k}) raised ValueError ({got}), but an odd "
                                      f"kernel is padded by ({k} − 1)/2 = {(k - 1) // 2}")
                mistakes = [(k - 1, "that is the total: split F − 1 between the two sides"),
                            ((k + 1) // 2, "one too many: P = (F − 1)/2"),
                            (k // 2 + 1, "one too many: P = (F − 1)/2")]
                try:
                    expect_int(got, (k - 1) // 2, mistakes)
                except CaseFailure as e:
                    raise CaseFailure(f"same_padding({k}): {e}") from None
            elif not raised:
                raise CaseFailure(f"same_padding({k}) returned {got!r}, but with an even kernel "
                                  f"the total {k - 1} cannot be split equally: raise ValueError")

    return Case(label, run)


def check_same_padding(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(kernel_size) -> int`: the padding that keeps the size at stride 1, and
    ValueError for an even kernel."""
    cases = [
        _same_padding_case("F = 3, 5, 7 → P = 1, 2, 3 (and F = 1 → 0, F = 11 → 5)",
                           [3, 5, 7, 1, 11]),
        _same_padding_case("even kernels (2, 4) cannot keep the size symmetrically: ValueError",
                           [2, 4]),
    ]
    return run_cases("same_padding", fn, cases, verbose=verbose)
