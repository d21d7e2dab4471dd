"""Workers of a killed sweep stop: no run finishes after ``cspsim-run -m`` was killed.

Joblib's workers (loky processes) are children of the ``cspsim-run -m`` process. When that
process was killed (SIGKILL, SIGTERM, a lost login session) its workers used to run their
current and queued runs to the end. Two guards:

* in each worker, :func:`watch_sweep` (started when the worker imports ``cspsim.cli.run``,
  i.e. with its first run) is a daemon thread that checks twice a second whether its parent
  is still the sweep's process and ends the worker at once when it is not (SIGKILL of the
  sweep included);
* in the sweep's process, :func:`stop_workers_on_signals` makes SIGTERM and SIGHUP (and
  Ctrl-C, through :func:`kill_descendants`) kill the sweep's child processes before it exits.

A killed run stays ``running`` in its ``run.json`` with a lock whose process is gone: the
same command started again takes the directory over and runs it again
(:mod:`cspsim.output.lock`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

#: Seconds between two checks of the parent process.
POLL_S = 0.5
#: Exit status of a worker ended because its sweep was killed.
EXIT_ORPHANED = 75


def _watch(sweep_pid: int, poll_s: float) -> None:
    while True:
        time.sleep(poll_s)
        if os.getppid() != sweep_pid:  # re-parented: the sweep's process died
            os._exit(EXIT_ORPHANED)


_STARTED: set[int] = set()


def watch_sweep(sweep_pid: str | int | None, poll_s: float = POLL_S) -> bool:
    """Start watching the sweep's process, if this process is one of its direct workers.

    Runs in the sweep process itself (the basic launcher) and in processes that are not its
    children (SLURM or submitit tasks, stopped by their own scheduler) are not watched.

    Args:
        sweep_pid: Process id of the ``cspsim-run -m`` process (``CSPSIM_SWEEP_PID``).
        poll_s: Seconds between checks.

    Returns:
        Whether a watcher runs in this process (started now or before).
    """
    if not sweep_pid:
        return False
    pid = int(sweep_pid)
    if os.getpid() == pid or os.getppid() != pid:
        return False
    if os.getpid() not in _STARTED:  # one watcher per worker process (a worker runs many)
        _STARTED.add(os.getpid())
        threading.Thread(
            target=_watch, args=(pid, poll_s), name="cspsim-watchdog", daemon=True
        ).start()
    return True


def descendants(pid: int) -> list[int]:
    """Process ids of every descendant of ``pid`` (Linux ``/proc``; empty elsewhere)."""
    out: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                kids = [int(k) for k in (task / "children").read_text().split()]
                out.extend(kids)
                todo.extend(kids)
    return out


def kill_descendants(sig: int = signal.SIGKILL) -> list[int]:
    """Send ``sig`` to every descendant of this process (its sweep workers); their pids."""
    pids = descendants(os.getpid())
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)
    return pids


def stop_workers_on_signals() -> None:
    """SIGTERM or SIGHUP to the sweep's process kill its workers, then the process itself."""

    def handler(signum: int, frame: Any) -> None:
        kill_descendants()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):  # not in the main thread
            signal.signal(sig, handler)
