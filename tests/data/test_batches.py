"""DeviceBatches: each sample once per epoch, seeded order, normalization, device augmentation."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from course_lib.data import Augmentation, DeviceBatches, ImageSet, crop_and_flip

N, C, H, W = 103, 3, 8, 6


@pytest.fixture
def data() -> ImageSet:
    g = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (N, C, H, W), generator=g, dtype=torch.uint8)
    # Each label is the image's index, so a batch says exactly which images it holds.
    return ImageSet(images, torch.arange(N), tuple(str(i) for i in range(N)), "random")


def _epoch(batches: DeviceBatches) -> tuple[torch.Tensor, torch.Tensor]:
    xs, ys = zip(*batches, strict=True)
    return torch.cat(xs), torch.cat(ys)


def test_len_and_batch_sizes(data):
    assert len(DeviceBatches(data, 10, "cpu")) == 11
    assert len(DeviceBatches(data, 10, "cpu", drop_last=True)) == 10
    sizes = [len(y) for _, y in DeviceBatches(data, 10, "cpu")]
    assert sizes == [10] * 10 + [3]
    assert [len(y) for _, y in DeviceBatches(data, 10, "cpu", drop_last=True)] == [10] * 10


def test_unshuffled_batches_are_the_normalized_images_in_order(data):
    mean, std = (0.2, 0.5, 0.7), (0.3, 0.25, 0.1)
    x, y = _epoch(DeviceBatches(data, 16, "cpu", mean=mean, std=std))
    assert x.dtype == torch.float32 and y.dtype == torch.int64 and x.shape == (N, C, H, W)
    assert torch.equal(y, torch.arange(N))
    expected = (
        data.images.double() / 255 - torch.tensor(mean).view(1, C, 1, 1).double()
    ) / torch.tensor(std).view(1, C, 1, 1).double()
    torch.testing.assert_close(x.double(), expected, rtol=0, atol=1e-5)
    torch.testing.assert_close(x, data.float(mean, std), rtol=1e-6, atol=1e-6)


def test_shuffle_covers_every_sample_once_and_is_seeded(data):
    batches = DeviceBatches(data, 16, "cpu", shuffle=True, seed=7)
    x0, y0 = _epoch(batches)
    x1, y1 = _epoch(batches)
    for x, y in ((x0, y0), (x1, y1)):
        assert torch.equal(y.sort().values, torch.arange(N))  # each sample exactly once
        torch.testing.assert_close(x, data.float()[y])  # images travel with their labels
    assert not torch.equal(y0, y1)  # a new order each epoch
    assert not torch.equal(y0, torch.arange(N))
    again = DeviceBatches(data, 16, "cpu", shuffle=True, seed=7)
    assert torch.equal(_epoch(again)[1], y0) and torch.equal(_epoch(again)[1], y1)
    again.set_epoch(1)  # resuming reproduces epoch 1
    assert torch.equal(_epoch(again)[1], y1)
    assert not torch.equal(_epoch(DeviceBatches(data, 16, "cpu", shuffle=True, seed=8))[1], y0)


def test_no_op_augmentation_is_the_identity(data):
    plain, _ = _epoch(DeviceBatches(data, 32, "cpu", mean=(0.5,) * 3, std=(0.2,) * 3))
    augment = Augmentation(hflip=False, crop_padding=0)
    same, _ = _epoch(
        DeviceBatches(data, 32, "cpu", augment=augment, mean=(0.5,) * 3, std=(0.2,) * 3)
    )
    assert torch.equal(plain, same)


def test_flip_mirrors_about_half_the_images(data):
    x, y = _epoch(DeviceBatches(data, 32, "cpu", shuffle=True, augment=Augmentation(hflip=True)))
    original = data.float()[y]
    flipped = torch.tensor([torch.equal(x[k], torch.flip(original[k], [2])) for k in range(N)])
    unchanged = torch.tensor([torch.equal(x[k], original[k]) for k in range(N)])
    assert bool((flipped ^ unchanged).all())  # each image is exactly one of the two
    assert 25 < int(flipped.sum()) < 78  # about half (binomial(103, 1/2): mean 51.5, sd 5)
    x_again, _ = _epoch(
        DeviceBatches(data, 32, "cpu", shuffle=True, augment=Augmentation(hflip=True)))
    assert torch.equal(x, x_again)  # augmentation is seeded too


def test_crop_and_flip_against_a_per_image_reference(data):
    x = data.float()[:20]
    p = 2
    g = torch.Generator().manual_seed(3)
    offsets = torch.randint(0, 2 * p + 1, (20, 2), generator=g)
    flip = torch.rand(20, generator=g) < 0.5
    for mode in ("reflect", "constant"):
        out = crop_and_flip(x, offsets, flip, p, mode)
        padded = F.pad(x, (p, p, p, p), mode=mode)
        for k in range(20):
            i, j = offsets[k].tolist()
            expected = padded[k, :, i : i + H, j : j + W]
            if flip[k]:
                expected = torch.flip(expected, [2])
            assert torch.equal(out[k], expected)
    no_flip = torch.zeros(20, dtype=torch.bool)
    assert torch.equal(crop_and_flip(x, torch.full((20, 2), p), no_flip, p), x)
    # Offset (0, 0) with zero padding moves the content down and right by p pixels.
    moved = crop_and_flip(x, torch.zeros(20, 2, dtype=torch.long), no_flip, p, "constant")
    assert torch.equal(moved[..., p:, p:], x[..., :-p, :-p])
    assert moved[..., :p, :].abs().sum() == 0 and moved[..., :, :p].abs().sum() == 0


def test_random_crops_keep_shape_and_dtype(data):
    augment = Augmentation(hflip=True, crop_padding=2)
    batches = DeviceBatches(data, 32, "cpu", augment=augment, mean=(0.5,) * 3, std=(0.25,) * 3)
    x, y = _epoch(batches)
    assert x.shape == (N, C, H, W) and x.dtype == torch.float32 and torch.equal(y, torch.arange(N))
    assert not torch.equal(x, data.float((0.5,) * 3, (0.25,) * 3))
    x2, _ = _epoch(batches)
    assert not torch.equal(x, x2)  # new crops each epoch


def test_channels_last(data):
    x, _ = next(iter(DeviceBatches(data, 8, "cpu", channels_last=True)))
    assert x.is_contiguous(memory_format=torch.channels_last)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_batches_live_on_the_device(data):
    augment = Augmentation(hflip=True, crop_padding=2)
    x, y = next(iter(DeviceBatches(data, 8, "cuda", shuffle=True, augment=augment)))
    assert x.is_cuda and y.is_cuda
    cpu_x, cpu_y = next(iter(DeviceBatches(data, 8, "cpu", shuffle=True, augment=augment)))
    assert torch.equal(y.cpu(), cpu_y) and torch.equal(x.cpu(), cpu_x)  # same seed, same batch
