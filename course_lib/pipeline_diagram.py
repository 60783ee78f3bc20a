"""A CNN's whole pipeline drawn from its `summary`: one box per layer, its output shape below,
grouped into the feature extractor and the classifier (chapter 13)."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from torch import nn

from .complexity import LayerRow, summary

__all__ = ["pipeline_diagram", "pipeline_stages"]

# Box colours by layer type; anything else (Dropout, BatchNorm, …) is grey.
_COLOURS = {"Conv2d": "#9ecae1", "ReLU": "#fdd0a2", "MaxPool2d": "#c7e9c0",
            "AvgPool2d": "#c7e9c0", "AdaptiveAvgPool2d": "#c7e9c0", "Flatten": "#dadaeb",
            "Linear": "#fcbba1", "Softmax": "#fde0ef"}


def _shape(row: LayerRow) -> str:
    return "×".join(str(s) for s in row.output_shape)


def pipeline_stages(model: nn.Module, input_size: tuple[int, ...]) -> list[tuple[str, str, str]]:
    """(label, output shape, part) per layer, part "features" before the first Flatten or
    Linear and "classifier" from there on; a softmax is appended as the last stage."""
    rows = summary(model, input_size).rows
    stages, part = [("input", "×".join(map(str, input_size)), "input")], "features"
    for row in rows:
        if row.type in ("Flatten", "Linear"):
            part = "classifier"
        stages.append((row.type, _shape(row), part))
    classes = rows[-1].output_shape[0]
    stages.append(("Softmax", f"{classes}\nprobabilities", "classifier"))
    return stages


def pipeline_diagram(model: nn.Module, input_size: tuple[int, ...], title: str = "") -> Figure:
    """Boxes and arrows from the input to the class probabilities, each layer's output shape
    (C×H×W, or a vector's length) under its box, and lines naming the two halves."""
    stages = pipeline_stages(model, input_size)
    n = len(stages)
    fig = Figure(figsize=(max(8.0, 0.95 * n), 2.0), dpi=110)
    ax = fig.add_axes((0.01, 0.02, 0.98, 0.8 if title else 0.96))
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(-0.85, 1.0)
    ax.set_axis_off()
    for k, (label, shape, _) in enumerate(stages):
        colour = "white" if label == "input" else _COLOURS.get(label, "#e0e0e0")
        ax.add_patch(FancyBboxPatch((k - 0.4, -0.3), 0.8, 0.6, boxstyle="round,pad=0.02",
                                    facecolor=colour, edgecolor="0.3"))
        ax.text(k, 0, label.replace("MaxPool2d", "MaxPool").replace("Conv2d", "Conv"),
                ha="center", va="center", fontsize=8)
        ax.text(k, -0.4, shape, ha="center", va="top", fontsize=7, color="0.25")
        if k:
            ax.add_patch(FancyArrowPatch((k - 0.6, 0), (k - 0.4, 0), arrowstyle="->",
                                         mutation_scale=8, color="0.3"))
    for part, name in (("features", "feature extractor (learned filters)"),
                       ("classifier", "classifier")):
        ks = [k for k, s in enumerate(stages) if s[2] == part]
        if ks:
            ax.plot([ks[0] - 0.4, ks[-1] + 0.4], [0.55, 0.55], color="0.3", lw=1.2)
            ax.text((ks[0] + ks[-1]) / 2, 0.65, name, ha="center", va="bottom", fontsize=9)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig
