"""Fetching missing files from a dataset's mirrors (one by one, or one archive to extract).

A mirror that cannot be reached is skipped for the rest of the call; one that stalled, for
`SKIP_STALLED_SECONDS`. Every download is verified before it takes a file's place.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import posixpath
import tarfile
import tempfile
import time
import urllib.error
from collections.abc import Callable
from pathlib import Path

from .checksums import record_sha256
from .download import clean_stale_parts, partial_file
from .errors import DatasetCorruptError
from .sources import DatasetSpec, FileSpec

__all__ = ["SKIP_STALLED_SECONDS", "download", "forget_stalled"]

_STALLED: dict[str, tuple[float, str]] = {}  # mirror → (when, why) it stalled: skipped a while
SKIP_STALLED_SECONDS = 600.0  # how long a mirror that stalled is skipped
_DOWNLOAD_ERRORS = (OSError, ValueError, http.client.HTTPException, tarfile.TarError, EOFError)
Fetch = Callable[..., None]  # fetch_url(url, dest, desc=...)
Verify = Callable[[Path, FileSpec], None]  # verify_file(path, spec)


def forget_stalled() -> None:
    """Try every mirror again, also those that stalled recently."""
    _STALLED.clear()


def _stalled_recently(base: str) -> str | None:
    when, why = _STALLED.get(base, (None, None))
    return why if when is not None and time.monotonic() - when < SKIP_STALLED_SECONDS else None


def _note_failure(base: str, error: Exception, unreachable: set[str]) -> None:
    """Remember a mirror that could not be reached (this call) or stalled (for a while)."""
    if type(error) is urllib.error.URLError:  # no connection at all, not an HTTP error
        unreachable.add(base)
    if isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError):
        _STALLED[base] = (time.monotonic(), str(error))


def _skip(base: str, url: str, unreachable: set[str]) -> str | None:
    if base in unreachable:
        return f"{url}: skipped, the server was unreachable"
    if why := _stalled_recently(base):
        return f"{url}: skipped, the server stalled earlier in this session ({why})"
    return None


def _prepare(folder: Path, missing: list[FileSpec]) -> str | None:
    """Make the cache folder, delete partial files killed downloads left; say if it is read-only."""
    try:
        for d in {folder, *((folder / f.relpath).parent for f in missing)}:
            d.mkdir(parents=True, exist_ok=True)
            clean_stale_parts(d)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        return (
            f"cannot write into the cache {folder} ({e.strerror}): set COURSE_CACHE_DIR to a "
            "writable folder"
        )
    return None


def download(
    spec: DatasetSpec, missing: list[FileSpec], folder: Path, fetch: Fetch, verify: Verify
) -> list[str]:
    """Fetch the missing files into `folder`; return what went wrong (empty when all arrived)."""
    if problem := _prepare(folder, missing):
        return [problem]
    unreachable: set[str] = set()
    if spec.archive is None:
        failures = []
        for f in missing:
            errors = []
            for base in spec.mirrors:
                url = base + posixpath.basename(f.relpath)
                if skipped := _skip(base, url, unreachable):
                    errors.append(skipped)
                    continue
                try:
                    with partial_file(folder / f.relpath) as part:
                        fetch(url, part, desc=posixpath.basename(f.relpath))
                        verify(part, f)
                        os.replace(part, folder / f.relpath)
                    break
                except _DOWNLOAD_ERRORS as e:
                    errors.append(_describe(url, e))
                    _note_failure(base, e, unreachable)
            else:
                failures += errors
        return failures
    errors = []
    for base in spec.mirrors:
        url = base + spec.archive.relpath
        if skipped := _skip(base, url, unreachable):
            errors.append(skipped)
            continue
        try:
            # Extracted from the partial file: only the extracted files are kept.
            with partial_file(folder / spec.archive.relpath) as part:
                fetch(url, part, desc=spec.archive.relpath)
                verify(part, spec.archive)
                return _extract(part, spec.archive.relpath, missing, folder, verify)
        except _DOWNLOAD_ERRORS as e:
            errors.append(_describe(url, e))
            _note_failure(base, e, unreachable)
    return errors


def _extract(
    archive: Path, name: str, missing: list[FileSpec], folder: Path, verify: Verify
) -> list[str]:
    """Extract the missing files from a verified tar archive and record their SHA-256."""
    wanted = {f.relpath: f for f in missing}
    errors, placed = [], {}
    tmp = Path(f"{archive}.d")  # removed with the partial file (download.partial_file)
    tmp.mkdir()
    with tarfile.open(archive, "r:*") as tar:
        members = [
            m for m in tar.getmembers() if m.isfile() and posixpath.normpath(m.name) in wanted
        ]
        # filter="data" refuses links, device files and paths that leave `tmp` (PEP 706).
        tar.extractall(tmp, members=members, filter="data")
    for relpath, f in wanted.items():
        src = Path(tmp, relpath)
        if not src.is_file():
            errors.append(f"{name} has no member {relpath}")
            continue
        try:
            verify(src, f)
        except DatasetCorruptError as e:
            errors.append(f"{name}: {e}")
            continue
        placed[relpath] = _sha256(src)
        (folder / relpath).parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, folder / relpath)
    record_sha256(folder, placed)
    return errors


def _describe(url: str, error: Exception) -> str:
    text = str(error)
    return text if text.startswith(url) else f"{url}: {text}"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()
