"""Why raw pixels are a poor representation: nuisance variations of one image (shift, rotation,
scale, brightness, occlusion) that keep its label, and how far each moves it in pixel space and in a
feature space, measured against the distance to other images. Transforms: scikit-image.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["DistanceRow", "distance_table", "nuisance_variants", "rms_distance"]


def nuisance_variants(
    image: np.ndarray,
    shift: int = 6,
    angle: float = 15.0,
    zoom: float = 1.2,
    brightness: float = 0.3,
    occlusion: float = 0.35,
    fill: float = 0.0,
) -> dict[str, np.ndarray]:
    """The same picture, changed in ways that do not change what it shows.

    image: (H, W) grey in [0, 1] → {name: (H, W) in [0, 1]}: "original"; "shifted" right and down
    by `shift` pixels; "rotated" by `angle` degrees; "zoomed" in by `zoom` about the centre;
    "brighter" by adding `brightness` (clipped at 1); "occluded" by a square of grey level `fill`
    (black by default) covering the fraction `occlusion` of each side, centred. Borders are
    filled by repeating edge pixels.
    """
    from skimage.transform import AffineTransform, rotate, warp

    x = np.asarray(image, dtype=np.float64)
    if x.ndim != 2 or x.min() < 0 or x.max() > 1:
        raise ValueError("expected a grey (H, W) image with values in [0, 1] "
                         "(use course_lib.data.to_gray)")
    H, W = x.shape
    centre = np.array([W, H]) / 2 - 0.5  # (x, y) of the centre in warp's coordinates
    zoom_tf = (AffineTransform(translation=-centre) + AffineTransform(scale=zoom)
               + AffineTransform(translation=centre))
    occluded = x.copy()
    h, w = round(occlusion * H), round(occlusion * W)
    occluded[(H - h) // 2 : (H + h) // 2, (W - w) // 2 : (W + w) // 2] = fill
    return {
        "original": x,
        "shifted": warp(x, AffineTransform(translation=(-shift, -shift)), mode="edge"),
        "rotated": rotate(x, angle, mode="edge"),
        "zoomed": warp(x, zoom_tf.inverse, mode="edge"),
        "brighter": np.clip(x + brightness, 0, 1),
        "occluded": occluded,
    }


def rms_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Root-mean-square difference √(mean (a − b)²): Euclidean distance per value, so images (or
    feature vectors) of different sizes give comparable numbers."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare shapes {a.shape} and {b.shape}")
    return float(np.sqrt(np.mean((a - b) ** 2)))


@dataclass
class DistanceRow:
    """How far one variant is from the original, in pixels and in a feature space."""

    name: str  # the variant ("shifted", …) or the other image
    same_label: bool  # True for variants of the original, False for other images
    pixel_distance: float  # RMS distance of the pixels to the original's
    feature_distance: float | None  # RMS distance of the feature vectors (None: no feature given)


def distance_table(
    variants: Mapping[str, np.ndarray],
    others: Mapping[str, np.ndarray],
    feature: Callable[[np.ndarray], np.ndarray] | None = None,
    reference: str = "original",
) -> list[DistanceRow]:
    """Distance of every variant and every other image to `variants[reference]`.

    `feature` maps one (H, W) image to a vector (e.g. a HOG descriptor); without it only pixel
    distances are computed. All images must have the reference's shape.
    """
    ref = variants[reference]
    ref_feature = feature(ref) if feature is not None else None
    rows = []
    for same, group in ((True, variants), (False, others)):
        for name, img in group.items():
            if same and name == reference:
                continue
            fd = rms_distance(feature(img), ref_feature) if feature is not None else None
            rows.append(DistanceRow(name, same, rms_distance(img, ref), fd))
    return rows
