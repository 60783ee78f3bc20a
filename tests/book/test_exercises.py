"""Exercise notebooks: student copies are generated from the solution sources and up to date; the
grader gives the untouched stubs nothing and the solutions full marks, and fails loudly itself."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_lib.grading import DID_NOT_RUN, EXERCISE_SETS, grade_notebook
from course_lib.grading.cli import main as course_grade
from course_lib.grading.core import NOT_IMPLEMENTED
from tools.exercises import STUB, generate_all, make_student, stale, strip_solutions
from tools.notebooks import ROOT, repository_url, setup_cell_source

SOURCE = ROOT / "exercises" / "source" / "03_convolution.ipynb"
STUDENT = ROOT / "exercises" / "03_convolution.ipynb"
CHECKS = EXERCISE_SETS["convolution"]
MAX_POINTS = sum(c.max_points for c in CHECKS)
SETUP = setup_cell_source(repository_url())

# ------------------------------------------------------------------------------- generation


def test_strip_solutions_keeps_the_indentation():
    source = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert strip_solutions(source) == f"def f(x):\n    y = 1\n    {STUB}\n"
    assert strip_solutions("a\n### BEGIN SOLUTION\nb\n### END SOLUTION\nc", stub=None) == "a\nc"
    for unpaired in ["### BEGIN SOLUTION\nx", "x\n### END SOLUTION",
                     "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION"]:
        with pytest.raises(ValueError, match="SOLUTION"):
            strip_solutions(unpaired)


def test_make_student_stubs_solutions_and_clears_outputs():
    code = new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION",
                         execution_count=3, outputs=[nbformat.v4.new_output("stream", text="1")])
    nb = new_notebook(cells=[
        new_code_cell(SETUP, metadata={"tags": ["setup"]}, execution_count=1),
        new_markdown_cell("Task"), code,
        new_markdown_cell("### BEGIN SOLUTION\nThe answer is 1.\n### END SOLUTION"),
    ])
    student = make_student(nb, "convolution")
    assert student.cells[0].source == SETUP and student.cells[0].metadata == {"tags": ["setup"]}
    assert student.cells[2].source == f"def f():\n    {STUB}"
    assert [c.cell_type for c in student.cells] == ["code", "markdown", "code"]
    assert all(c.outputs == [] and c.execution_count is None
               for c in student.cells if c.cell_type == "code")
    assert student.metadata.course.exercise_set == "convolution"
    assert nb.cells[2].outputs, "the source must be left as it was"
    with pytest.raises(ValueError, match="cell 1"):
        make_student(new_notebook(cells=[new_code_cell("### BEGIN SOLUTION")]), "x")


def test_student_copies_are_up_to_date():
    assert stale(ROOT) == [], "a solution source changed: run `make exercises`"


def test_stale_notices_an_edited_source(tmp_path):
    (tmp_path / "exercises" / "source").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", tmp_path)
    copy = tmp_path / "exercises" / "source" / SOURCE.name
    shutil.copy(SOURCE, copy)
    assert generate_all(tmp_path) == [tmp_path / "exercises" / SOURCE.name]
    assert stale(tmp_path) == []
    nb = nbformat.read(copy, as_version=4)
    nb.cells[1].source += "\nOne more sentence."
    nbformat.write(nb, copy)
    assert stale(tmp_path) == [tmp_path / "exercises" / SOURCE.name]


def test_student_notebook_has_stubs_and_a_check_per_exercise():
    nb = nbformat.read(STUDENT, as_version=4)
    assert nb.cells[0].source == SETUP and "setup" in nb.cells[0].metadata.tags
    assert nb.cells[0] == nbformat.read(SOURCE, as_version=4).cells[0] | {
        "outputs": [], "execution_count": None}
    assert nb.metadata.course.exercise_set == "convolution"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    text = "\n".join(c.source for c in code)
    assert "SOLUTION" not in text and text.count(STUB) == len(CHECKS)
    called = re.findall(r'^check\("(\w+)", \1\)$', text, flags=re.M)
    assert called == [c.name for c in CHECKS]


def test_solution_source_is_committed_executed_with_full_marks():
    nb = nbformat.read(SOURCE, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    outputs = "".join(o.get("text", "") for c in code for o in c.outputs)
    assert not any(o.output_type == "error" for c in code for o in c.outputs)
    for c in CHECKS:
        assert f"{c.name}: {c.max_points}/{c.max_points} points" in outputs
    sources = "\n".join(c.source for c in code)
    assert not re.search(r"^\s*(import|from) torch", sources, flags=re.M)  # NumPy only


# ---------------------------------------------------------------------------------- grading


def test_grading_the_student_notebook_scores_zero(capsys):
    assert course_grade(["--json", str(STUDENT)]) == 0
    [report] = json.loads(capsys.readouterr().out)
    assert (report["points"], report["max_points"]) == (0, MAX_POINTS)
    assert [r["name"] for r in report["results"]] == [c.name for c in CHECKS]
    assert all(r["messages"] == [NOT_IMPLEMENTED] for r in report["results"])
    assert report["errors"] == []
    assert STUDENT.read_text().count('"outputs": []') == sum(
        c.cell_type == "code" for c in nbformat.read(STUDENT, as_version=4).cells)  # untouched


def test_grading_the_solution_scores_full_marks(capsys):
    report = grade_notebook(SOURCE)
    assert report.points == report.max_points == MAX_POINTS and report.errors == []
    print(report.table())
    assert f"Score: {MAX_POINTS}/{MAX_POINTS}" in capsys.readouterr().out


def test_a_failing_cell_is_reported_and_a_deleted_check_changes_nothing(tmp_path):
    nb = nbformat.read(SOURCE, as_version=4)
    nb.cells = [c for c in nb.cells if c.source != 'check("conv_predictions", conv_predictions)']
    at = next(i for i, c in enumerate(nb.cells) if c.source == 'check("conv2d", conv2d)')
    nb.cells[at - 1].source = "def conv2d(x, weight):\n    return x +"  # a syntax error
    nbformat.write(nb, tmp_path / "broken.ipynb")
    report = grade_notebook(tmp_path / "broken.ipynb")
    by_name = {r.name: r for r in report.results}
    assert by_name["correlate2d"].points == 3 and by_name["conv2d_backward"].points == 6
    assert by_name["conv2d"].messages == [DID_NOT_RUN] and by_name["conv2d"].points == 0
    assert by_name["conv_predictions"].points == 5  # the grader runs every check of the set
    assert any("SyntaxError" in e for e in report.errors)
    assert any("NameError" in e for e in report.errors)  # conv2d was never defined


def test_the_grader_fails_loudly_on_its_own_errors(tmp_path, capsys):
    assert course_grade([str(tmp_path / "missing.ipynb")]) == 2
    (tmp_path / "text.ipynb").write_text("not json")
    assert course_grade([str(tmp_path / "text.ipynb")]) == 2
    nbformat.write(new_notebook(), tmp_path / "plain.ipynb")
    assert course_grade([str(tmp_path / "plain.ipynb")]) == 2
    nbformat.write(new_notebook(metadata={"course": {"exercise_set": "nope"}}),
                   tmp_path / "nope.ipynb")
    assert course_grade([str(tmp_path / "nope.ipynb")]) == 2
    err = capsys.readouterr().err
    for expected in ["no such notebook", "is not a Jupyter notebook", "has no exercise set",
                     "unknown exercise set 'nope'"]:
        assert expected in err


def test_python_dash_m_grader_exits_non_zero_on_a_missing_file(tmp_path):
    done = subprocess.run([sys.executable, "-m", "course_lib.grading", str(tmp_path / "x.ipynb")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no such notebook" in done.stderr
