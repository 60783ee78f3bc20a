"""The HTML book builds from the stored notebook outputs with warnings as errors."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml


def _toc_files(root: Path) -> list[str]:
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    return [c["file"] for part in toc["parts"] for c in part["chapters"]]


@pytest.fixture(scope="module")
def built_book(repo_root, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("book")
    exe = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(exe), "build", str(repo_root), "--path-output", str(out), "--warningiserror",
         "--keep-going"],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"book build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    return out / "_build" / "html"


def test_every_toc_entry_is_a_page(built_book, repo_root):
    for entry in _toc_files(repo_root):
        assert (built_book / f"{entry}.html").is_file(), f"{entry} missing from the built book"
    assert (built_book / "index.html").is_file()


def test_chapter_pages_show_stored_outputs_and_a_kernel_free_explorer(built_book, repo_root):
    for entry in _toc_files(repo_root):
        if not entry.startswith("chapters/"):
            continue
        html = (built_book / f"{entry}.html").read_text(encoding="utf-8")
        assert "cell_output" in html, f"{entry}: no stored outputs rendered"
        assert re.search(r'<input[^>]+type="range"', html), f"{entry}: no kernel-free explorer"
        assert "data:image/png;base64," in html


def test_chapter_pages_have_launch_and_download_buttons(built_book, repo_root):
    url = yaml.safe_load((repo_root / "_config.yml").read_text())["repository"]["url"]
    html = (built_book / "chapters" / "03_convolution.html").read_text(encoding="utf-8")
    assert "colab.research.google.com" in html and url.split("github.com/")[1] in html
    assert ".ipynb" in html  # the download button offers the notebook
