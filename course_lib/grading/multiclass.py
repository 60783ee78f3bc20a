"""Check for the multi-class SVM exercise: what one-vs-rest and one-vs-one cost to train, as the
number of binary SVMs, the examples each one trains on, and the total when training one SVM on m
examples takes time ∝ m² (a kernel SVM fills an m × m kernel matrix).

The count is `course_lib.svm.n_binary_classifiers` (k, k(k − 1)/2, or 1 for two classes); the
tests compare both counts and the examples per SVM with scikit-learn's fitted wrappers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..svm import n_binary_classifiers
from .answers import expect_dict
from .core import NOT_IMPLEMENTED, Case, CaseFailure, CheckResult, call, expect_int, run_cases

__all__ = ["check_svm_training_cost", "svm_training_cost_reference"]

KEYS = ("svms", "examples_each", "cost")


def svm_training_cost_reference(n_classes: int, n_per_class: int, scheme: str) -> dict[str, int]:
    """{"svms": binary SVMs, "examples_each": training examples of each, "cost": Σ m²} for
    `n_classes` classes of `n_per_class` examples, scheme 'ovr' or 'ovo'."""
    svms = n_binary_classifiers(n_classes, scheme)
    # One-vs-rest: every SVM sees every example; one-vs-one (and two classes): a pair's examples.
    each = n_classes * n_per_class if scheme == "ovr" and n_classes > 2 else 2 * n_per_class
    return {"svms": svms, "examples_each": each, "cost": svms * each**2}


def _mistakes(k: int, n: int, scheme: str, key: str) -> list[tuple[int, str]]:
    ref = svm_training_cost_reference(k, n, scheme)
    if key == "svms":
        if k == 2:
            return [(2, "two classes need a single SVM: one side against the other")]
        if scheme == "ovo":
            return [(k * (k - 1), "each pair of classes needs one SVM, not two: count unordered "
                                  "pairs"),
                    (k, "that is one-vs-rest; one-vs-one trains one SVM per pair of classes"),
                    (k * k, "count pairs of two different classes, each pair once")]
        return [(k - 1, "one-vs-rest trains one SVM per class (class c against all the others)"),
                (k * (k - 1) // 2, "that is one-vs-one; one-vs-rest trains one SVM per class")]
    if key == "examples_each":
        if scheme == "ovo" or k == 2:
            return [(n, "an SVM separates two classes, so it trains on the examples of both"),
                    (k * n, "a one-vs-one SVM sees only the examples of its own two classes, not "
                            "all k·n")]
        return [(n, "one-vs-rest trains class c against ALL the other classes: which examples "
                    "does that SVM need?"),
                ((k - 1) * n, "the SVM for class c needs class c's own examples too")]
    svms, each = ref["svms"], ref["examples_each"]
    return [(svms * each, "training one SVM costs ∝ m², the square of its examples, not m"),
            ((svms * each) ** 2, "square each SVM's examples, then add up the SVMs: the SVMs are "
                                 "trained separately"),
            (each**2, "add up the cost of every SVM, not just one")]


def _case(label: str, calls: list[tuple[int, int, str]]) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        for k, n, scheme in calls:
            where = f"svm_training_cost({k}, {n}, {scheme!r})"
            try:
                got = call(fn, k, n, scheme)
            except CaseFailure as e:
                if str(e) == NOT_IMPLEMENTED:
                    raise
                raise CaseFailure(f"{where}: {e}") from None
            try:
                expect_dict(got, KEYS)
            except CaseFailure as e:
                raise CaseFailure(f"{where}: {e}") from None
            ref = svm_training_cost_reference(k, n, scheme)
            for key in KEYS:
                try:
                    expect_int(got[key], ref[key], _mistakes(k, n, scheme, key))
                except CaseFailure as e:
                    raise CaseFailure(f"{where}[{key!r}]: {e}") from None

    return Case(label, run)


def check_svm_training_cost(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(n_classes, n_per_class, scheme) -> {"svms", "examples_each", "cost"}` for
    scheme 'ovr' or 'ovo'."""
    cases = [
        _case("ten digit classes of 100 examples, one-vs-rest", [(10, 100, "ovr")]),
        _case("ten digit classes of 100 examples, one-vs-one", [(10, 100, "ovo")]),
        _case("4 and 7 classes both ways, and 2 classes",
              [(4, 50, "ovr"), (4, 50, "ovo"), (7, 30, "ovr"), (7, 30, "ovo"), (2, 40, "ovr"),
               (2, 40, "ovo")]),
    ]
    return run_cases("svm_training_cost", fn, cases, verbose=verbose)
