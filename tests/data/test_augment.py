"""course_lib.data.augment, mixing and augment_pipeline: every transform keeps the shape and the
[0, 1] range, the invertible ones invert (flips, 90° rotations, integer shifts), parameters mean
what the docstrings say, random ones are reproducible from a seed, and the Keras mapping is
faithful."""

from __future__ import annotations

import pytest
import torch

from course_lib.data import DeviceBatches, ImageSet
from course_lib.data import augment as A
from course_lib.data import mixing as M
from course_lib.data.augment_pipeline import KERAS_LECTURE_SETTINGS, Augmentation, from_keras


def _batch(n=6, c=3, h=12, w=12, seed=0):
    return torch.rand(n, c, h, w, generator=torch.Generator().manual_seed(seed))


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


RANDOM_TRANSFORMS = {
    "flip": lambda x, g: A.random_flip(x, generator=g),
    "affine": lambda x, g: A.random_affine(x, 40, (0.2, 0.2), 10, (0.8, 1.2), generator=g),
    "affine constant fill": lambda x, g: A.random_affine(x, 30, fill="constant", generator=g),
    "crop": lambda x, g: A.random_crop(x, 3, generator=g),
    "color": lambda x, g: A.random_color(x, 0.5, 0.5, 0.5, generator=g),
    "erasing": lambda x, g: A.random_erasing(x, 0.7, generator=g),
    "keras": lambda x, g: from_keras(**KERAS_LECTURE_SETTINGS)(x, g),
    "everything": lambda x, g: Augmentation(15, (0.1, 0.1), 5, (0.9, 1.1), "reflect", 2, True,
                                            True, 0.2, 0.2, 0.2, 0.5)(x, g),
}


@pytest.mark.parametrize("name", RANDOM_TRANSFORMS)
def test_shape_range_and_reproducibility(name):
    x = _batch(h=10, w=14)
    fn = RANDOM_TRANSFORMS[name]
    y = fn(x, _gen(1))
    assert y.shape == x.shape and y.dtype == x.dtype
    assert y.min() >= 0 and y.max() <= 1
    torch.testing.assert_close(fn(x, _gen(1)), y, rtol=0, atol=0)  # same seed, same batch
    assert not torch.equal(fn(x, _gen(2)), y)  # another seed, another batch


def test_flips_invert_and_mirror_the_right_axis():
    x = _batch()
    torch.testing.assert_close(A.hflip(A.hflip(x)), x, rtol=0, atol=0)
    torch.testing.assert_close(A.vflip(A.vflip(x)), x, rtol=0, atol=0)
    assert torch.equal(A.hflip(x)[..., 0], x[..., -1])  # left column ← right column
    assert torch.equal(A.vflip(x)[:, :, 0], x[:, :, -1])
    which = torch.tensor([True, False, True, False, False, True])
    y = A.hflip(x, which)
    assert torch.equal(y[which], x[which].flip(3)) and torch.equal(y[~which], x[~which])


def test_rotation_by_right_angles_is_exact_and_counter_clockwise():
    x = _batch()
    torch.testing.assert_close(A.rotate(x, 90.0), torch.rot90(x, 1, (2, 3)), rtol=0, atol=1e-6)
    torch.testing.assert_close(A.rotate(x, 180.0), x.flip(2, 3), rtol=0, atol=1e-6)
    torch.testing.assert_close(A.rotate(A.rotate(x, 90.0), -90.0), x, rtol=0, atol=1e-5)
    top_right = torch.zeros(1, 1, 5, 5)
    top_right[0, 0, 0, 4] = 1.0
    assert A.rotate(top_right, 90.0)[0, 0, 0, 0] == 1.0  # counter-clockwise: to the top left


def test_small_rotation_inverts_in_the_middle():
    x = torch.nn.functional.avg_pool2d(_batch(h=40, w=40), 5, 1, 2)  # smooth images
    back = A.rotate(A.rotate(x, 20.0), -20.0)
    assert (back - x)[:, :, 12:-12, 12:-12].abs().max() < 0.08  # bilinear blur only


def test_integer_translation_moves_pixels_and_inverts():
    x = _batch(h=9, w=11)

    def close(a, b):  # pixels are copied, up to float rounding in the sampling weights
        torch.testing.assert_close(a, b, rtol=0, atol=1e-5)

    y = A.translate(x, 3, -2, fill="constant")
    close(y[:, :, :7, 3:], x[:, :, 2:, :8])  # right by 3, up by 2
    assert torch.all(y[:, :, :, :3] == 0) and torch.all(y[:, :, 7:] == 0)
    back = A.translate(A.translate(x, 3, -2), -3, 2)
    close(back[:, :, 2:-2, 3:-3], x[:, :, 2:-2, 3:-3])
    per_image = A.translate(x[:2], torch.tensor([1.0, -1.0]), 0.0, fill="constant")
    close(per_image[0, :, :, 1:], x[0, :, :, :-1])
    close(per_image[1, :, :, :-1], x[1, :, :, 1:])


def test_fill_modes_follow_keras():
    row = torch.tensor([[[[0.1, 0.2, 0.3, 0.4]]]])  # one 1×4 image
    shifted = {f: A.translate(row, 2, 0, fill=f)[0, 0, 0].tolist() for f in A.FILL_MODES}
    assert shifted["nearest"] == pytest.approx([0.1, 0.1, 0.1, 0.2])  # aaa|abcd
    assert shifted["reflect"] == pytest.approx([0.2, 0.1, 0.1, 0.2])  # dcba|abcd
    assert shifted["constant"] == pytest.approx([0.0, 0.0, 0.1, 0.2])


def test_zoom_and_shear_semantics():
    x = torch.zeros(1, 1, 9, 9)
    x[0, 0, 3:6, 3:6] = 1.0  # a 3×3 square in the middle
    assert A.affine(x, zoom=(0.5, 0.5), mode="nearest").sum() > 2 * x.sum()  # magnified
    assert A.affine(x, zoom=(2.0, 2.0), mode="nearest").sum() < x.sum()  # shrunk
    sheared = A.affine(x, shear=45.0, mode="nearest", fill="constant")[0, 0]
    assert sheared.sum() == x.sum()  # a shear moves rows sideways, keeps their pixels
    assert sheared[3].argmax() != sheared[5].argmax()  # rows above and below go opposite ways


def test_crop_windows_and_random_crop_as_a_shift():
    x = torch.arange(2 * 1 * 5 * 6, dtype=torch.float32).reshape(2, 1, 5, 6) / 60
    y = A.crop(x, torch.tensor([0, 2]), torch.tensor([1, 3]), (3, 3))
    assert torch.equal(y[0], x[0, :, 0:3, 1:4]) and torch.equal(y[1], x[1, :, 2:5, 3:6])
    with pytest.raises(ValueError, match="inside"):
        A.crop(x, torch.tensor([3, 0]), torch.tensor([0, 0]), (3, 3))
    shifted = A.random_crop(x, 0, generator=_gen())
    assert torch.equal(shifted, x)  # padding 0: nothing moves


def test_color_adjustments():
    x = _batch()
    torch.testing.assert_close(A.adjust_color(x), x)  # factors 1 change nothing
    dark = A.adjust_color(x, brightness=0.5)
    torch.testing.assert_close(dark, x * 0.5)
    gray = A.adjust_color(x, saturation=0.0)
    assert torch.allclose(gray[:, 0], gray[:, 1]) and torch.allclose(gray[:, 1], gray[:, 2])
    flat = A.adjust_color(x, contrast=0.0)
    assert torch.allclose(flat.amax(dim=(1, 2, 3)), flat.amin(dim=(1, 2, 3)))  # one grey level
    one = A.adjust_color(x[:, :1], brightness=2.0, saturation=0.0)  # grey images: no saturation
    torch.testing.assert_close(one, (x[:, :1] * 2).clamp(0, 1))


def test_erase_and_random_erasing_area():
    x = torch.ones(2, 3, 8, 8)
    y = A.erase(x, torch.tensor([1, 0]), torch.tensor([2, 0]), torch.tensor([3, 0]),
                torch.tensor([4, 5]), value=0.0)
    assert (y[0] == 0).sum() == 3 * 3 * 4 and torch.equal(y[1], x[1])
    z = A.random_erasing(torch.ones(200, 1, 16, 16), p=1.0, scale=(0.1, 0.1), ratio=(1, 1),
                         generator=_gen())
    erased = (z == 0).float().mean(dim=(1, 2, 3))
    assert torch.allclose(erased, torch.full_like(erased, 25 / 256))  # round(√25.6)² = 25 pixels
    assert torch.equal(A.random_erasing(x, p=0.0, generator=_gen()), x)


def test_mixup_blends_images_and_labels():
    x, y = _batch(8), torch.arange(8) % 3
    xm, ym, lam = M.mixup(x, y, 3, alpha=0.4, generator=_gen(3))
    assert 0 <= lam <= 1 and xm.shape == x.shape and ym.shape == (8, 3)
    assert xm.min() >= 0 and xm.max() <= 1  # a convex blend stays in [0, 1]
    torch.testing.assert_close(ym.sum(1), torch.ones(8))
    perm = torch.randperm(8, generator=_gen(99))
    xs, ys = M.mix(x, torch.nn.functional.one_hot(y, 3).float(), perm, 1.0)
    assert torch.equal(xs, x)  # λ = 1: nothing mixed in
    xs, _ = M.mix(x, ys, perm, 0.25)
    torch.testing.assert_close(xs, 0.25 * x + 0.75 * x[perm])
    _, _, again = M.mixup(x, y, 3, alpha=0.4, generator=_gen(3))
    assert again == lam
    with pytest.raises(ValueError, match="alpha"):
        M.mixup(x, y, 3, alpha=0.0)


def test_from_keras_maps_the_lecture_settings():
    aug = from_keras(**KERAS_LECTURE_SETTINGS)
    assert (aug.degrees, aug.translate, aug.shear, aug.zoom, aug.hflip, aug.fill) == (
        40, (0.2, 0.2), 0.2, (0.8, 1.2), True, "nearest")
    assert Augmentation().warps is False and aug.warps
    torch.testing.assert_close(Augmentation()(_batch(), _gen()), _batch())  # defaults: identity
    with pytest.raises(ValueError, match="wrap"):
        from_keras(fill_mode="wrap")
    with pytest.raises(ValueError, match="fraction"):
        from_keras(width_shift_range=10)
    with pytest.raises(ValueError, match="fill"):
        Augmentation(fill="mirror")


def test_bad_input_is_reported():
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        A.hflip(torch.zeros(3, 4, 4))
    with pytest.raises(ValueError, match="float"):
        A.rotate(torch.zeros(1, 1, 4, 4, dtype=torch.uint8), 10)
    with pytest.raises(ValueError, match="shape"):
        A.rotate(torch.zeros(2, 1, 4, 4), torch.zeros(3))


def test_device_batches_take_a_pipeline():
    images = torch.randint(0, 256, (10, 3, 8, 8), dtype=torch.uint8)
    data = ImageSet(images, torch.arange(10) % 2, ("a", "b"), "toy")
    plain = list(DeviceBatches(data, 4, "cpu"))
    flipped = list(DeviceBatches(data, 4, "cpu", augment=lambda x, g: A.hflip(x)))
    assert torch.equal(flipped[0][0], plain[0][0].flip(3))
    keras = DeviceBatches(data, 4, "cpu", shuffle=True,
                          augment=from_keras(**KERAS_LECTURE_SETTINGS), seed=5)
    first = [x for x, _ in keras]
    keras.set_epoch(0)
    assert all(torch.equal(a, b) for a, b in zip(first, (x for x, _ in keras), strict=True))
    old_style = list(DeviceBatches(data, 4, "cpu", augment=Augmentation(hflip=True)))
    assert len(old_style) == 3
