"""Plain data between the grader and an untrusted kernel: JSON plus one .npy file per array.

Never pickle: arrays are read with allow_pickle=False after their header is checked, numbers and
strings travel as JSON, anything else as a described stand-in (its type name and a short repr).
This module needs only the standard library and NumPy: the grader sends its text to the kernel.
"""

from __future__ import annotations

import json
import os
import stat
from typing import Any

import numpy as np

LIMIT = 500  # characters of any text that crosses (a repr, an error message)
MAX_JSON = 1 << 20  # bytes of the JSON document
MAX_ARRAY = 64 << 20  # bytes of one array
MAX_ITEMS = 10_000  # values in one JSON document (list items, dict entries)
REAL_KINDS = "biuf"


def clip(text: Any, limit: int = LIMIT) -> str:
    """str(text) cut to `limit` characters, invalid characters replaced."""
    text = str(text)[: limit + 1].encode("utf-8", "replace").decode("utf-8", "replace")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _safe_repr(obj: Any) -> str:
    try:
        return clip(repr(obj))
    except BaseException:  # a learner's __repr__ may raise anything
        return f"<{type(obj).__name__}>"


def encode(value: Any, folder: str, stem: str) -> dict:
    """Write `value` as plain data under `folder` (stem.json, stem.<k>.npy); return the tree."""
    arrays: list[np.ndarray] = []
    count = [0]

    def enc(v: Any, depth: int = 0) -> Any:
        count[0] += 1
        if depth > 20 or count[0] > MAX_ITEMS:
            return {"o": "TooDeep", "m": "builtins", "r": "(too large or too deeply nested)"}
        if v is None or isinstance(v, bool | str) and type(v) in (bool, str):
            return clip(v, 10_000) if isinstance(v, str) else v
        if type(v) is int:
            return {"i": str(v)} if abs(v) < 10**100 else {"f": "inf" if v > 0 else "-inf"}
        if type(v) is float:
            return {"f": repr(v)}
        if isinstance(v, np.generic) and v.dtype.kind in REAL_KINDS:
            return {"g": v.dtype.str, "v": repr(v.item())}
        if isinstance(v, np.ndarray):
            plain = np.asarray(v).view(np.ndarray)  # a subclass arrives as a plain array
            if plain.dtype.kind == "O" or plain.dtype.fields is not None:
                return {"x": plain.dtype.str if plain.dtype.fields is None else "|V",
                        "s": list(plain.shape)}
            arrays.append(plain.copy(order="C"))  # (ascontiguousarray makes 0-d 1-d)
            return {"a": len(arrays) - 1}
        if type(v) in (list, tuple):
            return {"l" if type(v) is list else "t": [enc(x, depth + 1) for x in v]}
        if type(v) is dict:
            return {"d": [[enc(k, depth + 1), enc(x, depth + 1)] for k, x in v.items()]}
        if isinstance(v, np.random.Generator):
            bits = v.bit_generator
            return {"rng": type(bits).__name__, "state": json.dumps(bits.state)}
        kind = type(v)
        return {"o": clip(getattr(kind, "__qualname__", "object"), 100),
                "m": clip(getattr(kind, "__module__", "builtins"), 100), "r": _safe_repr(v),
                "attrs": [a for a in ("detach", "numpy", "shape") if _has(v, a)]}

    tree = enc(value)
    for k, a in enumerate(arrays):
        with _create(os.path.join(folder, f"{stem}.{k}.npy")) as f:
            np.save(f, a, allow_pickle=False)
    with _create(os.path.join(folder, f"{stem}.json")) as f:
        f.write(json.dumps(tree).encode("utf-8"))
    return tree


def _create(path: str) -> Any:
    """A new file, never one that is already there (or a link someone left in its place)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    return os.fdopen(os.open(path, flags, 0o644), "wb")


def _has(v: Any, name: str) -> bool:
    try:
        return hasattr(v, name)
    except BaseException:
        return False


class WireError(Exception):
    """What came back is not plain data within the limits."""


def _open_regular(path: str, limit: int) -> bytes:
    """The bytes of a regular file (not a link, FIFO or folder) of at most `limit` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as e:
        raise WireError(f"could not open {os.path.basename(path)} ({e.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise WireError(f"{os.path.basename(path)} is not a regular file")
        if info.st_size > limit:
            raise WireError(f"{os.path.basename(path)} holds {info.st_size:,} bytes (at most "
                            f"{limit:,})")
        with os.fdopen(os.dup(fd), "rb") as f:
            return f.read(limit + 1)[:limit]
    finally:
        os.close(fd)


def _load_array(path: str) -> np.ndarray:
    import io

    data = _open_regular(path, MAX_ARRAY + 4096)
    buf = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(buf)
        header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                  else np.lib.format.read_array_header_2_0)
        shape, _, dtype = header(buf)
        if dtype.kind not in REAL_KINDS + "c" or dtype.fields is not None:
            raise WireError(f"an array of dtype {dtype} (only numbers cross)")
        if int(np.prod(shape, dtype=np.int64)) * dtype.itemsize > len(data):
            raise WireError("an array header that does not match its data")
        buf.seek(0)
        return np.load(buf, allow_pickle=False)
    except WireError:
        raise
    except Exception as e:
        raise WireError(f"an unreadable array ({type(e).__name__}: {clip(e, 200)})") from None


def _stand_in(name: str, module: str, text: str, attrs: list) -> Any:
    """An object whose type is named like the learner's (so messages read the same)."""
    kind = type(clip(name, 100).split(".")[-1] or "object", (StandIn,),
                {"__module__": clip(module, 100), **{a: None for a in attrs
                                                      if a in ("detach", "numpy")}})
    return kind(clip(text))


class StandIn:
    """Stands for a value that cannot cross as plain data (a tensor, a module, a lambda...)."""

    def __init__(self, text: str) -> None:
        self._text = text

    def __repr__(self) -> str:
        return self._text

    __str__ = __repr__


def decode(folder: str, stem: str) -> Any:
    """Read back what `encode` wrote (or what an untrusted kernel claims it wrote)."""
    try:
        tree = json.loads(_open_regular(os.path.join(folder, f"{stem}.json"), MAX_JSON)
                          .decode("utf-8"), parse_constant=lambda c: None)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise WireError(f"an unreadable answer ({type(e).__name__})") from None
    count = [0]

    def dec(t: Any) -> Any:
        count[0] += 1
        if count[0] > 4 * MAX_ITEMS:
            raise WireError("too many values")
        if t is None or type(t) in (bool, str):
            return clip(t, 10_000) if type(t) is str else t
        if type(t) is not dict or len(t) > 5:
            raise WireError("an unknown value")
        if "i" in t:
            return int(clip(t["i"], 110))
        if "f" in t:
            return float(clip(t["f"], 40))
        if "g" in t:
            dtype = np.dtype(clip(t["g"], 8))
            if dtype.kind not in REAL_KINDS:
                raise WireError("an unknown scalar")
            return dtype.type(float(t["v"]) if dtype.kind == "f" else int(float(t["v"]))
                              if dtype.kind in "iu" else t["v"] == "True")
        if "a" in t:
            return _load_array(os.path.join(folder, f"{stem}.{int(t['a'])}.npy"))
        if "x" in t:
            shape = tuple(int(s) for s in t["s"][:32])
            if int(np.prod(shape, dtype=np.int64)) > 1 << 20:
                shape = (0,)
            return np.empty(shape, dtype=object)  # filled with None: nothing of theirs inside
        if "l" in t or "t" in t:
            items = [dec(x) for x in (t.get("l") or t.get("t") or [])]
            return items if "l" in t else tuple(items)
        if "d" in t:
            out = {}
            for k, v in t["d"]:
                key = dec(k)
                plain = isinstance(key, str | int | float | tuple | bool)
                out[key if plain else repr(key)] = dec(v)
            return out
        if "rng" in t:
            if t["rng"] not in ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"):
                raise WireError("an unknown random generator")
            bits = getattr(np.random, t["rng"])()
            bits.state = json.loads(t["state"])
            return np.random.Generator(bits)
        if "o" in t:
            return _stand_in(str(t["o"]), str(t.get("m", "")), str(t.get("r", "")),
                             list(t.get("attrs", []))[:3])
        raise WireError("an unknown value")

    try:
        return dec(tree)
    except WireError:
        raise
    except Exception as e:  # malformed trees: wrong types, bad numbers
        raise WireError(f"an answer that is not plain data ({type(e).__name__})") from None


# ------------------------------------------------------------------------ the kernel's side


class _Late(BaseException):  # a BaseException, so that `except Exception:` cannot swallow it
    pass


def serve(fn: Any, inbox: str, outbox: str, stem: str, seconds: float) -> None:
    """In the kernel: call fn on the request inbox/stem.in, write the outcome as outbox/stem."""
    import signal

    args, kwargs = decode(inbox, stem + ".in")
    pristine = [a.copy() if isinstance(a, np.ndarray) else a for a in [*args, *kwargs.values()]]
    outcome: dict = {}

    def alarm(signum: int, frame: Any) -> None:
        raise _Late

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        if not callable(fn):
            outcome = {"not_callable": True, "value": None}
        else:
            outcome = {"value": fn(*args, **kwargs)}
    except _Late:
        outcome = {"late": True}
    except BaseException as e:  # everything the learner's code raises is reported
        kind = type(e)
        outcome = {"raised": clip(kind.__name__, 100), "module": clip(kind.__module__, 100),
                   "message": clip(" ".join(_message(e).split())),
                   "not_implemented": isinstance(e, NotImplementedError)}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if "value" in outcome:
        used = [*args, *kwargs.values()]
        outcome["changed"] = any(
            isinstance(p, np.ndarray) and not (isinstance(u, np.ndarray) and u.shape == p.shape
                                               and np.array_equal(u, p, equal_nan=True))
            for p, u in zip(pristine, used, strict=False))
    try:
        encode(outcome, outbox, stem)
    except BaseException as e:  # an answer that cannot even be described
        for name in os.listdir(outbox):
            if name.startswith(stem + "."):
                os.remove(os.path.join(outbox, name))
        encode({"unsendable": clip(f"{type(e).__name__}: {_message(e)}")}, outbox, stem)


def describe(value: Any, outbox: str, stem: str) -> None:
    """In the kernel: whether a name is defined and callable, and its type's name."""
    kind = type(value)
    encode({"defined": value is not MISSING, "callable": callable(value),
            "type": clip(kind.__qualname__, 100), "module": clip(kind.__module__, 100)},
           outbox, stem)


MISSING = object()


def _message(e: BaseException) -> str:
    try:
        return str(e)[: LIMIT * 4]
    except BaseException:
        return "(its message could not be shown)"
