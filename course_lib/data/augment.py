"""Data augmentation as batched tensor transforms that run on the images' device: flips, affine
warps (rotation, translation, shear, zoom), crops, colour jitter and random erasing (mixup, which
also blends labels, is in `mixing.py`).

Each transform is deterministic given its per-image parameters (so it can be tested and inverted);
`random_*` draw those parameters from a CPU `torch.Generator`, so a seed gives the same batch on
every device. `Augmentation` chains them; `from_keras` maps Keras's ImageDataGenerator onto it.
Images are float (N, C, H, W) in [0, 1]; semantics follow torchvision.transforms.v2 where noted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

__all__ = [
    "FILL_MODES",
    "adjust_color",
    "affine",
    "crop",
    "crop_and_flip",
    "erase",
    "hflip",
    "random_affine",
    "random_color",
    "random_crop",
    "random_erasing",
    "random_flip",
    "rotate",
    "translate",
    "vflip",
]

# Keras fill_mode → grid_sample padding_mode. "nearest" repeats the edge pixel (aaa|abcd|ddd);
# "reflect" mirrors about the image edge (dcba|abcd|dcba, Keras's "reflect"); "constant" fills 0.
FILL_MODES = {"nearest": "border", "reflect": "reflection", "constant": "zeros"}
_GRAY = (0.299, 0.587, 0.114)  # ITU-R BT.601 luma weights, as torchvision's rgb_to_grayscale


def _check_images(x: torch.Tensor) -> None:
    if not isinstance(x, torch.Tensor) or x.ndim != 4 or not x.is_floating_point():
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"augmentations take a float (N, C, H, W) tensor in [0, 1], got {shape}")


def _per_image(value: float | Sequence[float] | torch.Tensor, n: int, x: torch.Tensor,
               name: str) -> torch.Tensor:
    """A scalar or (N,) parameter as a float (N,) tensor on x's device."""
    t = torch.as_tensor(value, dtype=x.dtype, device=x.device)
    if t.ndim == 0:
        return t.expand(n)
    if t.shape != (n,):
        raise ValueError(f"{name} must be a number or have shape ({n},), got {tuple(t.shape)}")
    return t


def _uniform(n: int, lo: float, hi: float, g: torch.Generator | None) -> torch.Tensor:
    return lo + (hi - lo) * torch.rand(n, generator=g, dtype=torch.float64)


# ------------------------------------------------------------------------------------ flips


def hflip(x: torch.Tensor, which: torch.Tensor | None = None) -> torch.Tensor:
    """Mirror images left-right: all of them, or those where `which` (N,) bool is True."""
    _check_images(x)
    if which is None:
        return x.flip(3)
    return torch.where(which.to(x.device)[:, None, None, None], x.flip(3), x)


def vflip(x: torch.Tensor, which: torch.Tensor | None = None) -> torch.Tensor:
    """Mirror images top-bottom (all, or where `which` (N,) is True). Wrong for most photos:
    a cat upside down is rare, which is why horizontal flips are the common choice."""
    _check_images(x)
    if which is None:
        return x.flip(2)
    return torch.where(which.to(x.device)[:, None, None, None], x.flip(2), x)


def random_flip(x: torch.Tensor, p: float = 0.5, vertical: bool = False,
                generator: torch.Generator | None = None) -> torch.Tensor:
    """Flip each image with probability p (left-right, or top-bottom if `vertical`)."""
    which = torch.rand(x.shape[0], generator=generator) < p
    return vflip(x, which) if vertical else hflip(x, which)


# ----------------------------------------------------------------------------------- affine


def affine(
    x: torch.Tensor,
    angle: float | torch.Tensor = 0.0,
    translate: tuple[float | torch.Tensor, float | torch.Tensor] = (0.0, 0.0),
    shear: float | torch.Tensor = 0.0,
    zoom: tuple[float | torch.Tensor, float | torch.Tensor] = (1.0, 1.0),
    fill: str = "nearest",
    mode: str = "bilinear",
) -> torch.Tensor:
    """Rotate, shear, zoom and shift each image about its centre; every parameter a number or (N,).

    angle: degrees, counter-clockwise on screen; translate: (dx, dy) in pixels, right and down;
    shear: degrees, x' = x + tan(shear)·y; zoom: (zx, zy) in Keras's sense, the input is sampled at
    zx times the pixel spacing, so zx < 1 magnifies. `fill`: how pixels from outside the image
    are filled, one of FILL_MODES. x: (N, C, H, W) → (N, C, H, W). Integer shifts and multiples
    of 90° land on pixel centres and copy pixels (up to float rounding, ~1e-6).
    """
    _check_images(x)
    if fill not in FILL_MODES:
        raise ValueError(f"fill must be one of {sorted(FILL_MODES)}, got {fill!r}")
    n, _, h, w = x.shape
    # The N small matrices are built in float64 on the CPU (MPS has no float64), then moved.
    cpu = torch.empty(0, dtype=torch.float64)
    p = {k: _per_image(v.detach().cpu() if isinstance(v, torch.Tensor) else v, n, cpu, k)
         for k, v in (("angle", angle), ("dx", translate[0]), ("dy", translate[1]),
                      ("shear", shear), ("zx", zoom[0]), ("zy", zoom[1]))}
    if (p["zx"] <= 0).any() or (p["zy"] <= 0).any():
        raise ValueError("zoom factors must be positive")
    a, s = torch.deg2rad(p["angle"]), torch.tan(torch.deg2rad(p["shear"]))
    cos, sin = torch.cos(a), torch.sin(a)
    # Forward map in pixel coordinates centred on the image (y down): content point q = M p + t,
    # M = rotation · shear · magnification, magnification = 1 / zoom.
    rot = torch.stack([torch.stack([cos, sin], -1), torch.stack([-sin, cos], -1)], -2)  # (N,2,2)
    shr = torch.zeros(n, 2, 2, dtype=torch.float64)
    shr[:, 0, 0], shr[:, 0, 1], shr[:, 1, 1] = 1.0, s, 1.0
    mag = torch.diag_embed(torch.stack([1 / p["zx"], 1 / p["zy"]], -1))
    m = rot @ shr @ mag
    t = torch.stack([p["dx"], p["dy"]], -1)[..., None]  # (N, 2, 1)
    # grid_sample wants the inverse (output → input) in normalized coordinates, where
    # (align_corners=False) a pixel-centred coordinate u is u / (W/2): D = diag(W/2, H/2).
    d = torch.tensor([w / 2, h / 2], dtype=torch.float64)
    m_inv = torch.linalg.inv(m)
    theta = torch.cat([m_inv * d[None, None, :] / d[None, :, None],
                       -(m_inv @ t) / d[None, :, None]], dim=2)  # (N, 2, 3)
    grid = F.affine_grid(theta.to(x.device, x.dtype), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode=mode, padding_mode=FILL_MODES[fill], align_corners=False)


def rotate(x: torch.Tensor, angle: float | torch.Tensor, fill: str = "nearest") -> torch.Tensor:
    """Rotate each image counter-clockwise by `angle` degrees (number or (N,)) about its centre."""
    return affine(x, angle=angle, fill=fill)


def translate(x: torch.Tensor, dx: float | torch.Tensor, dy: float | torch.Tensor,
              fill: str = "nearest") -> torch.Tensor:
    """Shift each image right by dx and down by dy pixels (numbers or (N,)); see `affine`."""
    return affine(x, translate=(dx, dy), fill=fill)


def random_affine(
    x: torch.Tensor,
    degrees: float = 0.0,
    translate: tuple[float, float] = (0.0, 0.0),
    shear: float = 0.0,
    zoom: tuple[float, float] = (1.0, 1.0),
    fill: str = "nearest",
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """`affine` with per-image parameters drawn uniformly (Keras ImageDataGenerator's ranges):
    angle in ±degrees, dx in ±translate[0]·W, dy in ±translate[1]·H, shear in ±shear degrees,
    zx and zy independently in [zoom[0], zoom[1]]."""
    _check_images(x)
    n, _, h, w = x.shape
    draws = [_uniform(n, -degrees, degrees, generator),
             _uniform(n, -translate[0] * w, translate[0] * w, generator),
             _uniform(n, -translate[1] * h, translate[1] * h, generator),
             _uniform(n, -shear, shear, generator),
             _uniform(n, zoom[0], zoom[1], generator), _uniform(n, zoom[0], zoom[1], generator)]
    angle, dx, dy, sh, zx, zy = draws  # CPU float64: `affine` builds its matrices there
    return affine(x, angle, (dx, dy), sh, (zx, zy), fill=fill)


# ------------------------------------------------------------------------------------ crops


def _windows(x: torch.Tensor, top: torch.Tensor, left: torch.Tensor, h: int,
             w: int) -> torch.Tensor:
    """The (h, w) window of each image at its own (top, left), each (N,) int; no bounds check."""
    n, c = x.shape[:2]
    rows = top[:, None] + torch.arange(h, device=x.device)  # (N, h)
    cols = left[:, None] + torch.arange(w, device=x.device)  # (N, w)
    batch = torch.arange(n, device=x.device)[:, None, None, None]
    channel = torch.arange(c, device=x.device)[None, :, None, None]
    return x[batch, channel, rows[:, None, :, None], cols[:, None, None, :]]  # (N, C, h, w)


def crop(x: torch.Tensor, top: torch.Tensor, left: torch.Tensor,
         size: tuple[int, int]) -> torch.Tensor:
    """A (h, w) window of each image at its own (top, left), each (N,) int: → (N, C, h, w)."""
    _check_images(x)
    H, W = x.shape[2:]
    h, w = size
    top, left = top.to(x.device).long(), left.to(x.device).long()
    if not (0 < h <= H and 0 < w <= W):
        raise ValueError(f"crop size {size} does not fit images of {H}×{W}")
    if (top < 0).any() or (left < 0).any() or (top + h > H).any() or (left + w > W).any():
        raise ValueError(f"a {h}×{w} crop must lie inside the {H}×{W} image")
    return _windows(x, top, left, h, w)


def crop_and_flip(x: torch.Tensor, offsets: torch.Tensor, flip: torch.Tensor, padding: int,
                  pad_mode: str = "reflect") -> torch.Tensor:
    """Per-image crops of the padded batch, then per-image horizontal flips; no Python loop.

    x: (N, C, H, W) float; offsets: (N, 2) int64 top-left corner (row, col) of each crop in the
    padded image, each in 0..2*padding ((padding, padding) is the original image); flip: (N,) bool.
    """
    if padding > 0:
        padded = F.pad(x, (padding,) * 4, mode=pad_mode)  # (N, C, H + 2p, W + 2p)
        x = _windows(padded, offsets[:, 0], offsets[:, 1], *x.shape[2:])
    return hflip(x, flip)


def random_crop(x: torch.Tensor, padding: int, pad_mode: str = "reflect",
                generator: torch.Generator | None = None) -> torch.Tensor:
    """Pad by `padding` pixels, then cut each image back to its size at a random place: a random
    shift of up to ±padding pixels (the standard CIFAR-10 crop). Same shape as x."""
    _check_images(x)
    offsets = torch.randint(0, 2 * padding + 1, (x.shape[0], 2), generator=generator)
    no_flip = torch.zeros(x.shape[0], dtype=torch.bool, device=x.device)
    return crop_and_flip(x, offsets.to(x.device), no_flip, padding, pad_mode)


# ----------------------------------------------------------------------------------- colour


def adjust_color(x: torch.Tensor, brightness: float | torch.Tensor = 1.0,
                 contrast: float | torch.Tensor = 1.0,
                 saturation: float | torch.Tensor = 1.0) -> torch.Tensor:
    """Brightness, contrast and saturation factors (numbers or (N,)), 1 leaving x unchanged.

    Like torchvision's adjust_*: brightness scales the pixels; contrast blends each image with
    its mean grey level; saturation blends each pixel with its grey value (0 gives grey). Results
    are clamped to [0, 1] after each step. x: (N, C, H, W) with C = 3 (or 1: no saturation).
    """
    _check_images(x)
    n = x.shape[0]
    b, c, s = (_per_image(v, n, x, k)[:, None, None, None] for k, v in
               (("brightness", brightness), ("contrast", contrast), ("saturation", saturation)))
    out = (x * b).clamp(0, 1)
    gray = _gray(out)  # (N, 1, H, W)
    out = ((out - gray.mean(dim=(1, 2, 3), keepdim=True)) * c
           + gray.mean(dim=(1, 2, 3), keepdim=True)).clamp(0, 1)
    if x.shape[1] == 3:
        gray = _gray(out)
        out = (gray + (out - gray) * s).clamp(0, 1)
    return out


def _gray(x: torch.Tensor) -> torch.Tensor:
    if x.shape[1] == 1:
        return x
    weights = torch.tensor(_GRAY, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
    return (x * weights).sum(dim=1, keepdim=True)


def random_color(x: torch.Tensor, brightness: float = 0.0, contrast: float = 0.0,
                 saturation: float = 0.0, generator: torch.Generator | None = None
                 ) -> torch.Tensor:
    """Colour jitter: each factor drawn per image uniformly in [1 − v, 1 + v] (torchvision's
    ColorJitter without hue), then `adjust_color`."""
    n = x.shape[0]
    factors = [_uniform(n, max(0.0, 1 - v), 1 + v, generator).to(x.device)
               for v in (brightness, contrast, saturation)]
    return adjust_color(x, *factors)


# ---------------------------------------------------------------------------------- erasing


def erase(x: torch.Tensor, top: torch.Tensor, left: torch.Tensor, height: torch.Tensor,
          width: torch.Tensor, value: float = 0.0) -> torch.Tensor:
    """Fill one rectangle per image with `value`; each argument (N,) int (height 0: no change)."""
    _check_images(x)
    _, _, H, W = x.shape
    rows = torch.arange(H, device=x.device)[None, :, None]  # (1, H, 1)
    cols = torch.arange(W, device=x.device)[None, None, :]  # (1, 1, W)
    t, l_, h, w = (v.to(x.device).long()[:, None, None] for v in (top, left, height, width))
    inside = (rows >= t) & (rows < t + h) & (cols >= l_) & (cols < l_ + w)  # (N, H, W)
    return torch.where(inside[:, None], torch.as_tensor(value, dtype=x.dtype, device=x.device), x)


def random_erasing(x: torch.Tensor, p: float = 0.5, scale: tuple[float, float] = (0.02, 0.33),
                   ratio: tuple[float, float] = (0.3, 3.3), value: float = 0.0,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """Random erasing (Zhong et al. 2020, AAAI): with probability p per image, blank a rectangle
    covering a fraction in `scale` of the image, with aspect ratio h/w in `ratio` (log-uniform),
    at a uniformly random place where it fits."""
    _check_images(x)
    n, _, H, W = x.shape
    area = _uniform(n, *scale, generator) * H * W
    aspect = torch.exp(_uniform(n, math.log(ratio[0]), math.log(ratio[1]), generator))
    h = torch.sqrt(area * aspect).round().clamp(1, H).long()
    w = torch.sqrt(area / aspect).round().clamp(1, W).long()
    top = (torch.rand(n, generator=generator, dtype=torch.float64) * (H - h + 1)).long()
    left = (torch.rand(n, generator=generator, dtype=torch.float64) * (W - w + 1)).long()
    chosen = torch.rand(n, generator=generator) < p
    return erase(x, top, left, torch.where(chosen, h, 0), w, value)
