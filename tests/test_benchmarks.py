"""The benchmark harness compares like with like, and the reference-results page is generated."""

from __future__ import annotations

import pytest
import torch

from benchmarks.baseline import PerImageDataset
from benchmarks.compare import compare
from benchmarks.reference_results import (
    COLUMNS,
    INTRO,
    PAGE,
    intro_block,
    load_results,
    record,
    render,
    run_one,
)
from benchmarks.reference_runs import RUNS
from course_lib.data import DeviceBatches, ImageSet


def _tiny_set(n: int = 64) -> ImageSet:
    g = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (n, 3, 8, 8), dtype=torch.uint8, generator=g)
    labels = torch.randint(0, 4, (n,), generator=g)
    return ImageSet(images, labels, ("a", "b", "c", "d"), "tiny")


def test_baseline_and_device_batches_feed_identical_inputs():
    data = _tiny_set()
    mean, std = data.channel_stats()
    x, y = next(iter(DeviceBatches(data, 64, "cpu", mean=mean, std=std)))
    per_image = PerImageDataset(data, mean, std)
    for i in (0, 17, 63):
        xi, yi = per_image[i]
        torch.testing.assert_close(x[i], xi)
        assert y[i].item() == yi


def test_compare_times_both_paths():
    def make():
        return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 8 * 8, 4))

    result = compare("tiny", make, _tiny_set(), 16, torch.device("cpu"), repeats=2)
    assert len(result.ours.runs) == 2 and len(result.baseline.runs) == 2
    assert result.ratio == result.baseline.median / result.ours.median
    assert "ratio" in result.report() and result.peak_bytes > 0


def test_record_replaces_the_same_run_profile_and_device():
    row = {"run": "r", "chapter": "03", "profile": "quick", "device": "cpu", "x": 1}
    results = record(record([], row), {**row, "x": 2})
    assert results == [{**row, "x": 2}]
    assert len(record(results, {**row, "device": "NVIDIA H100"})) == 2


def test_reference_page_is_rendered_from_the_recorded_results():
    assert PAGE.read_text(encoding="utf-8") == render(load_results()), (
        "appendix/reference_results.md is out of date: run "
        "`python -m benchmarks.reference_results --render`"
    )


def test_front_page_table_is_generated_from_the_recorded_results():
    assert intro_block(load_results()) in INTRO.read_text(encoding="utf-8"), (
        "intro.md's quick-results table is out of date: run "
        "`python -m benchmarks.reference_results --render`"
    )


@pytest.mark.parametrize("run", RUNS, ids=[r.name for r in RUNS])
def test_every_reference_run_trains_on_the_smoke_profile(run):
    """Each chapter's reference run works end to end (data, model, batch size, augmentation)."""
    row = run_one(run, "smoke", torch.device("cpu"))
    assert row["profile"] == "smoke" and row["seeds"] == [0] and row["epochs"] >= 1
    assert 0 < row["train images"] <= 4_000 and row["s / epoch"] > 0
    assert all(0.0 <= a <= 1.0 for a in row["train accuracy"] + (row["test accuracy"] or []))
    assert set(COLUMNS) <= set(row) and row["command"].endswith(f"--only {run.name}")
