"""Record the training curves that exercise set 06 asks learners to interpret.

Trains chapter 06's MLP (784 → 512 → 512 → 10) on its 1,000 MNIST digits, seed 0, four ways:
no regularization, dropout, weight decay λ = 0.01 (chapter 06's settings) and a much stronger
weight decay, and writes the per-epoch curves to course_lib/recorded_curves.py.
Run as `python -m tools.regularizer_curves` (about a minute on one CPU core).
"""

from __future__ import annotations

import platform
import textwrap
from dataclasses import replace

import torch

from course_lib.data import DeviceBatches
from course_lib.regularizer_comparison import RegularizerSpec
from course_lib.training import evaluate, fit

from .notebooks import ROOT

OUT = ROOT / "course_lib" / "recorded_curves.py"
STRONG_DECAY = 0.3  # λ of the run meant to show underfitting
RUNS = {  # name in the exercise: (regularizer of RegularizerSpec, weight decay λ)
    "no regularization": ("no regularization", 0.01),
    "dropout": ("dropout", 0.01),
    "weight decay 0.01": ("weight decay", 0.01),
    f"weight decay {STRONG_DECAY:g}": ("weight decay", STRONG_DECAY),
}


def record(seed: int = 0) -> dict[str, dict[str, list[float]]]:
    """{run: {"train_loss", "train_acc", "val_loss", "val_acc": one value per epoch,
    "final_train_acc": [evaluation-mode accuracy on the training digits]}}."""
    base = RegularizerSpec(seeds=(seed,))
    train_set, test_set = base.data()
    mean, std = train_set.channel_stats()
    test_batches = DeviceBatches(test_set, 1000, "cpu", mean=mean, std=std)
    train_eval = DeviceBatches(train_set, 1000, "cpu", mean=mean, std=std)
    curves = {}
    for name, (regularizer, decay) in RUNS.items():
        spec = replace(base, weight_decay=decay)
        torch.manual_seed(seed)  # the same initial weights for every run
        model = spec.build(regularizer)
        batches = DeviceBatches(train_set, spec.batch_size, "cpu", shuffle=True, mean=mean,
                                std=std, seed=seed)
        history = fit(model, batches, test_batches, spec.config(regularizer, seed), device="cpu",
                      progress=False)
        curves[name] = {
            "train_loss": [round(v, 4) for v in history.column("train_loss")],
            "train_acc": [round(v, 4) for v in history.column("train_acc")],
            "val_loss": [round(v, 4) for v in history.column("test_loss")],
            "val_acc": [round(v, 4) for v in history.column("test_acc")],
            "final_train_acc": [round(evaluate(model, train_eval)["acc"], 4)],
        }
        print(f"{name}: final val acc {curves[name]['val_acc'][-1]:.3f}", flush=True)
    return curves


def main() -> None:
    curves = record()
    lines = [
        '"""Training curves recorded by `python -m tools.regularizer_curves` (do not edit):',
        "chapter 06's MLP on 1,000 MNIST digits, seed 0, 30 epochs of SGD with momentum,",
        f"validated on 5,000 test digits after each epoch; torch {torch.__version__}, "
        f"{platform.machine()} CPU.",
        '"""',
        "",
        "CURVES: dict[str, dict[str, list[float]]] = {",
    ]
    for name, columns in curves.items():
        lines.append(f"    {name!r}: {{")
        for key, values in columns.items():
            lines += textwrap.wrap(f"{key!r}: {values!r},", 96, initial_indent=" " * 8,
                                   subsequent_indent=" " * 12)
        lines.append("    },")
    lines.append("}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
