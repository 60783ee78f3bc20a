"""The batch-norm explorer: after BN the batch has mean β and standard deviation γ, saturation is
counted with σ'(z) < 0.05, normalizing a badly placed batch unsaturates it, and the slider and
live widget work."""

from __future__ import annotations

import re

import numpy as np
import pytest

from course_lib.explorers import batchnorm_explorer, batchnorm_explorer_static, render_batchnorm
from course_lib.explorers.batchnorm import SATURATION_THRESHOLD, sigmoid_grad


def _stats(ax) -> dict[str, float]:
    text = ax.get_title()
    mean = float(re.search(r"mean ([+−-]?[\d.]+),", text).group(1).replace("−", "-"))
    std = float(re.search(r"std ([\d.]+)", text).group(1))
    saturated = float(re.search(r"saturated (\d+)%", text).group(1)) / 100
    return {"mean": mean, "std": std, "saturated": saturated}


def test_after_bn_the_batch_has_mean_beta_and_std_gamma():
    fig = render_batchnorm(mean=3.0, std=4.0, gamma=2.0, beta=1.0)
    before, after = _stats(fig.axes[0]), _stats(fig.axes[1])
    assert before["mean"] == pytest.approx(3.0, abs=0.5) and before["std"] == pytest.approx(4, 0.1)
    assert after["mean"] == pytest.approx(1.0, abs=0.01)
    assert after["std"] == pytest.approx(2.0, abs=0.01)
    assert after["saturated"] < before["saturated"]


def test_saturation_threshold():
    assert sigmoid_grad(np.array([0.0]))[0] == 0.25
    assert sigmoid_grad(np.array([2.88]))[0] > SATURATION_THRESHOLD > sigmoid_grad(
        np.array([2.89]))[0]
    fig = render_batchnorm(mean=0.0, std=0.5, gamma=6.0)  # a large γ saturates again
    assert _stats(fig.axes[1])["saturated"] > 0.5 > _stats(fig.axes[0])["saturated"]


def test_without_bn_the_batch_is_unchanged_and_errors_are_clear():
    fig = render_batchnorm(normalize=False)
    assert _stats(fig.axes[0]) == _stats(fig.axes[1])
    with pytest.raises(ValueError, match="std"):
        render_batchnorm(std=0)
    with pytest.raises(ValueError, match="gamma"):
        batchnorm_explorer_static("delta")


def test_static_sliders_and_live_widget():
    gamma = batchnorm_explorer_static("gamma")
    beta = batchnorm_explorer_static("beta")
    assert gamma.labels[0] == "γ = 0.25" and "β = 0" in beta.labels
    explorer = batchnorm_explorer()
    before = explorer.output.outputs
    explorer.controls["gamma"].value = 3.0
    assert explorer.output.outputs != before
