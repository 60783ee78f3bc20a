"""Sphinx extension for the course book (listed in `_config.yml` under sphinx.local_extensions).

- Serves `static/offline-widgets.js`, which lets the ipywidgets HTML manager run offline in the
  book (see the file), as `_static/offline-widgets.js`.
- Stops the build at once, with the command that fixes it, when a JavaScript file the pages load
  from the book itself (MathJax, the widget manager) is missing: they are fetched from the npm
  registry by `make book-assets`, never committed.
- Drops duplicate <script> elements: Sphinx 7 emits an inline script added after the builder
  starts twice (fixed upstream in sphinx-doc/sphinx#13402, Sphinx 8.2, which Jupyter Book 1 cannot
  use), and sphinx-thebe's `const THEBE_JS_URL` then throws "already been declared" on every page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

STATIC = Path(__file__).resolve().parent / "static"
FETCH_COMMAND = "make book-assets  (or: python -m tools.book_assets)"


def _add_static_path(app: Sphinx, config: Config) -> None:
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def _local_scripts(config: Config) -> list[str]:
    scripts = [config.mathjax_path, *getattr(config, "nb_ipywidgets_js", {})]
    return [s for s in scripts if s and "://" not in s and not s.startswith("//")]


def _check_local_scripts(app: Sphinx, config: Config) -> None:
    """Every script path relative to _static must exist in a static or extra path."""
    confdir = Path(app.confdir)
    roots = [confdir / p for p in config.html_static_path]
    roots += [confdir / p / "_static" for p in config.html_extra_path]
    missing = [s for s in _local_scripts(config) if not any((r / s).is_file() for r in roots)]
    if missing:
        raise ConfigError(
            "the book serves these scripts itself but they are not there: "
            + ", ".join(missing) + f"\nFetch them from the npm registry: {FETCH_COMMAND}"
        )


def _drop_duplicate_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    unique = []
    for js in scripts:
        attributes = getattr(js, "attributes", {})
        key = (getattr(js, "filename", None) or "",
               tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _add_static_path)
    app.connect("config-inited", _check_local_scripts, priority=900)
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
