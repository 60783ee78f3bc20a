"""Facts about the standard image datasets (sizes, shapes, classes, tasks) and the test-set
label errors measured by Northcutt, Athalye & Mueller 2021 ("Pervasive Label Errors in Test Sets
Destabilize Machine Learning Benchmarks", NeurIPS Datasets and Benchmarks, Table 1).
The loaders check the facts of the datasets they load (tests/data/test_catalog.py).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DATASET_FACTS", "LABEL_ERRORS", "DatasetFacts", "LabelErrors", "facts"]


@dataclass(frozen=True)
class DatasetFacts:
    """What one dataset holds, from its authors' publication or page."""

    name: str  # its usual name
    image_shape: tuple[int, int, int] | None  # (H, W, C) when all images share it, else None
    classes: int  # categories (object categories for detection datasets)
    train: int  # training images (all the images where there is no official split)
    test: int | None  # test images (the validation set where test labels are withheld)
    task: str  # what it is used for
    source: str  # where these numbers come from


DATASET_FACTS: tuple[DatasetFacts, ...] = (
    DatasetFacts("MNIST", (28, 28, 1), 10, 60_000, 10_000, "handwritten digit classification",
                 "LeCun, Cortes & Burges, yann.lecun.com/exdb/mnist"),
    DatasetFacts("Fashion-MNIST", (28, 28, 1), 10, 60_000, 10_000, "clothing classification",
                 "Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747"),
    DatasetFacts("CIFAR-10", (32, 32, 3), 10, 50_000, 10_000,
                 "object classification (6,000 images per class: 5,000 train + 1,000 test)",
                 "Krizhevsky 2009, cs.toronto.edu/~kriz/cifar.html"),
    DatasetFacts("CIFAR-100", (32, 32, 3), 100, 50_000, 10_000,
                 "object classification (100 classes in 20 superclasses; 500 + 100 per class)",
                 "Krizhevsky 2009, cs.toronto.edu/~kriz/cifar.html"),
    DatasetFacts("ImageNet (ILSVRC-2012)", None, 1_000, 1_281_167, 50_000,
                 "classification benchmark; test = the labelled validation set",
                 "Russakovsky et al. 2015, IJCV 115"),
    DatasetFacts("ImageNet (full, fall 2011)", None, 21_841, 14_197_122, None,
                 "14,197,122 images in 21,841 WordNet synsets; no official split",
                 "image-net.org (statistics page)"),
    DatasetFacts("COCO 2017", None, 80, 118_287, 5_000,
                 "detection, instance segmentation, keypoints, captions; test = val2017",
                 "Lin et al. 2014, arXiv:1405.0312; cocodataset.org"),
)


def facts(name: str) -> DatasetFacts:
    """The `DatasetFacts` called `name` (case-insensitive)."""
    for f in DATASET_FACTS:
        if f.name.lower() == name.lower():
            return f
    raise KeyError(f"no facts for {name!r}; known: {', '.join(f.name for f in DATASET_FACTS)}")


@dataclass(frozen=True)
class LabelErrors:
    """One row of Northcutt et al.'s Table 1: label errors found in a test set."""

    dataset: str
    modality: str  # image, text or audio
    test_size: int  # examples in the test set
    model: str  # the model whose out-of-sample predictions flagged candidates
    guessed: int  # candidates flagged by confident learning ("CL guessed")
    checked: int  # of those, checked by Mechanical Turk workers
    validated: int  # confirmed errors among the checked ones
    estimated: int | None = None  # errors extrapolated to all candidates, when not all checked

    @property
    def checked_percent(self) -> float:
        """Share of the flagged candidates that people checked, in %."""
        return 100 * self.checked / self.guessed

    @property
    def error_percent(self) -> float:
        """Label errors as % of the test set: estimated errors where only a sample was checked."""
        errors = self.validated if self.estimated is None else self.estimated
        return 100 * errors / self.test_size


LABEL_ERRORS: tuple[LabelErrors, ...] = (
    LabelErrors("MNIST", "image", 10_000, "2-conv CNN", 100, 100, 15),
    LabelErrors("CIFAR-10", "image", 10_000, "VGG", 275, 275, 54),
    LabelErrors("CIFAR-100", "image", 10_000, "VGG", 2_235, 2_235, 585),
    LabelErrors("Caltech-256", "image", 30_607, "ResNet-152", 4_643, 400, 65, 754),
    LabelErrors("ImageNet", "image", 50_000, "ResNet-50", 5_440, 5_440, 2_916),
    LabelErrors("QuickDraw", "image", 50_426_266, "VGG", 6_825_383, 2_500, 1_870, 5_105_386),
    LabelErrors("20news", "text", 7_532, "TFIDF + SGD", 93, 93, 82),
    LabelErrors("IMDB", "text", 25_000, "FastText", 1_310, 1_310, 725),
    LabelErrors("Amazon", "text", 9_996_437, "FastText", 533_249, 1_000, 732, 390_338),
    LabelErrors("AudioSet", "audio", 20_371, "VGG", 307, 307, 275),
)
