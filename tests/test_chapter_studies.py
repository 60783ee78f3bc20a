"""The multi-seed experiments of chapters 07-09 (`bn_learning_rate`, `augmentation_study`,
`training.seeded`), run at toy sizes: their tables and selections report what the runs did."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch
from torch import nn

from course_lib.augmentation_study import Variant, augmentation_study, pets_cnn
from course_lib.bn_learning_rate import bn_learning_rate_sweep, sweep_cnn
from course_lib.profile import get_profile
from course_lib.training import TrainConfig, compare_seeds

TINY = replace(get_profile("smoke"), max_train=128, max_test=128, seeds=2)


def test_sweep_cnn_differs_only_by_batch_norm():
    plain, normed = sweep_cnn(False), sweep_cnn(True)
    x = torch.randn(4, 1, 28, 28)
    assert plain(x).shape == normed(x).shape == (4, 10)
    assert sum(isinstance(m, nn.BatchNorm2d) for m in normed.modules()) == 2
    assert sum(isinstance(m, nn.BatchNorm1d) for m in normed.modules()) == 1
    assert not any(isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)) for m in plain.modules())
    # Normalized layers drop their bias: β replaces it.
    assert all(m.bias is None for m in normed.modules() if isinstance(m, nn.Conv2d))
    assert all(m.bias is not None for m in plain.modules() if isinstance(m, nn.Conv2d))


def test_learning_rate_sweep_records_every_condition_rate_and_seed():
    sweep = bn_learning_rate_sweep(TINY, lrs=(0.03, 50.0))
    assert sweep.n_train == 128 and sweep.seeds == (0, 1)
    for condition in ("with BN", "without BN"):
        for lr in sweep.lrs:
            values = sweep.at(condition, lr)
            assert len(values) == 2 and all(0 <= v <= 100 for v in values)
    # At a rate of 50 with momentum 0.9 the plain network does not train in any seed.
    assert max(sweep.at("without BN", 50.0)) < 25
    assert all(isinstance(d, bool) for d in sweep.diverged["without BN"][1])
    table = sweep.table().splitlines()
    assert len(table) == 3 and table[2].strip().startswith("50")
    fig = sweep.plot()
    assert fig.axes[0].get_xlabel().startswith("learning rate")


def test_augmentation_study_keeps_the_best_validation_epoch():
    study = augmentation_study(TINY, variants={"baseline": Variant(None),
                                               "dropout": Variant(None, 0.5)}, epochs=3)
    assert study.n_train == 128 and study.n_val == 128 and study.n_test == 1000
    for runs in study.runs.values():
        assert len(runs) == 2
        for r in runs:
            val = r.history.column("test_acc")
            assert r.val_acc == max(val) and val[r.best_epoch - 1] == r.val_acc
            assert 0 <= r.test_acc <= 1 and 0 <= r.train_acc <= 1
    assert "dropout" in study.table() and len(study.values("baseline", "test_acc")) == 2
    assert isinstance(pets_cnn(0.5).classifier.drop1, nn.Dropout)


def test_compare_seeds_reseeds_each_run():
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(64, 1, 4, 4, generator=g), torch.randint(0, 2, (64,), generator=g)
    data = [(x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)]
    models = {"linear": lambda: nn.Sequential(nn.Flatten(), nn.Linear(16, 2)),
              "mlp": lambda: nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.ReLU(),
                                           nn.Linear(8, 2))}
    config = TrainConfig(epochs=2, lr=0.1, channels_last=False)
    runs = compare_seeds(models, lambda seed: data, data, config, "cpu", (1, 4, 4), seeds=3)
    assert runs.seeds == [0, 1, 2] and runs.names == ["linear", "mlp"]
    first = [c["linear"].history[-1].train_loss for c in runs.comparisons]
    assert len(set(first)) == 3  # different initial weights per seed
    assert all(math.isfinite(v) and 0 <= v <= 100 for v in runs.values("mlp"))
    assert "mean ± sd over 3 seed(s)" in repr(runs) and "<table>" in runs._repr_html_()


@pytest.mark.parametrize("name", ["3a", "5b"])
def test_inception_diagram_shows_the_tables_filters(name):
    from course_lib.block_diagrams import inception_diagram
    from course_lib.models.googlenet import INCEPTION_TABLE

    s = INCEPTION_TABLE[name]
    texts = [t.get_text() for t in inception_diagram(name=name).axes[0].texts]
    assert f"5×5 conv\n{s.c5} filters" in texts and f"1×1 conv\n{s.c5_reduce} filters" in texts
    assert any(f"= {s.out_channels} channels" in t for t in texts)


def test_vgg_diagram_has_one_box_per_group_and_the_fc_layers():
    from course_lib.block_diagrams import vgg_stack_diagram

    texts = [t.get_text() for t in vgg_stack_diagram("vgg16").axes[0].texts]
    groups = [t for t in texts if "× conv" in t]
    assert groups == ["2 × conv\n3×3, 64\n224×224", "2 × conv\n3×3, 128\n112×112",
                      "3 × conv\n3×3, 256\n56×56", "3 × conv\n3×3, 512\n28×28",
                      "3 × conv\n3×3, 512\n14×14"]
    assert texts.count("FC\n4096") == 2 and "FC\n1000" in texts
