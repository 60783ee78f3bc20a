"""Device-resident batching: the whole dataset lives on the device as uint8 and every batch is
gathered, augmented (random crop + flip) and normalized there with tensor ops, no DataLoader.

The approach of the fastest CIFAR-10 trainers (Keller Jordan's airbench, tysam-code's hlb-CIFAR10).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence

import torch

from .augment import crop_and_flip
from .augment_pipeline import Augmentation
from .datasets import ImageSet

__all__ = ["DeviceBatches"]


class DeviceBatches:
    """Iterate over `(x, y)` minibatches of an ImageSet held on `device`.

    x: (B, C, H, W) float32, scaled to [0, 1], augmented, then normalized by `mean`/`std`;
    y: (B,) int64. `augment` is an `Augmentation` (one that only crops and flips is drawn once per
    epoch and applied by `crop_and_flip`) or any callable `augment(x, generator) -> x` on the
    [0, 1] batch.
    Each pass over it is one epoch; its order and augmentation come from a torch.Generator
    seeded with `seed + epoch`, so runs are reproducible (and `set_epoch` resumes).
    """

    def __init__(
        self,
        data: ImageSet,
        batch_size: int,
        device: torch.device | str,
        shuffle: bool = False,
        augment: Augmentation | Callable[[torch.Tensor, torch.Generator], torch.Tensor]
        | None = None,
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
        per_epoch = isinstance(aug, Augmentation) and aug.crop_and_flip_only
        if per_epoch:
            flips = (
                torch.rand(n, generator=g) < 0.5 if aug.hflip else torch.zeros(n, dtype=torch.bool)
            )
            offsets = torch.randint(0, 2 * aug.crop_padding + 1, (n, 2), generator=g)
            flips, offsets = flips.to(self.device), offsets.to(self.device)
        order = order.to(self.device)
        for b in range(len(self)):
            index = order[b * self.batch_size : (b + 1) * self.batch_size]
            x = self.images[index].float().div_(255)
            if per_epoch:
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
