"""Interactive explorers: pure `render_*(params) -> Figure` functions, their live ipywidgets form
(`widgets.py`, ipywidgets imported only when one is built) and their kernel-free form for the static
book (`frames.py`: pre-rendered frames stepped by a self-contained JavaScript slider).
"""

from .activations import (
    activations_explorer,
    activations_explorer_static,
    render_layer_activations,
)
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
from .gradcam import grad_cam_explorer, grad_cam_explorer_static, render_grad_cam
from .layer_trace import (
    layer_trace_explorer,
    layer_trace_static,
    render_layer_trace,
    stack_layers,
)
from .widgets import Explorer, interactive_explorer

__all__ = [
    "EXPLORER_KERNELS",
    "WORKED_EXAMPLE_IMAGE",
    "WORKED_EXAMPLE_KERNEL",
    "Explorer",
    "StaticSlider",
    "activations_explorer",
    "activations_explorer_static",
    "conv_explorer",
    "conv_explorer_static",
    "explorer_html",
    "figure_to_png",
    "filter_response_static",
    "grad_cam_explorer",
    "grad_cam_explorer_static",
    "interactive_explorer",
    "layer_trace_explorer",
    "layer_trace_static",
    "parse_kernel",
    "render_grad_cam",
    "render_layer_activations",
    "render_layer_trace",
    "render_conv_step",
    "render_filter_response",
    "stack_layers",
    "static_slider",
]
