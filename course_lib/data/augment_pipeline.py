"""`Augmentation`: the one training-augmentation configuration, a chain of the random transforms
of `augment.py` applied per batch on the device (pass it to `DeviceBatches(augment=...)`);
`from_keras` maps Keras's `ImageDataGenerator` arguments onto it (keras.io/api/data_loading/image).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from . import augment

__all__ = ["KERAS_LECTURE_SETTINGS", "PAD_MODES", "Augmentation", "from_keras"]

PAD_MODES = ("reflect", "constant", "replicate")  # F.pad modes for the crop's padding

# The lecture notes' ImageDataGenerator arguments (from Chollet's cats-vs-dogs example).
KERAS_LECTURE_SETTINGS = dict(rotation_range=40, width_shift_range=0.2, height_shift_range=0.2,
                              shear_range=0.2, zoom_range=0.2, horizontal_flip=True,
                              fill_mode="nearest")


@dataclass
class Augmentation:
    """Random training-time augmentation of float (N, C, H, W) batches in [0, 1].

    Applied in this order: affine warp, padded crop, flips, colour jitter, random erasing. Every
    field at its default leaves the images unchanged. `DeviceBatches` draws a crop-and-flip-only
    one (`crop_and_flip_only`) once per epoch, the fast path of airbench-style training.
    """

    degrees: float = 0.0  # rotation angle drawn in ±degrees
    translate: tuple[float, float] = (0.0, 0.0)  # shift in ±fraction of (width, height)
    shear: float = 0.0  # shear angle drawn in ±shear degrees
    zoom: tuple[float, float] = (1.0, 1.0)  # Keras zoom per axis in [lo, hi]; < 1 magnifies
    fill: str = "nearest"  # how the warp fills pixels from outside: augment.FILL_MODES
    crop_padding: int = 0  # pad, then crop back: a random shift of up to this many pixels
    hflip: bool = False  # mirror left-right with probability 1/2
    vflip: bool = False  # mirror top-bottom with probability 1/2
    brightness: float = 0.0  # brightness factor in [1 − v, 1 + v]
    contrast: float = 0.0  # contrast factor in [1 − v, 1 + v]
    saturation: float = 0.0  # saturation factor in [1 − v, 1 + v]
    erase_p: float = 0.0  # probability of blanking a random rectangle (random erasing)
    pad_mode: str = "reflect"  # how the crop's padding is filled: one of PAD_MODES

    def __post_init__(self) -> None:
        if self.fill not in augment.FILL_MODES:
            raise ValueError(f"fill must be one of {sorted(augment.FILL_MODES)}, "
                             f"got {self.fill!r}")
        self.translate = (float(self.translate[0]), float(self.translate[1]))
        self.zoom = (float(self.zoom[0]), float(self.zoom[1]))
        if not 0 < self.zoom[0] <= self.zoom[1]:
            raise ValueError(f"zoom must be a range (lo, hi) with 0 < lo ≤ hi, got {self.zoom}")
        if min(self.degrees, self.shear, self.brightness, self.contrast, self.saturation,
               self.crop_padding, *self.translate) < 0:
            raise ValueError("augmentation ranges must be ≥ 0")
        if self.pad_mode not in PAD_MODES:
            raise ValueError(f"pad_mode must be one of {PAD_MODES}, got {self.pad_mode!r}")
        if not 0 <= self.erase_p <= 1:
            raise ValueError(f"erase_p must be a probability, got {self.erase_p}")

    @property
    def warps(self) -> bool:
        """Whether the affine warp does anything (it costs a resampling of every pixel)."""
        return bool(self.degrees or any(self.translate) or self.shear or self.zoom != (1.0, 1.0))

    @property
    def crop_and_flip_only(self) -> bool:
        """Whether only the padded crop and the left-right flip are set (or nothing)."""
        return not (self.warps or self.vflip or self.brightness or self.contrast
                    or self.saturation or self.erase_p)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Augment the batch x: (N, C, H, W) float in [0, 1] → the same shape, in [0, 1]."""
        if self.warps:
            x = augment.random_affine(x, self.degrees, self.translate, self.shear, self.zoom,
                                      self.fill, generator)
        if self.crop_padding:
            x = augment.random_crop(x, self.crop_padding, self.pad_mode, generator)
        if self.hflip:
            x = augment.random_flip(x, generator=generator)
        if self.vflip:
            x = augment.random_flip(x, vertical=True, generator=generator)
        if self.brightness or self.contrast or self.saturation:
            x = augment.random_color(x, self.brightness, self.contrast, self.saturation, generator)
        if self.erase_p:
            x = augment.random_erasing(x, self.erase_p, generator=generator)
        return x


def from_keras(
    rotation_range: float = 0.0,
    width_shift_range: float = 0.0,
    height_shift_range: float = 0.0,
    shear_range: float = 0.0,
    zoom_range: float | tuple[float, float] = 0.0,
    horizontal_flip: bool = False,
    vertical_flip: bool = False,
    fill_mode: str = "nearest",
) -> Augmentation:
    """The `Augmentation` that draws what `ImageDataGenerator(...)` with these arguments draws.

    rotation_range: degrees (±); width/height_shift_range: fractions of the width/height (±);
    shear_range: **degrees** (±), as Keras documents it since 2017 (before, radians: the old
    0.2 is 11.5° now, and today's 0.2 a barely visible 0.2°; Keras's shear matrix also differs
    slightly, [[1, −sin], [0, cos]] against our [[1, tan], [0, 1]]);
    zoom_range: z or (lo, hi), zoom factors per axis in [1 − z, 1 + z]; fill_mode: "nearest",
    "reflect" or "constant" (Keras's "wrap" has no grid_sample counterpart). Keras's other
    arguments (rescale, brightness_range, channel shifts) are not covered.
    """
    if fill_mode not in augment.FILL_MODES:
        raise ValueError(f"fill_mode {fill_mode!r} is not supported: use one of "
                         f"{sorted(augment.FILL_MODES)}")
    for name, v in (("width_shift_range", width_shift_range),
                    ("height_shift_range", height_shift_range)):
        if not 0 <= v < 1:
            raise ValueError(f"{name} must be a fraction in [0, 1) of the image size, got {v}")
    if isinstance(zoom_range, int | float):
        zoom = (1.0 - zoom_range, 1.0 + zoom_range)
    else:
        zoom = (float(zoom_range[0]), float(zoom_range[1]))
    return Augmentation(degrees=rotation_range, translate=(width_shift_range, height_shift_range),
                        shear=shear_range, zoom=zoom, fill=fill_mode, hflip=horizontal_flip,
                        vflip=vertical_flip)
