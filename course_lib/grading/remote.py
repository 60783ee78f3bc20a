"""The learner's kernel as an untrusted function server, driven from the grader's process.

`Kernel` starts a sandboxed IPython kernel, runs cells with deadlines and is killed as a whole at
a hard wall-clock deadline; `RemoteFunction` calls a function defined in it on plain data
(`wire`), so the checks, their cases and expected answers never enter the kernel.
"""

from __future__ import annotations

import builtins
import os
import queue
import secrets
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import wire
from .core import CallFailed, InputChanged, Remote, _TimeLimit
from .sandbox import Sandbox

START_TIMEOUT = 60  # seconds a kernel may take to start
INTERRUPT_GRACE = 15  # seconds a cell gets to stop after an interrupt before the kernel is killed
# (a C-level call, such as importing torch on a busy machine, only sees the interrupt on return)


@dataclass
class Outcome:
    status: str  # "ok", "error", "timeout" (stopped), "dead"
    error: str = ""  # "ZeroDivisionError: division by zero", bounded


def death(code: int | None) -> str:
    """How a process ended, in words: 'was killed by signal SIGKILL' or 'exited with status 3'."""
    if code is None:
        return "stopped responding"
    if code < 0:
        try:
            return f"was killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    if code > 128:  # a shell or bubblewrap reports a child killed by signal N as 128 + N
        try:
            return f"was killed by signal {signal.Signals(code - 128).name} (exit status {code})"
        except ValueError:
            pass
    return f"exited with status {code}"


class Kernel:
    """A sandboxed kernel with a hard deadline (seconds from its start)."""

    def __init__(self, sandbox: Sandbox, deadline: float, notebook: Path | None = None) -> None:
        from jupyter_client.blocking import BlockingKernelClient
        from jupyter_client.connect import write_connection_file

        self.sandbox, self.dead, self.why = sandbox, False, ""
        self.scratch = sandbox.scratch()
        self.inbox = sandbox.root / f"in-{secrets.token_hex(8)}"  # the grader writes, it reads
        self.inbox.mkdir(mode=0o755)
        self.outbox = self.scratch / "out"
        self.outbox.mkdir()
        if sandbox.uid is not None:
            os.chown(self.outbox, sandbox.uid, sandbox.uid)
        if notebook is not None:
            copy = self.scratch / notebook.name
            copy.write_bytes(notebook.read_bytes())
            if sandbox.uid is not None:
                os.chown(copy, sandbox.uid, sandbox.uid)
        self.calls = 0
        conn, _ = write_connection_file(str(self.inbox / "connection.json"),
                                        ip="127.0.0.1", key=secrets.token_hex(16).encode())
        os.chmod(conn, 0o644)
        self.start = time.monotonic()
        self.deadline = self.start + deadline
        self.proc = sandbox.start([sys.executable, "-m", "ipykernel_launcher", "-f", conn,
                                   "--HistoryManager.enabled=False", "--Application.log_level=40"],
                                  self.scratch, readable=(self.inbox,))
        self._timer = threading.Timer(deadline, self.kill, args=(f"ran past the deadline of "
                                                                 f"{deadline:g} s",))
        self._timer.daemon = True
        self._timer.start()
        self.client = BlockingKernelClient()
        self.client.load_connection_file(conn)
        self.client.start_channels(hb=False)
        try:
            self.client.wait_for_ready(timeout=min(START_TIMEOUT, deadline))
        except RuntimeError as e:
            self.kill(f"did not start ({wire.clip(e, 200)})")
        self._wire: str | None = None
        self._probes: str | None = None

    # ------------------------------------------------------------------------- life and death

    def alive(self) -> bool:
        if not self.dead and self.proc.poll() is not None:
            self.dead, self.why = True, death(self.proc.returncode)
        return not self.dead

    def kill(self, why: str) -> None:
        """Kill the kernel and everything it started; `why` goes into the report."""
        if not self.dead:
            self.dead, self.why = True, why
        self.sandbox.kill(self.proc, self.scratch)

    def close(self) -> list[int]:
        """Stop the kernel for good; the processes it left running (none, normally)."""
        self._timer.cancel()
        try:
            self.client.stop_channels()
        except Exception:
            pass
        self.kill(self.why or "finished")
        left = self.sandbox.leftovers(self.scratch)
        import shutil

        shutil.rmtree(self.scratch, ignore_errors=True)
        shutil.rmtree(self.inbox, ignore_errors=True)
        return left

    def left_s(self) -> float:
        return self.deadline - time.monotonic()

    # ---------------------------------------------------------------------------- running code

    def execute(self, code: str, timeout: float) -> Outcome:
        """Run `code`; wait at most `timeout` s (and never past the deadline), then interrupt,
        and kill the kernel when the interrupt does not stop it."""
        if not self.alive():
            return Outcome("dead", self.why)
        msg_id = self.client.execute(code, store_history=False, allow_stdin=False,
                                     stop_on_error=False)
        end = time.monotonic() + max(0.0, min(timeout, self.left_s()))
        error, interrupted = "", None
        while True:
            now = time.monotonic()
            if not self.alive():
                return Outcome("dead", self.why)
            if interrupted is None and now >= end:
                interrupted = now
                self._interrupt()
            if interrupted is not None and now >= interrupted + INTERRUPT_GRACE:
                self.kill(f"did not stop {INTERRUPT_GRACE} s after an interrupt, so it was "
                          "killed")
                return Outcome("dead", self.why)
            try:
                msg = self.client.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                continue
            except Exception as e:  # a message that cannot be read: the kernel is not trusted
                self.kill(f"sent an unreadable message ({type(e).__name__})")
                return Outcome("dead", self.why)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg.get("msg_type"), msg.get("content", {})
            if kind == "error" and not error:
                error = wire.clip(f"{content.get('ename')}: {content.get('evalue')}")
            elif kind == "status" and content.get("execution_state") == "idle":
                if interrupted is not None:
                    return Outcome("timeout", error)
                return Outcome("error" if error else "ok", error)

    def _interrupt(self) -> None:
        try:
            self.client.control_channel.send(self.client.session.msg("interrupt_request", {}))
        except Exception:
            pass

    # ------------------------------------------------------------------------- function calls

    def _define(self, module: Any, label: str) -> str:
        """Run `module`'s source in the kernel, in a namespace of its own; that namespace's
        name. The kernel may change it afterwards: it only changes what the kernel answers."""
        name = f"_course_{label}_{secrets.token_hex(4)}"
        source = Path(module.__file__).read_text(encoding="utf-8")
        code = f"{name} = {{'__name__': 'course_{label}'}}\nexec({source!r}, {name})"
        outcome = self.execute(code, 60)
        if outcome.status != "ok":
            raise CallFailed(f"the grader could not talk to the kernel: the kernel "
                             f"{outcome.error or self.why}")
        return name

    def _server(self) -> str:
        """The wire module's namespace in the kernel, defined on first use."""
        if self._wire is None:
            self._wire = self._define(wire, "wire")
        return self._wire

    def _probe_module(self) -> str:
        """The probes module's namespace in the kernel, defined on first use."""
        if self._probes is None:
            from . import probes

            self._probes = self._define(probes, "probes")
        return self._probes

    def _exchange(self, code: str, seconds: float, stem: str) -> Any:
        outcome = self.execute(code, seconds)
        if outcome.status == "dead":
            raise CallFailed(f"the kernel {self.why}; nothing more could be checked")
        if outcome.status == "timeout":
            raise _TimeLimit
        if outcome.status == "error":
            raise CallFailed(f"the call failed in the kernel ({outcome.error})")
        try:
            return wire.decode(str(self.outbox), stem)
        except wire.WireError as e:
            raise CallFailed(f"the answer could not be read: {e}") from None

    def lookup(self, name: str) -> dict:
        """What `name` is in the notebook: {"defined", "callable", "type", "module"}."""
        server, stem = self._server(), self._stem()
        info = self._exchange(f"{server}['describe'](globals().get({name!r}, {server}['MISSING']),"
                              f" {str(self.outbox)!r}, {stem!r})", 30, stem)
        return info if isinstance(info, dict) else {}

    def call(self, name: str, args: tuple, kwargs: dict, seconds: float,
             probe: str | None = None) -> Any:
        server, stem = self._server(), self._stem()
        target = f"globals().get({name!r})"
        if probe is not None:
            target = (f"__import__('functools').partial({self._probe_module()}[{probe!r}], "
                      f"{target})")
        wire.encode((list(args), dict(kwargs)), str(self.inbox), stem + ".in")
        code = (f"{server}['serve']({target}, {str(self.inbox)!r}, "
                f"{str(self.outbox)!r}, {stem!r}, {float(seconds)!r})")
        outcome = self._exchange(code, seconds + 10, stem)
        if not isinstance(outcome, dict):
            raise CallFailed("the kernel answered something that is not an outcome")
        if outcome.get("late"):
            raise _TimeLimit
        if "unsendable" in outcome:
            raise CallFailed(f"returned something that cannot be checked "
                             f"({wire.clip(outcome['unsendable'], 200)})")
        if "raised" in outcome:
            raise _proxy(str(outcome["raised"]), bool(outcome.get("not_implemented")),
                         str(outcome.get("message", "")))
        if outcome.get("changed"):
            raise InputChanged
        return outcome.get("value")

    def _stem(self) -> str:
        self.calls += 1
        return f"c{self.calls}-{secrets.token_hex(4)}"


class RemoteFunction(Remote):
    """The learner's function `name`, called in their kernel on plain data."""

    def __init__(self, kernel: Kernel, name: str, probe: str | None = None) -> None:
        self.kernel, self.name, self._probe = kernel, name, probe

    def invoke(self, args: tuple, kwargs: dict, seconds: float) -> Any:
        return self.kernel.call(self.name, args, kwargs, seconds, self._probe)

    def probe(self, name: str) -> RemoteFunction:
        return RemoteFunction(self.kernel, self.name, name)


def _proxy(name: str, not_implemented: bool, message: str) -> Exception:
    """An exception named like the learner's (a subclass of the builtin of that name, so that
    `except ValueError` in a check still works), carrying their bounded message."""
    name = wire.clip(name, 100)
    base = NotImplementedError if not_implemented else getattr(builtins, name, Exception)
    if not (isinstance(base, type) and issubclass(base, Exception)):
        base = Exception
    try:
        kind = type(name, (base,), {"__str__": lambda self: self.args[0] if self.args else ""})
        return kind(wire.clip(message))
    except TypeError:
        return type(name, (Exception,), {})(wire.clip(message))
