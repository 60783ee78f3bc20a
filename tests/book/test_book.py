"""The HTML book builds from the stored notebook outputs with warnings as errors (the `built_book`
fixture, tests/conftest.py); every page of the table of contents is there with its outputs,
explorers, launch and download buttons; every internal link and anchor resolves; the pages name no
CDN. What the pages do in a browser: book/test_browser.py."""

from __future__ import annotations

import re
from html import unescape

import pytest

from course_lib.authoring.book import broken_links, launch_links, toc_pages
from course_lib.authoring.book_assets import PACKAGES, served_path
from course_lib.authoring.notebooks import repository_url, setup_cell_source

PAGES = toc_pages()
NOTEBOOK_PAGES = [p for p in PAGES if p.is_notebook]
CHAPTER_PAGES = [p for p in NOTEBOOK_PAGES if p.entry.startswith("chapters/")]


def _ids(pages):
    return [p.entry for p in pages]


def test_every_toc_entry_is_a_page(built_book):
    for page in PAGES:
        assert (built_book / page.html).is_file(), f"{page.entry} missing from the built book"
    assert (built_book / "index.html").is_file()
    assert CHAPTER_PAGES, "the table of contents lists no chapter"


@pytest.mark.parametrize("page", CHAPTER_PAGES, ids=_ids(CHAPTER_PAGES))
def test_chapter_page_shows_stored_outputs_and_a_kernel_free_explorer(built_book, page):
    html = (built_book / page.html).read_text(encoding="utf-8")
    assert "cell_output" in html, f"{page.entry}: no stored outputs rendered"
    assert re.search(r'<input[^>]+type="range"', html), f"{page.entry}: no kernel-free explorer"
    assert "data:image/png;base64," in html


@pytest.mark.parametrize("page", NOTEBOOK_PAGES, ids=_ids(NOTEBOOK_PAGES))
def test_notebook_page_has_launch_and_download_buttons(built_book, page):
    """Colab and Binder open this page's notebook in the configured repository; the download
    button serves the notebook itself; the page shows the setup cell that installs course_lib."""
    html = (built_book / page.html).read_text(encoding="utf-8")
    for name, url in launch_links(page.entry).items():
        assert f'href="{url}"' in html, f"{page.entry}: no {name} launch button to {url}"
    depth = page.entry.count("/")
    download = "../" * depth + f"_sources/{page.entry}.ipynb"
    assert f'href="{download}"' in html, f"{page.entry}: no download button for the notebook"
    served = built_book / "_sources" / f"{page.entry}.ipynb"
    assert served.read_bytes() == page.source.read_bytes(), "the download is not the notebook"
    text = unescape(re.sub(r"<[^>]+>", "", html))
    install = setup_cell_source(repository_url()).splitlines()[-1].strip()  # %pip install ...
    assert install in text, f"{page.entry}: no setup cell installing course_lib in Colab"


def test_internal_links_and_anchors_resolve(built_book):
    problems = broken_links(built_book)
    assert not problems, "broken internal links:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_page_loads_scripts_from_the_book_not_a_cdn(built_book, page):
    """MathJax, RequireJS and the widget manager come from _static/offline/ (fetched from npm at
    build time); no <script src> or stylesheet points outside the book."""
    html = (built_book / page.html).read_text(encoding="utf-8")
    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="((?:https?:)?//[^"]+)"', html)
    assert not external, f"{page.entry} loads from outside the book: {external}"
    for package in PACKAGES:
        if package.name == "mathjax" and 'class="math' not in html:
            continue
        if package.name != "mathjax" and "widget-state+json" not in html:
            continue
        assert served_path(package) in html, f"{page.entry} does not load {package.label}"
        assert (built_book / served_path(package)).is_file()
