"""The course outline: each chapter's number, notebook and title, in curriculum order, and
Markdown links to chapters that turn into plain text while a chapter's notebook does not exist
(the book treats a link to a missing page as an error).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["CHAPTERS", "Chapter", "chapter", "chapter_link"]


@dataclass(frozen=True)
class Chapter:
    number: int  # 1..13, the order of the course
    slug: str  # the notebook's file name in chapters/, without ".ipynb"
    title: str  # the chapter's title


CHAPTERS: tuple[Chapter, ...] = (
    Chapter(1, "01_classic_vision", "Computer vision, hand-crafted features and SVM"),
    Chapter(2, "02_neural_networks", "Neural networks: perceptron, MLP and XOR"),
    Chapter(3, "03_convolution", "Convolution and the Sobel filter"),
    Chapter(4, "04_padding_stride_receptive_field", "Padding, stride and receptive field"),
    Chapter(5, "05_pooling", "Pooling"),
    Chapter(6, "06_dropout_regularization", "Dropout and regularization"),
    Chapter(7, "07_batch_normalization", "Batch normalization"),
    Chapter(8, "08_datasets_augmentation", "Image datasets, preprocessing and augmentation"),
    Chapter(9, "09_architectures", "Architectures: LeNet → AlexNet → VGG → GoogLeNet"),
    Chapter(10, "10_resnet", "ResNet"),
    Chapter(11, "11_transfer_learning", "Transfer learning"),
    Chapter(12, "12_visualizing_cnns", "Visualizing what a CNN learns"),
    Chapter(13, "13_summary_glossary", "Summary, design checklist and glossary"),
)


def chapter(number: int) -> Chapter:
    """The chapter with this number (1..13)."""
    for c in CHAPTERS:
        if c.number == number:
            return c
    raise ValueError(f"there is no chapter {number!r}; chapters are numbered 1..{len(CHAPTERS)}")


def chapter_link(number: int, chapters_dir: str | Path = ".", text: str | None = None) -> str:
    """`[text](NN_slug.ipynb)` when `chapters_dir` holds that chapter's notebook, else plain text.

    The link is relative, for a page that lives in chapters/ itself; `text` defaults to
    "chapter N". Re-running the page once every chapter exists turns every mention into a link.
    """
    c = chapter(number)
    text = text or f"chapter {c.number}"
    if (Path(chapters_dir) / f"{c.slug}.ipynb").is_file():
        return f"[{text}]({c.slug}.ipynb)"
    return text
