"""Checks for convolution arithmetic: a conv layer's parameter count, its output size (floored,
or strict: an error when the windows do not tile the input) and the "same" padding.

References are the formulas, params = C_out · (C_in · k² + 1 if bias) and
H_out = ⌊(H − k + 2P) / S⌋ + 1 (PyTorch floors; Dumoulin & Visin, "A guide to convolution
arithmetic", 2016), checked against `torch.nn.Conv2d` by the tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .core import NOT_IMPLEMENTED, Case, CaseFailure, CheckResult, call, expect_int, run_cases

__all__ = [
    "check_conv_params",
    "check_output_size",
    "check_output_size_strict",
    "check_same_padding",
]


def conv_params_reference(
    in_channels: int, out_channels: int, kernel_size: int, bias: bool = True
) -> int:
    """Weights and biases of Conv2d(in_channels, out_channels, kernel_size, bias=bias)."""
    return out_channels * (in_channels * kernel_size * kernel_size + (1 if bias else 0))


def output_size_reference(size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """Positions of a kernel along one axis: ⌊(size − kernel_size + 2·padding) / stride⌋ + 1."""
    return (size - kernel_size + 2 * padding) // stride + 1


def _calls_case(
    label: str, reference: Callable[..., int], calls: list[tuple[str, tuple, dict]],
    mistakes: Callable[..., list[tuple[int, str]]],
) -> Case:
    """A case of several calls (each described for the report); it passes when all are right."""
    def run(fn: Callable[..., Any]) -> None:
        for what, args, kwargs in calls:
            try:
                expect_int(call(fn, *args, **kwargs), reference(*args, **kwargs),
                           mistakes(*args, **kwargs))
            except CaseFailure as e:
                if str(e) == NOT_IMPLEMENTED:
                    raise
                raise CaseFailure(f"{what}: {e}") from None

    return Case(label, run)


def _params_mistakes(
    in_channels: int, out_channels: int, kernel_size: int, bias: bool = True
) -> list[tuple[int, str]]:
    k2 = kernel_size * kernel_size
    if bias:
        found = [(out_channels * in_channels * k2, "did you forget the biases (one per filter)?"),
                 (out_channels * (in_channels * k2 + in_channels),
                  "one bias per filter, not one per input channel")]
    else:
        found = [(out_channels * (in_channels * k2 + 1), "bias=False: count no biases")]
    found.append((out_channels * (k2 + (1 if bias else 0)),
                  f"a filter is k×k×in_channels: its depth equals the input's ({in_channels})"))
    return found


def check_conv_params(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(in_channels, out_channels, kernel_size, bias=True) -> int`."""
    ref = conv_params_reference
    cases = [
        _calls_case("64 filters of 3×3 on 3 channels, no bias", ref,
                    [("conv_params(3, 64, 3, bias=False)", (3, 64, 3), {"bias": False})],
                    _params_mistakes),
        _calls_case("ten 5×5 filters on 3 channels, with bias (the default)", ref,
                    [("conv_params(3, 10, 5)", (3, 10, 5), {})], _params_mistakes),
        _calls_case("the Keras MNIST network's Conv2D(32, 3×3), Conv2D(64, 3×3), Conv2D(64, 3×3)",
                    ref, [(f"conv_params({c_in}, {c_out}, 3)", (c_in, c_out, 3), {})
                          for c_in, c_out in [(1, 32), (32, 64), (64, 64)]], _params_mistakes),
    ]
    return run_cases("conv_params", fn, cases, verbose=verbose)


def _size_mistakes(size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> list:
    exact = (size - kernel_size + 2 * padding) / stride + 1
    return [
        (-(-(size - kernel_size + 2 * padding) // stride) + 1,
         f"({size} − {kernel_size} + 2·{padding})/{stride} + 1 = {exact:.3g}: PyTorch rounds down"),
        (size - kernel_size + 1, "did you forget the stride and the padding?"),
        ((size - kernel_size) // stride + 1, "did you forget the padding (2P: both sides)?"),
        ((size - kernel_size + padding) // stride + 1, "the padding is added on both sides: 2P"),
    ]


def check_output_size(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(size, kernel_size, stride=1, padding=0) -> int`."""
    def described(size: int, k: int, stride: int, padding: int) -> tuple[str, tuple, dict]:
        kwargs = {"stride": stride, "padding": padding}
        return f"output_size({size}, {k}, stride={stride}, padding={padding})", (size, k), kwargs

    fits = [described(9, 3, 2, 1), described(7, 3, 1, 0), described(7, 3, 2, 0),
            described(7, 3, 1, 1), described(32, 5, 1, 2)]
    cases = [
        _calls_case("sizes that fit, e.g. (9 − 3 + 2·1)/2 + 1 = 5", output_size_reference, fits,
                    _size_mistakes),
        _calls_case("strides that do not fit: (7 − 3)/3 + 1 = 2.33, PyTorch floors to 2",
                    output_size_reference, [described(7, 3, 3, 0), described(10, 4, 3, 1)],
                    _size_mistakes),
    ]
    return run_cases("output_size", fn, cases, verbose=verbose)


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
