"""The svm_training_cost check (course_lib.grading.multiclass, exercise set classic_vision): each
typical mistake is named, and the reference's counts agree with scikit-learn's fitted wrappers."""

from __future__ import annotations

import numpy as np
import pytest
from grading_contract import failure_messages
from sklearn.multiclass import OneVsOneClassifier, OneVsRestClassifier
from sklearn.svm import SVC

from course_lib.grading.multiclass import svm_training_cost_reference

SET = "classic_vision"


def _messages(fn):
    return failure_messages(SET, "svm_training_cost", fn)


def _right(k, n, scheme):
    return svm_training_cost_reference(k, n, scheme)


def _with(key, wrong):
    """The right answer with `key` replaced by wrong(k, n, scheme, right answer)."""
    def answer(k, n, scheme):
        right = _right(k, n, scheme)
        return {**right, key: wrong(k, n, scheme, right)}

    return answer


def test_svm_count_mistakes_keep_their_messages():
    assert "not two" in _messages(_with("svms", lambda k, n, s, r: k * (k - 1) if s == "ovo"
                                        and k > 2 else r["svms"]))
    assert "one SVM per class" in _messages(_with("svms", lambda k, n, s, r: k - 1 if s == "ovr"
                                                  and k > 2 else r["svms"]))
    assert "single SVM" in _messages(_with("svms", lambda k, n, s, r: 2 if k == 2 else r["svms"]))
    assert "expected an int" in _messages(_with("svms", lambda k, n, s, r: r["svms"] / 1))


def test_examples_and_cost_mistakes_are_named():
    assert "against ALL the other classes" in _messages(
        _with("examples_each", lambda k, n, s, r: n if s == "ovr" and k > 2 else r[
            "examples_each"]))
    assert "only the examples of its own two classes" in _messages(
        _with("examples_each", lambda k, n, s, r: k * n if s == "ovo" else r["examples_each"]))
    assert "the square of its examples" in _messages(
        _with("cost", lambda k, n, s, r: r["svms"] * r["examples_each"]))
    assert "then add up the SVMs" in _messages(
        _with("cost", lambda k, n, s, r: (r["svms"] * r["examples_each"]) ** 2))
    assert "keys" in _messages(lambda k, n, s: {"svms": 1})


def test_one_vs_one_is_cheaper_from_three_classes_on():
    for k in (3, 4, 10):
        assert _right(k, 100, "ovo")["cost"] < _right(k, 100, "ovr")["cost"]
    assert _right(2, 100, "ovo") == _right(2, 100, "ovr")


@pytest.mark.parametrize("k", [3, 4, 6])
def test_counts_and_examples_match_scikit_learn(k):
    n = 12
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((n * k, 2)), np.repeat(np.arange(k), n)
    for scheme, wrapper in (("ovr", OneVsRestClassifier), ("ovo", OneVsOneClassifier)):
        fitted = wrapper(SVC()).fit(x, y).estimators_
        right = _right(k, n, scheme)
        assert len(fitted) == right["svms"]
        assert {e.shape_fit_[0] for e in fitted} == {right["examples_each"]}
