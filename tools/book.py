"""The built HTML book as the tests see it: which pages the table of contents lists, the launch and
download links a notebook page must offer, and a check of every internal link and anchor.

Everything is derived from `_toc.yml` and `_config.yml`, so a chapter added to the table of
contents is checked without editing any test.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from .notebooks import ROOT

__all__ = ["TocPage", "broken_links", "launch_links", "toc_pages"]

# Attributes that point at another file or anchor, per tag.
LINK_ATTRIBUTES = {"a": "href", "link": "href", "area": "href", "script": "src", "img": "src",
                   "iframe": "src", "source": "src", "video": "src", "audio": "src"}


@dataclass(frozen=True)
class TocPage:
    """One page of the book: `entry` as written in _toc.yml (no suffix), its source file."""

    entry: str
    source: Path

    @property
    def html(self) -> str:
        """Path of the built page, relative to the book's root."""
        return f"{self.entry}.html"

    @property
    def is_notebook(self) -> bool:
        return self.source.suffix == ".ipynb"


def _source(root: Path, entry: str) -> Path:
    for suffix in (".ipynb", ".md", ".rst"):
        if (root / f"{entry}{suffix}").is_file():
            return root / f"{entry}{suffix}"
    raise FileNotFoundError(f"_toc.yml lists {entry!r} but there is no {entry}.ipynb or .md")


def _entries(items: list[dict]) -> list[str]:
    found: list[str] = []
    for item in items or []:
        if "file" in item:
            found.append(item["file"])
        found += _entries(item.get("sections", []))
    return found


def toc_pages(root: Path = ROOT) -> list[TocPage]:
    """Every page the table of contents lists, root page first, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    entries = [toc["root"]]
    for part in toc.get("parts", []):
        entries += _entries(part.get("chapters", []))
    entries += _entries(toc.get("chapters", []))
    entries = [str(Path(e).with_suffix("")) if Path(e).suffix in (".ipynb", ".md") else e
               for e in entries]
    return [TocPage(e, _source(root, e)) for e in entries]


def launch_links(entry: str, root: Path = ROOT) -> dict[str, str]:
    """The Colab and Binder URLs a notebook page must link to, from `_config.yml`.

    Both open the notebook of the configured repository, branch and book path.
    """
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    url = repo["url"].rstrip("/")
    if "github.com/" not in url:
        raise ValueError(f"repository.url must be a GitHub URL, got {url!r}")
    org_repo = url.split("github.com/", 1)[1]
    branch = repo.get("branch", "main")
    path = posixpath.join(repo.get("path_to_book", "") or "", f"{entry}.ipynb")
    buttons = config.get("launch_buttons", {})
    interface = "lab/tree/" if buttons.get("notebook_interface") == "jupyterlab" else "tree/"
    return {
        "colab": f"{buttons['colab_url'].rstrip('/')}/github/{org_repo}/blob/{branch}/{path}",
        "binder": f"{buttons['binderhub_url'].rstrip('/')}/v2/gh/{org_repo}/{branch}"
                  f"?urlpath={interface}{path}",
    }


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(values[key] or "")
        url = values.get(LINK_ATTRIBUTES.get(tag, ""))
        if url is not None:
            self.links.append((tag, url))


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8", errors="replace"))
    return collector


def broken_links(html_dir: Path) -> list[str]:
    """Every internal link of the built book that does not resolve, as 'page: tag url (why)'.

    Checks each href/src of every page (not the third-party files under _static): relative paths
    must name a file inside the book, and a #fragment must be an id (or <a name>) in its target.
    Links with a scheme (https:, mailto:, data:, ...) are left alone: they are not the book's.
    """
    html_dir = html_dir.resolve()
    pages = sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.relative_to(
        html_dir).parts)
    parsed: dict[Path, _Collector] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path].ids

    problems = []
    for page in pages:
        rel_page = page.relative_to(html_dir).as_posix()
        ids_of(page)
        for tag, url in parsed[page].links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//") or url in ("", "#"):
                continue
            if parts.path:
                target_rel = posixpath.normpath(
                    posixpath.join(posixpath.dirname(rel_page), unquote(parts.path)))
                target = (html_dir / target_rel).resolve()
                if target.is_dir():
                    target = target / "index.html"
                if html_dir not in target.parents or not target.is_file():
                    problems.append(f"{rel_page}: <{tag}> {url} (no such file in the book)")
                    continue
            else:
                target = page
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in ids_of(target):
                problems.append(f"{rel_page}: <{tag}> {url} (no id {fragment!r} in the target)")
    return problems
