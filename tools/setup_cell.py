"""Every notebook's first cell, written by `make normalize` from `_config.yml` (repository.url).

Where course_lib is importable (a checkout's .venv, Binder after its postBuild) it does nothing;
it asks importlib rather than importing the library (the grader flags a library import in a
from-scratch exercise). Where it is missing (Colab), it installs the course from the repository
with every installed distribution pinned to its version, so pip adds what is missing and upgrades
or downgrades nothing (Colab's kernel stack included). It prints one line saying what to do when
the repository cannot be reached. The book hides it (tag `remove-cell`).
"""

from __future__ import annotations

from string import Template

__all__ = ["BOOK_TAGS", "setup_cell_source"]

# myst-nb leaves a cell tagged `remove-cell` out of the built page.
BOOK_TAGS = ("remove-cell",)

_CELL = Template('''\
# Setup: installs course_lib where it is missing (Colab), changing no installed package.
import importlib.util

REPOSITORY = "$url"
if importlib.util.find_spec("course_lib") is None:  # not importable here: install it
    import os
    import re
    import subprocess
    import sys
    from importlib import invalidate_caches
    from importlib.metadata import distributions, version
    from shutil import which
    from tempfile import NamedTemporaryFile

    os.environ["GIT_TERMINAL_PROMPT"] = "0"  # a missing repository fails, never asks
    reach = ["git", "ls-remote", REPOSITORY]
    if not which("git") or subprocess.run(reach, capture_output=True).returncode:
        print(f"✗ {REPOSITORY} cannot be reached, so course_lib is not installed: "
              "download the course, run `pip install .` in its folder and open "
              "the notebooks there.")
    else:
        pins = {}  # every installed distribution at its version: pip may only add
        for dist in distributions():
            name = re.sub(r"[-_.]+", "-", dist.metadata["Name"] or "").lower()
            if name not in ("", "pip", "setuptools", "wheel"):  # build tools may differ
                pins.setdefault(name, dist.version)
        with NamedTemporaryFile("w", suffix=".txt", delete=False) as constraints:
            constraints.write("".join(f"{n}=={v}\\n" for n, v in pins.items()))
        command = [sys.executable, "-m", "pip", "install", "-q", "-c", constraints.name,
                   f"course-lib @ git+{REPOSITORY}"]
        pip = subprocess.run(command, capture_output=True, text=True)
        if pip.returncode:
            last = (pip.stderr.strip().splitlines() or ["nothing"])[-1]
            print("✗ course_lib was not installed (installed packages are left as they "
                  "are); pip says: " + last)
        else:
            invalidate_caches()
            print(f"course_lib {version('course-lib')} installed from {REPOSITORY}")''')


def setup_cell_source(url: str) -> str:
    """The setup cell's code for the course repository at `url` (a git URL pip can install)."""
    return _CELL.substitute(url=url)
