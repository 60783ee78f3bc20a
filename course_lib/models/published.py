"""Published results the chapters compare their own numbers with, each with its source.

These are quoted, not computed: ImageNet (ILSVRC) error rates by year, GoogLeNet's Table 1
(Szegedy et al., "Going deeper with convolutions", 2015), and the ResNet paper's ImageNet and
CIFAR-10 tables (He et al., "Deep residual learning for image recognition", 2016).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CIFAR_RESNET_TABLE6", "GOOGLENET_TABLE1", "HUMAN_TOP5_ERROR", "ILSVRC_WINNERS",
           "RESNET_FLOPS", "RESNET_TABLE2", "CifarResult", "IlsvrcEntry"]


@dataclass(frozen=True)
class IlsvrcEntry:
    """One ILSVRC classification entry."""

    year: int
    entry: str  # team or network
    top5_error: float  # top-5 error on the ILSVRC test set, in %
    layers: int | None  # weight layers of the network (None: not a deep network)
    note: str = ""


# The classification winners (and VGG, second in 2014), top-5 error in %, as reported by the
# challenge (Russakovsky et al., "ImageNet Large Scale Visual Recognition Challenge", IJCV 2015)
# and the papers; the human estimate is A. Karpathy's in the same IJCV paper.
ILSVRC_WINNERS: tuple[IlsvrcEntry, ...] = (
    IlsvrcEntry(2010, "NEC-UIUC (Lin et al.)", 28.2, None, "hand-crafted features + SVMs"),
    IlsvrcEntry(2011, "XRCE (Sánchez & Perronnin)", 25.8, None, "Fisher vectors + SVMs"),
    IlsvrcEntry(2012, "AlexNet (SuperVision)", 16.4, 8,
                "the first CNN winner; 15.3 with extra pre-training data"),
    IlsvrcEntry(2013, "ZFNet (Clarifai)", 11.7, 8, "a tuned AlexNet"),
    IlsvrcEntry(2014, "VGG (2nd place)", 7.3, 19, "3×3 convolutions only"),
    IlsvrcEntry(2014, "GoogLeNet", 6.7, 22, "Inception modules"),
    IlsvrcEntry(2015, "ResNet", 3.57, 152, "residual connections"),
)
HUMAN_TOP5_ERROR = 5.1  # one trained annotator (Karpathy), Russakovsky et al. 2015, §6.4

# Table 1 of the GoogLeNet paper, keyed by the course model's layer-table rows: the output size
# as (C, H, W), "params" in K and "ops" (multiply-adds) in M, as printed (None: blank).
GOOGLENET_TABLE1: dict[str, tuple[tuple[int, ...], float | None, float | None]] = {
    "stem.conv1": ((64, 112, 112), 2.7, 34), "stem.pool1": ((64, 56, 56), None, None),
    "stem.conv2": ((192, 56, 56), 112, 360), "stem.pool2": ((192, 28, 28), None, None),
    "inception3.3a": ((256, 28, 28), 159, 128), "inception3.3b": ((480, 28, 28), 380, 304),
    "pool3": ((480, 14, 14), None, None),
    "inception4.4a": ((512, 14, 14), 364, 73), "inception4.4b": ((512, 14, 14), 437, 88),
    "inception4.4c": ((512, 14, 14), 463, 100), "inception4.4d": ((528, 14, 14), 580, 119),
    "inception4.4e": ((832, 14, 14), 840, 170), "pool4": ((832, 7, 7), None, None),
    "inception5.5a": ((832, 7, 7), 1072, 54), "inception5.5b": ((1024, 7, 7), 1388, 71),
    "avgpool": ((1024, 1, 1), None, None), "fc": ((1000,), 1000, 1),
}

# Table 1 of the ResNet paper, "FLOPs" (multiply-adds) of the ImageNet networks, ×10⁹.
RESNET_FLOPS: dict[int, float] = {18: 1.8, 34: 3.6, 50: 3.8, 101: 7.6, 152: 11.3}

# Table 2 of the ResNet paper: top-1 error (%, 10-crop testing) on ImageNet validation.
RESNET_TABLE2: dict[str, dict[int, float]] = {
    "plain": {18: 27.94, 34: 28.54},
    "ResNet": {18: 27.88, 34: 25.03},
}


@dataclass(frozen=True)
class CifarResult:
    """One row of Table 6 of the ResNet paper (CIFAR-10 test error)."""

    depth: int  # 6n + 2 layers
    params_millions: float  # parameters as the paper prints them, in millions
    error: float  # test error in %


CIFAR_RESNET_TABLE6: tuple[CifarResult, ...] = (
    CifarResult(20, 0.27, 8.75),
    CifarResult(32, 0.46, 7.51),
    CifarResult(44, 0.66, 7.17),
    CifarResult(56, 0.85, 6.97),
    CifarResult(110, 1.7, 6.43),  # best of 5 runs; mean 6.61 ± 0.16
)
