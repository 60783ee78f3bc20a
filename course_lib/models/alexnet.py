"""AlexNet (Krizhevsky, Sutskever & Hinton, "ImageNet classification with deep convolutional
neural networks", NeurIPS 2012) as the paper drew it, two-GPU split included, plus a small
version of the same design for 32×32 CIFAR-10 images.

Not torchvision's `alexnet` (that is the one-GPU variant of Krizhevsky's 2014 "one weird trick"
paper: 64/192/384/256/256 filters, no LRN).
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

__all__ = ["AlexNet", "AlexNetSmall"]


def _lrn() -> nn.LocalResponseNorm:
    # The paper: b = a / (k + α Σ a²)^β with k = 2, n = 5, α = 1e-4, β = 0.75. PyTorch divides α
    # by n inside the sum (α/n Σ a²), so the paper's α is passed as n·α.
    return nn.LocalResponseNorm(size=5, alpha=5 * 1e-4, beta=0.75, k=2.0)


class AlexNet(nn.Module):
    """Five convolutions and three fully connected layers; ReLU, LRN, overlapping 3×3/2 max pool.

    x: (N, 3, 227, 227) → (N, num_classes). The paper says 224×224, but its 11×11 stride-4 first
    layer only yields 55×55 maps from 227×227 ((227 − 11)/4 + 1 = 55), the size it reports.
    Shapes: conv1 (96, 55, 55) → pool (96, 27, 27) → conv2 (256, 27, 27) → pool (256, 13, 13)
    → conv3 (384, 13, 13) → conv4 (384, 13, 13) → conv5 (256, 13, 13) → pool (256, 6, 6)
    → fc6 4096 → fc7 4096 → fc8 num_classes.

    `groups=2` reproduces the two-GPU network: conv2, conv4 and conv5 see only the half of the
    maps on their own GPU (grouped convolutions), conv3 and the FC layers see both halves.
    60,965,224 parameters (the paper: "60 million"); `groups=1` merges the halves: 62,378,344.
    Dropout 0.5 on the outputs of fc6 and fc7 (after their ReLUs), as in the paper and Caffe's
    replication; torchvision's variant drops the inputs of fc6 and fc7 instead.
    """

    def __init__(self, num_classes: int = 1000, groups: int = 2, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(OrderedDict(
            conv1=nn.Conv2d(3, 96, kernel_size=11, stride=4), relu1=nn.ReLU(inplace=True),
            norm1=_lrn(), pool1=nn.MaxPool2d(kernel_size=3, stride=2),  # overlapping pooling
            conv2=nn.Conv2d(96, 256, kernel_size=5, padding=2, groups=groups),
            relu2=nn.ReLU(inplace=True), norm2=_lrn(), pool2=nn.MaxPool2d(3, 2),
            conv3=nn.Conv2d(256, 384, kernel_size=3, padding=1), relu3=nn.ReLU(inplace=True),
            conv4=nn.Conv2d(384, 384, kernel_size=3, padding=1, groups=groups),
            relu4=nn.ReLU(inplace=True),
            conv5=nn.Conv2d(384, 256, kernel_size=3, padding=1, groups=groups),
            relu5=nn.ReLU(inplace=True), pool5=nn.MaxPool2d(3, 2),  # (256, 6, 6)
        ))
        self.classifier = nn.Sequential(OrderedDict(
            flatten=nn.Flatten(),  # (9216,)
            fc6=nn.Linear(256 * 6 * 6, 4096), relu6=nn.ReLU(inplace=True),
            drop6=nn.Dropout(dropout),  # drops fc6's outputs, as in the paper and Caffe's model
            fc7=nn.Linear(4096, 4096), relu7=nn.ReLU(inplace=True),
            drop7=nn.Dropout(dropout),  # drops fc7's outputs
            fc8=nn.Linear(4096, num_classes),
        ))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def _small_conv(in_channels: int, out_channels: int, kernel_size: int,
                batch_norm: bool) -> OrderedDict[str, nn.Module]:
    layers: OrderedDict[str, nn.Module] = OrderedDict(conv=nn.Conv2d(
        in_channels, out_channels, kernel_size, padding=kernel_size // 2, bias=not batch_norm))
    if batch_norm:
        layers["bn"] = nn.BatchNorm2d(out_channels)
    layers["relu"] = nn.ReLU(inplace=True)
    return layers


class AlexNetSmall(nn.Module):
    """AlexNet's design scaled to 32×32 inputs: 5 conv (the first 5×5, then 3×3), ReLU, overlapping
    3×3/2 max pooling, LRN after the first two layers, two FC layers with dropout on their
    outputs, then the output layer.

    x: (N, in_channels, 32, 32) → (N, num_classes). Widths are `width` × (1, 3, 6, 4, 4) (the
    paper's 96/256/384/384/256 ratios, rounded) and `hidden` units in fc6/fc7. Shapes at width 8:
    conv1 (8, 32, 32) → pool (8, 15, 15) → conv2 (24, 15, 15) → pool (24, 7, 7) → conv3..5
    → pool (32, 3, 3) → fc6, fc7 → logits. `batch_norm` puts BatchNorm after every convolution
    instead of LRN (which it replaced in later networks), so the network trains in few epochs.
    """

    def __init__(self, in_channels: int = 3, num_classes: int = 10, width: int = 32,
                 hidden: int = 256, dropout: float = 0.5, batch_norm: bool = False) -> None:
        super().__init__()
        c1, c2, c3, c4, c5 = (width * m for m in (1, 3, 6, 4, 4))
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        for i, (c_in, c_out, k) in enumerate(
                [(in_channels, c1, 5), (c1, c2, 3), (c2, c3, 3), (c3, c4, 3), (c4, c5, 3)], 1):
            layers.update((f"{name}{i}", m) for name, m in _small_conv(c_in, c_out, k,
                                                                       batch_norm).items())
            if i <= 2 and not batch_norm:
                layers[f"norm{i}"] = _lrn()
            if i in (1, 2, 5):
                layers[f"pool{i}"] = nn.MaxPool2d(3, 2)  # 32 → 15 → 7 → 3
        self.features = nn.Sequential(layers)
        self.classifier = nn.Sequential(OrderedDict(
            flatten=nn.Flatten(),
            fc6=nn.Linear(c5 * 3 * 3, hidden), relu6=nn.ReLU(inplace=True),
            drop6=nn.Dropout(dropout),  # on fc6's and fc7's outputs, as in AlexNet
            fc7=nn.Linear(hidden, hidden), relu7=nn.ReLU(inplace=True),
            drop7=nn.Dropout(dropout),
            fc8=nn.Linear(hidden, num_classes),
        ))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))
