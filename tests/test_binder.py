"""Binder builds the course's environment from binder/: requirements.txt (torch, CPU build), then
postBuild, which installs the course itself; runtime.txt picks a Python the course supports."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def _project(key: str) -> str:
    """A string field of pyproject.toml's [project] table (tomllib is Python 3.11+ only)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    return re.search(rf'^{key} = "([^"]+)"', text, re.M).group(1)


def _pip_install_lines() -> list[list[str]]:
    lines = (BINDER / "postBuild").read_text(encoding="utf-8").splitlines()
    return [shlex.split(line) for line in lines if re.search(r"\bpip install\b", line)]


def test_binder_files_are_there_and_post_build_runs_as_a_script():
    for name in ("requirements.txt", "postBuild", "runtime.txt"):
        assert (BINDER / name).is_file(), f"binder/{name} is missing"
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    assert post_build.read_text(encoding="utf-8").startswith("#!/bin/bash")
    subprocess.run(["bash", "-n", str(post_build)], check=True)  # syntax only


def test_requirements_take_torch_from_the_cpu_index():
    text = (BINDER / "requirements.txt").read_text(encoding="utf-8")
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in text
    assert re.search(r"^torch\b", text, re.M), "torch must be installed before the course"


def test_runtime_is_a_python_the_course_supports():
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    major, minor = map(int, runtime.removeprefix("python-").split("."))
    needed = _project("requires-python")
    low = tuple(map(int, needed.removeprefix(">=").split(".")))
    assert (major, minor) >= low, f"{runtime} is older than requires-python {needed}"


def test_post_build_installs_the_course():
    """postBuild's pip command, run from the repository root as repo2docker does (dry run, no
    dependencies), would install this repository's course-lib."""
    commands = _pip_install_lines()
    assert len(commands) == 1, "postBuild should install the course with one pip command"
    cmd = commands[0]
    assert cmd[:4] == ["python", "-m", "pip", "install"] and "." in cmd
    proc = subprocess.run([sys.executable, *cmd[1:], "--dry-run", "--no-deps"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    version = _project("version")
    assert f"Would install course-lib-{version}" in proc.stdout
