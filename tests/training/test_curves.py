"""course_lib.training.curves: several runs in one figure, and the gap table's numbers."""

from __future__ import annotations

import pytest

from course_lib.training import History, gap_table, plot_runs


def _history(offset: float) -> History:
    h = History()
    for e in (1, 2, 3):
        h.append(epoch=e, train_loss=1 / e, train_acc=0.5 + 0.1 * e, test_loss=1 / e + offset,
                 test_acc=0.4 + 0.1 * e - offset)
    return h


def test_plot_runs_draws_train_and_test_per_run():
    fig = plot_runs({"a": _history(0.0), "b": _history(0.1)}, title="t")
    loss, acc = fig.axes
    assert len(loss.lines) == len(acc.lines) == 4
    assert [l.get_linestyle() for l in acc.lines] == ["-", "--", "-", "--"]
    assert acc.get_legend().get_texts()[1].get_text() == "a (test)"
    fig = plot_runs({"a": _history(0.0)}, eval_label="validation")
    assert fig.axes[1].get_legend().get_texts()[1].get_text() == "a (validation)"
    with pytest.raises(ValueError):
        plot_runs({})


def test_gap_table_lists_the_gap_in_points():
    table = gap_table({"plain": {"train_acc": 1.0, "test_acc": 0.905, "test_loss": 0.5,
                                 "val_acc": 0.9},
                       "dropout": {"train_acc": 0.95, "test_acc": 0.91, "test_loss": 0.3,
                                   "val_acc": 0.925}})
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["run", "train", "acc"] and set(lines[1]) == {"-"}
    assert lines[0].split()[-2:] == ["val", "acc"]
    assert lines[2].split() == ["plain", "100.0%", "90.5%", "9.5", "0.500", "90.0%"]
    assert lines[3].split() == ["dropout", "95.0%", "91.0%", "4.0", "0.300", "92.5%"]
    with pytest.raises(ValueError):
        gap_table({})
