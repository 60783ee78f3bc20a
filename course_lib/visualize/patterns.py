"""Filter patterns by gradient ascent: start from a faint random image and change it, step by step,
to raise the mean activation of one channel of a layer. The result is the input pattern that
channel responds to most (Erhan et al. 2009; Chollet, *Deep Learning with Python*, §5.4.2).

Without a regularizer the ascent finds high-frequency, saturated patterns; `blur`, `jitter` and
`l2` are the usual regularizers (Yosinski et al. 2015, "Understanding neural networks through
deep visualization"; Olah et al. 2017, "Feature visualization").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["FilterPatterns", "filter_patterns", "gaussian_blur"]


@dataclass
class FilterPatterns:
    """Inputs found by gradient ascent, one per channel, and how strongly they drive it."""

    channels: list[int]  # the channels of the layer, one pattern each
    images: Tensor  # (len(channels), C, H, W): the patterns, in the model's input space
    start: Tensor  # (len(channels),): the objective (see `unit`) on the starting noise
    score: Tensor  # (len(channels),): the objective on the final pattern


def filter_patterns(
    model: nn.Module,
    layer: nn.Module | str,
    channels: Sequence[int],
    input_shape: tuple[int, int, int],
    steps: int = 100,
    step_size: float = 0.1,
    bounds: tuple[float, float] | None = None,
    seed: int = 0,
    unit: str = "mean",
    blur: float = 0.0,
    jitter: int = 0,
    l2: float = 0.0,
) -> FilterPatterns:
    """Gradient ascent on the input, for each channel of `layer` in `channels` at once.

    input_shape: (C, H, W) of one input. Each step adds `step_size` times the gradient of the
    channel's mean activation, divided by the gradient's root mean square (so the step length does
    not depend on the gradient's scale), then clips to `bounds` (the input range, e.g. the
    normalized values of pixels 0 and 1). Runs in eval mode; parameters are left untouched.

    unit: "mean" raises the channel's mean over its whole map (a texture that fills the input);
    "center" raises only its central unit (a pattern inside that unit's receptive field, the
    rest of the input left as it started). For a first-layer (linear) filter "mean" tends to a
    flat image, since sliding the filter over a constant image gives (sum of weights) × value.

    Regularizers: `jitter` shifts the image by up to that many pixels (random, each step) before
    the gradient is taken, so the pattern must work at neighbouring positions too; `l2` pulls
    each pixel towards the starting grey by `l2` × its distance per step (weight decay on the
    image); `blur` smooths the image with a Gaussian of that sigma (pixels) after each step.
    """
    if unit not in ("mean", "center"):
        raise ValueError(f"unit must be 'mean' or 'center', got {unit!r}")
    if isinstance(layer, str):
        layer = model.get_submodule(layer)
    channels = [int(c) for c in channels]
    if not channels or steps < 1 or step_size <= 0:
        raise ValueError("need at least one channel, steps >= 1 and step_size > 0")
    device = next(model.parameters()).device
    g = torch.Generator().manual_seed(seed)
    x = 0.1 * torch.randn(len(channels), *input_shape, generator=g)  # faint noise, (N, C, H, W)
    if bounds is not None:
        x = x + (bounds[0] + bounds[1]) / 2  # start mid-range: a grey image
    x = x.to(device)
    centre = (bounds[0] + bounds[1]) / 2 if bounds is not None else 0.0
    index = torch.tensor(channels, device=device)
    captured: dict[str, Tensor] = {}

    def hook(module: nn.Module, inputs: tuple, output: Tensor) -> None:
        captured["out"] = output

    def objective(images: Tensor) -> Tensor:
        model(images)
        out = captured["out"]  # (N, K, h, w): row n is pattern n, for its channel n
        if min(channels) < 0 or max(channels) >= out.shape[1]:
            raise ValueError(f"channels must be in 0..{out.shape[1] - 1}, got {channels}")
        picked = out[torch.arange(len(channels), device=device), index]  # (N, h, w)
        if unit == "center":
            return picked[:, picked.shape[1] // 2, picked.shape[2] // 2]  # (N,)
        return picked.flatten(1).mean(dim=1)  # (N,)

    handle = layer.register_forward_hook(hook)
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            start = objective(x)
        with torch.enable_grad():
            for _ in range(steps):
                grad = _gradient(objective, x, jitter, g)  # each row only moves its score
                rms = grad.pow(2).flatten(1).mean(dim=1).sqrt().view(-1, 1, 1, 1)  # (N, 1, 1, 1)
                x = x.detach() + step_size * grad / (rms + 1e-8)
                if l2:
                    x = x - l2 * (x - centre)
                if blur:
                    x = gaussian_blur(x, blur)
                if bounds is not None:
                    x = x.clamp(*bounds)
        with torch.no_grad():
            scores = objective(x)
    finally:
        handle.remove()
        model.train(was_training)
    return FilterPatterns(channels, x.detach().cpu(), start.cpu(), scores.detach().cpu())


def _gradient(objective, x: Tensor, jitter: int, g: torch.Generator) -> Tensor:
    """∂ objective.sum() / ∂x, taken on a copy of x rolled by up to `jitter` pixels."""
    if not jitter:
        x = x.detach().requires_grad_(True)
        return torch.autograd.grad(objective(x).sum(), x)[0]
    dy, dx = (int(v) for v in torch.randint(-jitter, jitter + 1, (2,), generator=g))
    shifted = torch.roll(x.detach(), (dy, dx), dims=(2, 3)).requires_grad_(True)
    (grad,) = torch.autograd.grad(objective(shifted).sum(), shifted)
    return torch.roll(grad, (-dy, -dx), dims=(2, 3))  # back to the unshifted image's pixels


def gaussian_blur(x: Tensor, sigma: float) -> Tensor:
    """x (N, C, H, W) smoothed per channel by a Gaussian of `sigma` pixels (reflected borders)."""
    radius = max(1, int(round(2 * sigma)))
    t = torch.arange(-radius, radius + 1, dtype=x.dtype, device=x.device)
    k = torch.exp(-0.5 * (t / sigma) ** 2)
    k = k / k.sum()
    c = x.shape[1]
    x = F.pad(x, (radius, radius, radius, radius), mode="reflect")
    x = F.conv2d(x, k.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    return F.conv2d(x, k.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)
