"""course_lib.data.cats_vs_dogs: the small-data task has the lecture's sizes (1,000 / 500 / 500
per class), only cats and dogs, disjoint and deterministic splits, all from CIFAR-10's training
images; split_per_class is balanced and disjoint on any ImageSet."""

from __future__ import annotations

import pytest
import torch

from course_lib.data import ImageSet, load_cats_vs_dogs, load_cifar10, split_per_class


@pytest.fixture(scope="module")
def splits(data_dir):
    return load_cats_vs_dogs()


def test_sizes_balance_and_names(splits):
    for part, n, name in zip(splits, (1000, 500, 500), ("train", "val", "test"), strict=True):
        assert part.images.shape == (2 * n, 3, 32, 32) and part.images.dtype == torch.uint8
        assert torch.bincount(part.labels).tolist() == [n, n]
        assert part.classes == ("cat", "dog")
        assert part.name == f"cifar10-cats-vs-dogs/{name}"


def _keys(images: torch.Tensor) -> set[bytes]:
    return {bytes(img.numpy().tobytes()) for img in images}


def test_splits_are_disjoint_deterministic_and_from_the_training_set(splits):
    train, val, test = (_keys(p.images) for p in splits)
    assert not (train & val or train & test or val & test)
    again = load_cats_vs_dogs()
    assert all(torch.equal(a.images, b.images) for a, b in zip(splits, again, strict=True))
    other = load_cats_vs_dogs(seed=1)
    assert not torch.equal(other.train.images, splits.train.images)
    cifar = load_cifar10("train")
    pets = cifar.select_classes([3, 5])
    source = _keys(pets.images)
    assert train | val | test <= source  # only CIFAR-10 training cats and dogs
    cats = _keys(cifar.images[cifar.labels == 3])
    assert all(k in cats for k in _keys(splits.train.images[splits.train.labels == 0]))


def test_split_per_class_on_a_toy_set():
    labels = torch.tensor([0, 1, 2] * 5)
    images = torch.arange(15, dtype=torch.uint8).view(15, 1, 1, 1)
    data = ImageSet(images, labels, ("a", "b", "c"), "toy")
    first, second = split_per_class(data, (3, 2), seed=0)
    assert torch.bincount(first.labels).tolist() == [3, 3, 3]
    assert torch.bincount(second.labels).tolist() == [2, 2, 2]
    assert not set(first.images.flatten().tolist()) & set(second.images.flatten().tolist())
    assert first.images.flatten().tolist() == sorted(first.images.flatten().tolist())
    with pytest.raises(ValueError, match="fewer than"):
        split_per_class(data, (4, 2))
    with pytest.raises(ValueError, match="non-negative"):
        split_per_class(data, (-1, 2))
