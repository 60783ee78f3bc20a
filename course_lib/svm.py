"""Support vector machines on feature vectors, the classic vision pipeline (image → features →
vector → classifier): scikit-learn pipelines, the binary SVMs behind a multi-class one, the margin
of a linear SVM, and a results table comparing features and kernels. Cortes & Vapnik 1995; libsvm.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .features import FEATURE_EXTRACTORS
from .profile import Profile

__all__ = [
    "CLASSIFIERS",
    "ResultRow",
    "ResultsTable",
    "compare_features",
    "feature_experiment",
    "feature_pipeline",
    "linear_margin",
    "n_binary_classifiers",
    "seed_accuracies",
]


def _linear_svm():
    from sklearn.svm import SVC

    return SVC(kernel="linear", C=1.0)


def _rbf_svm():
    from sklearn.svm import SVC

    # C = 10 with gamma = 1 / (D · Var(X)) ("scale"): a common starting point for RBF SVMs.
    return SVC(kernel="rbf", C=10.0, gamma="scale")


# The classifiers the results table compares, by the names it shows. Both are libsvm's SVC, so
# only the kernel differs (both train one-vs-one for several classes).
CLASSIFIERS: dict[str, Callable[[], object]] = {"linear SVM": _linear_svm, "RBF SVM": _rbf_svm}


def feature_pipeline(features: str | Callable[[np.ndarray], np.ndarray] = "HOG",
                     classifier: str = "RBF SVM"):
    """The classic pipeline as one scikit-learn estimator: a feature extractor (a name in
    `FEATURE_EXTRACTORS` or a function (N, H, W) → (N, D)) followed by an SVM of `CLASSIFIERS`.
    Fit it on images (N, H, W) and labels (N,) like any classifier."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    extract = FEATURE_EXTRACTORS[features] if isinstance(features, str) else features
    if classifier not in CLASSIFIERS:
        raise ValueError(f"unknown classifier {classifier!r}; choose one of {list(CLASSIFIERS)}")
    return make_pipeline(FunctionTransformer(extract), CLASSIFIERS[classifier]())


def n_binary_classifiers(n_classes: int, scheme: str) -> int:
    """How many binary SVMs a `n_classes`-class problem needs: 'ovr' (one-vs-rest) trains one per
    class, 'ovo' (one-vs-one) one per pair of classes, k(k − 1)/2. Two classes need one SVM."""
    if n_classes < 2:
        raise ValueError(f"a classifier needs at least 2 classes, got {n_classes}")
    if scheme not in ("ovr", "ovo"):
        raise ValueError(f"scheme must be 'ovr' or 'ovo', got {scheme!r}")
    if n_classes == 2:
        return 1
    return n_classes if scheme == "ovr" else n_classes * (n_classes - 1) // 2


def linear_margin(svm) -> float:
    """Width 2 / ‖w‖ of the margin of a fitted binary linear SVM (SVC(kernel='linear') or
    LinearSVC): the distance between the hyperplanes w·x + b = −1 and w·x + b = +1."""
    w = np.asarray(svm.coef_, dtype=np.float64)
    if w.shape[0] != 1:
        raise ValueError(f"linear_margin needs a binary linear SVM, got coef_ of shape {w.shape}")
    return float(2.0 / np.linalg.norm(w))


@dataclass
class ResultRow:
    """One (features, classifier) cell of the results table."""

    features: str  # name of the feature extractor
    classifier: str  # name of the classifier
    n_features: int  # length of the feature vector
    accuracy: float  # test accuracy in [0, 1]
    feature_seconds: float  # time to extract the features of the training and test images
    fit_seconds: float  # time to fit the classifier on the training features


@dataclass
class ResultsTable:
    """Accuracies and times of every features × classifier pair on one dataset."""

    dataset: str  # e.g. "MNIST, 5,000 train / 2,000 test"
    rows: list[ResultRow] = field(default_factory=list)

    def accuracy(self, features: str, classifier: str) -> float:
        for r in self.rows:
            if (r.features, r.classifier) == (features, classifier):
                return r.accuracy
        raise KeyError(f"no row for {features!r} with {classifier!r}")

    def best(self) -> ResultRow:
        return max(self.rows, key=lambda r: r.accuracy)

    def _cells(self) -> tuple[list[str], list[list[str]]]:
        head = ["features", "dims", "classifier", "test accuracy", "features (s)", "fit (s)"]
        body = [[r.features, str(r.n_features), r.classifier, f"{r.accuracy:.2%}",
                 f"{r.feature_seconds:.2f}", f"{r.fit_seconds:.2f}"] for r in self.rows]
        return head, body

    def __repr__(self) -> str:
        head, body = self._cells()
        widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) if i < 3 else c.rjust(w)
                           for i, (c, w) in enumerate(zip(row, widths, strict=True)))
                 for row in [head, *body]]
        return "\n".join([self.dataset, *lines])

    def _repr_html_(self) -> str:
        head, body = self._cells()
        th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        tr = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                     for row in body)
        return (f"<p>{html.escape(self.dataset)}</p>"
                f"<table><thead><tr>{th}</tr></thead><tbody>{tr}</tbody></table>")


def compare_features(
    train_images: np.ndarray,
    train_labels: np.ndarray,
    test_images: np.ndarray,
    test_labels: np.ndarray,
    features: Mapping[str, Callable[[np.ndarray], np.ndarray] | Sequence[str]] | None = None,
    classifiers: Sequence[str] = tuple(CLASSIFIERS),
    dataset: str = "",
) -> ResultsTable:
    """Fit every classifier on every feature set; report test accuracy and times.

    images: (N, H, W) grey, labels: (N,). `features` maps a name to an extractor, or to a list of
    names of `FEATURE_EXTRACTORS` whose vectors are concatenated (e.g. ["HOG", "LBP"]); default:
    all of `FEATURE_EXTRACTORS`. Each extractor runs once; its time is reported with each row.
    """
    features = dict(FEATURE_EXTRACTORS if features is None else features)
    table = ResultsTable(dataset)
    cache: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}

    def extract(name: str, fn: Callable[[np.ndarray], np.ndarray]):
        if name not in cache:
            start = time.perf_counter()
            cache[name] = (fn(train_images), fn(test_images), time.perf_counter() - start)
        return cache[name]

    for name, spec in features.items():
        if callable(spec):
            f_train, f_test, seconds = extract(name, spec)
        else:  # concatenate named feature vectors: the "concatenate into a vector" step
            parts = [extract(n, FEATURE_EXTRACTORS[n]) for n in spec]
            f_train = np.concatenate([p[0] for p in parts], axis=1)
            f_test = np.concatenate([p[1] for p in parts], axis=1)
            seconds = sum(p[2] for p in parts)
        for clf_name in classifiers:
            clf = CLASSIFIERS[clf_name]()
            start = time.perf_counter()
            clf.fit(f_train, train_labels)
            fit_seconds = time.perf_counter() - start
            accuracy = float(np.mean(clf.predict(f_test) == np.asarray(test_labels)))
            table.rows.append(ResultRow(name, clf_name, f_train.shape[1], accuracy, seconds,
                                        fit_seconds))
    return table


# The feature sets of chapter 1's experiment: raw pixels, two hand-crafted features, both joined.
EXPERIMENT_FEATURES = {"raw pixels": ["raw pixels"], "HOG": ["HOG"], "LBP": ["LBP"],
                       "HOG + LBP": ["HOG", "LBP"]}


def feature_experiment(dataset: str, profile: Profile, seeds: Sequence[int] | None = None,
                       n_train: int = 5_000, n_test: int = 2_000) -> list[ResultsTable]:
    """Chapter 1's experiment, one `compare_features` table per seed: "digits" (scikit-learn's
    8×8 digits, split in half, the seed choosing the split) or "mnist" (stratified subsets of
    `n_train` and `n_test` images as far as `profile` allows, the seed choosing them)."""
    from sklearn.model_selection import train_test_split

    from .data import load_digits, load_mnist

    seeds = range(profile.seeds) if seeds is None else seeds
    tables = []
    for seed in seeds:
        if dataset == "digits":
            digits = load_digits()
            images, labels = digits.images.numpy()[:, 0], digits.labels.numpy()
            x_train, x_test, y_train, y_test = train_test_split(
                images, labels, test_size=0.5, random_state=seed, stratify=labels)
            name = "scikit-learn digits (8×8)"
        elif dataset == "mnist":
            train = load_mnist("train").subset(profile.take(n_train, "train"), seed=seed)
            test = load_mnist("test").subset(profile.take(n_test, "test"), seed=seed)
            x_train, y_train = train.images.numpy()[:, 0], train.labels.numpy()
            x_test, y_test = test.images.numpy()[:, 0], test.labels.numpy()
            name = "MNIST (28×28)"
        else:
            raise ValueError(f"dataset must be 'digits' or 'mnist', got {dataset!r}")
        label = f"{name}: {len(x_train):,} train / {len(x_test):,} test, seed {seed}"
        tables.append(compare_features(x_train, y_train, x_test, y_test, EXPERIMENT_FEATURES,
                                       dataset=label))
    return tables


def seed_accuracies(tables: Sequence[ResultsTable], features: str, classifier: str) -> list[float]:
    """The test accuracy (in %) of one features × classifier pair in each seed's table."""
    return [100 * t.accuracy(features, classifier) for t in tables]
