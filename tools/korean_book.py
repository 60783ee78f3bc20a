"""The Korean HTML book, built beside the English one: the same sources and `_config.yml` with
`language = ko`, so Sphinx substitutes the translations of locale/ko/LC_MESSAGES, into
_build/html/ko/. It is built in _build/ko/ (html, doctrees and the notebooks' images, which
myst-nb writes beside the html folder) and copied into place, so nothing of it lands in the
English book's folder but ko/. `make book` runs it after the English build; `jupyter-book build`
alone has no way to set the language or the output folder apart.

    python -m tools.korean_book [--warningiserror] [--output BOOK/_build/html/ko]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from .notebooks import ROOT

__all__ = ["KOREAN_HTML", "LANGUAGE", "build", "sphinx_build"]

LANGUAGE = "ko"
KOREAN_HTML = ROOT / "_build" / "html" / LANGUAGE


def sphinx_build(output: Path, doctrees: Path, builder: str, warningiserror: bool = False,
                 quiet: bool = False, **overrides) -> int:
    """Jupyter Book's build of this book with `builder` into `output`, keeping its doctrees in
    `doctrees` (not shared with the English HTML build); 0 when built."""
    from jupyter_book.sphinx import build_sphinx  # the book extra; imported only to build

    result = build_sphinx(
        ROOT, output, noconfig=True, path_config=str(ROOT / "_config.yml"),
        doctreedir=doctrees, builder=builder,
        confoverrides={"external_toc_path": (ROOT / "_toc.yml").as_posix(),
                       "latex_individualpages": False, **overrides},
        warningiserror=warningiserror, keep_going=True, quiet=quiet)
    if isinstance(result, BaseException):
        print(f"The {builder} build failed: {result}", file=sys.stderr)
        return 1
    return result


def build(output: Path = KOREAN_HTML, warningiserror: bool = False) -> int:
    """Build the Korean book into `output`, the `ko` folder of an English book's html folder
    (staged in `ko/html` beside that html folder); the Sphinx status code (0: built)."""
    output = Path(output).resolve()
    staging = output.parent.parent / LANGUAGE
    result = sphinx_build(staging / "html", staging / ".doctrees", "html", warningiserror,
                          language=LANGUAGE)
    if result == 0:
        shutil.rmtree(output, ignore_errors=True)
        shutil.copytree(staging / "html", output)
        print(f"The Korean book is in {output}/index.html")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warningiserror", action="store_true",
                        help="fail on any Sphinx warning, as the English build does")
    parser.add_argument("--output", type=Path, default=KOREAN_HTML,
                        help="where the Korean pages go (default: _build/html/ko)")
    args = parser.parse_args(argv)
    return build(args.output, warningiserror=args.warningiserror)


if __name__ == "__main__":
    sys.exit(main())
