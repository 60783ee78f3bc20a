"""Tests for course_lib.explorers: the convolution renders show the right numbers (chapter 03's
worked example, and torch as the reference elsewhere), the kernel-free slider is a self-contained
HTML/JS widget (its script is run under node against a stub DOM when node is installed), and the
live widget re-renders when a control changes.
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from course_lib.explorers import (
    EXPLORER_KERNELS,
    StaticSlider,
    conv_explorer,
    conv_explorer_static,
    explorer_html,
    figure_to_png,
    filter_response_explorer_static,
    interactive_explorer,
    parse_kernel,
    render_conv_step,
    render_filter_response,
    static_slider,
)
from course_lib.explorers.frames import PNG_MAGIC

X = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]])
K = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])
Y = [[4, 3, 4], [2, 4, 3], [2, 3, 4]]  # chapter 03's published answer for X and K
DATA_URI = "data:image/png;base64,"


def _cells(ax) -> dict[tuple[int, int], float]:
    """{(row, col): value} read back from the numbers drawn at the cell centres of `ax`."""
    return {(round(t.get_position()[1]), round(t.get_position()[0])):
            float(t.get_text().replace("\u2212", "-")) for t in ax.texts}


def _sum_text(fig: Figure) -> str:
    (text,) = [t for t in fig.axes[1].texts if t.get_gid() == "conv-sum"]
    return text.get_text()


def _torch_conv(image, kernel, stride=1, padding=0) -> np.ndarray:
    x = torch.tensor(np.asarray(image, dtype=np.float64))[None, None]
    w = torch.tensor(np.asarray(kernel, dtype=np.float64))[None, None]
    return F.conv2d(x, w, stride=stride, padding=padding)[0, 0].numpy()


# ------------------------------------------------------------------------- render_conv_step


def test_worked_example_first_step_sum_of_products():
    fig = render_conv_step(X, K, step=0)
    assert len(fig.axes) == 3  # input, sum of products, output
    text = _sum_text(fig)
    assert text.endswith("= 4")
    # One line per kernel row: input value · weight, for the top-left window.
    assert text.splitlines()[0].strip() == "1·1 + 1·0 + 1·1"
    assert _cells(fig.axes[2]) == {(0, 0): 4}  # only the first output cell is filled in


def test_worked_example_last_step_shows_the_full_output():
    fig = render_conv_step(X, K, step=8)
    out = _cells(fig.axes[2])
    assert out == {(i, j): v for (i, j), v in np.ndenumerate(Y)}
    assert _sum_text(fig).endswith("= 4")


def test_output_fills_in_row_major_up_to_the_step():
    out = _cells(render_conv_step(X, K, step=4).axes[2])
    assert out == {(0, 0): 4, (0, 1): 3, (0, 2): 4, (1, 0): 2, (1, 1): 4}


def test_input_panel_shows_padded_input_and_kernel_weights_in_the_window():
    fig = render_conv_step(X, K, step=0, padding=1)
    texts = fig.axes[0].texts
    values = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
              for t in texts if not t.get_text().startswith("×")}
    assert len(values) == 49  # 7×7 padded input
    assert [values[(0, c)] for c in range(7)] == ["0"] * 7  # the zero border
    assert [values[(1, c)] for c in range(1, 6)] == [str(v) for v in X[0]]
    weights = [t.get_text() for t in texts if t.get_text().startswith("×")]
    assert weights == ["×" + str(w) for w in K.ravel()]


@pytest.mark.parametrize(("shape", "stride", "padding"), [((6, 5), 2, 1), ((5, 4), 1, 0)])
def test_every_step_matches_torch(shape, stride, padding):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 10, size=shape)
    kernel = EXPLORER_KERNELS["Sobel x"]
    ref = _torch_conv(image, kernel, stride, padding)
    for step in range(ref.size):
        total = _sum_text(render_conv_step(image, kernel, step, stride, padding)).split("= ")[-1]
        assert float(total.replace("\u2212", "-")) == ref.flat[step]  # small integers: exact
    out = _cells(render_conv_step(image, kernel, ref.size - 1, stride, padding).axes[2])
    assert out == {(i, j): v for (i, j), v in np.ndenumerate(ref)}


def test_padding_one_gives_25_steps_and_step_range_is_checked():
    render_conv_step(X, K, step=24, padding=1)  # the last of 25 positions
    with pytest.raises(ValueError, match=r"5×5 = 25 positions, so step must be in 0\.\.24"):
        render_conv_step(X, K, step=25, padding=1)
    with pytest.raises(ValueError, match=r"step must be in 0\.\.8"):
        render_conv_step(X, K, step=-1)


@pytest.mark.parametrize(("image", "kernel", "kwargs", "message"), [
    (X[None], K, {}, "image must be a 2-D"),
    (X, K.ravel(), {}, "kernel must be a 2-D"),
    (X, np.ones((6, 6)), {}, "does not fit"),
    (X, K, {"stride": 0}, "stride must be"),
    (X, K, {"padding": -1}, "padding must be"),
])
def test_user_mistakes_give_clear_errors(image, kernel, kwargs, message):
    with pytest.raises(ValueError, match=message):
        render_conv_step(image, kernel, 0, **kwargs)


def test_long_kernels_are_elided_in_the_formula():
    image = np.arange(49).reshape(7, 7)
    text = _sum_text(render_conv_step(image, np.ones((6, 6)), step=0))
    assert "(30 more)" in text
    assert text.endswith("= " + str(image[:6, :6].sum()))


def test_parse_kernel():
    np.testing.assert_array_equal(parse_kernel("1 0 1; 0, 1, 0\n1 0 1"), K)
    with pytest.raises(ValueError, match="same number of weights"):
        parse_kernel("1 2; 3")
    with pytest.raises(ValueError, match="must be numbers"):
        parse_kernel("1 a")


# --------------------------------------------------------------------- render_filter_response


def test_filter_response_shows_the_response_and_sobel_magnitude():
    image = np.zeros((12, 12))
    image[:, 6:] = 10.0  # a vertical edge: Sobel x answers, Sobel y does not
    fig = render_filter_response(image, EXPLORER_KERNELS["Sobel x"], "Sobel x")
    assert len(fig.axes) == 4  # image, kernel, response, gradient magnitude
    gx = _torch_conv(image, EXPLORER_KERNELS["Sobel x"])
    gy = _torch_conv(image, EXPLORER_KERNELS["Sobel y"])
    np.testing.assert_allclose(fig.axes[2].images[0].get_array(), gx)
    np.testing.assert_allclose(fig.axes[3].images[0].get_array(), np.hypot(gx, gy))
    assert gx.max() == 40  # (1 + 2 + 1) · 10 on the edge
    fig = render_filter_response(image, EXPLORER_KERNELS["blur (box 3×3)"])
    assert len(fig.axes) == 3  # no magnitude panel for a blur


# -------------------------------------------------------------------------- kernel-free form


def test_figure_to_png_is_a_png_of_the_requested_size():
    from PIL import Image

    fig = Figure(figsize=(4, 2))
    fig.subplots().plot([0, 1], [1, 0])
    for palette in (True, False):
        png = figure_to_png(fig, dpi=50, palette=palette)
        assert png[:8] == PNG_MAGIC
        assert Image.open(io.BytesIO(png)).size == (200, 100)


class _Tags(HTMLParser):
    """Collects (tag, attrs) and the depth at which each tag opens."""

    def __init__(self):
        super().__init__()
        self.tags, self.depth, self.top = [], 0, []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if self.depth == 0:
            self.top.append(tag)
        if tag not in ("img", "input"):  # void elements never close
            self.depth += 1

    def handle_endtag(self, tag):
        self.depth -= 1


@pytest.fixture(scope="module")
def worked_slider() -> StaticSlider:
    return conv_explorer_static(X, K, dpi=30)


def test_static_slider_html_is_self_contained(worked_slider):
    page = worked_slider._repr_html_()
    assert len(worked_slider) == 9
    assert page.count(DATA_URI) == 9  # each frame exactly once
    parser = _Tags()
    parser.feed(page)
    assert parser.top == ["div"] and parser.depth == 0  # one closed <div>
    (rng,) = [a for t, a in parser.tags if t == "input"]
    assert (rng["type"], rng["min"], rng["max"]) == ("range", "0", "8")
    assert [t for t, _ in parser.tags].count("script") == 1
    assert all("src" not in a for t, a in parser.tags if t == "script")  # inline only
    assert all(a["src"].startswith(DATA_URI) for t, a in parser.tags if t == "img")
    assert "http" not in page and "require" not in page
    # Every embedded frame decodes to the PNG that was rendered.
    uris = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", page)
    assert [base64.b64decode(u) for u in uris] == worked_slider.frames


def test_static_slider_ids_are_deterministic_and_distinct(worked_slider):
    strided = conv_explorer_static(X, K, stride=2, dpi=30)
    assert len(strided) == 4  # 2×2 positions with stride 2
    assert worked_slider.uid != strided.uid
    page = worked_slider._repr_html_() + strided._repr_html_()
    ids = re.findall(r'<div id="([^"]+)"', page)
    assert len(ids) == 2 and len(set(ids)) == 2
    # Same frames, same id: re-running a notebook leaves its stored output unchanged.
    assert figure_to_png(render_conv_step(X, K, 0), dpi=30) == worked_slider.frames[0]
    again = StaticSlider(list(worked_slider.frames), list(worked_slider.labels),
                         worked_slider.title)
    assert again.uid == worked_slider.uid and again._repr_html_() == worked_slider._repr_html_()


def test_static_slider_mimebundle_and_size_report(worked_slider):
    bundle = worked_slider._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    assert "9 frames" in bundle["text/plain"] and "KiB per frame" in bundle["text/plain"]
    assert worked_slider.nbytes == sum(len(f) for f in worked_slider.frames)


def test_static_slider_checks_its_input():
    png = figure_to_png(Figure(figsize=(1, 1)), dpi=10)
    with pytest.raises(ValueError, match="2 frames but 1 labels"):
        static_slider([png, png], ["a"])
    with pytest.raises(ValueError, match="not PNG"):
        static_slider([b"GIF89a..."], ["a"])
    # A label cannot end the script element early.
    assert "</script><b>" not in static_slider([png], ["</script><b>"])._repr_html_()


def test_explorer_html_renders_each_parameter_set():
    seen = []

    def render(a: int, b: str) -> Figure:
        seen.append((a, b))
        fig = Figure(figsize=(1, 1))
        fig.text(0.5, 0.5, f"{a}{b}")
        return fig

    slider = explorer_html(render, [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}],
                           label=lambda p: f"a={p['a']}", dpi=20)
    assert seen == [(1, "x"), (2, "y")]
    assert slider.labels == ["a=1", "a=2"] and len(slider.frames) == 2
    assert slider.frames[0] != slider.frames[1]


def test_filter_response_static_has_one_frame_per_kernel():
    image = np.random.default_rng(0).random((16, 16))
    slider = filter_response_explorer_static(image, dpi=20)
    assert slider.labels == list(EXPLORER_KERNELS)


# Runs the slider's own script against a minimal stub DOM: the page keeps working with no kernel.
_JS_HARNESS = r"""
const page = JSON.parse(require("fs").readFileSync(0, "utf8"));
function El(attrs) { this.attrs = attrs || {}; this.on = {}; this.textContent = ""; }
El.prototype.getAttribute = function (k) { return k in this.attrs ? this.attrs[k] : null; };
El.prototype.setAttribute = function (k, v) { this.attrs[k] = String(v); };
El.prototype.addEventListener = function (t, f) { this.on[t] = f; };
function makeRoot() {
  const parts = {
    "img": Object.assign(new El({src: page.src0}), {src: page.src0, alt: ""}),
    'input[type="range"]': Object.assign(new El(), {value: "0"}),
    '[data-role="label"]': new El(), '[data-act="play"]': new El(),
    '[data-act="prev"]': new El(), '[data-act="next"]': new El(),
  };
  const root = new El();
  root.querySelector = (sel) => parts[sel];
  root.parts = parts;
  return root;
}
const roots = [makeRoot(), makeRoot()];  // the same slider displayed twice
let tick = null;
global.setInterval = (f) => { tick = f; return 1; };
global.clearInterval = () => { tick = null; };
global.document = { querySelectorAll: () => roots };
new Function(page.script)();
new Function(page.script)();  // a second run must not attach handlers twice
const p = roots[0].parts, img = p["img"], range = p['input[type="range"]'];
const play = p['[data-act="play"]'];
const seen = {};
p['[data-act="next"]'].on.click(); seen.next = img.src;
p['[data-act="prev"]'].on.click(); p['[data-act="prev"]'].on.click(); seen.wrap = img.src;
range.value = "3"; range.on.input(); seen.input = img.src;
seen.label = p['[data-role="label"]'].textContent;
play.on.click(); seen.playing = play.textContent;
tick(); seen.tick = img.src;
play.on.click(); seen.paused = play.textContent + (tick === null);
seen.second = roots[1].parts["img"].src === page.src0
  && roots[1].getAttribute("data-ready") === "1";
console.log(JSON.stringify(seen));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_static_slider_script_steps_frames_under_node():
    frames = [figure_to_png(Figure(figsize=(1, 1), facecolor=c), dpi=10)
              for c in ("red", "green", "blue", "black", "white")]
    slider = static_slider(frames, [f"frame {k}" for k in range(5)], title="t")
    page = slider._repr_html_()
    uris = [DATA_URI + base64.b64encode(f).decode() for f in frames]
    script = page.split("<script>")[1].split("</script>")[0]
    result = subprocess.run(["node", "-e", _JS_HARNESS], input=json.dumps(
        {"script": script, "src0": uris[0]}), capture_output=True, text=True, timeout=20)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen == {"next": uris[1], "wrap": uris[4], "input": uris[3],
                    "label": "frame 3  (4/5)", "playing": "Pause", "tick": uris[4],
                    "paused": "Playtrue", "second": True}


# ------------------------------------------------------------------------------ live widgets


def test_library_imports_without_widgets_or_pyplot():
    code = ("import sys, course_lib.explorers, course_lib.plotting; "
            "print('ipywidgets' in sys.modules, 'matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "False"], out.stderr


def test_conv_explorer_rerenders_when_the_step_changes():
    explorer = conv_explorer()
    step = explorer.controls["step"]
    assert step.max == 8  # worked example: 3×3 positions
    before = explorer.output.outputs
    assert "image/png" in before[0]["data"]
    step.value = 5
    after = explorer.output.outputs
    assert after != before and "image/png" in after[0]["data"]
    png = base64.b64decode(after[0]["data"]["image/png"])
    assert png[:8] == PNG_MAGIC
    explorer.controls["padding"].value = 1
    assert step.max == 24  # 5×5 positions with padding 1
    explorer.controls["kernel_name"].value = "custom"
    explorer.controls["custom"].value = "1 2; 3"  # a user mistake: a message, not a traceback
    assert "same number of weights" in explorer.output.outputs[0]["data"]["text/plain"]


def test_interactive_explorer_from_abbreviations():
    calls = []

    def render(n: int, colour: str, size: float) -> Figure:
        calls.append((n, colour, size))
        return Figure(figsize=(size, size))

    explorer = interactive_explorer(render, fixed={"size": 1.0}, n=(0, 4, 1),
                                    colour=["red", "blue"], dpi=10)
    assert calls == [(2, "red", 1.0)]  # rendered once with the controls' initial values
    explorer.controls["colour"].value = "blue"
    assert calls[-1] == (2, "blue", 1.0)
    with pytest.raises(ValueError, match="cannot make a control"):
        interactive_explorer(render, n=object())
