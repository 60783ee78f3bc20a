"""Checkpoints: save a run's state atomically and load it back with `weights_only=True`.

Only tensors and plain Python values are stored (the history as dicts), so loading never
unpickles arbitrary objects (PyTorch's "Saving and loading a general checkpoint" recipe).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .history import History

__all__ = ["load_checkpoint", "read_checkpoint", "restore_checkpoint", "save_checkpoint"]

FORMAT = "course_lib.checkpoint/1"


def _unwrap(model: nn.Module) -> nn.Module:
    # torch.compile wraps the model (`_orig_mod`), DistributedDataParallel too (`module`); saving
    # the inner module keeps the keys the same whichever way the model was trained.
    while True:
        if hasattr(model, "_orig_mod"):
            model = model._orig_mod
        elif isinstance(model, nn.parallel.DistributedDataParallel | nn.DataParallel):
            model = model.module
        else:
            return model


def _rng_state() -> dict[str, Any]:
    state: dict[str, Any] = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def save_checkpoint(
    path: str | Path,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    history: History | None = None,
    epoch: int | None = None,
    extra: dict | None = None,
    scaler: torch.amp.GradScaler | None = None,
) -> Path:
    """Write the run's state to `path`; `epoch` (default `len(history)`) is the last one completed.

    The file is written to a temporary name in the same folder and then renamed over `path`
    (`os.replace` is atomic), so an interrupted save never leaves a truncated checkpoint.
    `extra` must hold only tensors and plain Python values. Returns the path.
    """
    path = Path(path)
    if epoch is None:
        epoch = len(history) if history is not None else 0
    state = {
        "format": FORMAT,
        "epoch": int(epoch),
        "model": _unwrap(model).state_dict(),
        "optimizer": optimizer.state_dict() if optimizer is not None else None,
        "scheduler": scheduler.state_dict() if scheduler is not None else None,
        "scaler": scaler.state_dict() if scaler is not None else None,
        "history": history.to_dict() if history is not None else None,
        # The random state lets a resumed run draw the same dropout masks as an unbroken one.
        "rng": _rng_state(),
        "extra": extra or {},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(state, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_checkpoint(path: str | Path, map_location=None) -> dict[str, Any]:
    """The raw contents of a checkpoint written by `save_checkpoint` (tensors and plain values)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No checkpoint at {path}.")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:
        raise RuntimeError(
            f"Could not read the checkpoint {path} ({type(err).__name__}: {err}). "
            "It may be truncated or not a course_lib checkpoint; delete it to train afresh."
        ) from err
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise RuntimeError(f"{path} is not a course_lib checkpoint (no '{FORMAT}' marker).")
    return state


def restore_checkpoint(
    state: dict[str, Any],
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    scaler: torch.amp.GradScaler | None = None,
    restore_rng: bool = False,
) -> tuple[int, History | None]:
    """Load a `read_checkpoint` result into the given objects; see `load_checkpoint`."""
    try:
        _unwrap(model).load_state_dict(state["model"])
    except RuntimeError as err:
        raise RuntimeError(
            f"The checkpoint's weights do not fit this model (was it saved from another "
            f"architecture?). PyTorch says: {err}"
        ) from err
    for name, target in (("optimizer", optimizer), ("scheduler", scheduler), ("scaler", scaler)):
        if target is None:
            continue
        if state.get(name) is None:
            raise ValueError(f"The checkpoint holds no {name} state to load.")
        target.load_state_dict(state[name])
    if restore_rng:
        rng = state.get("rng", {})
        if "torch" in rng:
            torch.set_rng_state(rng["torch"].cpu())
        if "cuda" in rng and torch.cuda.is_available():
            torch.cuda.set_rng_state_all([s.cpu() for s in rng["cuda"]])
    history = History.from_dict(state["history"]) if state.get("history") is not None else None
    return state["epoch"], history


def load_checkpoint(
    path: str | Path,
    model: nn.Module,
    optimizer: torch.optim.Optimizer | None = None,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    map_location=None,
    scaler: torch.amp.GradScaler | None = None,
) -> tuple[int, History | None]:
    """Load weights (and optimizer/scheduler state when given) from `path` into the objects.

    `map_location` defaults to the model's device, so a checkpoint written on a GPU loads on a
    CPU-only machine. Returns `(epoch, history)`: the last completed epoch and its History
    (None when none was saved).
    """
    if map_location is None:
        param = next(model.parameters(), None)
        map_location = param.device if param is not None else "cpu"
    state = read_checkpoint(path, map_location=map_location)
    return restore_checkpoint(state, model, optimizer, scheduler, scaler)
