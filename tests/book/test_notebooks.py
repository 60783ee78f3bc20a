"""Every notebook is committed normalized, with the generated setup cell first; chapters are
committed executed top to bottom and listed in the table of contents."""

from __future__ import annotations

import json

import nbformat
import pytest
import yaml

from course_lib.authoring.notebooks import (
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
