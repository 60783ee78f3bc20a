"""course_lib.data: the datasets of the course and how they reach the device.

Standard datasets in their official formats (IDX, CIFAR-10 binary) found via `COURSE_DATA_DIR`, the
user cache or a verified download; offline data (sklearn digits, sample photos, drawn shapes);
`ImageSet` to hold them, `DeviceBatches` to batch them on the device, and `augment`
(transforms), `mixing` (mixup) and their one configuration `Augmentation` to augment them there;
`catalog` holds facts about datasets not shipped here.
"""

from .augment import crop_and_flip
from .augment_pipeline import KERAS_LECTURE_SETTINGS, Augmentation, from_keras
from .batches import DeviceBatches
from .builtin import load_digits, sample_photo, sample_photo_names, to_gray
from .catalog import DATASET_FACTS, LABEL_ERRORS, DatasetFacts, LabelErrors
from .cats_vs_dogs import Splits, load_cats_vs_dogs, split_per_class
from .cifar import read_batches, read_class_names
from .datasets import (
    FASHION_MNIST_CLASSES,
    MNIST_CLASSES,
    ImageSet,
    load_cifar10,
    load_fashion_mnist,
    load_mnist,
)
from .errors import DatasetCorruptError, DatasetError, DatasetNotFoundError
from .idx import read_idx
from .shapes import SHAPE_KINDS, draw_shape, make_placed_shapes, make_shapes
from .sources import DATASETS, DatasetSpec, FileSpec, get_spec
from .store import cache_root, data_root, downloads_allowed, fetch_url, locate

__all__ = [
    "DATASETS",
    "DATASET_FACTS",
    "LABEL_ERRORS",
    "FASHION_MNIST_CLASSES",
    "KERAS_LECTURE_SETTINGS",
    "MNIST_CLASSES",
    "SHAPE_KINDS",
    "Augmentation",
    "DatasetCorruptError",
    "DatasetError",
    "DatasetFacts",
    "DatasetNotFoundError",
    "DatasetSpec",
    "DeviceBatches",
    "FileSpec",
    "ImageSet",
    "LabelErrors",
    "Splits",
    "cache_root",
    "crop_and_flip",
    "data_root",
    "downloads_allowed",
    "draw_shape",
    "fetch_url",
    "from_keras",
    "get_spec",
    "load_cats_vs_dogs",
    "load_cifar10",
    "load_digits",
    "load_fashion_mnist",
    "load_mnist",
    "locate",
    "make_placed_shapes",
    "make_shapes",
    "read_batches",
    "read_class_names",
    "read_idx",
    "sample_photo",
    "sample_photo_names",
    "split_per_class",
    "to_gray",
]
