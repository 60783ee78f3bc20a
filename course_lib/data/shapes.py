"""Procedurally drawn shapes: the classic ±1 O/X teaching images and small labelled shape datasets.

`draw_shape(size=9)` reproduces the 9x9 X and O of Brandon Rohrer's "How do convolutional neural
networks work?" (background -1, stroke +1, a 1-pixel border). Strokes are bands around ideal curves.
`make_placed_shapes` puts one shape at a random place on a larger canvas and returns its box, for
checking where a model looks (Grad-CAM).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch

from .datasets import ImageSet

__all__ = ["SHAPE_KINDS", "draw_shape", "make_placed_shapes", "make_shapes"]


def _band(d: np.ndarray, thickness: float) -> np.ndarray:
    """Pixels whose signed distance to a curve lies in (-t/2, t/2]: exactly t pixels across."""
    return (d > -thickness / 2) & (d <= thickness / 2)


# Each kind: (di, dj, h, t) -> stroke mask, where di, dj are row/column offsets from the centre,
# h the half-size of the shape's box and t the stroke thickness in pixels.
_Drawer = Callable[[np.ndarray, np.ndarray, float, float], np.ndarray]
_SQRT2 = math.sqrt(2)
_DRAWERS: dict[str, _Drawer] = {
    "x": lambda di, dj, h, t: _band((di - dj) / _SQRT2, t) | _band((di + dj) / _SQRT2, t),
    "o": lambda di, dj, h, t: _band(np.hypot(di, dj) - h, t),
    "plus": lambda di, dj, h, t: _band(di, t) | _band(dj, t),
    "square": lambda di, dj, h, t: _band(np.maximum(abs(di), abs(dj)) - h, t),
    "diagonal": lambda di, dj, h, t: _band((di - dj) / _SQRT2, t),  # "\"
    "antidiagonal": lambda di, dj, h, t: _band((di + dj) / _SQRT2, t),  # "/"
    "hline": lambda di, dj, h, t: _band(di, t),
    "vline": lambda di, dj, h, t: _band(dj, t),
}
SHAPE_KINDS: tuple[str, ...] = tuple(_DRAWERS)


def draw_shape(
    kind: str,
    size: int = 9,
    thickness: int = 1,
    jitter_rng: np.random.Generator | None = None,
    margin: int = 1,
) -> np.ndarray:
    """A (size, size) float64 image of a shape: background -1, stroke +1.

    kind: one of SHAPE_KINDS ("x", "o", "plus", "square", "diagonal" = "\\", "antidiagonal" = "/",
    "hline", "vline"), drawn `thickness` pixels wide and leaving a blank border `margin` pixels wide
    (a 9x9 "x" has +1 at (i, i) and (i, 8 - i) for i = 1..7). With `jitter_rng`, the centre moves by
    up to half a pixel and the size by up to ±half a pixel, so repeated draws differ slightly.
    """
    if kind not in _DRAWERS:
        raise ValueError(f"Unknown shape {kind!r}; choose one of: {', '.join(SHAPE_KINDS)}")
    if thickness < 1:
        raise ValueError(f"thickness must be at least 1 pixel, got {thickness}")
    centre = np.array([(size - 1) / 2, (size - 1) / 2])
    # Half-size of the stroke's centre line, so that the stroke's outer edge keeps the margin.
    h = (size - 1) / 2 - margin - (thickness - 1) / 2
    if h < 1:
        raise ValueError(f"size={size} with margin={margin} leaves no room for a shape")
    if jitter_rng is not None:
        centre = centre + jitter_rng.uniform(-0.5, 0.5, size=2)
        h += jitter_rng.uniform(-0.5, 0.5)
    i, j = np.mgrid[0:size, 0:size].astype(np.float64)
    di, dj = i - centre[0], j - centre[1]
    # Clip strokes to the shape's box (what keeps the X's arms and the plus inside the margin).
    inside = np.maximum(abs(di), abs(dj)) <= h + thickness / 2
    stroke = _DRAWERS[kind](di, dj, h, thickness) & inside
    return np.where(stroke, 1.0, -1.0)


def _shifted(img: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """`img` moved down by dy and right by dx, filling with 0 (no wrap-around)."""
    out = np.zeros_like(img)
    h, w = img.shape
    out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = img[
        max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)
    ]
    return out


def make_shapes(
    n: int,
    size: int = 16,
    kinds: Sequence[str] = ("o", "x"),
    seed: int = 0,
    shift: int = 2,
    noise: float = 0.0,
    thickness: Sequence[int] = (1, 2),
) -> ImageSet:
    """A balanced labelled set of `n` drawn shapes: images (n, 1, size, size) uint8, 0 background,
    255 stroke; label k is `kinds[k]`.

    Each image gets a random thickness from `thickness`, a small jitter, a random translation of up
    to `shift` pixels each way (the shape never leaves the frame) and Gaussian pixel noise of
    standard deviation `noise` (in units of the 0-1 range, clipped).
    """
    kinds = tuple(kinds)
    if n < 0 or not kinds or shift < 0 or noise < 0:
        raise ValueError("need n >= 0, at least one kind, shift >= 0 and noise >= 0")
    # Room for the jitter (up to 1 pixel) and the shift: no shape is cut by, or touches, the frame.
    margin = shift + 2
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % len(kinds)  # balanced: each kind n // len(kinds) or one more times
    rng.shuffle(labels)
    images = np.empty((n, 1, size, size), dtype=np.uint8)
    for k, label in enumerate(labels):
        t = int(rng.choice(thickness))
        img = (draw_shape(kinds[label], size, t, jitter_rng=rng, margin=margin) > 0).astype(float)
        dy, dx = rng.integers(-shift, shift + 1, size=2)
        img = _shifted(img, int(dy), int(dx))
        if noise:
            img = np.clip(img + rng.normal(0.0, noise, img.shape), 0.0, 1.0)
        images[k, 0] = np.rint(img * 255)
    return ImageSet(
        torch.from_numpy(images),
        torch.from_numpy(labels.astype(np.int64)),
        kinds,
        f"shapes/{'-'.join(kinds)}",
    )


def make_placed_shapes(
    n: int,
    canvas: int = 32,
    shape_size: tuple[int, int] = (10, 14),
    kinds: Sequence[str] = ("o", "x", "square", "plus"),
    seed: int = 0,
    thickness: Sequence[int] = (1, 2),
    distractors: int = 0,
    distractor_kinds: Sequence[str] = ("hline", "vline", "diagonal", "antidiagonal"),
    noise: float = 0.0,
) -> tuple[ImageSet, np.ndarray]:
    """`n` images (n, 1, canvas, canvas) uint8, each with one shape drawn at a random place, and
    the shape's bounding boxes (n, 4) int64 as (top, left, height, width): the tight box of its
    stroke pixels, so `image[top:top + height, left:left + width]` holds the whole shape.

    Labels are balanced over `kinds` (label k is `kinds[k]`). Each shape is drawn by `draw_shape`
    with a side drawn uniformly from `shape_size` (inclusive) and a thickness from `thickness`.
    `distractors` extra strokes of `distractor_kinds`, as large as a shape and never touching its
    box, go elsewhere: they carry no information about the class, so a model has to find the shape
    among them. `noise` adds clipped Gaussian pixel noise (0-1 units) everywhere.
    """
    kinds, distractor_kinds = tuple(kinds), tuple(distractor_kinds)
    lo, hi = shape_size
    if n < 0 or not kinds or distractors < 0 or noise < 0:
        raise ValueError("need n >= 0, at least one kind, distractors >= 0 and noise >= 0")
    if not 3 <= lo <= hi <= canvas:
        raise ValueError(f"shape_size must satisfy 3 <= min <= max <= canvas ({canvas}), "
                         f"got {shape_size}")
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % len(kinds)  # balanced, then shuffled
    rng.shuffle(labels)
    images = np.zeros((n, 1, canvas, canvas), dtype=np.uint8)
    boxes = np.zeros((n, 4), dtype=np.int64)

    def stroke(kind: str) -> np.ndarray:
        size = int(rng.integers(lo, hi + 1))
        return draw_shape(kind, size, int(rng.choice(thickness)), margin=0) > 0

    for k, label in enumerate(labels):
        shape = stroke(kinds[label])
        size = len(shape)
        top, left = (int(v) for v in rng.integers(0, canvas - size + 1, size=2))
        img = np.zeros((canvas, canvas), dtype=bool)
        img[top : top + size, left : left + size] = shape
        rows, cols = np.nonzero(img)
        r0, c0 = rows.min(), cols.min()
        boxes[k] = (r0, c0, rows.max() - r0 + 1, cols.max() - c0 + 1)
        # Keep distractors one pixel clear of the box, so it holds the shape's pixels only.
        keep_out = np.zeros_like(img)
        keep_out[max(r0 - 1, 0) : r0 + boxes[k, 2] + 1, max(c0 - 1, 0) : c0 + boxes[k, 3] + 1] = 1
        for _ in range(distractors):
            for _attempt in range(50):  # rejection sampling; give up quietly on a crowded canvas
                extra = stroke(str(rng.choice(distractor_kinds)))
                s = len(extra)
                r, c = (int(v) for v in rng.integers(0, canvas - s + 1, size=2))
                if not (keep_out[r : r + s, c : c + s] & extra).any():
                    img[r : r + s, c : c + s] |= extra
                    break
        pixels = img.astype(np.float64)
        if noise:
            pixels = np.clip(pixels + rng.normal(0.0, noise, pixels.shape), 0.0, 1.0)
        images[k, 0] = np.rint(pixels * 255)
    data = ImageSet(torch.from_numpy(images), torch.from_numpy(labels.astype(np.int64)), kinds,
                    f"placed-shapes/{'-'.join(kinds)}")
    return data, boxes
