"""The kernel-free form of an explorer: figures pre-rendered to PNG and stepped in the browser by a
small self-contained JavaScript slider (no external script, no CDN, no require.js), so the static
HTML book stays interactive with no kernel, even opened from disk. Live widgets: `widgets.py`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from string import Template
from typing import Any

from matplotlib.figure import Figure

__all__ = ["StaticSlider", "explorer_html", "figure_to_png", "static_slider"]

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def figure_to_png(fig: Figure, dpi: float = 72, palette: bool = True) -> bytes:
    """Render `fig` to PNG bytes at `dpi`.

    `palette=True` stores it as an 8-bit palette PNG: plots use few colours, so this keeps them
    intact and makes frames 2-3× smaller than RGBA (they are embedded many times in a page).
    The 'Software' tag is dropped so the bytes do not change with the matplotlib version.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    if not palette:
        return buf.getvalue()
    from PIL import Image  # Pillow is a matplotlib dependency

    buf.seek(0)
    img = Image.open(buf).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


@dataclass
class StaticSlider:
    """PNG frames with one label each, shown in HTML as an image stepped by a slider.

    Displaying it in a notebook gives a `<div>` with the first frame, a range input, ◀/▶ buttons,
    a play/pause button and an inline script (kept inside an IIFE, no globals). Where scripts do
    not run (an untrusted notebook) the first frame shows with a line saying why, and no controls
    that would do nothing: the script shows them.
    """

    frames: list[bytes]  # PNG bytes of each frame, in slider order
    labels: list[str]  # text shown beside the slider for each frame
    title: str = ""  # heading above the image
    interval_ms: int = 800  # time per frame while playing
    uid: str = field(default="")  # HTML id; by default a hash of the content (stable diffs)

    def __post_init__(self) -> None:
        if not self.frames:
            raise ValueError("a StaticSlider needs at least one frame")
        if len(self.labels) != len(self.frames):
            raise ValueError(f"got {len(self.frames)} frames but {len(self.labels)} labels")
        for k, frame in enumerate(self.frames):
            if not bytes(frame[:8]) == PNG_MAGIC:
                raise ValueError(f"frame {k} is not PNG data (use figure_to_png on a Figure)")
        if not self.uid:
            h = hashlib.sha1(self.title.encode())
            for label, frame in zip(self.labels, self.frames, strict=True):
                h.update(label.encode())
                h.update(frame)
            self.uid = "cl-slider-" + h.hexdigest()[:12]

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def nbytes(self) -> int:
        """Total PNG bytes of all frames (the HTML is about 4/3 of this, base64)."""
        return sum(len(f) for f in self.frames)

    @property
    def bytes_per_frame(self) -> float:
        return self.nbytes / len(self.frames)

    def _repr_html_(self) -> str:
        uris = ["data:image/png;base64," + base64.b64encode(f).decode("ascii")
                for f in self.frames]
        head = (f'<div style="font-weight:600;margin-bottom:0.3em">{html.escape(self.title)}</div>'
                if self.title else "")
        return _HTML.substitute(
            uid=html.escape(self.uid), head=head, src0=uris[0], last=len(self.frames) - 1,
            count=len(self.frames),
            alt0=html.escape(f"{self.title or 'explorer'}: {self.labels[0]}"),
            label0=html.escape(self.labels[0]), interval=int(self.interval_ms),
            # Frame 0 lives only in the <img src> (the script reads it back), so no frame is
            # stored twice.
            rest=_js(uris[1:]), labels=_js(self.labels), alt=_js(self.title or "explorer"),
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self._repr_html_(), "text/plain": repr(self)}

    def __repr__(self) -> str:
        return (f"<StaticSlider {self.title!r}: {len(self)} frames, "
                f"{self.bytes_per_frame / 1024:.1f} KiB per frame (HTML slider; needs a browser)>")


def _js(value: Any) -> str:
    """A JSON literal for inline JavaScript; "</" is escaped so text can never end the <script>."""
    return json.dumps(value).replace("</", "<\\/")


# The page may hold several sliders, so everything sits in an IIFE (no globals) and is looked up
# under the slider's own root element.
_HTML = Template("""\
<div id="$uid" class="cl-slider" style="font-family:sans-serif;max-width:100%">
$head<img src="$src0" alt="$alt0" style="max-width:100%;height:auto;display:block">
<div data-role="hint" style="font-size:0.9em;opacity:0.75">Frame 1 of $count. Where scripts do
not run (an untrusted notebook: run this cell, or trust the notebook) only this frame shows.</div>
<div data-role="controls"
 style="display:none;align-items:center;gap:0.4em;flex-wrap:wrap;margin-top:0.3em">
<button type="button" data-act="play" style="min-width:4.5em">Play</button>
<button type="button" data-act="prev" aria-label="previous">&#9664;</button>
<input type="range" min="0" max="$last" step="1" value="0" aria-label="frame"
 style="flex:1 1 12em;min-width:8em">
<button type="button" data-act="next" aria-label="next">&#9654;</button>
<span data-role="label" style="min-width:10em">$label0</span>
</div>
<script>
(function () {
  var rest = $rest;
  var labels = $labels;
  // Each element with this id (the same content shown twice) gets its own handlers, once.
  var roots = document.querySelectorAll('[id="$uid"]');
  for (var r = 0; r < roots.length; r++) { setup(roots[r]); }
  function setup(root) {
    if (root.getAttribute("data-ready")) { return; }
    root.setAttribute("data-ready", "1");
    var img = root.querySelector("img");
    var range = root.querySelector('input[type="range"]');
    var label = root.querySelector('[data-role="label"]');
    var play = root.querySelector('[data-act="play"]');
    // The controls work only with this script: show them, and drop the line saying so.
    var hint = root.querySelector('[data-role="hint"]');
    if (hint && hint.parentNode) { hint.parentNode.removeChild(hint); }
    root.querySelector('[data-role="controls"]').style.display = "flex";
    var frames = [img.getAttribute("src")].concat(rest);
    var timer = null;
    function current() { return parseInt(range.value, 10); }
    function show(k) {
      k = ((k % frames.length) + frames.length) % frames.length;
      range.value = k;
      img.src = frames[k];
      img.alt = $alt + ": " + labels[k];
      label.textContent = labels[k] + "  (" + (k + 1) + "/" + frames.length + ")";
    }
    function stop() {
      if (timer) { clearInterval(timer); timer = null; }
      play.textContent = "Play";
    }
    range.addEventListener("input", function () { stop(); show(current()); });
    root.querySelector('[data-act="prev"]').addEventListener("click", function () {
      stop(); show(current() - 1);
    });
    root.querySelector('[data-act="next"]').addEventListener("click", function () {
      stop(); show(current() + 1);
    });
    play.addEventListener("click", function () {
      if (timer) { stop(); return; }
      if (current() === frames.length - 1) { show(0); }
      play.textContent = "Pause";
      timer = setInterval(function () { show(current() + 1); }, $interval);
    });
    show(0);
  }
})();
</script>
</div>""")


def static_slider(
    frames: Sequence[Figure | bytes],
    labels: Sequence[str],
    title: str = "",
    dpi: float = 72,
    interval_ms: int = 800,
) -> StaticSlider:
    """Wrap figures (rendered at `dpi`) or PNG bytes, one label each, into a `StaticSlider`."""
    pngs = [f if isinstance(f, bytes | bytearray) else figure_to_png(f, dpi=dpi) for f in frames]
    return StaticSlider([bytes(p) for p in pngs], [str(s) for s in labels], title, interval_ms)


def explorer_html(
    render: Callable[..., Figure],
    param_grid: Sequence[dict[str, Any]],
    label: Callable[[dict[str, Any]], str],
    title: str = "",
    dpi: float = 72,
    interval_ms: int = 800,
) -> StaticSlider:
    """The kernel-free form of an explorer: `render(**params)` for each params in `param_grid`,
    each frame labelled `label(params)`. Display the result to get the HTML slider.

    Each figure is converted to PNG and dropped right away, so memory stays at one figure.
    """
    if not param_grid:
        raise ValueError("explorer_html needs at least one parameter set in param_grid")
    frames, labels = [], []
    for params in param_grid:
        frames.append(figure_to_png(render(**params), dpi=dpi))
        labels.append(label(params))
    return StaticSlider(frames, labels, title, interval_ms)
