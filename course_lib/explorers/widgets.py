"""The live form of an explorer: ipywidgets controls that re-run a pure `render(**params) -> Figure`
and show the result as a PNG in an `ipywidgets.Output`. ipywidgets is imported only when an explorer
is built, so the library imports without it and without a display. Kernel-free form: `frames.py`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure

from .frames import figure_to_png

__all__ = ["LIVE_EXPLORER_KEY", "LIVE_NOTE", "Explorer", "interactive_explorer"]

# What a live explorer's output says wherever its widgets cannot run (a notebook not yet run, the
# static book), and the output metadata that marks it, so the book can drop the dead widget view.
LIVE_NOTE = ("Live explorer: it needs a running Python kernel. Run this cell in JupyterLab, Colab "
             "or Binder to use its controls.")
LIVE_EXPLORER_KEY = "course_lib_live_explorer"


@dataclass
class Explorer:
    """Controls plus the output they drive; displaying it shows the whole widget box."""

    render: Callable[..., Figure]  # the pure render function
    controls: dict[str, Any]  # parameter name -> ipywidgets control (its .value is passed)
    output: Any  # ipywidgets.Output holding the current figure as a PNG
    widget: Any  # the ipywidgets box that is displayed (controls above the output)
    fixed: dict[str, Any] = field(default_factory=dict)  # parameters passed unchanged every time
    dpi: float = 80  # resolution of the displayed PNG

    def params(self) -> dict[str, Any]:
        return {**self.fixed, **{name: c.value for name, c in self.controls.items()}}

    def update(self, change: Any = None) -> None:
        """Re-render with the current control values and replace what the output shows.

        The output's `outputs` are set directly (not `with output: display(...)`), so it also
        works where no kernel captures output (tests, voila pre-rendering). A user mistake
        (say, a custom kernel larger than the image) is shown as one line, not a traceback.
        """
        try:
            fig = self.render(**self.params())
        except ValueError as err:
            data = {"text/plain": f"⚠ {err}"}
        else:
            png = figure_to_png(fig, dpi=self.dpi, palette=False)  # no quantizing: speed matters
            data = {"image/png": base64.b64encode(png).decode("ascii"),
                    "text/plain": f"<Figure with {len(fig.axes)} Axes>"}
            # The Figure is not registered with pyplot, so dropping it frees it: nothing to close.
        self.output.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)

    def _ipython_display_(self) -> None:
        """Show the widget box through IPython's display, the same way with ipywidgets 7 and 8.

        Its plain-text form is LIVE_NOTE, not the box's `VBox(children=...)` repr, so a frontend
        that cannot draw the widget (a notebook opened before running it) shows that sentence.
        """
        from IPython.display import display

        view = {"version_major": 2, "version_minor": 0, "model_id": self.widget.model_id}
        display({"application/vnd.jupyter.widget-view+json": view, "text/plain": LIVE_NOTE},
                raw=True, metadata={LIVE_EXPLORER_KEY: True})


def interactive_explorer(
    render: Callable[..., Figure],
    dpi: float = 80,
    fixed: Mapping[str, Any] | None = None,
    **controls: Any,
) -> Explorer:
    """A live explorer: one control per keyword in `controls`, `render` re-run on every change.

    Each control is an ipywidgets widget, or an `interact`-style abbreviation: (min, max, step)
    for a slider, a list for a dropdown, a bool for a checkbox. `fixed` holds parameters that
    are not controls (the image, say). Example::

        interactive_explorer(render_conv_step, fixed={"image": x, "kernel": k},
                             step=(0, 8, 1), stride=(1, 2, 1))
    """
    import ipywidgets as widgets  # only here: importing the library needs no widget stack

    built = {}
    for name, abbrev in controls.items():
        control = widgets.interactive.widget_from_abbrev(abbrev)
        if control is None or isinstance(control, widgets.fixed):
            raise ValueError(f"cannot make a control for {name}={abbrev!r}: pass a widget, "
                             "(min, max, step), a list of choices, or put it in fixed=")
        if not control.description:
            control.description = name
        built[name] = control
    output = widgets.Output()
    box = widgets.VBox([widgets.HBox(list(built.values()),
                                     layout=widgets.Layout(flex_flow="row wrap")), output])
    explorer = Explorer(render, built, output, box, dict(fixed or {}), dpi)
    for control in built.values():
        control.observe(explorer.update, names="value")
    explorer.update()
    return explorer
