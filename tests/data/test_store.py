"""Finding and verifying dataset files: COURSE_DATA_DIR, the cache, (faked) downloads, damage."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import os
import shutil
import struct
import tarfile
import threading
import time
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from course_lib.data import (
    DatasetCorruptError,
    DatasetNotFoundError,
    DatasetSpec,
    FileSpec,
    load_cifar10,
    load_mnist,
    locate,
    read_idx,
    store,
)
from course_lib.data.cifar import RECORD_BYTES, check_batch
from course_lib.data.sources import CIFAR10, MNIST

T10K_IMAGES = "t10k-images-idx3-ubyte.gz"
T10K_LABELS = "t10k-labels-idx1-ubyte.gz"
BIN = "cifar-10/cifar-10-batches-bin"


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def dirs(empty_data_dirs, monkeypatch):
    """An empty fake COURSE_DATA_DIR and cache; downloads on, with a fetcher that fails the test."""
    data, cache = empty_data_dirs
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)

    def no_fetcher(url, dest, desc=None):
        raise AssertionError(f"unexpected download of {url}")

    monkeypatch.setattr(store, "fetch_url", no_fetcher)
    return data, cache


def _mirror_fetcher(mirror: Path, calls: list[str]):
    """A fake fetch_url that serves the mirror's bytes for any URL ending in a mirror file name."""

    def fetch(url, dest, desc=None):
        calls.append(url)
        name = url.rsplit("/", 1)[1]
        shutil.copyfile(next(mirror.rglob(name)), dest)

    return fetch


def test_truncated_file_in_data_dir_is_reported(data_dir, dirs):
    data, _ = dirs
    (data / "mnist").mkdir()
    bad = data / "mnist" / T10K_IMAGES
    bad.write_bytes((data_dir / "mnist" / T10K_IMAGES).read_bytes()[:500_000])
    shutil.copy(data_dir / "mnist" / T10K_LABELS, data / "mnist")
    with pytest.raises(DatasetCorruptError) as info:
        load_mnist("test")
    message = str(info.value)
    assert str(bad) in message
    assert "MD5 checksum mismatch" in message
    assert "9fb629c4189551a2d022fa330f9573f3" in message  # the official MD5
    assert _md5(bad) in message  # and the actual one
    assert "500,000" in message and "1,648,877" in message  # the sizes
    assert "COURSE_DATA_DIR" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert bad.exists()  # the data folder is never modified


def test_truncated_gzip_is_a_corrupt_error_not_a_gzip_traceback(data_dir, tmp_path):
    bad = tmp_path / T10K_IMAGES
    bad.write_bytes((data_dir / "mnist" / T10K_IMAGES).read_bytes()[:500_000])
    with pytest.raises(DatasetCorruptError, match="truncated") as info:
        read_idx(bad)
    assert str(bad) in str(info.value)
    assert info.value.__suppress_context__


def test_read_idx_matches_an_independent_parse(data_dir):
    path = data_dir / "mnist" / T10K_IMAGES
    raw = gzip.decompress(path.read_bytes())
    magic, n, rows, cols = struct.unpack(">4i", raw[:16])
    expected = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, rows, cols)
    images = read_idx(path, magic=2051)
    assert magic == 2051 and images.shape == (10_000, 28, 28)
    np.testing.assert_array_equal(images, expected)


def _idx_bytes(magic: int, dims: tuple[int, ...], payload: bytes) -> bytes:
    return struct.pack(f">i{len(dims)}i", magic, *dims) + payload


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (_idx_bytes(2049, (2, 3, 3), bytes(18)), "magic number 2049, expected 2051"),
        (_idx_bytes(2051, (2, 3, 3), bytes(17)), "need 18 data bytes, found 17"),
        (_idx_bytes(2051, (2, 3, 3), bytes(19)), "bytes after"),
        (b"\x01\x02\x08\x03" + bytes(30), "not an IDX file"),
        (b"\x00\x00", "ends early"),
    ],
)
def test_read_idx_validates_the_header(tmp_path, content, problem):
    path = tmp_path / "x-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(content))
    with pytest.raises(DatasetCorruptError, match=problem):
        read_idx(path, magic=2051)


def test_read_idx_plain_file(tmp_path):
    path = tmp_path / "x-idx3-ubyte"
    path.write_bytes(_idx_bytes(2051, (2, 1, 3), bytes(range(6))))
    np.testing.assert_array_equal(read_idx(path), np.arange(6, dtype=np.uint8).reshape(2, 1, 3))


def _cifar_copy(data_dir: Path, data: Path, damaged: dict[int, int], with_sums: bool) -> Path:
    """Link the mirror's CIFAR-10 files into `data`, with data_batch_1.bin a copy whose bytes at
    the given offsets are replaced. Returns the damaged file."""
    (data / BIN).mkdir(parents=True)
    for src in (data_dir / BIN).iterdir():
        (data / BIN / src.name).symlink_to(src)
    bad = data / BIN / "data_batch_1.bin"
    bad.unlink()
    content = bytearray((data_dir / BIN / "data_batch_1.bin").read_bytes())
    for offset, value in damaged.items():
        content[offset] = value
    bad.write_bytes(content)
    if with_sums:
        shutil.copy(data_dir / "SHA256SUMS", data)
    return bad


def test_damaged_cifar_batch_is_caught_by_sha256sums(data_dir, dirs):
    data, _ = dirs
    original = (data_dir / BIN / "data_batch_1.bin").read_bytes()
    # Pixel bytes (not label bytes) changed: the structure is still valid, only SHA256SUMS can tell.
    flips = {1 + 5 * RECORD_BYTES + k: original[1 + 5 * RECORD_BYTES + k] ^ 0xFF for k in range(4)}
    bad = _cifar_copy(data_dir, data, flips, with_sums=True)
    check_batch(bad, records=10_000)  # structurally fine
    with pytest.raises(DatasetCorruptError) as info:
        load_cifar10("train")
    message = str(info.value)
    assert str(bad) in message and "SHA256 checksum mismatch" in message
    assert "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5" in message
    assert hashlib.sha256(bad.read_bytes()).hexdigest() in message
    assert str(data / "SHA256SUMS") in message


def test_bad_cifar_label_is_caught_by_the_structural_check(data_dir, dirs):
    data, _ = dirs
    bad = _cifar_copy(data_dir, data, {7 * RECORD_BYTES: 12}, with_sums=False)
    with pytest.raises(DatasetCorruptError, match="record 7 has label byte 12") as info:
        load_cifar10("train")
    assert str(bad) in str(info.value)


def test_cifar_check_batch_rejects_partial_records(tmp_path):
    path = tmp_path / "test_batch.bin"
    path.write_bytes(bytes(3 * RECORD_BYTES - 10))
    with pytest.raises(DatasetCorruptError, match="not a positive multiple of the 3073-byte"):
        check_batch(path)
    path.write_bytes(bytes(3 * RECORD_BYTES))
    with pytest.raises(DatasetCorruptError, match="expected exactly 10,000"):
        check_batch(path, records=10_000)


def test_missing_files_with_downloads_failing(dirs, monkeypatch):
    data, cache = dirs
    calls = []

    def offline(url, dest, desc=None):
        calls.append(url)
        raise urllib.error.URLError("no network in this test")

    monkeypatch.setattr(store, "fetch_url", offline)
    with pytest.raises(DatasetNotFoundError) as info:
        load_mnist("test")
    message = str(info.value)
    for name in (T10K_IMAGES, T10K_LABELS):
        assert name in message
        assert str(data / "mnist" / name) in message  # where to put it
    assert str(cache / "mnist") in message and "no network in this test" in message
    assert info.value.__cause__ is None and info.value.__suppress_context__
    # Each mirror is tried once; after failing to connect it is skipped for the second file.
    assert calls == [base + T10K_IMAGES for base in MNIST.mirrors]
    assert not list(cache.rglob("*.part"))  # no half-written files left behind


def test_offline_switch_never_calls_the_fetcher(dirs, monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(DatasetNotFoundError, match="COURSE_OFFLINE=1"):
        load_mnist("test")  # the dirs fixture's fetcher fails the test if called


def test_download_is_verified_and_written_atomically(data_dir, dirs, monkeypatch):
    _, cache = dirs
    calls = []
    good = _mirror_fetcher(data_dir, calls)

    def first_mirror_truncates(url, dest, desc=None):
        good(url, dest, desc)
        if url.startswith(MNIST.mirrors[0]):
            Path(dest).write_bytes(Path(dest).read_bytes()[:1000])

    monkeypatch.setattr(store, "fetch_url", first_mirror_truncates)
    paths = locate("mnist", [T10K_LABELS])
    assert paths[T10K_LABELS] == cache / "mnist" / T10K_LABELS
    assert _md5(paths[T10K_LABELS]) == "ec29112dd5afa0611ce80d1b7f02629c"
    assert calls == [MNIST.mirrors[0] + T10K_LABELS, MNIST.mirrors[1] + T10K_LABELS]
    assert sorted(p.name for p in (cache / "mnist").iterdir()) == [T10K_LABELS]


def test_corrupt_cached_file_is_deleted_and_fetched_again(data_dir, dirs, monkeypatch):
    _, cache = dirs
    cached = cache / "mnist" / T10K_LABELS
    cached.parent.mkdir(parents=True)
    content = bytearray((data_dir / "mnist" / T10K_LABELS).read_bytes())
    content[100] ^= 0xFF
    cached.write_bytes(content)
    shutil.copy(data_dir / "mnist" / T10K_IMAGES, cache / "mnist")
    calls = []
    monkeypatch.setattr(store, "fetch_url", _mirror_fetcher(data_dir, calls))
    with pytest.warns(UserWarning, match="MD5 checksum mismatch.*Deleted the cached copy"):
        test = load_mnist("test")
    assert calls == [MNIST.mirrors[0] + T10K_LABELS]
    assert _md5(cached) == "ec29112dd5afa0611ce80d1b7f02629c"
    assert test.labels[:3].tolist() == [7, 2, 1]


def _verified_labels(data_dir: Path, data: Path) -> Path:
    """A copy of the MNIST test labels in the data folder, located (so verified) once."""
    (data / "mnist").mkdir()
    path = data / "mnist" / T10K_LABELS
    shutil.copy(data_dir / "mnist" / T10K_LABELS, path)
    locate("mnist", [T10K_LABELS])
    return path


def test_verified_files_are_not_hashed_again(data_dir, dirs, monkeypatch):
    path = _verified_labels(data_dir, dirs[0])
    hashed = []
    real_digests = store._digests
    monkeypatch.setattr(store, "_digests", lambda p, a: hashed.append(p) or real_digests(p, a))
    locate("mnist", [T10K_LABELS])
    assert hashed == []
    path.write_bytes(path.read_bytes())  # same bytes, new mtime: checked again
    locate("mnist", [T10K_LABELS])
    assert hashed == [path]


@pytest.mark.parametrize("how", ["in place, like cp -p", "renamed over, like rsync -a"])
def test_same_size_replacement_keeping_mtime_is_checked_again(data_dir, dirs, how):
    path = _verified_labels(data_dir, dirs[0])
    before = path.stat()
    damaged = bytearray(path.read_bytes())
    damaged[200] ^= 0xFF
    time.sleep(0.05)  # past the file system's timestamp granularity
    if how.startswith("in place"):
        with open(path, "r+b") as f:
            f.write(damaged)
    else:
        tmp = path.with_suffix(".new")
        tmp.write_bytes(damaged)
        os.utime(tmp, ns=(before.st_atime_ns, before.st_mtime_ns))
        os.replace(tmp, path)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    with pytest.raises(DatasetCorruptError, match="MD5 checksum mismatch"):
        locate("mnist", [T10K_LABELS])


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def test_archive_download_extracts_verifies_and_records_sha256(dirs, tmp_path, monkeypatch):
    _, cache = dirs
    archive = _tar_gz({"pack/a.bin": b"A" * 10, "pack/b.txt": b"hello", "../evil.txt": b"x"})
    spec = DatasetSpec(
        name="toy",
        title="Toy",
        homepage="https://example.org/toy",
        files=(FileSpec("pack/a.bin", size=10), FileSpec("pack/b.txt")),
        mirrors=("https://example.org/",),
        archive=FileSpec("toy.tar.gz", md5=hashlib.md5(archive).hexdigest()),
    )
    calls = []

    def fetch(url, dest, desc=None):
        calls.append(url)
        Path(dest).write_bytes(archive)

    monkeypatch.setattr(store, "fetch_url", fetch)
    paths = locate(spec)
    assert calls == ["https://example.org/toy.tar.gz"]
    assert paths["pack/a.bin"].read_bytes() == b"A" * 10
    assert sorted(p.name for p in (cache / "toy").iterdir()) == ["SHA256SUMS", "pack"]
    assert not list(tmp_path.rglob("evil.txt"))
    sums = (cache / "toy" / "SHA256SUMS").read_text().splitlines()
    assert f"{hashlib.sha256(b'hello').hexdigest()}  pack/b.txt" in sums
    # A same-size change to an extracted file is caught by the recorded SHA-256 and re-fetched.
    paths["pack/b.txt"].write_bytes(b"HELLO")
    with pytest.warns(UserWarning, match="SHA256 checksum mismatch"):
        again = locate(spec)
    assert again["pack/b.txt"].read_bytes() == b"hello" and len(calls) == 2


def test_concurrent_extractions_keep_each_others_sha256sums_entries(dirs, monkeypatch):
    _, cache = dirs
    archive = _tar_gz({"a.txt": b"alpha", "b.txt": b"beta"})
    spec = DatasetSpec(
        name="toy", title="Toy", homepage="https://example.org",
        files=(FileSpec("a.txt"), FileSpec("b.txt")), mirrors=("https://example.org/",),
        archive=FileSpec("toy.tar.gz", md5=hashlib.md5(archive).hexdigest()),
    )
    monkeypatch.setattr(store, "fetch_url", lambda url, dest, desc=None: dest.write_bytes(archive))
    real_replace = os.replace
    other: dict = {}

    def replace(src, dst):
        # Just before this extraction writes SHA256SUMS, a second one (another "process": its own
        # open file, its own lock) extracts b.txt. It must wait for the first, then merge.
        if Path(dst).name == "SHA256SUMS" and threading.current_thread().name == "first":
            if "thread" not in other:
                other["thread"] = threading.Thread(target=lambda: locate(spec, ["b.txt"]))
                other["thread"].start()
                other["thread"].join(1.0)
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    first = threading.Thread(target=lambda: locate(spec, ["a.txt"]), name="first")
    first.start()
    first.join(8)
    other["thread"].join(8)
    sums = (cache / "toy" / "SHA256SUMS").read_text()
    assert f"{hashlib.sha256(b'alpha').hexdigest()}  a.txt" in sums
    assert f"{hashlib.sha256(b'beta').hexdigest()}  b.txt" in sums


def test_cifar10_from_a_downloaded_archive(data_dir, dirs, monkeypatch):
    # An archive laid out like cifar-10-binary.tar.gz (only the two files the test split needs).
    _, cache = dirs
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name in ("test_batch.bin", "batches.meta.txt"):
            tar.add(data_dir / BIN / name, arcname=f"cifar-10-batches-bin/{name}")
    archive = buffer.getvalue()
    spec = dataclasses.replace(
        CIFAR10, archive=FileSpec(CIFAR10.archive.relpath, md5=hashlib.md5(archive).hexdigest())
    )
    calls = []

    def fetch(url, dest, desc=None):
        calls.append(url)
        Path(dest).write_bytes(archive)

    monkeypatch.setattr(store, "fetch_url", fetch)
    wanted = ["cifar-10-batches-bin/test_batch.bin", "cifar-10-batches-bin/batches.meta.txt"]
    locate(spec, wanted)
    assert calls == ["https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"]
    assert not (cache / "cifar-10" / "cifar-10-binary.tar.gz").exists()  # only extracted files kept
    assert "cifar-10-batches-bin/test_batch.bin" in (cache / "cifar-10" / "SHA256SUMS").read_text()
    with pytest.warns(UserWarning, match="truncated to 1,000"):
        test = load_cifar10("test")  # now found in the cache, verified against its SHA256SUMS
    assert len(test) == 1000 and test.classes[0] == "airplane"


def test_fetch_url_writes_the_bytes(tmp_path):
    # A file:// URL exercises the real downloader (urllib + progress bar) without a network.
    src, dest = tmp_path / "src.bin", tmp_path / "dest.bin"
    src.write_bytes(bytes(range(256)) * 1000)
    store.fetch_url(src.as_uri(), dest)
    assert dest.read_bytes() == src.read_bytes()


def test_unknown_split_is_a_clear_error():
    with pytest.raises(ValueError, match="'train' and 'test'.*'validation'"):
        load_mnist("validation")
