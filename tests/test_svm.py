"""Tests of course_lib.svm: the binary SVM count, the margin of a linear SVM on a case with a known
answer, the feature pipeline, and the results table (on scikit-learn's digits, loose bounds)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

from course_lib.data import load_digits
from course_lib.svm import (
    ResultsTable,
    compare_features,
    feature_pipeline,
    linear_margin,
    n_binary_classifiers,
)


def test_n_binary_classifiers():
    assert n_binary_classifiers(10, "ovr") == 10
    assert n_binary_classifiers(10, "ovo") == 45
    assert n_binary_classifiers(2, "ovo") == n_binary_classifiers(2, "ovr") == 1
    with pytest.raises(ValueError, match="'ovr' or 'ovo'"):
        n_binary_classifiers(3, "all")


def test_linear_margin_of_two_points():
    # Two points 4 apart: the maximum-margin line lies halfway, the margin is their distance.
    svm = SVC(kernel="linear", C=1e6).fit(np.array([[0.0, 0.0], [4.0, 0.0]]), [0, 1])
    assert linear_margin(svm) == pytest.approx(4.0, rel=1e-6)
    assert len(svm.support_vectors_) == 2


@pytest.fixture(scope="module")
def digits_split():
    d = load_digits()
    x, y = d.images.numpy()[:, 0], d.labels.numpy()
    return train_test_split(x, y, test_size=0.5, random_state=0, stratify=y)


def test_feature_pipeline_on_digits(digits_split):
    x_train, x_test, y_train, y_test = digits_split
    model = feature_pipeline("raw pixels", "RBF SVM").fit(x_train, y_train)
    assert model.score(x_test, y_test) > 0.97


def test_results_table_on_digits(digits_split):
    x_train, x_test, y_train, y_test = digits_split
    features = {"raw pixels": ["raw pixels"], "HOG + LBP": ["HOG", "LBP"]}
    table = compare_features(x_train, y_train, x_test, y_test, features, dataset="digits")
    assert isinstance(table, ResultsTable)
    assert [(r.features, r.classifier) for r in table.rows] == [
        ("raw pixels", "linear SVM"), ("raw pixels", "RBF SVM"),
        ("HOG + LBP", "linear SVM"), ("HOG + LBP", "RBF SVM")]
    assert [r.n_features for r in table.rows] == [64, 64, 324 + 160, 324 + 160]
    # Loose bounds (the exact numbers depend on libsvm's version): all well above chance.
    assert table.accuracy("raw pixels", "RBF SVM") > 0.97
    assert table.accuracy("raw pixels", "linear SVM") > 0.95
    assert table.accuracy("HOG + LBP", "RBF SVM") > 0.93
    assert table.best().accuracy == max(r.accuracy for r in table.rows)
    text = repr(table)
    assert text.startswith("digits") and "test accuracy" in text and "fit (s)" in text
    assert "<table>" in table._repr_html_()
    with pytest.raises(KeyError):
        table.accuracy("LBP", "RBF SVM")


def test_feature_experiment_gives_one_table_per_seed():
    from course_lib.profile import PROFILES
    from course_lib.svm import feature_experiment, seed_accuracies

    tables = feature_experiment("digits", PROFILES["smoke"], seeds=(0, 1))
    assert [t.dataset.split("seed ")[-1] for t in tables] == ["0", "1"]
    assert "898 train / 899 test" in tables[0].dataset
    assert {(r.features, r.classifier) for r in tables[0].rows} == {
        (f, c) for f in ("raw pixels", "HOG", "LBP", "HOG + LBP")
        for c in ("linear SVM", "RBF SVM")}
    raw = seed_accuracies(tables, "raw pixels", "RBF SVM")
    assert len(raw) == 2 and all(95 < a <= 100 for a in raw)  # 8×8 digits: an easy problem
    assert raw[0] != raw[1]  # another split, another accuracy
    with pytest.raises(ValueError):
        feature_experiment("cifar", PROFILES["smoke"])
