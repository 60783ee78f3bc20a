"""The benchmark harness compares like with like, and the reference-results page is generated."""

from __future__ import annotations

import pytest
import torch

from benchmarks import reference_runs
from benchmarks.baseline import PerImageDataset
from benchmarks.compare import compare
from benchmarks.reference_results import (
    COLUMNS,
    INTRO,
    PAGE,
    ROOT,
    intro_block,
    load_results,
    record,
    render,
    run_one,
)
from benchmarks.reference_runs import BN_LRS, CHAPTER_03_BATCH, RUNS
from course_lib.bn_learning_rate import CONDITIONS
from course_lib.data import DeviceBatches, ImageSet
from course_lib.profile import get_profile
from course_lib.regularizer_comparison import REGULARIZERS


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


# --- Each row calls its chapter's function with the chapter's settings (read from the notebook).
_RUN_ONLY = {"profile", "device", "seed", "seeds", "pre", "progress"}  # set per run, not per row


class _Called(Exception):
    """Raised by the stand-in for a chapter's function once it has recorded its arguments."""


def _chapter_calls(chapter: str, function: str) -> list[dict[str, set]]:
    """The calls of `function` in chapter `chapter`'s code cells: each as {parameter: values},
    for arguments written as literals (or a loop variable over a literal tuple)."""
    import ast
    import inspect
    import json

    notebook = next((ROOT / "chapters").glob(f"{chapter}_*.ipynb"))
    target = reference_runs
    for part in function.split("."):  # e.g. "RegularizerSpec.for_profile"
        target = getattr(target, part)
    params = list(inspect.signature(target).parameters)
    calls = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "\n".join(line for line in "".join(cell["source"]).splitlines()
                           if not line.lstrip().startswith(("%", "!")))
        tree = ast.parse(source)
        loops = {}  # loop variable → the literal values it takes
        for node in ast.walk(tree):
            for gen in getattr(node, "generators", []) + ([node] if isinstance(node, ast.For)
                                                            else []):
                if isinstance(gen.target, ast.Name):
                    try:
                        loops[gen.target.id] = set(ast.literal_eval(gen.iter))
                    except ValueError:
                        pass
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and ast.unparse(node.func) == function):
                continue
            named = [*zip(params, node.args, strict=False),
                     *((k.arg, k.value) for k in node.keywords)]
            call = {}
            for name, value in named:
                if isinstance(value, ast.Name) and value.id in loops:
                    call[name] = loops[value.id]
                else:
                    try:
                        call[name] = {ast.literal_eval(value)}
                    except ValueError:
                        pass
            calls.append(call)
    return calls


def _row_call(run, monkeypatch) -> dict:
    """The arguments `run` passes to its chapter's function (every parameter, defaults too)."""
    import inspect

    function = run.function
    seen = {}

    def stand_in(*args, **kwargs):
        seen.update(inspect.signature(function).bind(*args, **kwargs).arguments)
        raise _Called

    monkeypatch.setattr(reference_runs, function.__name__, stand_in)
    monkeypatch.setattr(reference_runs, "_RESULTS", {})  # no call shared with another test
    monkeypatch.setattr(reference_runs, "_LOAD", {})
    with pytest.raises(_Called):
        run.experiment(get_profile("smoke"), 0, torch.device("cpu"))
    monkeypatch.undo()
    defaults = {n: p.default for n, p in inspect.signature(function).parameters.items()}
    return {**defaults, **seen}


_ADAPTED = [r for r in RUNS if r.experiment is not r.function]


@pytest.mark.parametrize("run", _ADAPTED, ids=[r.name for r in _ADAPTED])
def test_each_row_calls_its_chapters_function_with_the_chapters_settings(run, monkeypatch):
    """A chapter either calls the row's function (with the same literal arguments) or shows the
    row from the store; every literal argument of the chapter's call is the row's too."""
    row = _row_call(run, monkeypatch)
    for chapter in run.chapter.split(", "):
        calls = _chapter_calls(chapter, run.function.__name__)
        if not calls:
            notebook = next((ROOT / "chapters").glob(f"{chapter}_*.ipynb"))
            assert f'"{run.name}"' in notebook.read_text(encoding="utf-8").replace('\\"', '"'), (
                f"chapter {chapter} neither calls {run.function.__name__} nor shows {run.name}")
            continue
        matching = [c for c in calls
                    if all(row[p] in values for p, values in c.items() if p not in _RUN_ONLY)]
        assert matching, f"{run.name} calls {run.function.__name__} with {row}, chapter " \
                         f"{chapter} with {calls}"


def test_chapter_03_rows_are_the_models_it_compares_in_batches_of_32():
    (call,) = _chapter_calls("03", "layout_experiment")
    assert call["batch_size"] == {CHAPTER_03_BATCH} == {32}
    rows = {r.name for r in RUNS if r.chapter == "03"}
    assert rows == {f"layout-{model}-b32" for model in call["model"]} == {"layout-mlp-b32",
                                                                         "layout-cnn-b32"}
    (chapter_02,) = _chapter_calls("02", "layout_experiment")
    assert "batch_size" not in chapter_02  # chapter 02: the profile's batch size


def test_chapter_06_and_07_rows_cover_the_conditions_the_chapters_compare():
    specs = _chapter_calls("06", "RegularizerSpec.for_profile")
    networks = {n for c in specs for n in c["network"]}
    assert networks == {"MLP", "CNN"}
    assert {r.name for r in RUNS if r.chapter == "06"} == {
        f"regularization-{n.lower()}-{key}" for n in networks
        for key in ("none", "dropout", "decay")} and len(REGULARIZERS) == 3
    (sweep,) = _chapter_calls("07", "bn_learning_rate_sweep")
    assert sweep["lrs"] == {BN_LRS}
    assert {r.name for r in RUNS if r.chapter == "07"} == {
        f"bn-lr-{c.split()[0]}-{lr:g}" for c in CONDITIONS for lr in BN_LRS}


@pytest.mark.parametrize("run", RUNS, ids=[r.name for r in RUNS])
def test_ctrl_c_stops_a_chapter_experiment(run, monkeypatch):
    """Pressing Ctrl-C (or Jupyter's stop button) in a chapter's experiment stops it: the
    experiment's claims are never computed from runs that stopped half-way, and the learner
    does not have to interrupt every seed and condition one by one."""
    import importlib

    fit_module = importlib.import_module("course_lib.training.fit")  # the module, not fit

    def pressed_ctrl_c(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(fit_module, "train_one_epoch", pressed_ctrl_c)
    monkeypatch.setattr(reference_runs, "_RESULTS", {})  # no call shared with another test
    monkeypatch.setattr(reference_runs, "_LOAD", {})
    with pytest.raises(KeyboardInterrupt):
        run.experiment(get_profile("smoke"), 0, torch.device("cpu"))
