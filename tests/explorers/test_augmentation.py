"""The augmentation explorer: the bottom row shows exactly the library transform of the top row,
every transform renders at its default, amounts are range-checked, slider and widget work."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib.data import augment as A
from course_lib.explorers import (
    AUGMENTATIONS,
    augmentation_explorer,
    augmentation_explorer_static,
    render_augmentation,
)

IMAGES = torch.rand(4, 3, 16, 16, generator=torch.Generator().manual_seed(0))


def _row(fig, row: int, n: int = 4) -> np.ndarray:
    axes = fig.axes[row * n : (row + 1) * n]
    return np.stack([ax.images[0].get_array() for ax in axes])  # (n, H, W, 3)


def test_bottom_row_is_the_transform_of_the_top_row():
    fig = render_augmentation(IMAGES, "rotation", 90)
    np.testing.assert_allclose(_row(fig, 0), IMAGES.permute(0, 2, 3, 1).numpy())
    expected = A.rotate(IMAGES, 90.0).permute(0, 2, 3, 1).numpy()
    np.testing.assert_allclose(_row(fig, 1), expected, atol=1e-5)
    assert "rotation: 90" in fig._suptitle.get_text()


@pytest.mark.parametrize("kind", list(AUGMENTATIONS))
def test_every_transform_renders_in_range(kind):
    fig = render_augmentation((IMAGES * 255).to(torch.uint8), kind)
    bottom = _row(fig, 1)
    assert bottom.shape == (4, 16, 16, 3) and bottom.min() >= 0 and bottom.max() <= 1


def test_amount_range_and_kind_are_checked():
    with pytest.raises(ValueError, match="amount must be in"):
        render_augmentation(IMAGES, "rotation", 500)
    with pytest.raises(ValueError, match="unknown augmentation"):
        render_augmentation(IMAGES, "solarize")


def test_keras_draws_depend_on_the_seed_only():
    a = _row(render_augmentation(IMAGES, "Keras ImageDataGenerator", 1), 1)
    b = _row(render_augmentation(IMAGES, "Keras ImageDataGenerator", 1), 1)
    c = _row(render_augmentation(IMAGES, "Keras ImageDataGenerator", 2), 1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_static_slider_and_live_widget():
    slider = augmentation_explorer_static(IMAGES[:2])
    assert len(slider) == len(AUGMENTATIONS) + 2
    explorer = augmentation_explorer(IMAGES[:2])
    explorer.controls["kind"].value = "zoom"
    amount = explorer.controls["amount"]
    assert (amount.min, amount.max, amount.value) == (0.5, 2.0, 1.4)
    assert "image/png" in explorer.output.outputs[0]["data"]


def test_gallery_has_a_row_per_transform():
    from course_lib.explorers import augmentation_gallery

    fig = augmentation_gallery(IMAGES[:2], kinds=["rotation", "mixup"])
    assert len(fig.axes) == 3 * 2
    top = np.stack([ax.images[0].get_array() for ax in fig.axes[:2]])
    np.testing.assert_allclose(top, IMAGES[:2].permute(0, 2, 3, 1).numpy())
    rotated = np.stack([ax.images[0].get_array() for ax in fig.axes[2:4]])
    np.testing.assert_allclose(rotated, A.rotate(IMAGES[:2], 30.0).permute(0, 2, 3, 1).numpy(),
                               atol=1e-5)
    with pytest.raises(ValueError, match="unknown"):
        augmentation_gallery(IMAGES, kinds=["blur"])
