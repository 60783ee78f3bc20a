"""`fit`: the whole training run (optimizer, schedule, epochs, progress bar, checkpoints) around
`train_one_epoch`/`evaluate`, configured by a `TrainConfig`. "Load the checkpoint if present, else
train": a finished checkpoint returns at once, an unfinished one resumes at the next epoch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sized
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from ..profile import Profile
from ..runtime import choose_device
from .checkpoint import read_checkpoint, restore_checkpoint, save_checkpoint
from .history import History
from .loop import Batches, autocast_dtype, evaluate, train_one_epoch

__all__ = ["TrainConfig", "build_optimizer", "build_scheduler", "fit", "use_channels_last"]

# Devices whose convolutions are faster on NHWC ("channels last") tensors: cuDNN's tensor-core
# kernels on CUDA, oneDNN's on CPU (training LeNet-5, SmallCNN and ResNet-20 on this course's
# 2-core CPU took 15-20% less time: `python -m benchmarks.bench_step`). MPS is left as it is.
_CHANNELS_LAST_DEVICES = ("cuda", "cpu")


def use_channels_last(model: nn.Module, device: torch.device | str) -> nn.Module:
    """Store `model`'s 4-D weights in NHWC order where that makes convolutions faster (in place).

    Inputs need no change: a convolution with NHWC weights returns NHWC outputs, and layers
    without 4-D weights (an MLP) are untouched. Returns `model`.
    """
    if torch.device(device).type in _CHANNELS_LAST_DEVICES:
        model.to(memory_format=torch.channels_last)
    return model

OPTIMIZERS = ("sgd", "adamw")
SCHEDULES = ("onecycle", "cosine", "constant")
_DEFAULT_LR = {"sgd": 0.05, "adamw": 1e-3}
_DEFAULT_WEIGHT_DECAY = {"sgd": 5e-4, "adamw": 0.05}


@dataclass
class TrainConfig:
    """How to train: optimizer, schedule and speed options. Validated when created."""

    epochs: int = 10  # passes over the training set
    lr: float | None = None  # peak learning rate; None: 0.05 for SGD, 1e-3 for AdamW
    weight_decay: float | None = None  # decay of weights (not biases/norms); None: 5e-4 / 0.05
    optimizer: str = "sgd"  # "sgd" (with momentum) or "adamw"
    momentum: float = 0.9  # SGD momentum (AdamW keeps its default betas)
    nesterov: bool = True  # Nesterov momentum for SGD (needs momentum > 0)
    schedule: str = "onecycle"  # "onecycle" (warm-up then anneal), "cosine" or "constant"
    label_smoothing: float = 0.0  # share of the target spread uniformly (training loss only)
    amp: bool | None = None  # mixed precision; None: on with CUDA (bf16, else fp16 + GradScaler)
    channels_last: bool = True  # NHWC convolutions on CUDA and CPU (see `use_channels_last`)
    compile: bool = False  # torch.compile on CUDA (the compile time pays off on long runs only)
    grad_clip: float | None = None  # clip the global gradient norm to this (None: no clipping)
    seed: int | None = 0  # seeds torch before training (dropout etc.); None: leave the RNG as is

    def __post_init__(self) -> None:
        self.optimizer = str(self.optimizer).lower()
        self.schedule = str(self.schedule).lower()
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer {self.optimizer!r}: choose one of "
                             f"{', '.join(map(repr, OPTIMIZERS))}.")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"Unknown schedule {self.schedule!r}: choose one of "
                             f"{', '.join(map(repr, SCHEDULES))}.")
        if self.lr is None:
            self.lr = _DEFAULT_LR[self.optimizer]
        if self.weight_decay is None:
            self.weight_decay = _DEFAULT_WEIGHT_DECAY[self.optimizer]
        checks = [
            (isinstance(self.epochs, int) and self.epochs >= 1, f"epochs must be an integer ≥ 1, "
             f"got {self.epochs!r}"),
            (self.lr > 0, f"lr must be positive, got {self.lr}"),
            (self.weight_decay >= 0, f"weight_decay must be ≥ 0, got {self.weight_decay}"),
            (0 <= self.momentum < 1, f"momentum must be in [0, 1), got {self.momentum}"),
            (0 <= self.label_smoothing < 1,
             f"label_smoothing must be in [0, 1), got {self.label_smoothing}"),
            (self.grad_clip is None or self.grad_clip > 0,
             f"grad_clip must be positive or None, got {self.grad_clip}"),
            (not (self.optimizer == "sgd" and self.nesterov and self.momentum == 0),
             "nesterov=True needs momentum > 0 (set nesterov=False for plain SGD)"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(f"TrainConfig: {message}.")

    @classmethod
    def for_profile(cls, profile: Profile, epochs_scale: int = 1, **changes) -> TrainConfig:
        """The one way a chapter sizes a run: `epochs_scale` × the profile's epochs (a chapter
        whose experiment needs longer runs scales them) and its `compile`, plus `changes`."""
        if not (isinstance(epochs_scale, int) and epochs_scale >= 1):
            raise ValueError(f"epochs_scale must be an integer ≥ 1, got {epochs_scale!r}")
        return cls(**{"epochs": epochs_scale * profile.epochs, "compile": profile.compile,
                      **changes})

    def replace(self, **changes) -> TrainConfig:
        """A copy with some fields changed (validated again). Switching `optimizer` also resets
        `lr` and `weight_decay` to the new optimizer's defaults unless they were set by hand."""
        if "optimizer" in changes:
            for name, defaults in (("lr", _DEFAULT_LR), ("weight_decay", _DEFAULT_WEIGHT_DECAY)):
                if name not in changes and getattr(self, name) == defaults[self.optimizer]:
                    changes[name] = None
        return replace(self, **changes)


def build_optimizer(model: nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    """SGD or AdamW over the model's trainable parameters, with weight decay on weights only."""
    # Weight decay only on matrices and kernels (ndim ≥ 2). On biases and BatchNorm's scale and
    # shift it restricts nothing (BN already makes the output invariant to the weights' scale) and
    # only drags them towards 0: "no bias decay" in He et al. 2019, Bag of Tricks, §3.1; likewise
    # nanoGPT's configure_optimizers.
    decay = [p for p in model.parameters() if p.requires_grad and p.ndim >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.ndim < 2]
    groups = [g for g in ({"params": decay, "weight_decay": config.weight_decay},
                          {"params": no_decay, "weight_decay": 0.0}) if g["params"]]
    if not groups:
        raise ValueError("The model has no trainable parameters (all have requires_grad=False).")
    if config.optimizer == "sgd":
        return torch.optim.SGD(groups, lr=config.lr, momentum=config.momentum,
                               nesterov=config.nesterov)
    return torch.optim.AdamW(groups, lr=config.lr)


def build_scheduler(optimizer: torch.optim.Optimizer, config: TrainConfig,
                    steps_per_epoch: int) -> torch.optim.lr_scheduler.LRScheduler | None:
    """The per-step learning-rate schedule of `config.schedule` (None for "constant")."""
    total = config.epochs * steps_per_epoch
    if config.schedule == "onecycle":
        # Smith & Topin 2019 (super-convergence): warm up to `lr` over 30% of the steps, then
        # anneal to ~0. Momentum is not cycled, so `config.momentum` means what it says.
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config.lr,
                                                   total_steps=total, cycle_momentum=False)
    if config.schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
    return None


def _check_resumable(state: dict, config: TrainConfig, steps: int, path: Path) -> None:
    saved = state.get("extra", {}).get("config")
    if saved is None:  # written by hand with save_checkpoint: nothing to compare
        return
    old = {"optimizer": saved["optimizer"], "schedule": saved["schedule"]}
    new = {"optimizer": config.optimizer, "schedule": config.schedule}
    if config.schedule != "constant":  # a schedule is a function of the total number of steps
        old |= {"epochs": saved["epochs"], "steps per epoch": state["extra"]["steps_per_epoch"]}
        new |= {"epochs": config.epochs, "steps per epoch": steps}
    if old != new:
        diff = ", ".join(f"{k} {old[k]!r} → {new[k]!r}" for k in old if old[k] != new[k])
        raise ValueError(
            f"Cannot resume {path}: this run changes {diff}, so the optimizer state and "
            f"learning-rate schedule cannot be continued. Pass resume=False (or another "
            f"checkpoint path) to train afresh, or keep the checkpoint's settings."
        )


def fit(
    model: nn.Module,
    train_batches: Batches,
    test_batches: Batches | None = None,
    config: TrainConfig | None = None,
    device: torch.device | str | None = None,
    checkpoint: str | Path | None = None,
    resume: bool = True,
    progress: bool = True,
    on_epoch_end: Callable[[History], bool | None] | None = None,
    on_interrupt: Literal["return", "raise"] = "return",
) -> History:
    """Train `model` in place on `train_batches` (an iterable of `(x, y)` with a `len()`; each new
    iteration is an epoch) and evaluate on `test_batches` after every epoch.

    With `checkpoint`, the state is saved after every epoch, and an existing checkpoint is resumed
    (`resume=True`): a finished one just loads the weights. `on_epoch_end(history)` runs after
    each epoch; returning True stops early. Ctrl-C (KeyboardInterrupt) stops after saving what
    completed and returns the history so far; with `on_interrupt="raise"` it re-raises after
    saving, for callers that run several fits and whose results need every run complete (an
    experiment over seeds or conditions stops at the first Ctrl-C instead of computing its
    claims from half-trained runs). If `train_batches` has `set_epoch(epoch)` (like
    PyTorch's DistributedSampler) it is called first, so the data order can depend on the epoch.
    """
    config = config if config is not None else TrainConfig()
    device = choose_device() if device is None else torch.device(device)
    if not isinstance(train_batches, Sized):
        raise TypeError("train_batches needs a len() (batches per epoch) for the schedule and "
                        "the progress bar; wrap a generator in a list or a DeviceBatches.")
    steps = len(train_batches)
    if steps == 0:
        raise ValueError("train_batches is empty (len() == 0).")
    if on_interrupt not in ("return", "raise"):
        raise ValueError(f"on_interrupt must be 'return' or 'raise', got {on_interrupt!r}")
    if config.seed is not None:
        torch.manual_seed(config.seed)
    model.to(device)
    if config.channels_last:
        use_channels_last(model, device)
    optimizer = build_optimizer(model, config)
    scheduler = build_scheduler(optimizer, config, steps)
    fp16 = autocast_dtype(device, config.amp) is torch.float16
    scaler = torch.amp.GradScaler("cuda") if fp16 else None
    path = Path(checkpoint) if checkpoint is not None else None
    history, start = History(), 1

    if path is not None and resume and path.exists():
        state = read_checkpoint(path, map_location=device)
        if state["epoch"] >= config.epochs:
            done, loaded = restore_checkpoint(state, model)
            print(f"Loaded {path.name}: already trained for {done} epoch(s), nothing to do.")
            return loaded if loaded is not None else History()
        _check_resumable(state, config, steps, path)
        done, loaded = restore_checkpoint(
            state, model, optimizer, scheduler,
            scaler if state.get("scaler") is not None else None, restore_rng=True)
        history, start = (loaded if loaded is not None else History()), done + 1
        print(f"Resuming from {path.name} after epoch {done} of {config.epochs}.")

    # Compile after loading, so the checkpoint's keys are the plain model's.
    runner = torch.compile(model) if config.compile and device.type == "cuda" else model
    train_loss = (functools.partial(F.cross_entropy, label_smoothing=config.label_smoothing)
                  if config.label_smoothing else F.cross_entropy)
    extra = {"config": asdict(config), "steps_per_epoch": steps}
    saved = start - 1
    bar = tqdm(total=config.epochs * steps, initial=(start - 1) * steps, disable=not progress,
               unit="step", dynamic_ncols=True)

    def save() -> None:
        nonlocal saved
        if path is not None and len(history) and history[-1].epoch > saved:
            save_checkpoint(path, model, optimizer, scheduler, history,
                            epoch=history[-1].epoch, extra=extra, scaler=scaler)
            saved = history[-1].epoch

    epoch = start
    try:
        for epoch in range(start, config.epochs + 1):
            bar.set_description(f"epoch {epoch}/{config.epochs}")
            if hasattr(train_batches, "set_epoch"):
                train_batches.set_epoch(epoch)
            train = train_one_epoch(runner, train_batches, optimizer, train_loss, scheduler,
                                    device, config.amp, scaler, bar, config.grad_clip)
            test = (evaluate(runner, test_batches, amp=config.amp, device=device)
                    if test_batches is not None else None)
            record = history.append(
                epoch=epoch, train_loss=train["loss"], train_acc=train["acc"],
                test_loss=test["loss"] if test else None, test_acc=test["acc"] if test else None,
                seconds=train["seconds"] + (test["seconds"] if test else 0.0),
                lr=optimizer.param_groups[0]["lr"],  # the rate at the end of the epoch
            )
            save()
            postfix = {"loss": f"{record.train_loss:.4f}", "acc": f"{record.train_acc:.3f}"}
            if test:
                postfix["test_acc"] = f"{record.test_acc:.3f}"
            bar.set_postfix(postfix)
            if on_epoch_end is not None and on_epoch_end(history):
                break
    except KeyboardInterrupt:
        save()  # only completed epochs: a half-trained epoch cannot be resumed exactly
        bar.close()
        where = f"; {path} holds epoch {saved}, run fit again to resume" if saved else ""
        if on_interrupt == "raise":
            print(f"Interrupted during epoch {epoch}: the experiment stops here{where}.")
            raise
        print(f"Interrupted during epoch {epoch}: returning {len(history)} completed "
              f"epoch(s){where}.")
    finally:
        bar.close()
    return history
