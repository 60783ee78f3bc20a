"""Checks for the chapter-12 exercises: Grad-CAM derived for a global-average-pool + linear head
(no backward pass), the share of a heatmap inside a box, and the share of blank feature maps
measured with forward hooks.

References: Grad-CAM computed with autograd (Selvaraju et al. 2017), the box share Σ inside /
Σ everywhere, and the layers applied one by one without hooks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .core import Case, CaseFailure, CheckResult, call, expect_array, observe, run_cases

__all__ = [
    "check_blank_fractions",
    "check_grad_cam_gap_linear",
    "check_mass_in_box",
]


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)  # fixed seeds: the same report on every run


# ---------------------------------------------------------------------------- grad_cam_gap_linear


def grad_cam_autograd(activations: np.ndarray, weight: np.ndarray, bias: np.ndarray,
                      cls: int) -> np.ndarray:
    """Grad-CAM of class `cls` for the head y = W · GAP(A) + b, with the gradient ∂y_cls/∂A taken
    by autograd: ReLU(Σ_k α_k A_k), α_k = the mean of that gradient over positions. → (h, w)."""
    import torch

    a = torch.tensor(activations, dtype=torch.float64, requires_grad=True)
    y = torch.from_numpy(weight) @ a.mean(dim=(1, 2)) + torch.from_numpy(bias)
    (grad,) = torch.autograd.grad(y[cls], a)
    alpha = grad.mean(dim=(1, 2))
    return torch.relu(torch.einsum("k,khw->hw", alpha, a)).detach().numpy()


def _gap_case(label: str, a: np.ndarray, w: np.ndarray, b: np.ndarray, cls: int) -> Case:
    hw = a.shape[1] * a.shape[2]

    def mistakes() -> list[tuple[np.ndarray, str]]:
        def cam(alpha: np.ndarray, extra: float = 0.0) -> np.ndarray:
            return np.maximum(np.einsum("k,khw->hw", alpha, a) + extra, 0.0)

        found = [
            (cam(w[cls]), "too large by h·w: the average pool divides by h·w, so "
                          "∂y/∂A_k[i, j] = W[cls, k] / (h·w)"),
            (np.einsum("k,khw->hw", w[cls] / hw, a), "negative values remain: Grad-CAM keeps "
                                                     "only positive evidence (a ReLU at the end)"),
            (cam(w[cls] / hw, b[cls]), "the bias does not depend on A: it drops out of the "
                                       "gradient and does not enter the map"),
            (cam((w[cls] + b[cls]) / hw), "the bias does not depend on A: it drops out of the "
                                          "gradient"),
            (cam(w.sum(axis=0) / hw), "only class cls's score is explained: use the weights "
                                      "of its row, W[cls]"),
        ]
        if w.shape[0] == w.shape[1]:
            found.append((cam(w[:, cls] / hw), "W has one row per class (shape (classes, K)): "
                                               "class cls's weights are W[cls, k], not W[k, cls]"))
        return found

    def run(fn: Callable[..., Any]) -> None:
        expect_array(call(fn, a, w, b, cls), grad_cam_autograd(a, w, b, cls), mistakes)

    return Case(label, run)


def check_grad_cam_gap_linear(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(activations, weight, bias, cls)`: activations (K, h, w), weight (classes, K),
    bias (classes,) → the Grad-CAM map (h, w) of class cls, derived without a backward pass."""
    rng = _rng(12)
    hand_a = np.array([[[4.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 8.0]]])
    hand_w = np.array([[1.0, 1.0], [2.0, -1.0], [0.0, 3.0]])
    cases = [
        _gap_case("two 2×2 maps, class 1 with weights (2, −1), by hand → [[2, 0], [0, 0]]",
                  hand_a, hand_w, np.array([0.5, -3.0, 1.0]), 1),
        _gap_case("8 maps of 5×6, 4 classes, class 3", np.maximum(
            rng.standard_normal((8, 5, 6)), 0), rng.standard_normal((4, 8)),
            rng.standard_normal(4), 3),
        _gap_case("5 maps of 3×3, 5 classes (W is square), class 2", rng.random((5, 3, 3)),
                  rng.standard_normal((5, 5)), rng.standard_normal(5), 2),
    ]
    return run_cases("grad_cam_gap_linear", fn, cases, verbose=verbose)


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


# ------------------------------------------------------------------------------- blank_fractions


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




def blank_fractions_reference(outputs: Any) -> float:
    """The share of (image, channel) maps of `outputs` (N, C, ...) that are 0 everywhere."""
    flat = np.asarray(outputs).reshape(outputs.shape[0], outputs.shape[1], -1)
    return float((flat == 0).all(axis=2).mean())


def _blank_case(label: str, build: str, names: list[str]) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        from . import probes

        seen = observe(fn, "activations", build, list(names))
        model, x = probes.MODELS[build]()
        outputs = {k: v.double().numpy() for k, v in _leaf_outputs(model, x).items()}
        if not seen.get("dict"):
            if seen.get("none"):
                raise CaseFailure("returned None: did you forget the `return` statement?")
            raise CaseFailure(f"expected a dict {{layer name: share}}, got a {seen.get('type')}")
        keys = [str(k) for k in seen["keys"]]
        if sorted(keys) != sorted(names):
            raise CaseFailure(f"expected the keys {sorted(names)}, got {sorted(keys)}")
        leaves = _leaf_names(model)
        for name in names:
            got, out = seen["values"][name], outputs[name]
            k = leaves.index(name)
            given = x.double().numpy() if k == 0 else outputs[leaves[k - 1]]
            flat = out.reshape(out.shape[0], out.shape[1], -1)
            mistakes = [
                (blank_fractions_reference(given), "that is the layer's input; a forward hook "
                 "is called as hook(module, inputs, output): measure `output`"),
                (float((out == 0).mean()), "that is the share of zero *values*; a map is blank "
                 "only when all its values are 0"),
                (float((flat == 0).all(axis=(0, 2)).mean()), "a map belongs to one image and one "
                 "channel: count each (image, channel) pair, not channels blank in every image"),
                (float((flat == 0).all(axis=2).sum()), "that is the number of blank maps: divide "
                 "by N·C for the share"),
            ]
            expected = blank_fractions_reference(out)
            if not isinstance(got, int | float | np.integer | np.floating) or isinstance(
                    got, bool | np.bool_):
                kind = got.get("type") if isinstance(got, dict) else type(got).__name__
                raise CaseFailure(f"{name}: expected a float (a share), got a {kind}")
            if abs(float(got) - expected) > 1e-6:  # float32 shares are fine
                hint = next((m for v, m in mistakes if abs(float(got) - v) <= 1e-6
                             and abs(v - expected) > 1e-6), "")
                raise CaseFailure(f"{name}: expected {expected:.4f}, got {float(got):.4f}"
                                  + (f": {hint}" if hint else ""))
        if seen["hooks"]:
            raise CaseFailure(f"{int(seen['hooks'])} hook(s) still registered after your "
                              "function returned: keep each handle and call handle.remove()")

    return Case(label, run)


def check_blank_fractions(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(model, x, names)` → {name: share of that layer's (image, channel) output maps
    that are 0 everywhere}, measured with forward hooks that are removed before returning."""
    cases = [
        _blank_case("a small net with dead filters, after its ReLU and pool", "blanks",
                    ["relu", "pool"]),
        _blank_case("the same net: a linear layer's ReLU counts each feature as a 1×1 map",
                    "blanks", ["relu2", "relu"]),
        _blank_case("the Keras MNIST model, nested names", "keras",
                    ["features.relu2", "features.relu3", "classifier.relu4"]),
    ]
    return run_cases("blank_fractions", fn, cases, verbose=verbose)
