"""Interactive explorers: pure `render_*(params) -> Figure` functions, their live ipywidgets form
(`widgets.py`, ipywidgets imported only when one is built) and their kernel-free form for the static
book (`frames.py`: pre-rendered frames stepped by a self-contained JavaScript slider).
"""

from .convolution import (
    EXPLORER_KERNELS,
    WORKED_EXAMPLE_IMAGE,
    WORKED_EXAMPLE_KERNEL,
    conv_explorer,
    conv_explorer_static,
    filter_response_static,
    parse_kernel,
    render_conv_step,
    render_filter_response,
)
from .frames import StaticSlider, explorer_html, figure_to_png, static_slider
from .svm import render_svm_boundary, svm_explorer, svm_explorer_static
from .widgets import Explorer, interactive_explorer
from .xor_mlp import render_xor_training, xor_explorer, xor_explorer_static

__all__ = [
    "EXPLORER_KERNELS",
    "WORKED_EXAMPLE_IMAGE",
    "WORKED_EXAMPLE_KERNEL",
    "Explorer",
    "StaticSlider",
    "conv_explorer",
    "conv_explorer_static",
    "explorer_html",
    "figure_to_png",
    "filter_response_static",
    "interactive_explorer",
    "parse_kernel",
    "render_conv_step",
    "render_filter_response",
    "render_svm_boundary",
    "render_xor_training",
    "static_slider",
    "svm_explorer",
    "svm_explorer_static",
    "xor_explorer",
    "xor_explorer_static",
]
