from __future__ import annotations

import pytest
import torch

from course_lib import PROFILES, get_profile, setup
from course_lib.runtime import choose_device, seed_everything


def test_default_profile_follows_the_device(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    assert get_profile(cuda_available=True).name == "full"
    assert get_profile(cuda_available=False).name == "quick"


def test_environment_chooses_the_profile(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "Smoke ")
    assert get_profile() is PROFILES["smoke"]


def test_unknown_profile_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    with pytest.raises(ValueError, match="Unknown profile 'fast'.*full, quick, smoke"):
        get_profile()


def test_profiles_shrink_from_full_to_smoke():
    full, quick, smoke = (PROFILES[n] for n in ("full", "quick", "smoke"))
    assert full.max_train is None and full.take(60_000) == 60_000
    assert smoke.take(60_000) < quick.take(60_000) < full.take(60_000)
    assert smoke.take(10_000, "test") == smoke.max_test
    assert smoke.epochs <= quick.epochs <= full.epochs


def test_seeding_makes_runs_repeat():
    seed_everything(7)
    a = torch.rand(3)
    seed_everything(7)
    assert torch.equal(a, torch.rand(3))


def test_device_override_and_banner(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    assert choose_device() == torch.device("cpu")
    rt = setup(seed=3, profile="smoke")
    out = capsys.readouterr().out
    assert "profile 'smoke'" in out and "device 'cpu'" in out and "seed 3" in out
    assert rt.seed == 3 and rt.profile.name == "smoke"


def test_comparisons_run_three_seeds_except_on_smoke():
    assert PROFILES["quick"].seeds >= 3 and PROFILES["full"].seeds >= 3
    assert PROFILES["smoke"].seeds == 1  # tests only check that the code runs
