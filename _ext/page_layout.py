"""Sphinx extension: the book on narrow screens (listed in `_config.yml`, local_extensions).

- `static/phone-menu.js`: the chapter menu (☰) opens on phones. sphinx-book-theme 1.3 adds its own
  `.primary-toggle` button beside pydata-sphinx-theme 0.17's, which is the only one the theme wires
  to the phone menu (pydata-sphinx-theme#2451); the script forwards narrow-screen clicks to it.
- `static/course-book.css`: long inline code and formulas wrap or scroll in place, so no page
  scrolls sideways; kernel-free explorer frames keep a legible size and scroll inside their frame.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

STATIC = Path(__file__).resolve().parent / "static"


def _add_static_path(app: Sphinx, config: Config) -> None:
    if str(STATIC) not in map(str, config.html_static_path):
        config.html_static_path = [*config.html_static_path, str(STATIC)]


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _add_static_path)
    app.add_css_file("course-book.css")
    app.add_js_file("phone-menu.js", loading_method="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
