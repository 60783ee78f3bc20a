"""The Korean HTML book, built beside the English one: the same sources and `_config.yml` with
`language = ko`, so Sphinx substitutes the translations of locale/ko/LC_MESSAGES, into
_build/html/ko/ (its own doctrees in _build/.doctrees-ko). `make book` runs it after the English
build; `jupyter-book build` alone has no way to set the language or the output folder apart.

    python -m tools.korean_book [--warningiserror] [--output BOOK/_build/html/ko]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .notebooks import ROOT
from .translations import LANGUAGE

__all__ = ["KOREAN_HTML", "build"]

KOREAN_HTML = ROOT / "_build" / "html" / LANGUAGE


def build(output: Path = KOREAN_HTML, warningiserror: bool = False) -> int:
    """Build the Korean book into `output` (the `ko` folder of an English book's html folder, its
    doctrees two levels up); the Sphinx status code (0: built)."""
    output = Path(output).resolve()
    from jupyter_book.sphinx import build_sphinx  # the book extra; imported only to build

    result = build_sphinx(
        ROOT, output, noconfig=True, path_config=str(ROOT / "_config.yml"),
        doctreedir=output.parent.parent / f".doctrees-{LANGUAGE}", builder="html",
        confoverrides={"external_toc_path": (ROOT / "_toc.yml").as_posix(),
                       "latex_individualpages": False, "language": LANGUAGE},
        warningiserror=warningiserror, keep_going=True)
    if isinstance(result, BaseException):
        print(f"The Korean book did not build: {result}", file=sys.stderr)
        return 1
    if result == 0:
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
