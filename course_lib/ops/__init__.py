"""From-scratch NumPy operations the course teaches: convolution (conv.py) and classic filters
(filters.py). Each follows `torch.nn.functional`'s names so it can be checked against PyTorch.
"""

from .conv import (
    conv2d,
    conv_output_size,
    conv_param_count,
    convolve1d,
    convolve2d,
    correlate1d,
    correlate2d,
)
from .filters import (
    BLUR,
    GAUSSIAN_BLUR,
    IDENTITY,
    KERNELS,
    SHARPEN,
    SOBEL_X,
    SOBEL_Y,
    diagonal_filter,
    sobel,
)

__all__ = [
    "BLUR",
    "GAUSSIAN_BLUR",
    "IDENTITY",
    "KERNELS",
    "SHARPEN",
    "SOBEL_X",
    "SOBEL_Y",
    "conv2d",
    "conv_output_size",
    "conv_param_count",
    "convolve1d",
    "convolve2d",
    "correlate1d",
    "correlate2d",
    "diagonal_filter",
    "sobel",
]
