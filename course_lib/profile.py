"""Compute profiles: how much data and how many epochs a run spends (`full`, `quick`, `smoke`;
`extended` sizes the reference results measured on a CPU).

Chapters read sizes from the active profile and never branch on its name in prose. The profile
comes from `COURSE_PROFILE`; without it, `full` on CUDA and `quick` elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["PROFILES", "Profile", "get_profile"]


@dataclass(frozen=True)
class Profile:
    """How much compute a run spends. Every chapter scales its experiments from these fields."""

    name: str
    max_train: int | None  # training images used (None: the whole training set)
    max_test: int | None  # test images used (None: the whole test set)
    epochs: int  # passes over the training subset for a chapter's main experiment
    batch_size: int  # minibatch size for training and evaluation
    compile: bool = False  # wrap models in torch.compile (worth it only on CUDA, for long runs)
    seeds: int = 3  # seeds per condition in a comparison (course_lib.claims needs >= 3 for spread)

    def take(self, n: int, split: str = "train") -> int:
        """How many of `n` available items this profile uses for `split` ('train' or 'test')."""
        cap = self.max_train if split == "train" else self.max_test
        return n if cap is None else min(n, cap)


PROFILES: dict[str, Profile] = {
    # Paper-like data and epochs: what a GPU runs.
    "full": Profile("full", max_train=None, max_test=None, epochs=15, batch_size=256, compile=True),
    # Default on CPU: each chapter within minutes on a laptop, results still meaningful.
    "quick": Profile("quick", max_train=20_000, max_test=None, epochs=3, batch_size=128),
    # Tests and CI: tiny subsets, one short epoch, each chapter well under a minute on 2 cores.
    "smoke": Profile("smoke", max_train=1_000, max_test=500, epochs=1, batch_size=128, seeds=1),
    # Reference results on a CPU (`make results`): runs too long for a chapter, in the background.
    "extended": Profile("extended", max_train=None, max_test=None, epochs=6, batch_size=128),
}


def get_profile(name: str | None = None, cuda_available: bool | None = None) -> Profile:
    """The profile `name`, else `$COURSE_PROFILE`, else `full` on CUDA and `quick` otherwise."""
    name = name or os.environ.get("COURSE_PROFILE", "").strip().lower() or None
    if name is None:
        if cuda_available is None:
            import torch

            cuda_available = torch.cuda.is_available()
        name = "full" if cuda_available else "quick"
    if name not in PROFILES:
        raise ValueError(
            f"Unknown profile {name!r} (from COURSE_PROFILE or the argument). "
            f"Choose one of: {', '.join(PROFILES)}."
        )
    return PROFILES[name]
