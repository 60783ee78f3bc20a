"""`ImageSet` (uint8 images, int64 labels, class names) and the loaders of the standard datasets.

MNIST and Fashion-MNIST come from their official IDX files, CIFAR-10 from its official binary
version; `store.locate` finds and verifies the files first (see store.py for where it looks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from . import cifar
from .idx import IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, read_idx
from .sources import CIFAR10, FASHION_MNIST, MNIST, DatasetSpec
from .store import locate

__all__ = [
    "FASHION_MNIST_CLASSES",
    "MNIST_CLASSES",
    "ImageSet",
    "load_cifar10",
    "load_fashion_mnist",
    "load_mnist",
]

MNIST_CLASSES = tuple(str(d) for d in range(10))
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
_SPLITS = ("train", "test")


@dataclass
class ImageSet:
    """A labelled image dataset in memory as CPU tensors (DeviceBatches moves it to a device)."""

    images: torch.Tensor  # (N, C, H, W) uint8, pixel values 0-255
    labels: torch.Tensor  # (N,) int64, each an index into `classes`
    classes: tuple[str, ...]  # class names; classes[k] names label k
    name: str  # e.g. "mnist/train", shown in summaries and plots

    def __post_init__(self) -> None:
        if self.images.dtype != torch.uint8 or self.images.ndim != 4:
            raise ValueError(
                f"images must be a uint8 (N, C, H, W) tensor, got {self.images.dtype} "
                f"{tuple(self.images.shape)}"
            )
        if self.labels.dtype != torch.int64 or self.labels.shape != self.images.shape[:1]:
            raise ValueError(
                f"labels must be int64 of shape ({len(self.images)},), got "
                f"{self.labels.dtype} {tuple(self.labels.shape)}"
            )
        self.classes = tuple(self.classes)

    def __len__(self) -> int:
        return self.images.shape[0]

    def __repr__(self) -> str:
        return (
            f"ImageSet({self.name!r}: {len(self)} images {tuple(self.images.shape[1:])}, "
            f"{len(self.classes)} classes)"
        )

    def subset(self, n: int | None, seed: int = 0) -> ImageSet:
        """`n` random images, each class in proportion to its share (stratified), in original order.

        `n` None or at least len(self) returns self unchanged.
        """
        if n is None or n >= len(self):
            return self
        if n < 0:
            raise ValueError(f"subset size must be non-negative, got {n}")
        g = torch.Generator().manual_seed(seed)
        perm = torch.randperm(len(self), generator=g)
        labels = self.labels[perm]
        counts = torch.bincount(labels)
        # Each class's quota, by largest remainder: floor(n * share), plus one for the classes with
        # the largest fractional parts until the quotas sum to n.
        exact = counts.double() * n / len(self)
        quota = exact.floor().long()
        extra = torch.argsort(exact - quota, descending=True, stable=True)[: n - int(quota.sum())]
        quota[extra] += 1
        # Rank of each image within its class, in the random order: keep those below the quota.
        rank = torch.nn.functional.one_hot(labels, len(counts)).cumsum(0)  # (N, classes)
        rank = rank.gather(1, labels[:, None]).squeeze(1) - 1  # (N,)
        chosen = perm[rank < quota[labels]].sort().values
        return self._take(chosen, self.classes, f"{self.name}[{n}]")

    def select_classes(self, class_ids: Sequence[int], relabel: bool = True) -> ImageSet:
        """Only the images of `class_ids`; with relabel, labels become 0..k-1 in the order given."""
        ids = [int(c) for c in class_ids]
        if not ids or any(not 0 <= c < len(self.classes) for c in ids) or len(set(ids)) != len(ids):
            raise ValueError(
                f"class_ids must be distinct ids in 0..{len(self.classes) - 1}, got {ids}"
            )
        chosen = torch.nonzero(torch.isin(self.labels, torch.tensor(ids))).flatten()
        picked = self._take(chosen, self.classes, f"{self.name}{{{','.join(map(str, ids))}}}")
        if relabel:
            mapping = torch.full((len(self.classes),), -1, dtype=torch.int64)
            mapping[torch.tensor(ids)] = torch.arange(len(ids))
            picked.labels = mapping[picked.labels]
            picked.classes = tuple(self.classes[c] for c in ids)
        return picked

    def float(
        self, mean: Sequence[float] | None = None, std: Sequence[float] | None = None
    ) -> torch.Tensor:
        """Images as float32 (N, C, H, W): scaled to [0, 1], then (x - mean) / std per channel."""
        x = self.images.float().div_(255)
        if mean is not None:
            x.sub_(torch.as_tensor(mean, dtype=x.dtype).view(1, -1, 1, 1))
        if std is not None:
            x.div_(torch.as_tensor(std, dtype=x.dtype).view(1, -1, 1, 1))
        return x

    def channel_stats(self, chunk: int = 8192) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Per-channel mean and (population) std of the pixels scaled to [0, 1].

        Counts each channel's 256 pixel values chunk by chunk (exact, little memory, and faster
        than summing converted pixels), then takes the moments of the histogram in float64.
        """
        n_channels = self.images.shape[1]
        hist = torch.zeros(n_channels, 256, dtype=torch.int64)
        for start in range(0, len(self), chunk):
            x = self.images[start : start + chunk]
            for c in range(n_channels):
                hist[c] += torch.bincount(x[:, c].reshape(-1), minlength=256)
        values = torch.arange(256, dtype=torch.float64) / 255
        p = hist.double() / hist.sum(dim=1, keepdim=True)
        mean = (p * values).sum(dim=1)
        var = (p * (values - mean[:, None]) ** 2).sum(dim=1)  # centred: no cancellation
        return tuple(mean.tolist()), tuple(var.sqrt().tolist())

    def _take(self, index: torch.Tensor, classes: tuple[str, ...], name: str) -> ImageSet:
        return ImageSet(self.images[index], self.labels[index], classes, name)


def _check_split(split: str, title: str) -> None:
    if split not in _SPLITS:
        raise ValueError(f"{title} has splits 'train' and 'test'; got split={split!r}")


def _load_idx_set(spec: DatasetSpec, split: str, classes: tuple[str, ...]) -> ImageSet:
    _check_split(split, spec.title)
    prefix = "train" if split == "train" else "t10k"
    images_file, labels_file = f"{prefix}-images-idx3-ubyte.gz", f"{prefix}-labels-idx1-ubyte.gz"
    paths = locate(spec, [images_file, labels_file])
    images = read_idx(paths[images_file], magic=IDX_IMAGES_MAGIC)
    labels = read_idx(paths[labels_file], magic=IDX_LABELS_MAGIC)
    if len(images) != len(labels):
        raise ValueError(f"{spec.title} {split}: {len(images)} images but {len(labels)} labels")
    return ImageSet(
        torch.from_numpy(images).unsqueeze(1),  # (N, 1, H, W)
        torch.from_numpy(labels.astype(np.int64)),
        classes,
        f"{spec.name}/{split}",
    )


def load_mnist(split: str = "train") -> ImageSet:
    """MNIST handwritten digits: 'train' 60,000 or 'test' 10,000 images (N, 1, 28, 28)."""
    return _load_idx_set(MNIST, split, MNIST_CLASSES)


def load_fashion_mnist(split: str = "train") -> ImageSet:
    """Fashion-MNIST clothing images: 'train' 60,000 or 'test' 10,000 images (N, 1, 28, 28)."""
    return _load_idx_set(FASHION_MNIST, split, FASHION_MNIST_CLASSES)


def load_cifar10(split: str = "train") -> ImageSet:
    """CIFAR-10: 'train' 50,000 or 'test' 10,000 colour images (N, 3, 32, 32).

    A shortened test batch (the offline mirror holds the first 1,000) loads with a UserWarning.
    """
    _check_split(split, CIFAR10.title)
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] if split == "train" else ["test_batch.bin"]
    relpaths = [f"cifar-10-batches-bin/{n}" for n in (*names, "batches.meta.txt")]
    paths = locate(CIFAR10, relpaths)
    images, labels = cifar.read_batches([paths[r] for r in relpaths[:-1]], split=split)
    return ImageSet(
        torch.from_numpy(images),
        torch.from_numpy(labels.astype(np.int64)),
        cifar.read_class_names(paths[relpaths[-1]]),
        f"{CIFAR10.name}/{split}",
    )
