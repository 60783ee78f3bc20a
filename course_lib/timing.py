"""Timing and memory measured right: CUDA events with synchronization on the GPU, wall clock on the
CPU, warm-up runs excluded and reported separately, the median of several runs; peak memory.

Used by `benchmarks/` and anything that reports a speed. Follows the advice of PyTorch's
benchmarking recipe (torch.utils.benchmark): synchronize before reading a GPU clock.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import torch

__all__ = ["Timing", "peak_memory_bytes", "reset_peak_memory", "synchronize", "time_interleaved",
           "time_it"]


def synchronize(device: torch.device | str) -> None:
    """Wait for queued work on `device`: GPU kernels run asynchronously, so a clock read
    without this measures the launch, not the work."""
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


@dataclass
class Timing:
    """Seconds per run of a measured function."""

    runs: list[float]  # seconds of each measured run, in order
    warmup: list[float] = field(default_factory=list)  # seconds of the excluded warm-up runs

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def spread(self) -> float:
        """(max − min) / median of the measured runs: how noisy the measurement was."""
        return (max(self.runs) - min(self.runs)) / self.median if self.median else 0.0

    def __str__(self) -> str:
        warm = f"; warm-up {', '.join(f'{w:.3f}' for w in self.warmup)} s" if self.warmup else ""
        return (f"median {self.median:.3f} s over {len(self.runs)} runs "
                f"(spread {self.spread:.0%}){warm}")


def _clock(fn: Callable[[], object], device: torch.device) -> float:
    if device.type == "cuda":
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        synchronize(device)
        start.record()
        fn()
        end.record()
        end.synchronize()
        return start.elapsed_time(end) / 1000  # ms → s
    synchronize(device)
    t0 = time.perf_counter()
    fn()
    synchronize(device)
    return time.perf_counter() - t0


def time_it(fn: Callable[[], object], device: torch.device | str = "cpu", repeats: int = 5,
            warmup: int = 1) -> Timing:
    """Run `fn` `warmup` times (timed but excluded: first-call allocation, cuDNN autotuning,
    torch.compile), then `repeats` times, and return the timings."""
    if repeats < 1 or warmup < 0:
        raise ValueError(f"need repeats ≥ 1 and warmup ≥ 0, got {repeats}, {warmup}")
    device = torch.device(device)
    warm = [_clock(fn, device) for _ in range(warmup)]
    return Timing(runs=[_clock(fn, device) for _ in range(repeats)], warmup=warm)


def time_interleaved(fns: Sequence[Callable[[], object]], device: torch.device | str = "cpu",
                     repeats: int = 5, warmup: int = 1) -> list[Timing]:
    """Like `time_it` for several functions at once, their runs taking turns (A B A B …): a
    machine whose speed drifts (other jobs, a shared host, clock boosts) then slows each alike,
    which back-to-back blocks of runs do not. Returns one Timing per function, in order."""
    if repeats < 1 or warmup < 0:
        raise ValueError(f"need repeats ≥ 1 and warmup ≥ 0, got {repeats}, {warmup}")
    device = torch.device(device)
    timings = [Timing(runs=[]) for _ in fns]
    for round_ in range(warmup + repeats):
        for fn, timing in zip(fns, timings, strict=True):
            (timing.warmup if round_ < warmup else timing.runs).append(_clock(fn, device))
    return timings


_STATUS = Path("/proc/self/status")  # Linux: VmHWM, the resident set's high-water mark
_CLEAR_REFS = Path("/proc/self/clear_refs")  # writing "5" resets VmHWM (Linux 4.0+)


def reset_peak_memory(device: torch.device | str) -> None:
    """Start a new peak-memory measurement: CUDA's allocator statistics on a GPU; on a CPU the
    process's resident high-water mark where Linux allows resetting it (elsewhere the CPU peak
    keeps counting from the start of the process)."""
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        return
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        pass  # not Linux, or not permitted: `peak_memory_bytes` then reports the lifetime peak


def peak_memory_bytes(device: torch.device | str) -> int:
    """Peak memory: tensors allocated on a CUDA device since the last reset, else the process's
    peak resident set size (all of Python, not only tensors) since the last reset where Linux
    allows one, since the process started elsewhere."""
    device = torch.device(device)
    if device.type == "cuda":
        return int(torch.cuda.max_memory_allocated(device))
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # "VmHWM:   123456 kB"
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024  # Linux reports KiB
