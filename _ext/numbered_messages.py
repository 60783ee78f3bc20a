"""Sphinx extension: translated messages that begin with a number and a full stop are used.

Sphinx parses each translation as Markdown and keeps it only when it reads as one paragraph, so a
translated numbered heading ("3. 합성곱과 소벨 필터", "1. 층마다 모양") reads as a list and is
dropped: the Korean page would keep the English heading. This transform, run right after Sphinx's
(sphinx.transforms.i18n.Locale), parses such a translation with its number escaped ("3\\. ...").
"""

from __future__ import annotations

import re
from os import path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.transforms.i18n import publish_msgstr
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

LIST_START = re.compile(r"^(\s*\d+)([.)])(\s)")


class NumberedMessages(SphinxTransform):
    default_priority = 21  # after sphinx.transforms.i18n.Locale (20)

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


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(NumberedMessages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
