"""VGG (Simonyan & Zisserman, "Very deep convolutional networks for large-scale image recognition",
ICLR 2015): configurations A, B, D and E of the paper's Table 1 (VGG-11/13/16/19), any custom
configuration, and a small version for 32×32 CIFAR-10 images. The paper's LRN variant (A-LRN) and
its 1×1 configuration C are not included.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["VGG", "VGG_CONFIGS", "vgg", "vgg_features"]

# Table 1 of the paper: numbers are 3×3 convolutions (stride 1, padding 1) with that many filters,
# "M" is 2×2 max pooling with stride 2. Each pooling halves the map; widths double up to 512.
VGG_CONFIGS: dict[str, tuple[int | str, ...]] = {
    "vgg11": (64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    "vgg13": (64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"),
    "vgg16": (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
              512, 512, 512, "M"),
    "vgg19": (64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
              512, 512, 512, 512, "M"),
}


def vgg_features(config: Sequence[int | str], in_channels: int = 3,
                 batch_norm: bool = False) -> nn.Sequential:
    """The convolutional part: x: (N, in_channels, H, W) → (N, last width, H/2^p, W/2^p) for p
    poolings. Layers are named as in the paper's blocks: conv{block}_{i}, relu…, pool{block}."""
    layers: OrderedDict[str, nn.Module] = OrderedDict()
    block, index, channels = 1, 1, in_channels
    for item in config:
        if item == "M":
            layers[f"pool{block}"] = nn.MaxPool2d(kernel_size=2, stride=2)
            block, index = block + 1, 1
            continue
        if not isinstance(item, int) or item < 1:
            raise ValueError(f"a VGG configuration holds positive widths and 'M', got {item!r}")
        name = f"{block}_{index}"
        # With BatchNorm right after, a conv bias would be cancelled by the mean subtraction.
        layers[f"conv{name}"] = nn.Conv2d(channels, item, 3, padding=1, bias=not batch_norm)
        if batch_norm:
            layers[f"bn{name}"] = nn.BatchNorm2d(item)
        layers[f"relu{name}"] = nn.ReLU(inplace=True)
        channels, index = item, index + 1
    return nn.Sequential(layers)


class VGG(nn.Module):
    """A VGG network: `vgg_features(config)` then a classifier.

    x: (N, in_channels, image_size, image_size) → (N, num_classes). With `hidden` > 0 the
    classifier is the paper's: flatten → FC(hidden) → ReLU → dropout → FC(hidden) → ReLU →
    dropout → FC(num_classes), with the flattened size computed from `image_size` (7·7·512 at
    224). With `hidden=0` it is global average pooling and one linear layer, which is what small
    CIFAR-10 versions use (the three FC layers hold 124M of VGG-16's 138M parameters).
    """

    def __init__(self, config: Sequence[int | str] = VGG_CONFIGS["vgg16"], in_channels: int = 3,
                 num_classes: int = 1000, image_size: int = 224, hidden: int = 4096,
                 batch_norm: bool = False, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = vgg_features(config, in_channels, batch_norm)
        width = [c for c in config if c != "M"][-1]
        side = image_size // 2 ** sum(1 for c in config if c == "M")
        if hidden > 0:
            if side < 1:
                raise ValueError(f"{image_size}×{image_size} inputs shrink to nothing after "
                                 f"{sum(1 for c in config if c == 'M')} poolings")
            self.classifier = nn.Sequential(OrderedDict(
                flatten=nn.Flatten(),  # (width · side · side,)
                fc1=nn.Linear(width * side * side, hidden), relu1=nn.ReLU(inplace=True),
                drop1=nn.Dropout(dropout),
                fc2=nn.Linear(hidden, hidden), relu2=nn.ReLU(inplace=True),
                drop2=nn.Dropout(dropout),
                fc3=nn.Linear(hidden, num_classes),
            ))
        else:
            self.classifier = nn.Sequential(OrderedDict(
                pool=nn.AdaptiveAvgPool2d(1), flatten=nn.Flatten(),  # (width,)
                drop=nn.Dropout(dropout), fc=nn.Linear(width, num_classes),
            ))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def vgg(name: str = "vgg16", width_divisor: int = 1, **kwargs) -> VGG:
    """VGG by name ("vgg11", "vgg13", "vgg16", "vgg19"); `width_divisor` divides every width
    (e.g. 8 gives 8–64 filters, a small CIFAR-10 version). Other arguments go to `VGG`.

    vgg("vgg16") is the paper's configuration D: 138,357,544 parameters at 224×224.
    """
    if name not in VGG_CONFIGS:
        raise ValueError(f"unknown VGG {name!r}; choose one of {', '.join(VGG_CONFIGS)}")
    config = tuple(c if c == "M" else max(1, c // width_divisor) for c in VGG_CONFIGS[name])
    return VGG(config, **kwargs)
