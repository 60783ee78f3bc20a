"""The book's own copies of the JavaScript it needs offline, fetched from the npm registry at build
time (never committed): MathJax 3 for formulas, RequireJS and the ipywidgets HTML manager (the
`@jupyter-widgets/html-manager` embed bundle) for widget outputs rendered from their saved state.

Each package is fetched with `npm pack` (the registry's ordinary client, which checks the tarball
against the registry's checksum), checked once more against the SHA-512 pinned here, and only the
files the book serves are extracted into `_vendor/_static/offline/<name>/`. `_config.yml` lists
`_vendor` in `html_extra_path`, so the built book serves them from `_static/offline/`, and points
`mathjax_path` and myst-nb's `nb_ipywidgets_js` there.

Run as `python -m tools.book_assets [--force]`; it does nothing when the files of the
pinned versions are already there (the manifest records them).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .notebooks import ROOT

__all__ = ["PACKAGES", "VENDOR_DIR", "Package", "ensure", "missing", "served_path"]

# html_extra_path entry: its contents are copied to the root of the built book.
VENDOR_DIR = ROOT / "_vendor"
# Where the files land inside the built book (and inside VENDOR_DIR).
SERVED_PREFIX = "_static/offline"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Package:
    """One npm package: the files under `package/` that `keep` accepts go to offline/<name>/."""

    spec: str  # npm name
    version: str  # exact version: the book is built from known files
    integrity: str  # the registry's sha512 of the tarball, as npm reports it
    name: str  # folder under _static/offline/
    keep: Callable[[str], bool]  # path inside the package (without "package/") -> extract it?
    entry: str  # the file pages load, relative to the folder
    # A second folder under offline/ that gets the kept dist/ files other than `entry` too: some
    # widget views resolve their fonts against the RequireJS root "@jupyter-widgets" itself.
    also_in: str = ""

    @property
    def label(self) -> str:
        return f"{self.spec}@{self.version}"


def _mathjax_files(path: str) -> bool:
    # The combined TeX+MathML/CHTML component Sphinx uses, plus the components and fonts it loads
    # on demand (TeX extensions, menu, accessibility, speech rules); not the other combined
    # components, nor the SVG output.
    if path in ("LICENSE", "es5/tex-mml-chtml.js"):
        return True
    in_subfolder = path.startswith("es5/") and path.count("/") >= 2
    return in_subfolder and not path.startswith("es5/output/svg")


def _html_manager_files(path: str) -> bool:
    # The AMD embed bundle (built-in widget models and views) and the fonts its CSS refers to,
    # which webpack resolves next to the bundle.
    name = path.rsplit("/", 1)[-1]
    return path == "dist/embed-amd.js" or (
        path.startswith("dist/") and name.endswith((".woff2", ".woff", ".ttf", ".eot", ".svg"))
    )


PACKAGES: tuple[Package, ...] = (
    Package(
        "mathjax", "3.2.2",
        "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        "mathjax", _mathjax_files, "es5/tex-mml-chtml.js",
    ),
    Package(
        "requirejs", "2.3.8",
        "sha512-7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==",
        "requirejs", lambda p: p in ("require.js", "README.md"), "require.js",
    ),
    Package(
        # 1.0.x is the HTML manager of ipywidgets 8 (widget protocol 2).
        "@jupyter-widgets/html-manager", "1.0.15",
        "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        # The folder mirrors the npm scope: the bundle finds its fonts through RequireJS module
        # paths "@jupyter-widgets/<package>", mapped here by _ext/static/offline-widgets.js.
        "jupyter-widgets/html-manager", _html_manager_files, "dist/embed-amd.js",
        also_in="jupyter-widgets",
    ),
)


def served_path(package: Package) -> str:
    """URL path of the package's entry file inside the built book, e.g. for `_config.yml`."""
    return f"{SERVED_PREFIX}/{package.name}/{package.entry}"


def _manifest(packages: tuple[Package, ...]) -> dict[str, str]:
    return {p.name: f"{p.label} {p.integrity}" + (f" +{p.also_in}" if p.also_in else "")
            for p in packages}


def missing(vendor_dir: Path = VENDOR_DIR, packages: tuple[Package, ...] = PACKAGES) -> list[str]:
    """What is not in place yet (empty when the pinned versions are all there)."""
    base = vendor_dir / SERVED_PREFIX
    try:
        recorded = json.loads((base / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    wanted = _manifest(packages)
    return [
        p.label for p in packages
        if recorded.get(p.name) != wanted[p.name] or not (base / p.name / p.entry).is_file()
    ]


def _sha512(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def _npm_pack(package: Package, into: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "npm is needed to fetch the book's JavaScript (MathJax, RequireJS, the widget manager) "
            "from the npm registry: install Node.js and npm (Debian: apt-get install -y npm)"
        )
    proc = subprocess.run(
        [npm, "pack", package.label, "--json", "--silent", "--pack-destination", str(into)],
        capture_output=True, text=True, cwd=into,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"`npm pack {package.label}` failed:\n{proc.stderr.strip()[-2000:]}")
    tarball = into / json.loads(proc.stdout)[0]["filename"]
    got = _sha512(tarball)
    if got != package.integrity:
        raise RuntimeError(
            f"{package.label}: the tarball's checksum {got} is not the pinned {package.integrity}"
        )
    return tarball


def _extract(package: Package, tarball: Path, dest: Path) -> int:
    count = 0
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("package/"):
                continue
            rel = member.name.removeprefix("package/")
            if ".." in rel.split("/") or not package.keep(rel):
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None  # a regular file
            data = source.read()
            target.write_bytes(data)
            count += 1
            if package.also_in and rel.startswith("dist/") and rel != package.entry:
                offline = dest.parents[len(Path(package.name).parts) - 1]  # .../offline
                extra = offline / package.also_in / rel.rsplit("/", 1)[-1]
                extra.parent.mkdir(parents=True, exist_ok=True)
                extra.write_bytes(data)
    if not (dest / package.entry).is_file():
        raise RuntimeError(f"{package.label} has no {package.entry}")
    return count


def ensure(
    vendor_dir: Path = VENDOR_DIR,
    packages: tuple[Package, ...] = PACKAGES,
    force: bool = False,
    log: Callable[[str], None] = print,
) -> bool:
    """Fetch and extract the packages unless their pinned versions are in place already.

    Returns True when something was fetched. Raises RuntimeError with a plain message when npm is
    missing, the registry cannot be reached, or a checksum does not match.
    """
    if not force and not missing(vendor_dir, packages):
        return False
    base = vendor_dir / SERVED_PREFIX
    with tempfile.TemporaryDirectory(prefix="book-assets-") as tmp:
        staging = Path(tmp) / "vendor"
        for package in packages:
            log(f"fetching {package.label} from the npm registry ...")
            n = _extract(package, _npm_pack(package, Path(tmp)), staging / package.name)
            log(f"  {n} files -> {SERVED_PREFIX}/{package.name}/")
        (staging / MANIFEST).write_text(
            json.dumps(_manifest(packages), indent=1) + "\n", encoding="utf-8"
        )
        # Swap the whole folder at once: a failed fetch never leaves a half-filled one behind.
        if base.exists():
            shutil.rmtree(base)
        base.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), str(base))
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.book_assets")
    parser.add_argument("--force", action="store_true", help="fetch even when already in place")
    args = parser.parse_args(argv)
    try:
        if not ensure(force=args.force):
            print(f"book assets in place ({', '.join(p.label for p in PACKAGES)})")
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
