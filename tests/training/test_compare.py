"""compare(): every model is counted and trained the same way from the same seed, and the result
tabulates and plots itself."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from course_lib.data import DeviceBatches, ImageSet
from course_lib.training import TrainConfig, compare


def _data() -> ImageSet:
    g = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 3, (48,), generator=g)
    images = torch.randint(0, 60, (48, 1, 6, 6), generator=g, dtype=torch.uint8)
    images[torch.arange(48), 0, labels, labels] = 255  # a learnable pattern per class
    return ImageSet(images, labels, ("a", "b", "c"), "toy")


MODELS = {
    "linear": lambda: nn.Sequential(nn.Flatten(), nn.Linear(36, 3)),
    "conv": lambda: nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Flatten(),
                                  nn.Linear(4 * 4 * 4, 3)),
}


@pytest.fixture(scope="module")
def result():
    batches = DeviceBatches(_data(), 16, "cpu", shuffle=True)
    config = TrainConfig(epochs=3, lr=0.05)
    return compare(MODELS, batches, DeviceBatches(_data(), 48, "cpu"), config, "cpu",
                   (1, 6, 6), progress=False)


def test_runs_are_counted_and_trained(result):
    assert [r.name for r in result.runs] == ["linear", "conv"]
    linear, conv = result["linear"], result["conv"]
    assert (linear.params, linear.mult_adds) == (36 * 3 + 3, 36 * 3)
    assert (conv.params, conv.mult_adds) == (4 * 9 + 4 + 64 * 3 + 3, 16 * 4 * 9 + 64 * 3)
    assert len(linear.history) == 3 and linear.device == "cpu"
    assert linear.train_error == pytest.approx(1 - linear.history[-1].train_acc)
    assert linear.seconds_per_epoch > 0 and linear.test_acc is not None
    with pytest.raises(KeyError, match="linear, conv"):
        result["mlp"]


def test_same_seed_same_result(result):
    again = compare({"linear": MODELS["linear"]}, DeviceBatches(_data(), 16, "cpu", shuffle=True),
                    None, TrainConfig(epochs=3, lr=0.05), "cpu", (1, 6, 6), progress=False)
    assert again["linear"].history.column("train_loss") == result["linear"].history.column(
        "train_loss")


def test_table_and_plot(result):
    text = repr(result)
    assert text.splitlines()[0].split()[:2] == ["model", "parameters"]
    assert "111" in text and "cpu" in text
    assert "<table>" in result._repr_html_()
    fig = result.plot(styles={"conv": "--"})
    assert [len(ax.get_lines()) for ax in fig.axes] == [2, 2]


class _InterruptedWhileTraining(nn.Module):
    """A linear model whose forward pass in training mode raises KeyboardInterrupt (Ctrl-C)."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(36, 3))

    def forward(self, x):
        if self.training and torch.is_grad_enabled():
            raise KeyboardInterrupt
        return self.body(x)


def test_ctrl_c_stops_the_comparison_and_the_table_shows_what_ran(capsys):
    trained = []

    def conv():
        trained.append("conv")
        return MODELS["conv"]()

    models = {"linear": MODELS["linear"], "interrupted": _InterruptedWhileTraining,
              "conv": conv}
    result = compare(models, DeviceBatches(_data(), 16, "cpu"), None,
                     TrainConfig(epochs=2, lr=0.05), "cpu", (1, 6, 6), progress=False)
    assert [r.name for r in result.runs] == ["linear", "interrupted"] and trained == []
    assert "Comparison stopped: conv not trained." in capsys.readouterr().out
    rows = dict((row[0], row) for row in result.rows())
    assert rows["interrupted"][3:6] == ("–", "–", "–") and rows["linear"][3] != "–"
    assert "interrupted" in repr(result) and "<td>–</td>" in result._repr_html_()
    assert result["interrupted"].test_acc is None
    with pytest.raises(ValueError, match="completed no epoch"):
        _ = result["interrupted"].train_error
    assert len(result.plot().axes) == 2
