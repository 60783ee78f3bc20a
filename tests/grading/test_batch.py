"""`course-grade FOLDER`: a class graded in parallel into a gradebook and feedback files; a bad
notebook costs its author the points, never the batch; a rerun resumes where it stopped."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from course_lib.grading.cli import main as course_grade

ROOT = Path(__file__).resolve().parents[2]
SOLVED = ROOT / "exercises" / "source" / "05_pooling.ipynb"
STUB = ROOT / "exercises" / "05_pooling.ipynb"


def test_a_folder_is_graded_into_a_gradebook_and_resumes(tmp_path, capsys):
    class_dir = tmp_path / "class"
    (class_dir / "group-b").mkdir(parents=True)
    shutil.copy(SOLVED, class_dir / "ada.ipynb")
    shutil.copy(STUB, class_dir / "group-b" / "bo.ipynb")
    (class_dir / "cy.ipynb").write_text("not a notebook")
    assert course_grade([str(class_dir), "--set", "pooling", "--workers", "2",
                         "--total-timeout", "90"]) == 0
    out = class_dir / "graded"
    with open(out / "gradebook.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert sorted(rows) == ["ada", "cy", "group-b__bo"]
    assert (rows["ada"]["points"], rows["ada"]["max_points"]) == ("18", "18")
    assert (rows["group-b__bo"]["points"], rows["cy"]["points"]) == ("0", "0")
    assert rows["ada"]["max_pool2d"] == "4" and rows["cy"]["max_points"] == "18"
    assert "is not a Jupyter notebook" in rows["cy"]["problems"]
    assert "Score: 18/18" in (out / "feedback" / "ada.txt").read_text()
    assert "not implemented yet" in (out / "feedback" / "group-b__bo.txt").read_text()
    capsys.readouterr()
    # A rerun grades only what is missing: here the one report removed.
    (out / "reports" / "cy.json").unlink()
    assert course_grade([str(class_dir), "--set", "pooling", "--workers", "1"]) == 0
    assert "2 already graded, grading 1" in capsys.readouterr().out
    with open(out / "gradebook.csv", newline="") as f:
        assert len(list(csv.DictReader(f))) == 3
