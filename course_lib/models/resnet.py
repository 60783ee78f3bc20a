"""ResNet (He, Zhang, Ren & Sun, "Deep residual learning for image recognition", CVPR 2016):
basic and bottleneck blocks; shortcuts of the paper's options A (identity, zero-padded when the
shape changes), B (projection only when it changes) and C (always projection) or none at all
(the "plain" counterpart); the ImageNet networks of Table 1 and the CIFAR-10 networks of §4.2.

Bottleneck blocks stride in their first 1×1 convolution, as in the paper (torchvision's "v1.5"
strides in the 3×3 instead: same parameters, about 6% more multiply-adds).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["IMAGENET_DEPTHS", "SHORTCUTS", "BasicBlock", "Bottleneck", "ResNet", "cifar_resnet",
           "resnet"]

SHORTCUTS = ("A", "B", "C", None)  # None: a plain network, no shortcut at all
IMAGENET_DEPTHS: dict[int, tuple[str, tuple[int, int, int, int]]] = {  # Table 1
    18: ("basic", (2, 2, 2, 2)),
    34: ("basic", (3, 4, 6, 3)),
    50: ("bottleneck", (3, 4, 6, 3)),
    101: ("bottleneck", (3, 4, 23, 3)),
    152: ("bottleneck", (3, 8, 36, 3)),
}


class PadShortcut(nn.Module):
    """Option A: keep every `stride`-th pixel and append zero channels; no parameters.
    x: (N, C_in, H, W) → (N, C_out, ⌈H/stride⌉, ⌈W/stride⌉)."""

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        self.extra, self.stride = out_channels - in_channels, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, :, :: self.stride, :: self.stride]
        return F.pad(x, (0, 0, 0, 0, 0, self.extra))  # zeros after the last channel


def _shortcut(option: str | None, in_channels: int, out_channels: int,
              stride: int) -> nn.Module | None:
    """The shortcut path of a block (None for a plain block)."""
    if option not in SHORTCUTS:
        raise ValueError(f"shortcut must be one of {SHORTCUTS}, got {option!r}")
    if option is None:
        return None
    same = stride == 1 and in_channels == out_channels
    if option == "C" or (option == "B" and not same):
        # Projection W_s·x (eq. 2): a strided 1×1 convolution, then BN like every conv.
        return nn.Sequential(OrderedDict(
            conv=nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
            bn=nn.BatchNorm2d(out_channels)))
    if same:
        return nn.Identity()
    return PadShortcut(in_channels, out_channels, stride)


class BasicBlock(nn.Module):
    """Two 3×3 convolutions: y = ReLU(F(x) + shortcut(x)), F = BN(conv(ReLU(BN(conv(x))))).

    x: (N, in_channels, H, W) → (N, channels, H/stride, W/stride). With `shortcut=None` it is the
    plain block ReLU(F(x)). Convolutions have no bias (BatchNorm follows each one).
    """

    expansion = 1

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 shortcut: str | None = "B") -> None:
        super().__init__()
        out = channels * self.expansion
        self.conv1 = nn.Conv2d(in_channels, channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(channels, out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out)
        self.shortcut = _shortcut(shortcut, in_channels, out, stride)
        self.relu2 = nn.ReLU(inplace=True)

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        """F(x): what the block adds to its input."""
        return self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x)))))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.residual(x)
        if self.shortcut is not None:
            out = out + self.shortcut(x)  # H(x) = F(x) + x: the block learns F = H − x
        return self.relu2(out)


class Bottleneck(BasicBlock):
    """1×1 (reduce to `channels`) → 3×3 → 1×1 (expand to 4·channels), then the shortcut.

    x: (N, in_channels, H, W) → (N, 4·channels, H/stride, W/stride). On 256 channels
    (channels=64) it has 256·64 + 64·9·64 + 64·256 = 69,632 weights, fewer than one basic block
    on 64 channels (2·64·9·64 = 73,728), for four times the width.
    """

    expansion = 4

    def __init__(self, in_channels: int, channels: int, stride: int = 1,
                 shortcut: str | None = "B", stride_in_1x1: bool = True) -> None:
        nn.Module.__init__(self)
        out = channels * self.expansion
        s1, s3 = (stride, 1) if stride_in_1x1 else (1, stride)
        self.conv1 = nn.Conv2d(in_channels, channels, 1, stride=s1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(channels, channels, 3, stride=s3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.relu2a = nn.ReLU(inplace=True)
        self.conv3 = nn.Conv2d(channels, out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out)
        self.shortcut = _shortcut(shortcut, in_channels, out, stride)
        self.relu2 = nn.ReLU(inplace=True)

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        x = self.relu1(self.bn1(self.conv1(x)))
        return self.bn3(self.conv3(self.relu2a(self.bn2(self.conv2(x)))))


class ResNet(nn.Module):
    """A stem, stages of blocks (the first of each stage after the first halves the map and
    doubles the width), global average pooling and one linear layer.

    x: (N, in_channels, H, W) → (N, num_classes). `stem="imagenet"`: 7×7/2 conv, BN, ReLU, 3×3/2
    max pool (224 → 56); `stem="cifar"`: 3×3 conv, BN, ReLU (32 stays 32). Stages are named as
    in Table 1, conv2_x, conv3_x, …; blocks within a stage block1, block2, ….
    """

    def __init__(self, block: str, blocks_per_stage: Sequence[int],
                 widths: Sequence[int] = (64, 128, 256, 512), shortcut: str | None = "B",
                 stem: str = "imagenet", in_channels: int = 3, num_classes: int = 1000,
                 stride_in_1x1: bool = True) -> None:
        super().__init__()
        if block not in ("basic", "bottleneck"):
            raise ValueError(f"block must be 'basic' or 'bottleneck', got {block!r}")
        if len(widths) != len(blocks_per_stage):
            raise ValueError(f"{len(blocks_per_stage)} stages need as many widths, got {widths}")
        cls = BasicBlock if block == "basic" else Bottleneck
        first = widths[0]
        if stem == "imagenet":
            self.stem = nn.Sequential(OrderedDict(
                conv=nn.Conv2d(in_channels, first, 7, stride=2, padding=3, bias=False),
                bn=nn.BatchNorm2d(first), relu=nn.ReLU(inplace=True),
                pool=nn.MaxPool2d(3, stride=2, padding=1)))
        elif stem == "cifar":
            self.stem = nn.Sequential(OrderedDict(
                conv=nn.Conv2d(in_channels, first, 3, padding=1, bias=False),
                bn=nn.BatchNorm2d(first), relu=nn.ReLU(inplace=True)))
        else:
            raise ValueError(f"stem must be 'imagenet' or 'cifar', got {stem!r}")
        channels = first
        extra = {"stride_in_1x1": stride_in_1x1} if cls is Bottleneck else {}
        for i, (width, n) in enumerate(zip(widths, blocks_per_stage, strict=True)):
            stage = OrderedDict()
            for j in range(n):
                stride = 2 if i > 0 and j == 0 else 1
                stage[f"block{j + 1}"] = cls(channels, width, stride, shortcut, **extra)
                channels = width * cls.expansion
            self.add_module(f"conv{i + 2}_x", nn.Sequential(stage))
        self.num_stages = len(widths)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, num_classes)
        self._he_init()

    def _he_init(self) -> None:
        # He et al. 2015 ("Delving deep into rectifiers"), the initialization the paper uses:
        # zero-mean Gaussian with std √(2 / fan), which keeps ReLU signals' variance steady.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def stages(self) -> list[nn.Sequential]:
        return [getattr(self, f"conv{i + 2}_x") for i in range(self.num_stages)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.stem(x)
        for stage in self.stages():
            x = stage(x)  # each stage after the first: (2C, H/2, W/2)
        return self.fc(self.pool(x).flatten(1))


def resnet(depth: int, plain: bool = False, shortcut: str = "B", **kwargs) -> ResNet:
    """The ImageNet ResNet-18/34/50/101/152 of Table 1 (or its plain counterpart, `plain=True`).

    Default shortcut "B" (projections only where the shape changes), as torchvision uses: the
    parameter counts are then 11.7M/21.8M/25.6M/44.5M/60.2M. Other arguments go to `ResNet`.
    """
    if depth not in IMAGENET_DEPTHS:
        raise ValueError(f"ImageNet ResNets have depth 18, 34, 50, 101 or 152, got {depth}")
    block, layers = IMAGENET_DEPTHS[depth]
    return ResNet(block, layers, shortcut=None if plain else shortcut, **kwargs)


def cifar_resnet(depth: int, plain: bool = False, width: int = 16, shortcut: str = "A",
                 num_classes: int = 10, in_channels: int = 3) -> ResNet:
    """The CIFAR-10 networks of §4.2: 6n + 2 layers (depth 20, 32, 44, 56, 110, …).

    x: (N, 3, 32, 32) → (N, 10). A 3×3 conv with `width` filters, then three stages of n basic
    blocks with width, 2·width, 4·width filters on 32×32, 16×16 and 8×8 maps, global average
    pooling and a linear layer. The paper uses width 16 and option A (parameter-free) shortcuts,
    so plain and residual networks have the same parameters: ResNet-20 has 0.27M.
    """
    if depth < 8 or (depth - 2) % 6:
        raise ValueError(f"CIFAR ResNets have 6n + 2 layers (8, 14, 20, 32, 44, 56, 110, …), "
                         f"got {depth}")
    n = (depth - 2) // 6
    return ResNet("basic", (n, n, n), widths=(width, 2 * width, 4 * width),
                  shortcut=None if plain else shortcut, stem="cifar", in_channels=in_channels,
                  num_classes=num_classes)
