"""The exercise sets: which checks each graded notebook runs, and how many points each is worth.

Notebooks call `check(name, fn)`; the grader reads `EXERCISE_SETS` to know which checks a notebook
of a given set should have run, including those that never did.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .architectures import (
    check_inception,
    check_lenet5,
    check_shapes_net,
    check_vgg_param_count,
)
from .augmentation import (
    check_channel_stats,
    check_hflip,
    check_mixup,
    check_mixup_questions,
    check_normalize,
    check_pad_and_crop,
)
from .batchnorm import (
    check_batchnorm2d_train,
    check_batchnorm_backward,
    check_batchnorm_train,
    check_bn_mode_predictions,
    check_running_update,
)
from .conv_arithmetic import (
    check_conv_predictions,
    check_output_size_strict,
    check_same_padding,
)
from .conv_backward import check_conv2d_backward
from .convolution import check_conv2d, check_correlate2d
from .core import CheckResult
from .curve_reading import check_read_the_curves
from .features import check_bow_histogram, check_soft_gradient_histogram, check_uniform_lbp
from .layer_stacks import (
    check_budget_stack,
    check_stack_mult_adds,
    check_stack_params,
    check_stack_shapes,
)
from .mlp import check_mlp_backward
from .multiclass import check_svm_training_cost
from .perceptron import check_perceptron_predictions, check_xor_relu_weights
from .pooling import (
    check_avg_pool2d,
    check_max_pool2d,
    check_stochastic_pool_inference,
)
from .pooling_backward import check_avg_pool2d_backward, check_max_pool2d_backward
from .receptive_field import check_design_stack, check_receptive_field
from .regularization import (
    check_dropout_backward,
    check_spatial_dropout,
    check_weight_decay_step,
)
from .residual import (
    check_basic_block_weights,
    check_bottleneck_weights,
    check_residual_block,
    check_stage_receptive_fields,
    check_stage_shapes,
)
from .softmax import check_softmax_cross_entropy_grad
from .transfer import (
    check_base_head_groups,
    check_features_no_grad,
    check_freeze_all_but_head,
    check_predict_fine_tuning,
)
from .visualizing import check_blank_fractions, check_grad_cam_gap_linear, check_mass_in_box

__all__ = ["EXERCISE_SETS", "Check", "check", "find_check", "run_check"]


@dataclass(frozen=True)
class Check:
    name: str  # what notebooks pass to check(), unique within an exercise set
    function: Callable[..., CheckResult]  # check_xxx(fn, verbose=True) -> CheckResult

    @property
    def max_points(self) -> int:
        """Its points: the sum of its cases' (core.Case.points), the one place they are set.
        Exercise headings ("(3 points)") are tested against it."""
        return _max_points(self.function)


@functools.cache
def _max_points(function: Callable[..., CheckResult]) -> int:
    # Given something that is not a function, a check builds its cases and runs none of them.
    return function(None, verbose=False).max_points


EXERCISE_SETS: dict[str, tuple[Check, ...]] = {
    "classic_vision": (
        Check("soft_gradient_histogram", check_soft_gradient_histogram),
        Check("uniform_lbp", check_uniform_lbp),
        Check("bow_histogram", check_bow_histogram),
        Check("svm_training_cost", check_svm_training_cost),
    ),
    "neural_networks": (
        Check("xor_relu_weights", check_xor_relu_weights),
        Check("perceptron_predictions", check_perceptron_predictions),
        Check("softmax_cross_entropy_grad", check_softmax_cross_entropy_grad),
        Check("mlp_backward", check_mlp_backward),
    ),
    "convolution": (
        Check("correlate2d", check_correlate2d),
        Check("conv2d", check_conv2d),
        Check("conv2d_backward", check_conv2d_backward),
        Check("conv_predictions", check_conv_predictions),
    ),
    "padding_stride_receptive_field": (
        Check("output_size_strict", check_output_size_strict),
        Check("same_padding", check_same_padding),
        Check("receptive_field", check_receptive_field),
        Check("design_stack", check_design_stack),
    ),
    "pooling": (
        Check("max_pool2d", check_max_pool2d),
        Check("max_pool2d_backward", check_max_pool2d_backward),
        Check("avg_pool2d", check_avg_pool2d),
        Check("avg_pool2d_backward", check_avg_pool2d_backward),
        Check("stochastic_pool_inference", check_stochastic_pool_inference),
    ),
    "regularization": (
        Check("spatial_dropout", check_spatial_dropout),
        Check("dropout_backward", check_dropout_backward),
        Check("weight_decay_step", check_weight_decay_step),
        Check("read_the_curves", check_read_the_curves),
    ),
    "batch_normalization": (
        Check("batchnorm_train", check_batchnorm_train),
        Check("batchnorm_backward", check_batchnorm_backward),
        Check("running_update", check_running_update),
        Check("bn_mode_predictions", check_bn_mode_predictions),
        Check("batchnorm2d_train", check_batchnorm2d_train),
    ),
    "augmentation": (
        Check("channel_stats", check_channel_stats),
        Check("normalize", check_normalize),
        Check("hflip", check_hflip),
        Check("pad_and_crop", check_pad_and_crop),
        Check("mixup", check_mixup),
        Check("mixup_questions", check_mixup_questions),
    ),
    "architectures": (
        Check("lenet5", check_lenet5),
        Check("vgg_param_count", check_vgg_param_count),
        Check("inception", check_inception),
        Check("shapes_net", check_shapes_net),
    ),
    "resnet": (
        Check("residual_block", check_residual_block),
        Check("basic_block_weights", check_basic_block_weights),
        Check("bottleneck_weights", check_bottleneck_weights),
        Check("stage_shapes", check_stage_shapes),
        Check("stage_receptive_fields", check_stage_receptive_fields),
    ),
    "transfer_learning": (
        Check("freeze_all_but_head", check_freeze_all_but_head),
        Check("features_no_grad", check_features_no_grad),
        Check("base_head_groups", check_base_head_groups),
        Check("predict_fine_tuning", check_predict_fine_tuning),
    ),
    "visualizing": (
        Check("grad_cam_gap_linear", check_grad_cam_gap_linear),
        Check("mass_in_box", check_mass_in_box),
        Check("blank_fractions", check_blank_fractions),
    ),
    "layer_stacks": (
        Check("stack_shapes", check_stack_shapes),
        Check("stack_params", check_stack_params),
        Check("stack_mult_adds", check_stack_mult_adds),
        Check("budget_stack", check_budget_stack),
    ),
}


def find_check(name: str, exercise_set: str | None = None) -> Check:
    """The check called `name` (in `exercise_set`, or in any set); ValueError if there is none."""
    if exercise_set is not None and exercise_set not in EXERCISE_SETS:
        raise ValueError(f"unknown exercise set {exercise_set!r}; known: {sorted(EXERCISE_SETS)}")
    sets = [exercise_set] if exercise_set else list(EXERCISE_SETS)
    for s in sets:
        for c in EXERCISE_SETS[s]:
            if c.name == name:
                return c
    known = sorted({c.name for s in sets for c in EXERCISE_SETS[s]})
    raise ValueError(f"there is no check called {name!r}; the checks are: {', '.join(known)}")


def run_check(
    name: str, fn: Any, exercise_set: str | None = None, verbose: bool = True
) -> CheckResult:
    """Run the check `name` on the learner's function `fn`: print its report and return it."""
    return find_check(name, exercise_set).function(fn, verbose=verbose)


def check(name: str, fn: Any) -> None:
    """What exercise notebooks call: `check("conv2d", conv2d)` prints the report and records it
    for the grader; it returns nothing, so the cell shows the report alone."""
    run_check(name, fn)
