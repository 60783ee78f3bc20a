"""From-scratch NumPy operations the course teaches: convolution (conv.py), classic filters
(filters.py), pooling (pooling.py), batch normalization (batchnorm.py) and dropout (dropout.py).
Each follows `torch.nn.functional`'s names so it can be checked against PyTorch. The first three
are re-exported here; import the last two from their modules (a function `ops.dropout` would
hide the module `ops.dropout`).
"""

from .conv import (
    WORKED_EXAMPLE_IMAGE,
    WORKED_EXAMPLE_KERNEL,
    conv2d,
    conv_output_size,
    conv_param_count,
    convolve1d,
    convolve2d,
    correlate1d,
    correlate2d,
    same_padding,
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
from .pooling import avg_pool2d, global_avg_pool2d, max_pool2d, pool_output_size

__all__ = [
    "BLUR",
    "GAUSSIAN_BLUR",
    "IDENTITY",
    "KERNELS",
    "SHARPEN",
    "SOBEL_X",
    "SOBEL_Y",
    "WORKED_EXAMPLE_IMAGE",
    "WORKED_EXAMPLE_KERNEL",
    "avg_pool2d",
    "conv2d",
    "conv_output_size",
    "conv_param_count",
    "convolve1d",
    "convolve2d",
    "correlate1d",
    "correlate2d",
    "diagonal_filter",
    "global_avg_pool2d",
    "max_pool2d",
    "pool_output_size",
    "same_padding",
    "sobel",
]
