"""Plain convolutional networks built from stages of [conv 3×3 → (BatchNorm) → ReLU] × k and a
2×2 max pool, then a small dense classifier with optional dropout: the "INPUT → [[CONV → RELU]×N
→ POOL]×M → [FC → RELU]×K → FC" pattern (CS231n), with BatchNorm and dropout as switches so
the same network can be trained with and without them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["ConvNet"]


class ConvNet(nn.Module):
    """Stages of `convs_per_stage` size-preserving 3×3 convolutions (each followed by BatchNorm2d
    if `batch_norm`, then ReLU) and a 2×2 max pool; flatten; (Dropout) → Linear(hidden) → ReLU →
    (Dropout) → Linear(num_classes).

    x: (N, in_channels, image_size, image_size) → logits (N, num_classes). Stage s has
    widths[s] channels and halves the map, so the classifier sees
    widths[-1] · (image_size / 2^stages)² features. With `batch_norm` the convolutions have no
    bias (BN subtracts the channel mean right after, which would cancel it). Modules are named
    stageS.convK / stageS.bnK / stageS.reluK, and classifier.fc1 / classifier.fc2.
    """

    def __init__(
        self,
        in_channels: int = 3,
        num_classes: int = 10,
        widths: Sequence[int] = (32, 64, 128),
        convs_per_stage: int = 1,
        image_size: int = 32,
        hidden: int = 256,
        batch_norm: bool = False,
        dropout: float = 0.0,
    ) -> None:
        super().__init__()
        if image_size % 2 ** len(widths):
            raise ValueError(f"image_size {image_size} must be divisible by 2^{len(widths)} "
                             f"for {len(widths)} exact 2×2 poolings")
        stages: OrderedDict[str, nn.Module] = OrderedDict()
        channels = in_channels
        for s, width in enumerate(widths, start=1):
            stage: OrderedDict[str, nn.Module] = OrderedDict()
            for k in range(1, convs_per_stage + 1):
                stage[f"conv{k}"] = nn.Conv2d(channels, width, kernel_size=3, padding=1,
                                              bias=not batch_norm)
                if batch_norm:
                    stage[f"bn{k}"] = nn.BatchNorm2d(width)
                stage[f"relu{k}"] = nn.ReLU(inplace=True)
                channels = width
            stage["pool"] = nn.MaxPool2d(2)  # (width, H/2, W/2)
            stages[f"stage{s}"] = nn.Sequential(stage)
        self.features = nn.Sequential(stages)
        side = image_size // 2 ** len(widths)
        head: OrderedDict[str, nn.Module] = OrderedDict(flatten=nn.Flatten())  # (C·side²,)
        if dropout:
            head["drop1"] = nn.Dropout(dropout)
        head["fc1"] = nn.Linear(channels * side * side, hidden)
        head["relu"] = nn.ReLU(inplace=True)
        if dropout:
            head["drop2"] = nn.Dropout(dropout)
        head["fc2"] = nn.Linear(hidden, num_classes)
        self.classifier = nn.Sequential(head)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))
