"""Bag of visual words ("bag of features"): cut images into small patches, learn a vocabulary of
typical patches with k-means, and describe an image by how often each word occurs in it, wherever
it occurs. Csurka et al. 2004, "Visual categorization with bags of keypoints"; k-means: sklearn.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BagOfVisualWords", "extract_patches"]


def extract_patches(image: np.ndarray, patch_size: int = 8, stride: int = 4) -> np.ndarray:
    """Every `patch_size`² patch on a grid of step `stride`: (H, W) → (P, patch_size²), flattened
    row by row; P = ((H − patch_size) // stride + 1) · ((W − patch_size) // stride + 1)."""
    x = np.asarray(image, dtype=np.float64)
    if x.ndim != 2 or min(x.shape) < patch_size:
        raise ValueError(f"expected a grey (H, W) image of at least {patch_size}×{patch_size}, "
                         f"got shape {x.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(x, (patch_size, patch_size))
    return windows[::stride, ::stride].reshape(-1, patch_size * patch_size)  # (P, patch²)


def _normalise(patches: np.ndarray) -> np.ndarray:
    # Subtract each patch's mean and divide by its norm: words then describe the pattern (an edge,
    # a spot), not its brightness or contrast. The 0.1 floor keeps flat patches near zero.
    centred = patches - patches.mean(axis=1, keepdims=True)
    return centred / np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 0.1)


class BagOfVisualWords:
    """A vocabulary of `n_words` patch prototypes, and the histogram of words of an image.

    `fit(images)` clusters normalised patches of the images (each (H, W)) with k-means;
    `transform(images)` gives each image's word histogram (N, n_words), summing to 1.
    """

    def __init__(self, n_words: int = 16, patch_size: int = 8, stride: int = 4,
                 seed: int = 0) -> None:
        self.n_words = n_words  # vocabulary size: the length of the histogram
        self.patch_size = patch_size  # side of a patch in pixels
        self.stride = stride  # step between patches
        self.seed = seed  # k-means initialisation
        self.words: np.ndarray | None = None  # (n_words, patch_size²) after fit

    def _patches(self, images) -> list[np.ndarray]:
        return [_normalise(extract_patches(img, self.patch_size, self.stride)) for img in images]

    def fit(self, images) -> BagOfVisualWords:
        from sklearn.cluster import KMeans

        patches = np.concatenate(self._patches(images))
        if len(patches) < self.n_words:
            raise ValueError(f"{len(patches)} patches cannot make {self.n_words} words")
        kmeans = KMeans(self.n_words, n_init=1, random_state=self.seed).fit(patches)
        self.words = kmeans.cluster_centers_
        return self

    def assign(self, image: np.ndarray) -> np.ndarray:
        """The index of the nearest word (Euclidean) of every patch of one image: (P,)."""
        if self.words is None:
            raise RuntimeError("fit the vocabulary first: BagOfVisualWords(...).fit(images)")
        p = self._patches([image])[0]
        d = ((p[:, None, :] - self.words[None]) ** 2).sum(-1)  # (P, n_words)
        return d.argmin(axis=1)

    def transform(self, images) -> np.ndarray:
        """Word histograms (N, n_words), each the share of the image's patches nearest each word."""
        hists = []
        for img in images:
            words = self.assign(img)
            hists.append(np.bincount(words, minlength=self.n_words) / len(words))
        return np.stack(hists)
