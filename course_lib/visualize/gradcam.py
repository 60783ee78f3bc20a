"""Grad-CAM (Selvaraju et al., ICCV 2017): where in the image a CNN finds evidence for a class.

One convolutional layer's activations A_k (k = channel) and the gradients of the class score y_c
with respect to them give channel weights α_k = mean_ij ∂y_c/∂A_k[i, j] and the map
ReLU(Σ_k α_k A_k). The activations are read by a forward hook and the gradients by a tensor hook
(`Tensor.register_hook`) on that output, never by a (deprecated) module backward hook.
`mass_in_box` scores a heatmap against a known object box.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["GradCAM", "grad_cam", "grad_cam_from", "mass_in_box"]

# (top, left, height, width): rows top..top+height-1 and columns left..left+width-1, the same
# rectangles as `plotting.show_matrix(highlight=...)`.
Box = tuple[int, int, int, int]


def grad_cam_from(activations: Tensor, gradients: Tensor) -> Tensor:
    """The Grad-CAM map from a layer's activations and the class score's gradients.

    activations, gradients: (N, K, h, w) → (N, h, w) = ReLU(Σ_k α_k A_k) with
    α_k = mean over (i, j) of ∂y_c/∂A_k[i, j]: how much, on average, more of channel k raises the
    class score. The ReLU keeps only evidence *for* the class.
    """
    if activations.shape != gradients.shape or activations.ndim != 4:
        raise ValueError(f"activations and gradients must both be (N, K, h, w), got "
                         f"{tuple(activations.shape)} and {tuple(gradients.shape)}")
    alpha = gradients.mean(dim=(2, 3), keepdim=True)  # (N, K, 1, 1): one weight per channel
    return F.relu((alpha * activations).sum(dim=1))  # (N, h, w)


@dataclass
class GradCAM:
    """The result of `grad_cam` for a batch of N inputs of size H×W."""

    heatmap: Tensor  # (N, H, W): the map upsampled (bilinear) to the input, each scaled to max 1
    cam: Tensor  # (N, h, w): the map at the layer's own resolution, unscaled
    target: Tensor  # (N,) int64: the class each map explains
    probs: Tensor  # (N, classes): the model's softmax output


def _targets(target: int | Sequence[int] | Tensor | None, logits: Tensor) -> Tensor:
    n, classes = logits.shape
    if target is None:
        t = logits.argmax(dim=1)  # explain the predicted class
    else:
        t = torch.as_tensor(target, dtype=torch.int64, device=logits.device).flatten()
        t = t.expand(n) if t.numel() == 1 else t
    if t.shape != (n,) or bool(((t < 0) | (t >= classes)).any()):
        raise ValueError(f"target must be None, one class or {n} classes in 0..{classes - 1}, "
                         f"got {target!r}")
    return t


def grad_cam(
    model: nn.Module,
    x: Tensor,
    layer: nn.Module | str,
    target: int | Sequence[int] | Tensor | None = None,
) -> GradCAM:
    """Grad-CAM of `model` at `layer` (a module or its dotted name) for inputs x: (N, C, H, W).

    target: the class to explain (one for all, or one per input); None explains each prediction.
    The model runs in eval mode (restored afterwards) and no parameter's `.grad` is touched.
    """
    if isinstance(layer, str):
        layer = model.get_submodule(layer)
    captured: dict[str, Tensor] = {}

    def save_gradient(grad: Tensor) -> None:
        captured["gradients"] = grad.detach()

    def forward_hook(module: nn.Module, inputs: tuple, output: Tensor) -> Tensor:
        captured["activations"] = output.detach()
        output.register_hook(save_gradient)  # called with ∂score/∂output during backward
        # Hand the rest of the network a copy: an in-place op after this layer (a ReLU with
        # inplace=True) then cannot overwrite the activations just recorded.
        return output.clone()

    handle = layer.register_forward_hook(forward_hook)
    was_training = model.training
    try:
        model.eval()
        with torch.enable_grad():
            # The input needs a gradient so a graph exists even when every parameter is frozen.
            x = x.detach().clone().requires_grad_(True)
            logits = model(x)
            if "activations" not in captured:
                raise ValueError("the layer did not run in the model's forward pass")
            target_t = _targets(target, logits)
            score = logits.gather(1, target_t[:, None]).sum()  # inputs do not interact in eval
            # Differentiating with respect to the input (not .backward()) runs the tensor hook on
            # the way and leaves the parameters' .grad alone.
            torch.autograd.grad(score, x)
    finally:
        handle.remove()
        model.train(was_training)
    cam = grad_cam_from(captured["activations"], captured["gradients"])  # (N, h, w)
    up = F.interpolate(cam[:, None], size=x.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
    peak = up.amax(dim=(1, 2), keepdim=True)  # (N, 1, 1)
    heatmap = torch.where(peak > 0, up / peak.clamp_min(1e-12), torch.zeros_like(up))
    return GradCAM(heatmap.cpu(), cam.cpu(), target_t.cpu(),
                   logits.detach().softmax(dim=1).cpu())


def mass_in_box(heatmap: Tensor | np.ndarray, box: Box | np.ndarray) -> float | np.ndarray:
    """Share of a heatmap's total mass that lies inside a box: Σ inside / Σ everywhere.

    heatmap (H, W) with box (top, left, height, width) → a float; heatmaps (N, H, W) with boxes
    (N, 4) → (N,) array. Heatmaps must be non-negative; an all-zero heatmap scores 0. A uniform
    heatmap scores the box's share of the image area, the baseline to beat.
    """
    h = heatmap.detach().cpu().numpy() if isinstance(heatmap, Tensor) else np.asarray(heatmap)
    b = np.asarray(box, dtype=np.int64)
    single = h.ndim == 2
    h, b = (h[None], b[None]) if single else (h, b)
    if h.ndim != 3 or b.shape != (len(h), 4):
        raise ValueError(f"expected a heatmap (H, W) with a box of 4 numbers, or heatmaps "
                         f"(N, H, W) with boxes (N, 4); got {h.shape} and {b.shape}")
    if (h < 0).any():
        raise ValueError("heatmaps must be non-negative (Grad-CAM maps are, after their ReLU)")
    out = np.zeros(len(h))
    for k, (top, left, height, width) in enumerate(b):
        total = h[k].sum()
        if total > 0:
            out[k] = h[k, top : top + height, left : left + width].sum() / total
    return float(out[0]) if single else out
