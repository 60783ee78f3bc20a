"""Device-resident batching: the whole dataset lives on the device as uint8 and every batch is
gathered, augmented (random crop + flip) and normalized there with tensor ops, no DataLoader.

The approach of the fastest CIFAR-10 trainers (Keller Jordan's airbench, tysam-code's hlb-CIFAR10).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .datasets import ImageSet

__all__ = ["Augment", "DeviceBatches", "crop_and_flip"]


@dataclass
class Augment:
    """Random training augmentation, applied per image on the device."""

    flip: bool = False  # mirror each image left-right with probability 1/2
    crop_padding: int = 0  # pad by this many pixels, then crop back: a random shift of up to it
    pad_mode: str = "reflect"  # how the padding is filled: "reflect" (airbench) or "constant" (0)


def crop_and_flip(
    x: torch.Tensor,
    offsets: torch.Tensor,
    flip: torch.Tensor,
    padding: int,
    pad_mode: str = "reflect",
) -> torch.Tensor:
    """Per-image crops of the padded batch, then per-image horizontal flips; no Python loop.

    x: (N, C, H, W) float; offsets: (N, 2) int64 top-left corner (row, col) of each crop in the
    padded image, each in 0..2*padding (padding, padding is the original image); flip: (N,) bool.
    Returns (N, C, H, W).
    """
    n, c, h, w = x.shape
    if padding > 0:
        padded = F.pad(x, (padding,) * 4, mode=pad_mode)  # (N, C, H + 2p, W + 2p)
        rows = offsets[:, 0, None] + torch.arange(h, device=x.device)  # (N, H)
        cols = offsets[:, 1, None] + torch.arange(w, device=x.device)  # (N, W)
        batch = torch.arange(n, device=x.device)[:, None, None, None]
        channel = torch.arange(c, device=x.device)[None, :, None, None]
        x = padded[batch, channel, rows[:, None, :, None], cols[:, None, None, :]]  # (N, C, H, W)
    return torch.where(flip[:, None, None, None], x.flip(3), x)


class DeviceBatches:
    """Iterate over `(x, y)` minibatches of an ImageSet held on `device`.

    x: (B, C, H, W) float32, scaled to [0, 1], augmented, then normalized by `mean`/`std`;
    y: (B,) int64. `augment` is an `Augment` (crop and flip) or any callable
    `augment(x, generator) -> x` on the [0, 1] batch (such as `augment_pipeline.Augmentation`).
    Each pass over it is one epoch; its order and augmentation come from a torch.Generator
    seeded with `seed + epoch`, so runs are reproducible (and `set_epoch` resumes).
    """

    def __init__(
        self,
        data: ImageSet,
        batch_size: int,
        device: torch.device | str,
        shuffle: bool = False,
        augment: Augment | Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None = None,
        mean: Sequence[float] | None = None,
        std: Sequence[float] | None = None,
        drop_last: bool = False,
        seed: int = 0,
        channels_last: bool = False,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self.device = torch.device(device)
        self.images = data.images.to(self.device)  # uint8: a quarter of float32's memory
        self.labels = data.labels.to(self.device)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.augment = augment
        self.drop_last = drop_last
        self.seed = seed
        self.channels_last = channels_last
        self.epoch = 0  # epochs started so far; the next pass uses seed + epoch
        self.mean = self._per_channel(mean)  # (1, C, 1, 1) or None
        self.std = self._per_channel(std)  # (1, C, 1, 1) or None

    def _per_channel(self, values: Sequence[float] | None) -> torch.Tensor | None:
        if values is None:
            return None
        t = torch.as_tensor(values, dtype=torch.float32, device=self.device)
        return t.view(1, self.images.shape[1], 1, 1)

    def __len__(self) -> int:
        n = self.images.shape[0]
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def set_epoch(self, epoch: int) -> None:
        """Make the next pass use epoch `epoch`'s order and augmentation (e.g. after resuming)."""
        self.epoch = epoch

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        # Random numbers come from a CPU generator, drawn once per epoch and moved in one copy:
        # the same seed then gives the same batches on every device.
        g = torch.Generator().manual_seed(self.seed + self.epoch)
        self.epoch += 1
        n = self.images.shape[0]
        order = torch.randperm(n, generator=g) if self.shuffle else torch.arange(n)
        aug = self.augment
        if isinstance(aug, Augment):
            flips = (
                torch.rand(n, generator=g) < 0.5 if aug.flip else torch.zeros(n, dtype=torch.bool)
            )
            offsets = torch.randint(0, 2 * aug.crop_padding + 1, (n, 2), generator=g)
            flips, offsets = flips.to(self.device), offsets.to(self.device)
        order = order.to(self.device)
        for b in range(len(self)):
            index = order[b * self.batch_size : (b + 1) * self.batch_size]
            x = self.images[index].float().div_(255)
            if isinstance(aug, Augment):
                x = crop_and_flip(x, offsets[index], flips[index], aug.crop_padding, aug.pad_mode)
            elif aug is not None:
                x = aug(x, g)  # draws its own random numbers from the epoch's generator
            if self.mean is not None:
                x = x - self.mean
            if self.std is not None:
                x = x / self.std
            if self.channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            yield x, self.labels[index]
