"""Transfer learning: freeze and unfreeze parts of a network (frozen BatchNorm stays in eval mode),
count what trains, swap the head, extract a frozen base's features once, give the base a lower
learning rate, and probe each block's features with a linear classifier. The recipe is Chollet's
(feature extraction, then fine-tuning the top block); the probe follows Yosinski et al. 2014.
"""

from __future__ import annotations

import math
import types
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

__all__ = [
    "FeatureBatches",
    "ParameterCount",
    "block_features",
    "count_parameters",
    "extract_features",
    "freeze",
    "linear_probe",
    "param_groups",
    "replace_head",
    "trainable_table",
    "unfreeze",
]

_BN = nn.modules.batchnorm._BatchNorm  # BatchNorm1d/2d/3d and SyncBatchNorm


def _selected(model: nn.Module, prefixes: str | Sequence[str] | None) -> list[nn.Module]:
    """The submodules named by `prefixes` ("features.stage1" or exactly a name); all of `model`
    when None. ValueError naming the choices when a prefix matches nothing."""
    if prefixes is None:
        return [model]
    prefixes = [prefixes] if isinstance(prefixes, str) else list(prefixes)
    names = dict(model.named_modules())
    chosen = []
    for prefix in prefixes:
        if prefix not in names:
            top = ", ".join(n for n, _ in model.named_children())
            raise ValueError(f"no submodule named {prefix!r}; the top-level ones are: {top} "
                             "(use dotted names for deeper ones, e.g. 'features.stage1')")
        chosen.append(names[prefix])
    return chosen


def _stay_in_eval(module: nn.Module, mode: bool = True) -> nn.Module:
    return module  # bound to a frozen BatchNorm as its .train: model.train() leaves it in eval mode


def freeze(model: nn.Module, prefixes: str | Sequence[str] | None = None) -> nn.Module:
    """Stop training `model` (or its submodules named by `prefixes`): requires_grad = False.

    BatchNorm layers inside are also put in eval mode *and kept there* when `model.train()` is
    called later (as `fit` does every epoch). In train mode a BN layer normalizes with the batch's
    statistics and moves its running averages towards the new data, so a "frozen" base would
    still change what it computes; in eval mode it applies exactly the normalization learned in
    pretraining (Keras does the same for BatchNormalization with trainable=False). Returns model.
    """
    for part in _selected(model, prefixes):
        for p in part.parameters():
            p.requires_grad_(False)
        for m in part.modules():
            if isinstance(m, _BN):
                m.eval()
                m.train = types.MethodType(_stay_in_eval, m)
    return model


def unfreeze(model: nn.Module, prefixes: str | Sequence[str] | None = None,
             bn_stays_eval: bool = False) -> nn.Module:
    """Train `model` (or the submodules named by `prefixes`) again: requires_grad = True, and
    BatchNorm layers follow `model.train()`/`eval()` again (their mode now: the model's).

    With `bn_stays_eval`, BN layers keep normalizing with their pretrained running statistics
    (their scale and shift still train): Keras's fine-tuning guide does this, since statistics
    re-estimated from small batches of a small dataset can undo what was learned."""
    for part in _selected(model, prefixes):
        for p in part.parameters():
            p.requires_grad_(True)
        for m in part.modules():
            if isinstance(m, _BN) and not bn_stays_eval:
                m.__dict__.pop("train", None)  # back to nn.Module.train
                m.train(model.training)
    return model


@dataclass(frozen=True)
class ParameterCount:
    trainable: int  # parameters with requires_grad (what the optimizer updates)
    total: int  # all parameters

    @property
    def frozen(self) -> int:
        return self.total - self.trainable

    def __str__(self) -> str:
        share = self.trainable / self.total if self.total else 0.0
        return f"{self.trainable:,} of {self.total:,} parameters trainable ({share:.1%})"


def count_parameters(model: nn.Module) -> ParameterCount:
    """Trainable and total parameter counts (buffers such as BN's running averages excluded)."""
    params = list(model.parameters())
    return ParameterCount(sum(p.numel() for p in params if p.requires_grad),
                          sum(p.numel() for p in params))


def trainable_table(model: nn.Module, depth: int = 2) -> str:
    """One line per module down to `depth` dots (e.g. features.stage1): trainable / total
    parameters and whether it is trainable, frozen or partly frozen; modules without parameters
    are left out."""
    lines = [f"{'module':<24}{'trainable':>11}{'total':>10}  state", "-" * 54]
    for name, module in model.named_modules():
        if not name or name.count(".") >= depth:
            continue
        c = count_parameters(module)
        if c.total == 0:
            continue
        state = "trainable" if c.frozen == 0 else "frozen" if c.trainable == 0 else "partly"
        lines.append(f"{name:<24}{c.trainable:>11,}{c.total:>10,}  {state}")
    lines.append(f"{'all':<24}{count_parameters(model).trainable:>11,}"
                 f"{count_parameters(model).total:>10,}")
    return "\n".join(lines)


def replace_head(model: nn.Module, name: str, head: nn.Module) -> nn.Module:
    """Put `head` (new, trainable) where the submodule `name` was; return the old one.

    head: e.g. nn.Sequential(nn.Flatten(), nn.Linear(features, num_classes)) for a new task.
    """
    parent_name, _, child = name.rpartition(".")
    parent = model.get_submodule(parent_name) if parent_name else model
    if not hasattr(parent, child):
        raise ValueError(f"{type(model).__name__} has no submodule {name!r}")
    old = getattr(parent, child)
    setattr(parent, child, head)
    return old


def extract_features(base: nn.Module, batches: Iterable[tuple[Tensor, Tensor]],
                     device: torch.device | str | None = None
                     ) -> torch.utils.data.TensorDataset:
    """Run `base` once over `batches` of (x, y), in eval mode and without building a graph.

    Returns TensorDataset(features (N, ...) on the CPU, labels (N,)). The base's train/eval mode
    is restored afterwards. This is the "fast feature extraction" of transfer learning: the
    expensive convolutions run once, and any number of head epochs reuse their output.
    """
    if device is None:
        param = next(base.parameters(), None)
        device = param.device if param is not None else torch.device("cpu")
    was_training = base.training
    base.eval()
    feats, labels = [], []
    try:
        with torch.no_grad():
            for x, y in batches:
                feats.append(base(x.to(device)).cpu())
                labels.append(y.cpu())
    finally:
        base.train(was_training)
    if not feats:
        raise ValueError("`batches` yielded nothing: no features to extract")
    return torch.utils.data.TensorDataset(torch.cat(feats), torch.cat(labels))


class FeatureBatches:
    """Minibatches (features, labels) of a TensorDataset on `device`, for `fit` on a head.

    Shuffled with a generator seeded `seed + epoch` (like `DeviceBatches`), so runs repeat.
    """

    def __init__(self, data: torch.utils.data.TensorDataset, batch_size: int,
                 device: torch.device | str = "cpu", shuffle: bool = False,
                 seed: int = 0) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self.x, self.y = (t.to(device) for t in data.tensors)
        self.batch_size, self.shuffle, self.seed, self.epoch = batch_size, shuffle, seed, 0

    def __len__(self) -> int:
        return math.ceil(len(self.y) / self.batch_size)

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor]]:
        g = torch.Generator().manual_seed(self.seed + self.epoch)
        self.epoch += 1
        n = len(self.y)
        order = (torch.randperm(n, generator=g) if self.shuffle else torch.arange(n)).to(
            self.y.device)
        for b in range(len(self)):
            index = order[b * self.batch_size : (b + 1) * self.batch_size]
            yield self.x[index], self.y[index]


def param_groups(model: nn.Module, lrs: Mapping[str, float], default_lr: float
                 ) -> list[dict]:
    """Optimizer parameter groups: the trainable parameters under each prefix of `lrs` get its
    learning rate, all other trainable ones `default_lr` (e.g. {"features": 1e-4} with
    default_lr=1e-3 for a head ten times faster than the base). Frozen ones are left out.

    Pass the result to any optimizer: torch.optim.AdamW(param_groups(...)). Empty groups are
    dropped; a prefix matching no parameter raises ValueError.
    """
    groups: dict[str, list[nn.Parameter]] = {prefix: [] for prefix in lrs}
    rest: list[nn.Parameter] = []
    for name, p in model.named_parameters():
        owner = next((q for q in lrs if name == q or name.startswith(q + ".")), None)
        if owner is None:
            if p.requires_grad:
                rest.append(p)
            continue
        groups[owner].append(p)
    missing = [q for q, ps in groups.items() if not ps]
    if missing:
        raise ValueError(f"no parameters under {missing}: check the names "
                         f"(model.named_parameters())")
    out = [{"params": [p for p in ps if p.requires_grad], "lr": lrs[q], "name": q}
           for q, ps in groups.items()]
    out.append({"params": rest, "lr": default_lr, "name": "rest"})
    return [g for g in out if g["params"]]


def block_features(base: nn.Sequential, batches: Iterable[tuple[Tensor, Tensor]],
                   pool: int = 4, device: torch.device | str | None = None
                   ) -> tuple[list[np.ndarray], np.ndarray]:
    """The output of every child (block) of `base` for all of `batches`, in one pass.

    Each block's (N, C, h, w) maps are average-pooled to (C, pool, pool) and flattened, so
    every depth gives a vector of modest size: returns ([(N, C_k·pool²) per block], labels (N,)).
    Runs in eval mode without gradients, like `extract_features`.
    """
    blocks = list(base.children())
    shrink = nn.AdaptiveAvgPool2d(pool)
    if device is None:
        param = next(base.parameters(), None)
        device = param.device if param is not None else torch.device("cpu")
    was_training = base.training
    base.eval()
    per_block: list[list[Tensor]] = [[] for _ in blocks]
    labels = []
    try:
        with torch.no_grad():
            for x, y in batches:
                h = x.to(device)
                for k, block in enumerate(blocks):
                    h = block(h)
                    per_block[k].append(shrink(h).flatten(1).cpu())  # (B, C·pool²)
                labels.append(y.cpu())
    finally:
        base.train(was_training)
    return ([torch.cat(f).numpy() for f in per_block], torch.cat(labels).numpy())


def linear_probe(train_x: np.ndarray, train_y: np.ndarray, test_x: np.ndarray,
                 test_y: np.ndarray, C: float = 0.1) -> float:
    """Test accuracy of a logistic regression (features standardized) trained on (train_x,
    train_y): how linearly separable the classes are in these features. x: (N, D), y: (N,)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    clf = make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=2000))
    clf.fit(train_x, train_y)
    return float(clf.score(test_x, test_y))
