"""Where each dataset comes from: its files, their official checksums and the download mirrors.

MD5s are the ones the datasets' authors publish (and torchvision checks); SHA-256s are of the same
bytes. CIFAR-10's batches are pinned by size and hash too: the official SHA-1s (as MXNet's Gluon
pins them) and the SHA-256s of the same bytes (the offline mirror's copies are byte-identical).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .cifar import CIFAR10_TEST_RECORDS, RECORD_BYTES, RECORDS_PER_BATCH, check_batch

__all__ = ["CIFAR10", "DATASETS", "FASHION_MNIST", "MNIST", "DatasetSpec", "FileSpec", "get_spec"]


@dataclass(frozen=True)
class FileSpec:
    """One file of a dataset and what a good copy of it looks like (`also`: other accepted copies).
    """

    relpath: str  # path inside the dataset's folder, '/'-separated
    size: int | None = None  # exact size in bytes, when it is known
    md5: str | None = None  # the official MD5, when the authors publish one
    sha256: str | None = None  # SHA-256 of the same bytes, when known
    check: Callable[[Path], None] | None = None  # structural check; raises DatasetCorruptError
    sha1: str | None = None  # SHA-1, when that is the checksum known
    also: tuple[FileSpec, ...] = ()  # other versions accepted at this path, told apart by size
    what: str = "official"  # names this version in messages

    @property
    def pinned(self) -> bool:
        """True when some version of the file has a checksum of its own."""
        return any(v.md5 or v.sha256 or v.sha1 for v in (self, *self.also))


@dataclass(frozen=True)
class DatasetSpec:
    """A dataset: its folder name, its files and where to download them."""

    name: str  # folder under COURSE_DATA_DIR and the cache, e.g. "mnist"
    title: str  # name for messages, e.g. "MNIST"
    homepage: str  # the official page, named in error messages
    files: tuple[FileSpec, ...]  # every file the loaders may ask for
    mirrors: tuple[str, ...]  # base URLs tried in order (file or archive name appended)
    archive: FileSpec | None = None  # when set, the files are extracted from this download

    def file(self, relpath: str) -> FileSpec:
        for f in self.files:
            if f.relpath == relpath:
                return f
        raise KeyError(
            f"{self.title} has no file {relpath!r}; it has {[f.relpath for f in self.files]}"
        )


MNIST = DatasetSpec(
    name="mnist",
    title="MNIST",
    homepage="http://yann.lecun.com/exdb/mnist/",
    files=(
        FileSpec(
            "train-images-idx3-ubyte.gz",
            9912422,
            "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        ),
        FileSpec(
            "train-labels-idx1-ubyte.gz",
            28881,
            "d53e105ee54ea40749a09fcbcd1e9432",
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        ),
        FileSpec(
            "t10k-images-idx3-ubyte.gz",
            1648877,
            "9fb629c4189551a2d022fa330f9573f3",
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        ),
        FileSpec(
            "t10k-labels-idx1-ubyte.gz",
            4542,
            "ec29112dd5afa0611ce80d1b7f02629c",
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        ),
    ),
    # The mirrors torchvision uses; LeCun's own page often refuses automated downloads.
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
)

FASHION_MNIST = DatasetSpec(
    name="fashion-mnist",
    title="Fashion-MNIST",
    homepage="https://github.com/zalandoresearch/fashion-mnist",
    files=(
        FileSpec(
            "train-images-idx3-ubyte.gz",
            26421880,
            "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        ),
        FileSpec(
            "train-labels-idx1-ubyte.gz",
            29515,
            "25c81989df183df01b3e8a0aad5dffbe",
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        ),
        FileSpec(
            "t10k-images-idx3-ubyte.gz",
            4422102,
            "bef4ecab320f06d8554ea6380940ec79",
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        ),
        FileSpec(
            "t10k-labels-idx1-ubyte.gz",
            5148,
            "bb300cfdad3c16e7a12a480ee83cd310",
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        ),
    ),
    mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
)

_BIN = "cifar-10-batches-bin/"
_BATCH_BYTES = RECORDS_PER_BATCH * RECORD_BYTES
_MIRROR_TEST_RECORDS = 1_000  # the offline mirror's test batch: the official one's first 1,000
# (official SHA-1, SHA-256 of the same bytes) of data_batch_1..5.bin; README of ../shared/data.
_TRAIN_HASHES = (
    ("aadd24acce27caa71bf4b10992e9e7b2d74c2540",
     "cee916563c9f80d84e3cc88e17fdc0941787f1244f00a67874d45b261883ada5"),
    ("c0ba65cce70568cd57b4e03e9ac8d2a5367c1795",
     "a591ca11fa1708a91ee40f54b3da4784ccd871ecf2137de63f51ada8b3fa57ed"),
    ("1dd00a74ab1d17a6e7d73e185b69dbf31242f295",
     "bbe8596564c0f86427f876058170b84dac6670ddf06d79402899d93ceea26f67"),
    ("aab85764eb3584312d3c7f65fd2fd016e36a258e",
     "014e562d6e23c72197cc727519169a60359f5eccd8945ad5a09d710285ff4e48"),
    ("26e2849e66a845b7f1e4614ae70f4889ae604628",
     "755304fc0b379caeae8c14f0dac912fbc7d6cd469eb67a1029a08a39453a9add"),
)
CIFAR10 = DatasetSpec(
    name="cifar-10",
    title="CIFAR-10",
    homepage="https://www.cs.toronto.edu/~kriz/cifar.html",
    files=(
        *(
            # Hashed once by SHA-256 (the same bytes as the official SHA-1 noted above).
            FileSpec(
                f"{_BIN}data_batch_{i}.bin",
                _BATCH_BYTES,
                sha256=sha256,
                check=partial(check_batch, records=RECORDS_PER_BATCH),
            )
            for i, (_sha1, sha256) in enumerate(_TRAIN_HASHES, start=1)
        ),
        FileSpec(
            f"{_BIN}test_batch.bin",
            CIFAR10_TEST_RECORDS * RECORD_BYTES,
            sha1="67eb016db431130d61cd03c7ad570b013799c88c",
            check=partial(check_batch, records=CIFAR10_TEST_RECORDS),
            # The offline mirror's shortened copy, loaded with a warning (see cifar.read_batches).
            also=(
                FileSpec(
                    f"{_BIN}test_batch.bin",
                    _MIRROR_TEST_RECORDS * RECORD_BYTES,
                    sha256="8314c96d7cd65618193bab23acdd5d4c4af15bf6dd00a1781d55beedf3be1ef5",
                    check=partial(check_batch, records=_MIRROR_TEST_RECORDS),
                    what="the offline mirror's first 1,000 test records",
                ),
            ),
        ),
        FileSpec(
            f"{_BIN}batches.meta.txt",
            61,
            "728051cd483f366e254dddb25bead8b3",
            "558e74b5e208382e186da55784b4bac2cd52e558448e1b5800990fdb28ed8033",
        ),
    ),
    mirrors=("https://www.cs.toronto.edu/~kriz/",),
    archive=FileSpec(
        "cifar-10-binary.tar.gz",
        md5="c32a1d4ab5d03f1284b67883e8d87530",
        sha1="fab780a1e191a7eda0f345501ccd62d20f7ed891",
    ),
)

DATASETS: dict[str, DatasetSpec] = {s.name: s for s in (MNIST, FASHION_MNIST, CIFAR10)}


def get_spec(name: str) -> DatasetSpec:
    """The DatasetSpec registered under `name` ('mnist', 'fashion-mnist' or 'cifar-10')."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"Unknown dataset {name!r}; known: {', '.join(DATASETS)}") from None
