"""Run course_lib's training path and the baseline loop on the same model, data and batch size,
timed the same way, and print images per second and the ratio."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from course_lib.data import Augmentation, DeviceBatches, ImageSet
from course_lib.timing import Timing, peak_memory_bytes, reset_peak_memory, time_interleaved
from course_lib.training import train_one_epoch, use_channels_last

from .baseline import baseline_epoch, baseline_loader


@dataclass
class Comparison:
    name: str
    images: int
    ours: Timing
    baseline: Timing
    peak_bytes: int

    @property
    def ratio(self) -> float:
        return self.baseline.median / self.ours.median

    def report(self) -> str:
        ours_ips = self.images / self.ours.median
        base_ips = self.images / self.baseline.median
        return (f"{self.name}: course_lib {ours_ips:,.0f} img/s ({self.ours}); "
                f"DataLoader loop {base_ips:,.0f} img/s ({self.baseline}); "
                f"ratio {self.ratio:.2f}x; peak memory {self.peak_bytes / 2**20:,.0f} MiB")


def compare(name: str, make_model: Callable[[], nn.Module], data: ImageSet, batch_size: int,
            device: torch.device, repeats: int = 3, workers: int = 0, crop_padding: int = 0,
            flip: bool = False, lr: float = 0.05) -> Comparison:
    """Median epoch time of each path over `repeats` epochs after one warm-up epoch each, the
    two paths' epochs alternating."""
    mean, std = data.channel_stats()
    torch.manual_seed(0)
    start = make_model().to(device)

    def fresh() -> tuple[nn.Module, torch.optim.Optimizer]:
        model = copy.deepcopy(start)
        return model, torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)

    augment = (Augmentation(hflip=flip, crop_padding=crop_padding)
               if (flip or crop_padding) else None)
    batches = DeviceBatches(data, batch_size, device, shuffle=True, augment=augment,
                            mean=mean, std=std)
    loader = baseline_loader(data, batch_size, mean, std, workers, crop_padding, flip)
    reset_peak_memory(device)
    model, opt = fresh()
    use_channels_last(model, device)  # as `fit` does: NHWC convolutions where they are faster
    base_model, base_opt = fresh()
    # Epochs of the two paths take turns, so a drifting machine speed slows both alike.
    ours, base = time_interleaved(
        [lambda: train_one_epoch(model, batches, opt),
         lambda: baseline_epoch(base_model, loader, base_opt, device)],
        device, repeats, warmup=1)
    return Comparison(name, len(data), ours, base, peak_memory_bytes(device))
