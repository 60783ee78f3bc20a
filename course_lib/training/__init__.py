"""Training: one-epoch loops, the `fit` driver with its `TrainConfig`, `History` and checkpoints.

Follows pytorch/examples `mnist/main.py` (plain `train`/`evaluate` functions); plotting lives in
`History.plot`, never inside a training step.
"""

from .checkpoint import load_checkpoint, read_checkpoint, save_checkpoint
from .compare import Comparison, Run, compare
from .fit import TrainConfig, build_optimizer, build_scheduler, fit
from .gradients import LayerGradient, layer_gradient_norms
from .history import EpochRecord, History
from .loop import autocast_dtype, evaluate, train_one_epoch

__all__ = [
    "Comparison",
    "EpochRecord",
    "History",
    "LayerGradient",
    "Run",
    "TrainConfig",
    "autocast_dtype",
    "build_optimizer",
    "build_scheduler",
    "compare",
    "evaluate",
    "fit",
    "layer_gradient_norms",
    "load_checkpoint",
    "read_checkpoint",
    "save_checkpoint",
    "train_one_epoch",
]
