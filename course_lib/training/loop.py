"""One pass over the data: `train_one_epoch` (forward, backward, step) and `evaluate` (no grad).

Plain functions in the style of pytorch/examples `mnist/main.py`: explicit `model.train()`,
`model.eval()` and `torch.no_grad()`, metrics returned as a dict; no printing, no plotting.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = ["autocast_dtype", "evaluate", "train_one_epoch"]

LossFn = Callable[[Tensor, Tensor], Tensor]
Batches = Iterable[tuple[Tensor, Tensor]]


def autocast_dtype(device: torch.device | str, amp: bool | None = None) -> torch.dtype | None:
    """The mixed-precision dtype on `device`, or None for plain float32.

    `amp=None` means "on when CUDA". Only CUDA gets autocast: on CPU, bf16 autocast is slower than
    float32 on most processors without AMX units and would only change the numbers.
    """
    device = torch.device(device)
    if device.type != "cuda" or amp is False:
        return None
    # bf16 keeps float32's exponent range, so it needs no loss scaling; older GPUs without bf16
    # fall back to fp16, which needs a GradScaler so small gradients do not underflow to zero.
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def _model_device(model: nn.Module) -> torch.device:
    param = next(model.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


def _autocast(device: torch.device, dtype: torch.dtype | None):
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def train_one_epoch(
    model: nn.Module,
    batches: Batches,
    optimizer: torch.optim.Optimizer,
    loss_fn: LossFn = F.cross_entropy,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
    device: torch.device | str | None = None,
    amp: bool | None = None,
    scaler: torch.amp.GradScaler | None = None,
    progress=None,
    grad_clip: float | None = None,
    log_every: int = 50,
) -> dict[str, float]:
    """Train `model` for one pass over `batches` of `(x, y)`; x: (N, C, H, W), y: (N,) int64.

    `scheduler` is stepped after every optimizer step (OneCycle-style schedules are per step).
    `progress` (e.g. a tqdm bar) gets `update(1)` per step and a `loss`/`acc` postfix every
    `log_every` steps. `device` defaults to the model's. Returns {"loss", "acc", "seconds",
    "samples"}: mean loss and accuracy over the samples seen, and the wall time.
    """
    device = torch.device(device) if device is not None else _model_device(model)
    dtype = autocast_dtype(device, amp)
    if dtype is torch.float16 and scaler is None:
        scaler = torch.amp.GradScaler("cuda")
    model.train()
    # The sums stay on the device: calling .item() every step (as d2l's Accumulator does) forces a
    # host-device sync per step and stalls the GPU's queue. There is one sync, at the end.
    loss_sum = torch.zeros((), device=device)
    correct = torch.zeros((), dtype=torch.int64, device=device)
    samples = 0
    start = time.perf_counter()
    for step, (x, y) in enumerate(batches, start=1):
        x = x.to(device, non_blocking=True)  # no-op when already there (DeviceBatches)
        y = y.to(device, non_blocking=True)
        with _autocast(device, dtype):
            logits = model(x)  # (N, num_classes)
            loss = loss_fn(logits, y)
        optimizer.zero_grad(set_to_none=True)
        if scaler is not None:
            scaler.scale(loss).backward()
            if grad_clip is not None:
                scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
                nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            if grad_clip is not None:
                nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
            optimizer.step()
        if scheduler is not None:
            scheduler.step()
        n = y.shape[0]
        loss_sum += loss.detach().float() * n
        correct += (logits.detach().argmax(dim=1) == y).sum()
        samples += n
        if progress is not None:
            progress.update(1)
            if log_every and step % log_every == 0 and hasattr(progress, "set_postfix"):
                # One sync every `log_every` steps keeps the bar alive at negligible cost.
                progress.set_postfix(loss=f"{loss_sum.item() / samples:.4f}",
                                     acc=f"{correct.item() / samples:.3f}", refresh=False)
    if samples == 0:
        raise ValueError("`batches` yielded no (x, y) pairs: the training set is empty.")
    mean_loss = loss_sum.item() / samples  # the epoch's one host-device sync
    acc = correct.item() / samples
    return {"loss": mean_loss, "acc": acc, "seconds": time.perf_counter() - start,
            "samples": samples}


def evaluate(
    model: nn.Module,
    batches: Batches,
    loss_fn: LossFn = F.cross_entropy,
    amp: bool | None = None,
    device: torch.device | str | None = None,
    tta_flip: bool = False,
) -> dict[str, float]:
    """Mean loss and accuracy of `model` over `batches` of `(x, y)`, in eval mode without gradients.

    x: (N, C, H, W), y: (N,) int64. `tta_flip` averages the logits of each image and its
    horizontal mirror (test-time augmentation; use only where mirrored images keep their label).
    Leaves the model in eval mode. Returns {"loss", "acc", "samples", "seconds"}.
    """
    device = torch.device(device) if device is not None else _model_device(model)
    dtype = autocast_dtype(device, amp)
    model.eval()
    loss_sum = torch.zeros((), device=device)
    correct = torch.zeros((), dtype=torch.int64, device=device)
    samples = 0
    start = time.perf_counter()
    # no_grad rather than inference_mode: inference tensors cannot enter autograd later, which
    # surprises notebooks that reuse outputs, and torch.compile recompiles for them.
    with torch.no_grad():
        for x, y in batches:
            x = x.to(device, non_blocking=True)
            y = y.to(device, non_blocking=True)
            with _autocast(device, dtype):
                logits = model(x).float()  # (N, num_classes)
                if tta_flip:
                    logits = (logits + model(x.flip(-1)).float()) / 2  # flip W of (N, C, H, W)
            n = y.shape[0]
            loss_sum += loss_fn(logits, y).float() * n
            correct += (logits.argmax(dim=1) == y).sum()
            samples += n
    if samples == 0:
        raise ValueError("`batches` yielded no (x, y) pairs: the evaluation set is empty.")
    mean_loss = loss_sum.item() / samples
    acc = correct.item() / samples
    return {"loss": mean_loss, "acc": acc, "samples": samples,
            "seconds": time.perf_counter() - start}
