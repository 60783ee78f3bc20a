"""Checks for the chapter-12 exercises: Grad-CAM from given activations and gradients, the share of
a heatmap inside a box, and recording layer outputs with forward hooks.

References are `visualize.gradcam`'s formula (Selvaraju et al. 2017) written out in NumPy, the
box share Σ inside / Σ everywhere, and the layers applied one by one without hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .core import Case, CaseFailure, CheckResult, call, expect_array, observe, run_cases

__all__ = [
    "check_collect_activations",
    "check_grad_cam_from",
    "check_mass_in_box",
]


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)  # fixed seeds: the same report on every run


# -------------------------------------------------------------------------------- grad_cam_from


def grad_cam_reference(activations: np.ndarray, gradients: np.ndarray) -> np.ndarray:
    """ReLU(Σ_k α_k A_k) with α_k = the mean of ∂y/∂A_k over positions. (K, h, w) → (h, w)."""
    alpha = gradients.mean(axis=(1, 2))  # (K,)
    return np.maximum(np.einsum("k,khw->hw", alpha, activations), 0.0)


def _grad_cam_case(label: str, a: np.ndarray, g: np.ndarray) -> Case:
    def mistakes() -> list[tuple[np.ndarray, str]]:
        alpha = g.mean(axis=(1, 2))
        return [
            (np.einsum("k,khw->hw", alpha, a),
             "negative values remain: apply the ReLU, np.maximum(..., 0), to the weighted sum"),
            (grad_cam_reference(a, g) * a.shape[1] * a.shape[2],
             "too large by h·w: α_k is the *mean* of the gradient over positions, not the sum"),
            (np.maximum((g * a).sum(axis=0), 0.0),
             "you multiplied gradients and activations position by position; Grad-CAM weights "
             "each whole map by one number, its mean gradient α_k"),
            (np.maximum(np.einsum("k,khw->hw", a.mean(axis=(1, 2)), a), 0.0),
             "the weights α_k come from the gradients, not from the activations"),
            (np.maximum(np.einsum("k,khw->hw", np.maximum(g, 0).mean(axis=(1, 2)), a), 0.0),
             "the ReLU goes on the weighted sum, not on the gradients"),
            (grad_cam_reference(a, g).T, "the map is transposed: keep the (h, w) order"),
        ]

    def run(fn: Callable[..., Any]) -> None:
        expect_array(call(fn, a, g), grad_cam_reference(a, g), mistakes)

    return Case(label, run)


def check_grad_cam_from(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(activations, gradients)`: (K, h, w) twice → the Grad-CAM map (h, w)."""
    rng = _rng(12)
    hand_a = np.array([[[1.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 2.0]]])
    hand_g = np.stack([np.full((2, 2), 0.5), np.full((2, 2), -0.25)])
    negative = rng.random((3, 4, 5))
    cases = [
        _grad_cam_case("two 2×2 maps with α = (0.5, −0.25), by hand", hand_a, hand_g),
        _grad_cam_case("8 random maps of 5×6, some evidence against the class",
                       np.maximum(rng.standard_normal((8, 5, 6)), 0),
                       rng.standard_normal((8, 5, 6))),
        _grad_cam_case("only evidence against the class: the map is all zero", negative,
                       -rng.random((3, 4, 5))),
    ]
    return run_cases("grad_cam_from", fn, cases, verbose=verbose)


# ---------------------------------------------------------------------------------- mass_in_box


def mass_in_box_reference(heatmap: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """Σ heatmap[top:top+height, left:left+width] / Σ heatmap, or 0.0 for an all-zero map."""
    top, left, height, width = box
    total = heatmap.sum()
    return float(heatmap[top : top + height, left : left + width].sum() / total) if total else 0.0


def _expect_fraction(got: Any, expected: float, mistakes: list[tuple[float, str]]) -> None:
    """Raise CaseFailure unless `got` is a real number within 1e-6 of `expected`."""
    if got is None:
        raise CaseFailure("returned None: did you forget the `return` statement?")
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got.item()
    if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
        raise CaseFailure(f"expected a number, got a {type(got).__name__}: return one float")
    if not np.isfinite(got):
        raise CaseFailure(f"returned {got}: for an all-zero heatmap return 0.0 (nothing inside)")
    if abs(float(got) - expected) <= 1e-6:
        return
    hint = next((m for alt, m in mistakes if abs(float(got) - alt) <= 1e-6), "")
    raise CaseFailure(f"expected {expected:.4f}, got {float(got):.4f}" + (f": {hint}" if hint
                                                                          else ""))


def _box_case(label: str, heatmap: np.ndarray, box: tuple[int, int, int, int]) -> Case:
    top, left, height, width = box

    def mistakes() -> list[tuple[float, str]]:
        ref = mass_in_box_reference
        found = [
            (float(heatmap[top : top + height, left : left + width].sum()),
             "that is the mass inside; divide it by the heatmap's total"),
            (ref(heatmap, (left, top, width, height)),
             "rows and columns are swapped: the box is (top, left, height, width)"),
            (ref(heatmap, (top, left, height + 1, width + 1)),
             "the box is one row and column too big: rows top .. top + height − 1"),
            (float(heatmap[top:height, left:width].sum() / heatmap.sum()) if heatmap.sum() else 0,
             "height and width are sizes, not end coordinates: rows top:top + height"),
        ]
        return [(v, m) for v, m in found if abs(v - ref(heatmap, box)) > 1e-6]

    def run(fn: Callable[..., Any]) -> None:
        _expect_fraction(call(fn, heatmap, box), mass_in_box_reference(heatmap, box), mistakes())

    return Case(label, run)


def check_mass_in_box(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(heatmap, box)`: heatmap (H, W) ≥ 0, box (top, left, height, width) → the share
    of the heatmap's mass inside the box, a float."""
    rng = _rng(13)
    hand = np.zeros((5, 6))
    hand[1:3, 2:4] = 1.0
    hand[4, 0] = 4.0
    cases = [
        _box_case("half the mass inside a 2×2 box, by hand", hand, (1, 2, 2, 2)),
        _box_case("a random 12×9 heatmap, a 5×3 box", rng.random((12, 9)), (6, 4, 5, 3)),
        _box_case("an all-zero heatmap scores 0.0", np.zeros((4, 4)), (0, 0, 2, 2)),
    ]
    return run_cases("mass_in_box", fn, cases, verbose=verbose)


# --------------------------------------------------------------------------- collect_activations


def _leaf_names(model: Any) -> list[str]:
    return [n for n, m in model.named_modules() if n and not any(True for _ in m.children())]


def _leaf_outputs(model: Any, x: Any) -> dict[str, Any]:
    """Every leaf layer's output, from running the leaves one after the other (no hooks); right
    for models whose forward pass is their leaves in definition order, as in these cases."""
    import torch

    out, value = {}, x
    with torch.no_grad():
        for name in _leaf_names(model):
            value = model.get_submodule(name)(value)
            out[name] = value
    return out


def _activations_case(label: str, build: str, names: list[str]) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        from . import probes

        seen = observe(fn, "activations", build, list(names))
        model, x = {"small": probes.small_model, "keras": probes.keras_model}[build]()
        outputs = {k: v.double().numpy() for k, v in _leaf_outputs(model, x).items()}
        if not seen.get("dict"):
            if seen.get("none"):
                raise CaseFailure("returned None: did you forget the `return` statement?")
            raise CaseFailure(f"expected a dict {{layer name: output}}, got a {seen.get('type')}")
        keys = [str(k) for k in seen["keys"]]
        if sorted(keys) != sorted(names):
            raise CaseFailure(f"expected the keys {sorted(names)}, got {sorted(keys)}")
        leaves = _leaf_names(model)
        for name in names:
            value, want = seen["values"][name], outputs[name]
            if not isinstance(value.get("tensor"), np.ndarray):
                raise CaseFailure(f"{name}: expected a tensor, got a {value.get('type')}")
            if value.get("requires_grad"):
                raise CaseFailure(f"{name}: the tensor still requires grad: run the model under "
                                  "torch.no_grad() or store output.detach()")
            got = value["tensor"]
            if got.shape == want.shape and np.allclose(got, want, atol=1e-5):
                continue
            k = leaves.index(name)
            given = x.double().numpy() if k == 0 else outputs[leaves[k - 1]]
            if got.shape == given.shape and np.allclose(got, given, atol=1e-5):
                raise CaseFailure(f"{name}: that is the layer's input; a forward hook is called "
                                  "as hook(module, inputs, output): store `output`")
            raise CaseFailure(f"{name}: expected the layer's output, of shape "
                              f"{tuple(want.shape)}; got shape {tuple(got.shape)} with other "
                              "values")
        if seen["hooks"]:
            raise CaseFailure(f"{int(seen['hooks'])} hook(s) still registered after your "
                              "function returned: keep each handle and call handle.remove()")

    return Case(label, run)


def check_collect_activations(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(model, x, names)` → {name: that layer's output tensor}, recorded with forward
    hooks that are removed before returning."""
    cases = [
        _activations_case("a small Sequential, every layer", "small",
                          ["conv", "relu", "pool", "flat", "fc"]),
        _activations_case("the same model, two layers asked for in reverse order", "small",
                          ["fc", "relu"]),
        _activations_case("the Keras MNIST model, nested names", "keras",
                          ["features.relu2", "classifier.fc1"]),
    ]
    return run_cases("collect_activations", fn, cases, verbose=verbose)
