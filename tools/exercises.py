"""Generate the student exercise notebooks from their solution sources (nbgrader-style markers).

exercises/source/<name>.ipynb holds solutions between `### BEGIN SOLUTION` and `### END SOLUTION`;
exercises/<name>.ipynb is generated from it with each block replaced by a stub and outputs cleared.
Run as `python -m tools.exercises [--check | --execute-sources]`.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
from pathlib import Path

import nbformat

from .notebooks import ROOT, execute_notebook, normalize, repository_url

__all__ = [
    "BEGIN",
    "END",
    "STUB",
    "execute_sources",
    "generate_all",
    "make_student",
    "stale",
    "strip_solutions",
]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = 'raise NotImplementedError("Your code here")'


def strip_solutions(source: str, stub: str | None = STUB) -> str:
    """`source` with every BEGIN/END SOLUTION block (markers included) replaced by `stub` at the
    BEGIN marker's indentation, or removed when `stub` is None. ValueError on unpaired markers."""
    out, inside = [], False
    for number, line in enumerate(source.split("\n"), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError(f"line {number}: {BEGIN!r} inside another solution block")
            inside = True
            if stub is not None:
                out.append(line[: len(line) - len(line.lstrip())] + stub)
        elif marker == END:
            if not inside:
                raise ValueError(f"line {number}: {END!r} without {BEGIN!r}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN!r} without {END!r}")
    return "\n".join(out)


def make_student(
    nb: nbformat.NotebookNode, exercise_set: str | None = None
) -> nbformat.NotebookNode:
    """The student copy of a solution notebook: solutions stubbed, markdown solutions removed,
    outputs and execution counts cleared, metadata course.exercise_set set; otherwise identical.

    exercise_set: defaults to the source's own course.exercise_set.
    """
    nb = copy.deepcopy(nb)
    exercise_set = exercise_set or nb.metadata.get("course", {}).get("exercise_set")
    if not exercise_set:
        raise ValueError("no exercise set: pass exercise_set or set metadata course.exercise_set")
    cells = []
    for index, cell in enumerate(nb.cells):
        try:
            if cell.cell_type == "code":
                cell.source = strip_solutions(cell.source)
                cell.outputs, cell.execution_count = [], None
                cell.metadata.pop("execution", None)  # nbclient's timings
            elif cell.cell_type == "markdown" and BEGIN in cell.source:
                cell.source = strip_solutions(cell.source, stub=None).strip("\n")
                if not cell.source.strip():
                    continue  # the whole cell was a solution
        except ValueError as e:
            raise ValueError(f"cell {index + 1}: {e}") from None
        cells.append(cell)
    if len(cells) < len(nb.cells) and all(re.fullmatch(r"c\d{3}", c.get("id", "")) for c in cells):
        for i, cell in enumerate(cells):
            cell.id = f"c{i:03d}"  # keep normalize()'s numbering after dropping cells
    nb.cells = cells
    nb.metadata["course"] = nbformat.from_dict(
        {**nb.metadata.get("course", {}), "exercise_set": exercise_set})
    return nb


def _sources(root: Path) -> list[Path]:
    return sorted((root / "exercises" / "source").glob("*.ipynb"))


def _student_path(source: Path) -> Path:
    return source.parent.parent / source.name


def _student_of(source: Path, root: Path) -> nbformat.NotebookNode:
    """The student notebook generated from `source`, normalized like every course notebook."""
    nb = nbformat.read(source, as_version=4)
    # The set is the file name without its chapter number unless the source names it.
    student = make_student(nb, nb.metadata.get("course", {}).get("exercise_set")
                           or re.sub(r"^\d+_", "", source.stem))
    if (root / "_config.yml").exists():
        student = normalize(student, repository_url(root))
    return student


def _canonical(nb: nbformat.NotebookNode) -> dict:
    return json.loads(nbformat.writes(nb))


def generate_all(root: Path = ROOT) -> list[Path]:
    """Write the student copy of every exercises/source notebook; return their paths."""
    written = []
    for source in _sources(root):
        path = _student_path(source)
        nbformat.write(_student_of(source, root), path)
        written.append(path)
    return written


def stale(root: Path = ROOT) -> list[Path]:
    """Student copies that are missing or differ from what `generate_all` would write."""
    found = []
    for source in _sources(root):
        path = _student_path(source)
        if not path.exists() or _canonical(nbformat.read(path, as_version=4)) != _canonical(
            _student_of(source, root)
        ):
            found.append(path)
    return found


def execute_sources(root: Path = ROOT, timeout: int = 600) -> list[Path]:
    """Execute every solution source in place (kernel python3, cwd exercises/source), so its
    stored outputs are real and show full marks; return their paths."""
    saved = os.environ.pop("COURSE_GRADING_REPORT", None)  # a run here is not a grading run
    try:
        for source in _sources(root):
            print(f"executing {source} ... {execute_notebook(source, timeout=timeout):.1f} s")
    finally:
        if saved is not None:
            os.environ["COURSE_GRADING_REPORT"] = saved
    return _sources(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.exercises",
        description="Generate the student notebooks from the solutions in exercises/source.")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a student notebook is out of date")
    parser.add_argument("--execute-sources", action="store_true",
                        help="first execute the solution sources in place, then generate")
    parser.add_argument("--root", type=Path, default=ROOT, help="the course repository")
    args = parser.parse_args(argv)
    if not _sources(args.root):
        print(f"no solution notebooks in {args.root / 'exercises' / 'source'}", file=sys.stderr)
        return 2
    if args.check:
        bad = stale(args.root)
        if bad:
            print("Out-of-date student notebooks (run `make exercises`):", *bad, sep="\n  ",
                  file=sys.stderr)
            return 1
        print("Student notebooks are up to date.")
        return 0
    if args.execute_sources:
        execute_sources(args.root)
    before = set(stale(args.root))
    for path in generate_all(args.root):
        print(f"{'wrote' if path in before else 'unchanged'} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
