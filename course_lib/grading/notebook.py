"""Grade a learner's exercise notebook: run it in a sandboxed kernel, then check its functions
from this process.

The kernel only executes the notebook's cells and serves its functions (remote.py); every check
of the exercise set runs here, with its cases and expected answers, whatever the check cells
say. The set comes from --set (pinned by the instructor) or else the notebook's metadata
(course.exercise_set); a mismatch is reported. Every cell runs even after one fails.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import wire
from .core import CallFailed, CheckResult, _remote_calls, _TimeLimit
from .imports import copied
from .registry import EXERCISE_SETS, Check

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from .remote import Kernel
    from .sandbox import Limits, Sandbox

__all__ = ["DID_NOT_RUN", "GradingError", "Report", "grade_notebook"]

DID_NOT_RUN = "not defined in the notebook (its cell failed, did not run or was deleted)"
MAX_NOTEBOOK = 32 << 20  # bytes: a bigger file is not a submission


class GradingError(Exception):
    """The grader itself could not work: no such file, not a notebook, no kernel, unknown set."""


@dataclass
class Report:
    notebook: str  # the graded notebook's path
    exercise_set: str  # its exercise set, e.g. "convolution"
    results: list[CheckResult]  # one per check of the set, in the set's order
    errors: list[str] = field(default_factory=list)  # cells that raised or timed out, etc.
    seconds: float = 0.0  # wall-clock time of the grading run
    protection: str = ""  # how the kernel was isolated (sandbox.py)

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


def _read(path: Path, pinned: str | None) -> tuple[NotebookNode, str, list[str]]:
    """The notebook at `path`, its exercise set and the problems with its claim; GradingError
    when it cannot be graded at all."""
    import nbformat

    if not path.is_file():
        raise GradingError(f"no such notebook: {path}" + (" (not a regular file)"
                                                          if path.exists() else ""))
    if path.stat().st_size > MAX_NOTEBOOK:
        raise GradingError(f"{path} is not a Jupyter notebook (over {MAX_NOTEBOOK >> 20} MB)")
    try:
        nb = nbformat.reads(path.read_bytes().decode("utf-8"), as_version=4)
    except Exception as e:  # JSON errors, validation errors, undecodable bytes
        raise GradingError(f"{path} is not a Jupyter notebook ({type(e).__name__}: "
                           f"{wire.clip(e, 200)})") from e
    course = nb.metadata.get("course", {})
    claimed = course.get("exercise_set") if isinstance(course, dict) else None
    problems: list[str] = []
    if pinned is not None:
        if pinned not in EXERCISE_SETS:
            raise GradingError(f"unknown exercise set {pinned!r}; known: {sorted(EXERCISE_SETS)}")
        if claimed != pinned:
            problems.append(f"the notebook's metadata names the exercise set "
                            f"{wire.clip(repr(claimed), 80)}; it was graded as {pinned!r}")
        return nb, pinned, problems
    if not claimed:
        raise GradingError(f"{path} has no exercise set: its metadata lacks course.exercise_set "
                           "(is it an exercise notebook from exercises/?)")
    if claimed not in EXERCISE_SETS:
        raise GradingError(f"{path}: unknown exercise set {wire.clip(repr(claimed), 80)}; "
                           f"known: {sorted(EXERCISE_SETS)}")
    return nb, claimed, problems


def grader_digest() -> str:
    """A hash of the grading package's source files, to notice any change to them."""
    import hashlib

    digest = hashlib.sha256()
    for file in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()


def _where(index: int, cell: NotebookNode) -> str:
    """"cell 7 (`first line of its code`)": where a problem is, in words a learner can find."""
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return f"cell {index + 1} (`{first[:40] + ('…' if len(first) > 40 else '')}`)"


def _run_cells(kernel: Kernel, nb: NotebookNode, timeout: float) -> list[str]:
    """Execute every code cell; one line per problem."""
    errors = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        where = _where(index, cell)
        if kernel.left_s() < 1 and kernel.alive():
            kernel.kill(f"ran past the deadline of {kernel.deadline - kernel.start:g} s")
        outcome = kernel.execute(str(cell.source), timeout)
        if outcome.status == "dead":
            errors.append(f"{where}: the kernel {kernel.why}; the cells after it did not run")
            break
        if outcome.status == "timeout":
            errors.append(f"{where}: stopped after {timeout:g} s")
        elif outcome.status == "error":
            errors.append(f"{where}: {outcome.error}")
    return errors


def _grade_check(kernel: Kernel, check: Check, copied: str = "") -> CheckResult:
    """Run `check` here on the learner's function of the same name, served by the kernel."""
    from .remote import RemoteFunction
    from .wire import _stand_in

    def zero(message: str) -> CheckResult:
        return CheckResult(check.name, 0, check.max_points, [wire.clip(message)])

    if not kernel.alive():
        return zero(f"not checked: the kernel {kernel.why}")
    try:
        info = kernel.lookup(check.name)
    except (CallFailed, _TimeLimit) as e:
        return zero(f"not checked: {e or 'the kernel did not answer'}")
    if not info.get("defined"):
        return zero(DID_NOT_RUN)
    fn = RemoteFunction(kernel, check.name) if info.get("callable") else _stand_in(
        str(info.get("type", "object")), str(info.get("module", "builtins")), "", [])
    try:
        result = check.function(fn, verbose=False)
    except Exception as e:  # a bug in a check must not stop the others
        return zero(f"the check itself failed ({type(e).__name__}: {wire.clip(e, 200)})")
    messages = [wire.clip(m) for m in result.messages]
    points = min(max(int(result.points), 0), check.max_points)
    if copied:
        points, messages = 0, [f"✗ {copied}", *messages]
    return CheckResult(check.name, points, check.max_points, messages)


def grade_notebook(
    path: str | Path, timeout: float = 120, total_timeout: float = 600,
    exercise_set: str | None = None, sandbox: Sandbox | None = None,
    limits: Limits | None = None,
) -> Report:
    """Run the notebook at `path` in a sandboxed kernel, then score every check of its set.

    A cell may take `timeout` seconds; the kernel is killed, with everything it started,
    `total_timeout` seconds after it starts. exercise_set pins the set (else: the metadata's).
    The notebook file is not changed. Raises GradingError when grading itself is impossible
    (no such file, not a notebook, no set), never for anything the notebook does.
    """
    from .remote import Kernel
    from .sandbox import Sandbox

    path = Path(path)
    nb, name, errors = _read(path, exercise_set)
    notes, others = copied([str(c.source) for c in nb.cells if c.cell_type == "code"], name,
                           [c.name for c in EXERCISE_SETS[name]])
    errors += others
    start = time.monotonic()
    before = grader_digest()
    own = sandbox is None
    if sandbox is None:
        sandbox = Sandbox(limits) if limits else Sandbox()
        sandbox.hide.append(path.resolve().parent)
    token = _remote_calls.set(True)
    kernel = None
    try:
        try:
            kernel = Kernel(sandbox, total_timeout, notebook=path)
        except Exception as e:  # no kernel at all: the grader cannot work here
            raise GradingError(f"could not start a Jupyter kernel: {type(e).__name__}: "
                               f"{wire.clip(e, 300)}") from e
        if kernel.dead:
            why = kernel.why
            kernel.close()
            kernel = None
            raise GradingError(f"could not start a Jupyter kernel: it {why}")
        errors += _run_cells(kernel, nb, timeout)
        results = [_grade_check(kernel, c, notes.get(c.name, "")) for c in EXERCISE_SETS[name]]
        if kernel.dead and not any(kernel.why in e for e in errors):
            errors.append(f"the kernel {kernel.why}")
    finally:
        _remote_calls.reset(token)
        left = kernel.close() if kernel is not None else []
        if own:
            sandbox.close()
    if left:
        errors.append(f"{len(left)} process(es) started by the notebook survived the kill")
    if grader_digest() != before:
        raise GradingError(f"the grader's own files changed while {path} was graded: "
                           "reinstall the course library before grading anything else")
    return Report(str(path), name, results, [wire.clip(e) for e in errors],
                  round(time.monotonic() - start, 1), sandbox.protection)
