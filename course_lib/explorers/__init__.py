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
from .output_size import (
    OUTPUT_SIZE_CASES,
    output_size_explorer,
    output_size_static,
    render_output_size,
)
from .pooling import POOLING_EXAMPLE, pooling_explorer, pooling_static, render_pooling
from .receptive_field import (
    RF_STACKS,
    receptive_field_explorer,
    receptive_field_static,
    render_receptive_field,
)
from .widgets import Explorer, interactive_explorer

__all__ = [
    "EXPLORER_KERNELS",
    "OUTPUT_SIZE_CASES",
    "POOLING_EXAMPLE",
    "RF_STACKS",
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
    "output_size_explorer",
    "output_size_static",
    "parse_kernel",
    "pooling_explorer",
    "pooling_static",
    "receptive_field_explorer",
    "receptive_field_static",
    "render_conv_step",
    "render_filter_response",
    "render_output_size",
    "render_pooling",
    "render_receptive_field",
    "static_slider",
]
