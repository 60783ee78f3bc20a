"""Experiments a chapter runs and the reference-results store re-runs at a larger size.

Each function takes a compute profile, a seed and a device and returns an `Outcome`; the chapter
calls it on its own profile, `python -m benchmarks.reference_results` on a larger one.
"""

from .core import Outcome, train_classifier
from .mnist import mnist_cnn_run
from .resnet import DEGRADATION_DEPTHS, cifar_resnet_run, degradation_run, degradation_size
from .shapes import SHAPE_KW, SHAPE_TEST_SEED, placed_shapes_run
from .transfer import TRANSFER_METHODS, new_head, pretrain_spec, transfer_config, transfer_runs

__all__ = ["DEGRADATION_DEPTHS", "SHAPE_KW", "SHAPE_TEST_SEED", "TRANSFER_METHODS", "Outcome",
           "cifar_resnet_run",
           "degradation_run", "degradation_size", "mnist_cnn_run", "new_head",
           "placed_shapes_run", "pretrain_spec", "train_classifier", "transfer_config",
           "transfer_runs"]
