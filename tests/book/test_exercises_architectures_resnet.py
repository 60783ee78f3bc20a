"""The exercise notebooks of chapters 09 and 10: each student copy has one stub and one check per
registered check, the committed solution sources show full marks, and grading the untouched
student copy gives zero (one kernel run per notebook)."""

from __future__ import annotations

import re

import nbformat
import pytest

from course_lib.authoring.exercises import STUB
from course_lib.authoring.notebooks import ROOT
from course_lib.grading import EXERCISE_SETS, grade_notebook
from course_lib.grading.core import NOT_IMPLEMENTED

NOTEBOOKS = {"architectures": "09_architectures", "resnet": "10_resnet"}


@pytest.mark.parametrize("exercise_set, name", NOTEBOOKS.items())
def test_student_copy_has_a_stub_and_a_check_per_exercise(exercise_set, name):
    nb = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
    assert nb.metadata.course.exercise_set == exercise_set
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    checks = [c.name for c in EXERCISE_SETS[exercise_set]]
    assert "SOLUTION" not in code and code.count(STUB) == len(checks)
    assert re.findall(r'^check\("(\w+)", \1\)$', code, flags=re.M) == checks


@pytest.mark.parametrize("exercise_set, name", NOTEBOOKS.items())
def test_solution_source_is_executed_with_full_marks(exercise_set, name):
    nb = nbformat.read(ROOT / "exercises" / "source" / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    outputs = "".join(o.get("text", "") for c in code for o in c.outputs)
    for c in EXERCISE_SETS[exercise_set]:
        assert f"{c.name}: {c.max_points}/{c.max_points} points" in outputs


@pytest.mark.parametrize("exercise_set, name", NOTEBOOKS.items())
def test_grading_the_student_copy_scores_zero(exercise_set, name):
    report = grade_notebook(ROOT / "exercises" / f"{name}.ipynb")
    assert report.points == 0 and report.errors == []
    assert report.max_points == sum(c.max_points for c in EXERCISE_SETS[exercise_set])
    assert all(r.messages == [NOT_IMPLEMENTED] for r in report.results)
