"""Downloading one file with a deadline, and the locks that keep concurrent processes apart.

A download that stalls (less than `MIN_RATE` bytes/s on average after `STALL_SECONDS`, including a
server that trickles its headers) is cut off with `StalledDownload`. Partial files (`.part`) are
locked while in use, so the next attempt can delete those a killed download left behind.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import posixpath
import shutil
import socket
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; stale partial files are recognised by age
    fcntl = None

__all__ = [
    "MIN_RATE",
    "STALL_SECONDS",
    "StalledDownload",
    "clean_stale_parts",
    "fetch_url",
    "locked_folder",
    "partial_file",
]

STALL_SECONDS = 30.0  # no connection, header or byte for this long: the server stalled
MIN_RATE = 20_000  # bytes/s: a slower average, once STALL_SECONDS have passed, is a stall too
_STALE_AGE = 24 * 3600  # without locks: a partial file untouched this long is left over


class StalledDownload(TimeoutError):
    """The server sent too little, too slowly: the download was cut off."""


class _Watchdog:
    """Shuts the connection's sockets down once the download falls behind MIN_RATE."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.received = 0
        self.sockets: list[socket.socket] = []
        self.reason: str | None = None
        self._done = threading.Event()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        while not self._done.wait(min(0.1, STALL_SECONDS / 5)):
            elapsed = time.monotonic() - self.start
            if elapsed > STALL_SECONDS and self.received < MIN_RATE * elapsed:
                self.reason = (
                    f"stalled: {self.received:,} bytes in {elapsed:.1f} s, less than the "
                    f"{MIN_RATE / 1000:g} kB/s required"
                )
                for s in self.sockets:
                    with contextlib.suppress(OSError):
                        s.shutdown(socket.SHUT_RDWR)
                return

    def stop(self) -> None:
        self._done.set()


def _opener(watch: _Watchdog) -> urllib.request.OpenerDirector:
    """A urllib opener whose HTTP(S) connections hand their sockets to `watch`."""

    class HTTP(http.client.HTTPConnection):
        def connect(self) -> None:
            super().connect()
            watch.sockets.append(self.sock)

    class HTTPS(http.client.HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            watch.sockets.append(self.sock)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(HTTP, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(HTTPS, req, context=self._context)

    return urllib.request.build_opener(HTTPHandler, HTTPSHandler)


def fetch_url(url: str, dest: Path, desc: str | None = None) -> None:
    """Download `url` into the file `dest`, with a progress bar; StalledDownload if it stalls.

    Tests replace this function (as `store.fetch_url`).
    """
    from tqdm.auto import tqdm  # imported here: importing course_lib.data stays light

    watch = _Watchdog()
    request = urllib.request.Request(url, headers={"User-Agent": "course_lib"})
    try:
        with (
            _opener(watch).open(request, timeout=STALL_SECONDS) as response,
            open(dest, "wb") as out,
        ):
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(
                total=total,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=desc or posixpath.basename(url),
            ) as bar:
                # read1: whatever has arrived (read(n) would wait for all n bytes of a trickle).
                while chunk := response.read1(1 << 20):
                    out.write(chunk)
                    watch.received += len(chunk)
                    bar.update(len(chunk))
    except (OSError, http.client.HTTPException):
        if watch.reason is None:
            raise
    finally:
        watch.stop()
    if watch.reason is not None:  # the watchdog cut the connection: whatever arrived is partial
        raise StalledDownload(f"{url}: {watch.reason}") from None
    if total is not None and watch.received != total:
        raise OSError(f"{url}: the connection closed after {watch.received:,} of {total:,} bytes")


@contextlib.contextmanager
def partial_file(dest: Path) -> Iterator[Path]:
    """A new, locked `.<name>.XXXX.part` beside `dest` (and its `.d` work folder), removed after."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    part = Path(name)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released when fd closes, even on SIGKILL
        yield part
    finally:
        part.unlink(missing_ok=True)
        shutil.rmtree(f"{part}.d", ignore_errors=True)
        os.close(fd)


def clean_stale_parts(folder: Path) -> list[Path]:
    """Delete the partial files (and work folders) in `folder` that no live download holds."""
    removed = []
    for part in folder.glob(".*.part"):
        try:
            fd = os.open(part, os.O_RDONLY)
        except OSError:
            continue
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            elif time.time() - os.fstat(fd).st_mtime < _STALE_AGE:
                continue
            part.unlink(missing_ok=True)
            shutil.rmtree(f"{part}.d", ignore_errors=True)
            removed.append(part)
        except OSError:  # BlockingIOError: a download in progress holds it
            pass
        finally:
            os.close(fd)
    return removed


@contextlib.contextmanager
def locked_folder(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder itself (one writer of its SHA256SUMS at a time)."""
    if fcntl is None:
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
