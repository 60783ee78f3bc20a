"""Sphinx extension: a link on every page to the same page in the other language (listed in
`_config.yml`, local_extensions). The English book is the root of _build/html and the Korean
one its `ko/` folder (`make book` builds both: tools/korean_book.py), so the link is a relative
path that works from a web server and from file:// alike.

The Korean book's title is the translation of the English one where a page's catalog has it (the
front page's heading). The Korean pages also get the theme labels no installed catalog translates
(`locale/ko/LC_MESSAGES/*.po` beside this file, one per message domain: `sphinx` for Sphinx and
pydata-sphinx-theme, which ships no Korean; `booktheme` for sphinx-book-theme's missing labels),
and, once the pages are written, the few labels the themes hard-code in English
(HARD_CODED_LABELS).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import partial
from gettext import GNUTranslations
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.locale import get_translation

HERE = Path(__file__).resolve().parent
TEMPLATE = "language-switch.html"
# language -> (its name in itself, its folder under the English book's root, a phone's label)
LANGUAGES = {"en": ("English", "", "EN"), "ko": ("한국어", "ko/", "한국어")}
THEME_CATALOGS = HERE / "locale"


def language_of(config: Config) -> str:
    return "ko" if (config.language or "en").startswith("ko") else "en"


def counterpart(pagename: str, language: str) -> tuple[str, str]:
    """(the other language, the relative URL of `pagename` in it) from the page `pagename`."""
    other = "en" if language == "ko" else "ko"
    up = "../" * pagename.count("/") + ("../" if language == "ko" else "")
    return other, f"{up}{LANGUAGES[other][1]}{pagename}.html"


def _configure(app: Sphinx, config: Config) -> None:
    templates = str(HERE / "templates")
    if templates not in map(str, config.templates_path):
        config.templates_path = [*config.templates_path, templates]
    options = dict(config.html_theme_options or {})
    end = options.get("article_header_end", ["article-header-buttons.html"])
    end = [end] if isinstance(end, str) else list(end)
    options["article_header_end"] = [TEMPLATE, *[e for e in end if e != TEMPLATE]]
    config.html_theme_options = options
    if language_of(config) != "en":
        config.html_title = _translated(app, config, config.html_title)


def _translated(app: Sphinx, config: Config, text: str) -> str:
    """`text` as the first page catalog (locale_dirs) that translates it has it, else `text`."""
    for locale_dir in config.locale_dirs:
        for po in sorted((Path(app.srcdir) / locale_dir / config.language).rglob("*.po")):
            with po.open("rb") as f:
                message = read_po(f, locale=config.language).get(text)
            if message is not None and message.string and not message.fuzzy:
                return message.string
    return text


def _theme_catalogs(app: Sphinx) -> GNUTranslations | None:
    """Compile this extension's catalogs for the build's language; add each to its domain.

    Added after the installed ones, they only fill what those leave untranslated; in templates,
    the book theme's `translate` asks ours first (its Korean "By" reads "으로").
    """
    language = language_of(app.config)
    compiled = Path(app.doctreedir) / "language_switch_locale"
    for po in sorted((THEME_CATALOGS / language / "LC_MESSAGES").glob("*.po")):
        mo = compiled / language / "LC_MESSAGES" / f"{po.stem}.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as source, mo.open("wb") as target:
            write_mo(target, read_po(source, locale=language))
        app.add_message_catalog(po.stem, str(compiled))
    booktheme = compiled / language / "LC_MESSAGES" / "booktheme.mo"
    if not booktheme.is_file():
        return None
    with booktheme.open("rb") as f:
        return GNUTranslations(f)


def _switch(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    other, href = counterpart(pagename, language_of(app.config))
    context["language_switch"] = {"href": href, "lang": other, "label": LANGUAGES[other][0],
                                  "short": LANGUAGES[other][2]}


def _labels(app: Sphinx, pagename: str, templatename: str, context: dict, doctree,
            first: GNUTranslations | None = None) -> None:
    if first is not None and "translate" in context:
        theirs = context["translate"]
        context["translate"] = lambda text: (
            first.gettext(text) if first.gettext(text) != text else theirs(text))
    if "theme_search_bar_text" in context:  # Jupyter Book sets it, untranslated
        context["theme_search_bar_text"] = get_translation("booktheme")(
            context["theme_search_bar_text"])


# Attribute labels the themes write as literal English (no translate() around them): the
# sidebar toggles' tooltips (sphinx-book-theme), its navigation landmarks, and the label of
# myst-nb's hidden-input toggle, and the buttons of the course's frame player in the stored
# outputs (course_lib.explorers.frames; outputs are not translated). Their Korean is in
# booktheme.po like the other theme labels; the pages of a translated book get it after writing.
HARD_CODED_LABELS = (
    ("title", "Toggle primary sidebar"),
    ("title", "Toggle secondary sidebar"),
    ("aria-label", "Main"),
    ("aria-label", "Page"),
    ("aria-label", "Toggle hidden content"),
    ("aria-label", "previous"),
    ("aria-label", "frame"),
    ("aria-label", "next"),
)


def translate_hard_coded_labels(text: str, gettext: Callable[[str], str]) -> str:
    """`text` (a page's HTML) with each of HARD_CODED_LABELS as `gettext` translates it."""
    for attribute, label in HARD_CODED_LABELS:
        translated = gettext(label)
        if translated != label:
            text = text.replace(f'{attribute}="{label}"',
                                f'{attribute}="{html.escape(translated, quote=True)}"')
    return text


def _labels_in_pages(app: Sphinx, exception: Exception | None,
                     first: GNUTranslations | None = None) -> None:
    if exception is not None or first is None or language_of(app.config) == "en":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        translated = translate_hard_coded_labels(text, first.gettext)
        if translated != text:
            page.write_text(translated, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _configure)
    # The switch before pydata-sphinx-theme renders the header's components (priority 500); the
    # labels after the book theme sets the `translate` they wrap (500-501).
    app.connect("html-page-context", _switch, priority=400)
    first = _theme_catalogs(app)
    app.connect("html-page-context", partial(_labels, first=first), priority=600)
    app.connect("build-finished", partial(_labels_in_pages, first=first))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
