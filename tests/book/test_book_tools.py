"""The book tooling on small made-up inputs: table-of-contents pages, launch links, the internal
link checker, the offline-asset fetcher's bookkeeping and the Sphinx extension's script dedup."""

from __future__ import annotations

import importlib.util
import json
import textwrap
from pathlib import Path

import pytest

from course_lib.authoring import book_assets
from course_lib.authoring.book import broken_links, launch_links, toc_pages

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_toc_pages_root_first_in_order_with_sections(tmp_path):
    _write(tmp_path / "_toc.yml", """\
        format: jb-book
        root: intro
        parts:
          - caption: Chapters
            chapters:
              - file: chapters/01_a
                sections:
                  - file: chapters/01_b.ipynb
              - url: https://example.org
          - caption: Exercises
            chapters:
              - file: exercises/01_a
        """)
    for name in ("intro.md", "chapters/01_a.ipynb", "chapters/01_b.ipynb", "exercises/01_a.ipynb"):
        _write(tmp_path / name, "{}")
    pages = toc_pages(tmp_path)
    assert [p.entry for p in pages] == ["intro", "chapters/01_a", "chapters/01_b", "exercises/01_a"]
    assert [p.is_notebook for p in pages] == [False, True, True, True]
    assert pages[1].html == "chapters/01_a.html"


def test_toc_pages_names_a_missing_source(tmp_path):
    _write(tmp_path / "_toc.yml", "root: intro\nparts: [{chapters: [{file: chapters/99_x}]}]\n")
    _write(tmp_path / "intro.md", "# hi")
    with pytest.raises(FileNotFoundError, match="99_x"):
        toc_pages(tmp_path)


def test_the_real_toc_lists_this_repository_s_chapters():
    pages = toc_pages(ROOT)
    assert pages[0].entry == "intro"
    assert any(p.entry.startswith("chapters/") for p in pages)


def test_launch_links_follow_the_configured_repository(tmp_path):
    _write(tmp_path / "_config.yml", """\
        repository: {url: "https://github.com/someone/course/", path_to_book: book, branch: dev}
        launch_buttons:
          notebook_interface: jupyterlab
          binderhub_url: https://mybinder.org
          colab_url: https://colab.research.google.com
        """)
    links = launch_links("chapters/01_a", tmp_path)
    assert links["colab"] == ("https://colab.research.google.com/github/someone/course/blob/dev/"
                              "book/chapters/01_a.ipynb")
    assert links["binder"] == ("https://mybinder.org/v2/gh/someone/course/dev"
                               "?urlpath=lab/tree/book/chapters/01_a.ipynb")


def test_broken_links_finds_missing_pages_and_anchors_and_nothing_else(tmp_path):
    html = tmp_path / "html"
    _write(html / "index.html", """\
        <a id="top" href="#top">ok</a> <a href="#">ok</a> <a href="chapters/">ok, folder index</a>
        <a href="chapters/a.html#sec">ok</a> <a href="https://example.org/x#y">external</a>
        <a href="mailto:x@y.z">mail</a> <img src="data:image/png;base64,AA=="> <a href="?q=1">ok</a>
        <a href="chapters/a.html#nowhere">bad anchor</a> <a href="#gone">bad local anchor</a>
        <a href="chapters/missing.html">bad page</a> <script src="_static/x.js?v=1"></script>
        <link href="../outside.css" rel="stylesheet">
        """)
    _write(html / "chapters" / "index.html", "<p>index</p>")
    _write(html / "chapters" / "a.html", '<h1 id="sec">A</h1><a href="../index.html#top">up</a>'
                                        '<a name="old"></a><a href="#old">named anchor</a>')
    _write(html / "_static" / "x.js", "")
    _write(html / "_static" / "third_party.html", '<a href="nope.html">not ours</a>')
    problems = broken_links(html)
    assert len(problems) == 4, problems
    joined = "\n".join(problems)
    for bad in ("#nowhere", "#gone", "missing.html", "outside.css"):
        assert bad in joined


def test_mathjax_selection_keeps_the_component_and_what_it_loads():
    keep = book_assets.PACKAGES[0].keep
    assert book_assets.PACKAGES[0].name == "mathjax"
    assert keep("es5/tex-mml-chtml.js") and keep("es5/output/chtml/fonts/woff-v2/MathJax_Zero.woff")
    assert keep("es5/input/tex/extensions/boldsymbol.js") and keep("LICENSE")
    assert not keep("es5/tex-svg.js") and not keep("es5/output/svg/fonts/tex.js")


def test_assets_missing_until_the_manifest_and_entry_files_match(tmp_path):
    packages = book_assets.PACKAGES
    assert book_assets.missing(tmp_path, packages) == [p.label for p in packages]
    base = tmp_path / book_assets.SERVED_PREFIX
    for p in packages:
        _write(base / p.name / p.entry, "// stub")
    _write(base / book_assets.MANIFEST, json.dumps(book_assets._manifest(packages)))
    assert book_assets.missing(tmp_path, packages) == []
    assert book_assets.ensure(tmp_path, packages, log=lambda _: None) is False  # nothing fetched
    (base / packages[0].name / packages[0].entry).unlink()
    assert book_assets.missing(tmp_path, packages) == [packages[0].label]


def test_a_tarball_with_another_checksum_is_refused(tmp_path, monkeypatch):
    """`npm pack` is faked: it "downloads" a tarball that is not the pinned one."""
    import subprocess

    def fake_run(cmd, **kwargs):
        (tmp_path / "requirejs-2.3.8.tgz").write_bytes(b"not the pinned tarball")
        return subprocess.CompletedProcess(cmd, 0, json.dumps([{"filename":
                                                                 "requirejs-2.3.8.tgz"}]), "")

    monkeypatch.setattr(book_assets.shutil, "which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(book_assets.subprocess, "run", fake_run)
    with pytest.raises(RuntimeError, match="not the pinned"):
        book_assets._npm_pack(book_assets.PACKAGES[1], tmp_path)


def test_no_npm_is_a_plain_error(tmp_path, monkeypatch):
    monkeypatch.setattr(book_assets.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="install Node.js and npm"):
        book_assets.ensure(tmp_path, book_assets.PACKAGES, log=lambda _: None)


def test_config_points_at_the_served_files():
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    prefix = book_assets.SERVED_PREFIX.removeprefix("_static/")
    for p in book_assets.PACKAGES:
        assert f"{prefix}/{p.name}/{p.entry}" in config, f"_config.yml does not load {p.label}"


def _extension():
    spec = importlib.util.spec_from_file_location("offline_book", ROOT / "_ext" / "offline_book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_extension_drops_duplicate_inline_scripts_and_keeps_order():
    from sphinx.builders.html._assets import _JavaScript

    scripts = [_JavaScript("_static/a.js"), _JavaScript(None, body="const X = 1"),
               _JavaScript("", body="const X = 1"), _JavaScript(None, body="const Y = 2"),
               _JavaScript("_static/a.js")]
    context = {"script_files": scripts}
    _extension()._drop_duplicate_scripts(None, "page", "page.html", context, None)
    assert [(s.filename, s.attributes.get("body")) for s in context["script_files"]] == [
        ("_static/a.js", None), (None, "const X = 1"), (None, "const Y = 2")]
    assert context["script_files"] is scripts  # changed in place: Sphinx renders this list
