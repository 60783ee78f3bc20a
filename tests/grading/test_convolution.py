"""The exercise checks: full marks for correct code, none for stubs, a specific message for each
typical mistake, and never an exception, whatever the learner's function does."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from grading_contract import stub

from course_lib.grading import (
    EXERCISE_SETS,
    Case,
    call,
    check,
    find_check,
    run_cases,
    run_check,
)
from course_lib.grading.conv_arithmetic import conv_params_reference, output_size_reference
from course_lib.grading.convolution import torch_conv2d
from course_lib.grading.core import NOT_IMPLEMENTED
from course_lib.ops import SOBEL_X, SOBEL_Y, WORKED_EXAMPLE_IMAGE, WORKED_EXAMPLE_KERNEL

# ------------------------------------------------------ reference answers, written independently


def correlate2d(x, k):
    kH, kW = k.shape
    y = np.zeros((x.shape[0] - kH + 1, x.shape[1] - kW + 1))
    for i, j in np.ndindex(y.shape):
        y[i, j] = np.sum(x[i : i + kH, j : j + kW] * k)
    return y


def conv2d(x, weight, bias=None, stride=1, padding=0):
    N, C, H, W = x.shape
    C_out, _, kH, kW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out, W_out = (H + 2 * padding - kH) // stride + 1, (W + 2 * padding - kW) // stride + 1
    y = np.zeros((N, C_out, H_out, W_out))
    for n, o, i, j in np.ndindex(y.shape):
        y[n, o, i, j] = np.sum(xp[n, :, i * stride : i * stride + kH, j * stride : j * stride + kW]
                               * weight[o])
    return y if bias is None else y + bias[None, :, None, None]


def sobel_magnitude(image):
    padded = np.pad(image.astype(float), 1)
    return np.hypot(correlate2d(padded, SOBEL_X), correlate2d(padded, SOBEL_Y))


def conv_params(in_channels, out_channels, kernel_size, bias=True):
    return out_channels * in_channels * kernel_size**2 + (out_channels if bias else 0)


def output_size(size, kernel_size, stride=1, padding=0):
    return math.floor((size - kernel_size + 2 * padding) / stride) + 1


CORRECT = {
    "correlate2d": correlate2d,
    "conv2d": conv2d,
    "sobel_magnitude": sobel_magnitude,
    "conv_params": conv_params,
    "output_size": output_size,
}
NAMES = [c.name for c in EXERCISE_SETS["convolution"]]



def run(name, fn):
    return run_check(name, fn, verbose=False)


def failures(result):
    return "\n".join(m for m in result.messages if not m.startswith("✓"))


# ---------------------------------------------------------------- the references are the course's


def test_worked_example_reference_gives_the_curriculum_answer():
    y = torch_conv2d(WORKED_EXAMPLE_IMAGE[None, None], WORKED_EXAMPLE_KERNEL[None, None])[0, 0]
    np.testing.assert_array_equal(y, [[4, 3, 4], [2, 4, 3], [2, 3, 4]])


def test_conv_params_reference_gives_the_curriculum_numbers():
    assert conv_params_reference(3, 64, 3, bias=False) == 1_728
    assert conv_params_reference(3, 10, 5) == 760
    keras_mnist = [conv_params_reference(1, 32, 3), conv_params_reference(32, 64, 3),
                   conv_params_reference(64, 64, 3)]
    assert keras_mnist == [320, 18_496, 36_928]
    for args in [(3, 64, 3, False), (3, 10, 5, True), (32, 64, 3, True)]:
        layer = torch.nn.Conv2d(*args[:3], bias=args[3])
        assert conv_params_reference(*args) == sum(p.numel() for p in layer.parameters())


@pytest.mark.parametrize("size,k,stride,padding", [(9, 3, 2, 1), (7, 3, 1, 0), (7, 3, 2, 0),
                                                   (7, 3, 3, 0), (10, 4, 3, 1), (32, 5, 1, 2)])
def test_output_size_reference_matches_torch(size, k, stride, padding):
    y = torch.nn.functional.conv2d(torch.zeros(1, 1, size, size), torch.zeros(1, 1, k, k),
                                   stride=stride, padding=padding)
    assert output_size_reference(size, k, stride, padding) == y.shape[-1]
    assert output_size_reference(9, 3, 2, 1) == 5 and output_size_reference(7, 3, 3) == 2


# -------------------------------------------------------------------------- both directions


@pytest.mark.parametrize("name", NAMES)
def test_correct_code_earns_full_points(name, capsys):
    result = run_check(name, CORRECT[name])
    assert result.points == result.max_points == find_check(name).max_points > 0
    assert all(m.startswith("✓") for m in result.messages)
    out = capsys.readouterr().out
    assert f"{name}: {result.max_points}/{result.max_points} points" in out and "✓" in out


@pytest.mark.parametrize("name", NAMES)
def test_a_stub_earns_nothing_with_one_message(name):
    result = run(name, stub)
    assert result.points == 0 and result.max_points == find_check(name).max_points
    assert result.messages == [NOT_IMPLEMENTED]


# ------------------------------------------------------------------------- typical mistakes


def test_flipped_kernel_is_named():
    result = run("correlate2d", lambda x, k: correlate2d(x, k[::-1, ::-1]))
    assert result.points == 1  # the worked example's kernel is symmetric: flipping is harmless
    assert "true convolution (the kernel flipped)" in failures(result)


def test_conv2d_missing_bias():
    result = run("conv2d", lambda x, w, bias=None, stride=1, padding=0: conv2d(x, w, None, stride,
                                                                                padding))
    assert result.points == 3 and "did you forget the bias?" in failures(result)


def test_conv2d_missing_padding_gives_a_shape_message():
    result = run("conv2d", lambda x, w, bias=None, stride=1, padding=0: conv2d(x, w, bias, stride))
    assert result.points == 3
    assert ("expected shape (2, 3, 7, 8), got (2, 3, 3, 4): did you forget the padding?"
            in failures(result))


def test_conv2d_ignored_stride():
    result = run("conv2d", lambda x, w, bias=None, stride=1, padding=0: conv2d(x, w, bias, 1,
                                                                                padding))
    assert result.points == 4 and "did you ignore the stride?" in failures(result)


def test_conv2d_channels_last_output():
    result = run("conv2d", lambda *a, **kw: conv2d(*a, **kw).transpose(0, 2, 3, 1))
    assert result.points == 0 and "another order" in failures(result)


@pytest.mark.parametrize("wrong,message", [
    (lambda *a, **kw: conv2d(*a, **kw).tolist(), "expected a NumPy array, got a list"),
    (lambda *a, **kw: conv2d(*a, **kw) * np.nan, "NaN or inf"),
    (lambda *a, **kw: conv2d(*a, **kw).astype(np.int64), "integer dtype int64"),
    (lambda *a, **kw: conv2d(*a, **kw).astype(bool), "expected an array of real numbers"),
    (lambda *a, **kw: None, "returned None: did you forget the `return` statement?"),
    (lambda *a, **kw: torch.zeros(3), "got a torch.Tensor"),
    (lambda *a, **kw: "an answer", "got a str"),
    (lambda *a, **kw: conv2d(*a, **kw)[..., :-1], "off by one"),
])
def test_wrong_outputs_are_explained(wrong, message):
    result = run("conv2d", wrong)
    assert result.points < result.max_points and message in failures(result)


def test_exceptions_are_reported_not_raised():
    def raises(x, weight, bias=None, stride=1, padding=0):
        raise ValueError("shapes do not match")

    def exits(x, k):
        raise SystemExit(1)

    result = run("conv2d", raises)
    assert result.points == 0 and "raised ValueError: shapes do not match" in failures(result)
    assert "raised SystemExit" in failures(run("correlate2d", exits))
    assert "raised TypeError" in failures(run("correlate2d", lambda x: x))  # wrong signature
    assert "expected a function, got a NoneType" in failures(run("conv2d", None))


def test_changing_the_input_in_place_is_reported():
    def in_place(x, k):
        x *= 0
        return correlate2d(x, k)

    assert "changed its input array in place" in failures(run("correlate2d", in_place))


def test_an_endless_loop_is_stopped():
    def forever(x):
        while True:
            pass

    result = run_cases("loop", forever, [Case("loops", lambda fn: call(fn, 1))], verbose=False,
                       time_limit=0.2)
    assert result.points == 0 and "took longer than 0.2 s" in failures(result)


@pytest.mark.parametrize("wrong,message", [
    (lambda im: sobel_magnitude(im) ** 2, "take the square root"),
    (lambda im: sobel_magnitude(im)[1:-1, 1:-1], "got (4, 4): expected the image's size"),
    (lambda im: np.hypot(correlate2d(np.pad(im.astype(float), 1, mode="edge"), SOBEL_X),
                         correlate2d(np.pad(im.astype(float), 1, mode="edge"), SOBEL_Y)),
     "not 'edge'"),
    (lambda im: np.abs(correlate2d(np.pad(im.astype(float), 1), SOBEL_X)), "only the x gradient"),
])
def test_sobel_mistakes(wrong, message):
    result = run("sobel_magnitude", wrong)
    assert result.points < result.max_points and message in failures(result)


def test_sobel_uint8_overflow_is_explained():
    def uint8_gradients(image):
        padded = np.pad(image, 1)
        gx, gy = correlate2d(padded, SOBEL_X), correlate2d(padded, SOBEL_Y)
        if image.dtype == np.uint8:  # stored in np.zeros_like(image): negatives wrap around
            gx, gy = gx.astype(np.int64).astype(np.uint8), gy.astype(np.int64).astype(np.uint8)
        return np.hypot(gx, gy, dtype=np.float64)

    result = run("sobel_magnitude", uint8_gradients)
    assert result.points == 2 and "uint8 arithmetic wraps around" in failures(result)


def test_conv_params_mistakes():
    no_bias = run("conv_params", lambda i, o, k, bias=True: o * i * k * k)
    assert no_bias.points == 1 and "expected 760, got 750: did you forget the biases" in failures(
        no_bias)
    depth = run("conv_params", lambda i, o, k, bias=True: o * (k * k + bias))
    assert "its depth equals the input's" in failures(depth)
    as_float = run("conv_params", lambda i, o, k, bias=True: float(conv_params(i, o, k, bias)))
    assert as_float.points == 0 and "expected an int, got a float (1728.0)" in failures(as_float)


def test_output_size_mistakes():
    true_division = run("output_size", lambda n, k, stride=1, padding=0: (n - k + 2 * padding)
                        / stride + 1)
    assert true_division.points == 0 and "use integer arithmetic (//" in failures(true_division)
    ceil = run("output_size", lambda n, k, stride=1, padding=0: math.ceil((n - k + 2 * padding)
                                                                          / stride) + 1)
    assert ceil.points == 1 and "PyTorch rounds down" in failures(ceil)


# ----------------------------------------------------------------------- registry and report


def test_check_prints_its_report_and_returns_nothing(capsys):
    assert check("conv_params", conv_params) is None  # nothing to echo in a notebook cell
    check("output_size", stub)
    out = capsys.readouterr().out
    assert "conv_params: 3/3 points" in out
    assert f"output_size: 0/2 points\n  {NOT_IMPLEMENTED}" in out


def test_unknown_check_names_list_the_known_ones():
    with pytest.raises(ValueError, match="conv2d"):
        run_check("con2d", conv2d)
    with pytest.raises(ValueError, match="unknown exercise set"):
        find_check("conv2d", exercise_set="nope")
    assert find_check("conv2d", exercise_set="convolution").max_points == 5


ODD_RETURNS = [None, "text", {}, 1e300, -1, np.zeros(()), np.ones(3, dtype=complex),
               np.array([object()]), np.full((2, 2), np.inf), torch.ones(2)]


@pytest.mark.parametrize("name", NAMES)
def test_no_return_value_makes_a_check_raise(name):
    cases = len(run(name, CORRECT[name]).messages)
    for odd in ODD_RETURNS:
        result = run(name, lambda *a, _odd=odd, **kw: _odd)
        assert result.points < result.max_points and len(result.messages) == cases
