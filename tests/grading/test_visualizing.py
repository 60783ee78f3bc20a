"""The chapter-12 checks: right answers earn full marks, stubs nothing, typical mistakes a message
that names them, and nothing a learner's function does makes a check raise."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from grading_contract import assert_generated_with_full_marks
from grading_contract import stub as _stub

from course_lib.grading import EXERCISE_SETS
from course_lib.grading.core import NOT_IMPLEMENTED
from course_lib.grading.visualizing import (
    check_collect_activations,
    check_grad_cam_from,
    check_mass_in_box,
    grad_cam_reference,
    mass_in_box_reference,
)
from course_lib.visualize import collect_activations, grad_cam_from, mass_in_box


def _messages(result) -> str:
    return "\n".join(result.messages)


def test_references_agree_with_the_library():
    rng = np.random.default_rng(0)
    a, g = rng.random((4, 3, 5)), rng.standard_normal((4, 3, 5))
    np.testing.assert_allclose(
        grad_cam_reference(a, g), grad_cam_from(torch.from_numpy(a[None]),
                                                torch.from_numpy(g[None]))[0].numpy())
    h = rng.random((6, 7))
    assert mass_in_box_reference(h, (1, 2, 3, 4)) == pytest.approx(mass_in_box(h, (1, 2, 3, 4)))


def _library_collect(model, x, names):
    return collect_activations(model, x, names)


@pytest.mark.parametrize(("check", "solution"), [
    (check_grad_cam_from, lambda a, g: grad_cam_reference(a, g)),
    (check_mass_in_box, lambda h, b: mass_in_box(h, b)),
    (check_collect_activations, _library_collect),
])
def test_solutions_earn_full_marks_and_stubs_nothing(check, solution):
    result = check(solution, verbose=False)
    assert result.passed and result.points == result.max_points == 3, result.messages
    stub = check(_stub, verbose=False)
    assert stub.points == 0 and stub.messages == [NOT_IMPLEMENTED]


def test_points_match_the_registry():
    registered = {c.name: c.max_points for c in EXERCISE_SETS["visualizing"]}
    assert registered == {"grad_cam_from": 3, "mass_in_box": 3, "collect_activations": 3}


@pytest.mark.parametrize(("wrong", "hint"), [
    (lambda a, g: np.einsum("k,khw->hw", g.mean(axis=(1, 2)), a), "apply the ReLU"),
    (lambda a, g: np.maximum(np.einsum("k,khw->hw", g.sum(axis=(1, 2)), a), 0), "not the sum"),
    (lambda a, g: np.maximum((g * a).sum(axis=0), 0), "position by position"),
    (lambda a, g: np.maximum(np.einsum("k,khw->hw", a.mean(axis=(1, 2)), a), 0),
     "from the gradients"),
    (lambda a, g: [[0.0]], "expected a NumPy array"),
    (lambda a, g: None, "return"),
])
def test_grad_cam_mistakes_are_named(wrong, hint):
    result = check_grad_cam_from(wrong, verbose=False)
    assert result.points < 3 and hint in _messages(result)


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


def _keeps_hooks(model, x, names):
    out = {}
    for name in names:
        model.get_submodule(name).register_forward_hook(
            lambda m, i, o, name=name: out.__setitem__(name, o.detach()))
    with torch.no_grad():
        model(x)
    return out


def _stores_inputs(model, x, names):
    out, handles = {}, []
    for name in names:
        handles.append(model.get_submodule(name).register_forward_hook(
            lambda m, i, o, name=name: out.__setitem__(name, i[0].detach())))
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return out


def _with_grad(model, x, names):
    out, handles = {}, []
    for name in names:
        handles.append(model.get_submodule(name).register_forward_hook(
            lambda m, i, o, name=name: out.__setitem__(name, o)))
    model(x)
    for h in handles:
        h.remove()
    return out


@pytest.mark.parametrize(("wrong", "hint"), [
    (_keeps_hooks, "handle.remove()"),
    (_stores_inputs, "the layer's input"),
    (_with_grad, "torch.no_grad()"),
    (lambda model, x, names: list(names), "expected a dict"),
    (lambda model, x, names: {n: None for n in names[:1]}, "expected the keys"),
])
def test_collect_activations_mistakes_are_named(wrong, hint):
    result = check_collect_activations(wrong, verbose=False)
    assert result.points < 3 and hint in _messages(result)


def test_checks_never_raise():
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    for check in (check_grad_cam_from, check_mass_in_box, check_collect_activations):
        for fn in (explode, 42, lambda *a: np.full((99,), np.nan)):
            result = check(fn, verbose=False)
            assert result.points == 0 and result.messages


def test_exercise_notebooks_are_generated_and_the_source_shows_full_marks(repo_root):
    assert_generated_with_full_marks(
        "visualizing", repo_root / "exercises/source/12_visualizing_cnns.ipynb",
        repo_root / "exercises/12_visualizing_cnns.ipynb", stubs=3)
