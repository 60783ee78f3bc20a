"""Interactive explorers: pure `render_*(params) -> Figure` functions, their live ipywidgets form
(`widgets.py`, ipywidgets imported only when one is built) and their kernel-free form for the static
book (`frames.py`: pre-rendered frames stepped by a self-contained JavaScript slider).
"""

from .activations import (
    activations_explorer,
    activations_explorer_static,
    render_layer_activations,
)
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
from .feature_depth import (
    DepthProbe,
    depth_probe,
    feature_depth_explorer,
    feature_depth_static,
    render_feature_depth,
)
from .frames import StaticSlider, explorer_html, figure_to_png, static_slider
from .gradcam import grad_cam_explorer, grad_cam_explorer_static, render_grad_cam
from .layer_trace import (
    layer_trace_explorer,
    layer_trace_static,
    render_layer_trace,
    stack_layers,
)
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
from .svm import render_svm_boundary, svm_explorer, svm_explorer_static
from .widgets import Explorer, interactive_explorer
from .xor_mlp import render_xor_training, xor_explorer, xor_explorer_static

__all__ = [
    "AUGMENTATIONS",
    "EXPLORER_KERNELS",
    "OUTPUT_SIZE_CASES",
    "POOLING_EXAMPLE",
    "RF_STACKS",
    "WORKED_EXAMPLE_IMAGE",
    "WORKED_EXAMPLE_KERNEL",
    "DepthProbe",
    "Explorer",
    "StaticSlider",
    "activations_explorer",
    "activations_explorer_static",
    "augmentation_explorer",
    "augmentation_explorer_static",
    "augmentation_gallery",
    "batchnorm_explorer",
    "batchnorm_explorer_static",
    "conv_explorer",
    "conv_explorer_static",
    "depth_probe",
    "dropout_explorer",
    "dropout_explorer_static",
    "explorer_html",
    "feature_depth_explorer",
    "feature_depth_static",
    "figure_to_png",
    "filter_response_static",
    "grad_cam_explorer",
    "grad_cam_explorer_static",
    "interactive_explorer",
    "output_size_explorer",
    "output_size_static",
    "parse_kernel",
    "pooling_explorer",
    "pooling_static",
    "receptive_field_explorer",
    "receptive_field_static",
    "render_augmentation",
    "render_batchnorm",
    "render_conv_step",
    "render_dropout",
    "render_feature_depth",
    "render_filter_response",
    "render_output_size",
    "render_pooling",
    "render_receptive_field",
    "render_svm_boundary",
    "render_xor_training",
    "layer_trace_explorer",
    "layer_trace_static",
    "render_grad_cam",
    "render_layer_activations",
    "render_layer_trace",
    "stack_layers",
    "static_slider",
    "svm_explorer",
    "svm_explorer_static",
    "xor_explorer",
    "xor_explorer_static",
]
