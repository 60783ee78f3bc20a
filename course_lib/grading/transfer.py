"""Checks for the transfer-learning exercises: freezing all but the head (and counting what still
trains), extracting a frozen base's features without a graph and with BatchNorm in eval mode, and
optimizer parameter groups with a lower learning rate for the base, and predicting which parts of
a half-frozen network one training step changes. References: `requires_grad` counts by hand, the
base's own eval-mode forward pass, `param_groups`, and the training step itself, run here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .core import Case, CaseFailure, CheckResult, call, expect_int, observe, run_cases
from .wire import _stand_in

__all__ = ["SCENARIOS", "STATE_GROUPS", "check_base_head_groups", "check_features_no_grad",
           "check_freeze_all_but_head", "check_predict_fine_tuning", "what_one_step_changes"]


def _model(name: str) -> Any:
    """The case's model, built here exactly as the probe builds it in the learner's kernel."""
    from . import probes

    return probes.build(name)


def _count(module: Any) -> int:
    return sum(p.numel() for p in module.parameters())


# ------------------------------------------------------------------------- freeze_all_but_head


def _freeze_case(label: str, build: str, head: str) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        seen = observe(fn, "freeze", build, head)
        model = _model(build)
        head_params = _count(model.get_submodule(head))
        total = _count(model)
        flags = {str(n): bool(trains) for n, _, trains in seen["flags"]}
        if sorted(flags) != sorted(n for n, _ in model.named_parameters()):
            raise CaseFailure("the model's parameters changed: freeze them, do not replace them")
        base_trainable = [n for n, t in flags.items() if t and not n.startswith(head + ".")]
        head_frozen = [n for n, t in flags.items() if not t and n.startswith(head + ".")]
        if head_frozen and len(head_frozen) == len(list(model.get_submodule(head).parameters())):
            raise CaseFailure("the head is frozen too: set requires_grad = True on the head's "
                              "parameters after freezing the rest (the new head must learn)")
        if head_frozen:
            raise CaseFailure(f"some head parameters are frozen: {head_frozen}")
        if base_trainable:
            raise CaseFailure(f"{len(base_trainable)} parameter tensor(s) outside the head still "
                              f"train, e.g. {base_trainable[0]}: set requires_grad = False on "
                              "every parameter first")
        n_tensors = len(list(model.get_submodule(head).parameters()))
        got = seen["value"]
        if isinstance(got, str) and got.startswith("<"):
            got = _stand_in(seen["type"], "", got, [])
        expect_int(got, head_params, [
            (total, "that is the total; count only parameters with p.requires_grad"),
            (total - head_params, "that is the frozen count; return the trainable one"),
            (n_tensors, "that counts parameter tensors; count their elements with p.numel()"),
        ])

    return Case(label, run)


def check_freeze_all_but_head(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(model, head_name)`: freeze every parameter except those of the submodule
    `head_name`, return the number of trainable parameters."""
    cases = [
        _freeze_case("ConvNet with BatchNorm, head 'classifier' (528 + 34 parameters)",
                     "convnet", "classifier"),
        _freeze_case("a Sequential whose head is 'head' (Linear 6 → 3)", "sequential", "head"),
        _freeze_case("ConvNet, only its last layer 'classifier.fc2' as the head", "convnet",
                     "classifier.fc2"),
    ]
    return run_cases("freeze_all_but_head", fn, cases, verbose=verbose)


# --------------------------------------------------------------------------- features_no_grad


def _features_case(label: str, build: str, shape: tuple[int, ...],
                   start_training: bool, frozen: bool = True) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        import torch

        from . import probes

        seen = observe(fn, "features", build, list(shape), start_training, frozen)
        base, x = probes.prepare_base(build, list(shape), start_training, frozen)
        stats = {k: v.double().numpy() for k, v in base.state_dict().items()}
        base.eval()
        with torch.no_grad():
            expected = base(x).double().numpy()
        got = seen["value"]
        if got is None:
            raise CaseFailure("returned None: did you forget the `return` statement?")
        if not isinstance(got, dict) or not isinstance(got.get("tensor"), np.ndarray):
            raise CaseFailure(f"expected a tensor, got a {seen['type']}")
        state = seen["state"]
        moved = [k for k in stats if not (k in state and state[k].shape == stats[k].shape
                                          and np.array_equal(state[k], stats[k]))]
        if moved:
            raise CaseFailure("the base's BatchNorm running statistics changed: it ran in "
                              "training mode; call base.eval() before the forward pass")
        value = got["tensor"]
        if value.shape != expected.shape:
            raise CaseFailure(f"expected the base's output of shape {tuple(expected.shape)}, got "
                              f"{tuple(value.shape)}: return base(x) as it is")
        if not np.allclose(value, expected, atol=1e-5):
            raise CaseFailure("the values differ from the base's eval-mode output base(x)")
        if got.get("requires_grad") or got.get("grad_fn"):
            raise CaseFailure("the result carries a graph: run the base under torch.no_grad()")

    return Case(label, run)


def check_features_no_grad(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(base, x)`: the frozen base's features for the batch x, in eval mode, without a
    graph."""
    cases = [
        _features_case("ConvNet base handed over in eval mode, batch of 4", "convnet",
                       (4, 3, 8, 8), start_training=False),
        _features_case("ConvNet base handed over in train mode (BN must not use the batch)",
                       "convnet", (6, 3, 8, 8), start_training=True),
        _features_case("a Sequential base in train mode whose weights still require grad "
                       "(as in fine-tuning), batch of 5", "sequential", (5, 1, 7, 7),
                       start_training=True, frozen=False),
    ]
    return run_cases("features_no_grad", fn, cases, verbose=verbose)


# ---------------------------------------------------------------------------- base_head_groups


def _groups_case(label: str, base_lr: float, head_lr: float, frozen_stage1: bool) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        seen = observe(fn, "groups", frozen_stage1, base_lr, head_lr)
        if seen.get("error"):
            raise CaseFailure(f"torch.optim.SGD(your groups) failed ({seen['error']}): "
                              "return a list of dicts {'params': [...], 'lr': ...}")
        rate = {str(n): have for n, _, have in seen["params"]}
        model = _model("convnet")
        if frozen_stage1:
            for p in model.features.stage1.parameters():
                p.requires_grad_(False)
        if sorted(rate) != sorted(n for n, _ in model.named_parameters()):
            raise CaseFailure("the model's parameters changed: group them, do not replace them")
        for name, p in model.named_parameters():
            want = None if not p.requires_grad else (
                base_lr if name.startswith("features.") else head_lr)
            have = rate.get(name)
            if want is None and have is not None:
                raise CaseFailure(f"{name} is frozen but in a group: leave frozen parameters out "
                                  "(filter on p.requires_grad)")
            if want is not None and have is None:
                raise CaseFailure(f"{name} is in no group: it would never be trained")
            if have == 123.0:
                raise CaseFailure(f"{name} got the optimizer's default rate: give every group "
                                  "its own 'lr'")
            if want is not None and have != want:
                swapped = (have == head_lr and name.startswith("features.")) or (
                    have == base_lr and name.startswith("classifier."))
                raise CaseFailure(f"{name} has lr {have:g}, expected {want:g}" + (
                    ": the rates are swapped; the base gets the lower one" if swapped else ""))

    return Case(label, run)


def check_base_head_groups(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(model, base_lr, head_lr)` → optimizer parameter groups: trainable parameters
    of `model.features` at base_lr, of `model.classifier` at head_lr."""
    cases = [
        _groups_case("everything trainable, base 1e-4, head 1e-3", 1e-4, 1e-3, False),
        _groups_case("stage1 frozen: its parameters belong to no group", 1e-5, 1e-3, True),
        _groups_case("other rates: base 0.001, head 0.01", 0.001, 0.01, False),
    ]
    return run_cases("base_head_groups", fn, cases, verbose=verbose)


# ------------------------------------------------------------------ predict_fine_tuning

# One training step (SGD or AdamW, lr 0.1) on one batch of the case ConvNet (features =
# conv + BatchNorm stages, classifier = two linear layers), set up four ways.
SCENARIOS = {
    "frozen_train_mode": "base frozen (requires_grad False), whole model in train mode, "
                         "SGD on the trainable parameters",
    "frozen_eval_base": "base frozen and put in eval mode (model.train(); model.features.eval()),"
                        " SGD on the trainable parameters",
    "frozen_weight_decay": "base frozen and in eval mode, but AdamW(model.parameters(), "
                           "weight_decay=0.1) is given every parameter",
    "nothing_frozen_eval": "nothing frozen, whole model in eval mode, SGD on every parameter",
}
# Which state_dict entries: conv weights; BatchNorm's γ, β; its running mean, variance and
# batch count; the classifier's weights and biases.
STATE_GROUPS = ("conv_weights", "bn_affine", "bn_running_stats", "head")


def _group(key: str) -> str:
    if key.startswith("classifier."):
        return "head"
    if any(key.endswith(e) for e in ("running_mean", "running_var", "num_batches_tracked")):
        return "bn_running_stats"
    return "bn_affine" if ".bn" in key else "conv_weights"


def what_one_step_changes(scenario: str) -> dict[str, bool]:
    """Run `scenario` on the case ConvNet and report, per group, whether any entry changed."""
    import torch
    import torch.nn.functional as F

    model = _model("convnet")
    frozen = scenario.startswith("frozen")
    for p in model.features.parameters():
        p.requires_grad_(not frozen)
    model.train(scenario != "nothing_frozen_eval")
    if scenario in ("frozen_eval_base", "frozen_weight_decay"):
        model.features.eval()
    if scenario == "frozen_weight_decay":
        opt: torch.optim.Optimizer = torch.optim.AdamW(model.parameters(), lr=0.1,
                                                       weight_decay=0.1)
    else:
        opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    gen = torch.Generator().manual_seed(11)
    x, y = torch.randn(8, 3, 8, 8, generator=gen), torch.randint(0, 2, (8,), generator=gen)
    opt.zero_grad()
    F.cross_entropy(model(x), y).backward()
    opt.step()
    changed = dict.fromkeys(STATE_GROUPS, False)
    for k, v in model.state_dict().items():
        changed[_group(k)] |= not torch.equal(v, before[k])
    return changed


_WHY = {
    "conv_weights": "an optimizer step moves a parameter only when the parameter has a gradient "
                    "(weight decay included); the mode (train/eval) does not decide that",
    "bn_affine": "γ and β are parameters like the conv weights: they move only when they get a "
                 "gradient; eval mode changes how BatchNorm computes, not whether it learns",
    "bn_running_stats": "running statistics are buffers, not parameters: no optimizer touches "
                        "them; a forward pass updates them, in training mode only",
    "head": "the head's parameters require grad and are in the optimizer",
}


def _scenario_case(scenario: str) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        got = call(fn)
        if got is None:
            raise CaseFailure("returned None: did you forget the `return` statement?")
        if not isinstance(got, dict) or scenario not in got:
            raise CaseFailure(f"expected a dict with the keys {list(SCENARIOS)}, got "
                              f"{type(got).__name__}"
                              + (f" with keys {sorted(map(str, got))}" if isinstance(got, dict)
                                 else ""))
        answer = got[scenario]
        if not isinstance(answer, dict) or sorted(map(str, answer)) != sorted(STATE_GROUPS):
            raise CaseFailure(f"answer[{scenario!r}] must be a dict with the keys "
                              f"{list(STATE_GROUPS)}, each True (changes) or False (stays)")
        odd = [g for g in STATE_GROUPS if not isinstance(answer[g], bool | np.bool_)]
        if odd:
            raise CaseFailure(f"answer[{scenario!r}][{odd[0]!r}] must be True or False")
        truth = what_one_step_changes(scenario)
        wrong = [g for g in STATE_GROUPS if bool(answer[g]) != truth[g]]
        if wrong:
            raise CaseFailure("; ".join(f"{g} is wrong: {_WHY[g]}" for g in wrong))

    return Case(f"{scenario}: {SCENARIOS[scenario]}", run)


def check_predict_fine_tuning(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn() -> {scenario: {group: bool}}`: which state_dict groups one step changes."""
    return run_cases("predict_fine_tuning", fn, [_scenario_case(s) for s in SCENARIOS],
                     verbose=verbose)
