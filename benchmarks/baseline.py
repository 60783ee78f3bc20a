"""The baseline the course's training path is compared with: the common DataLoader loop (the
pattern of d2l's `train_ch6` over torchvision datasets): a Dataset that turns one stored uint8 image
at a time into a PIL image and converts it like `ToTensor` + `Normalize` (what torchvision's MNIST
and CIFAR10 classes do in `__getitem__`), a DataLoader that collates batches on the host, a copy of
every batch to the device, and a host sync (`.item()`) on every step for the running metrics.
Written here with Pillow and torch so that torchvision is not needed.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn
from torch.utils.data import DataLoader, Dataset

from course_lib.data import ImageSet


class PerImageDataset(Dataset):
    """What a torchvision dataset with ToTensor + Normalize (+ RandomCrop/Flip) does per call."""

    def __init__(self, data: ImageSet, mean, std, crop_padding: int = 0, flip: bool = False):
        # torchvision keeps MNIST as (N, H, W) and CIFAR-10 as (N, H, W, C) uint8 arrays.
        hwc = data.images.permute(0, 2, 3, 1).numpy()
        self.arrays = hwc[..., 0] if hwc.shape[-1] == 1 else hwc
        self.size = tuple(data.images.shape[2:])
        self.labels = data.labels
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        self.std = torch.tensor(std).view(-1, 1, 1)
        self.crop_padding, self.flip = crop_padding, flip

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int):
        pic = Image.fromarray(self.arrays[i])  # as torchvision's MNIST/CIFAR10 __getitem__
        x = torch.from_numpy(np.array(pic, dtype=np.uint8))  # ToTensor: (H, W[, C]) ...
        x = (x[None] if x.ndim == 2 else x.permute(2, 0, 1)).float().div(255)  # → (C, H, W)
        if self.crop_padding:
            p = self.crop_padding
            x = F.pad(x[None], (p, p, p, p), mode="reflect")[0]
            r, c = torch.randint(0, 2 * p + 1, (2,)).tolist()
            x = x[:, r : r + self.size[0], c : c + self.size[1]]
        if self.flip and torch.rand(()) < 0.5:
            x = x.flip(2)
        return (x - self.mean) / self.std, int(self.labels[i])


def baseline_loader(data: ImageSet, batch_size: int, mean, std, workers: int = 0,
                    crop_padding: int = 0, flip: bool = False) -> DataLoader:
    return DataLoader(PerImageDataset(data, mean, std, crop_padding, flip), batch_size=batch_size,
                      shuffle=True, num_workers=workers, drop_last=False)


def baseline_epoch(model: nn.Module, loader: DataLoader, optimizer: torch.optim.Optimizer,
                   device: torch.device) -> dict[str, float]:
    """One epoch the common way: move each batch, sync every step for the metrics."""
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        out = model(x)
        loss = F.cross_entropy(out, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(y)  # a host-device sync on every step
        correct += (out.argmax(1) == y).sum().item()
        seen += len(y)
    return {"loss": total_loss / seen, "acc": correct / seen}
