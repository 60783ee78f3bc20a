"""`course-grade NOTEBOOK...` or `course-grade FOLDER` (or `python -m course_lib.grading`).

A notebook prints its score report; a folder of submissions is graded in parallel into a
gradebook (batch.py). Exit status 0 when grading worked, whatever the scores; 2 when the grader
itself could not run on some notebook.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["main"]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="course-grade",
        description="Grade exercise notebooks (or a folder of submissions into a gradebook).")
    p.add_argument("paths", nargs="+", metavar="PATH", help="an exercise notebook or a folder")
    p.add_argument("--set", dest="exercise_set", metavar="SET",
                   help="the exercise set to grade against (default: the notebook's metadata; "
                        "a mismatch is reported)")
    p.add_argument("--timeout", type=float, default=120, help="seconds per cell (default 120)")
    p.add_argument("--total-timeout", type=float, default=600,
                   help="seconds per notebook, enforced by killing its kernel (default 600)")
    p.add_argument("--memory-gb", type=float, default=6, help="memory per kernel (default 6)")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.add_argument("--out", type=Path, help="for a folder: where the gradebook and feedback go "
                                            "(default FOLDER/graded)")
    p.add_argument("--workers", type=int, default=0,
                   help="for a folder: notebooks graded at once (default: CPU count)")
    p.add_argument("--shard", metavar="K/N", help="for a folder: grade only every N-th notebook, "
                   "starting with the K-th (1 ≤ K ≤ N), e.g. one Slurm array task's share")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from .notebook import GradingError, grade_notebook  # here: `--help` needs no checks, no torch

    if hasattr(sys.stdout, "reconfigure"):  # ✓ and ✗ on a terminal that cannot show them
        sys.stdout.reconfigure(errors="replace")
    if any(Path(p).is_dir() and not p.endswith(".ipynb") for p in args.paths):
        from .batch import grade_folder

        if len(args.paths) != 1:
            print("course-grade: error: give one folder, or notebooks", file=sys.stderr)
            return 2
        return grade_folder(Path(args.paths[0]), args)
    from .sandbox import Limits

    limits = Limits(memory_bytes=int(args.memory_gb * (1 << 30)),
                    cpu_seconds=int(args.total_timeout) + 5)
    status, reports = 0, []
    for path in args.paths:
        try:
            report = grade_notebook(path, args.timeout, args.total_timeout, args.exercise_set,
                                    limits=limits)
        except GradingError as e:
            print(f"course-grade: error: {e}", file=sys.stderr)
            status = 2
            continue
        except Exception as e:  # a bug in the grader: say so, and go on with the others
            print(f"course-grade: error: grading {path} failed ({type(e).__name__}: "
                  f"{str(e)[:300]})", file=sys.stderr)
            status = 2
            continue
        reports.append(report.as_dict())
        if not args.json:
            print(f"{report.notebook} (exercise set {report.exercise_set!r}, graded in "
                  f"{report.seconds:.1f} s, kernel protection: {report.protection})\n")
            print(report.table(), flush=True)
    if args.json:
        print(json.dumps(reports, indent=1, ensure_ascii=False))
    return status
