"""Model definitions used across chapters; each module holds one family of architectures."""

from .alexnet import AlexNet, AlexNetSmall
from .conv_stacks import ConvNet
from .dropout_cnn import DropoutCNN
from .googlenet import INCEPTION_TABLE, GoogLeNet, GoogLeNetSmall, Inception, InceptionSpec
from .lenet import LeNet5
from .mlp import MLP
from .resnet import BasicBlock, Bottleneck, ResNet, cifar_resnet, resnet
from .small_cnns import KerasMNISTCNN, SmallCNN
from .vgg import VGG, VGG_CONFIGS, vgg
from .zoo import ARCHITECTURES, Architecture, LayerGroup, LayerTable, build, layer_table

__all__ = [
    "ARCHITECTURES",
    "INCEPTION_TABLE",
    "MLP",
    "VGG",
    "VGG_CONFIGS",
    "AlexNet",
    "AlexNetSmall",
    "Architecture",
    "BasicBlock",
    "Bottleneck",
    "ConvNet",
    "DropoutCNN",
    "GoogLeNet",
    "GoogLeNetSmall",
    "Inception",
    "InceptionSpec",
    "KerasMNISTCNN",
    "LayerGroup",
    "LayerTable",
    "LeNet5",
    "ResNet",
    "SmallCNN",
    "build",
    "cifar_resnet",
    "layer_table",
    "resnet",
    "vgg",
]
