"""Interactive explorers: pure `render_*(params) -> Figure` functions, their live ipywidgets form
(`widgets.py`, ipywidgets imported only when one is built) and their kernel-free form for the static
book (`frames.py`: pre-rendered frames stepped by a self-contained JavaScript slider).
"""

from .augmentation import (
    AUGMENTATIONS,
    augmentation_explorer,
    augmentation_explorer_static,
    augmentation_gallery,
    render_augmentation,
)
from .batchnorm import batchnorm_explorer, batchnorm_explorer_static, render_batchnorm
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
from .dropout import dropout_explorer, dropout_explorer_static, render_dropout
from .frames import StaticSlider, explorer_html, figure_to_png, static_slider
from .widgets import Explorer, interactive_explorer

__all__ = [
    "AUGMENTATIONS",
    "EXPLORER_KERNELS",
    "WORKED_EXAMPLE_IMAGE",
    "WORKED_EXAMPLE_KERNEL",
    "Explorer",
    "StaticSlider",
    "augmentation_explorer",
    "augmentation_explorer_static",
    "augmentation_gallery",
    "batchnorm_explorer",
    "batchnorm_explorer_static",
    "conv_explorer",
    "conv_explorer_static",
    "dropout_explorer",
    "dropout_explorer_static",
    "explorer_html",
    "figure_to_png",
    "filter_response_static",
    "interactive_explorer",
    "parse_kernel",
    "render_augmentation",
    "render_batchnorm",
    "render_conv_step",
    "render_dropout",
    "render_filter_response",
    "static_slider",
]
