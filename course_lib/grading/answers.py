"""Structured answers: a check that asks for a dict of named answers (gradients, counts,
predictions) reads it here, so every such check words a malformed answer the same way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .core import CaseFailure

__all__ = ["expect_dict"]


def expect_dict(got: Any, keys: Sequence[str], what: str = "answer") -> dict:
    """`got` when it is a dict holding every key of `keys`, else CaseFailure saying what is
    missing; `what` names the values in the message ("gradient", "answer")."""
    if got is None:
        raise CaseFailure("returned None: did you forget the `return` statement?")
    if not isinstance(got, dict):
        raise CaseFailure(f"expected a dict with keys {list(keys)}, got a {type(got).__name__}")
    missing = [k for k in keys if k not in got]
    if missing:
        raise CaseFailure(f"the dict has no {what} for {missing}; expected keys {list(keys)}")
    return got
