"""Exercise checks and the notebook grader.

Notebooks call `check("conv2d", conv2d)` for instant feedback; `course-grade NOTEBOOK` (or a
folder of them) runs each notebook in a sandboxed kernel and runs every check of its set from the
grader's own process, so the answers never enter the learner's kernel. Checks live in modules
named for their concept (convolution, conv_arithmetic, pooling, features, mlp, ...).
"""

from .conv_arithmetic import (
    check_conv_params,
    check_output_size,
    check_output_size_strict,
    check_same_padding,
)
from .convolution import check_conv2d, check_correlate2d, check_sobel_magnitude
from .core import (
    Case,
    CaseFailure,
    CheckResult,
    call,
    expect_array,
    expect_int,
    run_cases,
)
from .features import check_bow_histogram, check_gradient_histogram, check_lbp_codes
from .mlp import check_mlp_backward, check_mlp_forward
from .multiclass import check_n_binary_svms
from .notebook import DID_NOT_RUN, GradingError, Report, grade_notebook
from .perceptron import check_gate_weights, check_perceptron_step
from .pooling import (
    check_avg_pool2d,
    check_global_avg_pool2d,
    check_max_pool2d,
    check_stochastic_pool_inference,
)
from .receptive_field import check_receptive_field
from .registry import EXERCISE_SETS, Check, check, find_check, run_check

__all__ = [
    "DID_NOT_RUN",
    "EXERCISE_SETS",
    "Case",
    "CaseFailure",
    "Check",
    "CheckResult",
    "GradingError",
    "Report",
    "call",
    "check",
    "check_avg_pool2d",
    "check_conv2d",
    "check_conv_params",
    "check_correlate2d",
    "check_global_avg_pool2d",
    "check_max_pool2d",
    "check_output_size",
    "check_output_size_strict",
    "check_receptive_field",
    "check_same_padding",
    "check_bow_histogram",
    "check_gate_weights",
    "check_gradient_histogram",
    "check_lbp_codes",
    "check_mlp_backward",
    "check_mlp_forward",
    "check_n_binary_svms",
    "check_perceptron_step",
    "check_sobel_magnitude",
    "check_stochastic_pool_inference",
    "expect_array",
    "expect_int",
    "find_check",
    "grade_notebook",
    "run_cases",
    "run_check",
]
