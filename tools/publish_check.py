"""The Colab path, tried before the repository is public (`make publish-check [URL=git-url]`).

1. Clone URL (default: this checkout, its committed HEAD) into a temporary folder.
2. Make a fresh virtual environment that looks like Colab: its preinstalled packages at Colab's
   versions (tools/colab_packages.txt: ipywidgets 7, ipykernel 6.17, ...), torch from this machine.
3. Run every chapter of the clone in a kernel of that environment, as Colab would: the first cell
   is the committed setup cell with the repository URL replaced by the clone, so the first chapter
   installs the course from it; the chapters run on the `smoke` profile.
4. Print which preinstalled packages changed (must be none) and which were added; check that each
   live explorer rendered (its widget state holds a drawn figure) under ipywidgets 7.

Exits 1 on any failure. Needs git, network access to PyPI and the offline data (COURSE_DATA_DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from course_lib.explorers.widgets import LIVE_EXPLORER_KEY

from .notebooks import ROOT, repository_url
from .setup_cell import setup_cell_source

COLAB_PACKAGES = Path(__file__).with_name("colab_packages.txt")
STATE = "application/vnd.jupyter.widget-state+json"
VIEW = "application/vnd.jupyter.widget-view+json"
KERNEL = "colab-like"
LIST_DISTRIBUTIONS = (
    "import importlib.metadata as m, json, re; print(json.dumps({re.sub(r'[-_.]+', '-', "
    "d.metadata['Name']).lower(): d.version for d in m.distributions() if d.metadata['Name']}))"
)


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd[:6])} ... failed:\n{proc.stderr.strip()[-3000:]}")
    return proc


def installed(python: Path) -> dict[str, str]:
    """Distribution name (normalized) -> version, in the environment of `python`."""
    # -I: not the working directory either (a checkout's course_lib.egg-info would show there)
    return json.loads(_run([str(python), "-I", "-c", LIST_DISTRIBUTIONS]).stdout)


def make_colab_env(where: Path, torch: str) -> Path:
    """A fresh venv with Colab's packages (and `torch`); returns its python."""
    _run([sys.executable, "-m", "venv", str(where)])
    python = where / "bin" / "python"
    lines = COLAB_PACKAGES.read_text(encoding="utf-8").splitlines()
    _run([str(python), "-m", "pip", "install", "-q", *[p for p in lines if p.startswith("pip==")]])
    _run([str(python), "-m", "pip", "install", "-q", torch])  # first: pip keeps this build
    _run([str(python), "-m", "pip", "install", "-q", torch, "-r", str(COLAB_PACKAGES)])
    return python


def add_kernel(python: Path, jupyter_dir: Path) -> None:
    """A kernel spec named KERNEL that starts `python`'s ipykernel, found through JUPYTER_PATH."""
    spec = jupyter_dir / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like", "language": "python"}), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = str(jupyter_dir)


def changed(before: dict[str, str], after: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Preinstalled distributions whose version changed or that were removed."""
    return {n: (v, after.get(n, "removed")) for n, v in before.items() if after.get(n) != v}


def live_explorers(nb: nbformat.NotebookNode) -> tuple[int, list[str]]:
    """How many live explorers the executed notebook shows, and those that did not render.

    Rendered: the view's box is in the saved widget state, and one of its children is an Output
    holding a PNG (the explorer draws its figure there when it is built).
    """
    state = nb.metadata.get("widgets", {}).get(STATE, {}).get("state", {})
    count, problems = 0, []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if not out.get("metadata", {}).get(LIVE_EXPLORER_KEY):
                continue
            count += 1
            model = out.get("data", {}).get(VIEW, {}).get("model_id")
            children = [c.removeprefix("IPY_MODEL_") for c in
                        state.get(model, {}).get("state", {}).get("children", [])]
            figures = [o for c in children if state.get(c, {}).get("model_name") == "OutputModel"
                       for o in state[c]["state"].get("outputs", [])
                       if "image/png" in o.get("data", {})]
            if model not in state:
                problems.append(f"cell {cell.get('id')}: explorer {model} not in the widget state")
            elif not figures:
                problems.append(f"cell {cell.get('id')}: explorer {model} shows no figure")
    return count, problems


def run_chapter(path: Path, clone_url: str, configured_url: str, timeout: int) -> tuple[
        nbformat.NotebookNode, float]:
    """Execute one chapter of the clone in the Colab-like kernel, its setup cell pointing at the
    clone; returns the executed notebook (the file is not changed) and the seconds it took."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    expected = setup_cell_source(configured_url)
    if nb.cells[0].source != expected:
        raise RuntimeError(f"{path.name}: the first cell is not the generated setup cell")
    nb.cells[0].source = setup_cell_source(clone_url)
    start = time.perf_counter()
    NotebookClient(nb, kernel_name=KERNEL, timeout=timeout, store_widget_state=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.publish_check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=str(ROOT), help="git URL or path to clone (default: "
                        "this checkout's committed HEAD)")
    parser.add_argument("--torch", default=os.environ.get("TORCH", "torch==2.13.0"),
                        help="pip requirement standing in for Colab's torch")
    parser.add_argument("--chapters", nargs="*", help="chapter file names (default: all)")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per cell")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="publish-check-"))
    failures: list[str] = []
    try:
        clone = work / "clone"
        _run(["git", "clone", "-q", args.url, str(clone)])
        head = _run(["git", "-C", str(clone), "rev-parse", "--short", "HEAD"]).stdout.strip()
        print(f"cloned {args.url} at {head}")
        print(f"making a Colab-like environment ({COLAB_PACKAGES.name}, {args.torch}) ...",
              flush=True)
        python = make_colab_env(work / "colab", args.torch)
        before = installed(python)
        print(f"  {len(before)} packages preinstalled, ipywidgets {before.get('ipywidgets')}, "
              f"ipykernel {before.get('ipykernel')} ({time.perf_counter() - t0:.0f} s)")
        if "course-lib" in before:
            raise RuntimeError("course_lib is already in the fresh environment")
        add_kernel(python, work / "jupyter")
        # PYDEVD_...: ipykernel 6.17's debugger otherwise warns about frozen modules at each start.
        os.environ.update(COURSE_PROFILE="smoke", COURSE_OFFLINE="1",
                          PYDEVD_DISABLE_FILE_VALIDATION="1")
        os.environ.pop("PYTHONPATH", None)
        chapters = sorted((clone / "chapters").glob("*.ipynb"))
        if args.chapters:
            chapters = [c for c in chapters if c.name in args.chapters]
        explorers = 0
        for k, path in enumerate(chapters):
            print(f"{path.name} ...", end=" ", flush=True)
            try:
                nb, seconds = run_chapter(path, clone.as_uri(), repository_url(clone),
                                          args.timeout)
            except Exception as err:  # noqa: BLE001 - any failure is reported, the rest still run
                print("FAILED")
                failures.append(f"{path.name}: {str(err).strip()[-1500:]}")
                continue
            setup_text = "".join(o.get("text", "") for o in nb.cells[0].outputs)
            if k == 0 and "installed from" not in setup_text:
                failures.append(f"{path.name}: the setup cell did not install course_lib: "
                                f"{setup_text.strip()!r}")
            count, problems = live_explorers(nb)
            explorers += count
            failures += [f"{path.name}: {p}" for p in problems]
            print(f"{seconds:.0f} s, {count} live explorer(s)", flush=True)
        after = installed(python)
        moved = changed(before, after)
        added = sorted(set(after) - set(before))
        print(f"preinstalled packages changed: {len(moved)}"
              + "".join(f"\n  {n}: {a} -> {b}" for n, (a, b) in sorted(moved.items())))
        print(f"packages added: {', '.join(f'{n} {after[n]}' for n in added) or 'none'}")
        failures += [f"installing the course changed {n}: {a} -> {b}"
                     for n, (a, b) in sorted(moved.items())]
        if "course-lib" not in after:
            failures.append("course_lib was never installed")
        if not explorers:
            failures.append("no live explorer ran")
        elif not before.get("ipywidgets", "").startswith("7."):
            failures.append(f"ipywidgets {before.get('ipywidgets')} is not Colab's 7.x")
    except RuntimeError as err:
        failures.append(str(err))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"publish check: {'FAILED' if failures else 'passed'} in "
          f"{time.perf_counter() - t0:.0f} s")
    for failure in failures:
        print(f"  ✗ {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
