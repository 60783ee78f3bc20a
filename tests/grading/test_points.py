"""Points are declared once, by a check's cases: the registry derives each check's worth from
them, and every exercise heading ("## 2. Conv2d (5 points)") must state the same number."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course_lib.grading import EXERCISE_SETS, run_check

SOURCES = sorted((Path(__file__).resolve().parents[2] / "exercises" / "source").glob("*.ipynb"))
HEADING = re.compile(r"^#+ .*\((\d+) points?(?:, ~\d+ min)?\)", re.M)
CHECK_CALL = re.compile(r"""check\(["'](\w+)["']""")


def test_a_checks_worth_is_the_sum_of_its_cases():
    for checks in EXERCISE_SETS.values():
        for c in checks:
            assert c.max_points == run_check(c.name, None, verbose=False).max_points > 0


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_exercise_headings_state_the_registrys_points(path):
    nb = nbformat.read(path, as_version=4)
    points = {c.name: c.max_points for c in EXERCISE_SETS[nb.metadata.course.exercise_set]}
    sections: list[list] = []  # [points the heading states, checks under it]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            sections += [[int(n), []] for n in HEADING.findall(cell.source)]
        elif sections:
            sections[-1][1] += CHECK_CALL.findall(cell.source)
    assert sorted(n for _, names in sections for n in names) == sorted(points)
    for stated, names in sections:
        assert stated == sum(points[n] for n in names), (names, stated)
