"""Exercise checks and the notebook grader.

Notebooks call `check("conv2d", conv2d)`; `course-grade NOTEBOOK` runs a whole notebook and prints
its score. Checks live in modules named for their concept (convolution, conv_arithmetic,
receptive_field, pooling).
"""

from .conv_arithmetic import (
    check_conv_params,
    check_output_size,
    check_output_size_strict,
    check_same_padding,
)
from .convolution import check_conv2d, check_correlate2d, check_sobel_magnitude
from .core import (
    REPORT_ENV,
    Case,
    CaseFailure,
    CheckResult,
    call,
    expect_array,
    expect_int,
    run_cases,
)
from .notebook import DID_NOT_RUN, GradingError, Report, grade_notebook
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
    "REPORT_ENV",
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
    "check_sobel_magnitude",
    "check_stochastic_pool_inference",
    "expect_array",
    "expect_int",
    "find_check",
    "grade_notebook",
    "run_cases",
    "run_check",
]
