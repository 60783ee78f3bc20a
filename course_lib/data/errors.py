"""The two ways loading a dataset fails: the files are nowhere to be found, or a file is damaged.

Both carry a complete, human-readable message (what, where, what to do) and are raised
`from None`, so a learner sees one clear paragraph instead of a chain of I/O tracebacks.
"""

from __future__ import annotations

__all__ = ["DatasetCorruptError", "DatasetError", "DatasetNotFoundError"]


class DatasetError(RuntimeError):
    """Base class of the data errors, so callers can catch both with one clause."""


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """No usable copy of some dataset files in the data folder or the cache, and no download."""


class DatasetCorruptError(DatasetError, ValueError):
    """A dataset file is damaged (wrong size, checksum or structure) or unreadable, a checksum list
    is unusable, or something other than a file is where the file should be."""
