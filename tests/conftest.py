"""Shared test fixtures: the offline dataset mirror, and the HTML book built once per test
session for the tests that need it (the environment itself is set in the root conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
    """The HTML book built from the stored outputs, warnings as errors, into a temporary folder:
    English at its root, Korean in its `ko/` folder (tools/korean_book.py), as `make book` does.

    Built once per session (book/test_book.py and book/test_browser.py share it). The offline
    JavaScript (MathJax, the widget manager) is fetched from the npm registry first when it is not
    there yet. COURSE_BOOK_HTML=path/to/_build/html tests a book built already (from this checkout)
    instead.
    """
    prebuilt = os.environ.get("COURSE_BOOK_HTML")
    if prebuilt:
        assert (Path(prebuilt) / "index.html").is_file(), f"no book in COURSE_BOOK_HTML={prebuilt}"
        return Path(prebuilt)
    from tools import book_assets

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
    html = out / "_build" / "html"
    proc = subprocess.run(
        [sys.executable, "-m", "tools.korean_book", "--warningiserror", "--output",
         str(html / "ko")], cwd=repo_root, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (f"Korean book build failed:\n{proc.stdout[-4000:]}\n"
                                  f"{proc.stderr[-4000:]}")
    return html
