"""Reference results: each chapter's largest training run, measured by a command, never typed.

    python -m benchmarks.reference_results [--profile quick] [--only NAME ...]   # run and record
    python -m benchmarks.reference_results --render                              # table only

Runs append to (or replace their row in) benchmarks/reference_results.json, keyed by run, profile
and device; the book's appendix/reference_results.md is rendered from that file (a test checks
the two agree). Peak memory is the device's (CUDA) or the process's resident set (CPU).
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

import torch

from course_lib.data import DeviceBatches
from course_lib.profile import get_profile
from course_lib.runtime import choose_device, seed_everything
from course_lib.timing import peak_memory_bytes, reset_peak_memory
from course_lib.training import fit

from .reference_runs import RUNS, ReferenceRun

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "reference_results.json"
PAGE = ROOT / "appendix" / "reference_results.md"
COLUMNS = ["chapter", "model", "dataset", "profile", "train images", "test images", "epochs",
           "test accuracy", "s / epoch", "peak memory", "device", "seed"]


def run_one(run: ReferenceRun, profile_name: str, device: torch.device, seed: int = 0) -> dict:
    profile = get_profile(profile_name)
    seed_everything(seed)
    train, test = run.load()
    train = train.subset(profile.take(len(train), "train"), seed=seed)
    test = test.subset(profile.take(len(test), "test"), seed=seed)
    mean, std = train.channel_stats()
    train_batches = DeviceBatches(train, profile.batch_size // run.batch_divisor, device,
                                  shuffle=True, seed=seed,
                                  augment=run.augment, mean=mean, std=std)
    test_batches = DeviceBatches(test, 1000, device, mean=mean, std=std)
    torch.manual_seed(seed)
    model = run.make_model()
    reset_peak_memory(device)
    config = run.config(profile, seed)
    history = fit(model, train_batches, test_batches, config, device=device)
    return {
        "run": run.name, "chapter": run.chapter, "model": run.model, "dataset": run.dataset,
        "profile": profile.name, "train images": len(train), "test images": len(test),
        "epochs": len(history), "test accuracy": history[-1].test_acc,
        "s / epoch": statistics.median(r.seconds for r in history),
        "peak memory": peak_memory_bytes(device), "device": _device_name(device), "seed": seed,
    }


def _device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return device.type


def load_results(path: Path = RESULTS) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def record(results: list[dict], row: dict) -> list[dict]:
    """`results` with `row` added, replacing a row of the same run, profile and device."""
    key = (row["run"], row["profile"], row["device"])
    kept = [r for r in results if (r["run"], r["profile"], r["device"]) != key]
    return sorted([*kept, row], key=lambda r: (r["chapter"], r["run"], r["profile"], r["device"]))


def _cell(column: str, value) -> str:
    if column == "test accuracy":
        return f"{value:.2%}"
    if column == "s / epoch":
        return f"{value:.1f}"
    if column == "peak memory":
        return f"{value / 2**20:,.0f} MiB"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render(results: list[dict]) -> str:
    """The appendix page: prose and a Markdown table rendered from the recorded results."""
    lines = [
        "# Reference results",
        "",
        "Each chapter's largest training run, measured with `python -m "
        "benchmarks.reference_results` (this page is rendered from "
        "`benchmarks/reference_results.json`; do not edit it by hand). Time per epoch includes "
        "the test pass; peak memory is the GPU's for CUDA runs and the whole process's resident "
        "memory on a CPU. The CIFAR-10 test set of the offline mirror holds 1,000 images.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "|".join("---" for _ in COLUMNS) + "|",
    ]
    for r in results:
        lines.append("| " + " | ".join(_cell(c, r[c]) for c in COLUMNS) + " |")
    if not results:
        lines.append("| " + " | ".join("" for _ in COLUMNS) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reference_results")
    parser.add_argument("--profile", default=None, help="full, quick or smoke (default: machine's)")
    parser.add_argument("--only", nargs="*", help="run only these runs (names from --list)")
    parser.add_argument("--list", action="store_true", help="list the runs and exit")
    parser.add_argument("--render", action="store_true", help="only re-render the page")
    parser.add_argument("--device", default=None)
    args = parser.parse_args(argv)
    if args.list:
        for run in RUNS:
            print(f"{run.name}: chapter {run.chapter}, {run.model} on {run.dataset}")
        return 0
    results = load_results()
    if not args.render:
        device = choose_device(args.device)
        profile = get_profile(args.profile).name
        unknown = set(args.only or []) - {r.name for r in RUNS}
        if unknown:
            parser.error(f"unknown run(s): {', '.join(sorted(unknown))}; see --list")
        for run in RUNS:
            if args.only and run.name not in args.only:
                continue
            print(f"running {run.name} ({profile}, {device}) ...", flush=True)
            row = run_one(run, profile, device)
            print(f"  {_cell('test accuracy', row['test accuracy'])}, "
                  f"{row['s / epoch']:.1f} s/epoch", flush=True)
            results = record(results, row)
            RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    PAGE.parent.mkdir(exist_ok=True)
    PAGE.write_text(render(results), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)} ({len(results)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
