"""Side-by-side views of several training runs: their learning curves in one figure, and a table of
final train and test metrics with the generalization gap. Used where a chapter compares variants
of one experiment (with and without dropout, augmentation, batch normalization).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .history import History

__all__ = ["gap_table", "plot_runs", "text_table"]


def plot_runs(histories: Mapping[str, History], title: str = "",
              metrics: Sequence[str] = ("loss", "acc"), eval_label: str = "test") -> Figure:
    """One panel per metric ("loss", "acc"), one colour per run: training solid, test dashed.

    The training curve is what `fit` records, the running mean over each epoch with dropout
    and augmentation active; the test curve is measured in evaluation mode after the epoch.
    `eval_label` names the held-out set in the legend ("validation" when `fit` got one).
    """
    if not histories:
        raise ValueError("plot_runs needs at least one History")
    fig = Figure(figsize=(5.2 * len(metrics), 3.6), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics, strict=True):
        for i, (name, history) in enumerate(histories.items()):
            epochs = history.column("epoch")
            ax.plot(epochs, history.column(f"train_{metric}"), "-", color=f"C{i}", lw=1.5,
                    label=f"{name} (train)")
            test = history.column(f"test_{metric}")
            if any(v is not None for v in test):
                ax.plot(epochs, test, "--", color=f"C{i}", lw=1.5,
                        label=f"{name} ({eval_label})")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs only
        ax.set_ylabel({"loss": "loss", "acc": "accuracy"}.get(metric, metric))
        ax.grid(alpha=0.3)
    axes[-1].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def gap_table(results: Mapping[str, Mapping[str, float]]) -> str:
    """A fixed-width table: one row per run with its train and test accuracy (fractions in [0, 1])
    and the gap between them in percentage points, plus any other columns given (accuracies,
    keys containing "acc", as percentages; anything else, such as losses, to 3 decimals).

    results: {run name: {"train_acc": ..., "test_acc": ..., optional "train_loss", ...}}.
    """
    if not results:
        raise ValueError("gap_table needs at least one run")
    extra = [k for k in next(iter(results.values())) if k not in ("train_acc", "test_acc")]
    header = ["run", "train acc", "test acc", "gap (points)", *[k.replace("_", " ")
                                                                 for k in extra]]
    rows = [header]
    for name, r in results.items():
        gap = 100 * (r["train_acc"] - r["test_acc"])
        rows.append([name, f"{r['train_acc']:.1%}", f"{r['test_acc']:.1%}", f"{gap:.1f}",
                     *[f"{r[k]:.1%}" if "acc" in k else f"{r[k]:.3f}" for k in extra]])
    return text_table(rows)


def text_table(rows: Sequence[Sequence[str]]) -> str:
    """Fixed-width text: the first row is the header, underlined; the first column is
    left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)
