"""Hand-crafted image features: image gradients and a from-scratch histogram of their orientations
(the idea inside HOG and SIFT), the 3×3 local binary pattern and modified census transform codes,
and batch feature extractors (raw pixels, scikit-image's HOG and uniform LBP) for classifiers.
Bag of visual words: `visual_words.py`. Dalal & Triggs 2005 (HOG); Ojala et al. 2002 (LBP);
Fröba & Ernst 2004 (MCT).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "FEATURE_EXTRACTORS",
    "census_transform",
    "gradient_histogram",
    "hog_features",
    "image_gradients",
    "lbp_codes",
    "lbp_features",
    "orientation_histogram",
    "raw_pixels",
]

# The eight neighbours of a pixel, clockwise from the top left, as (row, col) offsets; neighbour k
# sets bit k (value 2**k) of the LBP code.
LBP_NEIGHBOURS = ((-1, -1), (-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1))


def _gray(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"expected a 2-D (H, W) grey image, got shape {image.shape}; "
                         "convert colour photos with course_lib.data.to_gray")
    return image.astype(np.float64)


def _batch(images: np.ndarray) -> np.ndarray:
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[1] == 1:  # (N, 1, H, W), as ImageSet stores them
        images = images[:, 0]
    if images.ndim != 3:
        raise ValueError(f"expected a batch of grey images (N, H, W) or (N, 1, H, W), got shape "
                         f"{images.shape}")
    return images


def image_gradients(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gradient magnitude and unsigned orientation of a grey image (H, W) → two (H, W) arrays.

    Centred differences gx = I[r, c+1] − I[r, c−1] and gy = I[r+1, c] − I[r−1, c] (x to the right,
    y down the rows: image coordinates), the [−1, 0, 1] filter Dalal & Triggs found to work best;
    0 on the border. Orientation θ = atan2(gy, gx) in degrees, folded into [0, 180): an edge from
    dark to bright and one from bright to dark get the same orientation.
    """
    x = _gray(image)
    gx, gy = np.zeros_like(x), np.zeros_like(x)
    gx[:, 1:-1] = x[:, 2:] - x[:, :-2]
    gy[1:-1, :] = x[2:, :] - x[:-2, :]
    magnitude = np.hypot(gx, gy)
    orientation = np.rad2deg(np.arctan2(gy, gx)) % 180.0
    return magnitude, orientation


def orientation_histogram(
    magnitude: np.ndarray, orientation: np.ndarray, n_bins: int = 9
) -> np.ndarray:
    """Histogram of orientations in [0, 180) over `n_bins` equal bins, each pixel voting with its
    gradient magnitude (flat pixels vote 0). magnitude, orientation: same shape → (n_bins,)."""
    width = 180.0 / n_bins
    bins = np.floor(np.asarray(orientation) / width).astype(int) % n_bins
    return np.bincount(bins.ravel(), weights=np.asarray(magnitude, float).ravel(),
                       minlength=n_bins)


def gradient_histogram(image: np.ndarray, n_bins: int = 9, cell_size: int = 8) -> np.ndarray:
    """Orientation histograms of the gradients in each `cell_size`² cell: (H, W) → (H // cell_size,
    W // cell_size, n_bins). HOG without its block normalisation and vote interpolation."""
    magnitude, orientation = image_gradients(image)
    rows, cols = magnitude.shape[0] // cell_size, magnitude.shape[1] // cell_size
    if rows == 0 or cols == 0:
        raise ValueError(f"a {magnitude.shape[0]}×{magnitude.shape[1]} image holds no "
                         f"{cell_size}×{cell_size} cell")
    out = np.zeros((rows, cols, n_bins))
    for i in range(rows):
        for j in range(cols):
            cell = np.s_[i * cell_size : (i + 1) * cell_size, j * cell_size : (j + 1) * cell_size]
            out[i, j] = orientation_histogram(magnitude[cell], orientation[cell], n_bins)
    return out


def lbp_codes(image: np.ndarray) -> np.ndarray:
    """Local binary pattern of every interior pixel: (H, W) → (H − 2, W − 2) ints in 0..255.

    Neighbour k of `LBP_NEIGHBOURS` (clockwise from the top left) sets bit k when it is at least
    as bright as the centre. Any brightening that keeps the order of pixel values keeps the codes.
    """
    x = _gray(image)
    H, W = x.shape
    centre = x[1:-1, 1:-1]
    codes = np.zeros(centre.shape, dtype=np.int64)
    for k, (dr, dc) in enumerate(LBP_NEIGHBOURS):
        neighbour = x[1 + dr : H - 1 + dr, 1 + dc : W - 1 + dc]
        codes |= (neighbour >= centre).astype(np.int64) << k
    return codes


def census_transform(image: np.ndarray) -> np.ndarray:
    """Modified census transform (MCT): (H, W) → (H − 2, W − 2) ints in 0..511.

    Like LBP but each of the nine pixels of the 3×3 window (centre included, row by row) is
    compared with the window's mean, so it is unchanged by any brightness offset or contrast gain.
    A pixel less than 1e-9 × the image's largest |value| above the mean counts as equal: in a
    flat window the rounded mean may differ from the pixels by one unit in the last place.
    """
    x = _gray(image)
    H, W = x.shape
    windows = np.stack([x[r : H - 2 + r, c : W - 2 + c] for r in range(3) for c in range(3)])
    mean = windows.mean(axis=0)  # (H − 2, W − 2)
    bits = windows - mean[None] > 1e-9 * np.abs(x).max()  # (9, H − 2, W − 2)
    return np.tensordot(1 << np.arange(9), bits.astype(np.int64), axes=1)


def raw_pixels(images: np.ndarray) -> np.ndarray:
    """The pixels themselves as the feature vector: (N, H, W) uint8 → (N, H·W) in [0, 1]."""
    images = _batch(images)
    scale = 255.0 if images.dtype == np.uint8 else 1.0
    return images.reshape(len(images), -1).astype(np.float64) / scale


def hog_features(
    images: np.ndarray, orientations: int = 9, cells: int = 4, cells_per_block: int = 2
) -> np.ndarray:
    """scikit-image's HOG of each image: (N, H, W) → (N, D), `cells`×`cells` cells per image.

    A cell is H // cells pixels wide; histograms are normalised (L2-Hys) over blocks of
    `cells_per_block`² cells. With the defaults D = 3·3·2·2·9 = 324.
    """
    from skimage.feature import hog

    images = _batch(images)
    size = images.shape[1] // cells, images.shape[2] // cells
    return np.stack([hog(img, orientations=orientations, pixels_per_cell=size,
                         cells_per_block=(cells_per_block, cells_per_block),
                         block_norm="L2-Hys", feature_vector=True) for img in images])


def lbp_features(
    images: np.ndarray, points: int = 8, radius: float = 1, grid: int = 4
) -> np.ndarray:
    """Histograms of scikit-image's uniform, rotation-invariant LBP codes in a `grid`×`grid`
    layout of regions: (N, H, W) → (N, grid² · (points + 2)), each histogram summing to 1.

    Uniform codes (at most two 0/1 transitions around the circle) are the patterns of edges,
    corners and spots; all others share one bin (Ojala et al. 2002).
    """
    from skimage.feature import local_binary_pattern

    images = _batch(images)
    n_codes = points + 2
    H, W = images.shape[1:]
    rows = np.array_split(np.arange(H), grid)
    cols = np.array_split(np.arange(W), grid)
    out = np.zeros((len(images), grid * grid * n_codes))
    for n, img in enumerate(images):
        # uint8 images: the codes compare grey levels, so integer input is exact and fast
        codes = local_binary_pattern(np.ascontiguousarray(img), points, radius, method="uniform")
        hists = [np.bincount(codes[np.ix_(r, c)].astype(int).ravel(), minlength=n_codes)
                 for r in rows for c in cols]
        out[n] = np.concatenate([h / max(h.sum(), 1) for h in hists])
    return out


# The feature extractors the chapter's results table compares, by the names it shows.
FEATURE_EXTRACTORS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "raw pixels": raw_pixels,
    "HOG": hog_features,
    "LBP": lbp_features,
}
