"""Model definitions used across chapters; each module holds one family of architectures."""

from .mlp import MLP
from .small_cnns import KerasMNISTCNN, SmallCNN

__all__ = ["MLP", "KerasMNISTCNN", "SmallCNN"]
