"""Pooling from scratch in NumPy: max, average and global average pooling, floor and ceil mode.

Names, argument order and results follow `torch.nn.functional.max_pool2d`/`avg_pool2d` (dilation
and return_indices left out), so each is checked against PyTorch one-to-one. Max pooling also has
its backward pass (the gradient routed to each window's maximum).
Stochastic pooling (a random, trainable-network layer) is `course_lib.stochastic_pooling`.
"""

from __future__ import annotations

import numpy as np

from .conv import IntPair, _float_dtype, _pair, conv_output_size

__all__ = ["avg_pool2d", "global_avg_pool2d", "max_pool2d", "max_pool2d_backward",
           "pool_output_size"]


def pool_output_size(
    n: int, kernel_size: int, stride: int | None = None, padding: int = 0, ceil_mode: bool = False
) -> int:
    """Output length of pooling along one axis: ⌊(N − F + 2P)/S⌋ + 1, or ⌈…⌉ + 1 with ceil_mode.

    stride defaults to kernel_size (non-overlapping windows), as in PyTorch. In ceil mode the last
    window may hang over the far edge, but PyTorch drops it when it would start in the padding
    (or beyond the input) rather than in the input itself, so every window sees a real value.
    The padding may be at most half the window (PyTorch's rule): a window of padding alone would
    have nothing to pool.
    """
    stride = kernel_size if stride is None else stride
    if isinstance(kernel_size, int | np.integer) and isinstance(padding, int | np.integer) and (
            padding > kernel_size // 2):
        raise ValueError(f"padding {padding} is more than half the {kernel_size}-wide window: "
                         "PyTorch allows at most kernel_size // 2")
    out = conv_output_size(n, kernel_size, stride, padding,
                           rounding="ceil" if ceil_mode else "floor")
    if ceil_mode and (out - 1) * stride >= n + padding:
        out -= 1  # the extra window would start past the input: dropped, as PyTorch does
    return out


def _geometry(
    x: np.ndarray, kernel_size: IntPair, stride: IntPair | None, padding: IntPair, ceil_mode: bool
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """(kH, kW), (sH, sW), (pH, pW), (H_out, W_out) for pooling x: (N, C, H, W)."""
    if x.ndim != 4:
        raise ValueError(f"x must have shape (N, C, H, W), got {x.shape}; for one grey image "
                         "use x[None, None] and for one (C, H, W) image x[None]")
    k = _pair(kernel_size, "kernel_size")
    s = k if stride is None else _pair(stride, "stride")
    p = _pair(padding, "padding")
    out = tuple(pool_output_size(n, kk, ss, pp, ceil_mode)
                for n, kk, ss, pp in zip(x.shape[2:], k, s, p, strict=True))
    return k, s, p, out


def _pad(x: np.ndarray, padding: tuple[int, int], kernel_size: tuple[int, int],
         stride: tuple[int, int], out: tuple[int, int], value: float) -> np.ndarray:
    """x padded with `value`: `padding` before each spatial axis, and after it as much as the
    last window needs (more than `padding` in ceil mode, when the window hangs over the edge)."""
    pads = [(0, 0), (0, 0)]
    for n, p, k, s, o in zip(x.shape[2:], padding, kernel_size, stride, out, strict=True):
        pads.append((p, max(p, (o - 1) * s + k - n - p)))
    return np.pad(x, pads, constant_values=value)


def max_pool2d(
    x: np.ndarray,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    ceil_mode: bool = False,
) -> np.ndarray:
    """The largest value in each window, per channel: like `torch.nn.functional.max_pool2d`.

    x: (N, C, H, W) → (N, C, H_out, W_out), H_out = pool_output_size(H, kH, sH, pH, ceil_mode).
    stride defaults to kernel_size. Padding counts as −∞, so it is never the maximum. No
    parameters: the depth C is unchanged and nothing is learned.
    """
    x = np.asarray(x)
    (kH, kW), (sH, sW), padding, (H_out, W_out) = _geometry(x, kernel_size, stride, padding,
                                                            ceil_mode)
    x_pad = _pad(x.astype(_float_dtype(x)), padding, (kH, kW), (sH, sW), (H_out, W_out), -np.inf)
    out = np.full(x.shape[:2] + (H_out, W_out), -np.inf, dtype=x_pad.dtype)
    for u in range(kH):
        for v in range(kW):
            # Element (u, v) of every window at once: a strided slice, as in ops.conv2d.
            tap = x_pad[:, :, u : u + sH * (H_out - 1) + 1 : sH, v : v + sW * (W_out - 1) + 1 : sW]
            out = np.maximum(out, tap)  # (N, C, H_out, W_out)
    return out


def max_pool2d_backward(
    dout: np.ndarray, x: np.ndarray, kernel_size: IntPair, stride: IntPair | None = None
) -> np.ndarray:
    """The gradient of `max_pool2d(x, kernel_size, stride)` (no padding, floor mode) w.r.t. x.

    dout: (N, C, H_out, W_out) → dx: (N, C, H, W). Each window passes its upstream gradient to
    the one element it kept (the first maximum, as PyTorch does); every other element gets 0.
    Where windows overlap, an element kept by several of them collects all their gradients.
    """
    x = np.asarray(x, dtype=np.float64)
    (kH, kW), (sH, sW), _, (H_out, W_out) = _geometry(x, kernel_size, stride, 0, False)
    best = np.full(x.shape[:2] + (H_out, W_out), -np.inf)
    arg_u = np.zeros(best.shape, dtype=np.int64)  # row offset of each window's maximum
    arg_v = np.zeros(best.shape, dtype=np.int64)  # column offset
    for u in range(kH):
        for v in range(kW):
            tap = x[:, :, u : u + sH * (H_out - 1) + 1 : sH, v : v + sW * (W_out - 1) + 1 : sW]
            better = tap > best  # strict: a tie keeps the first maximum
            best = np.where(better, tap, best)
            arg_u[better], arg_v[better] = u, v
    dx = np.zeros_like(x)
    n, c, i, j = np.indices(best.shape)
    np.add.at(dx, (n, c, i * sH + arg_u, j * sW + arg_v), dout)  # add: overlapping windows
    return dx


def avg_pool2d(
    x: np.ndarray,
    kernel_size: IntPair,
    stride: IntPair | None = None,
    padding: IntPair = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> np.ndarray:
    """The mean of each window, per channel: like `torch.nn.functional.avg_pool2d`.

    x: (N, C, H, W) → (N, C, H_out, W_out), sizes as in `max_pool2d`. The divisor is the number
    of window cells that lie on the input, plus those on the zero padding when count_include_pad
    (PyTorch's default); cells where a ceil-mode window hangs past the padding never count.
    """
    x = np.asarray(x)
    (kH, kW), (sH, sW), padding, (H_out, W_out) = _geometry(x, kernel_size, stride, padding,
                                                            ceil_mode)
    # Which cells count in a window's divisor: 1 on the input (and on the padding, if asked),
    # 0 where a ceil-mode window overhangs. Summing it over a window gives that window's divisor.
    on_pad = float(count_include_pad)
    counted = np.pad(np.ones((1, 1) + x.shape[2:]), [(0, 0), (0, 0), *((p, p) for p in padding)],
                     constant_values=on_pad)  # (1, 1, H + 2pH, W + 2pW)
    counted = _pad(counted, (0, 0), (kH, kW), (sH, sW), (H_out, W_out), 0.0)  # same size as x_pad
    x_pad = _pad(x.astype(_float_dtype(x)), padding, (kH, kW), (sH, sW), (H_out, W_out), 0.0)
    total = np.zeros(x.shape[:2] + (H_out, W_out), dtype=x_pad.dtype)
    count = np.zeros((1, 1, H_out, W_out))
    for u in range(kH):
        for v in range(kW):
            rows = slice(u, u + sH * (H_out - 1) + 1, sH)
            cols = slice(v, v + sW * (W_out - 1) + 1, sW)
            total += x_pad[:, :, rows, cols]  # (N, C, H_out, W_out)
            count += counted[:, :, rows, cols]  # (1, 1, H_out, W_out)
    return total / count


def global_avg_pool2d(x: np.ndarray) -> np.ndarray:
    """The mean of each whole feature map: x: (N, C, H, W) → (N, C).

    The same as `torch.nn.functional.adaptive_avg_pool2d(x, 1).flatten(1)`: an (H, W, C) volume
    becomes one number per channel, whatever H and W are.
    """
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"x must have shape (N, C, H, W), got {x.shape}")
    return x.astype(_float_dtype(x)).mean(axis=(2, 3))  # (N, C)
