"""Tests of the from-scratch convolution ops (course_lib.ops.conv) against worked examples,
NumPy/SciPy and torch.nn.functional.conv2d in float64."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy import signal

from course_lib.numerics import assert_close_to_torch, rel_error
from course_lib.ops import (
    conv2d,
    conv_output_size,
    conv_param_count,
    convolve1d,
    convolve2d,
    correlate1d,
    correlate2d,
)

# Chapter 03's worked example (both seeds): a 5×5 binary image and an X-shaped 3×3 kernel.
EXAMPLE_X = np.array(
    [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
)
EXAMPLE_K = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])
EXAMPLE_Y = np.array([[4, 3, 4], [2, 4, 3], [2, 3, 4]])

# float64 sums of a few hundred products agree with PyTorch to ~1e-12; 1e-10 leaves headroom
# while still catching any indexing mistake (which gives errors of order 1).
TOL = 1e-10


# ----------------------------------------------------------------------------- worked example


def test_worked_example_correlate2d():
    np.testing.assert_array_equal(correlate2d(EXAMPLE_X, EXAMPLE_K), EXAMPLE_Y)


def test_worked_example_conv2d_and_torch_agree():
    ours = conv2d(EXAMPLE_X[None, None], EXAMPLE_K[None, None])  # (1, 1, 3, 3)
    theirs = F.conv2d(
        torch.tensor(EXAMPLE_X, dtype=torch.float64)[None, None],
        torch.tensor(EXAMPLE_K, dtype=torch.float64)[None, None],
    )
    np.testing.assert_array_equal(ours[0, 0], EXAMPLE_Y)
    np.testing.assert_array_equal(theirs[0, 0].numpy(), EXAMPLE_Y)


def test_worked_example_with_bias_adds_w0_everywhere():
    # y11 = Σ w_ij x_ij + w0: the bias shifts every output by the same amount.
    ours = conv2d(EXAMPLE_X[None, None], EXAMPLE_K[None, None], bias=np.array([-2.5]))
    np.testing.assert_allclose(ours[0, 0], EXAMPLE_Y - 2.5)


def test_symmetric_kernel_convolution_equals_correlation():
    # EXAMPLE_K is symmetric under a 180° turn, so flipping changes nothing.
    np.testing.assert_array_equal(convolve2d(EXAMPLE_X, EXAMPLE_K), EXAMPLE_Y)


# ----------------------------------------------------------------------------------------- 1-D


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_convolve1d_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    m, f = rng.standard_normal(rng.integers(1, 12)), rng.standard_normal(rng.integers(1, 6))
    ours = convolve1d(m, f)
    assert ours.shape == (len(m) + len(f) - 1,)
    assert rel_error(ours, np.convolve(m, f)) < TOL


def test_convolve1d_small_integer_example():
    # (1, 2, 3) ∗ (0, 1, 0.5): the kernel delays by one step and adds half of the next delay.
    np.testing.assert_allclose(convolve1d([1, 2, 3], [0, 1, 0.5]), [0, 1, 2.5, 4, 1.5])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_correlate1d_matches_numpy_and_is_convolution_with_flipped_kernel(seed):
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal(10), rng.standard_normal(4)
    ours = correlate1d(x, w)
    assert ours.shape == (10 - 4 + 1,)
    assert rel_error(ours, np.correlate(x, w, mode="valid")) < TOL
    # correlation = convolution with the flipped kernel (keep the positions where w fits fully)
    full = convolve1d(x, w[::-1])
    assert rel_error(ours, full[len(w) - 1 : len(x)]) < TOL


def test_correlation_and_convolution_differ_for_asymmetric_kernel():
    x = np.array([0.0, 0, 1, 2, 3, 0, 0])
    w = np.array([1.0, 0, -1])  # antisymmetric: flipping negates it
    conv_valid = convolve1d(x, w)[len(w) - 1 : len(x)]
    np.testing.assert_allclose(correlate1d(x, w), -conv_valid)
    assert not np.allclose(correlate1d(x, w), conv_valid)
    sym = np.array([1.0, 2, 1])
    np.testing.assert_allclose(correlate1d(x, sym), convolve1d(x, sym)[2:7])


def test_1d_errors_are_clear():
    with pytest.raises(ValueError, match="longer than the input"):
        correlate1d([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="1-D"):
        convolve1d(np.ones((2, 2)), [1])


# ----------------------------------------------------------------------------- 2-D one channel


@pytest.mark.parametrize("seed", [0, 1])
def test_correlate2d_and_convolve2d_match_scipy(seed):
    rng = np.random.default_rng(seed)
    x, w = rng.standard_normal((7, 9)), rng.standard_normal((3, 2))
    assert rel_error(correlate2d(x, w), signal.correlate2d(x, w, mode="valid")) < TOL
    assert rel_error(convolve2d(x, w), signal.convolve2d(x, w, mode="valid")) < TOL
    assert not np.allclose(correlate2d(x, w), convolve2d(x, w))  # w is not symmetric


def test_correlate2d_kernel_too_big():
    with pytest.raises(ValueError, match="does not fit"):
        correlate2d(np.ones((2, 5)), np.ones((3, 3)))


# ------------------------------------------------------------------ conv2d against PyTorch

CASES = [
    # (N, C_in, H, W, C_out, kH, kW, stride, padding, bias)
    (1, 1, 5, 5, 1, 3, 3, 1, 0, False),
    (2, 3, 8, 8, 4, 3, 3, 1, 1, True),
    (2, 3, 9, 9, 2, 3, 3, 2, 1, True),
    (1, 2, 7, 7, 3, 3, 3, 3, 0, False),  # stride does not divide: PyTorch floors
    (3, 4, 10, 7, 5, 5, 3, (2, 1), (2, 0), True),
    (1, 3, 6, 11, 2, 1, 1, 1, 0, True),  # 1×1 convolution
    (2, 2, 6, 6, 3, 2, 4, (1, 3), (1, 2), True),  # even kernel, per-axis stride and padding
]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("case", CASES, ids=[f"case{i}" for i in range(len(CASES))])
def test_conv2d_matches_torch_float64(case, seed):
    N, C_in, H, W, C_out, kH, kW, stride, padding, use_bias = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, C_in, H, W))
    w = rng.standard_normal((C_out, C_in, kH, kW))
    b = rng.standard_normal(C_out) if use_bias else None
    ours = conv2d(x, w, b, stride=stride, padding=padding)
    theirs = F.conv2d(
        torch.from_numpy(x),
        torch.from_numpy(w),
        None if b is None else torch.from_numpy(b),
        stride=stride,
        padding=padding,
    ).numpy()
    assert ours.shape == theirs.shape
    assert rel_error(ours, theirs) < TOL
    assert_close_to_torch(ours, theirs, rtol=1e-12, atol=1e-12, what="conv2d output")


# PyTorch warns that 'same' with an even kernel pads a copy of the input; that is expected here.
@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("padding, dilation", [("same", 1), ("same", (2, 1)), ("valid", 2)])
@pytest.mark.parametrize("kernel", [(3, 3), (2, 4)])
def test_conv2d_string_padding_and_dilation_match_torch(padding, dilation, kernel):
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((2, 3, 9, 8)), rng.standard_normal((4, 3, *kernel))
    ours = conv2d(x, w, padding=padding, dilation=dilation)
    theirs = F.conv2d(
        torch.from_numpy(x), torch.from_numpy(w), padding=padding, dilation=dilation
    ).numpy()
    assert ours.shape == theirs.shape
    assert rel_error(ours, theirs) < TOL


def test_conv2d_colour_image_sums_over_channels():
    # y = X_R∗W_R + X_G∗W_G + X_B∗W_B + w0: one filter of depth 3 gives one map.
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((1, 3, 6, 6)), rng.standard_normal((1, 3, 3, 3))
    by_channel = sum(correlate2d(x[0, c], w[0, c]) for c in range(3)) + 0.5
    assert rel_error(conv2d(x, w, np.array([0.5]))[0, 0], by_channel) < TOL


def test_conv2d_feature_map_shapes_from_the_chapter():
    rng = np.random.default_rng(0)
    # Six 5×5 filters on a 32×32×3 image → 28×28×6 (channels first here: (6, 28, 28)).
    out = conv2d(rng.standard_normal((1, 3, 32, 32)), rng.standard_normal((6, 3, 5, 5)))
    assert out.shape == (1, 6, 28, 28)
    # Keras-style Conv2D(32, 3×3) on 28×28×1 → 26×26×32.
    out = conv2d(rng.standard_normal((1, 1, 28, 28)), rng.standard_normal((32, 1, 3, 3)))
    assert out.shape == (1, 32, 26, 26)


def test_conv2d_is_fast_enough_for_chapter_sizes():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((1, 3, 64, 64)), rng.standard_normal((8, 3, 3, 3))
    start = time.perf_counter()
    conv2d(x, w, padding=1)
    # Generous bound (one run takes a few ms) so a busy CI machine does not make this flaky.
    assert time.perf_counter() - start < 1.0


def test_conv2d_validation_messages():
    x = np.zeros((1, 1, 5, 5))
    with pytest.raises(ValueError, match="weight has 3 input channels but x has 1: filter depth"):
        conv2d(x, np.zeros((2, 3, 3, 3)))
    with pytest.raises(ValueError, match=r"\(N, C_in, H, W\)"):
        conv2d(np.zeros((5, 5)), np.zeros((1, 1, 3, 3)))
    with pytest.raises(ValueError, match=r"\(C_out, C_in, kH, kW\)"):
        conv2d(x, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="bias must have shape"):
        conv2d(x, np.zeros((2, 1, 3, 3)), bias=np.zeros(3))
    with pytest.raises(ValueError, match="does not fit"):
        conv2d(x, np.zeros((1, 1, 7, 7)))
    with pytest.raises(ValueError, match="stride 1"):
        conv2d(x, np.zeros((1, 1, 3, 3)), stride=2, padding="same")
    with pytest.raises(ValueError, match="padding"):
        conv2d(x, np.zeros((1, 1, 3, 3)), padding="full")


# -------------------------------------------------------------------- sizes and parameter counts


def test_conv_output_size_formula_examples():
    assert conv_output_size(9, 3, stride=2, padding=1) == 5  # (9 − 3 + 2)/2 + 1
    assert conv_output_size(7, 3, stride=1) == 5
    assert conv_output_size(7, 3, stride=2) == 3
    # (7 − 3)/3 + 1 is not an integer: the seeds call this invalid, PyTorch floors to 2.
    assert conv_output_size(7, 3, stride=3) == 2
    assert conv_output_size(7, 3, stride=1, padding=1) == 7  # "same" padding P = (F − 1)/2
    assert conv_output_size(32, 5, padding=2) == 32
    assert conv_output_size(10, 3, dilation=2) == 6  # a 3-tap kernel with dilation 2 spans 5


@pytest.mark.parametrize("n, k, s, p, d", [(7, 3, 3, 0, 1), (28, 5, 2, 1, 1), (13, 3, 2, 2, 3)])
def test_conv_output_size_matches_torch(n, k, s, p, d):
    out = F.conv2d(
        torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s, padding=p, dilation=d
    )
    assert conv_output_size(n, k, s, p, d) == out.shape[-1]


def test_conv_output_size_errors():
    with pytest.raises(ValueError, match="does not fit"):
        conv_output_size(3, 5)
    with pytest.raises(ValueError, match="stride"):
        conv_output_size(7, 3, stride=0)


def test_conv_param_count_examples():
    assert conv_param_count(3, 64, 3, bias=False) == 1_728  # 64 × 3 × 3 × 3
    assert conv_param_count(3, 10, 5) == 760  # (5·5·3 + 1) · 10
    assert conv_param_count(1, 32, (3, 3)) == 320  # the Keras MNIST model's first layer


@pytest.mark.parametrize(
    "c_in, c_out, k, bias", [(3, 64, 3, False), (3, 10, 5, True), (16, 8, (1, 3), True)]
)
def test_conv_param_count_matches_nn_conv2d(c_in, c_out, k, bias):
    layer = torch.nn.Conv2d(c_in, c_out, k, bias=bias)
    assert conv_param_count(c_in, c_out, k, bias) == sum(p.numel() for p in layer.parameters())
