"""Convolution from scratch in NumPy: 1-D and 2-D convolution vs cross-correlation, and `conv2d`.

Names and argument order follow `torch.nn.functional` so every op can be checked against PyTorch
one-to-one. Written to be read (chapter 03 shows this source), not to be fast; forward pass only.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

__all__ = [
    "WORKED_EXAMPLE_IMAGE",
    "WORKED_EXAMPLE_KERNEL",
    "conv2d",
    "conv_output_size",
    "conv_param_count",
    "convolve1d",
    "convolve2d",
    "correlate1d",
    "correlate2d",
    "same_padding",
]

IntPair = int | tuple[int, int]


def _constant(rows: ArrayLike, dtype: DTypeLike = np.float64) -> np.ndarray:
    """A read-only array: a module-level constant must not be changed by one chapter's in-place
    edit and silently affect every later one (or the grader's specification)."""
    a = np.array(rows, dtype=dtype)
    a.setflags(write=False)
    return a


# Chapter 03's worked example (CURRICULUM 03): cross-correlating this input with this kernel gives
# [[4, 3, 4], [2, 4, 3], [2, 3, 4]].
WORKED_EXAMPLE_IMAGE = _constant(
    [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]], np.int64)
WORKED_EXAMPLE_KERNEL = _constant([[1, 0, 1], [0, 1, 0], [1, 0, 1]], np.int64)


def _float_dtype(*arrays: np.ndarray) -> np.dtype:
    """The common dtype of the inputs, promoted to float64 when they are integers."""
    dtype = np.result_type(*arrays)
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


def _pair(value: IntPair, name: str) -> tuple[int, int]:
    """(height, width) from an int or a pair, as PyTorch takes stride, padding and kernel_size."""
    pair = (value, value) if np.isscalar(value) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, int | np.integer) for v in pair):
        raise ValueError(f"{name} must be an int or a pair of ints (height, width), got {value!r}")
    return int(pair[0]), int(pair[1])


# ----------------------------------------------------------------------------------------- 1-D


def convolve1d(m: np.ndarray, f: np.ndarray) -> np.ndarray:
    """True convolution (m ∗ f)[n] = Σ_k m[k] f[n − k], 'full' mode like `np.convolve(m, f)`.

    m: (L_m,), f: (L_f,) → (L_m + L_f − 1,). Every n where the two overlap at all is kept.
    """
    m, f = np.asarray(m), np.asarray(f)
    if m.ndim != 1 or f.ndim != 1 or m.size == 0 or f.size == 0:
        raise ValueError(f"convolve1d needs two non-empty 1-D arrays, got {m.shape}, {f.shape}")
    y = np.zeros(len(m) + len(f) - 1, dtype=np.result_type(m, f))
    for n in range(len(y)):
        for k in range(len(m)):
            if 0 <= n - k < len(f):  # f[n − k] exists only inside f
                y[n] += m[k] * f[n - k]
    return y


def correlate1d(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Cross-correlation y[n] = Σ_k x[n + k] w[k], 'valid' mode like `np.correlate(x, w)`.

    x: (L,), w: (K,) with K ≤ L → (L − K + 1,). No flip: this is what deep learning calls
    convolution. correlate1d(x, w) equals the valid part of convolve1d(x, w[::-1]).
    """
    x, w = np.asarray(x), np.asarray(w)
    if x.ndim != 1 or w.ndim != 1 or w.size == 0:
        raise ValueError(f"correlate1d needs two 1-D arrays, got shapes {x.shape}, {w.shape}")
    if len(w) > len(x):
        raise ValueError(f"the kernel (length {len(w)}) is longer than the input (length {len(x)})")
    y = np.zeros(len(x) - len(w) + 1, dtype=np.result_type(x, w))
    for n in range(len(y)):
        y[n] = np.sum(x[n : n + len(w)] * w)  # the window under the kernel, times the kernel
    return y


# --------------------------------------------------------------------------- 2-D single channel


def correlate2d(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Valid 2-D cross-correlation of one channel: y[i, j] = Σ_{u,v} x[i + u, j + v] w[u, v].

    x: (H, W), w: (kH, kW) → (H − kH + 1, W − kW + 1). The kernel slides over every position
    where it fits entirely; at each one we take the sum of products of the window and the kernel.
    """
    x, w = np.asarray(x), np.asarray(w)
    if x.ndim != 2 or w.ndim != 2:
        raise ValueError(f"correlate2d needs a 2-D image and 2-D kernel, got {x.shape}, {w.shape}")
    (H, W), (kH, kW) = x.shape, w.shape
    if kH > H or kW > W:
        raise ValueError(f"the {kH}×{kW} kernel does not fit in the {H}×{W} image")
    y = np.zeros((H - kH + 1, W - kW + 1), dtype=np.result_type(x, w))
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            window = x[i : i + kH, j : j + kW]  # the patch the kernel currently covers
            y[i, j] = np.sum(window * w)
    return y


def convolve2d(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Valid 2-D true convolution: cross-correlation with the kernel flipped in both axes.

    x: (H, W), w: (kH, kW) → (H − kH + 1, W − kW + 1); matches `scipy.signal.convolve2d(x, w,
    mode="valid")`. Equal to correlate2d(x, w) exactly when w is symmetric under a 180° turn.
    """
    w = np.asarray(w)
    if w.ndim != 2:
        raise ValueError(f"convolve2d needs a 2-D kernel, got shape {w.shape}")
    return correlate2d(x, w[::-1, ::-1])


# ---------------------------------------------------------------------- sizes and parameters


ROUNDINGS = ("floor", "ceil", "strict")


def conv_output_size(
    n: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
    rounding: str = "floor",
) -> int:
    """Output length along one axis, floored as in PyTorch by default:

        floor((n + 2·padding − dilation·(kernel_size − 1) − 1) / stride) + 1.

    With dilation 1 this is the textbook (N − F + 2P)/S + 1. When the stride does not divide
    N − F + 2P the window positions do not tile the input, and `rounding` says what to do:
    "floor" drops the last, incomplete window (PyTorch's convolutions and default pooling);
    "ceil" keeps it, hanging over the far edge (pooling with ceil_mode=True, see
    `ops.pooling.pool_output_size` for PyTorch's extra rule); "strict" raises ValueError, as the
    lecture notes call such a layer invalid. Sizes that fit exactly are the same in all three.
    """
    for name, value, low in (
        ("n", n, 1),
        ("kernel_size", kernel_size, 1),
        ("stride", stride, 1),
        ("padding", padding, 0),
        ("dilation", dilation, 1),
    ):
        if not isinstance(value, int | np.integer) or value < low:
            raise ValueError(f"{name} must be an integer ≥ {low}, got {value!r}")
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {ROUNDINGS}, got {rounding!r}")
    span = dilation * (kernel_size - 1) + 1  # how many input positions one window covers
    padded = n + 2 * padding
    if span > padded:
        where = f"size {n}" + (f" padded by {padding} on each side (= {padded})" if padding else "")
        raise ValueError(
            f"a kernel spanning {span} positions does not fit in an input of {where}: "
            "no output position exists"
        )
    steps, left_over = divmod(padded - span, stride)  # full strides after the first window
    if left_over and rounding == "strict":
        raise ValueError(
            f"({n} − {span} + 2·{padding})/{stride} + 1 = {(padded - span) / stride + 1:.4g} is "
            f"not an integer: with stride {stride} the windows do not tile the input (the last "
            f"{left_over} input position{'s are' if left_over > 1 else ' is'} never read). PyTorch "
            f"floors to {steps + 1}; ceil mode gives {steps + 2}; or change the padding or the "
            "stride"
        )
    return steps + 1 + (1 if left_over and rounding == "ceil" else 0)


def same_padding(kernel_size: int, dilation: int = 1) -> int:
    """The zero padding P that keeps the size at stride 1: P = (F − 1)/2 (F = 3 → 1, 5 → 2,
    7 → 3), with F = dilation·(kernel_size − 1) + 1 the span of a dilated kernel.

    An even span needs an odd total F − 1, which cannot be split equally between the two sides:
    ValueError (PyTorch's padding="same" then puts the extra row or column after).
    """
    if not isinstance(kernel_size, int | np.integer) or kernel_size < 1:
        raise ValueError(f"kernel_size must be an integer ≥ 1, got {kernel_size!r}")
    if not isinstance(dilation, int | np.integer) or dilation < 1:
        raise ValueError(f"dilation must be an integer ≥ 1, got {dilation!r}")
    span = dilation * (kernel_size - 1) + 1
    if span % 2 == 0:
        raise ValueError(
            f"a kernel spanning {span} positions needs {span - 1} padding in total to keep the "
            "size, which cannot be split equally between the two sides: use an odd kernel size "
            f"(PyTorch's padding='same' pads {(span - 1) // 2} before and {span // 2} after)"
        )
    return (span - 1) // 2


def conv_param_count(
    in_channels: int, out_channels: int, kernel_size: IntPair, bias: bool = True
) -> int:
    """Learnable parameters of a Conv2d: C_out · C_in · kH · kW weights (+ C_out biases).

    Each filter has depth in_channels (one kH×kW slice per input channel) and one bias.
    """
    kH, kW = _pair(kernel_size, "kernel_size")
    return out_channels * in_channels * kH * kW + (out_channels if bias else 0)


# ------------------------------------------------------------------- multi-channel conv2d


def _padding_pairs(
    padding: IntPair | str,
    kernel_size: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
) -> tuple[tuple[int, int], tuple[int, int]]:
    """((top, bottom), (left, right)) zero padding from PyTorch's `padding` argument."""
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding != "same":
            raise ValueError(f"padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
        if stride != (1, 1):
            raise ValueError("padding='same' needs stride 1 (as in PyTorch)")
        # Total padding d·(k − 1) keeps the size; when it is odd (even kernels) the extra row or
        # column goes after, as PyTorch does.
        totals = [d * (k - 1) for k, d in zip(kernel_size, dilation, strict=True)]
        top, left = (t // 2 for t in totals)
        return (top, totals[0] - top), (left, totals[1] - left)
    pH, pW = _pair(padding, "padding")
    if pH < 0 or pW < 0:
        raise ValueError(f"padding must be non-negative, got {padding!r}")
    return (pH, pH), (pW, pW)


def conv2d(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: IntPair = 1,
    padding: IntPair | str = 0,
    dilation: IntPair = 1,
) -> np.ndarray:
    """2-D cross-correlation of a batch, like `torch.nn.functional.conv2d` (groups=1).

    x: (N, C_in, H, W), weight: (C_out, C_in, kH, kW), bias: (C_out,) or None.
    stride, dilation: int or (h, w); padding: int, (h, w), "valid" (= 0) or "same" (stride 1 only).
    Returns (N, C_out, H_out, W_out), H_out = conv_output_size(H, kH, stride, padding, dilation).

        out[n, o, i, j] = bias[o]
                          + Σ_c Σ_u Σ_v weight[o, c, u, v] · x_pad[n, c, i·sH + u·dH, j·sW + v·dW]

    Instead of looping over the N·C_out·H_out·W_out outputs, we loop over the kH·kW kernel offsets
    (u, v): for one offset, every output reads the input at a regularly strided grid of positions,
    which is a single array slice, and the sum over input channels is one matrix product.
    """
    x, weight = np.asarray(x), np.asarray(weight)
    if x.ndim != 4:
        raise ValueError(
            f"x must have shape (N, C_in, H, W), got {x.shape}; for one grey image use "
            "x[None, None] and for one (C, H, W) image x[None]"
        )
    if weight.ndim != 4:
        raise ValueError(f"weight must have shape (C_out, C_in, kH, kW), got {weight.shape}")
    N, C_in, H, W = x.shape
    C_out, w_in, kH, kW = weight.shape
    if w_in != C_in:
        raise ValueError(
            f"weight has {w_in} input channels but x has {C_in}: "
            "filter depth must equal input depth"
        )
    if bias is not None:
        bias = np.asarray(bias)
        if bias.shape != (C_out,):
            raise ValueError(f"bias must have shape ({C_out},), one per filter, got {bias.shape}")
    sH, sW = _pair(stride, "stride")
    dH, dW = _pair(dilation, "dilation")

    pads = _padding_pairs(padding, (kH, kW), (sH, sW), (dH, dW))

    # Zero padding on the two spatial axes only; batch and channel axes are left alone.
    x_pad = np.pad(x, ((0, 0), (0, 0), *pads))  # (N, C_in, H + top + bottom, W + left + right)
    H_out = conv_output_size(x_pad.shape[2], kH, sH, padding=0, dilation=dH)  # padding done above
    W_out = conv_output_size(x_pad.shape[3], kW, sW, padding=0, dilation=dW)

    out = np.zeros((N, C_out, H_out, W_out), dtype=_float_dtype(x, weight))
    for u in range(kH):
        for v in range(kW):
            # The input values that kernel tap (u, v) multiplies, for every output position.
            rows = slice(u * dH, u * dH + sH * (H_out - 1) + 1, sH)
            cols = slice(v * dW, v * dW + sW * (W_out - 1) + 1, sW)
            patch = x_pad[:, :, rows, cols]  # (N, C_in, H_out, W_out)
            # Σ over input channels c of weight[o, c, u, v] · patch[n, c, i, j]
            out += np.einsum("nchw,oc->nohw", patch, weight[:, :, u, v])  # (N, C_out, H_out, W_out)
    if bias is not None:
        out += bias.reshape(1, C_out, 1, 1)  # one bias per output channel, broadcast over N, H, W
    return out
