"""Reference results: every chapter's training experiments and larger runs, measured by a command.

    python -m benchmarks.reference_results [--profile extended] [--only NAME ...]  # run, record
    python -m benchmarks.reference_results --render                               # page only

Each run calls its chapter's experiment function once per seed; its row (command, profile, data
sizes, epochs, seeds, accuracies per seed, time per epoch, peak memory, device, date) replaces the
row of the same run, profile and device in course_lib/reference_results.json, which chapters read
with `course_lib.reference`. The appendix page is rendered from that file (a test checks they
agree). Peak memory is the device's (CUDA) or the process's resident set (CPU).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
from pathlib import Path

import torch

from course_lib.profile import get_profile
from course_lib.reference import COLUMNS, RESULTS, ReferenceTable, load_results
from course_lib.runtime import choose_device, seed_everything
from course_lib.timing import peak_memory_bytes, reset_peak_memory

from .reference_runs import RUNS, ReferenceRun, take_shared_load

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "appendix" / "reference_results.md"
INTRO = ROOT / "intro.md"  # the front page's table of what the quick profile reaches
INTRO_START, INTRO_END = "<!-- quick-results: start -->", "<!-- quick-results: end -->"
INTRO_COLUMNS = ("chapter", "model", "dataset", "train images", "epochs", "seeds",
                 "train accuracy", "test accuracy")
__all__ = ["COLUMNS", "INTRO", "PAGE", "RESULTS", "intro_block", "load_results", "main",
           "record", "render", "run_one", "update_intro"]


def command(run: ReferenceRun, profile: str) -> str:
    return f"python -m benchmarks.reference_results --profile {profile} --only {run.name}"


def run_one(run: ReferenceRun, profile_name: str, device: torch.device,
            seeds: int | None = None) -> dict:
    """Run `run`'s experiment on `profile_name` for each seed 0, 1, …; return its row.

    The row's "load" is the machine's 1-minute load average at the start and end of the runs
    (of the shared call when the row reads its outcomes from one that several rows share).
    """
    profile = get_profile(profile_name)
    n_seeds = seeds or run.seeds or profile.seeds
    outcomes, peak, loads = [], 0, []
    for seed in range(n_seeds):
        seed_everything(seed)
        reset_peak_memory(device)
        take_shared_load()
        start = os.getloadavg()[0]
        outcomes.append(run.experiment(profile, seed, device))
        loads.append(take_shared_load() or (start, os.getloadavg()[0]))
        peak = max(peak, peak_memory_bytes(device))
    first = outcomes[0]
    tested = first.test_acc is not None
    return {
        "run": run.name, "chapter": run.chapter, "model": run.model, "dataset": run.dataset,
        "command": command(run, profile.name), "profile": profile.name,
        "train images": first.train_images, "test images": first.test_images,
        "epochs": len(first.history), "seeds": list(range(n_seeds)),
        "train accuracy": [o.train_acc for o in outcomes],
        "test accuracy": [o.test_acc for o in outcomes] if tested else None,
        "s / epoch": statistics.median(r.seconds for o in outcomes for r in o.history),
        "threads": torch.get_num_threads() if device.type == "cpu" else None,
        "load": [round(loads[0][0], 2), round(loads[-1][1], 2)],
        "peak memory": peak, "device": _device_name(device),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
    }


def _device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return device.type


def record(results: list[dict], row: dict) -> list[dict]:
    """`results` with `row` added, replacing a row of the same run, profile and device."""
    key = (row["run"], row["profile"], row["device"])
    kept = [r for r in results if (r["run"], r["profile"], r["device"]) != key]
    return sorted([*kept, row], key=lambda r: (r["chapter"], r["run"], r["profile"], r["device"]))


def render(results: list[dict]) -> str:
    """The appendix page: prose and a Markdown table rendered from the recorded results."""
    lines = [
        "# Reference results",
        "",
        "Every training experiment of the chapters, re-run by a command at the chapter's size "
        "(`quick`) and where it says more at a larger one, and runs larger than a chapter's "
        "few-minute budget, each stored in `course_lib/reference_results.json` (this page is "
        "rendered from that file; do not edit it by hand). A chapter that mentions a larger run "
        "shows its row from the same file. "
        "Each row calls the experiment function its chapter calls, on the named profile: "
        "`quick` is a chapter's own size on a CPU, `extended` a longer CPU run and `full` what a "
        "GPU runs. One row is one compared condition (a model, a regularizer, a learning "
        "rate, an augmentation variant) of its chapter's experiment. Accuracies are mean ± "
        "standard deviation over the seeds (one value when one seed ran). Training accuracy is "
        "the last epoch's, measured while training (with dropout and augmentation where the "
        "run has them); test accuracy is the last epoch's, or the test pass the chapter makes "
        "after training (at the best validation epoch in chapter 08, after the single "
        "epoch of chapter 07's sweep); a run without a test set shows only its training "
        "accuracy. Time per epoch includes the test pass; peak memory is the GPU's for CUDA runs "
        "and the whole process's resident memory on a CPU. The CIFAR-10 test split available to "
        "the book holds the first 1,000 of its 10,000 images.",
        "",
        "The CPU rows were measured on a machine shared with other jobs, so their times are "
        "inflated by whatever else ran: the load column gives the machine's 1-minute load "
        "average at the start and at the end of each row's run (start → end; a two-core "
        "machine is fully busy at 2), and a time per epoch measured at a high load is an upper "
        "bound, not the cost of the run on an idle machine. Rows of one chapter that come from "
        "one call of its function (all conditions at once) show that call's load. A dash: the "
        "row was measured before the load was recorded. The threads column gives the number of "
        "torch CPU threads the run used (`--threads`; a dash for a GPU run). The CPU rows of "
        "2026-12-05 ran one after another at the lowest scheduling priority (`nice -n 19`), "
        "so a row with one thread shows single-core times under load. A chapter's committed run "
        "uses torch's default thread count, and a different count changes the order of "
        "floating-point sums: a chapter's numbers can differ from its row's, a little in most "
        "runs and more where training is barely stable (chapter 07's highest learning rates).",
        "",
        ReferenceTable(results).to_markdown() if results else "(no rows measured yet)",
        "",
        "The command of each row, in the same order:",
        "",
        *(f"- `{r['command']}` ({r['date']})" for r in results),
    ]
    return "\n".join(lines) + "\n"


def intro_block(results: list[dict]) -> str:
    """The front page's table: every CPU row of the `quick` profile (a chapter's own size)."""
    quick = [r for r in results if r["profile"] == "quick" and r["device"] == "cpu"]
    table = (ReferenceTable(quick, INTRO_COLUMNS).to_markdown() if quick
             else "(no quick rows measured yet)")
    return f"{INTRO_START}\n{table}\n{INTRO_END}"


def update_intro(results: list[dict], path: Path = INTRO) -> str:
    """Rewrite the block between the markers of the front page; return the new text."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(INTRO_START), text.index(INTRO_END) + len(INTRO_END)
    text = text[:start] + intro_block(results) + text[end:]
    path.write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reference_results")
    parser.add_argument("--profile", default=None,
                        help="full, extended, quick or smoke (default: each run's own profiles "
                             "on a CPU, full on CUDA)")
    parser.add_argument("--only", nargs="*", help="run only these runs (names from --list)")
    parser.add_argument("--list", action="store_true", help="list the runs and exit")
    parser.add_argument("--render", action="store_true", help="only re-render the page")
    parser.add_argument("--device", default=None)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    args = parser.parse_args(argv)
    if args.list:
        for run in RUNS:
            print(f"{run.name}: chapter {run.chapter}, {run.model} on {run.dataset}, "
                  f"profiles {', '.join(run.profiles)}")
        return 0
    if args.threads:
        torch.set_num_threads(args.threads)
    results = load_results()
    if not args.render:
        device = choose_device(args.device)
        unknown = set(args.only or []) - {r.name for r in RUNS}
        if unknown:
            parser.error(f"unknown run(s): {', '.join(sorted(unknown))}; see --list")
        for run in RUNS:
            if args.only and run.name not in args.only:
                continue
            profiles = ([args.profile] if args.profile else
                        ["full"] if device.type == "cuda" else list(run.profiles))
            for profile in profiles:
                print(f"running {run.name} ({profile}, {device}) ...", flush=True)
                row = run_one(run, profile, device)
                print(f"  train {row['train accuracy']}, test {row['test accuracy']}, "
                      f"{row['s / epoch']:.1f} s/epoch", flush=True)
                results = record(load_results(), row)  # re-read: another run may have written
                RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    PAGE.parent.mkdir(exist_ok=True)
    PAGE.write_text(render(results), encoding="utf-8")
    update_intro(results)
    print(f"wrote {PAGE.relative_to(ROOT)} ({len(results)} rows) and the table of "
          f"{INTRO.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
