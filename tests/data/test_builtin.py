"""Offline data: scikit-learn's digits, the packaged sample photographs, and to_gray."""

from __future__ import annotations

import socket

import numpy as np
import pytest
import torch

from course_lib.data import load_digits, sample_photo, sample_photo_names, to_gray


def test_load_digits():
    from sklearn.datasets import load_digits as sk_load_digits

    digits = load_digits()
    sk = sk_load_digits()
    assert digits.images.shape == (1797, 1, 8, 8) and digits.images.dtype == torch.uint8
    assert digits.images.min() == 0 and digits.images.max() == 255  # 0..16 stretched to 0..255
    np.testing.assert_array_equal(digits.images[:, 0].numpy(), np.rint(sk.images * 255 / 16))
    assert torch.equal(digits.labels, torch.from_numpy(sk.target).long())
    assert digits.labels[:3].tolist() == [0, 1, 2] and digits.classes == tuple("0123456789")


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("sample photos must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("name", sample_photo_names())
def test_every_sample_photo_loads_offline(name, no_network):
    img = sample_photo(name)
    assert img.dtype == np.uint8 and img.flags.c_contiguous
    assert img.ndim == 2 or (img.ndim == 3 and img.shape[2] == 3)
    assert min(img.shape[:2]) >= 150 and img.std() > 10  # a real picture, not a blank


def test_known_photos():
    assert sample_photo().shape == (512, 512)  # the cameraman
    assert sample_photo("astronaut").shape == (512, 512, 3)
    assert sample_photo("china").shape == (427, 640, 3)
    with pytest.raises(ValueError, match="Unknown photo 'lena'.*camera"):
        sample_photo("lena")


def test_to_gray_matches_skimage():
    from skimage.color import rgb2gray

    rgb = sample_photo("coffee")
    gray = to_gray(rgb)
    assert gray.shape == rgb.shape[:2] and gray.dtype == np.float64
    np.testing.assert_allclose(gray, rgb2gray(rgb), rtol=0, atol=1e-12)
    camera = sample_photo("camera")
    np.testing.assert_allclose(to_gray(camera), camera / 255.0, rtol=0, atol=0)
    np.testing.assert_allclose(to_gray(camera / 255.0), camera / 255.0, rtol=0, atol=0)
    white = np.full((2, 2, 3), 255, dtype=np.uint8)
    np.testing.assert_allclose(to_gray(white), 1.0, rtol=0, atol=1e-12)  # the weights sum to 1


def test_to_gray_rejects_bad_input():
    with pytest.raises(ValueError, match="shape"):
        to_gray(np.zeros((4, 4, 2)))
    with pytest.raises(ValueError, match="divide by 255"):
        to_gray(np.full((4, 4), 200.0))
