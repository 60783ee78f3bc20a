"""The chapter-12 checks (Grad-CAM of a GAP + linear head, mass in a box, blank maps): right
answers earn full marks, stubs nothing, typical mistakes a message that names them, and nothing a
learner's function does makes a check raise."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from grading_contract import assert_generated_with_full_marks
from grading_contract import stub as _stub

from course_lib.grading import EXERCISE_SETS, probes
from course_lib.grading.core import NOT_IMPLEMENTED
from course_lib.grading.visualizing import (
    blank_fractions_reference,
    check_blank_fractions,
    check_grad_cam_gap_linear,
    check_mass_in_box,
    grad_cam_autograd,
    mass_in_box_reference,
)
from course_lib.visualize import activation_stats, collect_activations, grad_cam_from, mass_in_box


def _messages(result) -> str:
    return "\n".join(result.messages)


def test_references_agree_with_the_library():
    rng = np.random.default_rng(0)
    a, w, b = rng.random((4, 3, 5)), rng.standard_normal((6, 4)), rng.standard_normal(6)
    # The library's Grad-CAM on the gradient of class 2 of y = W · GAP(A) + b.
    t = torch.from_numpy(a)[None].requires_grad_()
    y = t.mean(dim=(2, 3)) @ torch.from_numpy(w).T + torch.from_numpy(b)
    (g,) = torch.autograd.grad(y[0, 2], t)
    np.testing.assert_allclose(grad_cam_autograd(a, w, b, 2),
                               grad_cam_from(t.detach(), g)[0].numpy())
    h = rng.random((6, 7))
    assert mass_in_box_reference(h, (1, 2, 3, 4)) == pytest.approx(mass_in_box(h, (1, 2, 3, 4)))
    model, x = probes.MODELS["blanks"]()
    for s in activation_stats(collect_activations(model, x, ["relu", "pool", "relu2"])):
        output = collect_activations(model, x, [s.name])[s.name]
        assert blank_fractions_reference(output.numpy()) == pytest.approx(s.blank_fraction)


def grad_cam_gap_linear(a, w, b, cls):
    alpha = w[cls] / (a.shape[1] * a.shape[2])
    return np.maximum(np.einsum("k,khw->hw", alpha, a), 0.0)


def blank_fractions(model, x, names):
    return {s.name: s.blank_fraction
            for s in activation_stats(collect_activations(model, x, names))}


@pytest.mark.parametrize(("check", "solution"), [
    (check_grad_cam_gap_linear, grad_cam_gap_linear),
    (check_mass_in_box, lambda h, b: mass_in_box(h, b)),
    (check_blank_fractions, blank_fractions),
])
def test_solutions_earn_full_marks_and_stubs_nothing(check, solution):
    result = check(solution, verbose=False)
    assert result.passed and result.points == result.max_points == 3, result.messages
    stub = check(_stub, verbose=False)
    assert stub.points == 0 and stub.messages == [NOT_IMPLEMENTED]


def test_points_match_the_registry():
    registered = {c.name: c.max_points for c in EXERCISE_SETS["visualizing"]}
    assert registered == {"grad_cam_gap_linear": 3, "mass_in_box": 3, "blank_fractions": 3}


def _cam(alpha_of, relu=True, extra=lambda b, c: 0.0):
    def fn(a, w, b, cls):
        m = np.einsum("k,khw->hw", alpha_of(a, w, b, cls), a) + extra(b, cls)
        return np.maximum(m, 0.0) if relu else m
    return fn


@pytest.mark.parametrize(("wrong", "hint"), [
    (_cam(lambda a, w, b, c: w[c]), "too large by h·w"),
    (_cam(lambda a, w, b, c: w[c] / (a.shape[1] * a.shape[2]), relu=False), "a ReLU at the end"),
    (_cam(lambda a, w, b, c: w[c] / (a.shape[1] * a.shape[2]), extra=lambda b, c: b[c]),
     "does not enter the map"),
    (_cam(lambda a, w, b, c: (w[c] + b[c]) / (a.shape[1] * a.shape[2])), "drops out"),
    (_cam(lambda a, w, b, c: w.sum(axis=0) / (a.shape[1] * a.shape[2])), "W[cls]"),
    (_cam(lambda a, w, b, c: (w[:, c] if w.shape[0] == w.shape[1] else w[c])
          / (a.shape[1] * a.shape[2])), "not W[k, cls]"),
    (lambda a, w, b, c: [[0.0]], "expected a NumPy array"),
    (lambda a, w, b, c: None, "return"),
])
def test_grad_cam_mistakes_are_named(wrong, hint):
    result = check_grad_cam_gap_linear(wrong, verbose=False)
    assert result.points < 3 and hint in _messages(result), result.messages


def _swapped(h, box):
    top, left, height, width = box
    return mass_in_box(h, (left, top, width, height))


@pytest.mark.parametrize(("wrong", "hint"), [
    (lambda h, b: float(h[b[0]:b[0] + b[2], b[1]:b[1] + b[3]].sum()), "divide"),
    (_swapped, "swapped"),
    (lambda h, b: mass_in_box(h, (b[0], b[1], b[2] + 1, b[3] + 1)), "too big"),
    (lambda h, b: float(h[b[0]:b[2], b[1]:b[3]].sum() / h.sum()), "not end coordinates"),
    (lambda h, b: float(h[b[0]:b[0] + b[2], b[1]:b[1] + b[3]].sum() / h.sum()), "0.0"),
    (lambda h, b: "0.5", "expected a number"),
])
def test_mass_in_box_mistakes_are_named(wrong, hint):
    with np.errstate(invalid="ignore", divide="ignore"):
        result = check_mass_in_box(wrong, verbose=False)
    assert result.points < 3 and hint in _messages(result)


def _hooked(measure, remove=True, inputs=False):
    def fn(model, x, names):
        out, handles = {}, []
        for name in names:
            def hook(m, i, o, name=name):
                out[name] = measure(i[0] if inputs else o)
            handles.append(model.get_submodule(name).register_forward_hook(hook))
        with torch.no_grad():
            model(x)
        if remove:
            for h in handles:
                h.remove()
        return out
    return fn


def _maps(o):
    return o.reshape(o.shape[0], o.shape[1], -1) == 0


@pytest.mark.parametrize(("wrong", "hint"), [
    (_hooked(lambda o: _maps(o).all(dim=2).float().mean().item(), remove=False),
     "handle.remove()"),
    (_hooked(lambda o: _maps(o).all(dim=2).float().mean().item(), inputs=True),
     "the layer's input"),
    (_hooked(lambda o: (o == 0).float().mean().item()), "share of zero *values*"),
    (_hooked(lambda o: _maps(o).all(dim=2).all(dim=0).float().mean().item()),
     "count each (image, channel) pair"),
    (_hooked(lambda o: int(_maps(o).all(dim=2).sum())), "divide by N·C"),
    (_hooked(lambda o: _maps(o).all(dim=2).float().mean()), "expected a float"),
    (lambda model, x, names: list(names), "expected a dict"),
    (lambda model, x, names: {n: 0.0 for n in names[:1]}, "expected the keys"),
])
def test_blank_fractions_mistakes_are_named(wrong, hint):
    result = check_blank_fractions(wrong, verbose=False)
    assert result.points < 3 and hint in _messages(result), result.messages


def test_checks_never_raise():
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    for check in (check_grad_cam_gap_linear, check_mass_in_box, check_blank_fractions):
        for fn in (explode, 42, lambda *a: np.full((99,), np.nan)):
            result = check(fn, verbose=False)
            assert result.points == 0 and result.messages


def test_exercise_notebooks_are_generated_and_the_source_shows_full_marks(repo_root):
    assert_generated_with_full_marks(
        "visualizing", repo_root / "exercises/source/12_visualizing_cnns.ipynb",
        repo_root / "exercises/12_visualizing_cnns.ipynb", stubs=3)
