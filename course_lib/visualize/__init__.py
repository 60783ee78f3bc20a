"""Looking inside a trained CNN: every layer's activations (forward hooks), first-layer filters as
images, filter patterns by gradient ascent on the input, and Grad-CAM class heatmaps (tensor hooks).

Each module holds one technique; none of them trains or plots (plots: `course_lib.explorers`).
"""

from .activations import LayerStats, activation_stats, collect_activations, layer_names
from .filters import EdgeScores, edge_scores, filter_images, first_conv
from .gradcam import GradCAM, grad_cam, grad_cam_from, mass_in_box
from .patterns import FilterPatterns, filter_patterns

__all__ = [
    "EdgeScores",
    "FilterPatterns",
    "GradCAM",
    "LayerStats",
    "activation_stats",
    "collect_activations",
    "edge_scores",
    "filter_images",
    "filter_patterns",
    "first_conv",
    "grad_cam",
    "grad_cam_from",
    "layer_names",
    "mass_in_box",
]
