"""Tests for course_lib.training: the epoch loops, fit (with resume and interrupts), History and
checkpoints. Everything runs on the CPU on a linearly separable toy problem in well under a second
per test."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn

from course_lib.profile import PROFILES
from course_lib.training import (
    EpochRecord,
    History,
    TrainConfig,
    autocast_dtype,
    build_optimizer,
    evaluate,
    fit,
    load_checkpoint,
    read_checkpoint,
    save_checkpoint,
    train_one_epoch,
)

CPU = torch.device("cpu")


def toy_data(n: int = 384, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, 1, 4, 4) images labelled by the sign of a fixed linear function, with a margin."""
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(16, generator=g)
    x = torch.randn(3 * n, 16, generator=g)
    score = x @ w / w.norm()  # signed distance to the separating hyperplane
    keep = score.abs() > 0.5  # a margin makes "> 95%" a fair bar for a few epochs
    x, score = x[keep][:n], score[keep][:n]
    return x.reshape(n, 1, 4, 4), (score > 0).long()  # (N, C, H, W), (N,)


def batched(x, y, batch_size: int = 32) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(x[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(x), batch_size)]


class EpochShuffled:
    """A stand-in for DeviceBatches whose order is a function of (seed, epoch) via `set_epoch`."""

    def __init__(self, x, y, batch_size: int = 32, seed: int = 0, interrupt_at: int | None = None):
        self.x, self.y, self.batch_size, self.seed = x, y, batch_size, seed
        self.epoch, self.interrupt_at = 1, interrupt_at

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return math.ceil(len(self.x) / self.batch_size)

    def __iter__(self):
        # Like DeviceBatches, each new iteration is the next epoch unless set_epoch says which.
        epoch, self.epoch = self.epoch, self.epoch + 1
        order = torch.randperm(len(self.x), generator=torch.Generator().manual_seed(
            self.seed * 1000 + epoch))
        for step, i in enumerate(range(0, len(order), self.batch_size)):
            if epoch == self.interrupt_at and step == 2:
                raise KeyboardInterrupt  # as if Ctrl-C were pressed mid-epoch
            idx = order[i:i + self.batch_size]
            yield self.x[idx], self.y[idx]


def make_model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(16, 16), nn.BatchNorm1d(16), nn.ReLU(),
                         nn.Dropout(0.1), nn.Linear(16, 2))


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    # These tensors are tiny: on a shared 2-core machine OpenMP's thread hand-offs cost 20× more
    # than the arithmetic (0.7 s vs 0.03 s for a 6-epoch fit), so run single-threaded.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def data():
    x, y = toy_data()
    return batched(x[:256], y[:256]), batched(x[256:], y[256:], batch_size=64)


def without_seconds(history: History) -> list[tuple]:
    """Every metric but the wall time, which differs between runs."""
    return [(r.epoch, r.train_loss, r.train_acc, r.test_loss, r.test_acc, r.lr) for r in history]


def weights(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in model.state_dict().items()}


# ----------------------------------------------------------------------------- the loops


def test_fit_learns_a_linearly_separable_problem(data, capsys):
    train, test = data
    history = fit(make_model(), train, test, TrainConfig(epochs=6, lr=0.2), device=CPU)
    assert len(history) == 6 and history.column("epoch") == [1, 2, 3, 4, 5, 6]
    assert history[-1].test_acc > 0.95
    assert history[-1].train_loss < history[0].train_loss
    # OneCycle anneals to ~0 by the last step, and the record holds the end-of-epoch rate.
    assert history[-1].lr < 1e-3 < history[0].lr


def test_train_one_epoch_lowers_the_loss_and_steps_the_scheduler_per_step(data):
    train, _ = data
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    before = evaluate(model, train)
    metrics = [train_one_epoch(model, train, optimizer, scheduler=scheduler) for _ in range(3)]
    after = evaluate(model, train)
    assert model.training is False  # evaluate leaves eval mode
    assert metrics[0]["samples"] == 256 and metrics[0]["seconds"] > 0
    assert scheduler.last_epoch == 3 * len(train)
    assert after["loss"] < 0.5 * before["loss"]
    assert metrics[-1]["loss"] < metrics[0]["loss"]
    assert 0.0 <= metrics[-1]["acc"] <= 1.0


def test_evaluate_matches_a_hand_computation():
    model = nn.Linear(2, 3)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]))
        model.bias.copy_(torch.tensor([0.0, 0.5, 0.0]))
    xs = [[2.0, 1.0], [0.0, 0.0], [-1.0, -2.0], [1.0, 3.0], [0.5, 0.5]]
    ys = [0, 1, 2, 0, 1]
    # Two batches of unequal size: the mean must be over samples, not over batch means.
    batches = [(torch.tensor(xs[:3]), torch.tensor(ys[:3])),
               (torch.tensor(xs[3:]), torch.tensor(ys[3:]))]
    losses, correct = [], 0
    for (a, b), y in zip(xs, ys, strict=True):
        logits = [a, b + 0.5, -a - b]
        log_z = math.log(sum(math.exp(v) for v in logits))
        losses.append(log_z - logits[y])
        correct += max(range(3), key=lambda k: logits[k]) == y
    # By hand: predictions 0, 1, 2, 1, 1 -> 4 of 5 correct.
    assert correct == 4
    result = evaluate(model, batches)
    assert result["samples"] == 5
    assert result["acc"] == pytest.approx(0.8)
    assert result["loss"] == pytest.approx(sum(losses) / 5, rel=1e-6)


def test_evaluate_changes_nothing_and_leaves_no_gradients(data):
    _, test = data
    model = make_model()
    model.train()
    state = weights(model)
    result = evaluate(model, test)
    assert all(p.grad is None for p in model.parameters())
    assert all(torch.equal(v, state[k]) for k, v in model.state_dict().items())  # BN stats too
    assert model.training is False and torch.is_grad_enabled()
    assert result["samples"] == 128


def test_evaluate_tta_flip_averages_the_logits_of_both_mirrors():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(6, 3))  # not mirror-symmetric
    x, y = torch.randn(5, 1, 2, 3), torch.tensor([0, 1, 2, 0, 1])
    with torch.no_grad():
        logits = (model(x) + model(torch.flip(x, dims=[3]))) / 2
    expected = F.cross_entropy(logits, y).item()
    assert evaluate(model, [(x, y)], tta_flip=True)["loss"] == pytest.approx(expected, rel=1e-6)
    assert evaluate(model, [(x, y)])["loss"] != pytest.approx(expected, rel=1e-6)


def test_grad_clip_bounds_every_step(data):
    train, _ = data
    clip, lr = 1e-3, 1.0
    moved = {}
    for grad_clip in (clip, None):
        model = nn.Sequential(nn.Flatten(), nn.Linear(16, 2))
        start = torch.cat([p.detach().flatten().clone() for p in model.parameters()])
        train_one_epoch(model, train, torch.optim.SGD(model.parameters(), lr=lr),
                        grad_clip=grad_clip)
        end = torch.cat([p.detach().flatten() for p in model.parameters()])
        moved[grad_clip] = (end - start).norm().item()
    # Plain SGD moves at most lr × clip per step (triangle inequality over the steps).
    assert moved[clip] <= len(train) * lr * clip * (1 + 1e-5)
    assert moved[None] > 10 * moved[clip]


def test_mixed_precision_only_on_cuda():
    assert autocast_dtype("cpu", amp=True) is None
    assert autocast_dtype("cpu") is None
    assert autocast_dtype("cuda", amp=False) is None


def test_empty_batches_give_a_clear_error():
    with pytest.raises(ValueError, match="empty"):
        evaluate(nn.Linear(2, 2), [])


# ----------------------------------------------------------------------------- config


def test_train_config_validation_names_the_choices():
    with pytest.raises(ValueError, match=r"Unknown optimizer 'adam': choose one of 'sgd', 'adamw'"):
        TrainConfig(optimizer="adam")
    with pytest.raises(ValueError, match="Unknown schedule 'step'"):
        TrainConfig(schedule="step")
    with pytest.raises(ValueError, match="nesterov=True needs momentum > 0"):
        TrainConfig(momentum=0.0)
    with pytest.raises(ValueError, match="epochs must be an integer"):
        TrainConfig(epochs=0)
    adamw = TrainConfig(optimizer="AdamW")
    assert adamw.optimizer == "adamw" and adamw.lr == 1e-3 and adamw.weight_decay == 0.05
    assert TrainConfig().replace(lr=0.3).lr == 0.3
    assert TrainConfig().replace(optimizer="adamw").lr == 1e-3  # not SGD's 0.05
    assert TrainConfig(lr=0.01).replace(optimizer="adamw").lr == 0.01  # set by hand: kept


def test_for_profile_sizes_a_run_from_the_profile():
    smoke, full = PROFILES["smoke"], PROFILES["full"]
    config = TrainConfig.for_profile(smoke, seed=3)
    assert (config.epochs, config.compile, config.seed) == (smoke.epochs, smoke.compile, 3)
    assert TrainConfig.for_profile(full, epochs_scale=5).epochs == 5 * full.epochs
    assert TrainConfig.for_profile(full).compile is full.compile
    assert TrainConfig.for_profile(smoke, epochs_scale=2, epochs=7).epochs == 7  # a change wins
    with pytest.raises(ValueError, match="epochs_scale"):
        TrainConfig.for_profile(smoke, epochs_scale=0)


def test_weight_decay_skips_biases_and_batchnorm():
    model = make_model()
    optimizer = build_optimizer(model, TrainConfig(weight_decay=1e-3))
    decayed, plain = optimizer.param_groups
    assert decayed["weight_decay"] == 1e-3 and plain["weight_decay"] == 0.0
    assert {p.ndim for p in decayed["params"]} == {2}
    # Three biases plus BatchNorm's weight and bias.
    assert len(plain["params"]) == 4 and {p.ndim for p in plain["params"]} == {1}


def test_fit_needs_a_len():
    with pytest.raises(TypeError, match="needs a len"):
        fit(nn.Linear(2, 2), ((torch.zeros(1, 2), torch.zeros(1).long()) for _ in range(2)),
            device=CPU, progress=False)


# ----------------------------------------------------------------------------- history


def make_history() -> History:
    history = History()
    for epoch, (test_loss, test_acc) in enumerate([(0.9, 0.6), (0.5, 0.8), (0.6, 0.85)], 1):
        history.append(epoch=epoch, train_loss=1.0 / epoch, train_acc=0.5 + 0.1 * epoch,
                       test_loss=test_loss, test_acc=test_acc, seconds=1.5, lr=0.1 / epoch)
    return history


def test_history_best_round_trip_and_table():
    history = make_history()
    assert len(history) == 3 and isinstance(history[0], EpochRecord)
    assert history.best("test_acc").epoch == 3
    assert history.best("test_loss").epoch == 2
    with pytest.raises(KeyError, match="Unknown metric"):
        history.best("accuracy")
    assert History.from_dict(history.to_dict()) == history
    text = repr(history)
    assert "best test_acc 0.8500 at epoch 3" in text and "train_loss" in text
    assert len(text.splitlines()) == 1 + 1 + 3  # summary, header, one row per epoch
    assert history._repr_html_().count("<tr>") == 4


def test_history_plot_returns_a_figure_with_loss_and_accuracy():
    fig = make_history().plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_ylabel() == "loss" and acc_ax.get_ylabel() == "accuracy"
    assert [line.get_label() for line in acc_ax.get_lines()] == ["train", "test"]
    assert list(acc_ax.get_lines()[1].get_ydata()) == [0.6, 0.8, 0.85]
    # ticks at whole epochs only, never 1.5
    assert all(float(t).is_integer() for t in acc_ax.get_xticks())
    given = Figure()
    assert make_history().plot(given.subplots(1, 2)) is given
    # Without a test set only the training curves are drawn.
    train_only = History()
    train_only.append(epoch=1, train_loss=0.5, train_acc=0.7)
    assert len(train_only.plot().axes[0].get_lines()) == 1


# ----------------------------------------------------------------------------- checkpoints


def test_checkpoint_round_trip_loads_with_weights_only(tmp_path, data):
    train, _ = data
    model = make_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    train_one_epoch(model, train, optimizer)
    path = save_checkpoint(tmp_path / "run" / "ckpt.pt", model, optimizer,
                           history=make_history(), extra={"note": "toy"})
    raw = torch.load(path, weights_only=True)  # no custom classes inside
    assert raw["epoch"] == 3 and raw["extra"] == {"note": "toy"}
    assert isinstance(raw["history"]["records"][0], dict)

    other = make_model(seed=1)
    other_opt = torch.optim.SGD(other.parameters(), lr=0.1, momentum=0.9)
    epoch, history = load_checkpoint(path, other, other_opt)
    assert epoch == 3 and history == make_history()
    assert all(torch.equal(v, model.state_dict()[k]) for k, v in other.state_dict().items())
    momentum = [s["momentum_buffer"] for s in other_opt.state_dict()["state"].values()]
    expected = [s["momentum_buffer"] for s in optimizer.state_dict()["state"].values()]
    assert all(torch.equal(a, b) for a, b in zip(momentum, expected, strict=True))
    assert sorted(p.name for p in path.parent.iterdir()) == ["ckpt.pt"]  # no temp files left


def test_checkpoint_write_is_atomic(tmp_path, monkeypatch):
    path = save_checkpoint(tmp_path / "ckpt.pt", nn.Linear(2, 2), epoch=1)
    before = path.read_bytes()

    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(path, nn.Linear(2, 2), epoch=2)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]


def test_bad_checkpoints_give_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="No checkpoint"):
        read_checkpoint(tmp_path / "missing.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(RuntimeError, match="delete it to train afresh"):
        read_checkpoint(tmp_path / "junk.pt")
    save_checkpoint(tmp_path / "ckpt.pt", nn.Linear(2, 2))
    with pytest.raises(RuntimeError, match="do not fit this model"):
        load_checkpoint(tmp_path / "ckpt.pt", nn.Linear(3, 2))


# ----------------------------------------------------------------------------- resume


def test_resume_continues_a_shorter_run_exactly(tmp_path, data, capsys):
    train, test = data
    config = TrainConfig(epochs=4, lr=0.1, schedule="constant")
    straight = make_model()
    fit(straight, train, test, config, device=CPU, progress=False)

    path = tmp_path / "ckpt.pt"
    first = fit(make_model(), train, test, config.replace(epochs=2), device=CPU,
                checkpoint=path, progress=False)
    resumed_model = make_model(seed=123)  # a different start: the weights must come from disk
    resumed = fit(resumed_model, train, test, config, device=CPU, checkpoint=path,
                  progress=False)
    out = capsys.readouterr().out
    assert "Resuming from ckpt.pt" in out and str(tmp_path) not in out  # no machine path shown
    assert resumed.column("epoch") == [1, 2, 3, 4] and resumed[:2] == first[:2]
    for k, v in straight.state_dict().items():
        assert torch.equal(resumed_model.state_dict()[k], v), k
    assert read_checkpoint(path)["epoch"] == 4


def test_interrupt_returns_the_history_and_resume_matches_an_unbroken_run(tmp_path, data, capsys):
    x, y = toy_data()
    _, test = data
    config = TrainConfig(epochs=4, lr=0.2)  # OneCycle: the scheduler state must resume too
    straight = make_model()
    expected = fit(straight, EpochShuffled(x[:256], y[:256]), test, config, device=CPU,
                   progress=False)

    def stop_after_two(history: History) -> None:
        if len(history) == 2:
            raise KeyboardInterrupt

    path = tmp_path / "ckpt.pt"
    partial = fit(make_model(), EpochShuffled(x[:256], y[:256]), test, config, device=CPU,
                  checkpoint=path, progress=False, on_epoch_end=stop_after_two)
    assert len(partial) == 2 and read_checkpoint(path)["epoch"] == 2
    assert "Interrupted during epoch 2" in capsys.readouterr().out

    model = make_model(seed=7)
    resumed = fit(model, EpochShuffled(x[:256], y[:256]), test, config, device=CPU,
                  checkpoint=path, progress=False)
    assert without_seconds(resumed) == without_seconds(expected)
    for k, v in straight.state_dict().items():
        assert torch.equal(model.state_dict()[k], v), k


def test_interrupt_inside_an_epoch_keeps_the_completed_epochs(tmp_path, data, capsys):
    x, y = toy_data()
    path = tmp_path / "ckpt.pt"
    batches = EpochShuffled(x[:256], y[:256], interrupt_at=2)
    history = fit(make_model(), batches, None, TrainConfig(epochs=3), device=CPU,
                  checkpoint=path, progress=True)
    out = capsys.readouterr().out
    assert len(history) == 1 and history[0].test_acc is None
    assert "Interrupted during epoch 2: returning 1 completed epoch(s)" in out
    assert str(path) in out and read_checkpoint(path)["epoch"] == 1


def test_interrupt_can_be_raised_after_saving_the_completed_epochs(tmp_path, capsys):
    """Experiments over several runs pass on_interrupt="raise": Ctrl-C stops all of them."""
    x, y = toy_data()
    path = tmp_path / "ckpt.pt"
    batches = EpochShuffled(x[:256], y[:256], interrupt_at=2)
    with pytest.raises(KeyboardInterrupt):
        fit(make_model(), batches, None, TrainConfig(epochs=3), device=CPU, checkpoint=path,
            progress=False, on_interrupt="raise")
    assert "Interrupted during epoch 2: the experiment stops here" in capsys.readouterr().out
    assert read_checkpoint(path)["epoch"] == 1
    with pytest.raises(ValueError, match="on_interrupt must be"):
        fit(make_model(), batches, None, TrainConfig(epochs=1), device=CPU, on_interrupt="stop")


def test_a_finished_checkpoint_loads_without_training(tmp_path, data, capsys):
    train, test = data
    path = tmp_path / "ckpt.pt"
    config = TrainConfig(epochs=2)
    trained = make_model()
    history = fit(trained, train, test, config, device=CPU, checkpoint=path, progress=False)

    class NoTraining(list):
        def __iter__(self):
            raise AssertionError("a finished checkpoint must not train again")

    model = make_model(seed=5)
    again = fit(model, NoTraining(train), NoTraining(test), config, device=CPU,
                checkpoint=path, progress=False)
    assert again == history and "nothing to do" in capsys.readouterr().out
    assert all(torch.equal(model.state_dict()[k], v) for k, v in trained.state_dict().items())


def test_resume_with_another_schedule_length_is_a_clear_error(tmp_path, data):
    train, _ = data
    path = tmp_path / "ckpt.pt"
    fit(make_model(), train, None, TrainConfig(epochs=2), device=CPU, checkpoint=path,
        progress=False)
    with pytest.raises(ValueError, match=r"changes epochs 2 → 4.*resume=False"):
        fit(make_model(), train, None, TrainConfig(epochs=4), device=CPU, checkpoint=path,
            progress=False)
    history = fit(make_model(), train, None, TrainConfig(epochs=4), device=CPU,
                  checkpoint=Path(path), resume=False, progress=False)
    assert len(history) == 4 and read_checkpoint(path)["epoch"] == 4


def test_on_epoch_end_returning_true_stops_early(data):
    train, test = data
    history = fit(make_model(), train, test, TrainConfig(epochs=5), device=CPU, progress=False,
                  on_epoch_end=lambda h: h[-1].epoch == 2)
    assert history.column("epoch") == [1, 2]


def test_use_channels_last_stores_conv_weights_nhwc_and_keeps_the_outputs():
    from course_lib.training import use_channels_last

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                                torch.nn.Linear(8 * 6 * 6, 2))
    x = torch.randn(4, 3, 8, 8)
    before = model(x)
    assert use_channels_last(model, "cpu") is model
    assert model[0].weight.is_contiguous(memory_format=torch.channels_last)
    assert not model[0].weight.is_contiguous()  # really re-laid out, not a no-op
    torch.testing.assert_close(model(x), before, rtol=1e-5, atol=1e-6)
    other = torch.nn.Conv2d(3, 8, 3)
    use_channels_last(other, "meta")  # a device not on the list is left alone
    assert other.weight.is_contiguous()
