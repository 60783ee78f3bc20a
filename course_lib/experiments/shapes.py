"""Chapter 12's Grad-CAM check: a small CNN tells a drawn O from an X among distractor strokes."""

from __future__ import annotations

import torch

from ..data import DeviceBatches, make_placed_shapes
from ..models import SmallCNN
from ..profile import Profile
from ..training import TrainConfig, fit
from .core import Outcome

__all__ = ["SHAPE_KW", "SHAPE_TEST_SEED", "placed_shapes_run"]

SHAPE_TEST_SEED = 1000  # test images come from this seed (plus the run's seed)

# 32×32 canvases, one O or X of side 10-16 and two line strokes that carry no class information.
SHAPE_KW = dict(canvas=32, shape_size=(10, 16), kinds=("o", "x"), distractors=2,
                distractor_kinds=("hline", "vline"))


def placed_shapes_run(profile: Profile, seed: int, device: torch.device | str,
                      progress: bool = False) -> Outcome:
    """SmallCNN (width 8) on placed O's and X's; pixels in [0, 1], not normalized.

    Training images are drawn from `seed`, test images from `SHAPE_TEST_SEED` + `seed` (up to
    4,000 and 1,000), so seed 0's test set is new to the networks of every small seed.
    """
    train, _ = make_placed_shapes(profile.take(4000, "train"), seed=seed, **SHAPE_KW)
    test, _ = make_placed_shapes(profile.take(1000, "test"), seed=SHAPE_TEST_SEED + seed,
                                 **SHAPE_KW)
    torch.manual_seed(seed)
    model = SmallCNN(in_channels=1, num_classes=2, width=8)
    history = fit(model, DeviceBatches(train, profile.batch_size, device, shuffle=True, seed=seed),
                  DeviceBatches(test, 500, device), TrainConfig(epochs=profile.epochs, seed=seed),
                  device=device, progress=progress, on_interrupt="raise")
    return Outcome(history, len(train), len(test), model)
