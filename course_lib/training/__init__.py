"""Training: one-epoch loops, the `fit` driver with its `TrainConfig`, `History` and checkpoints.

Follows pytorch/examples `mnist/main.py` (plain `train`/`evaluate` functions); plotting lives in
`History.plot`, never inside a training step.
"""

from .checkpoint import load_checkpoint, read_checkpoint, save_checkpoint
from .compare import Comparison, Run, compare
from .curves import gap_table, plot_runs
from .fit import TrainConfig, build_optimizer, build_scheduler, fit, use_channels_last
from .gradients import LayerGradient, layer_gradient_norms
from .history import EpochRecord, History
from .loop import autocast_dtype, evaluate, train_one_epoch
from .seeded import SeededComparison, compare_seeds
from .trace import StepTrace, plot_grad_norms, plot_step_accuracy, trace_training, weight_layers

__all__ = [
    "Comparison",
    "EpochRecord",
    "History",
    "LayerGradient",
    "Run",
    "SeededComparison",
    "StepTrace",
    "TrainConfig",
    "autocast_dtype",
    "build_optimizer",
    "build_scheduler",
    "compare",
    "compare_seeds",
    "evaluate",
    "fit",
    "gap_table",
    "layer_gradient_norms",
    "load_checkpoint",
    "plot_grad_norms",
    "plot_runs",
    "plot_step_accuracy",
    "read_checkpoint",
    "save_checkpoint",
    "trace_training",
    "train_one_epoch",
    "use_channels_last",
    "weight_layers",
]
