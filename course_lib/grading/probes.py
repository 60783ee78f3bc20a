"""Observations of a learner's torch code, as plain data: what the checks of modules look at.

A probe calls the learner's function on fixed inputs and reports what it sees (shapes, parameter
counts, layer types, outputs as arrays); it holds no expected answer. In a notebook it runs
in-process; for the grader it runs in the learner's kernel (its text is sent there), and the
checks compare its observations with answers computed in the grader. Needs torch and NumPy only
(and course_lib.models / course_lib.shapes_task for the transfer cases' models and the design
task's training).
"""

from __future__ import annotations

from typing import Any

import numpy as np

TRACED = ("Conv2d", "AvgPool2d", "MaxPool2d")


def _raised(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return f"raised {type(e).__name__}: " + (text if len(text) <= 300 else text[:299] + "…")


def _array(t: Any) -> np.ndarray:
    return t.detach().to(dtype=__import__("torch").float64).cpu().numpy().copy()


def _forward(module: Any, x: Any, trace: bool) -> dict:
    """module(x) in eval mode without a graph: its output (or error), and with `trace` the
    output shapes (C, H, W) of its conv and pooling layers in call order."""
    import torch

    shapes: dict[str, list] = {}
    handles = []
    if trace:
        for m in module.modules():
            kind = type(m).__name__
            if kind in TRACED:
                handles.append(m.register_forward_hook(
                    lambda mod, inp, out, kind=kind: shapes.setdefault(kind, []).append(
                        list(out.shape[1:]))))
    report: dict = {"error": "", "trace": shapes}
    module.eval()
    try:
        with torch.no_grad():
            out = module(x)
        if isinstance(out, torch.Tensor):
            report["out"] = _array(out)
        else:
            report["error"] = f"returned a {type(out).__name__}, not a tensor"
            report["not_tensor"] = True
    except Exception as e:  # the learner's forward pass may raise anything
        report["error"] = _raised(e)
    finally:
        for h in handles:
            h.remove()
    return report


def module(fn: Any, args: list, runs: list, zero_params: bool = False) -> dict:
    """Build fn(*args); if it is an nn.Module: its parameter count, layer types, conv settings
    and, per run {"shape", "fill" (zeros/rand/randn), "seed", "trace"}, its input and output."""
    import torch
    from torch import nn

    built = fn(*args)
    if built is None or not isinstance(built, nn.Module):
        return {"module": False, "none": built is None, "type": type(built).__name__}
    report = {
        "module": True,
        "params": int(sum(p.numel() for p in built.parameters())),
        "types": [type(m).__name__ for m in built.modules()],
        "convs": [[list(m.kernel_size), list(m.stride)] for m in built.modules()
                  if isinstance(m, nn.Conv2d)],
        "runs": [],
    }
    if zero_params:
        with torch.no_grad():
            for p in built.parameters():
                p.zero_()
    for run in runs:
        gen = torch.Generator().manual_seed(int(run.get("seed", 0)))
        shape = [int(s) for s in run["shape"]]
        fill = run.get("fill", "zeros")
        x = (torch.zeros(shape) if fill == "zeros" else torch.rand(shape, generator=gen)
             if fill == "rand" else torch.randn(shape, generator=gen))
        result = _forward(built, x, bool(run.get("trace")))
        result["input"] = _array(x) if run.get("keep_input") else None
        report["runs"].append(result)
    return report


# ---------------------------------------------------------------------- transfer-learning models


def convnet(seed: int = 0) -> Any:
    import torch

    from course_lib.models import ConvNet

    torch.manual_seed(seed)
    return ConvNet(3, 2, widths=(4, 8), hidden=16, image_size=8, batch_norm=True)


def sequential(seed: int = 1) -> Any:
    from collections import OrderedDict

    import torch
    from torch import nn

    torch.manual_seed(seed)
    return nn.Sequential(OrderedDict(
        conv=nn.Conv2d(1, 6, 3), bn=nn.BatchNorm2d(6), relu=nn.ReLU(), pool=nn.AdaptiveAvgPool2d(1),
        flat=nn.Flatten(), head=nn.Linear(6, 3)))


def build(model: str) -> Any:
    return {"convnet": convnet, "sequential": sequential}[model]()


def _value(v: Any) -> Any:
    """A returned value as plain data: tensors become arrays (with their grad flags)."""
    import torch

    if isinstance(v, torch.Tensor):
        return {"tensor": _array(v), "requires_grad": bool(v.requires_grad),
                "grad_fn": v.grad_fn is not None}
    return v


def freeze(fn: Any, model: str, head: str) -> dict:
    """fn(model, head) on a half-frozen model: what it returned and every parameter's flag."""
    m = build(model)
    next(m.parameters()).requires_grad_(False)
    got = fn(m, head)
    return {"value": got if isinstance(got, int | float | str | type(None) | np.generic) else
            f"<{type(got).__name__}>", "type": type(got).__name__,
            "flags": [[n, int(p.numel()), bool(p.requires_grad)] for n, p in m.named_parameters()]}


def prepare_base(model: str, shape: list, start_training: bool, frozen: bool) -> tuple:
    """The feature-extraction case's base and batch, BN statistics as after pretraining."""
    import torch

    m = build(model)
    base = m.features if hasattr(m, "features") else m[:-1]
    for p in base.parameters():
        p.requires_grad_(not frozen)
    x = torch.randn(*shape, generator=torch.Generator().manual_seed(5))
    for mod in base.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.running_mean.uniform_(-1, 1)
            mod.running_var.uniform_(0.5, 2)
    base.train(start_training)
    return base, x


def features(fn: Any, model: str, shape: list, start_training: bool, frozen: bool) -> dict:
    """fn(base, x): what it returned and the base's state afterwards."""
    base, x = prepare_base(model, shape, start_training, frozen)
    got = fn(base, x)
    return {"value": _value(got), "type": type(got).__name__,
            "state": {k: _array(v) for k, v in base.state_dict().items()}}


def groups(fn: Any, frozen_stage1: bool, base_lr: float, head_lr: float) -> dict:
    """fn(model, base_lr, head_lr) → groups, handed to torch.optim.SGD(groups, lr=123.0): the
    rate each parameter gets (None: in no group), or SGD's error."""
    import torch

    m = convnet(3)
    if frozen_stage1:
        for p in m.features.stage1.parameters():
            p.requires_grad_(False)
    got = fn(m, base_lr, head_lr)
    try:
        opt = torch.optim.SGD(got, lr=123.0)
    except Exception as e:  # any answer torch refuses
        return {"error": f"{type(e).__name__}: {' '.join(str(e).split())[:300]}"}
    rate = {id(p): float(g["lr"]) for g in opt.param_groups for p in g["params"]}
    return {"error": "", "params": [[n, bool(p.requires_grad), rate.get(id(p))]
                                    for n, p in m.named_parameters()]}


def small_model() -> tuple:
    from collections import OrderedDict

    import torch
    from torch import nn

    torch.manual_seed(0)
    model = nn.Sequential(OrderedDict(conv=nn.Conv2d(1, 3, 3), relu=nn.ReLU(),
                                      pool=nn.MaxPool2d(2), flat=nn.Flatten(),
                                      fc=nn.Linear(3 * 3 * 3, 2)))
    return model, torch.randn(2, 1, 8, 8)


def keras_model() -> tuple:
    import torch

    from course_lib.models import KerasMNISTCNN

    torch.manual_seed(0)
    return KerasMNISTCNN(), torch.randn(1, 1, 28, 28)


def blanks_model() -> tuple:
    """A small net whose filters 1 and 3 are dead (bias −100) and whose second image is all
    zeros, so that the filters with a bias ≤ 0 give blank maps for it only."""
    from collections import OrderedDict

    import torch
    from torch import nn

    torch.manual_seed(4)
    model = nn.Sequential(OrderedDict(conv=nn.Conv2d(1, 6, 3), relu=nn.ReLU(),
                                      pool=nn.MaxPool2d(2), flat=nn.Flatten(),
                                      fc=nn.Linear(6 * 3 * 3, 5), relu2=nn.ReLU()))
    with torch.no_grad():
        model.conv.bias.copy_(torch.tensor([0.5, -100.0, 0.1, -100.0, -0.05, 0.3]))
    x = torch.randn(4, 1, 8, 8)
    x[1] = 0.0
    return model, x


MODELS = {"small": small_model, "keras": keras_model, "blanks": blanks_model}


def _plain(v: Any) -> Any:
    """A value of the learner's dict: tensors as arrays, real numbers as they are."""
    if hasattr(v, "detach"):
        return _value(v)
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
        return v
    return {"type": type(v).__name__}


def activations(fn: Any, model: str, names: list) -> dict:
    """fn(model, x, names): the dict it returned (tensors as arrays, numbers as they are) and
    the hooks left."""
    m, x = MODELS[model]()
    got = fn(m, x, list(names))
    hooks = sum(len(mod._forward_hooks) for mod in m.modules())
    if not isinstance(got, dict):
        return {"dict": False, "none": got is None, "type": type(got).__name__, "hooks": hooks}
    return {"dict": True, "keys": [str(k) for k in got], "hooks": hooks,
            "values": {str(k): _plain(v) for k, v in got.items()}}


# ------------------------------------------------------------------------ the design task's run


def train_on_shapes(fn: Any) -> dict:
    """course_lib.shapes_task.train_on_shapes(fn): fn()'s parameters and test accuracy."""
    from course_lib.shapes_task import train_on_shapes as train

    return train(fn)
