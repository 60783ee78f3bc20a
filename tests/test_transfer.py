"""Transfer-learning helpers: counts equal hand-computed numbers, frozen weights and BN statistics
do not move in a training step, features equal the base's forward pass, parameter groups carry
their rates, the pretraining cache round-trips (and a missing file retrains), and the ImageNet
helper says what to install when torchvision is missing."""

from __future__ import annotations

import builtins
import sys
import types
from collections import OrderedDict

import pytest
import torch
from torch import nn

from course_lib.data import DeviceBatches, ImageSet
from course_lib.models import ConvNet
from course_lib.pretrained import (
    ImageNetUnavailable,
    PretrainSpec,
    imagenet_backbone,
    imagenet_backbone_or_none,
    pretrained_cnn,
)
from course_lib.profile import PROFILES
from course_lib.training import TrainConfig, fit
from course_lib.transfer import (
    FeatureBatches,
    block_features,
    count_parameters,
    extract_features,
    freeze,
    linear_probe,
    param_groups,
    replace_head,
    trainable_table,
    unfreeze,
)


def small_net() -> ConvNet:
    torch.manual_seed(0)
    return ConvNet(3, 8, widths=(4, 8), hidden=16, image_size=8, batch_norm=True)


# Hand counts for small_net: stage1 conv 3·4·9 = 108 (no bias with BN) + BN 2·4 = 8 → 116;
# stage2 conv 4·8·9 = 288 + BN 16 → 304; fc1 (8·2·2 = 32) · 16 + 16 = 528; fc2 16·8 + 8 = 136.
STAGE1, STAGE2, FC1, FC2 = 116, 304, 528, 136
TOTAL = STAGE1 + STAGE2 + FC1 + FC2  # 1,084


def test_counts_match_hand_computed_numbers():
    model = small_net()
    assert count_parameters(model).total == TOTAL == 1084
    freeze(model, "features")
    c = count_parameters(model)
    assert (c.trainable, c.frozen) == (FC1 + FC2, STAGE1 + STAGE2)
    unfreeze(model, "features.stage2")
    assert count_parameters(model).trainable == STAGE2 + FC1 + FC2
    assert str(count_parameters(freeze(small_net()))) == "0 of 1,084 parameters trainable (0.0%)"
    table = trainable_table(model)
    assert "features.stage1" in table and "frozen" in table and "partly" in table


def test_replace_head_returns_the_old_one_and_the_new_one_trains():
    model = freeze(small_net())
    old = replace_head(model, "classifier", nn.Sequential(nn.Flatten(), nn.Linear(32, 2)))
    assert isinstance(old, nn.Sequential) and old.fc2.out_features == 8
    assert count_parameters(model).trainable == 32 * 2 + 2
    assert model(torch.randn(3, 3, 8, 8)).shape == (3, 2)
    replace_head(model, "classifier.1", nn.Linear(32, 5))  # a dotted name works too
    assert model(torch.randn(1, 3, 8, 8)).shape == (1, 5)
    with pytest.raises(ValueError, match="no submodule"):
        replace_head(model, "head", nn.Identity())


def test_unknown_prefix_is_a_clear_error():
    with pytest.raises(ValueError, match="features, classifier"):
        freeze(small_net(), "feature.stage1")


def _batches(n: int = 32, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    data = ImageSet(torch.randint(0, 256, (n, 3, 8, 8), dtype=torch.uint8, generator=g),
                    torch.randint(0, 8, (n,), generator=g), tuple("abcdefgh"), "random")
    return DeviceBatches(data, 8, "cpu", shuffle=True, mean=(0.5,) * 3, std=(0.25,) * 3)


def test_frozen_weights_and_bn_statistics_do_not_move_in_training():
    model = freeze(small_net(), "features.stage1")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    fit(model, _batches(), config=TrainConfig(epochs=1, lr=0.1), progress=False)
    assert model.training  # fit left the model in train mode ...
    assert not model.features.stage1.bn1.training  # ... but the frozen BN stays in eval mode
    after = model.state_dict()
    for key, value in before.items():
        same = torch.equal(after[key], value)
        assert same == key.startswith("features.stage1."), key  # frozen: bit-identical
    # BN running statistics: unchanged in the frozen stage, updated in the trained one
    assert torch.equal(after["features.stage1.bn1.running_mean"],
                       before["features.stage1.bn1.running_mean"])
    assert not torch.equal(after["features.stage2.bn1.running_mean"],
                           before["features.stage2.bn1.running_mean"])


def test_unfreeze_gives_bn_back_to_train_and_eval():
    model = freeze(small_net())
    model.train()
    assert not model.features.stage2.bn1.training
    unfreeze(model)
    assert model.features.stage2.bn1.training and all(p.requires_grad
                                                      for p in model.parameters())
    model.eval()
    assert not model.features.stage2.bn1.training
    kept = unfreeze(freeze(small_net()), "features.stage2", bn_stays_eval=True).train()
    assert kept.features.stage2.conv1.weight.requires_grad and not kept.features.stage2.bn1.training


def test_features_equal_the_base_forward_and_need_no_graph():
    model = small_net()
    model.train()
    batches = _batches(20)
    batches.shuffle = False
    feats = extract_features(model.features, batches)
    assert model.training  # the mode is restored afterwards
    x, y = torch.cat([b[0] for b in batches]), torch.cat([b[1] for b in batches])
    model.eval()
    with torch.no_grad():
        expected = model.features(x)  # eval mode: BN uses its running statistics
    assert feats.tensors[0].shape == (20, 8, 2, 2) and not feats.tensors[0].requires_grad
    assert torch.equal(feats.tensors[0], expected) and torch.equal(feats.tensors[1], y)


def test_features_in_fixed_order_are_exact():
    model = small_net()
    x = torch.randn(10, 3, 8, 8)
    pairs = [(x[:6], torch.zeros(6, dtype=torch.long)), (x[6:], torch.ones(4, dtype=torch.long))]
    feats = extract_features(model.features, pairs)
    model.eval()
    with torch.no_grad():
        assert torch.equal(feats.tensors[0], model.features(x))
    assert feats.tensors[1].tolist() == [0] * 6 + [1] * 4
    head_batches = FeatureBatches(feats, 4, shuffle=True)
    assert len(head_batches) == 3 and sum(len(b[1]) for b in head_batches) == 10


def test_param_groups_carry_their_learning_rates():
    model = freeze(small_net(), "features.stage1")
    groups = param_groups(model, {"features": 1e-4}, default_lr=1e-3)
    assert [(g["name"], g["lr"]) for g in groups] == [("features", 1e-4), ("rest", 1e-3)]
    assert sum(p.numel() for p in groups[0]["params"]) == STAGE2  # frozen stage1 left out
    assert sum(p.numel() for p in groups[1]["params"]) == FC1 + FC2
    opt = torch.optim.SGD(groups, lr=0.5)
    assert [g["lr"] for g in opt.param_groups] == [1e-4, 1e-3]
    with pytest.raises(ValueError, match="no parameters"):
        param_groups(model, {"backbone": 1e-4}, 1e-3)


def test_block_features_and_linear_probe():
    model = small_net()
    per_block, labels = block_features(model.features, _batches(24), pool=2)
    assert [f.shape for f in per_block] == [(24, 16), (24, 32)] and labels.shape == (24,)
    x = torch.randn(200, 2).numpy()
    y = (x[:, 0] > 0).astype(int)
    assert linear_probe(x[:100], y[:100], x[100:], y[100:], C=10.0) > 0.9


def test_checkpoint_round_trip_and_missing_cache_retrains(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    spec = PretrainSpec.for_profile(PROFILES["smoke"], train_per_class=8, val_per_class=4,
                                    epochs=1, widths=(4, 8, 8), hidden=8)
    first = pretrained_cnn(spec, progress=False)
    assert first.trained_now and first.path == tmp_path / "pretrained" / spec.filename
    assert "No cached weights" in capsys.readouterr().out
    second = pretrained_cnn(spec, progress=False)
    assert not second.trained_now
    for key, value in first.model.state_dict().items():
        assert torch.equal(second.model.state_dict()[key], value), key
    assert second.history[-1].test_acc == first.history[-1].test_acc
    first.path.unlink()  # a missing file is trained again, from the same seed: same weights
    third = pretrained_cnn(spec, progress=False)
    assert third.trained_now
    assert torch.equal(third.model.features.stage1.conv1.weight,
                       first.model.features.stage1.conv1.weight)


def test_an_interrupted_pretraining_stops_and_resumes(tmp_path, monkeypatch, capsys):
    """Ctrl-C during pretraining stops the caller (chapter 11 would otherwise go on with a
    half-pretrained base); the checkpoint keeps the completed epoch and the next call resumes."""
    import importlib

    fit_module = importlib.import_module("course_lib.training.fit")
    real = fit_module.train_one_epoch
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    spec = PretrainSpec.for_profile(PROFILES["smoke"], train_per_class=8, val_per_class=4,
                                    epochs=2, widths=(4, 8, 8), hidden=8)
    calls = []

    def second_epoch_interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(fit_module, "train_one_epoch", second_epoch_interrupted)
    with pytest.raises(KeyboardInterrupt):
        pretrained_cnn(spec, progress=False)
    assert "Interrupted during epoch 2: the experiment stops here" in capsys.readouterr().out
    resumed = pretrained_cnn(spec, progress=False)
    assert "Resuming from" in capsys.readouterr().out and len(resumed.history) == 2


def test_cache_file_names_separate_profiles():
    smoke, quick = (PretrainSpec.for_profile(PROFILES[p]) for p in ("smoke", "quick"))
    assert smoke.filename != quick.filename
    assert (smoke.train_per_class, smoke.val_per_class, smoke.epochs) == (125, 62, 1)
    assert (quick.train_per_class, quick.val_per_class, quick.epochs) == (2500, 500, 3)
    full = PretrainSpec.for_profile(PROFILES["full"])
    assert (full.train_per_class, full.val_per_class) == (4500, 500)  # all 40,000 images
    assert "e3" in quick.filename and "s0" in quick.filename and "n2500x8" in quick.filename


def test_imagenet_helper_says_what_to_install(monkeypatch, capsys):
    real_import = builtins.__import__

    def no_torchvision(name, *args, **kwargs):
        if name == "torchvision" or name.startswith("torchvision."):
            raise ImportError("No module named 'torchvision'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torchvision)
    with pytest.raises(ImageNetUnavailable, match="pip install torchvision"):
        imagenet_backbone()
    assert imagenet_backbone_or_none() is None
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "pip install torchvision" in out


def test_imagenet_helper_uses_the_weights_api(monkeypatch):
    calls = {}

    class Weights:
        def transforms(self):
            return "preprocess"

    def get_model(arch, weights):
        calls["args"] = (arch, weights)
        return nn.Sequential(OrderedDict(body=nn.Conv2d(3, 4, 1), fc=nn.Linear(4, 1000)))

    fake = types.SimpleNamespace(models=types.SimpleNamespace(
        get_model=get_model,
        get_model_weights=lambda arch: types.SimpleNamespace(DEFAULT=Weights())))
    monkeypatch.setitem(sys.modules, "torchvision", fake)
    backbone, preprocess = imagenet_backbone("resnet18")
    assert calls["args"][0] == "resnet18" and isinstance(calls["args"][1], Weights)
    assert isinstance(backbone.fc, nn.Identity) and preprocess == "preprocess"

    def offline(arch, weights):
        raise OSError("network unreachable")

    fake.models.get_model = offline
    with pytest.raises(ImageNetUnavailable, match="network access"):
        imagenet_backbone("resnet18")


def test_imagenet_probe_runs_features_through_the_backbone():
    from course_lib.pretrained import imagenet_probe

    g = torch.Generator().manual_seed(0)
    labels = torch.arange(40) % 2
    images = torch.randint(0, 100, (40, 3, 8, 8), dtype=torch.uint8, generator=g)
    images[labels == 1] += 120  # dogs are brighter: any sensible feature separates them
    data = ImageSet(images, labels, ("cat", "dog"), "toy")
    backbone = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())  # (N, 3) mean colours
    seen = []

    def preprocess(x):
        seen.append(x.shape)
        return x * 2 - 1

    assert imagenet_probe(backbone, preprocess, data, data, batch_size=16) == 1.0
    assert seen[0] == (16, 3, 8, 8) and len(seen) == 6  # 3 batches per set
