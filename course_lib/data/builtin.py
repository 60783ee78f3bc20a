"""Data that needs no network: scikit-learn's 8x8 handwritten digits, and sample photographs that
scikit-image and scikit-learn ship inside their packages. Plus `to_gray` for photographs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from .datasets import MNIST_CLASSES, ImageSet

__all__ = ["load_digits", "sample_photo", "sample_photo_names", "to_gray"]


def load_digits() -> ImageSet:
    """scikit-learn's handwritten digits (UCI): 1,797 images (N, 1, 8, 8), values 0-16 → 0-255."""
    from sklearn.datasets import load_digits as sk_load_digits

    digits = sk_load_digits()
    images = np.rint(digits.images * (255 / 16)).astype(np.uint8)[:, None]  # (N, 1, 8, 8)
    return ImageSet(
        torch.from_numpy(images),
        torch.from_numpy(digits.target.astype(np.int64)),
        MNIST_CLASSES,
        "digits",
    )


def _skimage(name: str) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        import skimage.data

        return getattr(skimage.data, name)()

    return load


def _sklearn(filename: str) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        from sklearn.datasets import load_sample_image

        return load_sample_image(filename)

    return load


# Each image file is inside the installed package (checked: they load with the network off).
_PHOTOS: dict[str, Callable[[], np.ndarray]] = {
    "camera": _skimage("camera"),  # cameraman, 512x512 grayscale
    "astronaut": _skimage("astronaut"),  # Eileen Collins, 512x512 RGB
    "coffee": _skimage("coffee"),  # a cup of coffee, 400x600 RGB
    "chelsea": _skimage("chelsea"),  # a cat, 300x451 RGB
    "rocket": _skimage("rocket"),  # a rocket launch, 427x640 RGB
    "coins": _skimage("coins"),  # coins, 303x384 grayscale
    "moon": _skimage("moon"),  # the moon's surface, 512x512 grayscale
    "brick": _skimage("brick"),  # brick wall texture, 512x512 grayscale
    "grass": _skimage("grass"),  # grass texture, 512x512 grayscale
    "text": _skimage("text"),  # printed text, 172x448 grayscale
    "china": _sklearn("china.jpg"),  # a Chinese temple, 427x640 RGB
    "flower": _sklearn("flower.jpg"),  # a flower, 427x640 RGB
}


def sample_photo_names() -> tuple[str, ...]:
    """Names accepted by `sample_photo`."""
    return tuple(_PHOTOS)


def sample_photo(name: str = "camera") -> np.ndarray:
    """A sample photograph as uint8: (H, W) grayscale or (H, W, 3) RGB."""
    if name not in _PHOTOS:
        raise ValueError(f"Unknown photo {name!r}; choose one of: {', '.join(_PHOTOS)}")
    image = np.asarray(_PHOTOS[name]())
    if image.ndim == 3 and image.shape[2] == 4:
        image = image[..., :3]  # drop an alpha channel
    return np.ascontiguousarray(image, dtype=np.uint8)


# ITU-R BT.709 luma weights, the ones skimage.color.rgb2gray uses.
_LUMA = np.array([0.2125, 0.7154, 0.0721])


def to_gray(img: np.ndarray) -> np.ndarray:
    """Grayscale float64 (H, W) in [0, 1] from an (H, W) or (H, W, 3|4) image (uint8, or float in
    [0, 1]).

    Colour uses the ITU-R BT.709 luma weights, like skimage.color.rgb2gray.
    """
    img = np.asarray(img)
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[2] not in (3, 4)):
        raise ValueError(f"expected an (H, W) or (H, W, 3) image, got shape {img.shape}")
    if img.dtype == np.uint8:
        x = img.astype(np.float64) / 255
    elif img.dtype == bool or np.issubdtype(img.dtype, np.floating):
        x = img.astype(np.float64)
        if x.size and (x.min() < 0 or x.max() > 1):
            raise ValueError("a float image must have values in [0, 1]; divide by 255 first?")
    else:
        raise ValueError(f"expected a uint8, bool or float image, got dtype {img.dtype}")
    if x.ndim == 3:
        x = x[..., :3] @ _LUMA  # (H, W)
    return x
