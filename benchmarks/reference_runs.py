"""The runs the reference-results store measures: each calls the experiment function its chapter
calls, with the chapter's settings, so a row says what the chapter runs (at a larger size on a
larger profile). One row per compared condition (model, regularizer, learning rate, variant).

To add a row, add a `ReferenceRun` whose `experiment` calls the chapter's function with the
profile, seed and device it is given and turns the result into an `Outcome`.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from course_lib.architecture_study import cnn_vs_mlp, small_architectures
from course_lib.augmentation_study import augmentation_study, standard_variants
from course_lib.bn_learning_rate import CONDITIONS, bn_learning_rate_sweep
from course_lib.experiments import (
    TRANSFER_METHODS,
    Outcome,
    cifar_resnet_run,
    degradation_run,
    mnist_cnn_run,
    placed_shapes_run,
    transfer_runs,
)
from course_lib.pixel_layout import layout_experiment
from course_lib.profile import Profile
from course_lib.regularizer_comparison import REGULARIZERS, RegularizerSpec, compare_regularizers

__all__ = ["BN_LRS", "CHAPTER_03_BATCH", "RUNS", "ReferenceRun", "take_shared_load"]

Experiment = Callable[[Profile, int, torch.device], Outcome]


@dataclass(frozen=True)
class ReferenceRun:
    name: str  # short unique id, used by --only and by course_lib.reference.reference_table
    chapter: str  # the chapter whose experiment this is, e.g. "03"
    model: str  # model (and condition) as the table shows it
    dataset: str  # dataset name as the table shows it
    experiment: Experiment  # (profile, seed, device) → Outcome: the chapter's own function
    profiles: tuple[str, ...] = ("quick",)  # the profiles `make results` measures on a CPU
    seeds: int | None = None  # seeds per row; None: the profile's `seeds`

    @property
    def function(self) -> Callable:
        """The library function the row calls (the one its chapter calls)."""
        return getattr(self.experiment, "calls", self.experiment)


def _calling(function: Callable) -> Callable[[Experiment], Experiment]:
    """Mark an experiment with the library function it calls (tests compare it with the
    chapter's call)."""
    def mark(experiment: Experiment) -> Experiment:
        experiment.calls = function  # type: ignore[attr-defined]
        return experiment
    return mark


# --- Calls shared by several rows: the function runs once per key, each row reads its part.
_RESULTS: dict[tuple, Any] = {}
_LOAD: dict[tuple, tuple[float, float]] = {}  # 1-minute load average before and after each call
_last_load: list[tuple[float, float] | None] = [None]


def _shared(call: Callable[..., Any], *key: Any) -> Any:
    """`call(*key)`, computed once per process and key; notes the load around the computation."""
    full = (call, *key)
    if full not in _RESULTS:
        start = os.getloadavg()[0]
        _RESULTS[full] = call(*key)
        _LOAD[full] = (start, os.getloadavg()[0])
    _last_load[0] = _LOAD[full]
    return _RESULTS[full]


def take_shared_load() -> tuple[float, float] | None:
    """The load around the shared call the last experiment read from (None: it ran on its own);
    clears it. Rows read from one call report that call's load, not the cache lookup's."""
    load, _last_load[0] = _last_load[0], None
    return load


def _default(function: Callable, parameter: str) -> Any:
    return inspect.signature(function).parameters[parameter].default


# --- 02, 03: layout_experiment (the row is the model trained on the original pixel order).
CHAPTER_03_BATCH = 32  # chapter 03 trains both models in batches of 32


def _layout(model: str, batch_size: int | None) -> Experiment:
    @_calling(layout_experiment)
    def run(profile: Profile, seed: int, device: torch.device) -> Outcome:
        (r,) = layout_experiment(model, profile, seeds=[seed], batch_size=batch_size,
                                 device=device)
        n_test = profile.take(_default(layout_experiment, "n_test"), "test")
        return Outcome(r.history, r.n_train, n_test, r.net, mean=r.mean, std=r.std)
    return run


# --- 06: compare_regularizers, once per network (all seeds and regularizers in one call).
def _regularizer(network: str, regularizer: str) -> Experiment:
    @_calling(compare_regularizers)
    def run(profile: Profile, seed: int, device: torch.device) -> Outcome:
        spec = RegularizerSpec.for_profile(profile, network)
        result = _shared(compare_regularizers, spec, device)
        r = result.run(regularizer, seed)
        return Outcome(r.history, spec.train_images, spec.test_images, r.model,
                       held_out=r.test["acc"])
    return run


# --- 07: bn_learning_rate_sweep, once (both conditions, every learning rate and seed).
BN_LRS = (0.03, 0.1, 0.3, 1.0)  # the chapter's sweep


def _bn_sweep(profile: Profile, device: torch.device):
    return bn_learning_rate_sweep(profile, device, lrs=BN_LRS)


def _bn_lr(condition: str, lr: float) -> Experiment:
    @_calling(bn_learning_rate_sweep)
    def run(profile: Profile, seed: int, device: torch.device) -> Outcome:
        sweep = _shared(_bn_sweep, profile, device)
        i, k = sweep.lrs.index(lr), sweep.seeds.index(seed)
        return Outcome(sweep.histories[condition][i][k], sweep.n_train, sweep.n_test, None,
                       held_out=sweep.acc[condition][i][k])
    return run


# --- 08: augmentation_study, once (every variant and seed); test accuracy at the best val epoch.
def _augmentation(variant: str) -> Experiment:
    @_calling(augmentation_study)
    def run(profile: Profile, seed: int, device: torch.device) -> Outcome:
        study = _shared(augmentation_study, profile, device)
        r = study.runs[variant][seed]
        return Outcome(r.history, study.n_train, study.n_test, None, held_out=r.test_acc)
    return run


# --- 09: cnn_vs_mlp and small_architectures, once each (every model and seed).
def _mnist_models(profile: Profile, device: torch.device):
    return cnn_vs_mlp(profile, device)


def _cifar_models(profile: Profile, device: torch.device):
    return small_architectures(profile, device)


def _seeded(study: Callable, name: str) -> Experiment:
    call = {cnn_vs_mlp: _mnist_models, small_architectures: _cifar_models}[study]

    @_calling(study)
    def run(profile: Profile, seed: int, device: torch.device) -> Outcome:
        result = _shared(call, profile, device)
        r = result.comparisons[result.seeds.index(seed)][name]
        return Outcome(r.history, result.train_images, result.test_images, None)
    return run


# --- 11: transfer_runs, once per seed (fine-tuning continues the frozen-base run).
def _transfer(method: str) -> Experiment:
    return _calling(transfer_runs)(lambda p, s, d: _shared(transfer_runs, p, s, d)[method])


_REGULARIZER_KEYS = dict(zip(REGULARIZERS, ("none", "dropout", "decay"), strict=True))
_ARCHITECTURES = {"MLP 784-512-10": "mlp", "Keras MNIST CNN": "keras-cnn"}
_SMALL = {"LeNet-5": "lenet5", "VGG-16 (small, BN)": "vgg16-small"}

RUNS: list[ReferenceRun] = [
    ReferenceRun("layout-mlp", "02", "MLP 784-512-10, the profile's batch", "MNIST",
                 _layout("mlp", None)),
    *(ReferenceRun(f"layout-{key}-b32", "03", f"{label}, batch {CHAPTER_03_BATCH}", "MNIST",
                   _layout(key, CHAPTER_03_BATCH))
      for key, label in (("mlp", "MLP 784-512-10"), ("cnn", "Keras MNIST CNN"))),
    *(ReferenceRun(f"regularization-{network.lower()}-{key}", "06", f"{network}, {reg}", "MNIST",
                   _regularizer(network, reg))
      for network in ("MLP", "CNN") for reg, key in _REGULARIZER_KEYS.items()),
    *(ReferenceRun(f"bn-lr-{condition.split()[0]}-{lr:g}", "07",
                   f"sweep CNN {condition}, SGD lr {lr:g}", "MNIST", _bn_lr(condition, lr))
      for condition in CONDITIONS for lr in BN_LRS),
    *(ReferenceRun(f"augmentation-{variant.replace(' + ', '-')}", "08",
                   f"pets CNN, {variant} (best val epoch)", "CIFAR-10 cats vs. dogs",
                   _augmentation(variant))
      for variant in standard_variants()),
    *(ReferenceRun(f"architectures-{key}", "09", name, "MNIST", _seeded(cnn_vs_mlp, name))
      for name, key in _ARCHITECTURES.items()),
    *(ReferenceRun(f"architectures-{key}", "09", f"{name}, crop + flip", "CIFAR-10",
                   _seeded(small_architectures, name))
      for name, key in _SMALL.items()),
    *(ReferenceRun(f"degradation-{kind.lower()}-{depth}", "10", f"{kind}-{depth} (width 8)",
                   "CIFAR-10 (train)",
                   _calling(degradation_run)(
                       lambda p, s, d, depth=depth, plain=(kind == "plain"):
                           degradation_run(depth, plain, p, s, d)))
      for depth in (8, 32) for kind in ("plain", "ResNet")),
    *(ReferenceRun(f"transfer-{key}", "11", f"course CNN, {method}", "CIFAR-10 cats vs. dogs",
                   _transfer(method))
      for key, method in zip(("scratch", "features", "frozen", "finetune"), TRANSFER_METHODS,
                             strict=True)),
    ReferenceRun("keras-cnn-mnist", "12", "Keras MNIST CNN", "MNIST", mnist_cnn_run),
    ReferenceRun("smallcnn-shapes", "12", "SmallCNN (width 8)", "placed O/X shapes",
                 placed_shapes_run),
    # The paper's ResNet-20, longer than any chapter can train it on a CPU: `quick` trains on
    # its 20,000 images, `extended` (about half an hour on one CPU thread) and `full` (a GPU)
    # on all 50,000.
    ReferenceRun("resnet20-cifar10", "10", "ResNet-20", "CIFAR-10",
                 _calling(cifar_resnet_run)(lambda p, s, d: cifar_resnet_run(20, p, s, d)),
                 profiles=("quick", "extended"), seeds=1),
]
