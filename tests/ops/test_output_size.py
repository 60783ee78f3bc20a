"""Output sizes of convolution and pooling: floor, ceil and strict rounding, same padding, the
curriculum's worked numbers, and PyTorch's actual output shapes for random configurations."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib.ops import conv_output_size, pool_output_size, same_padding


def test_worked_numbers():
    assert conv_output_size(9, 3, stride=2, padding=1) == 5  # (9 − 3 + 2)/2 + 1
    assert [conv_output_size(7, 3, stride=s) for s in (1, 2)] == [5, 3]
    assert conv_output_size(7, 3, padding=1) == 7
    assert conv_output_size(5, 3) ** 2 == 9 and conv_output_size(5, 3, padding=1) ** 2 == 25
    assert conv_output_size(32, 5, padding=2) == 32
    sizes = [32]
    while sizes[-1] >= 5:
        sizes.append(conv_output_size(sizes[-1], 5))
    assert sizes == [32, 28, 24, 20, 16, 12, 8, 4]
    assert pool_output_size(26, 2) == 13
    assert pool_output_size(7, 2) == 3 and pool_output_size(7, 2, ceil_mode=True) == 4


def test_a_stride_that_does_not_fit():
    assert conv_output_size(7, 3, stride=3) == 2  # PyTorch floors
    assert conv_output_size(7, 3, stride=3, rounding="ceil") == 3
    with pytest.raises(ValueError, match=r"= 2\.333 is not an integer.*last 1 input position is "
                                         r"never read.*PyTorch floors to 2; ceil mode gives 3"):
        conv_output_size(7, 3, stride=3, rounding="strict")
    # Sizes that fit are the same in every mode.
    for rounding in ("floor", "ceil", "strict"):
        assert conv_output_size(9, 3, 2, 1, rounding=rounding) == 5
    with pytest.raises(ValueError, match="rounding must be one of"):
        conv_output_size(7, 3, rounding="round")


def test_same_padding():
    assert [same_padding(f) for f in (1, 3, 5, 7)] == [0, 1, 2, 3]
    assert same_padding(3, dilation=2) == 2  # spans 5
    for f in (3, 5, 7):
        assert conv_output_size(11, f, padding=same_padding(f)) == 11
    with pytest.raises(ValueError, match="odd kernel size.*pads 1 before and 2 after"):
        same_padding(4)
    with pytest.raises(ValueError, match="kernel_size"):
        same_padding(0)


@pytest.mark.parametrize("seed", range(4))
def test_conv_sizes_match_torch_for_random_configurations(seed):
    rng = np.random.default_rng(seed)
    for _ in range(25):
        k, s, p, d = (int(v) for v in rng.integers([1, 1, 0, 1], [6, 4, 3, 3]))
        n = int(rng.integers(d * (k - 1) + 1, 20))
        out = F.conv2d(torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k), stride=s, padding=p,
                       dilation=d)
        assert conv_output_size(n, k, s, p, d) == out.shape[-1], (n, k, s, p, d)
        exact = (n + 2 * p - d * (k - 1) - 1) % s == 0
        if exact:
            assert conv_output_size(n, k, s, p, d, rounding="strict") == out.shape[-1]
        else:
            with pytest.raises(ValueError, match="not an integer"):
                conv_output_size(n, k, s, p, d, rounding="strict")


@pytest.mark.parametrize("ceil_mode", [False, True])
def test_pool_sizes_match_torch_for_random_configurations(ceil_mode):
    rng = np.random.default_rng(int(ceil_mode))
    for _ in range(60):
        k = int(rng.integers(1, 6))
        s, p = int(rng.integers(1, 5)), int(rng.integers(0, k // 2 + 1))
        n = int(rng.integers(max(1, k - 2 * p), 20))
        x = torch.zeros(1, 1, n, n)
        for pool in (F.max_pool2d, F.avg_pool2d):
            out = pool(x, k, stride=s, padding=p, ceil_mode=ceil_mode)
            assert pool_output_size(n, k, s, p, ceil_mode) == out.shape[-1], (n, k, s, p)


def test_ceil_mode_drops_a_window_that_would_start_in_the_padding():
    # 5 wide, window 2, stride 2, padding 1: ceil gives 4 windows, starting at −1, 1, 3 and 5;
    # the last starts past the input (5 ≥ 5 + 0 … in padded coordinates 6 ≥ 5 + 1): dropped.
    assert conv_output_size(5, 2, 2, 1, rounding="ceil") == 4
    assert pool_output_size(5, 2, 2, 1, ceil_mode=True) == 3
    assert F.max_pool2d(torch.zeros(1, 1, 5, 5), 2, 2, 1, ceil_mode=True).shape[-1] == 3


def test_pool_padding_limit():
    with pytest.raises(ValueError, match="at most kernel_size // 2"):
        pool_output_size(8, 2, padding=2)
