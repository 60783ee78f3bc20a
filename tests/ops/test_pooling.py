"""From-scratch pooling (course_lib.ops.pooling): the curriculum's worked example, and float64
agreement with torch.nn.functional for random shapes, strides, padding and floor/ceil mode."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib.ops import avg_pool2d, global_avg_pool2d, max_pool2d

# The lecture notes' 4×4 example and its 2×2, stride 2 results.
X = np.array([[1, 1, 2, 3], [4, 6, 6, 8], [3, 1, 1, 0], [1, 2, 2, 4]])


def test_worked_example():
    np.testing.assert_array_equal(max_pool2d(X[None, None], 2)[0, 0], [[6, 8], [3, 4]])
    np.testing.assert_array_equal(avg_pool2d(X[None, None], 2)[0, 0], [[3, 4.75], [1.75, 1.75]])


def test_seven_by_seven_floor_and_ceil():
    x = np.arange(49.0).reshape(1, 1, 7, 7)
    assert max_pool2d(x, 2).shape[-2:] == (3, 3)
    ceil = max_pool2d(x, 2, ceil_mode=True)
    assert ceil.shape[-2:] == (4, 4)
    # The last row and column of windows hold only the input's last row/column.
    np.testing.assert_array_equal(ceil[0, 0, -1], [43, 45, 47, 48])
    np.testing.assert_array_equal(avg_pool2d(x, 2, ceil_mode=True)[0, 0, -1, -1], 48)


def _torch(fn, x, *args, **kwargs):
    return fn(torch.from_numpy(x), *args, **kwargs).numpy()


def _random_config(rng):
    k = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
    s = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    p = (int(rng.integers(0, k[0] // 2 + 1)), int(rng.integers(0, k[1] // 2 + 1)))
    shape = (2, 3, int(rng.integers(k[0], 12)), int(rng.integers(k[1], 12)))
    return shape, k, s, p


@pytest.mark.parametrize("ceil_mode", [False, True])
def test_max_pool_matches_torch(ceil_mode):
    rng = np.random.default_rng(0)
    for _ in range(40):
        shape, k, s, p = _random_config(rng)
        x = rng.normal(size=shape) - 3  # all negative often: padding must never win
        ours = max_pool2d(x, k, s, p, ceil_mode)
        ref = _torch(F.max_pool2d, x, k, s, p, ceil_mode=ceil_mode)
        np.testing.assert_array_equal(ours, ref, err_msg=str((shape, k, s, p)))


@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool_matches_torch(ceil_mode, count_include_pad):
    rng = np.random.default_rng(1)
    for _ in range(40):
        shape, k, s, p = _random_config(rng)
        x = rng.normal(size=shape)
        ours = avg_pool2d(x, k, s, p, ceil_mode, count_include_pad)
        ref = _torch(F.avg_pool2d, x, k, s, p, ceil_mode=ceil_mode,
                     count_include_pad=count_include_pad)
        np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12,
                                   err_msg=str((shape, k, s, p)))


def test_default_stride_is_the_window_and_overlapping_pooling():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(1, 4, 13, 13))
    np.testing.assert_array_equal(max_pool2d(x, 3), max_pool2d(x, 3, stride=3))
    overlapping = max_pool2d(x, 3, stride=2)  # AlexNet's 3×3, stride 2
    assert overlapping.shape == (1, 4, 6, 6)
    np.testing.assert_array_equal(overlapping, _torch(F.max_pool2d, x, 3, 2))


def test_global_average_pooling():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 5, 7, 6))
    np.testing.assert_allclose(global_avg_pool2d(x),
                               _torch(F.adaptive_avg_pool2d, x, 1).reshape(2, 5), rtol=1e-12)
    assert global_avg_pool2d(np.ones((1, 3, 4, 4), dtype=np.int64)).dtype == np.float64


def test_integer_input_and_errors():
    assert max_pool2d(X[None, None], 2).dtype == np.float64
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        max_pool2d(X, 2)
    with pytest.raises(ValueError, match="at most kernel_size // 2"):
        avg_pool2d(X[None, None], 2, padding=2)
    with pytest.raises(ValueError, match="does not fit"):
        max_pool2d(X[None, None], 5)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        global_avg_pool2d(X)
