"""`course-grade FOLDER`: grade a class's submissions in parallel into a gradebook.

Each notebook is graded by its own `course-grade --json` process, watched from here with a
wall-clock limit, so one submission cannot stop, stall or crash the batch. Results land in
OUT/reports/<student>.json (which makes a rerun resume where it stopped), OUT/feedback/<student>.txt
and OUT/gradebook.csv. `--shard K/N` grades every N-th notebook, for job runners (README).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import wire
from .registry import EXERCISE_SETS

__all__ = ["grade_folder", "submissions"]

SLACK = 90  # seconds a grading process gets beyond its notebook's deadline (start, checks)


def submissions(folder: Path, out: Path) -> list[Path]:
    """The notebooks under `folder` (not under `out`, not checkpoints), in a stable order."""
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        if path.is_relative_to(out) or ".ipynb_checkpoints" in path.parts:
            continue
        found.append(path)
    return found


def student_id(folder: Path, path: Path) -> str:
    """The submission's name in the gradebook: its path in the folder, without .ipynb."""
    rel = path.relative_to(folder).with_suffix("")
    return "__".join(rel.parts)


def _write(path: Path, text: str) -> None:
    """Write atomically, so an interrupted batch never leaves half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                     suffix=".tmp") as f:
        f.write(text)
    os.replace(f.name, path)


def _grade_one(path: Path, args: argparse.Namespace) -> dict:
    """Grade one notebook in its own process; a report dict, whatever happens to it."""
    cmd = [sys.executable, "-m", "course_lib.grading", "--json", "--timeout", str(args.timeout),
           "--total-timeout", str(args.total_timeout), "--memory-gb", str(args.memory_gb)]
    if args.exercise_set:
        cmd += ["--set", args.exercise_set]
    start = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([*cmd, str(path)], stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                env={**os.environ, "OMP_NUM_THREADS": "1"})
        try:
            proc.wait(timeout=args.total_timeout + SLACK)
            why = ""
        except subprocess.TimeoutExpired:
            why = f"the grading process did not finish within {args.total_timeout + SLACK:g} s"
        if why or proc.returncode is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        out.seek(0)
        err.seek(0)
        text, problem = out.read(8 << 20), err.read(1 << 20).decode("utf-8", "replace")
    seconds = round(time.monotonic() - start, 1)
    try:
        [report] = json.loads(text.decode("utf-8"))
        return report
    except (ValueError, TypeError):
        pass
    from .remote import death

    lines = [line for line in problem.splitlines() if line.strip()]
    why = why or (lines[-1] if proc.returncode == 2 and lines else
                  f"the grading process {death(proc.returncode)}")
    return {"notebook": str(path), "exercise_set": args.exercise_set or "", "results": [],
            "errors": [wire.clip(why)], "seconds": seconds, "protection": "", "points": 0,
            "max_points": _max_points(args.exercise_set)}


def _max_points(exercise_set: str | None) -> int:
    return sum(c.max_points for c in EXERCISE_SETS.get(exercise_set or "", ()))


def _feedback(report: dict) -> str:
    """The score report a student receives, from the report dict."""
    from .core import CheckResult
    from .notebook import Report

    results = [CheckResult(r["name"], r["points"], r["max_points"], r["messages"])
               for r in report.get("results", [])]
    table = Report(report["notebook"], report["exercise_set"], results, report["errors"]).table()
    if not results:
        table = table.replace("Score: 0/0", f"Score: 0/{report.get('max_points', 0)}")
    return f"{Path(report['notebook']).name} (exercise set {report['exercise_set']!r})\n\n{table}\n"


def _cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_gradebook(folder: Path, out: Path, paths: list[Path]) -> Path:
    """OUT/gradebook.csv from the reports written so far: one row per submission."""
    reports = {}
    for path in paths:
        file = out / "reports" / f"{student_id(folder, path)}.json"
        if file.is_file():
            reports[student_id(folder, path)] = json.loads(file.read_text(encoding="utf-8"))
    checks: list[str] = []
    for report in reports.values():
        checks += [r["name"] for r in report.get("results", []) if r["name"] not in checks]
    rows = [["student", "exercise_set", "points", "max_points", *checks, "problems", "seconds",
             "protection"]]
    for sid, r in sorted(reports.items()):
        by_name = {x["name"]: x["points"] for x in r.get("results", [])}
        rows.append([sid, r.get("exercise_set", ""), r.get("points", 0), r.get("max_points", 0),
                     *(by_name.get(c, "") for c in checks), " | ".join(r.get("errors", []))[:500],
                     r.get("seconds", ""), r.get("protection", "")])
    target = out / "gradebook.csv"
    with tempfile.NamedTemporaryFile("w", newline="", encoding="utf-8", dir=out,
                                     delete=False, suffix=".tmp") as f:
        csv.writer(f).writerows([[_cell(v) for v in row] for row in rows])
    os.replace(f.name, target)
    return target


def grade_folder(folder: Path, args: argparse.Namespace) -> int:
    """Grade every notebook under `folder` not graded yet; write the gradebook; exit status."""
    if args.exercise_set and args.exercise_set not in EXERCISE_SETS:
        print(f"course-grade: error: unknown exercise set {args.exercise_set!r}; known: "
              f"{sorted(EXERCISE_SETS)}", file=sys.stderr)
        return 2
    out = (args.out or folder / "graded").resolve()
    folder = folder.resolve()
    out.mkdir(parents=True, exist_ok=True)
    paths = submissions(folder, out)
    shard, shards = (int(x) for x in (args.shard or "1/1").split("/"))
    mine = [p for k, p in enumerate(paths) if k % shards == shard - 1]
    todo = [p for p in mine if not (out / "reports" / f"{student_id(folder, p)}.json").is_file()]
    workers = args.workers or max(1, os.cpu_count() or 1)
    print(f"course-grade: {len(paths)} notebooks, {len(mine) - len(todo)} already graded, "
          f"grading {len(todo)} with {workers} worker(s) into {out}", flush=True)
    start = time.monotonic()

    def one(path: Path) -> None:
        report = _grade_one(path, args)
        sid = student_id(folder, path)
        _write(out / "feedback" / f"{sid}.txt", _feedback(report))
        _write(out / "reports" / f"{sid}.json", json.dumps(report, ensure_ascii=False))
        print(f"  {sid}: {report.get('points', 0)}/{report.get('max_points', 0)} "
              f"({report.get('seconds', 0):.0f} s)", flush=True)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, todo))
    book = write_gradebook(folder, out, paths)
    if todo:
        took = time.monotonic() - start
        print(f"course-grade: graded {len(todo)} in {took:.0f} s "
              f"({took / len(todo):.1f} s per notebook); gradebook: {book}", flush=True)
    return 0
