"""Multi-layer perceptrons (fully connected networks) for images: flatten, then Linear → ReLU.

`MLP(784, (512,), 10)` is the dense MNIST network of Chollet's "Deep Learning with Python" (§2.1:
Dense(512, relu) → Dense(10, softmax), about 97.8% test accuracy), the baseline CNNs must beat.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["MLP"]


class MLP(nn.Module):
    """Flatten → [Linear → ReLU] for each width in `hidden` → Linear to `num_classes` logits.

    x: (N, C, H, W) or (N, in_features) with C·H·W = in_features → logits (N, num_classes).
    Parameters: Σ (fan_in + 1) · fan_out over the layers; MLP(784, (512,), 10) has
    (784 + 1)·512 + (512 + 1)·10 = 407,050. Flattening forgets which pixels were neighbours.
    """

    def __init__(self, in_features: int = 784, hidden: Sequence[int] = (512,),
                 num_classes: int = 10, dropout: float = 0.0) -> None:
        super().__init__()
        layers: OrderedDict[str, nn.Module] = OrderedDict(flatten=nn.Flatten())  # (N, in_features)
        width = in_features
        for i, h in enumerate(hidden, start=1):
            layers[f"fc{i}"] = nn.Linear(width, h)  # (N, h)
            layers[f"relu{i}"] = nn.ReLU()
            if dropout:
                layers[f"dropout{i}"] = nn.Dropout(dropout)
            width = h
        # logits: the softmax lives in the loss
        layers[f"fc{len(hidden) + 1}"] = nn.Linear(width, num_classes)
        self.layers = nn.Sequential(layers)
        self.in_features = in_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x[0].numel() != self.in_features:
            raise ValueError(f"MLP expects {self.in_features} values per example, got "
                             f"{x[0].numel()} (input shape {tuple(x.shape)})")
        return self.layers(x)
