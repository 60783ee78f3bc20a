"""`SHA256SUMS` files: reading them (cached by file identity) and recording extracted files'
SHA-256 into one, under a lock so that concurrent extractions keep each other's entries.
"""

from __future__ import annotations

import os
import posixpath
import stat
import tempfile
import warnings
from pathlib import Path

from .download import locked_folder
from .errors import DatasetCorruptError
from .sources import DatasetSpec, FileSpec

__all__ = ["file_identity", "forget_parsed", "listed_sha256", "record_sha256", "sums_table"]

_SUMS: dict[tuple, dict[str, str]] = {}  # parsed SHA256SUMS files, by (path, file identity)
_SUMS_FORMAT = "lines '<sha256>  <path>', as sha256sum writes them"


def forget_parsed() -> None:
    """Read every SHA256SUMS again next time."""
    _SUMS.clear()


def file_identity(st: os.stat_result) -> tuple[int, ...]:
    """What changes whenever a file is replaced or rewritten (the ctime cannot be set back)."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _parse_sums(text: str) -> dict[str, str]:
    table = {}
    for line in text.splitlines():
        parts = line.strip().split(maxsplit=1)
        if len(parts) == 2 and not line.startswith("#"):
            table[posixpath.normpath(parts[1].lstrip("*"))] = parts[0].lower()
    return table


def sums_table(path: Path) -> dict[str, str]:
    """A SHA256SUMS file as {relative path: sha256}; empty if there is none.

    Raises DatasetCorruptError naming it when something is there that cannot be read as one.
    """
    why = None
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except OSError as e:
        why = f"it cannot be examined ({e.strerror})"
    else:
        key = (str(path), *file_identity(st))
        if key in _SUMS:
            return _SUMS[key]
        try:
            if not stat.S_ISREG(st.st_mode):
                why = "it is a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            else:
                _SUMS[key] = _parse_sums(path.read_text(encoding="utf-8"))
                return _SUMS[key]
        except OSError as e:
            why = f"it cannot be read ({e.strerror})"
        except UnicodeDecodeError:
            why = "it is not UTF-8 text"
    raise DatasetCorruptError(
        f"{path} cannot be used as a checksum list: {why}. Remove it, or replace it with "
        f"{_SUMS_FORMAT}."
    )


def listed_sha256(root: Path, spec: DatasetSpec, f: FileSpec) -> tuple[str, Path] | None:
    """The SHA-256 a SHA256SUMS lists for the file: at the root, or in the dataset's folder.

    A SHA256SUMS that cannot be read is an error only for files with no pinned checksum.
    """
    for sums, key in (
        (root / "SHA256SUMS", f"{spec.name}/{f.relpath}"),
        (root / spec.name / "SHA256SUMS", f.relpath),
    ):
        try:
            table = sums_table(sums)
        except DatasetCorruptError as e:
            if not f.pinned:
                raise
            warnings.warn(
                f"{e} It is ignored: {spec.title}'s files have pinned checksums.", stacklevel=4
            )
            continue
        if digest := table.get(key):
            return digest, sums
    return None


def record_sha256(folder: Path, placed: dict[str, str]) -> None:
    """Merge {relpath: sha256} into the folder's SHA256SUMS, holding the folder's lock so that
    two processes extracting at once keep each other's entries."""
    sums = folder / "SHA256SUMS"
    with locked_folder(folder):
        for leftover in folder.glob(".SHA256SUMS.*.tmp"):  # a killed writer's (we hold the lock)
            leftover.unlink(missing_ok=True)
        try:
            table = _parse_sums(sums.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            table = {}  # none yet, or unusable: this cache file is rewritten whole
        table.update(placed)
        fd, tmp_sums = tempfile.mkstemp(dir=folder, prefix=".SHA256SUMS.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.writelines(f"{d}  {p}\n" for p, d in sorted(table.items()))
        os.replace(tmp_sums, sums)
