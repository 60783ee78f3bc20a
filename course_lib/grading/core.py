"""The check framework: run a learner's function on cases, never crash, explain what is wrong.

A check is a list of `Case`s; each calls the learner's function through `call` (time-limited,
exceptions caught) and compares with `expect_array`/`expect_int`, which name the likely mistake.
Results are printed; the grader (notebook.py) runs the same checks on a `Remote` function served
by the learner's kernel, so the cases and expected answers stay in its own process.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "NOT_IMPLEMENTED",
    "Case",
    "CaseFailure",
    "CheckResult",
    "call",
    "expect_array",
    "expect_arrays",
    "expect_float",
    "expect_int",
    "run_cases",
]

NOT_IMPLEMENTED = "not implemented yet: replace `raise NotImplementedError` with your code"
CHANGED_INPUT = "changed its input array in place: work on a copy (x = x.copy())"


@dataclass
class CheckResult:
    name: str  # the check's name in its exercise set, e.g. "conv2d"
    points: int  # points earned
    max_points: int  # points available
    messages: list[str] = field(default_factory=list)  # one line per case ("✓ ..." / "✗ ...")

    @property
    def passed(self) -> bool:
        return self.points == self.max_points

    def report(self) -> str:
        """The printed form: a headline with the points, then one line per message."""
        lines = [f"{self.name}: {self.points}/{self.max_points} points"]
        return "\n".join(lines + [f"  {m}" for m in self.messages])


@dataclass(frozen=True)
class Case:
    label: str  # what the case tries, shown in the report ("stride 2, padding 1")
    run: Callable[[Callable[..., Any]], None]  # calls the learner's function; raises CaseFailure
    points: int = 1  # points for passing it


class CaseFailure(Exception):
    """A case failed; the message says why, in words meant for the learner."""


class _TimeLimit(BaseException):
    # A BaseException so that a learner's `except Exception:` cannot swallow it.
    pass


class Remote:
    """A learner's function that runs elsewhere (in their kernel, for the grader): `invoke`
    returns its answer or raises what it raised (as an exception of the same name), _TimeLimit,
    InputChanged or CallFailed."""

    def invoke(self, args: tuple, kwargs: dict, seconds: float) -> Any:
        raise NotImplementedError

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.invoke(args, kwargs, _time_limit_s.get())

    def probe(self, name: str) -> Remote:
        """probes.<name> applied to this function, where the function lives."""
        raise NotImplementedError


def observe(fn: Any, probe: str, *args: Any, **kwargs: Any) -> Any:
    """probes.<probe>(fn, *args, **kwargs), run where `fn` lives (in the learner's kernel for
    the grader): plain-data observations of torch code. Raises CaseFailure as `call` does."""
    if isinstance(fn, Remote):
        return call(fn.probe(probe), *args, **kwargs)
    import functools

    from . import probes

    return call(functools.partial(getattr(probes, probe), fn), *args, **kwargs)


class InputChanged(Exception):
    """The learner's function changed an input array in place."""


class CallFailed(Exception):
    """The call could not happen (the kernel died, the answer was not plain data); the message
    is for the learner."""


# True in the grader, where calls are timed in the kernel and SIGALRM must stay unused.
_remote_calls: ContextVar[bool] = ContextVar("remote_calls", default=False)


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after `seconds` with SIGALRM; a no-op where there is no such signal
    (Windows) or off the main thread, where signal handlers cannot be installed."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable or _remote_calls.get():
        yield
        return

    def _alarm(signum: int, frame: Any) -> None:
        raise _TimeLimit

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# Seconds one call of the learner's function may take; `run_cases` sets it for its cases.
_time_limit_s: ContextVar[float] = ContextVar("time_limit_s", default=10.0)


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """fn(*args, **kwargs) on copies of the array arguments, with a time limit; any exception it
    raises becomes a CaseFailure naming it, and changing an input in place is reported too."""
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    kwcopies = {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    try:
        if isinstance(fn, Remote):
            out = fn.invoke(tuple(copies), kwcopies, _time_limit_s.get())
        else:
            with _time_limit(_time_limit_s.get()):
                out = fn(*copies, **kwcopies)
    except InputChanged:
        raise CaseFailure(CHANGED_INPUT) from None
    except CallFailed as e:
        raise CaseFailure(_short(e, 500)) from None
    except NotImplementedError:
        raise CaseFailure(NOT_IMPLEMENTED) from None
    except _TimeLimit:
        raise CaseFailure(
            f"took longer than {_time_limit_s.get():g} s: is there an endless loop?"
        ) from None
    except (Exception, SystemExit) as e:  # KeyboardInterrupt still stops the check
        raise CaseFailure(f"raised {type(e).__name__}: {_short(e)}") from None
    for given, used in zip((*args, *kwargs.values()), (*copies, *kwcopies.values()), strict=True):
        if isinstance(given, np.ndarray) and not np.array_equal(given, used, equal_nan=True):
            raise CaseFailure(CHANGED_INPUT)
    return out


def _short(obj: Any, limit: int = 300) -> str:
    """str(obj) cut to one readable line of at most `limit` characters."""
    text = " ".join(str(obj).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_name(obj: Any) -> str:
    kind = type(obj)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def _shape_hint(got: tuple[int, ...], expected: tuple[int, ...]) -> str:
    """A generic guess at why the shapes differ, when no case-specific mistake matched."""
    if len(got) != len(expected):
        return f"expected a {len(expected)}-D array, got {len(got)}-D"
    if sorted(got) == sorted(expected):
        return "the same sizes in another order: check the order of the axes"
    diffs = {e - g for g, e in zip(got, expected, strict=True) if g != e}
    if diffs == {1} or diffs == {-1}:
        return "off by one: a kernel of size k fits (n − k) + 1 times into n"
    return ""


def expect_array(
    got: Any,
    expected: np.ndarray,
    mistakes: Callable[[], Sequence[tuple[np.ndarray, str]]] = tuple,
    rtol: float = 1e-4,
) -> None:
    """Raise CaseFailure unless `got` is a NumPy array of `expected`'s shape and values.

    mistakes: returns pairs (what a typical wrong implementation returns, the hint to give if
    `got` matches it); called only for a wrong answer, as computing them takes time.
    rtol leaves room for float32 arithmetic; wrong answers differ by far more.
    """
    if got is None:
        raise CaseFailure("returned None: did you forget the `return` statement?")
    if not isinstance(got, np.ndarray):
        hint = ""
        if isinstance(got, list | tuple):
            hint = ": convert it with np.array(...)"
        elif hasattr(got, "detach") and hasattr(got, "numpy"):
            hint = ": solve it with NumPy (or convert with .numpy())"
        raise CaseFailure(f"expected a NumPy array, got a {_type_name(got)}{hint}")
    if got.dtype.kind not in "fiu":
        raise CaseFailure(f"expected an array of real numbers, got dtype {got.dtype}")
    if got.shape != expected.shape:
        hint = next((m for alt, m in mistakes() if alt.shape == got.shape), "")
        hint = hint or _shape_hint(got.shape, expected.shape)
        raise CaseFailure(
            f"expected shape {expected.shape}, got {got.shape}" + (f": {hint}" if hint else "")
        )
    bad = ~np.isfinite(got)
    if bad.any():
        raise CaseFailure(f"the output holds NaN or inf at {int(bad.sum())} of {got.size} places")
    atol = 1e-5 * max(1.0, float(np.abs(expected).max(initial=0.0)))
    if np.allclose(got, expected, rtol=rtol, atol=atol):
        return
    for alt, message in mistakes():
        if alt.shape == got.shape and np.allclose(got, alt, rtol=rtol, atol=atol):
            raise CaseFailure(message)
    err = np.abs(got.astype(np.float64) - expected)
    where = np.unravel_index(int(np.argmax(err)), err.shape)
    idx = tuple(int(i) for i in where)
    message = (
        f"wrong values: at index {idx} expected {expected[where]:.4g}, got {got[where]:.4g} "
        f"({int((err > atol + rtol * np.abs(expected)).sum())} of {got.size} values differ)"
    )
    if got.dtype.kind in "iu" and not np.allclose(expected, np.round(expected)):
        message += f"; your array has integer dtype {got.dtype}: create it with a float dtype"
    raise CaseFailure(message)


def expect_int(got: Any, expected: int, mistakes: Sequence[tuple[int, str]] = ()) -> None:
    """Raise CaseFailure unless `got` is an integer equal to `expected`."""
    if got is None:
        raise CaseFailure("returned None: did you forget the `return` statement?")
    if isinstance(got, bool) or not isinstance(got, int | np.integer):
        hint = ": use integer arithmetic (// rather than /) or int(...)" if isinstance(
            got, float | np.floating) else ""
        raise CaseFailure(f"expected an int, got a {_type_name(got)} ({_short(repr(got))}){hint}")
    if int(got) == expected:
        return
    hint = next((m for alt, m in mistakes if alt == int(got)), "")
    raise CaseFailure(f"expected {expected:,}, got {int(got):,}" + (f": {hint}" if hint else ""))


def expect_float(
    got: Any, expected: float, mistakes: Sequence[tuple[float, str]] = (), rtol: float = 1e-6
) -> None:
    """Raise CaseFailure unless `got` is a real number (or 0-d array) close to `expected`.

    mistakes: pairs (what a typical wrong implementation returns, the hint to give if `got`
    is close to it).
    """
    if got is None:
        raise CaseFailure("returned None: did you forget the `return` statement?")
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got.item()
    if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
        shape = f" of shape {got.shape}" if isinstance(got, np.ndarray) else ""
        raise CaseFailure(f"expected a number, got a {_type_name(got)}{shape}"
                          + (": sum it to one number" if shape else ""))
    got = float(got)
    if not np.isfinite(got):
        raise CaseFailure(f"returned {got}")
    atol = 1e-9 * max(1.0, abs(expected))
    if abs(got - expected) <= atol + rtol * abs(expected):
        return
    hint = next((m for alt, m in mistakes if abs(got - alt) <= atol + rtol * abs(alt)), "")
    raise CaseFailure(f"expected {expected:.6g}, got {got:.6g}" + (f": {hint}" if hint else ""))


def expect_arrays(
    got: Any,
    expected: Sequence[np.ndarray],
    names: Sequence[str],
    mistakes: Callable[[], Sequence[tuple[Sequence[np.ndarray], str]]] = tuple,
    rtol: float = 1e-4,
) -> None:
    """Raise CaseFailure unless `got` is a tuple of arrays matching `expected`, one by one.

    names: what each element is ("new running_mean", ...), used in the messages. mistakes:
    pairs (the tuple a typical wrong implementation returns, the hint), checked on a mismatch.
    """
    if got is None:
        raise CaseFailure("returned None: did you forget the `return` statement?")
    if not isinstance(got, tuple | list) or len(got) != len(expected):
        raise CaseFailure(f"expected a tuple of {len(expected)} arrays ({', '.join(names)}), "
                          f"got a {_type_name(got)}"
                          + (f" of length {len(got)}" if isinstance(got, tuple | list) else ""))
    for k, (g, e, name) in enumerate(zip(got, expected, names, strict=True)):
        try:
            expect_array(g, e, rtol=rtol)
        except CaseFailure as failure:
            for alt, message in mistakes():
                alt_k = np.asarray(alt[k])
                if (isinstance(g, np.ndarray) and alt_k.shape == g.shape
                        and np.all(np.isfinite(g)) and np.allclose(g, alt_k, rtol=rtol,
                                                                   atol=1e-5)):
                    raise CaseFailure(f"{name}: {message}") from None
            raise CaseFailure(f"{name}: {failure}") from None


def _run_case(case: Case, fn: Callable[..., Any]) -> str:
    """Why `case` fails on `fn`, or "" when it passes."""
    try:
        case.run(fn)
    except CaseFailure as e:
        return str(e)
    except (Exception, _TimeLimit) as e:  # a bug in the check itself: report it, never crash
        return f"the check itself failed ({type(e).__name__}: {_short(e)})"
    return ""


def run_cases(
    name: str,
    fn: Any,
    cases: Sequence[Case],
    verbose: bool = True,
    time_limit: float = 10.0,
) -> CheckResult:
    """Run every case on `fn`, print the report (if verbose) and return it.

    Nothing the learner's function does (return anything, raise anything, loop forever for
    longer than `time_limit` seconds per call) makes this raise.
    """
    result = CheckResult(name, 0, sum(c.points for c in cases))
    if not callable(fn):
        result.messages = [f"expected a function, got a {_type_name(fn)}: pass the function itself"]
    else:
        token = _time_limit_s.set(time_limit)
        try:
            outcomes = [(case, _run_case(case, fn)) for case in cases]
        finally:
            _time_limit_s.reset(token)
        for case, failure in outcomes:
            result.points += 0 if failure else case.points
            result.messages.append(f"✗ {case.label}: {failure}" if failure else f"✓ {case.label}")
        if cases and all(failure == NOT_IMPLEMENTED for _, failure in outcomes):
            result.messages = [NOT_IMPLEMENTED]  # a stub: one line, not one per case
    if verbose:
        print(result.report(), flush=True)
    return result
