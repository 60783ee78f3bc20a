"""Reader for CIFAR-10's *binary* version, with numpy only (nothing is ever unpickled).

Each file is a run of 3073-byte records: 1 label byte (0-9), then 1024 red, 1024 green and 1024 blue
bytes, each a 32x32 plane in row-major order (https://www.cs.toronto.edu/~kriz/cifar.html).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .errors import DatasetCorruptError

__all__ = [
    "CIFAR10_TEST_RECORDS",
    "RECORD_BYTES",
    "RECORDS_PER_BATCH",
    "check_batch",
    "read_batches",
    "read_class_names",
]

RECORD_BYTES = 1 + 3 * 32 * 32  # one label byte, then the three colour planes
RECORDS_PER_BATCH = 10_000  # records in each official data_batch_*.bin
CIFAR10_TEST_RECORDS = 10_000  # records in the official test_batch.bin
REMEDY = (
    "Replace it with the official file of the CIFAR-10 binary version "
    "(https://www.cs.toronto.edu/~kriz/cifar.html); load_cifar10() finds, verifies and if "
    "needed downloads the files."
)


def _record_count(path: Path) -> int:
    size = path.stat().st_size
    if size == 0 or size % RECORD_BYTES:
        with open(path, "rb") as f:
            head = f.read(2)
        # A pickle (protocol 2+) starts with the PROTO opcode 0x80 and the protocol number.
        kind = (
            "a pickle (a batch of CIFAR-10's python version?), which course_lib never unpickles"
            if len(head) == 2 and head[0] == 0x80 and head[1] <= 5
            else f"its size, {size:,} bytes, is not a positive multiple of the "
            f"{RECORD_BYTES}-byte record (truncated or the wrong file?)"
        )
        raise DatasetCorruptError(
            f"{path} is not a CIFAR-10 binary batch: {kind}. The course reads the binary "
            f"version. {REMEDY}"
        )
    return size // RECORD_BYTES


def check_batch(path: str | Path, records: int | None = None) -> None:
    """Check a batch file's structure: whole records, the expected record count, labels 0-9.

    Raises DatasetCorruptError naming the file and what is wrong. Reads only the label bytes.
    """
    path = Path(path)
    n = _record_count(path)
    if records is not None and n != records:
        raise DatasetCorruptError(
            f"{path} holds {n:,} records of {RECORD_BYTES} bytes, expected exactly {records:,}. "
            f"{REMEDY}"
        )
    labels = np.memmap(path, dtype=np.uint8, mode="r")[::RECORD_BYTES]
    bad = np.flatnonzero(labels > 9)
    if bad.size:
        raise DatasetCorruptError(
            f"{path}: record {bad[0]} has label byte {labels[bad[0]]}, but labels are 0-9 "
            f"({bad.size:,} bad records in all): the file is damaged. {REMEDY}"
        )


def read_batches(
    paths: Sequence[str | Path], split: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Read and concatenate batch files: images (N, 3, 32, 32) uint8, labels (N,) uint8.

    With split="test", a file holding fewer than the official 10,000 records (the offline mirror's
    test batch has the first 1,000) triggers a one-line UserWarning saying so.
    """
    paths = [Path(p) for p in paths]
    counts = [_record_count(p) for p in paths]
    n = sum(counts)
    # Filled batch by batch, so peak memory is the result plus one batch.
    images = np.empty((n, 3, 32, 32), dtype=np.uint8)
    labels = np.empty(n, dtype=np.uint8)
    start = 0
    for path, count in zip(paths, counts, strict=True):
        records = np.fromfile(path, dtype=np.uint8).reshape(count, RECORD_BYTES)
        images[start : start + count] = records[:, 1:].reshape(count, 3, 32, 32)  # (N, C, H, W)
        labels[start : start + count] = records[:, 0]
        start += count
    if labels.max(initial=0) > 9:
        raise DatasetCorruptError(
            f"{', '.join(map(str, paths))}: label bytes above 9; damaged file. {REMEDY}"
        )
    if split == "test" and n < CIFAR10_TEST_RECORDS:
        warnings.warn(
            f"CIFAR-10 test set truncated to {n:,} images (the official one has "
            f"{CIFAR10_TEST_RECORDS:,}): {', '.join(p.name for p in map(Path, paths))}",
            UserWarning,
            stacklevel=3,
        )
    return images, labels


def read_class_names(path: str | Path) -> tuple[str, ...]:
    """Class names from `batches.meta.txt`: one per line, line i naming label i."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except UnicodeDecodeError:
        raise DatasetCorruptError(
            f"{path} is not a plain-text list of class names. {REMEDY}"
        ) from None
    names = tuple(line.strip() for line in lines if line.strip())
    if len(names) != 10:
        raise DatasetCorruptError(
            f"{path} should name 10 classes, one per line; found {len(names)}. {REMEDY}"
        )
    return names
