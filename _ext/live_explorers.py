"""Sphinx extension: no dead controls in the book (listed in `_config.yml`, local_extensions).

A live explorer (course_lib.explorers.widgets.Explorer) drawn from its saved widget state would show
sliders that move but redraw nothing: the book has no kernel. Before myst-nb reads a notebook, this
drops the widget view of every output marked as a live explorer, so the page shows the output's
text instead (LIVE_NOTE: the live version needs a running kernel) under the kernel-free explorer,
and removes from the saved widget state the models only those views used. Other widgets (tqdm's
progress bars) stay as they are. The notebook file itself, and its download, are unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from sphinx.application import Sphinx

from course_lib.explorers.widgets import LIVE_EXPLORER_KEY

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
_MODEL_REF = re.compile(r"IPY_MODEL_([0-9A-Za-z_-]+)")


def _reachable(state: dict[str, Any], roots: Iterable[str]) -> set[str]:
    """The models `roots` show, with every model they refer to (children, layout, style, ...)."""
    seen: set[str] = set()
    todo = [r for r in roots if r in state]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        refs = _MODEL_REF.findall(json.dumps(state[model].get("state", {})))
        todo += [r for r in refs if r in state and r not in seen]
    return seen


def drop_live_views(nb: dict[str, Any]) -> int:
    """Remove the widget views of live-explorer outputs (and their unshared models) from `nb`.

    The output keeps its text, shown as an italic line. Returns how many views were dropped.
    """
    dropped, kept = [], []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) or []:
            data = out.get("data") or {}
            if VIEW not in data:
                continue
            if (out.get("metadata") or {}).get(LIVE_EXPLORER_KEY):
                dropped.append(data.pop(VIEW).get("model_id"))
                text = data.get("text/plain", "")
                text = "".join(text) if isinstance(text, list) else text
                data["text/markdown"] = f"*{text.strip()}*"
            else:
                kept.append(data[VIEW].get("model_id"))
    widgets = nb.get("metadata", {}).get("widgets", {})
    state = widgets.get(STATE, {}).get("state")
    if dropped and isinstance(state, dict):
        for model in _reachable(state, dropped) - _reachable(state, kept):
            del state[model]
        if not state:
            del widgets[STATE]
    return len(dropped)


def _on_source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    try:
        nb = json.loads(source[0])
    except ValueError:
        return  # not JSON (a text notebook): nothing saved to drop
    if drop_live_views(nb):
        source[0] = json.dumps(nb)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("source-read", _on_source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
