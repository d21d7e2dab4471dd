"""One writer per run directory: an atomic lock file with stale-lock detection.

``<run dir>/.cspsim.lock`` is created with ``O_CREAT | O_EXCL`` (atomic, also on NFS v3+),
so of two writers only one gets it; it holds the writer's pid, host, a random token and
its start time. The holder refreshes the file's modification time every
:data:`HEARTBEAT_S` seconds. A lock is stale, and is broken by the next writer, when

* its writer ran on this host and its process is gone (killed, crashed), or
* its writer ran on another host and the heartbeat stopped :data:`STALE_S` seconds ago.

Breaking a stale lock goes through a short second lock (``.cspsim.lock.break``), so two
writers that found the same stale lock cannot both take the directory. The token names
the writer's temporary files (``<table>.parquet.<token>.tmp``), so a writer never touches
another's files.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Any

from cspsim.errors import RunDirError

LOCK = ".cspsim.lock"
#: Seconds between the holder's refreshes of the lock's modification time.
HEARTBEAT_S = 30.0
#: Seconds without a heartbeat after which a lock taken on another host is stale.
STALE_S = 300.0
#: Seconds after which an unreadable (half-written) lock or a left-over break lock is stale.
UNREADABLE_STALE_S = 30.0


class RunDirBusy(RunDirError):
    """Another live writer holds the run directory."""


def _host() -> str:
    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    """Whether a process with ``pid`` exists on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def read_lock(path: Path) -> dict[str, Any] | None:
    """The lock's content, or None when it is missing or unreadable."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def lock_is_stale(path: Path, now: float | None = None) -> bool:
    """Whether the lock at ``path`` belongs to a writer that is gone (see the module doc)."""
    now = time.time() if now is None else now
    try:
        age = now - path.stat().st_mtime
    except FileNotFoundError:
        return True
    info = read_lock(path)
    if info is None:
        return age > UNREADABLE_STALE_S
    if info.get("host") == _host():
        return not pid_alive(int(info.get("pid", -1)))
    return age > STALE_S


def _create(path: Path, info: dict[str, Any]) -> bool:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(info))
    return True


def _break_stale(path: Path) -> None:
    """Remove ``path`` if it is (still) stale, under the short break lock."""
    guard = path.with_name(path.name + ".break")
    if guard.exists() and time.time() - guard.stat().st_mtime > UNREADABLE_STALE_S:
        guard.unlink(missing_ok=True)  # left by a writer killed while breaking a lock
    if not _create(guard, {"pid": os.getpid(), "host": _host()}):
        return
    try:
        if lock_is_stale(path):
            path.unlink(missing_ok=True)
    finally:
        guard.unlink(missing_ok=True)


class RunLock:
    """The lock of one run directory, held by this process (a context manager).

    Args:
        run_dir: The run directory (created if missing).

    Raises:
        RunDirBusy: A live writer holds the directory (its pid and host named).
    """

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / LOCK
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.previous: dict[str, Any] | None = None  # the stale lock this writer broke
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._acquire()

    def _acquire(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        info = {
            "pid": os.getpid(),
            "host": _host(),
            "token": self.token,
            "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        for _ in range(3):
            if _create(self.path, info):
                self._start_heartbeat()
                return
            holder = read_lock(self.path)
            if not lock_is_stale(self.path):
                who = f"pid {holder.get('pid')} on {holder.get('host')}" if holder else "?"
                raise RunDirBusy(
                    f"{self.run_dir}: another cspsim run is writing here ({who}, since "
                    f"{(holder or {}).get('started', '?')}); wait for it, or remove "
                    f"{self.path} if that process is gone"
                )
            self.previous = holder
            _break_stale(self.path)
        raise RunDirBusy(f"{self.run_dir}: could not take the lock {self.path}")

    def _start_heartbeat(self) -> None:
        def beat() -> None:
            while not self._stop.wait(HEARTBEAT_S):
                with contextlib.suppress(OSError):
                    os.utime(self.path)

        self._thread = threading.Thread(target=beat, name="cspsim-lock", daemon=True)
        self._thread.start()

    def tmp(self, name: str) -> Path:
        """A temporary file name in the run directory that only this writer uses."""
        return self.run_dir / f"{name}.{self.token}.tmp"

    def stale_tmp_files(self) -> list[Path]:
        """Temporary files of the writer whose stale lock this one broke (safe to remove)."""
        token = (self.previous or {}).get("token")
        return sorted(self.run_dir.glob(f"*.{token}.tmp")) if token else []

    def held(self) -> bool:
        """Whether the lock file is still this writer's."""
        info = read_lock(self.path)
        return bool(info) and info.get("token") == self.token

    def release(self) -> None:
        """Stop the heartbeat and remove the lock (only if it is still this writer's)."""
        self._stop.set()
        if self.held():
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def holder(run_dir: Path) -> dict[str, Any] | None:
    """The live writer of a run directory (its lock's content), or None."""
    path = Path(run_dir) / LOCK
    if not path.exists() or lock_is_stale(path):
        return None
    return read_lock(path) or {}
