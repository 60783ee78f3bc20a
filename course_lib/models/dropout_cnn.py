"""`DropoutCNN`: the lecture notes' `MyModel` (a CNN with two dropout layers, written for
3-channel images), corrected so it runs. The original's kernel sizes (6, 17, 12, 15) cannot
produce the 32·7·7 features its classifier expects, and the listing is cut off; here every
size follows from 3×3 convolutions on a 32×32 input, so the classifier gets exactly 32·7·7.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["DropoutCNN"]


class DropoutCNN(nn.Module):
    """Six 3×3 convolutions with ReLU, dropout and 2×2 max pooling twice, then 1568 → 100 → 10.

    x: (N, 3, 32, 32) → logits (N, num_classes). Shapes are written (C, H, W) per layer.
    `p` is the dropout probability of both Dropout layers (0.2 in the lecture).
    """

    def __init__(self, num_classes: int = 10, p: float = 0.2) -> None:
        super().__init__()
        self.layer = nn.Sequential(
            nn.Conv2d(3, 16, kernel_size=3, padding=1),  # (16, 32, 32): RGB in, 16 maps out
            nn.ReLU(),
            nn.Conv2d(16, 32, kernel_size=3, padding=1),  # (32, 32, 32)
            nn.ReLU(),
            nn.Dropout(p),  # zero each value with probability p (training mode only)
            nn.MaxPool2d(kernel_size=2, stride=2),  # (32, 16, 16)
            nn.Conv2d(32, 32, kernel_size=3),  # (32, 14, 14): no padding, 16 - 3 + 1
            nn.ReLU(),
            nn.Conv2d(32, 32, kernel_size=3, padding=1),  # (32, 14, 14)
            nn.ReLU(),
            nn.Dropout(p),
            nn.MaxPool2d(kernel_size=2, stride=2),  # (32, 7, 7)
            nn.Conv2d(32, 32, kernel_size=3, padding=1),  # (32, 7, 7)
            nn.ReLU(),
            nn.Conv2d(32, 32, kernel_size=3, padding=1),  # (32, 7, 7)
            nn.ReLU(),  # the listing breaks off here; without it two linear maps would meet
        )
        self.fc_layer = nn.Sequential(
            nn.Linear(32 * 7 * 7, 100),  # 1,568 features, as the lecture's classifier expects
            nn.ReLU(),
            nn.Linear(100, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.layer(x)  # (N, 32, 7, 7)
        return self.fc_layer(x.flatten(1))  # (N, 1568) → (N, num_classes)
