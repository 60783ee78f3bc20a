"""Transfer-learning checks: full marks for correct code, none for stubs, a specific message for
each typical mistake (head frozen too, tensors counted instead of elements, BN in train mode, no
no_grad, swapped rates, frozen parameters in a group, running statistics or weight decay
mispredicted), and no crash whatever the function does."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from grading_contract import assert_check_contract, assert_notebook_contract, failures, run

from course_lib.grading import EXERCISE_SETS
from tools.notebooks import ROOT

SET = "transfer_learning"
SOURCE = ROOT / "exercises" / "source" / "11_transfer_learning.ipynb"
STUDENT = ROOT / "exercises" / "11_transfer_learning.ipynb"
ODD_RETURNS = [None, "text", {}, 1e300, np.zeros(()), torch.ones(2), (1, 2), [{"params": 3}],
               [{"lr": 0.1}], 2.5, True]

# ------------------------------------------------------ reference answers, written independently


def freeze_all_but_head(model, head_name):
    for p in model.parameters():
        p.requires_grad = False
    for p in model.get_submodule(head_name).parameters():
        p.requires_grad = True
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def features_no_grad(base, x):
    was = base.training
    base.eval()
    with torch.no_grad():
        out = base(x)
    base.train(was)
    return out


def base_head_groups(model, base_lr, head_lr):
    base = [p for p in model.features.parameters() if p.requires_grad]
    head = [p for p in model.classifier.parameters() if p.requires_grad]
    return [{"params": base, "lr": base_lr}, {"params": head, "lr": head_lr}]


def predict_fine_tuning():
    def groups(conv, affine, stats):
        return {"conv_weights": conv, "bn_affine": affine, "bn_running_stats": stats, "head": True}

    return {"frozen_train_mode": groups(False, False, True),
            "frozen_eval_base": groups(False, False, False),
            "frozen_weight_decay": groups(False, False, False),
            "nothing_frozen_eval": groups(True, True, False)}


CORRECT = {"freeze_all_but_head": freeze_all_but_head, "features_no_grad": features_no_grad,
           "base_head_groups": base_head_groups, "predict_fine_tuning": predict_fine_tuning}
NAMES = [c.name for c in EXERCISE_SETS[SET]]


def test_the_set_is_complete_and_in_chapter_order():
    assert NAMES == list(CORRECT)
    sets = list(EXERCISE_SETS)
    assert sets.index("augmentation") < sets.index(SET) < sets.index("visualizing")


@pytest.mark.parametrize("name", NAMES)
def test_full_marks_for_correct_code_none_for_stubs_and_no_exception(name):
    assert_check_contract(SET, name, CORRECT[name], ODD_RETURNS)
    assert "ZeroDivisionError" in failures(run(name, lambda *a, **kw: 1 / 0))


def test_the_notebook_solutions_earn_full_marks_and_the_stubs_none():
    assert_notebook_contract(SET, SOURCE, STUDENT)


def _freeze_everything(model, head_name):
    for p in model.parameters():
        p.requires_grad = False
    return 0


def _count_total(model, head_name):
    freeze_all_but_head(model, head_name)
    return sum(p.numel() for p in model.parameters())


def _count_tensors(model, head_name):
    freeze_all_but_head(model, head_name)
    return sum(1 for p in model.parameters() if p.requires_grad)


def _head_only(model, head_name):  # never freezes the base (the model comes half-frozen)
    for p in model.get_submodule(head_name).parameters():
        p.requires_grad = True
    return sum(p.numel() for p in model.get_submodule(head_name).parameters())


def _train_mode(base, x):
    with torch.no_grad():
        return base(x)


def _with_graph(base, x):
    base.eval()
    return base(x)


def _swapped(model, base_lr, head_lr):
    return base_head_groups(model, head_lr, base_lr)


def _with_frozen(model, base_lr, head_lr):
    return [{"params": list(model.features.parameters()), "lr": base_lr},
            {"params": list(model.classifier.parameters()), "lr": head_lr}]


def _no_rates(model, base_lr, head_lr):
    return [{"params": list(model.features.parameters())},
            {"params": list(model.classifier.parameters())}]


MISTAKES = [
    ("freeze_all_but_head", _freeze_everything, "the head is frozen too"),
    ("freeze_all_but_head", _count_total, "that is the total"),
    ("freeze_all_but_head", _count_tensors, "p.numel()"),
    ("freeze_all_but_head", _head_only, "outside the head still train"),
    ("features_no_grad", _train_mode, "base.eval()"),
    ("features_no_grad", _with_graph, "torch.no_grad()"),
    ("base_head_groups", _swapped, "the rates are swapped"),
    ("base_head_groups", _with_frozen, "leave frozen parameters out"),
    ("base_head_groups", _no_rates, "its own 'lr'"),
]


def _changed(scenario, group, value):
    def answer():
        got = predict_fine_tuning()
        got[scenario][group] = value
        return got

    return answer


def _without(scenario):
    def answer():
        got = predict_fine_tuning()
        del got[scenario]
        return got

    return answer


MISTAKES += [
    ("predict_fine_tuning", _changed("frozen_train_mode", "bn_running_stats", False),
     "bn_running_stats is wrong: running statistics are buffers"),
    ("predict_fine_tuning", _changed("frozen_weight_decay", "conv_weights", True),
     "conv_weights is wrong: an optimizer step moves a parameter only when"),
    ("predict_fine_tuning", _changed("nothing_frozen_eval", "bn_affine", False),
     "bn_affine is wrong"),
    ("predict_fine_tuning", _changed("frozen_eval_base", "head", 1), "must be True or False"),
    ("predict_fine_tuning", _without("frozen_eval_base"), "expected a dict with the keys"),
    ("predict_fine_tuning", lambda: {s: {} for s in predict_fine_tuning()}, "each True"),
]


def test_the_prediction_check_runs_each_scenario():
    from course_lib.grading.transfer import SCENARIOS, what_one_step_changes

    seen = {s: what_one_step_changes(s) for s in SCENARIOS}
    assert seen == predict_fine_tuning()


@pytest.mark.parametrize("name,fn,message", MISTAKES)
def test_typical_mistakes_are_named(name, fn, message):
    result = run(name, fn)
    assert result.points < result.max_points and message in failures(result), result.report()


def test_library_helpers_pass_the_checks():
    from course_lib.transfer import count_parameters, freeze, param_groups, unfreeze

    def with_library(model, head_name):
        unfreeze(freeze(model), head_name)
        return count_parameters(model).trainable

    assert run("freeze_all_but_head", with_library).passed
    groups = lambda m, b, h: param_groups(m, {"features": b}, default_lr=h)  # noqa: E731
    assert run("base_head_groups", groups).passed
