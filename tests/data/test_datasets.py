"""The standard datasets load with their known sizes, labels and statistics (offline mirror)."""

from __future__ import annotations

import pytest
import torch

from course_lib.data import (
    FASHION_MNIST_CLASSES,
    ImageSet,
    load_cifar10,
    load_fashion_mnist,
    load_mnist,
)
from course_lib.data.cifar import RECORD_BYTES

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)


@pytest.fixture(scope="module")
def mnist_train(data_dir) -> ImageSet:
    return load_mnist("train")


@pytest.fixture(scope="module")
def cifar_train(data_dir) -> ImageSet:
    return load_cifar10("train")


def test_mnist_train(mnist_train):
    assert mnist_train.images.shape == (60_000, 1, 28, 28)
    assert mnist_train.images.dtype == torch.uint8 and mnist_train.labels.dtype == torch.int64
    assert mnist_train.labels[0].item() == 5  # the famous first training digit
    counts = torch.bincount(mnist_train.labels, minlength=10)
    assert counts.sum().item() == 60_000
    # The published class counts of the MNIST training set.
    assert counts.tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert mnist_train.classes == tuple("0123456789")


def test_mnist_channel_stats(mnist_train):
    # The well-known MNIST normalization constants (0.1307, 0.3081).
    mean, std = mnist_train.channel_stats()
    assert mean[0] == pytest.approx(0.1307, abs=1e-4) and std[0] == pytest.approx(0.3081, abs=1e-4)


def test_mnist_test(data_dir):
    test = load_mnist("test")
    assert test.images.shape == (10_000, 1, 28, 28)
    assert test.labels[:5].tolist() == [7, 2, 1, 0, 4]


@pytest.mark.parametrize(("split", "n"), [("train", 60_000), ("test", 10_000)])
def test_fashion_mnist(data_dir, split, n):
    data = load_fashion_mnist(split)
    assert data.images.shape == (n, 1, 28, 28)
    assert torch.bincount(data.labels).tolist() == [n // 10] * 10  # perfectly balanced
    assert data.classes == FASHION_MNIST_CLASSES and data.name == f"fashion-mnist/{split}"


def test_cifar10_train(cifar_train):
    assert cifar_train.images.shape == (50_000, 3, 32, 32)
    assert cifar_train.classes == CIFAR10_CLASSES
    assert torch.bincount(cifar_train.labels).tolist() == [5000] * 10
    # data_batch_1's class counts, as in the original.
    first = torch.bincount(cifar_train.labels[:10_000]).tolist()
    assert first == [1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981]


def test_cifar10_reader_follows_the_record_layout(data_dir, cifar_train):
    raw = (data_dir / "cifar-10/cifar-10-batches-bin/data_batch_2.bin").read_bytes()
    i = 1234  # record 1234 of batch 2 is training image 11,234
    record = torch.frombuffer(
        bytearray(raw[i * RECORD_BYTES : (i + 1) * RECORD_BYTES]), dtype=torch.uint8
    )
    assert cifar_train.labels[10_000 + i].item() == record[0].item()
    planes = record[1:].view(3, 32, 32)  # (C, H, W): red, green, blue planes, each row-major
    assert torch.equal(cifar_train.images[10_000 + i], planes)


def test_cifar10_test_is_the_mirrors_truncated_batch(data_dir):
    with pytest.warns(UserWarning, match="test set truncated to 1,000 images"):
        test = load_cifar10("test")
    assert test.images.shape == (1000, 3, 32, 32)
    assert test.labels[:4].tolist() == [3, 8, 8, 0]  # cat, ship, ship, airplane: the original's


def test_cifar10_channel_stats(cifar_train):
    # The widely published CIFAR-10 training statistics, computed here over all 50,000 images.
    mean, std = cifar_train.channel_stats()
    assert mean == pytest.approx((0.4914, 0.4822, 0.4465), abs=1e-3)
    assert std == pytest.approx((0.2470, 0.2435, 0.2616), abs=1e-3)


def test_channel_stats_match_torch_float64(cifar_train):
    small = cifar_train.subset(500, seed=3)
    x = small.images.double() / 255
    mean, std = small.channel_stats(chunk=64)
    torch.testing.assert_close(
        torch.tensor(mean, dtype=torch.float64), x.mean(dim=(0, 2, 3)), rtol=0, atol=1e-12
    )
    torch.testing.assert_close(
        torch.tensor(std, dtype=torch.float64),
        x.std(dim=(0, 2, 3), correction=0),
        rtol=0,
        atol=1e-12,
    )


def test_subset_is_stratified_and_seeded(cifar_train):
    small = cifar_train.subset(1000, seed=1)
    assert len(small) == 1000
    assert torch.bincount(small.labels).tolist() == [100] * 10
    assert torch.equal(small.images, cifar_train.subset(1000, seed=1).images)
    assert not torch.equal(small.labels, cifar_train.subset(1000, seed=2).labels)
    assert cifar_train.subset(None) is cifar_train and cifar_train.subset(10**6) is cifar_train
    # Subsets of an unbalanced set keep each class's share to within one image.
    mnist_counts = torch.bincount(load_mnist("test").subset(777).labels, minlength=10)
    full = torch.bincount(load_mnist("test").labels, minlength=10).double()
    assert (mnist_counts - full * 777 / full.sum()).abs().max() < 1


def test_select_classes(cifar_train):
    pets = cifar_train.select_classes([5, 3])  # dog, cat
    assert pets.classes == ("dog", "cat") and len(pets) == 10_000
    assert torch.equal(torch.bincount(pets.labels), torch.tensor([5000, 5000]))
    kept = cifar_train.select_classes([5, 3], relabel=False)
    assert set(kept.labels.tolist()) == {3, 5} and kept.classes == CIFAR10_CLASSES
    assert torch.equal(pets.images, kept.images)
    assert torch.equal(pets.labels, (kept.labels == 3).long())  # dog -> 0, cat -> 1
    with pytest.raises(ValueError, match="distinct ids in 0..9"):
        cifar_train.select_classes([3, 10])


def test_float_scales_and_normalizes(cifar_train):
    small = cifar_train.subset(200)
    mean, std = small.channel_stats()
    x = small.float(mean, std)
    assert x.dtype == torch.float32 and x.shape == small.images.shape
    expected = (
        small.images.double() / 255 - torch.tensor(mean).view(1, 3, 1, 1).double()
    ) / torch.tensor(std).view(1, 3, 1, 1).double()
    torch.testing.assert_close(x.double(), expected, rtol=0, atol=1e-5)
    torch.testing.assert_close(
        x.double().mean(dim=(0, 2, 3)), torch.zeros(3, dtype=torch.float64), rtol=0, atol=1e-5
    )
    assert small.float().max().item() <= 1.0 and small.float().min().item() >= 0.0


def test_imageset_validates_its_tensors():
    with pytest.raises(ValueError, match="uint8"):
        ImageSet(torch.zeros(2, 1, 4, 4), torch.zeros(2, dtype=torch.int64), ("a",), "bad")
    with pytest.raises(ValueError, match="int64"):
        ImageSet(
            torch.zeros(2, 1, 4, 4, dtype=torch.uint8),
            torch.zeros(3, dtype=torch.int64),
            ("a",),
            "bad",
        )
