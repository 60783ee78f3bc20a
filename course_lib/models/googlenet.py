"""GoogLeNet, "Inception-v1" (Szegedy et al., "Going deeper with convolutions", CVPR 2015):
Inception modules with 1×1 reductions, the stem, two auxiliary classifiers and global average
pooling, laid out as the paper's Table 1; plus a small version for 32×32 CIFAR-10 images.

Differs from torchvision's `googlenet`, whose "5×5" branch uses a 3×3 kernel and which adds
BatchNorm; here the 5×5 branch is 5×5 and there is no BatchNorm, as in the paper.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["INCEPTION_TABLE", "GoogLeNet", "GoogLeNetOutputs", "GoogLeNetSmall", "Inception",
           "InceptionSpec"]


@dataclass(frozen=True)
class InceptionSpec:
    """One row of Table 1: the filters of each branch of an Inception module."""

    in_channels: int  # depth of the module's input
    c1: int  # "#1×1": 1×1 branch
    c3_reduce: int  # "#3×3 reduce": 1×1 before the 3×3
    c3: int  # "#3×3"
    c5_reduce: int  # "#5×5 reduce": 1×1 before the 5×5
    c5: int  # "#5×5"
    pool_proj: int  # "pool proj": 1×1 after the 3×3 max pooling

    @property
    def out_channels(self) -> int:
        """The branches are concatenated along channels: c1 + c3 + c5 + pool_proj."""
        return self.c1 + self.c3 + self.c5 + self.pool_proj

    def scaled(self, divisor: int, in_channels: int) -> InceptionSpec:
        """Every width divided by `divisor` (at least 1), fed by `in_channels`."""
        def d(c: int) -> int:
            return max(1, c // divisor)

        return InceptionSpec(in_channels, d(self.c1), d(self.c3_reduce), d(self.c3),
                             d(self.c5_reduce), d(self.c5), d(self.pool_proj))


# Table 1 of the paper, in order; "M" marks the 3×3/2 max pooling between the groups.
INCEPTION_TABLE: dict[str, InceptionSpec] = {
    "3a": InceptionSpec(192, 64, 96, 128, 16, 32, 32),
    "3b": InceptionSpec(256, 128, 128, 192, 32, 96, 64),
    "4a": InceptionSpec(480, 192, 96, 208, 16, 48, 64),
    "4b": InceptionSpec(512, 160, 112, 224, 24, 64, 64),
    "4c": InceptionSpec(512, 128, 128, 256, 24, 64, 64),
    "4d": InceptionSpec(512, 112, 144, 288, 32, 64, 64),
    "4e": InceptionSpec(528, 256, 160, 320, 32, 128, 128),
    "5a": InceptionSpec(832, 256, 160, 320, 32, 128, 128),
    "5b": InceptionSpec(832, 384, 192, 384, 48, 128, 128),
}


def _conv(in_channels: int, out_channels: int, kernel_size: int, batch_norm: bool = False,
          **kwargs) -> nn.Sequential:
    """Convolution + ReLU: the paper puts a ReLU after every convolution, reductions included.
    With `batch_norm`, BatchNorm sits between them and the convolution loses its bias."""
    layers: OrderedDict[str, nn.Module] = OrderedDict(
        conv=nn.Conv2d(in_channels, out_channels, kernel_size, bias=not batch_norm, **kwargs))
    if batch_norm:
        layers["bn"] = nn.BatchNorm2d(out_channels)
    layers["relu"] = nn.ReLU(inplace=True)
    return nn.Sequential(layers)


class Inception(nn.Module):
    """Four parallel branches, concatenated: 1×1 | 1×1 → 3×3 | 1×1 → 5×5 | 3×3 max pool → 1×1.

    x: (N, in_channels, H, W) → (N, c1 + c3 + c5 + pool_proj, H, W). The 1×1 "reductions" shrink
    the depth before the expensive 3×3 and 5×5 convolutions: in 3a the 5×5 branch costs
    192·16 + 16·25·32 = 15,872 weights instead of 192·25·32 = 153,600.
    """

    def __init__(self, spec: InceptionSpec, batch_norm: bool = False) -> None:
        super().__init__()
        self.spec = spec
        s, bn = spec, batch_norm
        self.branch1 = _conv(s.in_channels, s.c1, 1, bn)
        self.branch3 = nn.Sequential(OrderedDict(
            reduce=_conv(s.in_channels, s.c3_reduce, 1, bn),
            conv=_conv(s.c3_reduce, s.c3, 3, bn, padding=1)))
        self.branch5 = nn.Sequential(OrderedDict(
            reduce=_conv(s.in_channels, s.c5_reduce, 1, bn),
            conv=_conv(s.c5_reduce, s.c5, 5, bn, padding=2)))
        self.branch_pool = nn.Sequential(OrderedDict(
            pool=nn.MaxPool2d(3, stride=1, padding=1),
            proj=_conv(s.in_channels, s.pool_proj, 1, bn)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branches = (self.branch1(x), self.branch3(x), self.branch5(x), self.branch_pool(x))
        return torch.cat(branches, dim=1)  # (N, C_out, H, W)


class AuxClassifier(nn.Module):
    """The side classifier on 4a and 4d: 5×5/3 average pool → 1×1 conv (128) → FC 1024 → dropout
    70% → FC num_classes. x: (N, C, 14, 14) → (N, num_classes). Training only: its loss is added
    with weight 0.3; at inference it is dropped."""

    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.pool = nn.AvgPool2d(5, stride=3)  # (C, 4, 4)
        self.conv = _conv(in_channels, 128, 1)  # (128, 4, 4)
        self.fc1 = nn.Linear(128 * 4 * 4, 1024)
        self.dropout = nn.Dropout(0.7)
        self.fc2 = nn.Linear(1024, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv(self.pool(x)).flatten(1)  # (N, 2048)
        return self.fc2(self.dropout(F.relu(self.fc1(x))))


class GoogLeNetOutputs(NamedTuple):
    logits: torch.Tensor  # (N, num_classes) of the main classifier
    aux1: torch.Tensor  # (N, num_classes) of the classifier on 4a
    aux2: torch.Tensor  # (N, num_classes) of the classifier on 4d


class GoogLeNet(nn.Module):
    """GoogLeNet as in Table 1. x: (N, 3, 224, 224) → (N, num_classes).

    stem: 7×7/2 conv (64, 112, 112) → 3×3/2 max pool (64, 56, 56) → LRN → 1×1 conv (64) → 3×3 conv
    (192, 56, 56) → LRN → max pool (192, 28, 28); inception 3a, 3b (480, 28, 28) → max pool →
    4a … 4e (832, 14, 14) → max pool → 5a, 5b (1024, 7, 7) → 7×7 average pool → dropout 40% →
    linear. Max pools round up (ceil mode), as in the paper's Caffe model, so 112 → 56 → 28.

    With `aux_logits`, a model in training mode returns `GoogLeNetOutputs` (use `loss`); in eval
    mode it returns the main logits only, as at inference.
    """

    def __init__(self, num_classes: int = 1000, aux_logits: bool = True,
                 dropout: float = 0.4) -> None:
        super().__init__()
        self.stem = nn.Sequential(OrderedDict(
            conv1=_conv(3, 64, 7, stride=2, padding=3),
            pool1=nn.MaxPool2d(3, stride=2, ceil_mode=True),
            # LRN as in the paper's Caffe model (bvlc_googlenet): Caffe, like PyTorch, divides α
            # by the window size n, so α = 1e-4 carries over unchanged; k = 1.
            norm1=nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=1.0),
            # Table 1's second row: a 1×1 reduction (64) before the 3×3 convolution (192).
            conv2=nn.Sequential(OrderedDict(reduce=_conv(64, 64, 1),
                                            conv=_conv(64, 192, 3, padding=1))),
            norm2=nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=1.0),
            pool2=nn.MaxPool2d(3, stride=2, ceil_mode=True),
        ))
        t = INCEPTION_TABLE

        def group(names: str) -> nn.Sequential:
            return nn.Sequential(OrderedDict((n, Inception(t[n]))
                                             for n in names.split()))

        self.inception3 = group("3a 3b")
        self.pool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4 = group("4a 4b 4c 4d 4e")
        self.pool4 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception5 = group("5a 5b")
        self.avgpool = nn.AdaptiveAvgPool2d(1)  # the 7×7/1 average pool at 224×224
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(1024, num_classes)
        self.aux1 = AuxClassifier(512, num_classes) if aux_logits else None
        self.aux2 = AuxClassifier(528, num_classes) if aux_logits else None

    def forward(self, x: torch.Tensor) -> torch.Tensor | GoogLeNetOutputs:
        x = self.pool3(self.inception3(self.stem(x)))  # (480, 14, 14)
        aux: list[torch.Tensor] = []
        for name, module in self.inception4.named_children():
            x = module(x)  # 4a … 4e: (512 … 832, 14, 14)
            side = {"4a": self.aux1, "4d": self.aux2}.get(name)
            if side is not None and self.training:
                aux.append(side(x))  # the side classifiers read 4a's and 4d's outputs
        x = self.inception5(self.pool4(x))  # (1024, 7, 7)
        logits = self.fc(self.dropout(self.avgpool(x).flatten(1)))
        if aux:
            return GoogLeNetOutputs(logits, *aux)
        return logits

    @staticmethod
    def loss(outputs: torch.Tensor | GoogLeNetOutputs, target: torch.Tensor) -> torch.Tensor:
        """Cross-entropy of the main classifier plus 0.3 × each auxiliary one (the paper's §5)."""
        if isinstance(outputs, GoogLeNetOutputs):
            return (F.cross_entropy(outputs.logits, target)
                    + 0.3 * (F.cross_entropy(outputs.aux1, target)
                             + F.cross_entropy(outputs.aux2, target)))
        return F.cross_entropy(outputs, target)


class GoogLeNetSmall(nn.Module):
    """The same nine Inception modules with every width divided by `width_divisor`, on a small
    stem for 32×32 inputs: 3×3/2 conv (192/d, 16, 16) → 3a, 3b → max pool (8, 8) → 4a … 4e →
    max pool (4, 4) → 5a, 5b → global average pool → dropout → linear. No LRN, no auxiliary
    classifiers. `batch_norm` (default on) puts BatchNorm after every convolution: without it
    this 22-layer network barely trains in a few epochs. x: (N, in_channels, 32, 32) →
    (N, num_classes).
    """

    def __init__(self, in_channels: int = 3, num_classes: int = 10, width_divisor: int = 8,
                 dropout: float = 0.2, batch_norm: bool = True) -> None:
        super().__init__()
        stem_width = max(1, 192 // width_divisor)
        self.stem = _conv(in_channels, stem_width, 3, batch_norm, stride=2, padding=1)
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        channels = stem_width
        for name, spec in INCEPTION_TABLE.items():
            if name in ("4a", "5a"):  # the paper's pools between groups 3/4 and 4/5
                layers[f"pool{name[0]}"] = nn.MaxPool2d(3, stride=2, padding=1)
            layers[f"inception{name}"] = Inception(spec.scaled(width_divisor, channels),
                                                   batch_norm)
            channels = layers[f"inception{name}"].spec.out_channels
        self.inceptions = nn.Sequential(layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(channels, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.inceptions(self.stem(x))  # (C, 4, 4) at 32×32
        return self.fc(self.dropout(self.pool(x).flatten(1)))
