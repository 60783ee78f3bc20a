"""The publish check's verdicts on made-up inputs (the check itself, `make publish-check`, builds
a Colab-like environment and runs every chapter: minutes, so not part of the test suite)."""

from __future__ import annotations

import nbformat

from course_lib.explorers.widgets import LIVE_EXPLORER_KEY, LIVE_NOTE
from tools.publish_check import STATE, VIEW, changed, live_explorers


def test_changed_lists_upgrades_downgrades_and_removals_not_additions():
    before = {"ipykernel": "6.17.1", "ipywidgets": "7.7.1", "numpy": "2.0.2", "tqdm": "4.67.1"}
    after = {"ipykernel": "7.4.0", "ipywidgets": "7.7.1", "numpy": "1.26.4", "course-lib": "0.1"}
    assert changed(before, after) == {"ipykernel": ("6.17.1", "7.4.0"),
                                      "numpy": ("2.0.2", "1.26.4"), "tqdm": ("4.67.1", "removed")}
    assert changed(before, {**before, "course-lib": "0.1"}) == {}


def _explorer_notebook(figure: bool, in_state: bool = True) -> nbformat.NotebookNode:
    out = nbformat.v4.new_output("display_data", data={
        VIEW: {"version_major": 2, "version_minor": 0, "model_id": "box"}, "text/plain": LIVE_NOTE},
        metadata={LIVE_EXPLORER_KEY: True})
    outputs = [{"output_type": "display_data", "data": {"image/png": "iVBOR"}, "metadata": {}}]
    state = {"box": {"model_name": "VBoxModel",
                     "state": {"children": ["IPY_MODEL_controls", "IPY_MODEL_out"]}},
             "controls": {"model_name": "HBoxModel", "state": {"children": []}},
             "out": {"model_name": "OutputModel", "state": {"outputs": outputs if figure else []}}}
    if not in_state:
        del state["box"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x()", outputs=[out])])
    nb.metadata["widgets"] = {STATE: {"state": state, "version_major": 2, "version_minor": 0}}
    return nb


def test_a_live_explorer_renders_when_its_output_holds_a_figure():
    assert live_explorers(_explorer_notebook(figure=True)) == (1, [])
    count, problems = live_explorers(_explorer_notebook(figure=False))
    assert count == 1 and "shows no figure" in problems[0]
    count, problems = live_explorers(_explorer_notebook(figure=True, in_state=False))
    assert count == 1 and "not in the widget state" in problems[0]
    assert live_explorers(nbformat.v4.new_notebook()) == (0, [])
