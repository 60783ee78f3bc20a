"""`course-grade NOTEBOOK...` (or `python -m course_lib.grading`): grade notebooks, print scores.

Exit status 0 when grading worked, whatever the score; 2 when the grader itself could not run.
"""

from __future__ import annotations

import argparse
import json
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="course-grade", description="Run exercise notebooks and print their score reports.")
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="an exercise notebook")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell (default 120)")
    parser.add_argument("--total-timeout", type=int, default=600,
                        help="seconds per notebook (default 600)")
    parser.add_argument("--kernel", default="python3", help="Jupyter kernel (default python3)")
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    args = parser.parse_args(argv)
    from .notebook import GradingError, grade_notebook  # here: `--help` needs no checks, no torch

    if hasattr(sys.stdout, "reconfigure"):  # ✓ and ✗ on a terminal that cannot show them
        sys.stdout.reconfigure(errors="replace")
    status, reports = 0, []
    for path in args.notebooks:
        try:
            report = grade_notebook(path, args.timeout, args.total_timeout, args.kernel)
        except GradingError as e:
            print(f"course-grade: error: {e}", file=sys.stderr)
            status = 2
            continue
        reports.append(report.as_dict())
        if not args.json:
            print(f"{report.notebook} (exercise set {report.exercise_set!r}, "
                  f"graded in {report.seconds:.1f} s)\n")
            print(report.table(), flush=True)
    if args.json:
        print(json.dumps(reports, indent=1, ensure_ascii=False))
    return status
