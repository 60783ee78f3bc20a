"""Figure 1: images per second of course_lib's training path (device-resident batches, no
per-step sync) vs the common DataLoader loop, for LeNet-5 on MNIST, same model, data and batch.

    python -m benchmarks.bench_step [--images 20000] [--batch-size 128] [--repeats 5]
"""

from __future__ import annotations

import argparse

from course_lib.data import load_mnist
from course_lib.runtime import choose_device

from .compare import compare
from .models import lenet5_for_mnist

TARGET_CPU_RATIO = 2.0  # issue target: at least 2× the DataLoader loop on a CPU


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_step")
    parser.add_argument("--images", type=int, default=20_000, help="training images per epoch")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5, help="timed epochs per path")
    parser.add_argument("--workers", type=int, nargs="+", default=[4, 0],
                        help="DataLoader worker processes (one comparison per value)")
    parser.add_argument("--device", default=None)
    args = parser.parse_args(argv)
    device = choose_device(args.device)
    data = load_mnist("train").subset(args.images, seed=0)
    print(f"LeNet-5 on {len(data):,} MNIST images, batch {args.batch_size}, device {device}")
    for workers in args.workers:
        result = compare(f"LeNet-5/MNIST, DataLoader workers {workers}", lenet5_for_mnist, data,
                         args.batch_size, device, repeats=args.repeats, workers=workers)
        print(result.report())
        if device.type == "cpu":
            verdict = "met" if result.ratio >= TARGET_CPU_RATIO else "NOT met"
            print(f"  CPU target ≥ {TARGET_CPU_RATIO:.0f}× against {workers} workers: {verdict} "
                  f"({result.ratio:.2f}×)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
