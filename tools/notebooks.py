"""Keep the committed notebooks tidy: one generated setup cell first, volatile metadata stripped,
and execution top to bottom in place (so stored outputs are real).

Run as `python -m tools.notebooks {normalize,execute,check} [PATHS]`.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import time
from pathlib import Path

import nbformat
import yaml

from course_lib.explorers.widgets import LIVE_EXPLORER_KEY, LIVE_NOTE

from .setup_cell import BOOK_TAGS, setup_cell_source

__all__ = [
    "BOOK_TAGS",
    "SETUP_TAG",
    "execute_notebook",
    "find_notebooks",
    "normalize",
    "repository_url",
    "setup_cell_source",
]

ROOT = Path(__file__).resolve().parents[1]
SETUP_TAG = "setup"
NOTEBOOK_DIRS = ("chapters", "exercises")
# Cell metadata worth keeping; the rest (timings, scroll state, old frontends' ids) is noise.
KEEP_CELL_METADATA = ("tags", "editable", "deletable")
# Stored outputs of live explorers made before they displayed LIVE_NOTE as their text: the repr of
# the explorer's widget box (a VBox of an HBox of controls and the Output).
_OLD_EXPLORER_TEXT = "VBox(children=(HBox(children=("
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def repository_url(root: Path = ROOT) -> str:
    """The course repository URL, configured once in `_config.yml` (repository.url)."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/")


def find_notebooks(root: Path = ROOT) -> list[Path]:
    """Every course notebook: chapters and exercises (sources and student copies)."""
    found = []
    for d in NOTEBOOK_DIRS:
        found += [
            p for p in sorted((root / d).rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts
        ]
    return found


def normalize(nb: nbformat.NotebookNode, url: str) -> nbformat.NotebookNode:
    """A copy of `nb` with the generated setup cell first and volatile metadata removed."""
    nb = copy.deepcopy(nb)
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = nbformat.from_dict({
        "kernelspec": KERNELSPEC,
        "language_info": {"name": "python"},
        **({"course": nb.metadata["course"]} if "course" in nb.metadata else {}),
        **({"widgets": nb.metadata["widgets"]} if "widgets" in nb.metadata else {}),
    })
    setup = nbformat.v4.new_code_cell(setup_cell_source(url),
                                      metadata={"tags": [SETUP_TAG, *BOOK_TAGS]})
    cells = list(nb.cells)
    if cells and SETUP_TAG in cells[0].get("metadata", {}).get("tags", []):
        setup.outputs = cells[0].get("outputs", [])
        setup.execution_count = cells[0].get("execution_count")
        cells = cells[1:]
    nb.cells = [setup, *cells]
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i:03d}"  # stable ids: a cell's id changes only when cells move
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.get("metadata", {}).items() if k in KEEP_CELL_METADATA}
        )
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("execution", None)
                _mark_live_explorer(out)
    return nb


def _mark_live_explorer(out: nbformat.NotebookNode) -> None:
    """Give a stored live-explorer output the note and marker that Explorer displays today."""
    data = out.get("data", {})
    text = data.get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else text
    if "application/vnd.jupyter.widget-view+json" in data and text.startswith(_OLD_EXPLORER_TEXT):
        data["text/plain"] = LIVE_NOTE
        out.setdefault("metadata", {})[LIVE_EXPLORER_KEY] = True


def execute_notebook(path: Path, profile: str | None = None, timeout: int = 1200) -> float:
    """Execute `path` top to bottom in place (cwd = its folder); return the seconds it took."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    if profile:
        os.environ["COURSE_PROFILE"] = profile
    start = time.perf_counter()
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(normalize(nb, repository_url()), path)
    return seconds


def _write_if_changed(path: Path, nb: nbformat.NotebookNode) -> bool:
    text = nbformat.writes(nb) + "\n"
    if path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.notebooks")
    parser.add_argument("command", choices=["normalize", "check", "execute"])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: all of them)")
    parser.add_argument("--profile", help="COURSE_PROFILE for `execute` (default: the machine's)")
    args = parser.parse_args(argv)
    paths = args.paths or find_notebooks()
    url = repository_url()
    if args.command == "execute":
        from nbclient.exceptions import CellExecutionError

        for p in paths:
            print(f"executing {p} ...", flush=True)
            try:
                print(f"  {execute_notebook(p, args.profile):.1f} s", flush=True)
            except CellExecutionError as err:  # the notebook on disk is left untouched
                print(f"  FAILED, {p} not changed:\n{err}", file=sys.stderr)
                return 1
        return 0
    bad = []
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        fixed = normalize(nb, url)
        if args.command == "normalize":
            if _write_if_changed(p, fixed):
                print(f"normalized {p}")
        elif nbformat.writes(fixed) != nbformat.writes(nb):
            bad.append(p)
    if bad:
        print("Not normalized (run `make normalize`):", *bad, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
