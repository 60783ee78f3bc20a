"""Shared test setup: point COURSE_DATA_DIR at the offline mirror (../shared/data) when unset;
build the HTML book once per test session for the tests that need it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_MIRROR = ROOT.parent / "shared" / "data"

if "COURSE_DATA_DIR" not in os.environ and _MIRROR.is_dir():
    os.environ["COURSE_DATA_DIR"] = str(_MIRROR)

# Tests never download: a missing dataset must fail loudly, not reach for the network.
os.environ.setdefault("COURSE_OFFLINE", "1")
# Notebook and chapter tests run the cheapest profile unless told otherwise.
os.environ.setdefault("COURSE_PROFILE", "smoke")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The offline dataset mirror; skipped loudly when it is not there."""
    path = os.environ.get("COURSE_DATA_DIR")
    if not path or not Path(path).is_dir():
        pytest.skip(
            "no offline dataset mirror: set COURSE_DATA_DIR to a folder laid out like "
            "../shared/data (mnist/, fashion-mnist/, cifar-10/) to run the data tests"
        )
    return Path(path)


@pytest.fixture
def empty_data_dirs(tmp_path, monkeypatch):
    """An empty COURSE_DATA_DIR and cache under tmp_path, and no file remembered as verified."""
    from course_lib.data import store

    data, cache = tmp_path / "data", tmp_path / "cache"
    data.mkdir()
    monkeypatch.setenv("COURSE_DATA_DIR", str(data))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(cache))
    store.clear_verified()
    yield data, cache
    store.clear_verified()


@pytest.fixture(scope="session")
def built_book(repo_root, tmp_path_factory) -> Path:
    """The HTML book built from the stored outputs, warnings as errors, into a temporary folder.

    Built once per session (book/test_book.py and book/test_browser.py share it). The offline
    JavaScript (MathJax, the widget manager) is fetched from the npm registry first when it is not
    there yet.
    """
    from course_lib.authoring import book_assets

    try:
        book_assets.ensure()
    except RuntimeError as err:
        pytest.fail(f"cannot fetch the book's offline JavaScript: {err}")
    out = tmp_path_factory.mktemp("book")
    exe = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(exe), "build", str(repo_root), "--path-output", str(out), "--warningiserror",
         "--keep-going"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"book build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return out / "_build" / "html"
