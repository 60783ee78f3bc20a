"""Model definitions used across chapters; each module holds one family of architectures."""

from .conv_stacks import ConvNet
from .dropout_cnn import DropoutCNN
from .mlp import MLP
from .small_cnns import KerasMNISTCNN, SmallCNN

__all__ = ["MLP", "ConvNet", "DropoutCNN", "KerasMNISTCNN", "SmallCNN"]
