"""Figure 2: whole-epoch time on CIFAR-10 (random crop + flip) for the course's small CNN and
ResNet-20, course_lib's training path vs the common DataLoader loop.

    python -m benchmarks.bench_epoch [--images N] [--batch-size 128] [--repeats 2]

On a CPU the default is a 5,000-image epoch (a full one takes minutes per repeat); on a GPU the
whole 50,000-image training set.
"""

from __future__ import annotations

import argparse

from course_lib.data import load_cifar10
from course_lib.runtime import choose_device

from .compare import compare
from .models import resnet20_for_cifar, small_cnn_for_cifar


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_epoch")
    parser.add_argument("--images", type=int, default=None,
                        help="training images per epoch (default: 5,000 on CPU, all on GPU)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=2, help="timed epochs per path")
    parser.add_argument("--workers", type=int, default=0, help="DataLoader worker processes")
    parser.add_argument("--device", default=None)
    args = parser.parse_args(argv)
    device = choose_device(args.device)
    images = args.images or (50_000 if device.type == "cuda" else 5_000)
    data = load_cifar10("train").subset(images, seed=0)
    print(f"CIFAR-10, {len(data):,} images per epoch with crop+flip, batch {args.batch_size}, "
          f"device {device}, DataLoader workers {args.workers}")
    for name, make in [("SmallCNN/CIFAR-10", small_cnn_for_cifar),
                       ("ResNet-20/CIFAR-10", resnet20_for_cifar)]:
        result = compare(name, make, data, args.batch_size, device, repeats=args.repeats,
                         workers=args.workers, crop_padding=4, flip=True)
        print(result.report(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
