"""Classic hand-made 3×3 kernels (Sobel, blur, sharpen), Sobel edge detection, the O/X diagonal.

Kernels are applied by cross-correlation, as a convolutional layer does (`conv2d` of conv.py).
Sobel orientations are the course's: SOBEL_X responds to left→right increases, SOBEL_Y to
top→bottom decreases (its y axis points up).
"""

from __future__ import annotations

import numpy as np

from .conv import _constant, conv2d

__all__ = [
    "BLUR",
    "GAUSSIAN_BLUR",
    "IDENTITY",
    "KERNELS",
    "SHARPEN",
    "SOBEL_X",
    "SOBEL_Y",
    "diagonal_filter",
    "sobel",
]


IDENTITY = _constant([[0, 0, 0], [0, 1, 0], [0, 0, 0]])
# Horizontal derivative: positive where the image gets brighter from left to right.
SOBEL_X = _constant([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
# Vertical derivative: positive where the image gets brighter from bottom to top.
SOBEL_Y = _constant([[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
# Box blur: the mean of the 3×3 neighbourhood (weights sum to 1, so flat regions keep their value).
BLUR = _constant(np.full((3, 3), 1 / 9))
# Gaussian blur (binomial approximation, σ ≈ 0.85): nearer neighbours weigh more; sums to 1.
GAUSSIAN_BLUR = _constant(np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16)
# Sharpen: the pixel plus its difference from its 4 neighbours (identity minus a Laplacian).
SHARPEN = _constant([[0, -1, 0], [-1, 5, -1], [0, -1, 0]])

KERNELS: dict[str, np.ndarray] = {
    "identity": IDENTITY,
    "sobel_x": SOBEL_X,
    "sobel_y": SOBEL_Y,
    "blur": BLUR,
    "gaussian_blur": GAUSSIAN_BLUR,
    "sharpen": SHARPEN,
}


def sobel(image: np.ndarray, padding: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sobel edge detection of a grey image: (gx, gy, magnitude), magnitude = sqrt(gx² + gy²).

    image: (H, W) floats. With the default padding=1 (zeros) the outputs keep the (H, W) size,
    but the image border then looks like an edge to a dark frame; padding=0 gives the
    (H − 2, W − 2) valid part only. Both kernels run as the two filters of one conv2d call.
    """
    image = np.asarray(image)
    if image.ndim != 2:
        hint = " (a colour image: convert it to grey first, e.g. average the channels)"
        raise ValueError(
            f"sobel needs a 2-D grey image (H, W), got shape {image.shape}"
            + (hint if image.ndim == 3 else "")
        )
    weight = np.stack([SOBEL_X, SOBEL_Y])[:, None]  # (2, 1, 3, 3): two filters of depth 1
    x = image.astype(np.float64)[None, None]  # (1, 1, H, W): a batch of one single-channel image
    out = conv2d(x, weight, padding=padding)  # (1, 2, H_out, W_out)
    gx, gy = out[0, 0], out[0, 1]
    return gx, gy, np.hypot(gx, gy)


def diagonal_filter(size: int = 3, anti: bool = False) -> np.ndarray:
    """A size×size ±1 filter: +1 on the main diagonal (or the anti-diagonal), −1 elsewhere.

    On ±1 images (the O/X example) its response is size² where a patch shows the same diagonal
    stroke, −size² on the inverted pattern and in between on patches that only partly match;
    divide by size² for a score in [−1, 1].
    """
    if not isinstance(size, int | np.integer) or size < 2:
        raise ValueError(f"size must be an integer ≥ 2, got {size!r}")
    diagonal = np.eye(size, dtype=bool)
    if anti:
        diagonal = diagonal[:, ::-1]  # top-right to bottom-left, the other stroke of an X
    return np.where(diagonal, 1.0, -1.0)
