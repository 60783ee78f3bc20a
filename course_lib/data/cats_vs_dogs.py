"""The small-data cats-vs-dogs task of the lecture notes (after Chollet's Kaggle subset of 1,000
training, 500 validation and 500 test images per class), built offline from CIFAR-10's cats and
dogs (classes 3 and 5). All three splits come from the 50,000 training images: see
`load_cats_vs_dogs`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from .datasets import ImageSet, load_cifar10
from .errors import DatasetCorruptError

__all__ = ["CAT", "DOG", "Splits", "load_cats_vs_dogs", "split_per_class"]

CAT, DOG = 3, 5  # CIFAR-10 labels of "cat" and "dog"


@dataclass(frozen=True)
class Splits:
    """Disjoint train / validation / test sets of one task."""

    train: ImageSet  # fit the weights on these
    val: ImageSet  # choose settings (epochs, augmentation) on these
    test: ImageSet  # report once, at the end

    def __iter__(self):
        return iter((self.train, self.val, self.test))


def split_per_class(data: ImageSet, per_class: Sequence[int], seed: int = 0) -> list[ImageSet]:
    """Disjoint subsets holding exactly `per_class[k]` images of every class (balanced).

    Each class's images are shuffled once with `seed` and cut into consecutive runs of the given
    sizes, so the subsets never overlap and the same seed always gives the same ones; within a
    subset, images keep their original order. Raises ValueError if a class is too small.
    """
    if any(k < 0 for k in per_class):
        raise ValueError(f"per-class sizes must be non-negative, got {tuple(per_class)}")
    g = torch.Generator().manual_seed(seed)
    chosen: list[list[torch.Tensor]] = [[] for _ in per_class]
    for label in range(len(data.classes)):
        members = torch.nonzero(data.labels == label).flatten()
        if len(members) < sum(per_class):
            raise ValueError(f"{data.name}: class {label} ({data.classes[label]!r}) has "
                             f"{len(members)} images, fewer than the {sum(per_class)} needed")
        members = members[torch.randperm(len(members), generator=g)]
        start = 0
        for part, k in zip(chosen, per_class, strict=True):
            part.append(members[start : start + k])
            start += k
    return [ImageSet(data.images[idx], data.labels[idx], data.classes, f"{data.name}/{name}")
            for idx, name in ((torch.cat(part).sort().values, f"part{i}")
                              for i, part in enumerate(chosen))]


def load_cats_vs_dogs(per_class: tuple[int, int, int] = (1000, 500, 500), seed: int = 0) -> Splits:
    """Cats (label 0) and dogs (label 1) from CIFAR-10, 32×32×3: 1,000 / 500 / 500 per class.

    Returns Splits(train, val, test) of 2,000 / 1,000 / 1,000 images. All three splits are
    drawn, disjoint and deterministic (`seed`), from CIFAR-10's 50,000 **training** images
    (5,000 cats and 5,000 dogs): the official test batch holds only 1,000 of each, and the
    course's offline mirror only its first 1,000 images in all, too few for 500 per class.
    """
    pets = load_cifar10("train").select_classes([CAT, DOG])  # relabelled: cat 0, dog 1
    pets.name = "cifar10-cats-vs-dogs"
    train, val, test = split_per_class(pets, per_class, seed)
    for part, name in ((train, "train"), (val, "val"), (test, "test")):
        part.name = f"cifar10-cats-vs-dogs/{name}"
    _check_disjoint(train, val, test)
    return Splits(train, val, test)


def _check_disjoint(*parts: ImageSet) -> None:
    """Refuse splits that share a picture (a repeated image in damaged source files would)."""
    seen: dict[bytes, str] = {}
    shared = 0
    for part in parts:
        rows = part.images.reshape(len(part), -1).numpy()
        for key in {bytes(row) for row in rows}:
            shared += seen.setdefault(key, part.name) != part.name
    if shared:
        raise DatasetCorruptError(
            f"{shared} image(s) appear in more than one split of {', '.join(p.name for p in parts)}"
            ": CIFAR-10's training batches repeat images, so they are damaged. Replace them with "
            "the official files (load_cifar10 verifies them against their pinned checksums)."
        )
