"""Check of the curve-reading exercise of set 06: a learner reads four recorded training runs
(`course_lib.recorded_curves.CURVES`) and answers, as a dict, which run overfits, which
underfits, where early stopping would stop, and which run ends best. Expected answers are
computed from the curves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..recorded_curves import CURVES
from .answers import answer_case, choice_case
from .core import Case, CaseFailure, CheckResult, run_cases

__all__ = ["DIAGNOSES", "check_read_the_curves", "diagnose"]

OVERFITTING, UNDERFITTING, NEITHER = "overfitting", "underfitting", "neither"
DIAGNOSES = (OVERFITTING, UNDERFITTING, NEITHER)
NO_REG, STRONG = "no regularization", "weight decay 0.3"
EARLY_STOP_TOLERANCE = 0.07  # an epoch counts if its validation loss is within 7% of the lowest


def diagnose(run: dict[str, list[float]]) -> str:
    """The rule the answers follow: underfitting when the training digits are not learned
    (below 97% in evaluation mode); overfitting when they are and the validation loss ends more
    than 10% above its lowest; otherwise neither."""
    if run["final_train_acc"][0] < 0.97:
        return UNDERFITTING
    val = np.array(run["val_loss"])
    return OVERFITTING if val[-1] > 1.1 * val.min() else NEITHER


def _percent(v: float) -> str:
    return f"{100 * v:.1f}%"


def _diagnosis_case(name: str) -> Case:
    run = CURVES[name]
    mistakes = {
        OVERFITTING: (f"its training accuracy ends at {_percent(run['final_train_acc'][0])}: it "
                      "has not even fitted the training digits, and its validation curves "
                      "follow the training curves; a model that cannot fit is too constrained"),
        UNDERFITTING: (f"it fits the training digits ({_percent(run['final_train_acc'][0])} in "
                       "evaluation mode): look at what its validation loss does while its "
                       "training loss keeps falling"),
        NEITHER: ("compare its lowest validation loss with its last one, and its training "
                  "accuracy with its validation accuracy")
        if diagnose(run) == OVERFITTING else
        (f"its training accuracy ends at {_percent(run['final_train_acc'][0])}: compare that "
         "with what the other runs reach on the same digits"),
    }
    key = "no_regularization" if name == NO_REG else "strong_weight_decay"
    return choice_case(f"diagnosis of '{name}'", key, diagnose(run), DIAGNOSES, mistakes)


def _early_stop_case() -> Case:
    val = np.array(CURVES[NO_REG]["val_loss"])
    train = np.array(CURVES[NO_REG]["train_loss"])

    def grade(got: Any) -> None:
        if isinstance(got, np.integer):
            got = int(got)
        if isinstance(got, bool) or not isinstance(got, int):
            raise CaseFailure(f"'early_stop_epoch': expected an epoch number (an int), got "
                              f"{type(got).__name__}")
        if not 1 <= got <= len(val):
            raise CaseFailure(f"'early_stop_epoch': epochs are numbered 1 to {len(val)}")
        if val[got - 1] <= (1 + EARLY_STOP_TOLERANCE) * val.min():
            return
        if got == int(train.argmin()) + 1:
            raise CaseFailure("'early_stop_epoch': that is where the training loss is lowest; "
                              "early stopping watches the validation loss")
        raise CaseFailure(f"'early_stop_epoch': the validation loss at epoch {got} is "
                          f"{val[got - 1]:.3f}, well above its lowest value {val.min():.3f}")

    return answer_case("early stopping for 'no regularization'", "early_stop_epoch", grade)


def _best_case() -> Case:
    final = {name: run["val_acc"][-1] for name, run in CURVES.items()}
    best = max(final, key=final.get)
    mistakes = {name: (f"its final validation accuracy is {_percent(acc)}; another run ends "
                       "higher" + (" (a low training loss is not the goal)"
                                   if name == NO_REG else ""))
                for name, acc in final.items() if name != best}
    return choice_case("the run with the best final validation accuracy", "best_run", best,
                       tuple(CURVES), mistakes)


def check_read_the_curves(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn()` → {"no_regularization": diagnosis, "strong_weight_decay": diagnosis,
    "early_stop_epoch": int, "best_run": a run's name} for the recorded `CURVES`."""
    cases = [_diagnosis_case(NO_REG), _diagnosis_case(STRONG), _early_stop_case(), _best_case()]
    return run_cases("read_the_curves", fn, cases, verbose=verbose)
