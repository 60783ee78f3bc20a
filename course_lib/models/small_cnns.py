"""Small CNNs for 28×28 and 32×32 images: the seed's Keras MNIST model, and a fast BatchNorm CNN.

`KerasMNISTCNN` follows the Keras "Convolutional Neural Network" tutorial layer for layer
(tensorflow.org/tutorials/images/cnn, with a 1-channel 28×28 input); `SmallCNN` is the course's
default model where a chapter needs a quick, accurate classifier.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

__all__ = ["KerasMNISTCNN", "SmallCNN"]


class KerasMNISTCNN(nn.Module):
    """Conv(32, 3×3) → pool → Conv(64, 3×3) → pool → Conv(64, 3×3) → Dense(64) → Dense(10).

    x: (N, 1, 28, 28) → logits (N, 10). Shapes channels-first, as PyTorch stores them:
    conv1 (32, 26, 26) 320 params; pool1 (32, 13, 13); conv2 (64, 11, 11) 18,496;
    pool2 (64, 5, 5); conv3 (64, 3, 3) 36,928; fc1 64 36,928; fc2 10 650: 93,322 in all.
    Keras folds `activation="relu"` into each layer; here each ReLU is its own module, so
    hooks can read the activations after it. Flatten order is (C, H, W), Keras's is (H, W, C):
    the counts are the same, the order of fc1's weights is not.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10) -> None:
        super().__init__()
        self.features = nn.Sequential(
            OrderedDict(
                conv1=nn.Conv2d(in_channels, 32, kernel_size=3),  # (32, 26, 26)
                relu1=nn.ReLU(),
                pool1=nn.MaxPool2d(2),  # (32, 13, 13)
                conv2=nn.Conv2d(32, 64, kernel_size=3),  # (64, 11, 11)
                relu2=nn.ReLU(),
                pool2=nn.MaxPool2d(2),  # (64, 5, 5): floor(11 / 2)
                conv3=nn.Conv2d(64, 64, kernel_size=3),  # (64, 3, 3)
                relu3=nn.ReLU(),
            )
        )
        self.classifier = nn.Sequential(
            OrderedDict(
                flatten=nn.Flatten(),  # (576,) = 64 · 3 · 3
                fc1=nn.Linear(64 * 3 * 3, 64),
                relu4=nn.ReLU(),
                fc2=nn.Linear(64, num_classes),  # logits: the softmax lives in the loss
            )
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def _conv_bn_relu(in_channels: int, out_channels: int) -> nn.Sequential:
    """3×3 convolution (size-preserving), BatchNorm, ReLU. The conv has no bias: BatchNorm
    subtracts the per-channel mean right after, which would cancel it (Ioffe & Szegedy, 2015)."""
    return nn.Sequential(
        OrderedDict(
            conv=nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False),
            bn=nn.BatchNorm2d(out_channels),
            relu=nn.ReLU(inplace=True),
        )
    )


class SmallCNN(nn.Module):
    """Two stages of [conv-BN-ReLU ×2 → 2×2 max pool], global average pooling, one linear layer.

    x: (N, in_channels, H, W), H and W divisible by 4 for exact pooling (28 or 32) → logits
    (N, num_classes). Widths are `width` then 2·width. BatchNorm lets it train with large
    learning rates, so a couple of epochs reach ≥ 98% on MNIST; global average pooling instead
    of a big dense layer keeps parameters few and accepts any input size. At width 32 on 28×28:
    65,834 parameters, 18.3 M multiply-adds per image (width 16: about a quarter of both).
    """

    def __init__(
        self, in_channels: int = 1, num_classes: int = 10, width: int = 32, dropout: float = 0.0
    ) -> None:
        super().__init__()
        self.features = nn.Sequential(
            OrderedDict(
                block1=_conv_bn_relu(in_channels, width),
                block2=_conv_bn_relu(width, width),
                pool1=nn.MaxPool2d(2),  # (width, H/2, W/2)
                block3=_conv_bn_relu(width, 2 * width),
                block4=_conv_bn_relu(2 * width, 2 * width),
                pool2=nn.MaxPool2d(2),  # (2·width, H/4, W/4)
            )
        )
        self.pool = nn.AdaptiveAvgPool2d(1)  # (2·width, 1, 1): one value per feature map
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(2 * width, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool(self.features(x)).flatten(1)  # (N, 2·width)
        return self.fc(self.dropout(x))
