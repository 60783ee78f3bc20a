"""What an exercise set asks of a learner (issue 16): no chapter prints the answer, every task says
what it is worth, how long it takes and what it teaches, and every set has a task that tests
understanding (predict, derive, design or interpret), not only re-typing a recipe."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "exercises" / "source").glob("*.ipynb"))
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
BEGIN = "### BEGIN SOLUTION"
DEFINED = re.compile(r"^(?:def|class) (\w+)\s*[(:]", re.M)
# "## 2. Max pooling's backward pass (4 points, ~10 min)"
TASK = re.compile(r"^## \d+\. .+ \((\d+) points?, ~(\d+) min\)\s*$", re.M)
# "*Derive* · Teaches: where the gradient of a max goes."
KIND = re.compile(r"^\*(Implement|Predict|Derive|Design|Interpret)\* · Teaches: \S.*$", re.M)
UNDERSTANDING = {"Predict", "Derive", "Design", "Interpret"}


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _text(part) -> str:
    return "".join(part) if isinstance(part, list) else part


def asked_functions(path: Path) -> set[str]:
    """Names the learner must write: top-level definitions inside a solution region."""
    names: set[str] = set()
    for cell in _cells(path):
        source = _text(cell["source"])
        if cell["cell_type"] == "code" and BEGIN in source:
            names |= set(DEFINED.findall(source))
    return names


def shown_definitions(path: Path) -> dict[str, int]:
    """{name: cell} of every function or class a chapter defines or prints (source or output)."""
    shown: dict[str, int] = {}
    for i, cell in enumerate(_cells(path)):
        texts = [_text(cell["source"])]
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            texts += [_text(out.get("text", "")), _text(data.get("text/plain", "")),
                      _text(data.get("text/html", "")), _text(data.get("text/markdown", ""))]
        for text in texts:
            for name in re.findall(r"(?:^|\n)\s*(?:def|class) (\w+)\s*[(:]", text):
                shown.setdefault(name, i)
    return shown


def test_the_patterns_find_what_they_should():
    assert DEFINED.findall("def f(x):\n    def g(y):\n        pass\nclass Net(nn.Module):") == [
        "f", "Net"]
    assert TASK.findall("## 3. Max pooling's backward pass (4 points, ~10 min)") == [("4", "10")]
    assert not TASK.findall("## 3. Max pooling (4 points)")
    assert KIND.search("*Derive* · Teaches: where the gradient of a max goes.")
    assert not KIND.search("*Derive* · Teaches:")


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_no_chapter_prints_an_answer(source):
    asked = asked_functions(source)
    assert asked, f"{source.name}: no function to write was found"
    printed = [f"{chapter.stem} cell {cell}: {name}" for chapter in CHAPTERS
               for name, cell in shown_definitions(chapter).items() if name in asked]
    assert not printed, ("chapters define or print the function an exercise asks for:\n"
                         + "\n".join(printed))


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_task_states_points_time_and_what_it_teaches(source):
    headings = [_text(c["source"]) for c in _cells(source) if c["cell_type"] == "markdown"]
    tasks = [h for h in headings if re.search(r"^## \d+\. ", h, re.M)]
    assert tasks, f"{source.name}: no numbered task"
    for task in tasks:
        title = task.splitlines()[0]
        assert TASK.search(task), f"{title!r}: state '(P points, ~M min)'"
        assert KIND.search(task), f"{title!r}: add a line '*Kind* · Teaches: …'"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_every_set_tests_understanding(source):
    kinds = {k for c in _cells(source) if c["cell_type"] == "markdown"
             for k in KIND.findall(_text(c["source"]))}
    assert kinds & UNDERSTANDING, (f"{source.name}: only {sorted(kinds) or 'no'} tasks; add one "
                                   "that asks to predict, derive, design or interpret")
