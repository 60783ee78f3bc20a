"""Reference results: the stored rows of runs larger than a chapter's budget, shown as tables.

`make results` (`python -m benchmarks.reference_results`) measures each row by calling the same
experiment function the chapter calls and writes it to `reference_results.json` beside this
module; a chapter shows a row with `reference_table("resnet20-cifar10")`, never a typed number.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .claims import Spread, spread

__all__ = ["COLUMNS", "OPTIONAL_COLUMNS", "RESULTS", "ReferenceTable", "accuracy", "cell",
           "find_row", "load_results", "reference_table"]

RESULTS = Path(__file__).with_name("reference_results.json")
# Columns of the tables, in order; each is a key of a stored row.
COLUMNS = ("chapter", "model", "dataset", "profile", "train images", "test images", "epochs",
           "seeds", "train accuracy", "test accuracy", "s / epoch", "threads", "load",
           "peak memory", "device", "date")
# Columns a row measured before they were recorded may lack (its cell shows "–"); "threads" is
# torch's CPU thread count, None for a GPU run.
OPTIONAL_COLUMNS = ("threads", "load")
# Larger profiles first: the row a chapter shows by default is the largest one stored.
_PROFILE_ORDER = ("full", "extended", "quick", "smoke")


def load_results(path: Path = RESULTS) -> list[dict]:
    """Every stored row (an empty list when nothing has been measured yet)."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _rank(row: dict) -> tuple[int, int]:
    order = _PROFILE_ORDER.index(row["profile"]) if row["profile"] in _PROFILE_ORDER else 99
    return (order, 0 if row["device"] != "cpu" else 1)


def find_row(run: str, profile: str | None = None, results: list[dict] | None = None) -> dict:
    """The stored row of `run` for `profile`, or its largest profile's row when `profile` is None.

    GPU rows come before CPU rows of the same profile. Raises KeyError when none is stored.
    """
    rows = [r for r in (load_results() if results is None else results) if r["run"] == run]
    if profile is not None:
        rows = [r for r in rows if r["profile"] == profile]
    if not rows:
        raise KeyError(f"no stored reference row for run {run!r}"
                       + (f" on profile {profile!r}" if profile else "")
                       + ": run `make results` (python -m benchmarks.reference_results --list)")
    return min(rows, key=_rank)


def accuracy(row: dict, split: str = "test") -> Spread:
    """A row's `split` ("train" or "test") accuracy over its seeds, in percent (mean ± sd)."""
    values = row[f"{split} accuracy"]
    if values is None:
        raise ValueError(f"run {row['run']!r} records no {split} accuracy")
    return spread([100 * v for v in values], digits=2)


def cell(column: str, row: dict) -> str:
    """One table cell as text: accuracies as mean ± sd over seeds, memory in MiB, the 1-minute
    load average at the start and end of the run as "start → end"."""
    value = row.get(column) if column in OPTIONAL_COLUMNS else row[column]
    if value is None and column in OPTIONAL_COLUMNS:
        return "–"
    if column == "load":
        return f"{value[0]:.1f} → {value[1]:.1f}"
    if column in ("train accuracy", "test accuracy"):
        if value is None:
            return "–"
        if len(value) == 1:
            return f"{100 * value[0]:.2f} %"
        return f"{accuracy(row, column.split()[0])} %"
    if column == "seeds":
        return str(len(value))
    if column == "s / epoch":
        return f"{value:.1f}"
    if column == "peak memory":
        return f"{value / 2**20:,.0f} MiB"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@dataclass
class ReferenceTable:
    """Stored rows shown as a table (text, HTML and Markdown), with each row's command below."""

    rows: list[dict]
    columns: Sequence[str] = COLUMNS

    def cells(self) -> list[list[str]]:
        return [[cell(c, r) for c in self.columns] for r in self.rows]

    def commands(self) -> list[str]:
        return [r["command"] for r in self.rows]

    def __repr__(self) -> str:
        table = [list(self.columns), *self.cells()]
        widths = [max(len(row[i]) for row in table) for i in range(len(self.columns))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
                 for row in table]
        return "\n".join([*lines, *(f"command: {c}" for c in self.commands())])

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                       for row in self.cells())
        commands = "".join(f"<div><code>{html.escape(c)}</code></div>" for c in self.commands())
        return (f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
                f"<div>{commands}</div>")

    def to_markdown(self) -> str:
        lines = ["| " + " | ".join(self.columns) + " |",
                 "|" + "|".join("---" for _ in self.columns) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in self.cells()]
        return "\n".join(lines)


def reference_table(*runs: str, profile: str | None = None,
                    columns: Sequence[str] = COLUMNS) -> ReferenceTable:
    """A table of the stored rows of `runs` (each run's largest profile unless `profile`)."""
    results = load_results()
    return ReferenceTable([find_row(run, profile, results) for run in runs], columns)
