"""Exercise 09's design task: drawn shapes placed anywhere on a 16×16 canvas, and the one fixed
training recipe the grader uses, so that only the learner's network differs between two tries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["SHAPES_TASK", "shapes_task_data", "train_on_shapes"]

# Shapes ("o", "x", "square", "plus") of 7-10 pixels placed anywhere on a 16×16 canvas: 800 to
# train on, 400 to test; 4 epochs of Adam on one CPU thread.
SHAPES_TASK = {"n": 1200, "canvas": 16, "shape_size": (7, 10), "seed": 0, "train": 800,
               "epochs": 4, "batch": 32, "lr": 0.01}
TOO_LARGE = 10_000  # parameters: far over any budget of the task, not worth training


def shapes_task_data() -> tuple:
    """(x_train, y_train, x_test, y_test): the task's images as floats in [0, 1]."""
    from .data import make_placed_shapes

    t = SHAPES_TASK
    images, _ = make_placed_shapes(t["n"], canvas=t["canvas"], shape_size=t["shape_size"],
                                   seed=t["seed"])
    x, y = images.images.float() / 255, images.labels
    return x[: t["train"]], y[: t["train"]], x[t["train"]:], y[t["train"]:]


def train_on_shapes(build: Callable[[], Any]) -> dict:
    """Build build() after torch's seed 0, train it with the fixed recipe and return
    {"module", "params", "accuracy" (on the 400 test images), "error"}; what build() returned
    if it is no nn.Module."""
    import torch
    import torch.nn.functional as F
    from torch import nn

    torch.manual_seed(0)
    model = build()
    if model is None or not isinstance(model, nn.Module):
        return {"module": False, "none": model is None, "type": type(model).__name__}
    params = int(sum(p.numel() for p in model.parameters()))
    report: dict = {"module": True, "params": params, "accuracy": None, "error": ""}
    if params > TOO_LARGE:
        return report
    t = SHAPES_TASK
    x, y, x_test, y_test = shapes_task_data()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        opt = torch.optim.Adam(model.parameters(), lr=t["lr"])
        order = torch.Generator().manual_seed(0)
        for _ in range(t["epochs"]):
            model.train()
            perm = torch.randperm(len(x), generator=order)
            for i in range(0, len(x), t["batch"]):
                idx = perm[i : i + t["batch"]]
                opt.zero_grad()
                F.cross_entropy(model(x[idx]), y[idx]).backward()
                opt.step()
        model.eval()
        with torch.no_grad():
            correct = (model(x_test).argmax(1) == y_test).float().mean()
        report["accuracy"] = round(float(correct), 4)
    except Exception as e:  # the learner's network may fail anywhere
        text = " ".join(str(e).split())
        report["error"] = f"raised {type(e).__name__}: " + text[:300]
    finally:
        torch.set_num_threads(threads)
    return report
