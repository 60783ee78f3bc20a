"""The reference-results reader shows stored rows as tables, and finds the largest profile."""

from __future__ import annotations

import json

import pytest

from course_lib import reference
from course_lib.reference import accuracy, cell, find_row, load_results, reference_table


def _row(run="r", profile="quick", device="cpu", test=(0.9, 0.92, 0.94)):
    return {"run": run, "chapter": "10", "model": "M", "dataset": "D",
            "command": f"python -m benchmarks.reference_results --profile {profile} --only {run}",
            "profile": profile, "train images": 5000, "test images": 1000, "epochs": 6,
            "seeds": list(range(len(test))), "train accuracy": [0.5] * len(test),
            "test accuracy": list(test), "s / epoch": 2.25, "threads": 2,
            "load": [3.04, 9.96],
            "peak memory": 3 * 2**20,
            "device": device, "date": "2026-12-04"}


def test_find_row_prefers_the_largest_profile_then_a_gpu():
    rows = [_row(profile="quick"), _row(profile="extended"), _row(run="other")]
    assert find_row("r", results=rows)["profile"] == "extended"
    assert find_row("r", "quick", results=rows)["profile"] == "quick"
    gpu = _row(profile="extended", device="NVIDIA H200")
    assert find_row("r", results=[*rows, gpu])["device"] == "NVIDIA H200"
    with pytest.raises(KeyError, match="no stored reference row for run 'missing'"):
        find_row("missing", results=rows)


def test_cells_show_mean_and_sd_over_seeds():
    row = _row()
    assert str(accuracy(row)) == "92.00 ± 2.00"
    assert cell("test accuracy", row) == "92.00 ± 2.00 %"
    assert cell("test accuracy", _row(test=(0.875,))) == "87.50 %"
    assert cell("seeds", row) == "3" and cell("peak memory", row) == "3 MiB"
    assert cell("train images", row) == "5,000" and cell("s / epoch", row) == "2.2"
    assert cell("test accuracy", {**row, "test accuracy": None}) == "–"
    assert cell("load", row) == "3.0 → 10.0"
    assert cell("load", {k: v for k, v in row.items() if k != "load"}) == "–"  # an older row
    assert cell("threads", row) == "2" and cell("threads", {**row, "threads": None}) == "–"
    with pytest.raises(ValueError, match="no test accuracy"):
        accuracy({**row, "test accuracy": None})


def test_reference_table_reads_the_store(tmp_path, monkeypatch):
    path = tmp_path / "results.json"
    path.write_text(json.dumps([_row(), _row(run="s", test=(0.5, 0.7, 0.6))]))
    monkeypatch.setattr(reference, "RESULTS", path)
    monkeypatch.setattr(reference.load_results, "__defaults__", (path,))
    table = reference_table("s", "r")
    text = repr(table)
    assert "60.00 ± 10.00 %" in text.splitlines()[1] and "92.00 ± 2.00 %" in text
    assert "command: python -m benchmarks.reference_results --profile quick --only s" in text
    assert "<td>60.00 ± 10.00 %</td>" in table._repr_html_()
    assert table.to_markdown().count("\n") == 3


def test_the_shipped_store_has_every_column():
    for row in load_results():
        required = set(reference.COLUMNS) - set(reference.OPTIONAL_COLUMNS)
        assert required | {"run", "command"} <= set(row)
        assert "load" not in row or (len(row["load"]) == 2 and min(row["load"]) >= 0)
        for split in ("train", "test"):  # None: not recorded (no test set, or an older row)
            assert row[f"{split} accuracy"] is None or len(row[f"{split} accuracy"]) == len(
                row["seeds"])
