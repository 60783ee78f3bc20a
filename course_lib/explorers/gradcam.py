"""The Grad-CAM explorer (chapter 12): for a chosen image and class, where the network finds
evidence for that class, and (when the object's box is known) how much of the heatmap falls
inside it. Pure `render_grad_cam`, its kernel-free slider and its live widget; the method itself
is `visualize.gradcam`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch.nn.functional as F
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from torch import Tensor, nn

from ..visualize.gradcam import grad_cam, mass_in_box
from .frames import StaticSlider, figure_to_png
from .widgets import Explorer, interactive_explorer

__all__ = ["grad_cam_explorer", "grad_cam_explorer_static", "render_grad_cam",
           "render_grad_cam_grid", "shared_scale_maps"]


def render_grad_cam(
    image: np.ndarray,
    heatmap: np.ndarray,
    box: Sequence[int] | None = None,
    title: str = "",
    heat_label: str = "Grad-CAM heatmap",
) -> Figure:
    """Three panels: the image (H, W), the heatmap (H, W) in [0, 1], and the heatmap laid over
    the image. With `box` (top, left, height, width) the box is outlined on every panel and the
    share of the heatmap's mass inside it is printed beside the share of the image it covers.
    `heat_label` titles the heatmap panel (e.g. to say which scale 1 stands for)."""
    image, heatmap = np.asarray(image, dtype=float), np.asarray(heatmap, dtype=float)
    if image.shape != heatmap.shape or image.ndim != 2:
        raise ValueError(f"image and heatmap must be the same (H, W) shape, got {image.shape} "
                         f"and {heatmap.shape}")
    fig = Figure(figsize=(10, 3.8))
    axes = fig.subplots(1, 3)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.8, bottom=0.03, wspace=0.06)
    axes[0].imshow(image, cmap="gray", interpolation="nearest")
    axes[0].set_title("image", fontsize=11)
    axes[1].imshow(heatmap, cmap="inferno", vmin=0, vmax=1, interpolation="nearest")
    axes[1].set_title(heat_label, fontsize=11)
    axes[2].imshow(image, cmap="gray", interpolation="nearest")
    axes[2].imshow(heatmap, cmap="inferno", vmin=0, vmax=1, alpha=0.55, interpolation="bilinear")
    axes[2].set_title("overlay", fontsize=11)
    text = title
    if box is not None:
        top, left, height, width = (int(v) for v in box)
        for ax in axes:
            ax.add_patch(Rectangle((left - 0.5, top - 0.5), width, height, fill=False,
                                   edgecolor="tab:cyan", linewidth=2))
        inside = mass_in_box(heatmap, (top, left, height, width))
        area = height * width / image.size
        text += (("\n" if text else "") + f"heatmap mass in the box: {inside:.0%} "
                 f"(the box covers {area:.0%} of the image)")
    if not heatmap.any():
        text += ("\n" if text else "") + "all zero: no evidence for this class anywhere"
    fig.suptitle(text, fontsize=11)
    for ax in axes:
        ax.set_axis_off()
    return fig


def shared_scale_maps(cams: Sequence[Tensor], size: tuple[int, int]) -> list[np.ndarray]:
    """Grad-CAM maps (each (N, h, w), unscaled: `GradCAM.cam`) upsampled to `size` and divided
    by one common maximum, so 1 is the strongest evidence in any of them and maps compare."""
    up = [F.interpolate(c[:, None].float(), size=size, mode="bilinear",
                        align_corners=False)[:, 0].clamp_min(0) for c in cams]
    peak = max(float(u.max()) for u in up)
    return [(u / peak if peak > 0 else u).numpy() for u in up]


def render_grad_cam_grid(images: np.ndarray, heatmaps: np.ndarray,
                         titles: Sequence[str]) -> Figure:
    """Colour images (N, H, W, 3) in [0, 1] above the same images with their heatmaps (N, H, W)
    in [0, 1] laid over them; one column per image, `titles` above the columns."""
    n = len(images)
    fig = Figure(figsize=(1.9 * n, 4.2), layout="constrained")
    axes = fig.subplots(2, n, squeeze=False)
    for k in range(n):
        axes[0, k].imshow(images[k], interpolation="nearest")
        axes[0, k].set_title(titles[k], fontsize=9)
        axes[1, k].imshow(images[k], interpolation="nearest")
        axes[1, k].imshow(heatmaps[k], cmap="inferno", vmin=0, vmax=1, alpha=0.6,
                          interpolation="bilinear")
        for ax in axes[:, k]:
            ax.set_axis_off()
    return fig


def _as_images(inputs: Tensor, images: np.ndarray | None) -> np.ndarray:
    return inputs[:, 0].detach().cpu().numpy() if images is None else np.asarray(images)


_SHARED = "heatmap (1 = strongest in any frame)"


def _title(class_names: Sequence[str], target: int, prob: float, label: int | None) -> str:
    truth = f", true class '{class_names[label]}'" if label is not None else ""
    return f"class '{class_names[target]}' (model's probability {prob:.2f}){truth}"


def grad_cam_explorer_static(
    model: nn.Module,
    inputs: Tensor,
    layer: nn.Module | str,
    class_names: Sequence[str],
    images: np.ndarray | None = None,
    boxes: np.ndarray | None = None,
    labels: Sequence[int] | None = None,
    dpi: float = 72,
) -> StaticSlider:
    """The kernel-free Grad-CAM explorer: one frame per (input, class) pair, all heatmaps on one
    scale (1 = the strongest evidence for any class in any of the inputs).

    inputs: (N, C, H, W) as the model takes them; images: (N, H, W) to display (default: the first
    channel of `inputs`); boxes: (N, 4) object boxes; labels: (N,) true classes, for the titles.
    """
    shown = _as_images(inputs, images)
    results = [grad_cam(model, inputs, layer, target=c) for c in range(len(class_names))]
    maps = shared_scale_maps([r.cam for r in results], tuple(inputs.shape[-2:]))
    frames, names = [], []
    for i in range(len(inputs)):  # image by image, each with every class
        label = None if labels is None else int(labels[i])
        for target, result in enumerate(results):
            fig = render_grad_cam(
                shown[i], maps[target][i], None if boxes is None else boxes[i],
                f"image {i}: " + _title(class_names, target, float(result.probs[i, target]), label),
                heat_label=_SHARED)
            frames.append(figure_to_png(fig, dpi=dpi))  # one figure in memory at a time
            names.append(f"image {i}, class '{class_names[target]}'")
    return StaticSlider(frames, names, "Grad-CAM: where is the evidence for this class?")


def grad_cam_explorer(
    model: nn.Module,
    inputs: Tensor,
    layer: nn.Module | str,
    class_names: Sequence[str],
    images: np.ndarray | None = None,
    boxes: np.ndarray | None = None,
    labels: Sequence[int] | None = None,
    dpi: float = 80,
) -> Explorer:
    """Live Grad-CAM explorer: an image slider and a class menu, heatmaps on one shared scale
    (computed once for every input and class)."""
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    shown = _as_images(inputs, images)
    results = [grad_cam(model, inputs, layer, target=c) for c in range(len(class_names))]
    maps = shared_scale_maps([r.cam for r in results], tuple(inputs.shape[-2:]))

    def render(index: int, target: int) -> Figure:
        label = None if labels is None else int(labels[index])
        prob = float(results[target].probs[index, target])
        return render_grad_cam(shown[index], maps[target][index],
                               None if boxes is None else boxes[index],
                               _title(class_names, target, prob, label), heat_label=_SHARED)

    style = {"description_width": "initial"}
    return interactive_explorer(
        render, dpi=dpi,
        index=widgets.IntSlider(0, min=0, max=len(inputs) - 1, description="image", style=style),
        target=widgets.Dropdown(options=[(n, k) for k, n in enumerate(class_names)],
                                description="class", style=style),
    )
