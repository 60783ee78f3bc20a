"""What a reader of the book sees in the committed notebooks: no failed claim line (`✗ …`, see
course_lib.claims) and no file-system path of the machine the notebook was executed on."""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = [*sorted((ROOT / "chapters").glob("*.ipynb")),
             *sorted((ROOT / "exercises").glob("*.ipynb"))]
# Absolute paths of a Linux or macOS machine (the kernel's cell files too) and of a Windows drive.
LOCAL_PATH = re.compile(r"(?<![\w.])(/(work|tmp|root|home|Users|var/folders)/|[A-Z]:\\[A-Za-z])")


def _output_lines(path: Path):
    for i, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts = [out.get("text", ""), data.get("text/plain", ""), data.get("text/html", ""),
                     data.get("text/markdown", ""), out.get("evalue", "")]
            parts += out.get("traceback", [])
            for part in parts:
                text = "".join(part) if isinstance(part, list) else part
                for line in text.splitlines():
                    yield i, line


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_failed_claim_is_committed(path):
    failed = [f"cell {i}: {line.strip()}" for i, line in _output_lines(path)
              if line.strip().startswith("✗")]
    assert not failed, "the committed run did not reproduce these claims:\n" + "\n".join(failed)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_output_shows_a_local_path(path):
    shown = [f"cell {i}: {line.strip()[:160]}" for i, line in _output_lines(path)
             if LOCAL_PATH.search(line)]
    assert not shown, "outputs that show a path of the machine they ran on:\n" + "\n".join(shown)


def test_the_path_pattern_catches_what_it_should():
    assert LOCAL_PATH.search("warning: /tmp/ipykernel_21983/620370504.py:3")
    assert LOCAL_PATH.search("No cached weights at /root/.cache/course_lib/x.pt")
    assert LOCAL_PATH.search("C:\\Users\\me")
    assert not LOCAL_PATH.search("see chapters/03_convolution.ipynb and https://a.org/work/x")
