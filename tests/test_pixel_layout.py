from dataclasses import replace

import pytest
import torch

from course_lib.data import ImageSet
from course_lib.pixel_layout import (
    LayoutRun,
    layout_experiment,
    pixel_permutation,
    shift_images,
    shuffle_pixels,
)
from course_lib.profile import PROFILES


def _images() -> ImageSet:
    x = torch.arange(2 * 1 * 4 * 5, dtype=torch.uint8).reshape(2, 1, 4, 5)
    return ImageSet(x, torch.tensor([0, 1]), ("a", "b"), "toy")


def test_shift_moves_columns_and_fills_zeros():
    images = _images()
    right = shift_images(images, 2).images
    assert torch.equal(right[..., 2:], images.images[..., :3])
    assert right[..., :2].sum() == 0
    left = shift_images(images, -1).images
    assert torch.equal(left[..., :4], images.images[..., 1:]) and left[..., 4].sum() == 0
    assert torch.equal(shift_images(images, 0).images, images.images)
    with pytest.raises(ValueError):
        shift_images(images, 5)


def test_shuffle_applies_one_permutation_to_every_image():
    images = _images()
    perm = pixel_permutation(20, seed=3)
    assert sorted(perm.tolist()) == list(range(20))
    assert torch.equal(perm, pixel_permutation(20, seed=3))
    shuffled = shuffle_pixels(images, perm).images.reshape(2, -1)
    assert torch.equal(shuffled, images.images.reshape(2, -1)[:, perm])
    assert torch.equal(shuffled.sort(dim=1).values, images.images.reshape(2, -1).sort(dim=1).values)
    with pytest.raises(ValueError):
        shuffle_pixels(images, pixel_permutation(19, seed=0))


def test_layout_experiment_trains_per_seed_and_reports_shifts():
    profile = replace(PROFILES["smoke"], max_train=1000, max_test=300, epochs=3)
    runs = layout_experiment("mlp", profile, seeds=(0, 1), shifts=(0, 3))
    assert [r.seed for r in runs] == [0, 1] and all(isinstance(r, LayoutRun) for r in runs)
    for r in runs:
        assert 0.6 < r.test_acc <= 1 and 0.6 < r.shuffled_acc <= 1  # chance: 0.1
        assert r.shift_acc[0] == pytest.approx(r.test_acc)  # shift 0 is the plain test set
        assert r.shift_acc[3] < r.shift_acc[0]  # the MLP loses accuracy on shifted digits
    assert runs[0].test_acc != runs[1].test_acc  # the seed changes the data and the weights
    with pytest.raises(ValueError):
        layout_experiment("rnn", profile)
