"""Locating dataset files: `$COURSE_DATA_DIR/<dataset>/` → the user cache → a verified download.

Every file is checked (size, pinned MD5/SHA-1/SHA-256, a `SHA256SUMS` beside the data, structure)
before use, and a good result is remembered by (path, inode, size, mtime, ctime): a replacement
cannot keep all of them. Damaged files are never used silently.
"""

from __future__ import annotations

import hashlib
import os
import stat
import warnings
from collections.abc import Iterable
from pathlib import Path

from . import checksums, mirrors
from .checksums import file_identity, listed_sha256
from .download import fetch_url
from .errors import DatasetCorruptError, DatasetNotFoundError
from .sources import DatasetSpec, FileSpec, get_spec

__all__ = [
    "cache_root",
    "clear_verified",
    "data_root",
    "downloads_allowed",
    "fetch_url",
    "locate",
    "verify_file",
]

_VERIFIED: set[tuple] = set()  # (path, file identity, spec, listed sha256) of files known good


def data_root() -> Path | None:
    """`$COURSE_DATA_DIR` (a folder holding mnist/, fashion-mnist/, cifar-10/), or None if unset."""
    value = os.environ.get("COURSE_DATA_DIR", "").strip()
    return Path(value).expanduser() if value else None


def cache_root() -> Path:
    """`$COURSE_CACHE_DIR`, else `$XDG_CACHE_HOME/course_lib`, else `~/.cache/course_lib`."""
    if value := os.environ.get("COURSE_CACHE_DIR", "").strip():
        return Path(value).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "course_lib"


def downloads_allowed(download: bool | None = None) -> bool:
    """`download` when given, else True unless `$COURSE_OFFLINE` is set to 1/true/yes."""
    if download is not None:
        return download
    return os.environ.get("COURSE_OFFLINE", "").strip().lower() not in {"1", "true", "yes"}


def clear_verified() -> None:
    """Forget which files were verified (the next `locate` re-hashes them) and which mirrors
    stalled."""
    _VERIFIED.clear()
    checksums.forget_parsed()
    mirrors.forget_stalled()


def _digests(path: Path, algorithms: Iterable[str]) -> dict[str, str]:
    hashes = {a: hashlib.new(a) for a in algorithms}
    if hashes:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 22):
                for h in hashes.values():
                    h.update(chunk)
    return {a: h.hexdigest() for a, h in hashes.items()}


def verify_file(path: Path, spec: FileSpec, listed: tuple[str, Path] | None = None) -> None:
    """Check size, checksums (the spec's and a SHA256SUMS entry `listed`) and structure.

    A spec with versions (`also`) accepts any of them, chosen by size. Raises DatasetCorruptError
    naming the file, the expected and actual values (or why it cannot be read).
    """
    try:
        st = path.stat()
        key = (str(path), *file_identity(st), spec, listed)
        if key in _VERIFIED:
            return
        versions = (spec, *spec.also)
        version = next((v for v in versions if v.size in (None, st.st_size)), spec)
        problems = []
        if version.size is not None and st.st_size != version.size:
            sizes = " or ".join(f"{v.size:,} ({v.what})" for v in versions if v.size)
            if len(versions) == 1:
                sizes = f"{spec.size:,} (truncated or incomplete)"
            problems.append(f"size {st.st_size:,} bytes, expected {sizes}{_looks_like(path)}")
        elif version.check is not None:
            version.check(path)  # first: it says what is wrong (a bad label, a pickle, ...)
        expected = [
            (a, d, version.what)
            for a, d in (("md5", version.md5), ("sha1", version.sha1), ("sha256", version.sha256))
            if d
        ]
        if listed:
            expected.append(("sha256", listed[0], f"listed in {listed[1]}"))
        actual = _digests(path, {a for a, _, _ in expected})
        for algorithm, digest, source in expected:
            if actual[algorithm] != digest:
                problems.append(
                    f"{algorithm.upper()} checksum mismatch: expected {digest} ({source}), "
                    f"got {actual[algorithm]}"
                )
        if problems:
            raise DatasetCorruptError(f"{path} is damaged: " + "; ".join(problems) + ".")
    except OSError as e:
        raise DatasetCorruptError(
            f"{path} cannot be read: {e.strerror}. Make it readable (chmod a+r {path}) or "
            "replace it."
        ) from None
    _VERIFIED.add(key)


def _looks_like(path: Path) -> str:
    """What a file of the wrong size seems to be, when its first bytes tell."""
    with open(path, "rb") as f:
        head = f.read(16).lstrip()
    if not head:
        return "; it is empty"
    if head[:1] == b"\x80" and head[1:2] < b"\x06":
        return "; it is a pickle (CIFAR-10's python version?), which course_lib never unpickles"
    if head[:2] == b"\x1f\x8b":
        return "; it is gzip-compressed (the file inside is wanted?)"
    if head[:1] == b"<":
        return "; it looks like a web page (an error page saved as the file?)"
    return ""


def _folder_note(folder: Path) -> str:
    """' (no such folder)' and the like, for a folder in the not-found message."""
    if _is_folder(folder):
        return ""
    if folder.is_symlink():
        return f" (a symbolic link to {os.readlink(folder)}, which is not a folder)"
    return " (not a folder)" if os.path.lexists(folder) else " (no such folder)"


def _is_file(path: Path, remedy: str) -> bool:
    """True for a regular file (or a link to one), False when nothing is there.

    Anything else there (a folder, a dangling link, a path that cannot be examined) raises
    DatasetCorruptError saying what it is, then `remedy`.
    """
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        if not path.is_symlink():
            return False
        what = f"a symbolic link to {os.readlink(path)}, which does not exist"
    except OSError as e:
        what = f"not accessible ({e.strerror})"
    else:
        if stat.S_ISREG(st.st_mode):
            return True
        what = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
    raise DatasetCorruptError(f"{path} is {what}, where the file {path.name} should be.\n{remedy}")


def locate(
    dataset: str | DatasetSpec, files: Iterable[str] | None = None, *, download: bool | None = None
) -> dict[str, Path]:
    """Find verified copies of a dataset's files: {relpath: path}.

    Order: `$COURSE_DATA_DIR/<dataset>/<relpath>`, then the cache, then a download into the cache
    (when `download`, default: unless `$COURSE_OFFLINE=1`). A damaged file in COURSE_DATA_DIR raises
    DatasetCorruptError; a damaged cached file is deleted (with a warning) and fetched again.
    Raises DatasetNotFoundError naming the missing files, the folders searched and where to put
    them.
    """
    spec = get_spec(dataset) if isinstance(dataset, str) else dataset
    wanted = [spec.file(r) for r in files] if files is not None else list(spec.files)
    data, cache = data_root(), cache_root()
    if data is not None and not _is_folder(data):
        warnings.warn(
            f"COURSE_DATA_DIR={data} does not exist or is not a folder: it is ignored, and the "
            f"files are looked for in the cache ({cache})"
            + (" and downloaded." if downloads_allowed(download) else "."),
            stacklevel=2,
        )
    found: dict[str, Path] = {}
    missing: list[FileSpec] = []
    notes: list[str] = []
    in_data = (
        f"It is in COURSE_DATA_DIR ({data}), which course_lib never modifies: replace it with a "
        f"good copy (official source: {spec.homepage}), or delete it to use the cache "
        f"({cache / spec.name}) and download instead."
    )
    in_cache = "It is in the cache: remove it, or set COURSE_CACHE_DIR to another folder."
    for f in wanted:
        if data is not None and _is_file(path := data / spec.name / f.relpath, in_data):
            listed = listed_sha256(data, spec, f)  # an unusable SHA256SUMS is an error of its own
            try:
                verify_file(path, f, listed)
            except DatasetCorruptError as e:
                raise DatasetCorruptError(f"{e}\n{in_data}") from None
            found[f.relpath] = path
            continue
        if _is_file(path := cache / spec.name / f.relpath, in_cache):
            listed = listed_sha256(cache, spec, f)
            try:
                verify_file(path, f, listed)
                found[f.relpath] = path
                continue
            except DatasetCorruptError as e:
                _drop_cached(path, e)
                notes.append(f"deleted the damaged cached copy {path}")
        missing.append(f)
    if not missing:
        return found
    if downloads_allowed(download):
        failures = mirrors.download(spec, missing, cache / spec.name, fetch_url, verify_file)
    else:
        failures = ["off (COURSE_OFFLINE=1 or download=False)"]
    still = [f for f in missing if not (cache / spec.name / f.relpath).is_file()]
    found.update({f.relpath: cache / spec.name / f.relpath for f in missing if f not in still})
    if still:
        raise DatasetNotFoundError(
            _not_found_message(spec, still, data, cache, failures, notes)
        ) from None
    return found


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except OSError:
        return False


def _drop_cached(path: Path, error: DatasetCorruptError) -> None:
    """Delete a damaged cached copy (it is fetched again), or say what to do if the cache is
    read-only."""
    try:
        path.unlink(missing_ok=True)
    except OSError as e:
        raise DatasetCorruptError(
            f"{error}\nThe cached copy cannot be deleted ({e.strerror}): the cache "
            f"{path.parent} is read-only here. Set COURSE_CACHE_DIR to a writable folder (a "
            f"verified copy is downloaded there), or delete {path} yourself."
        ) from None
    warnings.warn(f"{error} Deleted the cached copy; fetching a fresh one.", stacklevel=3)


def _not_found_message(
    spec: DatasetSpec,
    still: list[FileSpec],
    data: Path | None,
    cache: Path,
    failures: list[str],
    notes: list[str],
) -> str:
    target = (data if data is not None and _is_folder(data) else cache) / spec.name
    data_folder = data / spec.name if data else None
    folders = [("COURSE_DATA_DIR", data_folder), ("cache", cache / spec.name)]
    searched = [
        f"{label}: {folder}" + _folder_note(folder) if folder else f"{label}: not set"
        for label, folder in folders
    ]
    checked = (
        "each file is checked against its pinned size and checksum before use"
        if all(f.pinned for f in still)
        else "files put there by hand are checked only for size and structure: let course_lib "
        "download them, and it records their SHA-256"
    )
    source = (
        f"They come from {spec.mirrors[0]}{spec.archive.relpath} ({spec.homepage}): extract "
        f"its files into {target}; {checked}."
        if spec.archive
        else f"Official source: {spec.homepage}"
    )
    lines = [
        f"{spec.title}: {len(still)} file(s) not found: {', '.join(f.relpath for f in still)}",
        "Searched:",
        *(f"  {s}" for s in searched),
        *(f"  ({n})" for n in notes),
        "Download:",
        *(f"  {r}" for r in failures),
        "Put the files exactly here:",
        *(f"  {target / f.relpath}" for f in still),
        source,
    ]
    return "\n".join(lines)
