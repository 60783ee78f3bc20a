"""Grade a learner's exercise notebook: run it in a fresh kernel and collect what its checks report.

The notebook's exercise set comes from its metadata (course.exercise_set, written by the
generator); checks append their results to the file named by COURSE_GRADING_REPORT (core.py).
Like otter-grader and nbgrader's autograder, it runs every cell even after one fails.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .core import REPORT_ENV, CheckResult
from .registry import EXERCISE_SETS, Check

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["DID_NOT_RUN", "GradingError", "Report", "grade_notebook", "kernel_env"]

DID_NOT_RUN = "did not run (an earlier cell failed or the check cell was deleted)"


class GradingError(Exception):
    """The grader itself could not work: no such file, not a notebook, no kernel, unknown set."""


@dataclass
class Report:
    notebook: str  # the graded notebook's path
    exercise_set: str  # its exercise set, e.g. "convolution"
    results: list[CheckResult]  # one per check of the set, in the set's order
    errors: list[str] = field(default_factory=list)  # cells that raised or timed out
    seconds: float = 0.0  # wall-clock time of the grading run

    @property
    def points(self) -> int:
        return sum(r.points for r in self.results)

    @property
    def max_points(self) -> int:
        return sum(r.max_points for r in self.results)

    def as_dict(self) -> dict:
        return {**asdict(self), "points": self.points, "max_points": self.max_points}

    def table(self) -> str:
        """The score report: one row per check with its first problem, then the total."""
        width = max([len("check"), *(len(r.name) for r in self.results)])
        rows = [f"{'check':<{width}}  points  max  first problem"]
        for r in self.results:
            problems = [m for m in r.messages if not m.startswith("✓")]
            first = problems[0] if problems else f"✓ all {len(r.messages)} cases pass"
            rows.append(f"{r.name:<{width}}  {r.points:>6}  {r.max_points:>3}  {first}")
        if self.errors:
            rows += ["", "Errors while running the notebook:", *(f"  {e}" for e in self.errors)]
        return "\n".join([*rows, "", f"Score: {self.points}/{self.max_points}"])


def kernel_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a grading kernel: this process's, plus `extra`.

    When course_lib runs from a source checkout rather than an installed package, its folder is
    put on PYTHONPATH, so the kernel imports the same checks as the grader.
    """
    env = dict(os.environ)
    env.pop(REPORT_ENV, None)
    source_root = Path(__file__).resolve().parents[2]
    if source_root.name not in ("site-packages", "dist-packages"):
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source_root),
                                                         env.get("PYTHONPATH")]))
    env.update(extra or {})
    return env


def _read(path: Path) -> tuple[NotebookNode, tuple[Check, ...]]:
    """The notebook at `path` and the checks of its exercise set; GradingError if impossible."""
    # Imported here, as nbclient is below: notebooks that only call check() never need them.
    import nbformat

    if not path.is_file():
        raise GradingError(f"no such notebook: {path}")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as e:  # JSON errors, validation errors, undecodable bytes
        raise GradingError(f"{path} is not a Jupyter notebook ({type(e).__name__}: {e})") from e
    name = nb.metadata.get("course", {}).get("exercise_set")
    if not name:
        raise GradingError(f"{path} has no exercise set: its metadata lacks course.exercise_set "
                           "(is it an exercise notebook from exercises/?)")
    if name not in EXERCISE_SETS:
        raise GradingError(f"{path}: unknown exercise set {name!r}; known: {sorted(EXERCISE_SETS)}")
    return nb, EXERCISE_SETS[name]


def _collect(report_file: Path, checks: tuple[Check, ...]) -> list[CheckResult]:
    """One result per check, from the JSON lines the checks wrote (the last run of each counts)."""
    found: dict[str, CheckResult] = {}
    lines = report_file.read_text(encoding="utf-8").splitlines() if report_file.exists() else []
    for line in lines:
        try:
            d = json.loads(line)
            found[d["name"]] = CheckResult(d["name"], int(d["points"]), 0,
                                           [str(m) for m in d["messages"]])
        except (ValueError, KeyError, TypeError):
            continue  # a line the checks did not write: ignore it
    results = []
    for c in checks:
        r = found.get(c.name) or CheckResult(c.name, 0, 0, [DID_NOT_RUN])
        results.append(CheckResult(c.name, min(max(r.points, 0), c.max_points), c.max_points,
                                   r.messages))
    return results


def _where(index: int, cell: NotebookNode) -> str:
    """"cell 7 (`first line of its code`)": where a problem is, in words a learner can find."""
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return f"cell {index + 1} (`{first[:40] + ('…' if len(first) > 40 else '')}`)"


def _tail(log: IO[str], lines: int = 10) -> str:
    """The end of the kernel's log, indented, for an error message."""
    log.flush()
    log.seek(0)
    text = log.read().strip().splitlines()[-lines:]
    return "".join(f"\n    {line}" for line in text)


def grade_notebook(
    path: str | Path, timeout: int = 120, total_timeout: int = 600, kernel_name: str = "python3"
) -> Report:
    """Execute the notebook at `path` top to bottom in a fresh kernel and score its checks.

    Every cell runs even when one fails (the failure is listed in the report); a cell may take
    `timeout` seconds and the whole run `total_timeout`. The notebook file is not changed.
    Raises GradingError when grading itself is impossible, never for the learner's mistakes.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    path = Path(path)
    nb, checks = _read(path)
    start = time.monotonic()
    errors: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        report_file = Path(tmp) / "report.jsonl"
        client = NotebookClient(
            nb, timeout=timeout, kernel_name=kernel_name, allow_errors=True,
            interrupt_on_timeout=True, record_timing=False,
            resources={"metadata": {"path": str(path.resolve().parent)}},
        )
        # The kernel's own log (not the cells' output) goes to a file, shown only if it fails.
        log = stack.enter_context(open(Path(tmp) / "kernel.log", "w+", encoding="utf-8"))
        env = kernel_env({REPORT_ENV: str(report_file)})
        try:
            stack.enter_context(client.setup_kernel(env=env, stdout=log, stderr=log))
        except Exception as e:
            raise GradingError(f"could not start the Jupyter kernel {kernel_name!r}: "
                               f"{type(e).__name__}: {e}{_tail(log)}") from e
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            left = total_timeout - (time.monotonic() - start)
            if left < 1:
                errors.append(f"stopped after {total_timeout} s: cells from {index + 1} on "
                              "did not run")
                break
            client.timeout = int(min(timeout, left))
            cell_start, where = time.monotonic(), _where(index, cell)
            try:
                client.execute_cell(cell, index)
            except DeadKernelError:
                errors.append(f"{where}: the kernel died; the cells after it did not run"
                              + _tail(log))
                break
            except Exception as e:  # nbclient's own failures: note them and go on
                errors.append(f"{where}: could not run ({type(e).__name__}: {e})")
                continue
            timed_out = time.monotonic() - cell_start >= client.timeout
            if timed_out:
                errors.append(f"{where}: stopped after {client.timeout} s")
            errors += [f"{where}: {o.get('ename')}: {o.get('evalue')}"
                       for o in cell.get("outputs", []) if o.get("output_type") == "error"
                       and not (timed_out and o.get("ename") == "KeyboardInterrupt")]
        results = _collect(report_file, checks)
    name = nb.metadata["course"]["exercise_set"]
    return Report(str(path), name, results, errors, round(time.monotonic() - start, 1))
