"""Every exercise notebook, whatever its chapter: the student copy earns nothing, the solution
source earns full marks, and it calls each check of its exercise set exactly once."""

from __future__ import annotations

import re

import nbformat
import pytest

from course_lib.authoring.notebooks import ROOT
from course_lib.grading import EXERCISE_SETS, grade_notebook
from course_lib.grading.core import NOT_IMPLEMENTED

SOURCES = sorted((ROOT / "exercises" / "source").glob("*.ipynb"))


def _ids(paths):
    return [p.stem for p in paths]


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_notebook_calls_every_check_of_its_set_once(source):
    nb = nbformat.read(source, as_version=4)
    exercise_set = nb.metadata["course"]["exercise_set"]
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    called = re.findall(r'^check\("(\w+)", \1\)$', text, flags=re.M)
    assert called == [c.name for c in EXERCISE_SETS[exercise_set]]


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_solution_earns_full_marks_and_student_copy_none(source):
    solution = grade_notebook(source)
    assert solution.points == solution.max_points > 0 and solution.errors == []
    student = grade_notebook(ROOT / "exercises" / source.name)
    assert (student.points, student.max_points) == (0, solution.max_points)
    assert all(r.messages == [NOT_IMPLEMENTED] for r in student.results)
