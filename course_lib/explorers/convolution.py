"""The convolution explorer (chapter 03): a kernel slid over an image one position at a time, the
sum of products there, and the output map filling in; plus a filter's response on a photo. Pure
`render_*` functions, their kernel-free sliders and live widgets; the arithmetic is `ops.conv`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..ops import (
    BLUR,
    SHARPEN,
    SOBEL_X,
    SOBEL_Y,
    WORKED_EXAMPLE_IMAGE,
    WORKED_EXAMPLE_KERNEL,
    conv2d,
    conv_output_size,
    sobel,
)
from ..plotting import MAX_NUMBERED, cell_fontsize, format_number, show_matrix
from .frames import StaticSlider, explorer_html
from .widgets import Explorer, interactive_explorer

__all__ = [
    "EXPLORER_KERNELS",
    "conv_explorer",
    "conv_explorer_static",
    "filter_response_explorer_static",
    "parse_kernel",
    "render_conv_step",
    "render_filter_response",
]

# The explorers' kernel choices, by the names shown in their menus (the kernels are ops.filters').
EXPLORER_KERNELS: dict[str, np.ndarray] = {
    "worked example": WORKED_EXAMPLE_KERNEL,
    "Sobel x": SOBEL_X,
    "Sobel y": SOBEL_Y,
    "blur (box 3×3)": BLUR,
    "sharpen": SHARPEN,
}

# Formulas list every term up to this many; beyond, the middle terms are elided with "…".
MAX_TERMS = 25


def _check(image: Any, kernel: Any, stride: int, padding: int) -> tuple[np.ndarray, np.ndarray]:
    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2:
        raise ValueError(f"image must be a 2-D (H, W) array, got shape {image.shape}; "
                         "for a colour photo use one channel or its grey version")
    if kernel.ndim != 2:
        raise ValueError(f"kernel must be a 2-D (kH, kW) array, got shape {kernel.shape}")
    if not isinstance(stride, int | np.integer) or stride < 1:
        raise ValueError(f"stride must be an integer ≥ 1, got {stride!r}")
    if not isinstance(padding, int | np.integer) or padding < 0:
        raise ValueError(f"padding must be an integer ≥ 0, got {padding!r}")
    return image.astype(float), kernel.astype(float)


def _output_shape(
    image: np.ndarray, kernel: np.ndarray, stride: int, padding: int
) -> tuple[int, int]:
    return (conv_output_size(image.shape[0], kernel.shape[0], stride, padding),
            conv_output_size(image.shape[1], kernel.shape[1], stride, padding))


def _conv(image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """One grey image, one kernel: (H, W), (kH, kW) → (H_out, W_out), via the batched conv2d."""
    return conv2d(image[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]


def _sum_of_products(window: np.ndarray, kernel: np.ndarray) -> str:
    """'x·w + x·w + …', one line per kernel row (first and last 3 terms if long), then '= total'."""
    terms = [f"{format_number(x)}·" + (f"({format_number(w)})" if w < 0 else format_number(w))
             for x, w in zip(window.ravel(), kernel.ravel(), strict=True)]
    kW = kernel.shape[1]
    if len(terms) <= MAX_TERMS:
        lines = [" + ".join(terms[r : r + kW]) for r in range(0, len(terms), kW)]
    else:
        lines = [" + ".join(terms[:3]), f"… ({len(terms) - 6} more) …", " + ".join(terms[-3:])]
    # Two spaces line the first row up with the rows that start with "+ ".
    return "  " + "\n+ ".join(lines) + f"\n= {format_number(np.sum(window * kernel))}"


def render_conv_step(
    image: np.ndarray,
    kernel: np.ndarray,
    step: int,
    stride: int = 1,
    padding: int = 0,
    show_numbers: bool = True,
) -> Figure:
    """One step of sliding `kernel` over `image` (cross-correlation, as in deep learning).

    image: (H, W), kernel: (kH, kW). `step` counts output positions row by row (0 is top left).
    Three panels: the zero-padded input with the kernel window outlined (and, when the grid is
    small enough, the pixel values with the kernel weights "×w" in the window's cells); the sum
    of products for that window; the output map filled in up to and including this step.
    """
    image, kernel = _check(image, kernel, stride, padding)
    H_out, W_out = _output_shape(image, kernel, stride, padding)
    n_steps = H_out * W_out
    if not isinstance(step, int | np.integer) or not 0 <= step < n_steps:
        raise ValueError(
            f"step {step!r} is out of range: a {kernel.shape[0]}×{kernel.shape[1]} kernel over a "
            f"{image.shape[0]}×{image.shape[1]} input with padding {padding} and stride {stride} "
            f"has {H_out}×{W_out} = {n_steps} positions, so step must be in 0..{n_steps - 1}"
        )
    i, j = divmod(int(step), W_out)
    kH, kW = kernel.shape
    x_pad = np.pad(image, padding)  # zero padding, as conv2d does
    r0, c0 = i * stride, j * stride
    window = x_pad[r0 : r0 + kH, c0 : c0 + kW]
    full = _conv(image, kernel, stride, padding)
    shown = np.full_like(full, np.nan)
    shown.flat[: step + 1] = full.flat[: step + 1]  # later cells stay blank

    fig = Figure(figsize=(11, 3.75))  # square slots: all three titles line up
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1.15, 1], "wspace": 0.15})
    fig.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.04)
    ax_in, ax_sum, ax_out = axes
    numbers = show_numbers and max(x_pad.shape) <= MAX_NUMBERED

    lo, hi = min(image.min(), 0), max(image.max(), 1)
    # vmax stretched so the darkest cell is a mid blue: black numbers and red weights stay legible.
    show_matrix(ax_in, x_pad, cmap="Blues", vmin=lo, vmax=lo + 2 * (hi - lo),
                highlight=(r0, c0, kH, kW), show_numbers=numbers)
    if padding:  # the original image inside its zero border
        ax_in.add_patch(Rectangle((padding - 0.5, padding - 0.5), image.shape[1], image.shape[0],
                                  fill=False, edgecolor="0.35", linestyle="--", linewidth=1.2))
    # The weight each pixel is multiplied by, small in the cell's lower right corner; left out
    # when it would be too small to read (the formula lists the weights anyway).
    size = 0.7 * cell_fontsize(ax_in, *x_pad.shape)
    if numbers and size >= 6:
        for (u, v), w in np.ndenumerate(kernel):
            ax_in.text(c0 + v + 0.45, r0 + u + 0.45, "×" + format_number(w), ha="right",
                       va="bottom", fontsize=size, color="tab:red", fontweight="bold")
    pad_note = f", padding {padding}" if padding else ""
    ax_in.set_title(f"input {image.shape[0]}×{image.shape[1]}{pad_note}, stride {stride}",
                    fontsize=11)

    ax_sum.set_axis_off()
    ax_sum.set_title(f"output[{i}, {j}] = sum of products", fontsize=11)
    formula = _sum_of_products(window, kernel)
    lines = formula.split("\n")
    box, (w_in, h_in) = ax_sum.get_position(), fig.get_size_inches()
    width_pt, height_pt = box.width * w_in * 72, box.height * h_in * 72
    # Largest size at which the longest line fits the panel (a monospace glyph is ~0.6 em wide).
    size = min(width_pt / (0.62 * max(map(len, lines))), height_pt / (1.5 * len(lines)))
    ax_sum.text(0.5, 0.5, formula, ha="center", va="center", family="monospace",
                fontsize=float(np.clip(size, 6, 14)), linespacing=1.5, multialignment="left",
                transform=ax_sum.transAxes, gid="conv-sum")

    # Limits stretched 1.6× so no cell is too dark for black numbers and the red outline.
    if full.min() < 0:  # signed answers (edge kernels): diverging colours, white at 0
        lim = 1.6 * np.abs(full).max()
        cmap, lo, hi = "RdBu_r", -lim, lim
    else:
        cmap, lo, hi = "Purples", 0.0, 1.6 * full.max() or 1.0
    show_matrix(ax_out, shown, cmap=cmap, vmin=lo, vmax=hi, highlight=(i, j, 1, 1),
                show_numbers=show_numbers and max(full.shape) <= MAX_NUMBERED)
    ax_out.set_title(f"output {H_out}×{W_out} (step {step + 1} of {n_steps})", fontsize=11)
    return fig


def conv_explorer_static(
    image: np.ndarray = WORKED_EXAMPLE_IMAGE,
    kernel: np.ndarray = WORKED_EXAMPLE_KERNEL,
    stride: int = 1,
    padding: int = 0,
    dpi: float = 72,
) -> StaticSlider:
    """The kernel-free convolution explorer: every step of `render_conv_step` as a slider frame."""
    image, kernel = _check(image, kernel, stride, padding)
    H_out, W_out = _output_shape(image, kernel, stride, padding)
    grid = [{"image": image, "kernel": kernel, "step": s, "stride": stride, "padding": padding}
            for s in range(H_out * W_out)]
    return explorer_html(render_conv_step, grid, title="Sliding the kernel over the input", dpi=dpi,
                         label=lambda p: f"position {divmod(p['step'], W_out)}")


def _is_sobel(kernel: np.ndarray) -> bool:
    return any(np.array_equal(kernel, sign * k) for k in (SOBEL_X, SOBEL_Y) for sign in (1, -1))


def render_filter_response(image: np.ndarray, kernel: np.ndarray, name: str = "") -> Figure:
    """A filter on a whole picture: the image (H, W), the kernel (kH, kW) with its weights, and the
    response map (valid cross-correlation). For a Sobel kernel a fourth panel shows the gradient
    magnitude √(gx² + gy²) of Sobel x and Sobel y together; otherwise that slot stays empty, so
    frames of a slider over several kernels keep the same layout.
    """
    image, kernel = _check(image, kernel, 1, 0)
    response = _conv(image, kernel)
    fig = Figure(figsize=(13, 3.6))
    axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": [1, 0.6, 1, 1]})
    fig.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.04, wspace=0.12)
    # Photos are shown smoothed when scaled down; tiny images keep their visible pixels.
    interp = "nearest" if max(image.shape) <= 64 else "antialiased"
    axes[0].imshow(image, cmap="gray", interpolation=interp)
    axes[0].set_title(f"image {image.shape[0]}×{image.shape[1]}", fontsize=11)
    wmax = np.abs(kernel).max() or 1.0
    show_matrix(axes[1], kernel, cmap="RdBu_r", vmin=-1.6 * wmax, vmax=1.6 * wmax)
    axes[1].set_title(f"kernel {name}".strip(), fontsize=11)
    if abs(kernel.sum()) < 1e-9 * wmax:
        # Weights summing to 0 (edge detectors) answer 0 on flat regions: diverging colours with
        # white at 0. The 99.5th percentile sets the range so a few extreme pixels do not wash
        # out every other edge.
        lim = np.percentile(np.abs(response), 99.5) or 1.0
        axes[2].imshow(response, cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation=interp)
        axes[2].set_title("response (red +, blue −)", fontsize=11)
    else:  # blur, sharpen, ...: the response is again a picture
        lo, hi = np.percentile(response, [0.5, 99.5])
        axes[2].imshow(response, cmap="gray", vmin=lo, vmax=hi, interpolation=interp)
        axes[2].set_title("response", fontsize=11)
    if _is_sobel(kernel):
        magnitude = sobel(image, padding=0)[2]  # valid part, the same size as the response
        axes[3].imshow(magnitude, cmap="magma", vmax=np.percentile(magnitude, 99.5) or None,
                       interpolation=interp)
        axes[3].set_title("gradient magnitude √(gx² + gy²)", fontsize=11)
    else:
        fig.delaxes(axes[3])
    for ax in (axes[0], axes[2], axes[3]):
        ax.set_axis_off()
    return fig


def filter_response_explorer_static(
    image: np.ndarray, kernels: dict[str, np.ndarray] | None = None, dpi: float = 72
) -> StaticSlider:
    """The kernel-free filter explorer: `render_filter_response` for each named kernel."""
    kernels = EXPLORER_KERNELS if kernels is None else kernels
    grid = [{"image": image, "kernel": k, "name": name} for name, k in kernels.items()]
    return explorer_html(render_filter_response, grid, label=lambda p: p["name"],
                         title="One filter, one feature", dpi=dpi)


def parse_kernel(text: str) -> np.ndarray:
    """'1 0 1; 0 1 0; 1 0 1' → array: rows split by ';' or lines, weights by spaces or commas."""
    rows = [r.replace(",", " ").split() for r in text.replace("\n", ";").split(";") if r.strip()]
    if not rows or len({len(r) for r in rows}) != 1:
        raise ValueError(f"cannot read a kernel from {text!r}: write rows separated by ';', each "
                         "with the same number of weights, e.g. '1 0 1; 0 1 0; 1 0 1'")
    try:
        return np.array([[float(v) for v in r] for r in rows])
    except ValueError:
        raise ValueError(f"cannot read a kernel from {text!r}: weights must be numbers") from None


def conv_explorer(
    image: np.ndarray | None = None, kernel: np.ndarray | None = None, dpi: float = 80
) -> Explorer:
    """Live convolution explorer (needs a running kernel): a kernel dropdown (Sobel x/y, blur,
    sharpen, the worked example, or custom weights typed as '1 0 1; 0 1 0; 1 0 1'), the step,
    the stride and the padding. `image` defaults to the worked example, `kernel` adds a choice.
    """
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    image = WORKED_EXAMPLE_IMAGE if image is None else np.asarray(image)
    choices = dict(EXPLORER_KERNELS)
    if kernel is not None:
        choices = {"given": np.asarray(kernel), **choices}
    style = {"description_width": "initial"}
    kernel_w = widgets.Dropdown(options=[*choices, "custom"], description="kernel", style=style)
    custom_w = widgets.Text("1 0 1; 0 1 0; 1 0 1", description="custom weights", style=style)
    stride_w = widgets.IntSlider(1, min=1, max=3, description="stride", style=style)
    padding_w = widgets.IntSlider(0, min=0, max=2, description="padding", style=style)
    step_w = widgets.IntSlider(0, min=0, max=0, description="step", style=style)

    def current_kernel(name: str, custom: str) -> np.ndarray:
        return parse_kernel(custom) if name == "custom" else choices[name]

    def fit_step(change: Any = None) -> None:
        # Runs before the explorer re-renders (observers fire in the order they were added), so
        # the step slider never points past the last position of the new geometry.
        try:
            k = current_kernel(kernel_w.value, custom_w.value)
            H_out, W_out = _output_shape(image, k, stride_w.value, padding_w.value)
        except ValueError:
            return  # the explorer shows the message when it renders
        step_w.max = H_out * W_out - 1  # lowering max also clamps the value

    for control in (kernel_w, custom_w, stride_w, padding_w):
        control.observe(fit_step, names="value")
    fit_step()

    def render(kernel_name: str, custom: str, step: int, stride: int, padding: int) -> Figure:
        return render_conv_step(image, current_kernel(kernel_name, custom), step, stride, padding)

    return interactive_explorer(render, dpi=dpi, kernel_name=kernel_w, custom=custom_w,
                                step=step_w, stride=stride_w, padding=padding_w)
