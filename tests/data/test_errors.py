"""Faults in the data files: damage with no SHA256SUMS beside it, unreadable files, bad checksum
lists, a read-only cache, odd things where a file should be, and the readers' own errors. Each is
refused with a course error naming the file (same-size replacements: data/test_store.py)."""

from __future__ import annotations

import builtins
import gzip
import io
import os
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from course_lib.data import (
    DatasetCorruptError,
    DatasetError,
    DatasetNotFoundError,
    DatasetSpec,
    FileSpec,
    ImageSet,
    cats_vs_dogs,
    load_cats_vs_dogs,
    load_cifar10,
    load_mnist,
    locate,
    read_batches,
    read_idx,
    store,
)
from course_lib.data.cifar import RECORD_BYTES
from course_lib.data.sources import CIFAR10

BIN = "cifar-10/cifar-10-batches-bin"
REL = "cifar-10-batches-bin"
T10K_LABELS = "t10k-labels-idx1-ubyte.gz"
T10K_IMAGES = "t10k-images-idx3-ubyte.gz"
FULL_TEST_SHA1 = "67eb016db431130d61cd03c7ad570b013799c88c"  # the official test_batch.bin


@pytest.fixture
def dirs(empty_data_dirs, monkeypatch):
    """An empty COURSE_DATA_DIR and cache; downloads off."""
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    return empty_data_dirs


def _cifar_links(data_dir: Path, data: Path) -> Path:
    """Link the mirror's CIFAR-10 files into `data` (no SHA256SUMS); return the batches folder."""
    (data / BIN).mkdir(parents=True)
    for src in (data_dir / BIN).iterdir():
        (data / BIN / src.name).symlink_to(src)
    return data / BIN


def _replace(path: Path, content: bytes) -> None:
    path.unlink()
    path.write_bytes(content)


def _deny(monkeypatch, *paths: Path) -> None:
    """Make `paths` unreadable: chmod 000, and for root (who ignores modes) refuse opening a file
    whose mode grants no reading, as the kernel does for everyone else."""
    for p in paths:
        p.chmod(0)
    if os.geteuid() == 0:
        real_open = builtins.open

        def deny_open(file, *args, **kwargs):
            if isinstance(file, (str, Path)) and os.path.isfile(file):
                if not os.stat(file).st_mode & 0o444:
                    raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", deny_open)
        monkeypatch.setattr(io, "open", deny_open)


# --- CIFAR-10: every file pinned (size + hash), no SHA256SUMS needed -----------------------------


def test_flipped_pixel_without_sha256sums_is_refused(data_dir, dirs):
    data, _ = dirs
    folder = _cifar_links(data_dir, data)
    content = bytearray((data_dir / BIN / "data_batch_1.bin").read_bytes())
    content[1 + 7 * RECORD_BYTES] ^= 0x01  # a pixel byte: labels and size stay valid
    _replace(folder / "data_batch_1.bin", bytes(content))
    with pytest.raises(DatasetCorruptError) as info:
        locate(CIFAR10, [f"{REL}/data_batch_1.bin"])
    message = str(info.value)
    assert str(folder / "data_batch_1.bin") in message and "SHA256 checksum mismatch" in message
    assert "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5" in message
    assert "COURSE_DATA_DIR" in message


def test_batch_copied_over_another_is_refused(data_dir, dirs):
    data, _ = dirs
    folder = _cifar_links(data_dir, data)
    (folder / "data_batch_2.bin").unlink()
    (folder / "data_batch_2.bin").symlink_to(data_dir / BIN / "data_batch_1.bin")
    with pytest.raises(DatasetCorruptError, match="data_batch_2.bin is damaged.*SHA256"):
        locate(CIFAR10, [f"{REL}/data_batch_2.bin"])


def test_training_batch_as_test_batch_is_refused(data_dir, dirs):
    data, _ = dirs
    folder = _cifar_links(data_dir, data)
    (folder / "test_batch.bin").unlink()
    (folder / "test_batch.bin").symlink_to(data_dir / BIN / "data_batch_3.bin")
    with pytest.raises(DatasetCorruptError) as info:
        load_cifar10("test")
    message = str(info.value)
    assert "test_batch.bin is damaged" in message and "SHA1 checksum mismatch" in message
    assert FULL_TEST_SHA1 in message  # the official full test batch's SHA-1


def test_garbage_record_appended_to_the_test_batch_is_refused(data_dir, dirs):
    data, _ = dirs
    folder = _cifar_links(data_dir, data)
    good = (data_dir / BIN / "test_batch.bin").read_bytes()
    _replace(folder / "test_batch.bin", good + bytes([4]) + bytes(RECORD_BYTES - 1))
    with pytest.raises(DatasetCorruptError, match="3,076,073 bytes, expected 30,730,000") as info:
        load_cifar10("test")
    assert "3,073,000" in str(info.value)  # the offline mirror's 1,000-record test batch


def test_offline_test_batch_is_accepted_by_its_own_hash(data_dir, dirs, monkeypatch):
    data, _ = dirs
    _cifar_links(data_dir, data)
    hashed = []
    real = store._digests
    monkeypatch.setattr(store, "_digests", lambda p, a: hashed.append(sorted(a)) or real(p, a))
    with pytest.warns(UserWarning, match="truncated to 1,000 images"):
        test = load_cifar10("test")
    assert len(test) == 1000 and test.labels[:4].tolist() == [3, 8, 8, 0]
    assert ["sha256"] in hashed  # checked by its pinned SHA-256, with no SHA256SUMS beside it


def test_alternative_versions_of_a_file_each_by_their_own_hash(dirs):
    data, _ = dirs
    import hashlib

    full, short = b"F" * 20, b"S" * 10
    spec = DatasetSpec(
        name="toy", title="Toy", homepage="https://example.org", mirrors=(),
        files=(FileSpec("x.bin", 20, sha1=hashlib.sha1(full).hexdigest(), also=(
            FileSpec("x.bin", 10, sha256=hashlib.sha256(short).hexdigest(),
                     what="the short copy"),)),),
    )
    (data / "toy").mkdir()
    path = data / "toy" / "x.bin"
    for content in (full, short):
        path.write_bytes(content)
        assert locate(spec)["x.bin"] == path
    path.write_bytes(b"s" * 10)  # the short size, other bytes
    with pytest.raises(DatasetCorruptError, match="SHA256 checksum mismatch.*the short copy"):
        locate(spec)


def test_cats_vs_dogs_refuses_images_shared_between_splits(monkeypatch):
    # A damaged source (one image repeated) would put the same picture in train and test.
    images = torch.zeros(60, 3, 32, 32, dtype=torch.uint8)
    images[:, 0, 0, 0] = torch.arange(60, dtype=torch.uint8)
    images[1] = images[0]
    labels = torch.tensor([3, 5] * 30)
    fake = ImageSet(images, labels, tuple("abcdefghij"), "cifar-10/train")
    monkeypatch.setattr(cats_vs_dogs, "load_cifar10", lambda split: fake)
    for seed in range(20):  # some seed puts images 0 and 1 in different splits
        try:
            load_cats_vs_dogs(per_class=(10, 10, 10), seed=seed)
        except DatasetCorruptError as e:
            assert "appear in more than one split" in str(e)
            break
    else:
        pytest.fail("a repeated image was never refused")


# --- unreadable files and bad checksum lists -----------------------------------------------------


def test_unreadable_data_file_is_a_course_error(data_dir, dirs, monkeypatch):
    data, _ = dirs
    (data / "mnist").mkdir()
    path = data / "mnist" / T10K_LABELS
    shutil.copy(data_dir / "mnist" / T10K_LABELS, path)
    _deny(monkeypatch, path)
    with pytest.raises(DatasetError) as info:
        locate("mnist", [T10K_LABELS])
    message = str(info.value)
    assert str(path) in message and "Permission denied" in message and "chmod" in message
    assert info.value.__suppress_context__


def test_unreadable_cached_file_is_fetched_again(data_dir, dirs, monkeypatch):
    _, cache = dirs
    monkeypatch.delenv("COURSE_OFFLINE")
    (cache / "mnist").mkdir(parents=True)
    path = cache / "mnist" / T10K_LABELS
    shutil.copy(data_dir / "mnist" / T10K_LABELS, path)
    _deny(monkeypatch, path)
    calls = []

    def fetch(url, dest, desc=None):
        calls.append(url)
        shutil.copyfile(data_dir / "mnist" / T10K_LABELS, dest)

    monkeypatch.setattr(store, "fetch_url", fetch)
    with pytest.warns(UserWarning, match="Permission denied.*Deleted the cached copy"):
        found = locate("mnist", [T10K_LABELS])
    assert len(calls) == 1 and found[T10K_LABELS].read_bytes()[:4] == b"\x1f\x8b\x08\x08"


@pytest.mark.parametrize("fault", ["a directory", "not UTF-8", "unreadable"])
def test_bad_root_sha256sums_does_not_break_mnist(data_dir, dirs, monkeypatch, fault):
    data, _ = dirs
    (data / "mnist").mkdir()
    for name in (T10K_LABELS, T10K_IMAGES):
        shutil.copy(data_dir / "mnist" / name, data / "mnist")
    sums = data / "SHA256SUMS"
    if fault == "a directory":
        sums.mkdir()
    elif fault == "not UTF-8":
        sums.write_bytes(b"\xff\xfe\x00garbage")
    else:
        shutil.copy(data_dir / "SHA256SUMS", sums)
        _deny(monkeypatch, sums)
    with pytest.warns(UserWarning, match="SHA256SUMS") as record:
        test = load_mnist("test")
    assert test.labels[:3].tolist() == [7, 2, 1]
    assert any(str(sums) in str(w.message) and "ignored" in str(w.message) for w in record)


def test_bad_sha256sums_for_files_with_no_pinned_hash_is_a_course_error(dirs):
    data, _ = dirs
    spec = DatasetSpec(name="toy", title="Toy", homepage="https://example.org", mirrors=(),
                       files=(FileSpec("a.txt"),))
    (data / "toy").mkdir()
    (data / "toy" / "a.txt").write_text("hello")
    (data / "toy" / "SHA256SUMS").write_bytes(b"\xff not text")
    with pytest.raises(DatasetCorruptError) as info:
        locate(spec)
    message = str(info.value)
    assert str(data / "toy" / "SHA256SUMS") in message and "UTF-8" in message
    assert "sha256sum" in message  # what a good one looks like


def test_bad_sha256sums_in_the_cache_deletes_nothing(dirs):
    _, cache = dirs
    spec = DatasetSpec(name="toy", title="Toy", homepage="https://example.org", mirrors=(),
                       files=(FileSpec("a.txt"),))
    (cache / "toy" / "SHA256SUMS").mkdir(parents=True)
    (cache / "toy" / "a.txt").write_text("hello")
    with pytest.raises(DatasetCorruptError, match="SHA256SUMS cannot be used.*a directory"):
        locate(spec)
    assert (cache / "toy" / "a.txt").read_text() == "hello"


def test_read_only_cache_with_a_damaged_copy_says_to_set_course_cache_dir(
    data_dir, dirs, monkeypatch
):
    _, cache = dirs
    (cache / "mnist").mkdir(parents=True)
    path = cache / "mnist" / T10K_LABELS
    damaged = bytearray((data_dir / "mnist" / T10K_LABELS).read_bytes())
    damaged[100] ^= 0xFF
    path.write_bytes(damaged)
    (cache / "mnist").chmod(0o555)
    real_unlink = Path.unlink

    def unlink(self, missing_ok=False):
        if os.geteuid() == 0 and self.parent == cache / "mnist":  # root ignores the mode
            raise PermissionError(13, "Permission denied", str(self))
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    try:
        with pytest.raises(DatasetCorruptError) as info:
            locate("mnist", [T10K_LABELS])
    finally:
        (cache / "mnist").chmod(0o755)
    message = str(info.value)
    assert str(path) in message and "MD5 checksum mismatch" in message
    assert "COURSE_CACHE_DIR" in message and "Deleted" not in message


# --- what is there instead of a file, and the folders --------------------------------------------


def test_directory_where_a_file_should_be(dirs):
    data, _ = dirs
    (data / "mnist" / T10K_LABELS).mkdir(parents=True)
    with pytest.raises(DatasetError, match="is a directory") as info:
        locate("mnist", [T10K_LABELS])
    assert str(data / "mnist" / T10K_LABELS) in str(info.value)
    assert "Put the files exactly here" not in str(info.value)


def test_dangling_symlink_where_a_file_should_be(dirs, tmp_path):
    data, _ = dirs
    (data / "mnist").mkdir()
    (data / "mnist" / T10K_LABELS).symlink_to(tmp_path / "gone.gz")
    with pytest.raises(DatasetError, match="symbolic link to .*gone.gz, which does not exist"):
        locate("mnist", [T10K_LABELS])


def test_missing_course_data_dir_warns_when_downloads_are_on(data_dir, dirs, monkeypatch):
    _, cache = dirs
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setenv("COURSE_DATA_DIR", str(cache.parent / "typo"))
    (cache / "mnist").mkdir(parents=True)
    shutil.copy(data_dir / "mnist" / T10K_LABELS, cache / "mnist")
    with pytest.warns(UserWarning, match="COURSE_DATA_DIR.*typo.*does not exist"):
        locate("mnist", [T10K_LABELS])


def test_cifar_not_found_message_says_what_is_verified(dirs):
    with pytest.raises(DatasetNotFoundError) as info:
        load_cifar10("test")
    message = str(info.value)
    assert "cifar-10-binary.tar.gz" in message and "checked against" in message


# --- the readers on their own --------------------------------------------------------------------


def test_read_idx_checks_the_header_against_the_file_size(tmp_path):
    huge = struct.pack(">4i", 2051, 2**31 - 1, 28, 28) + bytes(1000)
    for path in (tmp_path / "x-idx3-ubyte", tmp_path / "x-idx3-ubyte.gz"):
        path.write_bytes(gzip.compress(huge) if path.suffix == ".gz" else huge)
        with pytest.raises(DatasetCorruptError, match="header announces") as info:
            read_idx(path, magic=2051)
        assert str(path) in str(info.value)


def test_reader_errors_say_what_to_do(tmp_path):
    idx = tmp_path / "labels-idx1-ubyte"
    idx.write_bytes(struct.pack(">2i", 2051, 3) + bytes(3))
    with pytest.raises(DatasetCorruptError, match="magic number 2051, expected 2049.*load_mnist"):
        read_idx(idx, magic=2049)
    bad_label = tmp_path / "data_batch_1.bin"
    bad_label.write_bytes(bytes([11]) + bytes(RECORD_BYTES - 1))
    with pytest.raises(DatasetCorruptError, match="label.*load_cifar10"):
        read_batches([bad_label])
    import pickle

    pickled = tmp_path / "pickled.bin"
    pickled.write_bytes(pickle.dumps({b"data": np.zeros((2, 3072), np.uint8)}, protocol=2))
    with pytest.raises(DatasetCorruptError, match="pickle.*binary version"):
        read_batches([pickled])
