"""Where and how a notebook runs: the one device choice (CUDA → MPS → CPU), seeding, and the
banner every chapter prints first. Nothing here runs at import time.
"""

from __future__ import annotations

import os
import random
import warnings
from dataclasses import dataclass

import numpy as np
import torch

from .profile import Profile, get_profile

__all__ = ["Runtime", "choose_device", "seed_everything", "setup"]


def choose_device(prefer: str | None = None) -> torch.device:
    """CUDA if available, then Apple MPS, then CPU. `prefer` (or `$COURSE_DEVICE`) overrides."""
    prefer = prefer or os.environ.get("COURSE_DEVICE") or None
    if prefer:
        return torch.device(prefer)
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch (all devices); return a torch generator seeded the same."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA and MPS
    return torch.Generator().manual_seed(seed)


@dataclass(frozen=True)
class Runtime:
    """What a chapter runs with: its compute profile, its device and its seed."""

    profile: Profile  # how much data and how many epochs
    device: torch.device  # where tensors and models live
    seed: int  # the seed every random choice starts from

    def describe(self) -> str:
        p = self.profile
        sizes = (
            f"train ≤ {p.max_train if p.max_train is not None else 'all'}, "
            f"test ≤ {p.max_test if p.max_test is not None else 'all'}, "
            f"{p.epochs} epoch(s), batch {p.batch_size}"
        )
        name = self.device.type
        if self.device.type == "cuda":
            name += f" ({torch.cuda.get_device_name(self.device)})"
        return f"course_lib: profile '{p.name}' ({sizes}) on device '{name}', seed {self.seed}"


def _plain_warning(message, category, filename, lineno, line=None) -> str:
    return f"{category.__name__}: {message}\n"


def setup(seed: int = 0, profile: str | None = None, device: str | None = None,
          verbose: bool = True) -> Runtime:
    """Choose profile and device, seed everything, and print one line saying so.

    Warnings are shown as `Category: message` from here on, without the file and line they were
    raised from: in a notebook that is a temporary file of the kernel, a path of the machine the
    chapter ran on, which means nothing to a reader of the book.
    """
    rt = Runtime(profile=get_profile(profile), device=choose_device(device), seed=seed)
    seed_everything(seed)
    warnings.formatwarning = _plain_warning
    if verbose:
        print(rt.describe())
    return rt
