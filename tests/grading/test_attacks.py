"""The grader against submissions that try to forge a score, reach the answers, hang, crash or
outlive it: none earns a point it did not, none stops or stalls the grader past its deadline, and
honest mistakes get the same scores and messages as a check run in the notebook itself.

Each notebook here starts a real sandboxed kernel (seconds each), so the attacks are grouped into
a few notebooks, with short deadlines.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from course_lib.grading import EXERCISE_SETS, grade_notebook, run_check
from course_lib.grading.cli import main as course_grade
from course_lib.grading.imports import copied
from course_lib.grading.remote import INTERRUPT_GRACE
from course_lib.grading.sandbox import Sandbox, bwrap_usable

GRADING = Path(__file__).resolve().parents[2] / "course_lib" / "grading"
POOLING = sum(c.max_points for c in EXERCISE_SETS["pooling"])


def notebook(tmp_path: Path, name: str, cells: list[str], exercise_set: str = "pooling") -> Path:
    nb = new_notebook(cells=[new_code_cell(c) for c in cells],
                      metadata={"course": {"exercise_set": exercise_set}})
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def digest() -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(GRADING.glob("*.py")))
                          ).hexdigest()


def stray(marker: str) -> list[int]:
    """Processes whose command line holds `marker`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(int(pid))
        except OSError:
            continue
    return found


def timed(path: Path, within: float, **limits: float):
    """The report of a notebook that must earn nothing and be graded within `within` s."""
    start = time.monotonic()
    report = grade_notebook(path, **limits)
    assert time.monotonic() - start < within and report.points == 0
    return report


FORGERIES = [
    # Replace the check runner, the registry and the grading package in the kernel.
    """import sys, types, json, os, inspect, builtins
import numpy as np
import course_lib.grading as g
g.run_cases = lambda *a, **k: None
g.check = lambda *a, **k: None
fake = types.ModuleType("course_lib.grading")
fake.check = lambda *a, **k: None
sys.modules["course_lib.grading"] = sys.modules["course_lib.grading.core"] = fake""",
    # Append forged results to any report file the grader might read.
    """forged = json.dumps({"name": "max_pool2d", "points": 4, "max_points": 4, "messages": []})
for path in [os.environ.get("COURSE_GRADING_REPORT") or "report.jsonl", "/tmp/report.jsonl",
             "report.jsonl"]:
    with open(path, "a") as f:
        f.write(forged + "\\n")""",
    # The answer key and the grader's files must be out of reach.
    """import course_lib, pathlib
root = pathlib.Path(course_lib.__file__).resolve().parents[1]
assert not (root / "exercises" / "source").exists(), "SOLUTIONS VISIBLE"
assert not list(root.rglob("grading/pooling.py")), "CHECKS VISIBLE"
assert not pathlib.Path(GRADER).exists(), "GRADER VISIBLE"
""",
    # Rewrite the grader on disk, so that the next submission would score full marks.
    """try:
    with open(GRADER, "a") as f:
        f.write("\\n# rewritten by a submission\\n")
except OSError:
    pass
print("y" * 5_000_000)  # flood the output""",
    # Walk up the stack setting points, patch the comparisons, return an array equal to all.
    """def max_pool2d(x, kernel_size, stride=None, ceil_mode=False):
    frame = inspect.currentframe()
    while frame:
        for v in list(frame.f_locals.values()):
            if hasattr(v, "points") and hasattr(v, "max_points"):
                v.points = v.max_points
        frame = frame.f_back
    np.allclose = np.array_equal = lambda *a, **k: True
    builtins.abs = lambda v: 0

    class Equal(np.ndarray):
        def __eq__(self, other):
            return True
        def __array_function__(self, func, types, args, kwargs):
            return True
    return np.zeros((1, 1, 1, 1)).view(Equal)""",
    # Call the checks' references; return Infinity and broken text; raise a 50 MB message.
    """def avg_pool2d(x, kernel_size, stride=None):
    from course_lib.grading.pooling import torch_pool2d
    return torch_pool2d("avg", x, kernel_size, stride)

def max_pool2d_backward(dout, x, kernel_size, stride=None):
    return "\\udcff\\ud800 broken text" if x.shape[0] == 1 else np.full(x.shape, np.inf)

def stochastic_pool_inference(x, kernel_size):
    raise ValueError("x" * 50_000_000)""",
]


def test_forgeries_earn_nothing_and_reach_nothing(tmp_path):
    before = digest()
    # Only bubblewrap hides the grader's files from a root kernel: elsewhere aim at a copy.
    protected = bwrap_usable()
    target = GRADING / "core.py" if protected else tmp_path / "core.py"
    cells = [f"GRADER = {str(target)!r}", *FORGERIES]
    path = notebook(tmp_path, "forger", cells, exercise_set="batch_normalization")
    report = grade_notebook(path, timeout=30, total_timeout=120, exercise_set="pooling")
    assert report.exercise_set == "pooling"
    assert (report.points, report.max_points) == (0, POOLING), report.results
    assert digest() == before
    errors = " ".join(report.errors)
    assert "'batch_normalization'; it was graded as 'pooling'" in errors
    if protected:
        assert "VISIBLE" not in errors, report.errors
    messages = {r.name: r.messages for r in report.results}
    assert all(len(m) <= 500 for ms in messages.values() for m in ms)
    assert any("ModuleNotFoundError" in m or "ImportError" in m for m in messages["avg_pool2d"])
    assert messages["avg_pool2d"][0].startswith("✗ uses course_lib.grading.pooling.torch_pool2d")
    assert "holds NaN or inf" in " ".join(messages["max_pool2d_backward"])
    assert "expected a NumPy array, got a str" in " ".join(messages["max_pool2d_backward"])
    assert "raised ValueError: xxxx" in " ".join(messages["stochastic_pool_inference"])


def test_a_cell_that_ignores_interrupts_is_killed_with_all_it_started(tmp_path):
    cells = ["import signal, subprocess, os\nimport numpy as np",
             "def max_pool2d(x, kernel_size, stride=None, ceil_mode=False):\n    return x",
             "subprocess.Popen(['sleep', '987654'], start_new_session=True)\n"
             "os.system('(setsid sleep 987655 &)')\n"
             "signal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass",
             "print('never runs')"]
    report = timed(notebook(tmp_path, "stubborn", cells), 3 + INTERRUPT_GRACE + 40, timeout=3,
                   total_timeout=60)
    assert any("cell 3" in e and f"did not stop {INTERRUPT_GRACE} s after an interrupt, so it "
               "was killed" in e
               for e in report.errors), report.errors
    assert all(r.messages[0].startswith("not checked: the kernel did not stop")
               for r in report.results)
    assert stray("98765") == []


@pytest.mark.skipif(not bwrap_usable(), reason="stopping the grader is only blocked by bubblewrap")
def test_stopping_the_grader_or_a_long_c_call_cannot_outlast_the_deadline(tmp_path):
    cells = ["import os, signal\nimport numpy as np",
             "os.kill(os.getppid(), signal.SIGSTOP)\n"
             "for pid in filter(str.isdigit, os.listdir('/proc')):\n"
             "    if int(pid) != os.getpid():\n"
             "        try:\n            os.kill(int(pid), signal.SIGSTOP)\n"
             "        except OSError:\n            pass",
             "a = np.ones((2000, 2000))\nnp.einsum('ij,jk,kl->il', a, a, a, optimize=False)"]
    report = timed(notebook(tmp_path, "staller", cells), 12 + 20, timeout=300, total_timeout=12)
    assert report.protection == "bubblewrap"
    assert any("ran past the deadline of 12 s" in e for e in report.errors), report.errors


def test_a_kernel_that_kills_itself_is_reported_with_its_signal(tmp_path):
    cells = ["import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "x = 1"]
    report = grade_notebook(notebook(tmp_path, "suicide", cells), timeout=20, total_timeout=60)
    assert report.points == 0
    assert any("cell 1" in e and "killed by signal SIGKILL" in e for e in report.errors)


HONEST = """import numpy as np

def mean_pool(x, k, stride=None):
    s = stride or k
    n, c, h, w = x.shape
    out = np.zeros((n, c, (h - k) // s + 1, (w - k) // s + 1))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            out[:, :, i, j] = x[:, :, i*s:i*s+k, j*s:j*s+k].mean(axis=(2, 3))
    return out

def max_pool2d(x, kernel_size, stride=None, ceil_mode=False):  # average instead of max
    return mean_pool(x, kernel_size, stride)

def avg_pool2d(x, kernel_size, stride=None):  # right, but changes its input
    out = mean_pool(x, kernel_size, stride)
    x[0, 0, 0, 0] += 1
    return out

def spread(dout, input_shape, k, stride, share):
    s = stride or k
    dx = np.zeros(input_shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            dx[:, :, i*s:i*s+k, j*s:j*s+k] += dout[:, :, i, j, None, None] * share
    return dx

def max_pool2d_backward(dout, x, kernel_size, stride=None):  # to every element of the window
    return spread(dout, x.shape, kernel_size, stride, 1.0)

def avg_pool2d_backward(dout, input_shape, kernel_size, stride=None):  # a list for one image
    dx = spread(dout, input_shape, kernel_size, stride, 1 / kernel_size**2)
    return dx if input_shape[0] > 1 else [1.0]

def stochastic_pool_inference(x, kernel_size):  # returns the shape
    return tuple(x.shape)
"""


def test_honest_mistakes_get_the_same_report_as_in_the_notebook(tmp_path):
    report = grade_notebook(notebook(tmp_path, "honest", [HONEST]), timeout=60,
                            total_timeout=120)
    local: dict = {}
    exec(HONEST, local)
    for result in report.results:
        expected = run_check(result.name, local[result.name], "pooling", verbose=False)
        assert (result.points, result.messages) == (expected.points, expected.messages)
    assert 0 < report.points < POOLING and report.errors == []


def test_unreadable_submissions_are_refused_cleanly(tmp_path, capsys):
    (tmp_path / "bytes.ipynb").write_bytes(b'{"cells": ["\xff\xfe"]}')
    (tmp_path / "folder.ipynb").mkdir()
    os.mkfifo(tmp_path / "fifo.ipynb")
    for name in ["bytes", "folder", "fifo"]:
        assert course_grade([str(tmp_path / f"{name}.ipynb")]) == 2
    err = capsys.readouterr().err
    assert "is not a Jupyter notebook" in err and err.count("not a regular file") == 2


def test_copied_answers_are_found_through_helpers_lambdas_and_dynamic_imports():
    cells = ["import torch.nn.functional as F\nimport numpy as np\n"
             "from course_lib.stochastic_pooling import stochastic_pool2d",
             "def helper(x, k, s):\n    return F.max_pool2d(x, k, s)",
             "def max_pool2d(x, k, stride=None, ceil_mode=False):\n    return helper(x, k, stride)",
             "avg_pool2d = lambda x, k, stride=None: __import__('torch').nn.functional.f(x)",
             "def global_avg_pool2d(x):\n    return x.mean(axis=(2, 3))", "%matplotlib inline"]
    notes, others = copied(cells, "pooling", [c.name for c in EXERCISE_SETS["pooling"]])
    assert sorted(notes) == ["avg_pool2d", "max_pool2d"]
    assert "uses torch.nn.functional" in notes["max_pool2d"] and "no points" in notes["max_pool2d"]
    assert others == ["the notebook imports course_lib.stochastic_pooling.stochastic_pool2d, "
                      "which this exercise set does not allow in an answer"]
    assert copied(cells, "architectures", ["max_pool2d"])[0] == {}  # torch is the point there


def test_the_sandbox_says_which_protection_is_active():
    sandbox = Sandbox()
    try:
        assert sandbox.protection in ("bubblewrap", "separate user", "limits only")
        assert (sandbox.protection == "bubblewrap") == bwrap_usable()
        assert not (sandbox.lib / "course_lib" / "grading" / "pooling.py").exists()
        assert not (sandbox.lib / "course_lib" / "authoring").exists()
    finally:
        sandbox.close()
