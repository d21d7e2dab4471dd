"""The batched launcher's work: grouping runs into tasks, submitting, waiting, judging runs.

Kept apart from :mod:`.cspsim_launcher` (which Hydra's plugin scan imports at every start)
so that submitit is imported only when a sweep is launched.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import logging
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hydra.core.singleton import Singleton
from hydra.core.utils import JobReturn, JobStatus, run_job, setup_globals
from hydra.experimental.callback import Callback
from hydra.types import HydraContext
from omegaconf import DictConfig, OmegaConf, open_dict

from cspsim.output import sweep_failures

if TYPE_CHECKING:
    from hydra_plugins.cspsim_launcher.cspsim_launcher import _BatchLauncher

log = logging.getLogger("cspsim")

#: SLURM job states in which a task may still write its result.
LIVE_STATES = frozenset(
    {
        "PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED",
        "REQUEUE_FED", "REQUEUE_HOLD", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED",
        "RESV_DEL_HOLD",
    }
)  # fmt: skip
#: Failures listed at the end of a sweep (the rest are counted).
MAX_LISTED = 50
#: Extra minutes of a task's time limit: Python's start-up and unpickling.
STARTUP_MIN = 5


class RunFailed(RuntimeError):
    """A run that failed (its error, as recorded in its ``run.json`` or by the launcher)."""


# ----- the end of a sweep -------------------------------------------------------------------
class FailureExit(Callback):
    """Lists the sweep's failed runs after the report and exits with status 1.

    Installed first in Hydra's list of callbacks, so it is the last one told that the
    multirun ended (Hydra calls ``on_multirun_end`` in reverse order): the report is written
    before the command exits.

    Args:
        enabled: Exit with status 1 when a run failed (the list is printed either way).
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.failures: list[tuple[str, str]] = []
        self.runs = 0

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Print the failed runs; ``SystemExit(1)`` when there are any.

        Jobs the sweeper could not start never reached this launcher: they are read from
        the sweep's list (:mod:`cspsim.output.sweep_failures`).
        """
        sweep_dir = OmegaConf.select(config, "hydra.sweep.dir")
        not_started = sweep_failures.read(Path(str(sweep_dir)), stage=sweep_failures.START)
        self.runs += len(not_started)
        self.failures += [(f"{e['run']} (cannot start)", e["error"]) for e in not_started]
        if not self.failures:
            return
        lines = [
            f"cspsim: {len(self.failures)} of {self.runs} runs failed in {sweep_dir} "
            "(errors in each run's run.json; the same command reruns them):"
        ]
        lines += [f"  {where}: {_one_line(error)}" for where, error in self.failures[:MAX_LISTED]]
        if len(self.failures) > MAX_LISTED:
            lines.append(f"  ... and {len(self.failures) - MAX_LISTED} more (see the report)")
        print("\n".join(lines), file=sys.stderr, flush=True)
        if self.enabled:
            raise SystemExit(1)


def install_failure_exit(hydra_context: HydraContext, enabled: bool) -> FailureExit:
    """The sweep's :class:`FailureExit`, first in Hydra's callbacks (created once)."""
    callbacks = hydra_context.callbacks.callbacks
    for cb in callbacks:
        if isinstance(cb, FailureExit):
            return cb
    cb = FailureExit(enabled)
    callbacks.insert(0, cb)
    return cb


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ----- grouping -----------------------------------------------------------------------------
def split_runs(runs: Sequence[Any], runs_per_task: int) -> list[list[Any]]:
    """Consecutive, near-equal groups of at most ``runs_per_task`` runs."""
    n = len(runs)
    if n == 0:
        return []
    tasks = math.ceil(n / max(1, runs_per_task))
    base, extra = divmod(n, tasks)
    out, start = [], 0
    for i in range(tasks):
        size = base + (1 if i < extra else 0)
        out.append(list(runs[start : start + size]))
        start += size
    return out


def runs_per_task(launcher: _BatchLauncher, n: int) -> int:
    """Runs per task: the option, or (local, unset) one task per core."""
    value = launcher.params.get("runs_per_task")
    if value is None:
        return max(1, math.ceil(n / (os.cpu_count() or 1)))
    if int(value) < 1:
        raise ValueError(f"hydra.launcher.runs_per_task must be >= 1, got {value}")
    return int(value)


def task_minutes(launcher: _BatchLauncher, largest: int) -> int:
    """Time limit of a task: ``timeout_min``, else its runs' minutes plus start-up."""
    if launcher.params.get("timeout_min"):
        return int(launcher.params["timeout_min"])
    return math.ceil(largest * float(launcher.params.get("minutes_per_run", 3.0))) + STARTUP_MIN


# ----- inside a task ------------------------------------------------------------------------
def run_task(
    launcher: _BatchLauncher, runs: list[tuple[list[str], int]], singleton_state: Any
) -> list[JobReturn]:
    """Run a task's runs one after the other; a failed run never stops the others."""
    Singleton.set_state(singleton_state)
    setup_globals()
    try:
        import submitit

        env = submitit.JobEnvironment()
        job_id, warn_sig = str(env.job_id), env._usr_sig()
    except Exception:  # not under submitit (a direct call)
        job_id, warn_sig = str(os.getpid()), signal.SIGUSR2
    stop: list[str] = []
    with (
        _stop_on(signal.SIGTERM, "the task was cancelled or preempted", stop),
        _stop_on(warn_sig, "the task neared its time limit (raise minutes_per_run)", stop),
    ):
        out = []
        for i, (overrides, idx) in enumerate(runs):
            if stop:  # the current run finished; start no other
                out.append(failed_return(overrides, f"not started: {stop[0]}"))
                continue
            # print: Hydra configures logging only once the first run starts
            print(f"task {job_id}: run {i + 1} of {len(runs)} (job #{idx})", flush=True)
            out.append(_run_one(launcher, overrides, idx, job_id))
            print(f"task {job_id}: run {i + 1} of {len(runs)}: {_outcome(out[-1])}", flush=True)
    return out


@contextlib.contextmanager
def _stop_on(signum: int, why: str, stop: list[str]) -> Iterator[None]:
    """While in the block, ``signum`` lets the current run finish and starts no other.

    SLURM sends SIGTERM on ``scancel``, preemption and at the time limit (then SIGKILL after
    its ``KillWait``), and submitit asks for USR2 ``signal_delay_s`` before the time limit.
    """

    def handler(sig: int, frame: Any) -> None:
        if not stop:
            log.warning("signal %s: %s; no further run starts in this task", sig, why)
            stop.append(why)

    try:
        old = signal.signal(signum, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signum, old)


def _run_one(launcher: _BatchLauncher, overrides: list[str], idx: int, job_id: str) -> JobReturn:
    """One run through Hydra's ``run_job``; its status as the run recorded it."""
    assert launcher.hydra_context is not None and launcher.config is not None
    assert launcher.task_function is not None
    try:
        cfg = launcher.hydra_context.config_loader.load_sweep_config(launcher.config, overrides)
        with open_dict(cfg.hydra.job) as job:
            job.id = f"{job_id}:{idx}"
            job.num = idx
        ret = run_job(
            hydra_context=launcher.hydra_context,
            task_function=launcher.task_function,
            config=cfg,
            job_dir_key="hydra.sweep.dir",
            job_subdir_key="hydra.sweep.subdir",
        )
    except Exception as exc:  # the run could not even start (e.g. a bad override)
        log.exception("run #%d could not start: %s", idx, " ".join(overrides))
        return failed_return(overrides, f"{type(exc).__name__}: {exc}")
    out_dir = str(ret.hydra_cfg.hydra.runtime.output_dir)
    # The submitting side keeps every return (20,000 for a Sobol design) and reads only
    # status, return value and output directory; the run's and Hydra's configs (~20 kB
    # each, pickled) are in the run directory (.hydra/).
    ret.cfg = None
    ret.hydra_cfg = OmegaConf.create({"hydra": {"runtime": {"output_dir": out_dir}}})
    if ret.status == JobStatus.FAILED:  # the task function raised
        ret.return_value = RunFailed(_error_text(ret._return_value))
        return ret
    status, error = read_status(Path(out_dir))
    if status != "complete":
        ret.status = JobStatus.FAILED
        ret.return_value = RunFailed(error or _status_text(status))
    return ret


def _outcome(ret: JobReturn) -> str:
    if ret.status == JobStatus.COMPLETED:
        return "complete"
    return f"failed: {_one_line(str(ret._return_value))}"


def _error_text(exc: Any) -> str:
    return f"{type(exc).__name__}: {exc}" if isinstance(exc, BaseException) else str(exc)


def _status_text(status: str | None) -> str:
    return "no run.json written" if status is None else f"run.json status {status!r}"


def failed_return(overrides: Sequence[str], error: str) -> JobReturn:
    """A ``FAILED`` job return carrying ``error``."""
    ret = JobReturn(overrides=list(overrides), status=JobStatus.FAILED)
    ret.return_value = RunFailed(error)
    return ret


def read_status(run_dir: Path) -> tuple[str | None, str | None]:
    """``status`` and ``error`` of a run directory, checked against its ``run.json``.

    ``complete`` only for a run whose tables match their recorded SHA-256 and whose inputs
    and model are current (or a stale run a resume kept with ``reuse_stale``); a damaged
    or stale run is ``damaged``/``stale`` with the reason as its error
    (:func:`cspsim.output.integrity.inspect_run`). (None, None) when there is no run.json.
    """
    from cspsim.output.integrity import inspect_run

    state = inspect_run(Path(run_dir))
    if state.status == "missing":
        return None, None
    if state.status in ("running", "incomplete"):
        return "running", None
    if state.status == "stale" and state.reused_stale:
        return "complete", None
    if state.status == "complete":
        return "complete", None
    return state.status, state.reason or None


# ----- the submitting side ------------------------------------------------------------------
def launch(
    launcher: _BatchLauncher, overrides: list[list[str]], initial_job_idx: int
) -> list[JobReturn]:
    """Submit the runs in batched tasks, wait for all of them; one return per run."""
    assert launcher.hydra_context is not None and launcher.config is not None
    if not overrides:
        return []
    exit_cb = install_failure_exit(
        launcher.hydra_context, enabled=bool(launcher.params.get("fail_exit", True))
    )
    sweep_dir = launcher.sweep_dir
    sweep_dir.mkdir(parents=True, exist_ok=True)
    runs = [(ov, initial_job_idx + i) for i, ov in enumerate(overrides)]
    chunks = split_runs(runs, runs_per_task(launcher, len(runs)))
    backend = SlurmBackend(launcher) if launcher.cluster == "slurm" else LocalBackend(launcher)
    try:
        busy = backend.earlier_jobs()
        if busy:
            raise RunFailed(
                f"jobs {', '.join(busy)} of an earlier submission of this sweep are still "
                "queued or running: wait for them (squeue) or cancel them (scancel), then run "
                "the same command again"
            )
        jobs = backend.submit(chunks)
    except Exception as exc:
        log.error("could not submit the sweep's tasks: %s", exc)
        returns = [failed_return(ov, f"not submitted: {_error_text(exc)}") for ov in overrides]
        _record(launcher, exit_cb, returns)
        return returns
    results = backend.wait(jobs)
    returns: list[JobReturn] = []
    for chunk, job, res in zip(chunks, jobs, results, strict=True):
        if isinstance(res, list) and len(res) == len(chunk):
            returns.extend(res)
        else:  # the task ended without its result: judge its runs by their run directories
            returns.extend(_judge_from_disk(launcher, chunk, str(res), _submitted_at(job)))
    _record(launcher, exit_cb, returns)
    return returns


def run_dir_of(launcher: _BatchLauncher, overrides: list[str]) -> Path:
    """The run directory Hydra gives a job (``hydra.sweep.dir``/``hydra.sweep.subdir``)."""
    assert launcher.hydra_context is not None and launcher.config is not None
    cfg = launcher.hydra_context.config_loader.load_sweep_config(launcher.config, overrides)
    sweep = str(OmegaConf.select(cfg, "hydra.sweep.dir"))
    return Path(sweep) / str(OmegaConf.select(cfg, "hydra.sweep.subdir"))


def _judge_from_disk(
    launcher: _BatchLauncher, chunk: list[tuple[list[str], int]], why: str, since: float | None
) -> list[JobReturn]:
    """Runs of a task that ended without its result, by their ``run.json``.

    Only a ``run.json`` written after the task was submitted (``since``, a file time on the
    same file system) is this attempt's outcome; an older one is a stale attempt's.
    """
    out = []
    for overrides, _ in chunk:
        try:
            run_dir = run_dir_of(launcher, overrides)
            status, error = read_status(run_dir)
            if status in ("complete", "failed") and since is not None:
                if (run_dir / "run.json").stat().st_mtime < since:
                    status, error = None, None
        except Exception as exc:  # the override itself is bad: the run never started
            status, error = None, f"{type(exc).__name__}: {exc}"
        if status == "complete":
            out.append(JobReturn(overrides=list(overrides), status=JobStatus.COMPLETED))
        elif status == "failed" or error:
            out.append(failed_return(overrides, error or "failed"))
        else:  # never started, or killed while running
            out.append(failed_return(overrides, f"{why} before this run finished"))
    return out


def _submitted_at(job: Any) -> float | None:
    """File time of a task's submission (its pickle, written before ``sbatch``)."""
    try:
        return float(job.paths.submitted_pickle.stat().st_mtime)
    except (OSError, AttributeError):
        return None


def _record(launcher: _BatchLauncher, exit_cb: FailureExit, returns: list[JobReturn]) -> None:
    exit_cb.runs += len(returns)
    failed = [r for r in returns if r.status != JobStatus.COMPLETED]
    for ret in failed:
        exit_cb.failures.append((_label(launcher, ret), str(ret._return_value)))
    log.info(
        "%d runs done%s",
        len(returns),
        f", {len(failed)} failed" if failed else ", none failed",
    )


def _label(launcher: _BatchLauncher, ret: JobReturn) -> str:
    """Where a run is: its directory relative to the sweep directory, else its overrides."""
    for line in ret.overrides or []:
        if line.startswith("hydra.sweep.subdir="):
            return line.split("=", 1)[1].strip("'\"")
    if ret.hydra_cfg is not None:
        out = Path(str(ret.hydra_cfg.hydra.runtime.output_dir))
        with contextlib.suppress(ValueError):
            return str(out.relative_to(launcher.sweep_dir.resolve()))
        return str(out)
    return " ".join(ret.overrides or [])


# ----- backends -----------------------------------------------------------------------------
class _Backend:
    """Submission, watching and cancelling of tasks on one kind of cluster."""

    def __init__(self, launcher: _BatchLauncher) -> None:
        self.launcher = launcher
        self.params = launcher.params
        self.poll_s = float(self.params.get("poll_s", 5.0))
        self.grace_s = float(self.params.get("lost_grace_s", 15.0))

    def earlier_jobs(self) -> list[str]:
        """Jobs of an earlier submission of the same sweep that are still live."""
        return []

    def submit(self, chunks: list[list[tuple[list[str], int]]]) -> list[Any]:
        """Submit one task per chunk; submitit jobs in chunk order."""
        raise NotImplementedError

    def ended(self, jobs: list[Any], pending: set[int]) -> dict[int, str]:
        """Pending tasks (by index) that the cluster says have ended, with their state."""
        raise NotImplementedError

    def cancel(self, jobs: list[Any]) -> None:
        """Cancel every task."""
        for job in jobs:
            with contextlib.suppress(Exception):
                job.cancel(check=False)

    def wait(self, jobs: list[Any]) -> list[Any]:
        """Each task's result (a list of job returns) or, when it has none, why."""
        results: list[Any] = [None] * len(jobs)
        pending = set(range(len(jobs)))
        ended: dict[int, tuple[float, str]] = {}
        last_check = -math.inf
        last_log = time.monotonic()
        with self._interruptible(jobs):
            while pending:
                now = time.monotonic()
                for i in sorted(pending):
                    if jobs[i].paths.result_pickle.exists():
                        results[i] = _task_result(jobs[i])
                        pending.discard(i)
                if pending and now - last_check >= self._check_every():
                    last_check = now
                    for i, state in self.ended(jobs, pending).items():
                        ended.setdefault(i, (now, state))
                for i, (since, state) in list(ended.items()):
                    if i in pending and now - since >= self.grace_s:
                        if jobs[i].paths.result_pickle.exists():
                            continue
                        results[i] = f"task {jobs[i].job_id} ended ({state})"
                        log.error(
                            "%s without a result (its log, if it started: %s)",
                            results[i],
                            jobs[i].paths.stdout,
                        )
                        pending.discard(i)
                if pending and now - last_log >= 60:
                    last_log = now
                    log.info("%d of %d tasks finished", len(jobs) - len(pending), len(jobs))
                if pending:
                    time.sleep(self.poll_s)
        return results

    def _check_every(self) -> float:
        return self.poll_s

    @contextlib.contextmanager
    def _interruptible(self, jobs: list[Any]) -> Iterator[None]:
        """Ctrl-C or SIGTERM while waiting: cancel the tasks (unless told not to)."""

        def on_term(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt(f"signal {signum}")

        old = None
        with contextlib.suppress(ValueError):  # not the main thread
            old = signal.signal(signal.SIGTERM, on_term)
        try:
            yield
        except KeyboardInterrupt:
            if self.params.get("cancel_on_interrupt", True):
                log.warning("interrupted: cancelling the sweep's %d tasks", len(jobs))
                self.cancel(jobs)
            else:
                log.warning("interrupted: the tasks go on (cancel_on_interrupt=false)")
            raise
        finally:
            if old is not None:
                signal.signal(signal.SIGTERM, old)


def _task_result(job: Any) -> Any:
    try:
        return job.result()
    except Exception as exc:  # the task's own code failed outside the runs
        return f"task {job.job_id} failed: {_one_line(str(exc), 2000)}"


class SlurmBackend(_Backend):
    """Array jobs through ``sbatch``; ``squeue`` for the tasks' states."""

    def __init__(self, launcher: _BatchLauncher) -> None:
        super().__init__(launcher)
        self.sched_s = float(self.params.get("scheduler_poll_s", 30.0))
        digest = hashlib.sha1(str(launcher.sweep_dir.resolve()).encode()).hexdigest()[:12]
        #: ``--comment`` of the sweep's jobs, to find a still-running earlier submission.
        self.tag = f"cspsim-sweep-{digest}"

    def _check_every(self) -> float:
        return self.sched_s

    def earlier_jobs(self) -> list[str]:
        """Live jobs of this user with this sweep's tag (not submitted by this process)."""
        proc = _squeue(["-u", getpass.getuser(), "-o", "%A|%k"])
        if proc is None or proc.returncode != 0:
            log.warning("squeue failed; not checking for an earlier submission of this sweep")
            return []
        own = _OWN_JOBS.get(self.tag, set())
        found = set()
        for line in proc.stdout.splitlines():
            job_id, _, comment = line.partition("|")
            if comment.strip() == self.tag and job_id.strip() not in own:
                found.add(job_id.strip())
        return sorted(found)

    def submit(self, chunks: list[list[tuple[list[str], int]]]) -> list[Any]:
        """One array job per ``max_array_size`` tasks."""
        import submitit

        p = self.params
        executor = submitit.SlurmExecutor(
            folder=p["submitit_folder"], max_num_timeout=0, python=p.get("python")
        )
        largest = max(len(c) for c in chunks)
        minutes = task_minutes(self.launcher, largest)
        options: dict[str, Any] = {
            "job_name": p.get("name") or "cspsim",
            "time": minutes,
            "cpus_per_task": int(p.get("cpus_per_task") or 1),
            "array_parallelism": int(p.get("array_parallelism") or 256),
            "setup": list(p.get("setup") or []),
            "additional_parameters": dict(p.get("additional_parameters") or {}),
            "comment": self.tag,
        }
        if p.get("mem_gb"):
            options["mem"] = f"{max(1, round(float(p['mem_gb']) * 1024))}M"
        for key in ("partition", "account", "qos", "constraint", "exclude"):
            if p.get(key):
                options[key] = p[key]
        executor.update_parameters(**options)
        state = Singleton.get_state()
        size = max(1, int(p.get("max_array_size") or 1000))
        jobs: list[Any] = []
        try:
            for start in range(0, len(chunks), size):
                part = chunks[start : start + size]
                jobs.extend(executor.map_array(self.launcher, part, [state] * len(part)))
        except Exception:  # no half-submitted sweep running unwatched
            self.cancel(jobs)
            raise
        arrays = sorted({j.job_id.split("_")[0] for j in jobs}, key=int)
        _OWN_JOBS.setdefault(self.tag, set()).update(arrays)
        log.info(
            "submitted %d runs as %d tasks of up to %d runs (limit %d min each): array job%s "
            "%s; watch with: squeue -j %s",
            sum(len(c) for c in chunks),
            len(chunks),
            largest,
            minutes,
            "s" if len(arrays) > 1 else "",
            ", ".join(arrays),
            ",".join(arrays),
        )
        return jobs

    def ended(self, jobs: list[Any], pending: set[int]) -> dict[int, str]:
        """Tasks whose state is final, or that the scheduler no longer knows."""
        arrays = sorted({jobs[i].job_id.split("_")[0] for i in pending})
        proc = _squeue(["-r", "-t", "all", "-j", ",".join(arrays), "-o", "%i|%T"])
        if proc is None:
            return {}
        if proc.returncode != 0:
            if "invalid job id" not in proc.stderr.lower():
                log.warning("squeue failed (%s); retrying", _one_line(proc.stderr))
                return {}
            states: dict[str, str] = {}  # all purged from the controller's memory
        else:
            states = {}
            for line in proc.stdout.splitlines():
                job_id, _, state = line.strip().partition("|")
                states[job_id] = state.split()[0] if state else ""
        out = {}
        for i in pending:
            state = states.get(jobs[i].job_id)
            if state is None:
                out[i] = "no longer in the queue"
            elif state not in LIVE_STATES:
                out[i] = state
        return out

    def cancel(self, jobs: list[Any]) -> None:
        """``scancel`` the sweep's array jobs."""
        arrays = sorted({j.job_id.split("_")[0] for j in jobs})
        with contextlib.suppress(Exception):
            subprocess.run(["scancel", *arrays], check=False, timeout=60)


class LocalBackend(_Backend):
    """Local processes through submitit's local executor."""

    def submit(self, chunks: list[list[tuple[list[str], int]]]) -> list[Any]:
        """Start one process per task."""
        import submitit

        p = self.params
        executor = submitit.LocalExecutor(
            folder=p["submitit_folder"], max_num_timeout=0, python=p.get("python")
        )
        minutes = task_minutes(self.launcher, max(len(c) for c in chunks))
        executor.update_parameters(timeout_min=minutes, setup=list(p.get("setup") or []))
        state = Singleton.get_state()
        jobs = executor.map_array(self.launcher, chunks, [state] * len(chunks))
        log.info(
            "started %d runs as %d local tasks of up to %d runs",
            sum(len(c) for c in chunks),
            len(chunks),
            max(len(c) for c in chunks),
        )
        return jobs

    def ended(self, jobs: list[Any], pending: set[int]) -> dict[int, str]:
        """Tasks whose process has exited."""
        out = {}
        for i in pending:
            with contextlib.suppress(Exception):
                if jobs[i].done():
                    out[i] = str(jobs[i].state)
        return out


#: Array job ids this process submitted, by sweep tag (not "an earlier submission").
_OWN_JOBS: dict[str, set[str]] = {}


def _squeue(args: list[str]) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(
            ["squeue", "-h", *args], capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("squeue could not run: %s", exc)
        return None
