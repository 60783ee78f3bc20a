"""Multi-layer perceptrons (fully connected networks) for images: flatten, then Linear → ReLU,
with optional batch normalization and dropout after each hidden layer.

`MLP(784, (512,), 10)` is the dense MNIST network of Chollet's "Deep Learning with Python" (§2.1:
Dense(512, relu) → Dense(10, softmax), about 97.8% test accuracy), the baseline CNNs must beat.
The dropout options follow the dropout paper's MNIST networks (Srivastava et al. 2014, JMLR 15).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["ACTIVATIONS", "MLP"]

ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


class MLP(nn.Module):
    """Flatten → [Linear → (BatchNorm1d) → activation → (Dropout)] for each width in `hidden`
    → Linear to `num_classes` logits.

    x: (N, C, H, W) or (N, in_features) with C·H·W = in_features → logits (N, num_classes).
    Parameters: Σ (fan_in + 1) · fan_out over the layers; MLP(784, (512,), 10) has
    (784 + 1)·512 + (512 + 1)·10 = 407,050. Flattening forgets which pixels were neighbours.
    `dropout` is the drop probability after each hidden layer and `input_dropout` on the input
    (the paper used 0.5 and 0.2). With `batch_norm` the hidden Linear layers have no bias (BN's
    β takes its place). Layers are named flatten, dropout0, fc1, bn1, relu1 (or sigmoid1,
    tanh1), dropout1, …, and fc{len(hidden) + 1} for the output.
    """

    def __init__(self, in_features: int = 784, hidden: Sequence[int] = (512,),
                 num_classes: int = 10, dropout: float = 0.0, input_dropout: float = 0.0,
                 batch_norm: bool = False, activation: str = "relu") -> None:
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        layers: OrderedDict[str, nn.Module] = OrderedDict(flatten=nn.Flatten())  # (N, in_features)
        if input_dropout:
            layers["dropout0"] = nn.Dropout(input_dropout)
        width = in_features
        for i, h in enumerate(hidden, start=1):
            layers[f"fc{i}"] = nn.Linear(width, h, bias=not batch_norm)  # (N, h)
            if batch_norm:
                layers[f"bn{i}"] = nn.BatchNorm1d(h)
            layers[f"{activation}{i}"] = ACTIVATIONS[activation]()
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
