"""Tests of the SVM explorer and the decision-boundary helpers: the render shows the fitted SVM's
numbers (accuracy, support vectors, margin), the toy datasets are what they claim, and the
kernel-free slider and the live widget work."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from matplotlib.figure import Figure
from sklearn.svm import SVC

from course_lib.boundaries import TOY_DATASETS, make_toy_2d, plot_decision_function, score_grid
from course_lib.explorers import render_svm_boundary, svm_explorer, svm_explorer_static
from course_lib.explorers.frames import PNG_MAGIC
from course_lib.explorers.svm import fit_svm


def _title(fig: Figure) -> str:
    return fig.axes[0].get_title()


@pytest.mark.parametrize("name", TOY_DATASETS)
def test_toy_datasets_shapes_and_labels(name):
    x, y = make_toy_2d(name, n_samples=100, seed=1)
    assert x.shape == (100, 2) and set(np.unique(y)) == {0, 1}
    assert np.array_equal(make_toy_2d(name, n_samples=100, seed=1)[0], x)  # seeded


def test_xor_toy_labels_follow_the_corners():
    x, y = make_toy_2d("xor", n_samples=400, noise=0.05, seed=0)
    corner = (x > 0.5).astype(int)
    assert np.array_equal(y, corner[:, 0] ^ corner[:, 1])
    with pytest.raises(ValueError, match="unknown toy dataset"):
        make_toy_2d("spirals")


def test_score_grid_and_plot_decision_function():
    x = np.array([[0.0, 0.0], [1.0, 1.0]])
    xx, yy, s = score_grid(lambda p: p[:, 0] - 0.5, x, resolution=11, pad=0.0)
    assert xx.shape == yy.shape == s.shape == (11, 11)
    assert np.allclose(s[0], np.linspace(-0.5, 0.5, 11))
    fig = Figure()
    ax = fig.subplots()
    plot_decision_function(ax, lambda p: p[:, 0] - 0.5, x, np.array([0, 1]), margins=(-1, 0.25),
                           highlight=x[:1])
    assert ax.get_xlim() == (-0.5, 1.5)
    labels = [h.get_label() for h in ax.collections if h.get_label()[:1] != "_"]
    assert labels == ["class 0", "class 1", "support vectors"]


def test_render_reports_the_fitted_svm():
    fig = render_svm_boundary("rbf", C=10.0, gamma=2.0, dataset="moons")
    x, y = make_toy_2d("moons")
    svm = SVC(kernel="rbf", C=10.0, gamma=2.0).fit(x, y)
    acc = round(100 * float(np.mean(svm.predict(x) == y)))
    title = _title(fig)
    assert "rbf kernel, C = 10, gamma = 2" in title
    assert f"train accuracy {acc}%" in title
    assert f"{len(svm.support_vectors_)} support vectors" in title


def test_linear_kernel_title_gives_the_margin():
    fig = render_svm_boundary("linear", C=1.0, dataset="blobs")
    svm = fit_svm(*make_toy_2d("blobs"), kernel="linear", C=1.0)
    margin = 2 / np.linalg.norm(svm.coef_)
    assert f"margin 2/‖w‖ = {margin:.2f}" in _title(fig) and "gamma" not in _title(fig)
    assert "train accuracy 100%" in _title(fig)  # two well separated blobs


def test_smaller_c_widens_the_margin_and_uses_more_support_vectors():
    def numbers(C):
        title = _title(render_svm_boundary("linear", C=C, dataset="moons"))
        return (int(re.search(r"(\d+) support vectors", title).group(1)),
                float(re.search(r"= ([\d.]+)$", title).group(1)))

    (sv_soft, margin_soft), (sv_hard, margin_hard) = numbers(0.01), numbers(100.0)
    assert sv_soft > sv_hard and margin_soft > margin_hard


@pytest.mark.parametrize(("kwargs", "message"), [({"kernel": "sigmoid"}, "kernel must be"),
                                                 ({"C": 0.0}, "must be positive"),
                                                 ({"dataset": "spirals"}, "unknown toy")])
def test_render_rejects_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        render_svm_boundary(**kwargs)


def test_static_explorer_frames():
    slider = svm_explorer_static(dpi=30)
    assert len(slider) == 12
    assert slider.labels[0] == "linear, C=0.01" and slider.labels[-1] == "rbf, C=100, gamma=10"
    assert all(f[:8] == PNG_MAGIC for f in slider.frames)
    assert len(set(slider.frames)) == 12  # every setting draws something different


def test_live_explorer_rerenders_and_reports_mistakes():
    explorer = svm_explorer()
    assert set(explorer.controls) == {"dataset", "kernel", "C", "gamma"}
    before = explorer.output.outputs
    explorer.controls["C"].value = 100.0
    after = explorer.output.outputs
    assert after != before
    assert base64.b64decode(after[0]["data"]["image/png"])[:8] == PNG_MAGIC
    explorer.controls["dataset"].value = "circles"
    assert "image/png" in explorer.output.outputs[0]["data"]
