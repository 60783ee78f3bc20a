"""Reader for the IDX format of MNIST and Fashion-MNIST (gzip-compressed or plain), into numpy.

Header: two zero bytes, a type byte (0x08 = unsigned byte), the number of dimensions, then each
dimension as a big-endian int32 (http://yann.lecun.com/exdb/mnist/, "File formats").
"""

from __future__ import annotations

import gzip
import math
import struct
import zlib
from pathlib import Path

import numpy as np

from .errors import DatasetCorruptError

__all__ = ["IDX_IMAGES_MAGIC", "IDX_LABELS_MAGIC", "read_idx"]

IDX_IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions (count, rows, cols)
IDX_LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension (count)
REMEDY = (
    "Replace it with the official file; load_mnist() and load_fashion_mnist() find, verify and "
    "if needed download the files."
)
_MAX_DEFLATE_RATIO = 1032  # DEFLATE cannot compress by more than about 1032:1


def _read_exactly(f, n: int, path: Path, what: str) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise DatasetCorruptError(
            f"{path} ends early: {what} needs {n:,} bytes, found {len(data):,}. {REMEDY}"
        )
    return data


def _check_size(path: Path, shape: tuple[int, ...], header: int, gzipped: bool) -> None:
    """Refuse a header announcing more data than the file can hold, before allocating it."""
    needed = math.prod(shape)
    size = path.stat().st_size
    limit = size * _MAX_DEFLATE_RATIO if gzipped else size - header
    if needed > limit:
        held = "can hold once decompressed" if gzipped else "holds after the header"
        raise DatasetCorruptError(
            f"{path}: its header announces dimensions {shape}, {needed:,} data bytes, but the "
            f"{size:,}-byte file {held} at most {max(limit, 0):,}: a damaged header. {REMEDY}"
        )


def read_idx(path: str | Path, magic: int | None = None) -> np.ndarray:
    """Read an IDX file of unsigned bytes into a uint8 array shaped by its header.

    `magic` (2051 for images, 2049 for labels) is checked when given. A damaged file (bad header,
    wrong byte count, truncated gzip stream) raises DatasetCorruptError naming the file.
    """
    path = Path(path)
    gzipped = path.suffix == ".gz"
    opener = gzip.open if gzipped else open
    try:
        with opener(path, "rb") as f:
            header = _read_exactly(f, 4, path, "the IDX header")
            zero, dtype_code, ndim = struct.unpack(">HBB", header)
            found_magic = struct.unpack(">i", header)[0]
            if zero != 0 or dtype_code != 0x08 or ndim == 0:
                raise DatasetCorruptError(
                    f"{path} is not an IDX file of unsigned bytes: magic number {found_magic} "
                    f"(expected {magic or '2051 or 2049'}). {REMEDY}"
                )
            if magic is not None and found_magic != magic:
                raise DatasetCorruptError(
                    f"{path}: IDX magic number {found_magic}, expected {magic} "
                    f"({'images' if magic == IDX_IMAGES_MAGIC else 'labels'}). {REMEDY}"
                )
            shape = struct.unpack(f">{ndim}i", _read_exactly(f, 4 * ndim, path, "the dimensions"))
            if any(d <= 0 for d in shape):
                raise DatasetCorruptError(f"{path}: impossible IDX dimensions {shape}. {REMEDY}")
            _check_size(path, shape, 4 + 4 * ndim, gzipped)
            out = np.empty(shape, dtype=np.uint8)
            got = f.readinto(memoryview(out).cast("B"))
            if got != out.nbytes:
                raise DatasetCorruptError(
                    f"{path} ends early: dimensions {shape} need {out.nbytes:,} data bytes, "
                    f"found {got:,} (truncated download?). {REMEDY}"
                )
            # Reading past the end makes gzip check its CRC and length trailer.
            if f.read(1):
                raise DatasetCorruptError(
                    f"{path} has bytes after the {out.nbytes:,} its header announces. {REMEDY}"
                )
    except (EOFError, zlib.error, gzip.BadGzipFile) as e:
        raise DatasetCorruptError(
            f"{path} is damaged: its gzip stream cannot be decompressed ({e}). "
            "The file is probably truncated; replace it with a fresh copy."
        ) from None
    return out
