"""Downloads that misbehave: a server on 127.0.0.1 trickling bytes (cut off by a short deadline,
then skipped for the rest of the run), and partial files left by a killed download."""

from __future__ import annotations

import fcntl
import hashlib
import http.server
import shutil
import threading
import time

import pytest

from course_lib.data import DatasetSpec, FileSpec, download, locate, store

T10K_LABELS = "t10k-labels-idx1-ubyte.gz"


@pytest.fixture
def dirs(empty_data_dirs, monkeypatch):
    """Empty COURSE_DATA_DIR and cache, downloads on, short deadlines."""
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    monkeypatch.setattr(download, "STALL_SECONDS", 0.5)
    monkeypatch.setattr(download, "MIN_RATE", 10_000)
    return empty_data_dirs


@pytest.fixture
def server():
    """A local HTTP server: /good/NAME serves `files[NAME]`, /slow/ trickles a body one byte per
    0.1 s, /slowhead/ trickles the status line. `hits` counts requests per first path part."""
    files: dict[str, bytes] = {}
    hits: dict[str, int] = {}
    stop = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            kind, name = self.path.strip("/").split("/", 1)
            hits[kind] = hits.get(kind, 0) + 1
            if kind == "good":
                body = files[name]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if kind == "slow":
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                trickle = b"x" * 1000
            else:
                trickle = b"HTTP/1.1 200 OK\r\n" * 100
            try:
                for byte in trickle:
                    if stop.wait(0.1):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
            except OSError:
                return  # the client hung up, as it should

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    yield base, files, hits
    stop.set()
    httpd.shutdown()
    httpd.server_close()


def _timed(fn, limit: float = 8.0):
    """Run fn() in a thread; fail (instead of hanging) if it takes longer than `limit` seconds."""
    result: dict = {}

    def run():
        try:
            result["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            result["error"] = e

    start = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"still waiting after {limit} s"
    return result, time.monotonic() - start


@pytest.mark.parametrize("kind", ["slow", "slowhead"])
def test_trickling_server_is_cut_off(dirs, server, tmp_path, kind):
    base, _, _ = server
    result, elapsed = _timed(lambda: download.fetch_url(f"{base}{kind}/x.bin", tmp_path / "x"))
    assert isinstance(result.get("error"), TimeoutError), result
    assert "stalled" in str(result["error"]) and f"{base}{kind}/x.bin" in str(result["error"])
    assert elapsed < 3


def test_stalled_mirror_is_skipped_for_the_rest_of_the_run(dirs, server):
    base, files, hits = server
    files.update({"a.txt": b"alpha", "b.txt": b"beta"})
    spec = DatasetSpec(
        name="toy", title="Toy", homepage="https://example.org",
        files=tuple(FileSpec(n, sha256=hashlib.sha256(c).hexdigest()) for n, c in files.items()),
        mirrors=(f"{base}slow/", f"{base}good/"),
    )
    result, elapsed = _timed(lambda: (locate(spec, ["a.txt"]), locate(spec, ["b.txt"])))
    assert "error" not in result, result.get("error")
    assert result["value"][1]["b.txt"].read_bytes() == b"beta"
    assert hits == {"slow": 1, "good": 2}  # the stalled mirror was not asked for b.txt
    assert elapsed < 4


def test_stale_partial_files_are_cleaned_on_the_next_attempt(data_dir, dirs, monkeypatch):
    _, cache = dirs
    folder = cache / "mnist"
    folder.mkdir(parents=True)
    stale = folder / f".{T10K_LABELS}.k1ll3d.part"  # left by a download killed with SIGKILL
    stale.write_bytes(b"half a file")
    (folder / f"{stale.name}.d").mkdir()  # and its half-extracted archive folder
    live = folder / f".{T10K_LABELS}.l1ve00.part"  # another process is downloading right now
    live.write_bytes(b"in progress")
    holder = open(live, "rb")  # noqa: SIM115 - the lock a live download holds
    fcntl.flock(holder, fcntl.LOCK_EX)

    def fetch(url, dest, desc=None):
        shutil.copyfile(data_dir / "mnist" / T10K_LABELS, dest)

    monkeypatch.setattr(store, "fetch_url", fetch)
    try:
        locate("mnist", [T10K_LABELS])
    finally:
        holder.close()
    assert sorted(p.name for p in folder.iterdir()) == sorted([T10K_LABELS, live.name])
