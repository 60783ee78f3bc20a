"""Environment for every test, the chapter and exercise notebooks under nbval included (a
conftest in tests/ would not apply to `pytest chapters/03_convolution.ipynb`): the offline
dataset mirror (../shared/data) when COURSE_DATA_DIR is unset, no downloads, the smoke profile."""

import os
from pathlib import Path

_MIRROR = Path(__file__).resolve().parent.parent / "shared" / "data"

if "COURSE_DATA_DIR" not in os.environ and _MIRROR.is_dir():
    os.environ["COURSE_DATA_DIR"] = str(_MIRROR)

# Tests never download: a missing dataset must fail loudly, not reach for the network.
os.environ.setdefault("COURSE_OFFLINE", "1")
# Notebook and chapter tests run the cheapest profile unless told otherwise.
os.environ.setdefault("COURSE_PROFILE", "smoke")
