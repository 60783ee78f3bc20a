"""Model definitions used across chapters; each module holds one family of architectures."""

from .small_cnns import KerasMNISTCNN, SmallCNN

__all__ = ["KerasMNISTCNN", "SmallCNN"]
