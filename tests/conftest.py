"""Shared test setup: point COURSE_DATA_DIR at the offline mirror (../shared/data) when unset."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_MIRROR = ROOT.parent / "shared" / "data"

if "COURSE_DATA_DIR" not in os.environ and _MIRROR.is_dir():
    os.environ["COURSE_DATA_DIR"] = str(_MIRROR)

# Tests never download: a missing dataset must fail loudly, not reach for the network.
os.environ.setdefault("COURSE_OFFLINE", "1")
# Notebook and chapter tests run the cheapest profile unless told otherwise.
os.environ.setdefault("COURSE_PROFILE", "smoke")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The offline dataset mirror; skipped loudly when it is not there."""
    path = os.environ.get("COURSE_DATA_DIR")
    if not path or not Path(path).is_dir():
        pytest.skip(
            "no offline dataset mirror: set COURSE_DATA_DIR to a folder laid out like "
            "../shared/data (mnist/, fashion-mnist/, cifar-10/) to run the data tests"
        )
    return Path(path)
