"""A fully connected network (multilayer perceptron) with optional batch normalization and
dropout after each hidden layer: the setting of the dropout paper's MNIST experiments
(Srivastava et al. 2014, JMLR 15, §6.1) and the simplest deep network to normalize.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import torch
from torch import nn

__all__ = ["ACTIVATIONS", "MLP"]

ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


class MLP(nn.Module):
    """Flatten → [Linear → (BatchNorm1d) → activation → (Dropout)] per hidden layer → Linear.

    x: (N, *) flattened to (N, in_features) → logits (N, num_classes). `dropout` is the drop
    probability after each hidden layer, `input_dropout` on the input pixels (the paper used
    0.5 and 0.2). With `batch_norm` the Linear layers before a BN have no bias (BN's β replaces
    it). Layers are named fc1, bn1, act1, drop1, …, out, so hooks and plots can find them.
    """

    def __init__(
        self,
        in_features: int = 784,
        hidden: Sequence[int] = (512, 512),
        num_classes: int = 10,
        dropout: float = 0.0,
        input_dropout: float = 0.0,
        batch_norm: bool = False,
        activation: str = "relu",
    ) -> None:
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
        layers: OrderedDict[str, nn.Module] = OrderedDict(flatten=nn.Flatten())
        if input_dropout:
            layers["drop0"] = nn.Dropout(input_dropout)
        width = in_features
        for i, h in enumerate(hidden, start=1):
            layers[f"fc{i}"] = nn.Linear(width, h, bias=not batch_norm)
            if batch_norm:
                layers[f"bn{i}"] = nn.BatchNorm1d(h)
            layers[f"act{i}"] = ACTIVATIONS[activation]()
            if dropout:
                layers[f"drop{i}"] = nn.Dropout(dropout)
            width = h
        layers["out"] = nn.Linear(width, num_classes)
        self.net = nn.Sequential(layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
