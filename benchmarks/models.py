"""The models the benchmarks train: fresh, unseeded (the caller seeds) instances."""

from __future__ import annotations

from torch import nn

from course_lib.models import LeNet5, SmallCNN
from course_lib.models.resnet import cifar_resnet


def lenet5_for_mnist() -> nn.Module:
    """LeNet-5 expects 32×32 inputs: MNIST's 28×28 digits are zero-padded by 2, as in the paper."""
    return nn.Sequential(nn.ZeroPad2d(2), LeNet5(in_channels=1, num_classes=10))


def small_cnn_for_cifar() -> nn.Module:
    return SmallCNN(in_channels=3, num_classes=10)


def resnet20_for_cifar() -> nn.Module:
    return cifar_resnet(20)
