"""Exercise checks and the notebook grader.

Notebooks call `check("conv2d", conv2d)` for instant feedback; `course-grade NOTEBOOK` (or a
folder of them) runs each notebook in a sandboxed kernel and runs every check of its set from the
grader's own process, so the answers never enter the learner's kernel. Checks live in modules
named for their concept; `registry` lists them per exercise set. Names load on first use
(`lazy.py`), so `course-grade --help` starts without torch.
"""

from ..lazy import lazy_exports

_EXPORTS = {
    ".conv_arithmetic": (
        "check_conv_predictions",
        "check_output_size_strict",
        "check_same_padding",
    ),
    ".conv_backward": (
        "check_conv2d_backward",
    ),
    ".convolution": (
        "check_conv2d",
        "check_correlate2d",
    ),
    ".core": (
        "Case",
        "CaseFailure",
        "CheckResult",
        "call",
        "expect_array",
        "expect_int",
        "run_cases",
    ),
    ".features": (
        "check_bow_histogram",
        "check_soft_gradient_histogram",
        "check_uniform_lbp",
    ),
    ".mlp": (
        "check_mlp_backward",
    ),
    ".multiclass": (
        "check_svm_training_cost",
    ),
    ".notebook": (
        "DID_NOT_RUN",
        "GradingError",
        "Report",
        "grade_notebook",
    ),
    ".perceptron": (
        "check_perceptron_predictions",
        "check_xor_relu_weights",
    ),
    ".pooling": (
        "check_avg_pool2d",
        "check_max_pool2d",
        "check_stochastic_pool_inference",
    ),
    ".pooling_backward": (
        "check_avg_pool2d_backward",
        "check_max_pool2d_backward",
    ),
    ".receptive_field": (
        "check_design_stack",
        "check_receptive_field",
    ),
    ".registry": (
        "EXERCISE_SETS",
        "Check",
        "check",
        "find_check",
        "run_check",
    ),
    ".softmax": (
        "check_softmax_cross_entropy_grad",
    ),
}
__all__ = sorted(name for names in _EXPORTS.values() for name in names)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
