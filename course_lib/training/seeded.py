"""`compare` repeated over seeds: each seed reseeds the models' initial weights, the data order and
the augmentation, and the table shows each model's accuracies as mean ± sd over the seeds."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import torch
from torch import nn

from ..claims import spread
from .compare import Comparison, compare
from .fit import TrainConfig
from .loop import Batches

__all__ = ["SeededComparison", "compare_seeds"]

_COLUMNS = ("model", "parameters", "mult-adds", "train acc*", "test acc", "s / epoch")


@dataclass
class SeededComparison:
    """One `Comparison` per seed, same models in the same order."""

    seeds: list[int] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    train_images: int = 0  # training images of every run (0: not recorded)
    test_images: int = 0  # test images of every run (0: no test set or not recorded)

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.comparisons[0].runs]

    def values(self, name: str, metric: str = "test_acc") -> list[float]:
        """Last-epoch `metric` ("test_acc" or "train_acc") of model `name` in %, one per seed."""
        return [100 * getattr(c[name].history[-1], metric) for c in self.comparisons]

    def rows(self) -> list[tuple[str, ...]]:
        out = []
        for name in self.names:
            first = self.comparisons[0][name]
            seconds = sum(c[name].seconds_per_epoch for c in self.comparisons) / len(self.seeds)
            out.append((name, f"{first.params:,}", f"{first.mult_adds / 1e6:,.1f} M",
                        f"{spread(self.values(name, 'train_acc'))}%",
                        f"{spread(self.values(name))}%", f"{seconds:.1f}"))
        return out

    def __repr__(self) -> str:
        rows = [_COLUMNS, *self.rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
        lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                           for i, (c, w) in enumerate(zip(row, widths, strict=True)))
                 for row in rows]
        device = self.comparisons[0].runs[0].device
        lines.append(f"mean ± sd over {len(self.seeds)} seed(s), last epoch, on {device}; "
                     "* measured while training, in train mode (with dropout and augmentation "
                     "where the model and the data have them)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in _COLUMNS)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in self.rows())
        note = html.escape(repr(self).splitlines()[-1])
        return (f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                f"<p><small>{note}</small></p>")


def compare_seeds(
    models: Mapping[str, Callable[[], nn.Module]],
    make_batches: Callable[[int], Batches],
    test_batches: Batches | None,
    config: TrainConfig,
    device: torch.device | str,
    input_size: tuple[int, ...],
    seeds: int,
) -> SeededComparison:
    """`compare` for seeds 0 … seeds − 1; `make_batches(seed)` gives that seed's training batches
    (its data order and augmentation), and `config.seed` is replaced by the seed. Ctrl-C stops
    every seed (a comparison over seeds is only read whole)."""
    result = SeededComparison()
    for seed in range(seeds):
        result.seeds.append(seed)
        result.comparisons.append(compare(models, make_batches(seed), test_batches,
                                          config.replace(seed=seed), device, input_size,
                                          seed=seed, progress=False, on_interrupt="raise"))
    return result
