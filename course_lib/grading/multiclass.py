"""Check for the multi-class SVM exercise: how many binary SVMs one-vs-rest and one-vs-one train.

The reference is `course_lib.svm.n_binary_classifiers` (k for one-vs-rest, k(k − 1)/2 for
one-vs-one, 1 for two classes), which the tests compare with scikit-learn's
OneVsRestClassifier and OneVsOneClassifier.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..svm import n_binary_classifiers
from .core import NOT_IMPLEMENTED, Case, CaseFailure, CheckResult, call, expect_int, run_cases

__all__ = ["check_n_binary_svms"]


def _mistakes(k: int, scheme: str) -> list[tuple[int, str]]:
    if scheme == "ovo":
        return [(k * (k - 1), "each pair of classes needs one SVM, not two: k(k − 1)/2"),
                (k, "that is one-vs-rest; one-vs-one trains one SVM per pair of classes"),
                (k * k, "pairs of two different classes, each counted once: k(k − 1)/2")]
    return [(k - 1, "one-vs-rest trains one SVM per class (class c against all the others)"),
            (k * (k - 1) // 2, "that is one-vs-one; one-vs-rest trains one SVM per class")]


def _case(label: str, calls: list[tuple[int, str]]) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        for k, scheme in calls:
            try:
                expect_int(call(fn, k, scheme), n_binary_classifiers(k, scheme),
                           _mistakes(k, scheme) if k > 2 else
                           [(2, "two classes need a single SVM: one side against the other")])
            except CaseFailure as e:
                if str(e) == NOT_IMPLEMENTED:
                    raise
                raise CaseFailure(f"n_binary_svms({k}, {scheme!r}): {e}") from None

    return Case(label, run)


def check_n_binary_svms(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(n_classes, scheme) -> int` for scheme 'ovr' or 'ovo'."""
    cases = [
        _case("ten digit classes, one-vs-rest", [(10, "ovr")]),
        _case("ten digit classes, one-vs-one", [(10, "ovo")]),
        _case("4 and 7 classes both ways, and 2 classes", [(4, "ovr"), (4, "ovo"), (7, "ovr"),
                                                           (7, "ovo"), (2, "ovr"), (2, "ovo")]),
    ]
    return run_cases("n_binary_svms", fn, cases, verbose=verbose)
