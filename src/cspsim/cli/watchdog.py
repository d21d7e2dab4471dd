"""Workers of a killed sweep stop: a joblib worker exits as soon as its sweep process is gone.

Joblib's workers (loky processes) are children of the ``cspsim-run -m`` process. When that
process is killed (SIGKILL, SIGTERM, a lost login session) its workers would otherwise run
their current and queued runs to the end, finishing runs after the kill. Each worker's run
starts :func:`watch_sweep`, a daemon thread that checks twice a second whether its parent is
still the sweep's process and ends the worker at once when it is not. The killed run stays
``running`` in its ``run.json`` with a lock whose process is gone: the next run of the same
command takes the directory over and runs it again (``cspsim.output.lock``).
"""

from __future__ import annotations

import os
import threading
import time

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
