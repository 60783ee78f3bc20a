"""What pooling buys and what it costs: how much a representation changes when the image shifts
by a few pixels, and how well it still tells images apart (1-nearest-neighbour accuracy). Works on
any feature map function; pooling itself is `ops.pooling` and `torch.nn.functional`.
"""

from __future__ import annotations

import torch

__all__ = ["nearest_neighbour_accuracy", "relative_change", "shift_right"]


def shift_right(images: torch.Tensor, pixels: int) -> torch.Tensor:
    """images (N, C, H, W) moved `pixels` columns to the right; zeros enter on the left."""
    if not 0 <= pixels < images.shape[-1]:
        raise ValueError(f"pixels must be in 0..{images.shape[-1] - 1}, got {pixels}")
    moved = torch.zeros_like(images)
    moved[..., pixels:] = images[..., : images.shape[-1] - pixels]
    return moved


def relative_change(before: torch.Tensor, after: torch.Tensor) -> float:
    """Mean over the batch of ‖after − before‖ / ‖before‖, each example flattened: (N, ...)."""
    a, b = before.flatten(1), after.flatten(1)
    return ((b - a).norm(dim=1) / a.norm(dim=1)).mean().item()


def nearest_neighbour_accuracy(gallery: torch.Tensor, gallery_labels: torch.Tensor,
                               queries: torch.Tensor, query_labels: torch.Tensor,
                               chunk: int = 1000) -> float:
    """Share of `queries` (N, ...) whose nearest `gallery` example (M, ...) in Euclidean distance
    has the same label: how much of what tells the classes apart a representation keeps."""
    g = gallery.flatten(1).double()
    predicted = []
    for q in queries.flatten(1).double().split(chunk):
        predicted.append(gallery_labels[torch.cdist(q, g).argmin(dim=1)])  # (chunk,)
    return (torch.cat(predicted) == query_labels).double().mean().item()
