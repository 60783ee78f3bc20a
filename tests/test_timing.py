from __future__ import annotations

import time
from pathlib import Path

import pytest
import torch

from course_lib.timing import (
    Timing,
    peak_memory_bytes,
    reset_peak_memory,
    time_interleaved,
    time_it,
)


def test_time_it_excludes_warmup_and_takes_the_median():
    calls = []

    def work():
        calls.append(1)
        time.sleep(0.05 if len(calls) == 1 else 0.01)  # a slow first call, like a compile

    t = time_it(work, repeats=3, warmup=1)
    assert len(calls) == 4 and len(t.runs) == 3 and len(t.warmup) == 1
    assert t.warmup[0] >= 0.05
    assert 0.01 <= t.median < 0.05
    assert "median" in str(t) and "warm-up" in str(t)


def test_timing_statistics():
    t = Timing(runs=[1.0, 3.0, 2.0])
    assert t.median == 2.0 and t.spread == pytest.approx(1.0)


def test_bad_arguments_are_clear():
    with pytest.raises(ValueError, match="repeats"):
        time_it(lambda: None, repeats=0)


def test_peak_memory_grows_with_a_large_allocation():
    before = peak_memory_bytes("cpu")
    x = torch.ones(64, 1024, 1024)  # 256 MiB
    after = peak_memory_bytes("cpu")
    assert after >= before and after > 256 * 2**20
    del x


def test_interleaved_runs_take_turns_and_exclude_the_warm_up():
    calls = []
    a, b = time_interleaved([lambda: calls.append("a"), lambda: calls.append("b")], "cpu",
                            repeats=3, warmup=1)
    assert calls == ["a", "b"] * 4
    assert len(a.runs) == len(b.runs) == 3 and len(a.warmup) == len(b.warmup) == 1
    with pytest.raises(ValueError):
        time_interleaved([lambda: None], "cpu", repeats=0)


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")
def test_cpu_peak_restarts_after_a_reset():
    x = torch.ones(64, 1024, 1024)  # 256 MiB resident
    del x
    high = peak_memory_bytes("cpu")
    reset_peak_memory("cpu")
    low = peak_memory_bytes("cpu")
    assert high > 256 * 2**20 and low < high - 200 * 2**20  # the freed 256 MiB no longer counts
