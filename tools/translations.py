"""The Korean edition's message catalogs: one `.po` file per page under locale/ko/LC_MESSAGES,
refreshed from the English prose with Sphinx's gettext builder and `sphinx-intl update`.

    python -m tools.translations refresh   # re-extract, update every catalog, then the report
    python -m tools.translations report    # per page: messages, new, translated, fuzzy, missing

A message counts as translated when it has a msgstr and is not fuzzy; one whose msgid has no
Latin letter (a number, a formula of symbols, Korean already) counts as translated even with an
empty msgstr, since there is nothing to translate (translators copy such msgids anyway).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from .book import toc_pages
from .korean_book import LANGUAGE, sphinx_build
from .notebooks import ROOT

__all__ = ["LANGUAGE", "PageCounts", "catalog_of", "load_catalog", "page_counts", "translated"]

LOCALE = ROOT / "locale"
CATALOGS = LOCALE / LANGUAGE / "LC_MESSAGES"
POT_DIR = ROOT / "_build" / "gettext"
LATIN = re.compile(r"[A-Za-z]")


def catalog_of(entry: str) -> Path:
    """The catalog of the page `entry` (as _toc.yml names it, e.g. chapters/03_convolution)."""
    return CATALOGS / f"{entry}.po"


def load_catalog(path: Path) -> Catalog:
    with Path(path).open("rb") as f:
        return read_po(f, locale=LANGUAGE)


def translated(message) -> bool:
    """A real message (not the header) whose translation the Korean book will use."""
    if message.fuzzy:
        return False
    return bool(message.string) or not LATIN.search(str(message.id))


@dataclass(frozen=True)
class PageCounts:
    page: str
    total: int
    translated: int
    fuzzy: int
    new: int = 0  # messages not in the catalog before this refresh

    @property
    def untranslated(self) -> int:
        return self.total - self.translated - self.fuzzy

    @property
    def share(self) -> float:
        return self.translated / self.total if self.total else 1.0


def _messages(catalog: Catalog) -> list:
    return [m for m in catalog if m.id]


def page_counts(entry: str, before: set[str] | None = None) -> PageCounts:
    """Counts for one page; `before`: the msgids its catalog held before a refresh."""
    messages = _messages(load_catalog(catalog_of(entry)))
    return PageCounts(
        page=entry, total=len(messages),
        translated=sum(translated(m) for m in messages),
        fuzzy=sum(bool(m.fuzzy) for m in messages),
        new=0 if before is None else sum(str(m.id) not in before for m in messages))


def _msgids() -> dict[str, set[str]]:
    ids = {}
    for page in toc_pages():
        path = catalog_of(page.entry)
        ids[page.entry] = ({str(m.id) for m in _messages(load_catalog(path))}
                           if path.is_file() else set())
    return ids


def refresh() -> dict[str, set[str]]:
    """Re-extract the English messages (gettext build) and merge them into every catalog.

    `sphinx-intl update` keeps translations, marks near matches of changed prose fuzzy, adds new
    messages empty and moves vanished ones to obsolete (#~) entries. Returns the msgids before.
    """
    before = _msgids()
    if sphinx_build(POT_DIR, ROOT / "_build" / ".doctrees-gettext", "gettext", quiet=True):
        raise SystemExit("the gettext build failed (see above)")
    subprocess.run([str(Path(sys.executable).parent / "sphinx-intl"), "update", "-p",
                    str(POT_DIR), "-l", LANGUAGE, "-d", str(LOCALE)],
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return before


def report(before: dict[str, set[str]] | None = None, threshold: float = 0.95) -> int:
    """Print the per-page table; return how many pages fall below `threshold` or lack a catalog."""
    print(f"{'page':<46}{'msgs':>6}{'new':>6}{'done':>6}{'fuzzy':>7}{'missing':>9}{'share':>8}")
    short = 0
    for page in toc_pages():
        if not catalog_of(page.entry).is_file():
            print(f"{page.entry:<46}  no catalog ({catalog_of(page.entry).relative_to(ROOT)})")
            short += 1
            continue
        c = page_counts(page.entry, None if before is None else before.get(page.entry, set()))
        flag = "" if c.share >= threshold else "  <"
        short += bool(flag)
        new = "-" if before is None else str(c.new)
        print(f"{c.page:<46}{c.total:>6}{new:>6}{c.translated:>6}{c.fuzzy:>7}"
              f"{c.untranslated:>9}{c.share:>8.0%}{flag}")
    print(f"{short} pages below {threshold:.0%} translated (fuzzy counts as not translated)"
          if short else f"every page is at least {threshold:.0%} translated")
    return short


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["refresh", "report"])
    args = parser.parse_args(argv)
    before = refresh() if args.command == "refresh" else None
    report(before)
    return 0  # a report, not a gate: the tests fail pages below the threshold


if __name__ == "__main__":
    sys.exit(main())
