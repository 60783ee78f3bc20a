"""course_lib.regularizer_comparison: the regularizer experiment's settings, networks and tables,
on a tiny run (a few hundred digits, two epochs, two seeds)."""

from __future__ import annotations

import pytest
import torch

from course_lib.profile import PROFILES
from course_lib.regularizer_comparison import (
    REGULARIZERS,
    RegularizerSpec,
    compare_regularizers,
)


def test_spec_follows_the_profile_and_builds_the_networks():
    quick, smoke = PROFILES["quick"], PROFILES["smoke"]
    mlp = RegularizerSpec.for_profile(quick)
    assert (mlp.network, mlp.epochs, mlp.seeds, mlp.test_images) == ("MLP", 30, (0, 1, 2), 5000)
    assert RegularizerSpec.for_profile(quick, "CNN").epochs == 18
    assert RegularizerSpec.for_profile(smoke).seeds == (0,)
    assert RegularizerSpec.for_profile(smoke).test_images == 500
    drops = [m.p for m in mlp.build("dropout").modules() if isinstance(m, torch.nn.Dropout)]
    assert drops == [0.2, 0.5, 0.5]  # input pixels, then each hidden layer
    assert not any(isinstance(m, torch.nn.Dropout) for m in mlp.build("weight decay").modules())
    cnn = RegularizerSpec(network="CNN")
    assert cnn.build("dropout")(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    assert mlp.config("weight decay", 1).weight_decay == 0.01
    assert mlp.config("dropout", 1).weight_decay == 0.0
    config = mlp.config("no regularization", 2)
    assert (config.momentum, config.nesterov, config.schedule, config.seed) == (
        0.9, False, "constant", 2)
    with pytest.raises(ValueError, match="network"):
        RegularizerSpec(network="ResNet")
    with pytest.raises(ValueError, match="regularizer"):
        mlp.config("early stopping", 0)


def test_a_tiny_comparison_tabulates_every_run_on_one_test_set():
    spec = RegularizerSpec(train_images=200, test_images=100, epochs=2, seeds=(0, 1))
    result = compare_regularizers(spec, "cpu")
    assert len(result.runs) == len(REGULARIZERS) * 2
    for reg in REGULARIZERS:
        for seed in (0, 1):
            run = result.run(reg, seed)
            assert run.test["samples"] == 100 and run.train["samples"] == 200
            assert len(run.history) == 2
        acc = result.values(reg, "test_acc")
        assert len(acc) == 2 and all(0 <= a <= 100 for a in acc)
        gaps = result.values(reg, "gap")
        assert gaps == pytest.approx([a - b for a, b in zip(
            result.values(reg, "train_acc"), acc, strict=True)])
        lowest = result.values(reg, "lowest_test_loss")
        assert all(lo <= max(r.history.column("test_loss"))
                   for lo, r in zip(lowest, (result.run(reg, s) for s in (0, 1)), strict=True))
    # A seed starts every regularizer from the same weights: the first layers agree before
    # training, so the runs differ only by the regularizer.
    first = [next(spec.build(reg).parameters()) for reg in REGULARIZERS
             if torch.manual_seed(0) is not None]
    assert all(torch.equal(first[0], p) for p in first[1:])
    table = result.table()
    assert table.splitlines()[0].split()[:3] == ["train", "acc", "%"]
    assert all(reg in table for reg in REGULARIZERS) and "±" in table
    fig = result.plot()
    assert [ax.get_xlabel() for ax in fig.axes[:3]] == ["epoch"] * 3
    assert fig.axes[0].get_yscale() == "log"
    with pytest.raises(KeyError, match="metric"):
        result.values("dropout", "f1")
