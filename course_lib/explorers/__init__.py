"""Interactive explorers: pure `render_*(params) -> Figure` functions, their live ipywidgets form
`*_explorer` (`widgets.py`, ipywidgets imported only when one is built) and their kernel-free form
`*_explorer_static` for the static book (`frames.py`: pre-rendered frames stepped by a
self-contained JavaScript slider). Every module's public names are re-exported here.
"""

from .activations import (
    activations_explorer,
    activations_explorer_static,
    render_layer_activations,
)
from .architectures import (
    architecture_explorer,
    architecture_explorer_static,
    render_architecture,
)
from .augmentation import (
    AUGMENTATIONS,
    Transform,
    augmentation_explorer,
    augmentation_explorer_static,
    augmentation_gallery,
    render_augmentation,
)
from .batchnorm import (
    SATURATION_THRESHOLD,
    batchnorm_explorer,
    batchnorm_explorer_static,
    render_batchnorm,
    sigmoid,
    sigmoid_grad,
)
from .convolution import (
    EXPLORER_KERNELS,
    conv_explorer,
    conv_explorer_static,
    filter_response_explorer_static,
    parse_kernel,
    render_conv_step,
    render_filter_response,
)
from .dropout import (
    DROPOUT_LAYERS,
    dropout_explorer,
    dropout_explorer_static,
    render_dropout,
)
from .feature_depth import (
    DepthProbe,
    depth_probe,
    feature_depth_explorer,
    feature_depth_explorer_static,
    pca_2d,
    render_feature_depth,
)
from .frames import (
    StaticSlider,
    explorer_html,
    figure_to_png,
    static_slider,
)
from .gradcam import (
    grad_cam_explorer,
    grad_cam_explorer_static,
    render_grad_cam,
)
from .layer_trace import (
    layer_trace_explorer,
    layer_trace_explorer_static,
    render_layer_trace,
    stack_layers,
)
from .output_size import (
    OUTPUT_SIZE_CASES,
    output_size_explorer,
    output_size_explorer_static,
    output_size_story,
    render_output_size,
)
from .pooling import (
    POOLING_EXAMPLE,
    POOLING_KINDS,
    pooling_explorer,
    pooling_explorer_static,
    render_pooling,
)
from .receptive_field import (
    RF_STACKS,
    field_formula,
    receptive_field_explorer,
    receptive_field_explorer_static,
    render_receptive_field,
)
from .residual import (
    EXPLORER_DEPTHS,
    gradient_flow,
    gradient_flow_explorer,
    gradient_flow_explorer_static,
    render_gradient_flow,
)
from .svm import (
    SVM_KERNELS,
    fit_svm,
    render_svm_boundary,
    svm_explorer,
    svm_explorer_static,
)
from .widgets import (
    Explorer,
    interactive_explorer,
)
from .xor_mlp import (
    render_xor_training,
    xor_explorer,
    xor_explorer_static,
)

__all__ = [
    "AUGMENTATIONS",
    "DROPOUT_LAYERS",
    "EXPLORER_DEPTHS",
    "EXPLORER_KERNELS",
    "OUTPUT_SIZE_CASES",
    "POOLING_EXAMPLE",
    "POOLING_KINDS",
    "RF_STACKS",
    "SATURATION_THRESHOLD",
    "SVM_KERNELS",
    "DepthProbe",
    "Explorer",
    "StaticSlider",
    "Transform",
    "activations_explorer",
    "activations_explorer_static",
    "architecture_explorer",
    "architecture_explorer_static",
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
    "feature_depth_explorer_static",
    "field_formula",
    "figure_to_png",
    "filter_response_explorer_static",
    "fit_svm",
    "grad_cam_explorer",
    "grad_cam_explorer_static",
    "gradient_flow",
    "gradient_flow_explorer",
    "gradient_flow_explorer_static",
    "interactive_explorer",
    "layer_trace_explorer",
    "layer_trace_explorer_static",
    "output_size_explorer",
    "output_size_explorer_static",
    "output_size_story",
    "parse_kernel",
    "pca_2d",
    "pooling_explorer",
    "pooling_explorer_static",
    "receptive_field_explorer",
    "receptive_field_explorer_static",
    "render_architecture",
    "render_augmentation",
    "render_batchnorm",
    "render_conv_step",
    "render_dropout",
    "render_feature_depth",
    "render_filter_response",
    "render_grad_cam",
    "render_gradient_flow",
    "render_layer_activations",
    "render_layer_trace",
    "render_output_size",
    "render_pooling",
    "render_receptive_field",
    "render_svm_boundary",
    "render_xor_training",
    "sigmoid",
    "sigmoid_grad",
    "stack_layers",
    "static_slider",
    "svm_explorer",
    "svm_explorer_static",
    "xor_explorer",
    "xor_explorer_static",
]
