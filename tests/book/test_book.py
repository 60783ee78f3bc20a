"""The HTML book builds from the stored notebook outputs with warnings as errors (the `built_book`
fixture, tests/conftest.py); every page of the table of contents is there, in English and in
Korean (`ko/`), with its outputs, explorers, launch and download buttons, no setup cell and no
live (kernel-bound) explorer; every internal link and anchor resolves (both languages); the
pages name no CDN. In a browser: book/test_browser.py."""

from __future__ import annotations

import importlib.util
import json
import re
from html import unescape
from pathlib import Path

import pytest

from course_lib.explorers.widgets import LIVE_EXPLORER_KEY, LIVE_NOTE
from tools.book import broken_links, launch_links, toc_pages
from tools.book_assets import PACKAGES, served_path

PAGES = toc_pages()
NOTEBOOK_PAGES = [p for p in PAGES if p.is_notebook]
CHAPTER_PAGES = [p for p in NOTEBOOK_PAGES if p.entry.startswith("chapters/")]


def _ids(pages):
    return [p.entry for p in pages]


# Each language's book: English at the root, Korean in ko/ (tools/korean_book.py).
LANGUAGE_FOLDERS = {"en": "", "ko": "ko"}


@pytest.fixture(params=list(LANGUAGE_FOLDERS))
def book(request, built_book):
    return built_book / LANGUAGE_FOLDERS[request.param]


def test_every_toc_entry_is_a_page(book):
    for page in PAGES:
        assert (book / page.html).is_file(), f"{page.entry} missing from {book.name}"
    assert (book / "index.html").is_file()
    assert CHAPTER_PAGES, "the table of contents lists no chapter"


@pytest.mark.parametrize("page", CHAPTER_PAGES, ids=_ids(CHAPTER_PAGES))
def test_chapter_page_shows_stored_outputs_and_a_kernel_free_explorer(book, page):
    html = (book / page.html).read_text(encoding="utf-8")
    assert "cell_output" in html, f"{page.entry}: no stored outputs rendered"
    assert re.search(r'<input[^>]+type="range"', html), f"{page.entry}: no kernel-free explorer"
    assert "data:image/png;base64," in html


@pytest.mark.parametrize("page", NOTEBOOK_PAGES, ids=_ids(NOTEBOOK_PAGES))
def test_notebook_page_has_launch_and_download_buttons(book, page):
    """Colab and Binder open this page's notebook in the configured repository; the download
    button serves the notebook itself, setup cell included; the page does not show that cell."""
    html = (book / page.html).read_text(encoding="utf-8")
    for name, url in launch_links(page.entry).items():
        assert f'href="{url}"' in html, f"{page.entry}: no {name} launch button to {url}"
    depth = page.entry.count("/")
    download = "../" * depth + f"_sources/{page.entry}.ipynb"
    assert f'href="{download}"' in html, f"{page.entry}: no download button for the notebook"
    served = book / "_sources" / f"{page.entry}.ipynb"
    assert served.read_bytes() == page.source.read_bytes(), "the download is not the notebook"
    text = unescape(re.sub(r"<[^>]+>", "", html))
    assert "REPOSITORY =" in served.read_text(encoding="utf-8")
    assert "REPOSITORY =" not in text and "ls-remote" not in text, (
        f"{page.entry}: the setup cell is shown (it must carry the remove-cell tag)")


def _live_explorer_models(page) -> list[str]:
    nb = json.loads(page.source.read_text(encoding="utf-8"))
    return [out["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
            for cell in nb["cells"] for out in cell.get("outputs", [])
            if out.get("metadata", {}).get(LIVE_EXPLORER_KEY)]


LIVE_PAGES = [p for p in CHAPTER_PAGES if _live_explorer_models(p)]


def test_some_chapters_have_live_explorers():
    assert LIVE_PAGES, "no chapter notebook stores a live explorer: is the marker still written?"


@pytest.mark.parametrize("page", LIVE_PAGES, ids=_ids(LIVE_PAGES))
def test_live_explorers_give_way_to_a_note_in_the_book(built_book, page):
    """No dead controls: the book has no kernel, so a live explorer is replaced by one line saying
    it needs one, and neither its view nor its saved models are in the page."""
    html = (built_book / page.html).read_text(encoding="utf-8")
    models = _live_explorer_models(page)
    assert unescape(html).count(LIVE_NOTE) == len(models), f"{page.entry}: the note is missing"
    for model in models:
        assert model not in html, f"{page.entry}: live explorer {model} is still in the page"


def test_internal_links_and_anchors_resolve(built_book):
    problems = broken_links(built_book)
    assert not problems, "broken internal links:\n" + "\n".join(problems[:40])


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_page_loads_scripts_from_the_book_not_a_cdn(book, page):
    """MathJax, RequireJS and the widget manager come from _static/offline/ (fetched from npm at
    build time); no <script src> or stylesheet points outside the book."""
    html = (book / page.html).read_text(encoding="utf-8")
    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="((?:https?:)?//[^"]+)"', html)
    assert not external, f"{page.entry} loads from outside the book: {external}"
    for package in PACKAGES:
        if package.name == "mathjax" and 'class="math' not in html:
            continue
        if package.name != "mathjax" and "widget-state+json" not in html:
            continue
        assert served_path(package) in html, f"{page.entry} does not load {package.label}"
        assert (book / served_path(package)).is_file()


def test_every_page_names_a_favicon_the_book_has(built_book):
    """Browsers ask for /favicon.ico unless the page names an icon: each page names one."""
    for page in PAGES:
        html = (built_book / page.html).read_text(encoding="utf-8")
        icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
        assert icon, f"{page.entry}: no favicon link"
        target = (built_book / page.html).parent / icon.group(1)
        assert target.resolve().is_file(), f"{page.entry}: favicon {icon.group(1)} missing"


def test_korean_pages_translate_the_labels_the_themes_hard_code(built_book):
    """The sidebar toggles' tooltips, the navigation landmarks and the hidden-input toggle are
    written in English by the themes; the Korean pages carry their Korean (booktheme.po)."""
    spec = importlib.util.spec_from_file_location(
        "language_switch", Path(__file__).resolve().parents[2] / "_ext" / "language_switch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    english = [f'{attribute}="{label}"' for attribute, label in module.HARD_CODED_LABELS]
    chapter = CHAPTER_PAGES[0].html
    assert all(label in (built_book / chapter).read_text(encoding="utf-8")
               for label in english[:4]), "the English pages no longer have these labels"
    left = {label for page in built_book.joinpath("ko").rglob("*.html")
            for label in english if label in page.read_text(encoding="utf-8")}
    assert not left, f"English labels on Korean pages: {sorted(left)}"
