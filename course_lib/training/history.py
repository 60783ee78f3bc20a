"""`History`: the per-epoch metrics of a training run, which tabulates and plots itself.

It holds only numbers (no tensors, no model), so it round-trips through a checkpoint as plain
dicts and lists, loadable with `torch.load(..., weights_only=True)`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = ["EpochRecord", "History"]


@dataclass
class EpochRecord:
    """The metrics of one epoch."""

    epoch: int  # 1-based epoch number
    train_loss: float  # mean training loss over the epoch's samples (while the weights changed)
    train_acc: float  # training accuracy over the same samples, in [0, 1]
    test_loss: float | None = None  # mean test loss after the epoch (None: no test set)
    test_acc: float | None = None  # test accuracy after the epoch, in [0, 1]
    seconds: float = 0.0  # wall time of the epoch, training plus evaluation
    lr: float | None = None  # learning rate at the end of the epoch


_COLUMNS = [f.name for f in fields(EpochRecord)]
_HIGHER_IS_BETTER = {"train_acc", "test_acc"}
_LOWER_IS_BETTER = {"train_loss", "test_loss", "seconds"}


def _fmt(name: str, value) -> str:
    if value is None:
        return "–"
    if name == "epoch":
        return str(value)
    if name == "lr":
        return f"{value:.2e}"
    if name == "seconds":
        return f"{value:.1f}"
    return f"{value:.4f}"


@dataclass
class History:
    """Per-epoch records of a run: `history.append(epoch=1, train_loss=..., ...)`, `len(history)`,
    `history[-1]`, `history.column("test_acc")`, `history.best("test_acc")`, `history.plot()`."""

    records: list[EpochRecord] = field(default_factory=list)  # one per completed epoch, in order

    def append(self, record: EpochRecord | None = None, **metrics) -> EpochRecord:
        """Add one epoch, given as an `EpochRecord` or as its fields by keyword."""
        if record is None:
            record = EpochRecord(**metrics)
        elif metrics:
            raise TypeError("Pass either an EpochRecord or keyword metrics, not both.")
        self.records.append(record)
        return record

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> EpochRecord:
        return self.records[index]

    def __iter__(self) -> Iterator[EpochRecord]:
        return iter(self.records)

    def column(self, name: str) -> list:
        """The values of one metric, one per epoch (e.g. `column("test_acc")`)."""
        if name not in _COLUMNS:
            raise KeyError(f"Unknown metric {name!r}; choose one of {', '.join(_COLUMNS)}.")
        return [getattr(r, name) for r in self.records]

    def best(self, metric: str = "test_acc") -> EpochRecord:
        """The epoch with the best `metric`: highest for accuracies, lowest for losses."""
        if metric in _HIGHER_IS_BETTER:
            sign = 1.0
        elif metric in _LOWER_IS_BETTER:
            sign = -1.0
        else:
            choices = ", ".join(sorted(_HIGHER_IS_BETTER | _LOWER_IS_BETTER))
            raise KeyError(f"Unknown metric {metric!r}; choose one of {choices}.")
        scored = [r for r in self.records
                  if getattr(r, metric) is not None and not math.isnan(getattr(r, metric))]
        if not scored:
            raise ValueError(f"No epoch has a value for {metric!r} yet.")
        return max(scored, key=lambda r: sign * getattr(r, metric))

    # Checkpoints store plain Python values only, so `weights_only=True` can load them.
    def to_dict(self) -> dict:
        return {"records": [asdict(r) for r in self.records]}

    @classmethod
    def from_dict(cls, state: dict) -> History:
        return cls(records=[EpochRecord(**r) for r in state["records"]])

    def plot(self, ax=None) -> Figure:
        """Loss (left) and accuracy (right) per epoch, train vs test. `ax`: two Axes to draw on."""
        if ax is None:
            fig = Figure(figsize=(10, 3.6), layout="constrained")
            ax = fig.subplots(1, 2)
        if len(ax) != 2:
            raise ValueError(f"`ax` must hold two Axes (loss, accuracy), got {len(ax)}.")
        epochs = self.column("epoch")
        for axis, metric, label in ((ax[0], "loss", "loss"), (ax[1], "acc", "accuracy")):
            for split, style in (("train", "o-"), ("test", "s--")):
                values = self.column(f"{split}_{metric}")
                if any(v is not None for v in values):
                    points = [(e, v) for e, v in zip(epochs, values, strict=True) if v is not None]
                    axis.plot(*zip(*points, strict=True), style, label=split, markersize=4)
            axis.set_xlabel("epoch")
            axis.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole epochs only
            axis.set_ylabel(label)
            axis.grid(alpha=0.3)
            if epochs:
                axis.legend()
        return ax[0].figure

    def _rows(self, limit: int = 20) -> list[EpochRecord | None]:
        # Long runs show their first and last epochs; None marks the elided middle.
        if len(self.records) <= limit:
            return list(self.records)
        half = limit // 2
        return [*self.records[:half], None, *self.records[-half:]]

    def _summary(self) -> str:
        text = f"History: {len(self)} epoch(s)"
        for metric in ("test_acc", "train_acc"):
            if any(v is not None for v in self.column(metric)):
                best = self.best(metric)
                return f"{text}, best {metric} {getattr(best, metric):.4f} at epoch {best.epoch}"
        return text

    def __repr__(self) -> str:
        rows = [_COLUMNS] + [
            ["…"] * len(_COLUMNS) if r is None else [_fmt(c, getattr(r, c)) for c in _COLUMNS]
            for r in self._rows()
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
        table = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True))
                 for row in rows]
        return "\n".join([self._summary(), *table]) if self.records else self._summary()

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{c}</th>" for c in _COLUMNS)
        body = "".join(
            "<tr>" + ("".join("<td>…</td>" for _ in _COLUMNS) if r is None else
                      "".join(f"<td>{_fmt(c, getattr(r, c))}</td>" for c in _COLUMNS)) + "</tr>"
            for r in self._rows()
        )
        return (f"<p>{html.escape(self._summary())}</p>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
