"""Pretrained networks for transfer learning: the course CNN pretrained on the eight CIFAR-10
classes that are not cat or dog (cached under the user cache, retrained when missing, loaded with
`weights_only=True`), and an ImageNet model from torchvision where it and the network exist.
"""

from __future__ import annotations

import urllib.error
from dataclasses import dataclass, replace
from pathlib import Path

import torch
from torch import nn

from .data import Augmentation, DeviceBatches, ImageSet, cache_root, load_cifar10, split_per_class
from .data.cats_vs_dogs import CAT, DOG
from .models import ConvNet
from .profile import Profile
from .training import History, TrainConfig, fit

__all__ = [
    "NON_PET_CLASSES",
    "ImageNetUnavailable",
    "PretrainSpec",
    "Pretrained",
    "imagenet_backbone",
    "imagenet_backbone_or_none",
    "imagenet_probe",
    "pretrained_cnn",
    "pretraining_data",
]

NON_PET_CLASSES = tuple(c for c in range(10) if c not in (CAT, DOG))  # 0 1 2 4 6 7 8 9
_AVAILABLE_PER_CLASS = 5000  # CIFAR-10 training images per class


@dataclass(frozen=True)
class PretrainSpec:
    """Everything that determines the pretrained weights; the cache file name encodes it all."""

    widths: tuple[int, ...] = (16, 32, 64)  # channels of the ConvNet's stages (BatchNorm on)
    hidden: int = 128  # width of the classifier's hidden layer
    train_per_class: int = 2500  # pretraining images per class (× 8 classes)
    val_per_class: int = 250  # held-out images per class, to watch the pretraining
    epochs: int = 3  # passes over the pretraining images
    batch_size: int = 128  # minibatch size
    lr: float = 0.05  # peak learning rate of SGD with the one-cycle schedule
    seed: int = 0  # data split, initialisation and batch order

    @classmethod
    def for_profile(cls, profile: Profile, seed: int = 0, **changes) -> PretrainSpec:
        """Sizes from a compute profile: up to `profile.max_train` images in all, its epochs."""
        val = max(1, min(500, profile.take(4000, "test") // len(NON_PET_CLASSES)))
        train = profile.take(len(NON_PET_CLASSES) * (_AVAILABLE_PER_CLASS - val))
        return replace(cls(train_per_class=train // len(NON_PET_CLASSES), val_per_class=val,
                           epochs=profile.epochs, batch_size=profile.batch_size, seed=seed),
                       **changes)

    @property
    def filename(self) -> str:
        widths = "-".join(map(str, self.widths))
        return (f"cifar8-convnet-bn-w{widths}-h{self.hidden}-n{self.train_per_class}x8"
                f"-v{self.val_per_class}-e{self.epochs}-b{self.batch_size}-lr{self.lr:g}"
                f"-s{self.seed}.pt")

    def build(self) -> ConvNet:
        """The untrained network: ConvNet with BatchNorm, 8 outputs."""
        return ConvNet(3, len(NON_PET_CLASSES), widths=self.widths, hidden=self.hidden,
                       batch_norm=True)


@dataclass
class Pretrained:
    model: ConvNet  # the pretrained 8-class network (features = the base, classifier = its head)
    history: History  # its pretraining curves
    mean: tuple[float, ...]  # per-channel mean of the pretraining images: normalize new data so
    std: tuple[float, ...]  # per-channel std   (the base expects inputs scaled as it saw them)
    classes: tuple[str, ...]  # the eight class names
    path: Path  # the cached checkpoint
    trained_now: bool  # True when the cache was empty and the network was trained here


def pretraining_data(spec: PretrainSpec) -> tuple[ImageSet, ImageSet]:
    """(train, val) of the eight non-pet CIFAR-10 classes, disjoint, balanced, from `spec.seed`."""
    others = load_cifar10("train").select_classes(NON_PET_CLASSES)
    train, val = split_per_class(others, (spec.train_per_class, spec.val_per_class), spec.seed)
    train.name, val.name = "cifar10-8-classes/train", "cifar10-8-classes/val"
    return train, val


def pretrained_cnn(spec: PretrainSpec, device=None, cache_dir: str | Path | None = None,
                   progress: bool = True) -> Pretrained:
    """The course CNN pretrained on CIFAR-10 without cats and dogs: loaded from the cache when
    `<cache>/pretrained/<spec.filename>` exists, else trained now (progress bar) and saved there.

    The cache is `cache_dir`, else `course_lib.data.cache_root()` ($COURSE_CACHE_DIR or
    ~/.cache/course_lib). Loading goes through `torch.load(weights_only=True)`. An interrupted
    pretraining resumes from its last completed epoch.
    """
    root = Path(cache_dir) if cache_dir is not None else cache_root()
    path = root / "pretrained" / spec.filename
    train, val = pretraining_data(spec)
    mean, std = train.channel_stats()
    trained_now = not path.exists()
    if trained_now:
        print(f"No cached weights {spec.filename} in the course cache: pretraining on "
              f"{len(train):,} images of {len(train.classes)} classes for {spec.epochs} epoch(s).")
    torch.manual_seed(spec.seed)  # the initial weights, too, come from the spec's seed
    model = spec.build()
    batches = DeviceBatches(train, spec.batch_size, device or "cpu", shuffle=True,
                            augment=Augmentation(hflip=True, crop_padding=4), mean=mean, std=std,
                            seed=spec.seed)
    val_batches = DeviceBatches(val, 500, device or "cpu", mean=mean, std=std)
    config = TrainConfig(epochs=spec.epochs, lr=spec.lr, seed=spec.seed)
    # Ctrl-C stops here (not with a half-pretrained network for the caller to use); the
    # checkpoint keeps the completed epochs, and the next call resumes from them.
    history = fit(model, batches, val_batches, config, device=device, checkpoint=path,
                  progress=progress, on_interrupt="raise")
    return Pretrained(model.eval(), history, mean, std, train.classes, path, trained_now)


class ImageNetUnavailable(RuntimeError):
    """torchvision or its pretrained weights cannot be had here; the message says what to do."""


def imagenet_backbone(arch: str = "resnet18") -> tuple[nn.Module, nn.Module]:
    """An ImageNet-pretrained torchvision model without its classifier, and its preprocessing.

    Uses torchvision's current API, `get_model(arch, weights=get_model_weights(arch).DEFAULT)`
    (e.g. resnet18 with ResNet18_Weights.DEFAULT); the weights are downloaded once into torch's
    hub cache. Returns (backbone: images → (N, features), preprocess: resize + normalize).
    Raises ImageNetUnavailable, saying what to install or why, when torchvision is missing or
    the weights cannot be downloaded (no network).
    """
    try:
        import torchvision  # an optional extra: pip install "course-lib[vision]"
    except ImportError:
        raise ImageNetUnavailable(
            "torchvision is not installed: install the build matching your torch "
            "(pip install torchvision, or pip install \"course-lib[vision]\") and allow network "
            "access for the ImageNet weights") from None
    weights = torchvision.models.get_model_weights(arch).DEFAULT
    try:
        model = torchvision.models.get_model(arch, weights=weights)
    except (urllib.error.URLError, OSError) as err:
        raise ImageNetUnavailable(
            f"could not download the {arch} ImageNet weights ({type(err).__name__}: {err}); "
            "this needs network access once (they are then kept in torch's hub cache)") from None
    head = next(n for n in ("fc", "classifier", "heads") if hasattr(model, n))
    setattr(model, head, nn.Identity())  # keep the pooled features, drop the 1000 classes
    return model.eval(), weights.transforms()


def imagenet_backbone_or_none(arch: str = "resnet18") -> tuple[nn.Module, nn.Module] | None:
    """`imagenet_backbone(arch)`, or None after printing one line saying why it is skipped and
    what to install. Only ImageNetUnavailable is caught; any other error propagates."""
    try:
        return imagenet_backbone(arch)
    except ImageNetUnavailable as err:
        print(f"Skipping the ImageNet-pretrained {arch}: {err}.")
        return None


def imagenet_probe(backbone: nn.Module, preprocess, train: ImageSet, test: ImageSet,
                   batch_size: int = 64, device=None) -> float:
    """Feature extraction with an ImageNet backbone: its pooled features for every image (each
    run through `preprocess`, e.g. resize to 224 and ImageNet normalization), then the test
    accuracy of a logistic-regression head fitted on `train` (`transfer.linear_probe`)."""
    from .transfer import extract_features, linear_probe

    device = device or "cpu"
    backbone.to(device)

    def batches(data: ImageSet):
        for start in range(0, len(data), batch_size):
            x = data.images[start : start + batch_size].float().div(255)  # (B, 3, H, W) in [0, 1]
            yield preprocess(x), data.labels[start : start + batch_size]

    a, b = (extract_features(backbone, batches(d), device).tensors for d in (train, test))
    return linear_probe(a[0].flatten(1).numpy(), a[1].numpy(), b[0].flatten(1).numpy(),
                        b[1].numpy())
