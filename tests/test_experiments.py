"""Chapter experiments run end to end on the smoke profile and are sized from the profile."""

from __future__ import annotations

from dataclasses import replace

import torch

from course_lib.experiments import degradation_run, degradation_size, mnist_cnn_run
from course_lib.profile import PROFILES


def test_degradation_is_sized_from_the_profile():
    assert degradation_size(PROFILES["quick"]) == (2_000, 6)
    assert degradation_size(PROFILES["smoke"]) == (100, 2)
    assert degradation_size(PROFILES["full"]) == (50_000, 30)
    n_ext, _ = degradation_size(PROFILES["extended"])
    assert n_ext == 50_000


def test_a_seed_fixes_the_whole_run():
    smoke, cpu = PROFILES["smoke"], torch.device("cpu")
    a = degradation_run(8, True, smoke, 1, cpu)
    b = degradation_run(8, True, smoke, 1, cpu)
    c = degradation_run(8, True, smoke, 2, cpu)
    assert a.train_images == 100 and a.test_images == 0 and a.test_acc is None
    assert len(a.history) == 2 and a.train_acc == b.train_acc
    assert a.history[-1].train_loss == b.history[-1].train_loss
    assert a.history[-1].train_loss != c.history[-1].train_loss


def test_mnist_cnn_learns_on_smoke():
    out = mnist_cnn_run(replace(PROFILES["smoke"], epochs=4), 0, torch.device("cpu"))
    assert out.train_images == 500 and out.test_images == 500 and len(out.history) == 4
    assert out.test_acc > 0.3  # ten classes: chance is 0.1
    assert len(out.mean) == 1 and 0.05 < out.mean[0] < 0.3  # MNIST pixels are mostly black
