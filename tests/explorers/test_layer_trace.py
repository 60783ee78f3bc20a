"""The layer-stack explorer: the stack it builds, the numbers it writes (size formula, red when
PyTorch rounds down, receptive field), a stack that stops fitting, and both explorer forms."""

from __future__ import annotations

from course_lib.explorers import (
    layer_trace_explorer,
    layer_trace_explorer_static,
    render_layer_trace,
    stack_layers,
)


def _texts(fig) -> list[tuple[str, str]]:
    return [(t.get_text(), t.get_color()) for t in fig.axes[0].texts]


def test_stack_layers_doubles_filters_and_same_padding():
    layers = stack_layers(3, 5, 1, "same", pooling=True)
    assert [(l.kind, l.out_channels, l.padding) for l in layers] == [
        ("conv", 16, 2), ("pool", None, 0), ("conv", 32, 2), ("pool", None, 0),
        ("conv", 64, 2), ("pool", None, 0)]
    assert len(stack_layers(2, 3, 2, 1, pooling=False)) == 2


def test_render_writes_sizes_formulas_and_receptive_fields():
    fig = render_layer_trace(32, 3, 1, "same", blocks=2, pooling=True)
    texts = dict(_texts(fig))
    labels = [t for t in texts if "×" in t and "RF" in t]
    assert [line.split("\n")[2] for line in labels] == ["32×32×16", "16×16×16", "16×16×32",
                                                        "8×8×32"]
    assert "RF 3, 448 params" in labels[0] and "RF 8, 4,640 params" in labels[2]
    assert "(32 − 3 + 2·1)/1 + 1\n= 32" in texts
    assert all(color == "black" for text, color in _texts(fig) if text.startswith("("))


def test_inexact_sizes_are_red_and_a_stack_that_stops_fitting_says_so():
    fig = render_layer_trace(32, 5, 2, 0, blocks=3, pooling=True)
    texts = _texts(fig)
    assert ("(32 − 5 + 2·0)/2 + 1\n= 14.5", "tab:red") in texts
    assert any("does not fit" in t for t, _ in texts)


def test_static_and_live_forms():
    slider = layer_trace_explorer_static(blocks=2)
    assert len(slider) == 16 and slider.labels[0] == "F=3, P=0, S=1, pool off"
    explorer = layer_trace_explorer()
    explorer.controls["padding"].value = "same"
    explorer.controls["kernel_size"].value = 7
    assert "image/png" in explorer.output.outputs[0]["data"]
