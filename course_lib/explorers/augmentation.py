"""The augmentation explorer (chapter 08): one transform of `data.augment` at a chosen amount on a
row of real images, originals above, augmented copies below. Pure `render_augmentation`, its
kernel-free slider (one frame per transform) and the live widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure

from ..data import augment as A
from ..data.augment_pipeline import KERAS_LECTURE_SETTINGS, from_keras
from ..data.mixing import mix
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = ["AUGMENTATIONS", "Transform", "augmentation_explorer",
           "augmentation_explorer_static", "augmentation_gallery", "render_augmentation"]

@dataclass(frozen=True)
class Transform:
    """One explorer choice: how `amount` acts on a batch, and the amount's range."""

    apply: Callable[[torch.Tensor, float, str, torch.Generator], torch.Tensor]
    lo: float  # smallest amount on the slider
    hi: float  # largest amount
    default: float  # a representative amount (the static slider's frame)
    unit: str  # what the amount is, for the figure title


def _n(x: torch.Tensor) -> int:
    return x.shape[0]


AUGMENTATIONS: dict[str, Transform] = {
    "horizontal flip": Transform(lambda x, a, f, g: A.hflip(x) if a >= 0.5 else x,
                                 0, 1, 1, "on: 1, off: 0"),
    "vertical flip": Transform(lambda x, a, f, g: A.vflip(x) if a >= 0.5 else x,
                               0, 1, 1, "on: 1, off: 0"),
    "rotation": Transform(lambda x, a, f, g: A.rotate(x, a, fill=f), -180, 180, 30, "degrees"),
    "translation": Transform(lambda x, a, f, g: A.translate(x, a, a / 2, fill=f),
                             -16, 16, 6, "px right, half as many down"),
    "shear": Transform(lambda x, a, f, g: A.affine(x, shear=a, fill=f), -45, 45, 20, "degrees"),
    "zoom": Transform(lambda x, a, f, g: A.affine(x, zoom=(1 / a, 1 / a), fill=f), 0.5, 2.0,
                      1.4, "magnification"),
    "random crop": Transform(lambda x, a, f, g: A.random_crop(x, int(a), generator=g), 0, 8, 4,
                             "max shift, px"),
    "brightness": Transform(lambda x, a, f, g: A.adjust_color(x, brightness=a), 0, 2, 1.5,
                            "factor"),
    "contrast": Transform(lambda x, a, f, g: A.adjust_color(x, contrast=a), 0, 2, 0.4, "factor"),
    "saturation": Transform(lambda x, a, f, g: A.adjust_color(x, saturation=a), 0, 2, 0.0,
                            "factor"),
    "random erasing": Transform(
        lambda x, a, f, g: A.random_erasing(x, 1.0, scale=(a, a), value=0.5, generator=g),
        0.02, 0.5, 0.15, "area fraction"),
    "mixup": Transform(lambda x, a, f, g: mix(x, torch.zeros(_n(x), 1),
                                              torch.roll(torch.arange(_n(x)), 1), a)[0],
                       0, 1, 0.6, "λ, weight of the original"),
    "Keras ImageDataGenerator": Transform(
        lambda x, a, f, g: from_keras(**(KERAS_LECTURE_SETTINGS | {"fill_mode": f}))(x, g),
        0, 20, 0, "seed"),
}


def render_augmentation(images: torch.Tensor, kind: str = "rotation", amount: float | None = None,
                        fill: str = "nearest", seed: int = 0) -> Figure:
    """Originals (top row) and the `kind` transform of `AUGMENTATIONS` at `amount` (bottom row).

    images: (N, 3, H, W) float in [0, 1] (or uint8 0-255), N ≤ 8 shown. `fill` is how warps fill
    pixels from outside the image ("nearest", "reflect", "constant"). Random transforms draw
    from a generator seeded with `seed` (plus the amount for the Keras draw).
    """
    if kind not in AUGMENTATIONS:
        raise ValueError(f"unknown augmentation {kind!r}; choose one of {list(AUGMENTATIONS)}")
    t = AUGMENTATIONS[kind]
    amount = t.default if amount is None else float(amount)
    if not t.lo <= amount <= t.hi:
        raise ValueError(f"{kind}: amount must be in [{t.lo:g}, {t.hi:g}] ({t.unit}), "
                         f"got {amount:g}")
    x = images[:8]
    x = x.float() / 255 if x.dtype == torch.uint8 else x.float()
    g = torch.Generator().manual_seed(seed + (int(amount) if kind.startswith("Keras") else 0))
    with torch.no_grad():
        y = t.apply(x, amount, fill, g).clamp(0, 1)
    n = x.shape[0]
    fig = Figure(figsize=(1.45 * n, 3.5), layout="constrained")
    axes = np.atleast_2d(fig.subplots(2, n, squeeze=False))
    for row, batch in zip(axes, (x, y), strict=True):
        for ax, img in zip(row, batch, strict=True):
            ax.imshow(img.permute(1, 2, 0).cpu().numpy(), interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("original", fontsize=9)
    axes[1, 0].set_ylabel("augmented", fontsize=9)
    fig.suptitle(f"{kind}: {amount:g} ({t.unit})"
                 + (f", fill '{fill}'" if kind in ("rotation", "translation", "shear", "zoom",
                                                   "Keras ImageDataGenerator") else ""),
                 fontsize=11)
    return fig


def augmentation_gallery(images: torch.Tensor, kinds: list[str] | None = None,
                         seed: int = 0) -> Figure:
    """One row per transform of `AUGMENTATIONS` (at its representative amount), the originals
    on top. images: (N, 3, H, W) float in [0, 1] or uint8; N ≤ 8 shown."""
    kinds = [k for k in AUGMENTATIONS if not k.startswith("Keras")] if kinds is None else kinds
    unknown = [k for k in kinds if k not in AUGMENTATIONS]
    if unknown:
        raise ValueError(f"unknown augmentations {unknown}; choose from {list(AUGMENTATIONS)}")
    x = images[:8]
    x = x.float() / 255 if x.dtype == torch.uint8 else x.float()
    rows = [("original", x)]
    with torch.no_grad():
        for k in kinds:
            t = AUGMENTATIONS[k]
            g = torch.Generator().manual_seed(seed)
            rows.append((f"{k}\n{t.default:g} ({t.unit})", t.apply(x, t.default, "nearest", g)))
    n = x.shape[0]
    fig = Figure(figsize=(1.2 * n + 2.2, 1.2 * len(rows)))
    axes = np.atleast_2d(fig.subplots(len(rows), n, squeeze=False))
    fig.subplots_adjust(left=2.1 / (1.2 * n + 2.2), right=0.99, top=0.99, bottom=0.01,
                        wspace=0.05, hspace=0.08)
    for row_axes, (label, batch) in zip(axes, rows, strict=True):
        for ax, img in zip(row_axes, batch.clamp(0, 1), strict=True):
            ax.imshow(img.permute(1, 2, 0).cpu().numpy(), interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
        row_axes[0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    return fig


def augmentation_explorer_static(images: torch.Tensor, dpi: float = 72) -> StaticSlider:
    """Kernel-free augmentation explorer: one frame per transform at its representative amount,
    then three random draws of the lecture's Keras settings."""
    grid = [{"images": images, "kind": k} for k in AUGMENTATIONS if not k.startswith("Keras")]
    grid += [{"images": images, "kind": "Keras ImageDataGenerator", "amount": s}
             for s in (0, 1, 2)]

    def label(q: dict) -> str:
        t = AUGMENTATIONS[q["kind"]]
        return f"{q['kind']} ({q.get('amount', t.default):g})"

    return explorer_html(render_augmentation, grid, label=label, dpi=dpi,
                         title="Augmentations on real images")


def augmentation_explorer(images: torch.Tensor, dpi: float = 80) -> Explorer:
    """Live augmentation explorer (needs a running kernel): transform, amount, fill, seed.
    The amount slider's range follows the chosen transform."""
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    kind = widgets.Dropdown(options=list(AUGMENTATIONS), value="rotation", description="transform")
    t = AUGMENTATIONS["rotation"]
    amount = widgets.FloatSlider(t.default, min=t.lo, max=t.hi, step=(t.hi - t.lo) / 40,
                                 description="amount")
    explorer = interactive_explorer(
        render_augmentation, dpi=dpi, fixed={"images": images}, kind=kind, amount=amount,
        fill=widgets.Dropdown(options=list(A.FILL_MODES), value="nearest", description="fill"),
        seed=widgets.IntSlider(0, min=0, max=20, description="seed"))

    def retarget(change: object) -> None:
        spec = AUGMENTATIONS[kind.value]
        # Widen the range first, so the new default is never clamped by the old limits.
        amount.min, amount.max = min(spec.lo, amount.min), max(spec.hi, amount.max)
        amount.value = spec.default
        amount.min, amount.max, amount.step = spec.lo, spec.hi, (spec.hi - spec.lo) / 40

    kind.observe(retarget, names="value")
    return explorer
