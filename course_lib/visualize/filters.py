"""A layer's filters drawn as images: the first convolution's weights are patches of the input
space, so they can be looked at directly (AlexNet's Fig. 3, Krizhevsky et al. 2012).

`edge_scores` measures how much each first-layer map behaves like an oriented edge detector (a
rotated Sobel response) or like a copy of the brightness. Deeper filters act on feature maps, not
pixels: to see those, use `patterns.filter_patterns`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..ops.filters import SOBEL_X, SOBEL_Y

__all__ = ["EdgeScores", "edge_scores", "filter_images", "first_conv"]


def first_conv(model: nn.Module) -> nn.Conv2d:
    """The first `nn.Conv2d` in the model's definition order (the one that sees the pixels)."""
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            return module
    raise ValueError(f"{type(model).__name__} has no nn.Conv2d layer")


def filter_images(weight: Tensor | np.ndarray) -> np.ndarray:
    """Filters (C_out, C_in, kH, kW) as images in [0, 1]: (C_out, kH, kW) for one input channel,
    (C_out, kH, kW, 3) for RGB, else one (kH, kW) image per filter and input channel,
    (C_out, C_in, kH, kW).

    Each filter is scaled on its own by its largest |weight|, with 0 mapped to 0.5 (mid grey): a
    weight's sign shows as brighter or darker than grey, and filters of different norms can be
    compared by shape.
    """
    w = weight.detach().cpu().numpy() if isinstance(weight, torch.Tensor) else np.asarray(weight)
    if w.ndim != 4:
        raise ValueError(f"weight must be (C_out, C_in, kH, kW), got shape {w.shape}")
    w = w.astype(np.float64)
    scale = np.abs(w).reshape(len(w), -1).max(axis=1).reshape(-1, 1, 1, 1)  # (C_out, 1, 1, 1)
    images = 0.5 + 0.5 * w / np.where(scale > 0, scale, 1.0)  # (C_out, C_in, kH, kW) in [0, 1]
    if w.shape[1] == 1:
        return images[:, 0]  # (C_out, kH, kW)
    if w.shape[1] == 3:
        return images.transpose(0, 2, 3, 1)  # (C_out, kH, kW, 3)
    return images


@dataclass
class EdgeScores:
    """For each filter of a first layer: how well its maps match an edge map or the brightness."""

    edge: np.ndarray  # (C_out,): best |correlation| with an oriented Sobel response, over angles
    angle: np.ndarray  # (C_out,): the best angle in degrees (0: Sobel x, 90: Sobel y)
    brightness: np.ndarray  # (C_out,): |correlation| with the (3×3 box-smoothed) input itself


def _correlation(a: Tensor, b: Tensor) -> Tensor:
    """Pearson correlation of each row of a (K, M) with each row of b (J, M) → (K, J)."""
    a = (a - a.mean(dim=1, keepdim=True)) / a.std(dim=1, keepdim=True).clamp_min(1e-12)
    b = (b - b.mean(dim=1, keepdim=True)) / b.std(dim=1, keepdim=True).clamp_min(1e-12)
    return a @ b.T / a.shape[1]


@torch.no_grad()
def edge_scores(conv: nn.Conv2d, images: Tensor, angles: int = 16) -> EdgeScores:
    """How edge-like the maps of a single-channel first layer are, on real images (N, 1, H, W).

    Each filter's response (before any activation) is correlated, over all images and positions,
    with cos θ · (Sobel x) + sin θ · (Sobel y) for `angles` angles in [0°, 180°) (a Sobel
    derivative along direction θ, sign ignored) and with the smoothed brightness. The filter must
    be odd-sized with stride 1; the reference maps are cropped to its output.
    """
    if conv.in_channels != 1 or conv.stride != (1, 1) or conv.kernel_size[0] % 2 == 0:
        raise ValueError("edge_scores needs a one-channel, stride-1, odd-sized first layer")
    x = images.to(conv.weight.device, conv.weight.dtype)
    maps = conv(x)  # (N, C_out, h, w)
    ref = torch.tensor(np.stack([SOBEL_X, SOBEL_Y, np.full((3, 3), 1 / 9)]), dtype=x.dtype,
                       device=x.device)[:, None]  # (3, 1, 3, 3)
    ref_maps = F.conv2d(x, ref, padding=1)  # (N, 3, H, W): gx, gy, smoothed brightness
    dh = (ref_maps.shape[2] - maps.shape[2]) // 2  # centre crop to the layer's output
    dw = (ref_maps.shape[3] - maps.shape[3]) // 2
    ref_maps = ref_maps[:, :, dh : dh + maps.shape[2], dw : dw + maps.shape[3]]
    theta = torch.arange(angles, dtype=x.dtype, device=x.device) * torch.pi / angles
    oriented = (torch.cos(theta)[None, :, None, None] * ref_maps[:, :1]
                + torch.sin(theta)[None, :, None, None] * ref_maps[:, 1:2])  # (N, angles, h, w)
    flat = maps.transpose(0, 1).flatten(1)  # (C_out, N·h·w)
    edge = _correlation(flat, oriented.transpose(0, 1).flatten(1)).abs()  # (C_out, angles)
    bright = _correlation(flat, ref_maps[:, 2:].transpose(0, 1).flatten(1)).abs()[:, 0]
    best = edge.max(dim=1)
    return EdgeScores(best.values.cpu().numpy(), (theta[best.indices] * 180 / torch.pi).cpu()
                      .numpy(), bright.cpu().numpy())
