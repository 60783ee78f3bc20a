"""ResNet-9 for CIFAR-10 in the style of the DAWNBench winners (D. Page, "How to train your
ResNet", 2018; Myrtle.ai): conv-BN-ReLU blocks, max-pool downsampling, two residual blocks,
a scaled linear head. About 6.6 M parameters; the fast recipe lives in course_lib.recipes.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

__all__ = ["ResNet9"]


def _conv_bn(in_channels: int, out_channels: int, pool: bool = False) -> nn.Sequential:
    """3×3 conv (no bias: BN follows), BN, ReLU, then 2×2 max pool when `pool`."""
    layers = OrderedDict(
        conv=nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
        bn=nn.BatchNorm2d(out_channels),
        relu=nn.ReLU(inplace=True),
    )
    if pool:
        layers["pool"] = nn.MaxPool2d(2)
    return nn.Sequential(layers)


class _Residual(nn.Module):
    """x + F(x) with F two conv-BN-ReLU blocks: the identity path keeps gradients flowing."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.f = nn.Sequential(_conv_bn(channels, channels), _conv_bn(channels, channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.f(x)


class ResNet9(nn.Module):
    """x: (N, 3, 32, 32) → logits (N, num_classes).

    prep 64 (32×32) → layer1 128 + pool (16×16) + residual → layer2 256 + pool (8×8) →
    layer3 512 + pool (4×4) + residual → global max pool → linear × `scale`. The head's output
    is multiplied by 0.125 (Page, 2018): smaller initial logits keep the first steps of a high
    learning rate from saturating the softmax.
    """

    def __init__(self, num_classes: int = 10, width: int = 64, scale: float = 0.125) -> None:
        super().__init__()
        w = width
        self.features = nn.Sequential(
            OrderedDict(
                prep=_conv_bn(3, w),  # (w, 32, 32)
                layer1=_conv_bn(w, 2 * w, pool=True),  # (2w, 16, 16)
                res1=_Residual(2 * w),
                layer2=_conv_bn(2 * w, 4 * w, pool=True),  # (4w, 8, 8)
                layer3=_conv_bn(4 * w, 8 * w, pool=True),  # (8w, 4, 4)
                res3=_Residual(8 * w),
                pool=nn.AdaptiveMaxPool2d(1),  # (8w, 1, 1)
                flatten=nn.Flatten(),  # (8w,)
            )
        )
        self.classifier = nn.Linear(8 * w, num_classes, bias=False)
        self.scale = scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x)) * self.scale
