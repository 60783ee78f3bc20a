"""Every notebook is committed normalized, with the generated setup cell first; chapters are
committed executed top to bottom and listed in the table of contents."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest
import yaml

from course_lib.explorers.widgets import LIVE_EXPLORER_KEY, LIVE_NOTE
from tools.notebooks import (
    BOOK_TAGS,
    SETUP_TAG,
    find_notebooks,
    normalize,
    repository_url,
    setup_cell_source,
)

NOTEBOOKS = find_notebooks()
CHAPTERS = [p for p in NOTEBOOKS if p.parent.name == "chapters"]


def _ids(paths):
    return [str(p.relative_to(p.parents[1])) for p in paths]


def test_there_are_notebooks():
    assert CHAPTERS, "no chapter notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_normalized_with_setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert SETUP_TAG in first.metadata.get("tags", []), "first cell must be the setup cell"
    assert set(BOOK_TAGS) <= set(first.metadata.tags), "the book must hide the setup cell"
    assert first.source == setup_cell_source(repository_url()), "run `make normalize`"
    assert nbformat.writes(normalize(nb, repository_url())) == nbformat.writes(nb), (
        f"{path.name} is not normalized: run `make normalize`"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=_ids(CHAPTERS))
def test_chapter_is_executed_in_order(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    counts = [c["execution_count"] for c in code]
    assert None not in counts, f"{path.name}: cells never executed: run `make execute NB={path}`"
    assert counts == list(range(counts[0], counts[0] + len(counts))), "executed out of order"
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"{path.name} was committed with an error output"


def test_chapters_are_in_the_table_of_contents(repo_root):
    toc = yaml.safe_load((repo_root / "_toc.yml").read_text())
    listed = {c["file"] for part in toc["parts"] for c in part["chapters"]}
    for path in CHAPTERS:
        assert f"chapters/{path.stem}" in listed, f"{path.name} is not in _toc.yml"
    for entry in listed:
        assert (repo_root / f"{entry}.ipynb").exists() or (repo_root / f"{entry}.md").exists()


def test_setup_cell_does_nothing_where_course_lib_imports():
    """In a checkout's .venv (and on Binder, after postBuild) it runs no pip and prints nothing."""
    proc = subprocess.run([sys.executable, "-c", setup_cell_source("https://example.invalid/x")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


def test_setup_cell_says_what_to_do_when_the_repository_cannot_be_reached(tmp_path):
    """Where course_lib is missing and the repository unreachable: one line, nothing installed."""
    missing = tmp_path / "no-such-repository"
    hide = "import sys; sys.modules['course_lib'] = None\n"  # course_lib not importable
    proc = subprocess.run([sys.executable, "-c", hide + setup_cell_source(missing.as_uri())],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and "cannot be reached" in lines[0], proc.stdout
    assert "pip install ." in lines[0], "the line must say what to do instead"


def test_normalize_gives_old_live_explorer_outputs_the_note():
    """A live explorer's output stored before it displayed LIVE_NOTE (its VBox repr) gets the
    note and the marker the book uses to drop the dead widget; other widgets stay as they are."""
    view = {"version_major": 2, "version_minor": 0, "model_id": "abc"}
    old = nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": view,
        "text/plain": "VBox(children=(HBox(children=(IntSlider(value=2),)), Output()))"})
    bar = nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {**view, "model_id": "def"},
        "text/plain": "  0%|          | 0/10"})
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x()", outputs=[old, bar])])
    out = normalize(nb, "https://example.org/c").cells[1].outputs
    assert out[0].data["text/plain"] == LIVE_NOTE and out[0].metadata[LIVE_EXPLORER_KEY] is True
    assert out[1].data["text/plain"] == "  0%|          | 0/10"
    assert LIVE_EXPLORER_KEY not in out[1].get("metadata", {})


def test_the_grader_finds_no_library_import_in_the_setup_cell():
    """From-scratch exercise sets forbid importing course_lib in an answer: the setup cell, in
    every exercise notebook, must not look like one."""
    from course_lib.grading.imports import copied

    assert copied([setup_cell_source("https://example.org/c")], "convolution", []) == ({}, [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_no_code_line_is_wider_than_88_characters(path, repo_root):
    """The book shows a chapter's code at about 88 characters before scrolling sideways; the
    exercise notebooks (student copies and their solution sources) keep to the same width."""
    nb = nbformat.read(path, as_version=4)
    name = path.relative_to(repo_root)
    wide = [f"{name}: cell {i} (id {cell.get('id')}), line {n}: {len(line)} characters: "
            f"{line.strip()[:60]}…"
            for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for n, line in enumerate(cell.source.splitlines(), start=1) if len(line) > 88]
    assert not wide, f"{len(wide)} code lines over 88 characters:\n" + "\n".join(wide)
