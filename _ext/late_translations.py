"""Sphinx extension: the translations Sphinx's own transform (sphinx.transforms.i18n.Locale)
leaves out, applied after it and after sphinx-external-toc inserts the table of contents.

- A translation that begins with a number and a full stop ("3. 합성곱과 소벨 필터"): Sphinx parses
  each translation as Markdown and keeps it only when it reads as one paragraph, so a numbered
  heading reads as a list and is dropped. Here it is parsed with its number escaped ("3\\. ...").
- The captions of the table of contents (Chapters, Exercises): extracted into the front page's
  catalog, but inserted into the page (priority 100) after Sphinx translates it (priority 20).
"""

from __future__ import annotations

import re
from os import path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.transforms.i18n import publish_msgstr
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

LIST_START = re.compile(r"^(\s*\d+)([.)])(\s)")


class LateTranslations(SphinxTransform):
    # after Locale (20) and sphinx_external_toc's InsertToctrees (100), before doctree-read (880)
    default_priority = 101

    def apply(self, **kwargs: Any) -> None:
        if not self.config.language or self.config.language == "en":
            return
        domain = docname_to_domain(self.env.docname, self.config.gettext_compact)
        dirs = [path.join(self.env.srcdir, d) for d in self.config.locale_dirs]
        catalog, has_catalog = init_locale(dirs, self.config.language, domain)
        if not has_catalog:
            return
        settings, source = self.document.settings, self.document["source"]
        for node, msg in extract_messages(self.document):
            if node.get("translated"):
                continue
            msgstr = catalog.gettext(msg)
            if msgstr == msg or not LIST_START.match(msgstr):
                continue
            patch = publish_msgstr(self.app, LIST_START.sub(r"\1\\\2\3", msgstr, count=1),
                                   source, node.line, self.config, settings)
            if isinstance(patch, nodes.paragraph):
                node.children = []
                node += patch.children
                node["translated"] = True
        for toctree in self.document.findall(addnodes.toctree):
            caption = toctree.get("caption")
            if caption and catalog.gettext(caption) != caption:
                toctree["caption"] = toctree["rawcaption"] = catalog.gettext(caption)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(LateTranslations)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
