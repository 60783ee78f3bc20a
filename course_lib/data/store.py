"""Locating dataset files: `$COURSE_DATA_DIR/<dataset>/` → the user cache → a verified download.

Every file is checked (size, official MD5/SHA-256, a `SHA256SUMS` beside the data, structure) before
use, and a good result is remembered by (path, size, mtime). Damaged files are never used silently.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import posixpath
import tarfile
import tempfile
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import DatasetCorruptError, DatasetNotFoundError
from .sources import DatasetSpec, FileSpec, get_spec

__all__ = [
    "cache_root",
    "data_root",
    "downloads_allowed",
    "fetch_url",
    "locate",
    "verify_file",
]

_VERIFIED: set[tuple] = set()  # (path, size, mtime_ns, spec, listed sha256) of files known good
_SUMS: dict[tuple, dict[str, str]] = {}  # parsed SHA256SUMS files, by (path, mtime_ns)
_DOWNLOAD_ERRORS = (OSError, ValueError, http.client.HTTPException, tarfile.TarError, EOFError)


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


def fetch_url(url: str, dest: Path, desc: str | None = None, timeout: float = 60.0) -> None:
    """Download `url` into the file `dest`, with a progress bar. Tests replace this function."""
    from tqdm.auto import tqdm  # imported here: importing course_lib.data stays light

    request = urllib.request.Request(url, headers={"User-Agent": "course_lib"})
    with urllib.request.urlopen(request, timeout=timeout) as response, open(dest, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        with tqdm(
            total=total,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc=desc or posixpath.basename(url),
        ) as bar:
            while chunk := response.read(1 << 20):
                out.write(chunk)
                bar.update(len(chunk))


def _sums_table(path: Path) -> dict[str, str]:
    """A SHA256SUMS file as {relative path: sha256}; empty if there is none."""
    try:
        key = (str(path), path.stat().st_mtime_ns)
    except OSError:
        return {}
    if key not in _SUMS:
        table = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.strip().split(maxsplit=1)
            if len(parts) == 2 and not line.startswith("#"):
                table[posixpath.normpath(parts[1].lstrip("*"))] = parts[0].lower()
        _SUMS[key] = table
    return _SUMS[key]


def _listed_sha256(root: Path, dataset: str, relpath: str) -> tuple[str, Path] | None:
    """The SHA-256 a SHA256SUMS lists for the file: at the root, or in the dataset's folder."""
    for sums, key in (
        (root / "SHA256SUMS", f"{dataset}/{relpath}"),
        (root / dataset / "SHA256SUMS", relpath),
    ):
        if digest := _sums_table(sums).get(key):
            return digest, sums
    return None


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

    Raises DatasetCorruptError naming the file, the expected and actual values.
    """
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, spec, listed)
    if key in _VERIFIED:
        return
    problems = []
    if spec.size is not None and st.st_size != spec.size:
        problems.append(
            f"size {st.st_size:,} bytes, expected {spec.size:,} (truncated or incomplete)"
        )
    expected = [(a, d, "official") for a, d in (("md5", spec.md5), ("sha256", spec.sha256)) if d]
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
    if spec.check is not None:
        spec.check(path)
    _VERIFIED.add(key)


def _fetch_verified(url: str, dest: Path, verify: Callable[[Path], None]) -> None:
    """Download to a temporary file beside `dest`, verify it, then move it into place atomically."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        fetch_url(url, tmp, desc=dest.name)
        verify(tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _download(spec: DatasetSpec, missing: list[FileSpec], folder: Path) -> list[str]:
    """Fetch the missing files into `folder`; return what went wrong (empty when all arrived)."""
    if spec.archive is None:
        failures, unreachable = [], set()
        for f in missing:
            errors = []
            for base in spec.mirrors:
                url = base + posixpath.basename(f.relpath)
                if base in unreachable:
                    errors.append(f"{url}: skipped, the server was unreachable")
                    continue
                try:
                    _fetch_verified(url, folder / f.relpath, lambda p, f=f: verify_file(p, f))
                    break
                except _DOWNLOAD_ERRORS as e:
                    errors.append(f"{url}: {e}")
                    # No connection at all (not an HTTP error): don't wait on it for every file.
                    if type(e) is urllib.error.URLError:
                        unreachable.add(base)
            else:
                failures += errors
        return failures
    archive = folder / spec.archive.relpath
    errors = []
    for base in spec.mirrors:
        url = base + spec.archive.relpath
        try:
            _fetch_verified(url, archive, lambda p: verify_file(p, spec.archive))
            return _extract(archive, missing, folder)
        except _DOWNLOAD_ERRORS as e:
            errors.append(f"{url}: {e}")
        finally:
            archive.unlink(missing_ok=True)  # the extracted files are all that is kept
    return errors


def _extract(archive: Path, missing: list[FileSpec], folder: Path) -> list[str]:
    """Extract the missing files from a verified tar archive and record their SHA-256."""
    wanted = {f.relpath: f for f in missing}
    errors, placed = [], {}
    with tarfile.open(archive, "r:*") as tar, tempfile.TemporaryDirectory(dir=folder) as tmp:
        members = [
            m for m in tar.getmembers() if m.isfile() and posixpath.normpath(m.name) in wanted
        ]
        # filter="data" refuses links, device files and paths that leave `tmp` (PEP 706).
        tar.extractall(tmp, members=members, filter="data")
        for relpath, f in wanted.items():
            src = Path(tmp, relpath)
            if not src.is_file():
                errors.append(f"{archive.name} has no member {relpath}")
                continue
            try:
                verify_file(src, f)
            except DatasetCorruptError as e:
                errors.append(f"{archive.name}: {e}")
                continue
            placed[relpath] = _digests(src, ["sha256"])["sha256"]
            (folder / relpath).parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, folder / relpath)
    # These files have no official checksum: record those extracted from the verified archive.
    sums = folder / "SHA256SUMS"
    table = {**_sums_table(sums), **placed}
    fd, tmp_sums = tempfile.mkstemp(dir=folder, prefix=".SHA256SUMS.", suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.writelines(f"{d}  {p}\n" for p, d in sorted(table.items()))
    os.replace(tmp_sums, sums)
    return errors


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
    found: dict[str, Path] = {}
    missing: list[FileSpec] = []
    notes: list[str] = []
    for f in wanted:
        if data is not None and (path := data / spec.name / f.relpath).is_file():
            try:
                verify_file(path, f, _listed_sha256(data, spec.name, f.relpath))
            except DatasetCorruptError as e:
                raise DatasetCorruptError(
                    f"{e}\nIt is in COURSE_DATA_DIR ({data}), which course_lib never modifies: "
                    f"replace it with a good copy (official source: {spec.homepage}), or delete it "
                    f"to use the cache ({cache / spec.name}) and download instead."
                ) from None
            found[f.relpath] = path
            continue
        if (path := cache / spec.name / f.relpath).is_file():
            try:
                verify_file(path, f, _listed_sha256(cache, spec.name, f.relpath))
                found[f.relpath] = path
                continue
            except DatasetCorruptError as e:
                warnings.warn(f"{e} Deleted the cached copy; fetching a fresh one.", stacklevel=2)
                path.unlink(missing_ok=True)
                notes.append(f"deleted the damaged cached copy {path}")
        missing.append(f)
    if not missing:
        return found
    if downloads_allowed(download):
        failures = _download(spec, missing, cache / spec.name)
    else:
        failures = ["off (COURSE_OFFLINE=1 or download=False)"]
    still = [f for f in missing if not (cache / spec.name / f.relpath).is_file()]
    found.update({f.relpath: cache / spec.name / f.relpath for f in missing if f not in still})
    if still:
        raise DatasetNotFoundError(
            _not_found_message(spec, still, data, cache, failures, notes)
        ) from None
    return found


def _not_found_message(
    spec: DatasetSpec,
    still: list[FileSpec],
    data: Path | None,
    cache: Path,
    failures: list[str],
    notes: list[str],
) -> str:
    target = (data or cache) / spec.name
    data_folder = data / spec.name if data else None
    folders = [("COURSE_DATA_DIR", data_folder), ("cache", cache / spec.name)]
    searched = [
        f"{label}: {folder}" + ("" if folder.is_dir() else " (no such folder)")
        if folder
        else f"{label}: not set"
        for label, folder in folders
    ]
    source = (
        f"They come from {spec.mirrors[0]}{spec.archive.relpath}: extract it into {target}."
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
