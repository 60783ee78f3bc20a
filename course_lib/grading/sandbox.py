"""Start a learner's kernel where it cannot reach the grader: limits, isolation, a hard kill.

The kernel sees the course library without its grading and authoring code, a scratch folder
holding a copy of the notebook, and nothing it can write elsewhere. Protection, best first:
"bubblewrap" (Debian's `bwrap`: read-only root, the course sources and submissions hidden, own
PID namespace), then "separate user" (when the grader runs as root), then "limits only".
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]  # the course_lib folder the grader runs from
HIDDEN_PARTS = ("grading", "authoring")
KERNEL_GRADING = '''"""In a graded kernel the checks run in the grader, outside this kernel."""


def check(name, fn):
    print(f"{name}: checked by the grader, outside this kernel")


def run_check(name, fn, *args, **kwargs):
    check(name, fn)
'''
NOBODY_BASE = 61000  # uids a root grader gives its kernels, one per grading process


@dataclass
class Limits:
    memory_bytes: int = 6 << 30  # address space of each kernel process
    processes: int = 256  # processes and threads beyond those its user already has
    cpu_seconds: int = 600  # CPU time of the kernel process


def bwrap_usable() -> bool:
    """True when bubblewrap is installed and can create a sandbox here."""
    exe = shutil.which("bwrap")
    if not exe:
        return False
    try:
        return subprocess.run([exe, "--ro-bind", "/", "/", "--unshare-pid", "--die-with-parent",
                               "true"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def library_copy(root: Path) -> Path:
    """A copy of course_lib under `root`, without grading and authoring; its folder for
    PYTHONPATH. The grading package is replaced by one whose check() only says so."""
    ignore = shutil.ignore_patterns(*HIDDEN_PARTS)  # bytecode too: the kernel may not write it
    target = root / "lib" / "course_lib"
    shutil.copytree(PACKAGE, target, ignore=ignore)
    (target / "grading").mkdir()
    (target / "grading" / "__init__.py").write_text(KERNEL_GRADING, encoding="utf-8")
    return target.parent


@dataclass
class Sandbox:
    """Where and how kernels run: made once per grading process, reused for each notebook."""

    limits: Limits = field(default_factory=Limits)
    protection: str = ""
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="course-grade-")))
    hide: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lib = library_copy(self.root)
        root = os.name == "posix" and os.geteuid() == 0
        bwrap = self.protection in ("", "bubblewrap") and bwrap_usable()
        self.uid = NOBODY_BASE + os.getpid() % 4000 if root and not bwrap else None
        if self.uid is not None and not self._user_can_run_python():
            self.uid = None  # Python sits where another user cannot read (e.g. under /root)
        if not self.protection:
            self.protection = ("bubblewrap" if bwrap else
                               "separate user" if self.uid is not None else "limits only")
        for path in [self.root, *self.root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)

    def _user_can_run_python(self) -> bool:
        def drop() -> None:
            os.setgroups([])
            os.setgid(self.uid)
            os.setuid(self.uid)

        try:
            return subprocess.run([sys.executable, "-c", "import numpy"], preexec_fn=drop,
                                  capture_output=True, timeout=60, cwd="/").returncode == 0
        except (OSError, subprocess.SubprocessError):
            return False

    def scratch(self) -> Path:
        """A fresh folder the kernel may write: its working directory and the exchange."""
        folder = Path(tempfile.mkdtemp(prefix="kernel-", dir=self.root))
        if self.uid is not None:
            os.chown(folder, self.uid, self.uid)
        return folder

    def env(self, scratch: Path) -> dict[str, str]:
        keep = ("PATH", "LANG", "LC_ALL", "COURSE_DATA_DIR", "COURSE_PROFILE", "TZ")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        env.update(PYTHONPATH=str(self.lib), HOME=str(scratch), IPYTHONDIR=str(scratch / ".ipy"),
                   JUPYTER_RUNTIME_DIR=str(scratch / ".rt"), MPLBACKEND="Agg",
                   MPLCONFIGDIR=str(scratch / ".mpl"), OMP_NUM_THREADS="1",
                   PYTHONDONTWRITEBYTECODE="1", PYDEVD_DISABLE_FILE_VALIDATION="1",
                   COURSE_GRADED_KERNEL=scratch.name)
        return env

    def command(self, argv: list[str], scratch: Path, readable: tuple[Path, ...] = ()
                ) -> list[str]:
        """`argv` wrapped in bubblewrap when that is the protection."""
        if self.protection != "bubblewrap":
            return argv
        cmd = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
               "--tmpfs", "/tmp", "--unshare-pid", "--unshare-ipc", "--die-with-parent",
               "--new-session"]
        needed = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix)}
        for hidden in self._hidden():
            cmd += ["--tmpfs", str(hidden)]
            for prefix in needed:  # Python and the virtual environment stay visible
                if prefix.is_relative_to(hidden):
                    cmd += ["--ro-bind", str(prefix), str(prefix)]
        for path in (self.lib, *readable):
            cmd += ["--ro-bind", str(path), str(path)]
        cmd += ["--bind", str(scratch), str(scratch), "--chdir", str(scratch)]
        return cmd + ["--", *argv]

    def _hidden(self) -> list[Path]:
        """Folders the kernel must not see: the course sources (or the installed grading
        package), the submissions' folders, the gradebook, the home folder."""
        source = PACKAGE.parent
        found = [source] if source.name not in ("site-packages", "dist-packages") else [
            PACKAGE / part for part in HIDDEN_PARTS]
        found += [Path.home(), *self.hide]
        out: list[Path] = []
        for p in sorted({p.resolve() for p in found if p.exists()}, key=lambda p: len(p.parts)):
            if p != Path("/") and not any(p.is_relative_to(q) for q in out) \
                    and not self.root.is_relative_to(p) and not Path(sys.prefix).resolve() == p:
                out.append(p)
        return out

    def preexec(self) -> None:
        """In the child, before exec: own process group, limits, and the kernel's own user."""
        import resource

        os.setpgid(0, 0)
        if self.uid is not None:
            os.setgroups([])
            os.setgid(self.uid)
            os.setuid(self.uid)
        nproc = self.limits.processes + (_count_processes(os.getuid()))
        for kind, value in (("RLIMIT_AS", self.limits.memory_bytes),
                            ("RLIMIT_CPU", self.limits.cpu_seconds), ("RLIMIT_CORE", 0),
                            ("RLIMIT_NPROC", nproc)):
            try:  # a limit this system does not have (macOS and RLIMIT_AS) is left as it is
                resource.setrlimit(getattr(resource, kind), (value, value))
            except (AttributeError, ValueError, OSError):
                pass

    def start(self, argv: list[str], scratch: Path, readable: tuple[Path, ...] = ()
              ) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(argv, scratch, readable), cwd=scratch, env=self.env(scratch),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(scratch.parent / f"{scratch.name}.log", "wb"),  # noqa: SIM115
            preexec_fn=self.preexec if os.name == "posix" else None, close_fds=True)

    def kill(self, proc: subprocess.Popen, scratch: Path) -> None:
        """SIGKILL the kernel's process group, then any process left with its marker or user."""
        try:
            if os.name == "posix":
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
        except (ProcessLookupError, PermissionError, OSError):
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        for _ in range(3):
            stray = [pid for pid in _pids() if self._belongs(pid, scratch)]
            for pid in stray:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            if not stray:
                break
            time.sleep(0.2)

    def _belongs(self, pid: int, scratch: Path) -> bool:
        if pid == os.getpid():
            return False
        try:
            if self.uid is not None and os.stat(f"/proc/{pid}").st_uid == self.uid:
                return True
            marker = f"COURSE_GRADED_KERNEL={scratch.name}".encode()
            return marker in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            return False

    def leftovers(self, scratch: Path) -> list[int]:
        """Processes still running from the kernel of `scratch` (none after `kill`)."""
        return [pid for pid in _pids() if self._belongs(pid, scratch)]

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def _pids() -> list[int]:
    try:
        return [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return []


def _count_processes(uid: int) -> int:
    """Threads and processes already running as `uid` (RLIMIT_NPROC counts them all)."""
    total = 0
    for pid in _pids():
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                total += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return total
