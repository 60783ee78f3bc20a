"""The n_binary_svms check (course_lib.grading.multiclass, exercise set classic_vision): each
typical mistake is named, and the course's count agrees with scikit-learn's."""

from __future__ import annotations

import numpy as np
import pytest
from grading_contract import failure_messages
from sklearn.multiclass import OneVsOneClassifier, OneVsRestClassifier
from sklearn.svm import LinearSVC

from course_lib.svm import n_binary_classifiers

SET = "classic_vision"


def _messages(name, fn):
    return failure_messages(SET, name, fn)


def test_n_binary_svms_mistakes_are_named():
    assert "not two" in _messages("n_binary_svms", lambda k, s: k if s == "ovr" else k * (k - 1))
    assert "one SVM per class" in _messages("n_binary_svms", lambda k, s: k - 1 if s == "ovr"
                                            else n_binary_classifiers(k, s))
    assert "single SVM" in _messages("n_binary_svms", lambda k, s: k if s == "ovr"
                                     else k * (k - 1) // 2)
    assert "expected an int" in _messages("n_binary_svms", lambda k, s: k * (k - 1) / 2)


@pytest.mark.parametrize("k", [3, 4, 10])
def test_binary_svm_counts_match_scikit_learn(k):
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((20 * k, 2)), np.repeat(np.arange(k), 20)
    ovr = OneVsRestClassifier(LinearSVC()).fit(x, y)
    ovo = OneVsOneClassifier(LinearSVC()).fit(x, y)
    assert len(ovr.estimators_) == n_binary_classifiers(k, "ovr") == k
    assert len(ovo.estimators_) == n_binary_classifiers(k, "ovo") == k * (k - 1) // 2
