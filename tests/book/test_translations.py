"""The Korean edition's catalogs (locale/ko/LC_MESSAGES, one per page of _toc.yml): every page has
one, at least 95% of its messages translated (fuzzy counts as not translated; a message with no
Latin letter counts as translated, see tools/translations.py), and the translated messages use
the glossary's Korean terms where the English uses them (tools/glossary_check.py).

Run after prose edits: `make translations` refreshes the catalogs and prints the same counts.
"""

from __future__ import annotations

import pytest

from tools.book import toc_pages
from tools.glossary_check import term_misses
from tools.translations import catalog_of, page_counts

PAGES = [p.entry for p in toc_pages()]
MIN_SHARE = 0.95


@pytest.mark.parametrize("entry", PAGES)
def test_page_is_translated(entry):
    assert catalog_of(entry).is_file(), f"{entry}: no catalog; run `make translations`"
    counts = page_counts(entry)
    assert counts.share >= MIN_SHARE, (
        f"{entry}: {counts.translated} of {counts.total} messages translated ({counts.share:.0%}, "
        f"needs {MIN_SHARE:.0%}); {counts.fuzzy} fuzzy, {counts.untranslated} untranslated "
        f"in {catalog_of(entry).name}")


@pytest.mark.parametrize("entry", PAGES)
def test_page_uses_the_glossary_terms(entry):
    assert catalog_of(entry).is_file(), f"{entry}: no catalog; run `make translations`"
    misses = term_misses(catalog_of(entry))
    assert not misses, f"{entry}: {len(misses)} glossary terms not used:\n  " + "\n  ".join(
        map(str, misses[:15]))


def test_glossary_english_column_stays_english():
    """Sphinx keeps one translation per message: a glossary term that also appears elsewhere on
    chapter 13 with a Korean translation (say a table cell "convolution") would put Korean into
    the glossary's English column. Every English term must translate to itself."""
    from babel.messages.pofile import read_po

    from course_lib.glossary import GLOSSARY

    path = catalog_of("chapters/13_summary_glossary")
    with path.open("rb") as f:
        catalog = read_po(f)
    wrong = []
    for term in GLOSSARY:
        message = catalog.get(term.en.replace("|", "\\|"))
        if message is not None and message.string not in ("", message.id):
            wrong.append(f"{term.en!r} -> {message.string!r}")
    assert not wrong, "English glossary terms translated on the Korean page:\n  " + "\n  ".join(
        wrong)
