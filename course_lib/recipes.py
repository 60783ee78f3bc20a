"""A fast CIFAR-10 recipe built from what the chapters teach: batch norm and residual connections
(ResNet-9), augmentation on the device, a one-cycle schedule, label smoothing, flip test-time
augmentation, and on CUDA mixed precision and channels_last. After D. Page, "How to train your
ResNet" (2018) and K. Jordan, airbench (arXiv 2404.00498). It composes data, models and training.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .data import Augmentation, DeviceBatches, ImageSet, load_cifar10
from .models.fast_resnet import ResNet9
from .runtime import choose_device
from .timing import synchronize
from .training import History, TrainConfig, evaluate, fit

__all__ = ["FastCIFARConfig", "FastCIFARResult", "train_fast_cifar10"]


@dataclass
class FastCIFARConfig:
    """The recipe's settings; the defaults are Page's 2018 DAWNBench schedule shortened."""

    epochs: int = 12  # passes over the 50,000 training images
    batch_size: int = 512  # large batches keep a GPU busy; BN statistics stay stable
    lr: float = 0.4  # one-cycle peak for SGD with Nesterov momentum 0.9 (mean loss)
    weight_decay: float = 5e-4  # on conv/linear weights only (not BN, see TrainConfig)
    label_smoothing: float = 0.2  # soft targets: less over-confidence, better test accuracy
    crop_padding: int = 4  # random translation of up to 4 pixels (reflect padding) ...
    flip: bool = True  # ... and random horizontal flips, both done on the device
    tta_flip: bool = True  # average the logits of each test image and its mirror image
    width: int = 64  # ResNet-9 base width (64 → 6.6 M parameters)
    compile: bool = False  # torch.compile on CUDA: faster steps after a compile warm-up
    max_train: int | None = None  # cap on training images (None: all 50,000), for cheap runs
    seed: int = 0  # seeds data order, augmentation and initialization


@dataclass
class FastCIFARResult:
    """What one run of the recipe measured."""

    accuracy: float  # test accuracy after training (with flip TTA when configured)
    train_seconds: float  # training time, device-synchronized, evaluation excluded
    test_images: int  # how many test images the accuracy is over (the mirror holds 1,000)
    history: History  # per-epoch training loss/accuracy and seconds
    device: str  # where it ran


def train_fast_cifar10(
    config: FastCIFARConfig | None = None,
    device: torch.device | str | None = None,
    train: ImageSet | None = None,
    test: ImageSet | None = None,
    progress: bool = True,
) -> FastCIFARResult:
    """Train ResNet-9 on CIFAR-10 with the recipe and return the test accuracy and training time."""
    cfg = config or FastCIFARConfig()
    device = torch.device(device) if device is not None else choose_device()
    train = train if train is not None else load_cifar10("train")
    test = test if test is not None else load_cifar10("test")
    train = train.subset(cfg.max_train, seed=cfg.seed)
    mean, std = train.channel_stats()
    channels_last = device.type == "cuda"  # NHWC lets cuDNN use tensor cores without transposes
    train_batches = DeviceBatches(
        train, cfg.batch_size, device, shuffle=True, drop_last=True, seed=cfg.seed,
        augment=Augmentation(hflip=cfg.flip, crop_padding=cfg.crop_padding), mean=mean, std=std,
        channels_last=channels_last,
    )
    test_batches = DeviceBatches(test, 1000, device, mean=mean, std=std,
                                 channels_last=channels_last)
    torch.manual_seed(cfg.seed)
    model = ResNet9(width=cfg.width)
    train_config = TrainConfig(
        epochs=cfg.epochs, lr=cfg.lr, weight_decay=cfg.weight_decay, optimizer="sgd",
        momentum=0.9, nesterov=True, schedule="onecycle", label_smoothing=cfg.label_smoothing,
        channels_last=True, compile=cfg.compile, seed=cfg.seed,
    )
    synchronize(device)
    history = fit(model, train_batches, None, train_config, device=device, progress=progress,
                  on_interrupt="raise")
    synchronize(device)
    train_seconds = sum(r.seconds for r in history)
    metrics = evaluate(model, test_batches, tta_flip=cfg.tta_flip)
    return FastCIFARResult(accuracy=metrics["acc"], train_seconds=train_seconds,
                           test_images=len(test), history=history, device=str(device))
