"""Run one config into a run directory (shared by ``cspsim-run``, ``cspsim-demo``, sweeps).

:func:`run_one` holds the directory's lock from start to end and decides from what the
directory holds (:func:`cspsim.output.integrity.inspect_run`):

* a complete, intact, current run of the same config: skipped;
* a complete run of **another** config: refused (:class:`RunDirConflict`), nothing
  written: a complete run is never overwritten or deleted by a later run;
* a stale run of the same config (an input file or the model changed) or a damaged one
  (a table that does not match its hash): moved aside into ``.previous/<time>-<status>/``
  and run again; with ``reuse_stale`` a stale run is kept instead and labelled in its
  ``run.json`` (``reused_stale``);
* nothing, a failed or an incomplete run: run.

Before building, the config is checked leaf by leaf and the run's memory and time are
estimated (:mod:`cspsim.output.resources`); a run the machine cannot hold is refused. The
estimate is recorded in ``run.json`` (``estimate``: ``memory_mb``, ``seconds``), refused runs too.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

from cspsim.city import load_city
from cspsim.city.loaders import input_files
from cspsim.config import RunConfig
from cspsim.config.checks import check_config
from cspsim.errors import ConfigError, RunDirError
from cspsim.model import CommunitySafetyModel
from cspsim.output.integrity import RunState, inspect_run
from cspsim.output.lock import RunDirBusy, RunLock
from cspsim.output.resources import (
    RunEstimate,
    check_fits,
    estimate_city,
    estimate_config,
    fmt_seconds,
)
from cspsim.output.results import collect, run_model
from cspsim.output.rundir import (
    RUN_JSON,
    TABLES,
    base_meta,
    write_failure,
    write_json_atomic,
    write_results,
)

log = logging.getLogger("cspsim")

#: Directory (inside a run directory) holding the runs a later run replaced.
PREVIOUS = ".previous"
#: Estimated run time above which the estimate is logged as a warning.
LONG_RUN_S = 600.0


class RunDirConflict(RunDirError):
    """The run directory holds a complete run of another config."""


def run_inputs(cfg: RunConfig, extra: dict[str, Path] | None = None) -> dict[str, Path]:
    """Input files of a run: its city's data files and ``extra`` (a user's config files)."""
    try:
        files = input_files(cfg.city)
    except Exception:  # a bad city config: the build will say what is wrong
        files = {}
    return {**files, **(extra or {})}


def _holds_results(state: RunState) -> bool:
    """Whether the directory holds a finished run's files (a later run must not delete)."""
    if state.finished:
        return True
    return state.status == "damaged" and bool(state.meta) and state.meta.get("status") == "complete"


def archive(run_dir: Path, state: RunState) -> Path:
    """Move a replaced run (``run.json`` and tables) into ``.previous/<time>-<status>/``."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    dest = run_dir / PREVIOUS / f"{stamp}-{state.status}"
    n = 1
    while dest.exists():
        n += 1
        dest = run_dir / PREVIOUS / f"{stamp}-{state.status}-{n}"
    dest.mkdir(parents=True)
    for name in (RUN_JSON, *(f"{t}.parquet" for t in TABLES)):
        if (run_dir / name).exists():
            os.replace(run_dir / name, dest / name)
    log.warning("%s: %s run moved to %s (%s)", run_dir, state.status, dest, state.reason)
    return dest


def _conflict(run_dir: Path, state: RunState) -> RunDirConflict:
    meta = state.meta or {}
    return RunDirConflict(
        f"{run_dir} holds a complete run of another config (strategy {meta.get('strategy')!r}, "
        f"seed {meta.get('seed')}); it is never overwritten: choose another directory "
        "(hydra.run.dir=... or hydra.sweep.dir=...) or move that one away"
    )


def _estimate(cfg: RunConfig) -> tuple[Any, RunEstimate]:
    """Check every setting and estimate the run; the loaded city (None: synthetic) and estimate.

    A synthetic city is estimated from its config before it is built (a billion residents
    must be refused before their places are made); other cities are loaded first.
    """
    check_config(cfg)
    est = estimate_config(cfg)
    city = None
    if est is None:
        city = load_city(cfg.city, seed=cfg.seed)
        est = estimate_city(city, cfg)
    return city, est


def _preflight(cfg: RunConfig, est: RunEstimate) -> None:
    """Refuse a run the machine cannot hold; log its estimate."""
    check_fits(est, bool(cfg.sim.allow_large))
    level = logging.WARNING if est.seconds > LONG_RUN_S else logging.INFO
    log.log(level, "estimated run: %s", est.describe())
    if est.seconds > LONG_RUN_S:
        log.warning(
            "a long run (about %s): sim.progress=true shows progress", fmt_seconds(est.seconds)
        )


def _fail(
    exc: Exception, raise_errors: bool, run_dir: Path, meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    if raise_errors:
        raise exc
    log.error("run failed: %s: %s", run_dir, exc)
    return meta or {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}


def run_one(
    cfg: RunConfig,
    run_dir: Path,
    raise_errors: bool = True,
    inputs: dict[str, Path] | None = None,
    reuse_stale: bool = False,
    progress: bool = False,
) -> dict[str, Any]:
    """Run ``cfg`` into ``run_dir`` (see the module doc for what an existing directory gets).

    Args:
        cfg: The run's config.
        run_dir: Output directory (created).
        raise_errors: Re-raise a failure after recording it in ``run.json``; with False
            the failure is only recorded (a sweep goes on).
        inputs: Input files besides the city's (a user's config files), by role; their
            SHA-256 is recorded, and a change makes the run stale.
        reuse_stale: Keep a stale run of the same config (labelled) instead of redoing it.
        progress: Show a progress bar with ETA on standard error.

    Returns:
        The run's ``run.json`` content (``skipped: True`` when it was already complete).

    Raises:
        RunDirError: Another writer holds the directory, or it holds a complete run of
            another config (only with ``raise_errors``; nothing is written either way).
    """
    run_dir = Path(run_dir)
    files = run_inputs(cfg, inputs)
    try:
        lock = RunLock(run_dir)
    except RunDirBusy as exc:
        return _fail(exc, raise_errors, run_dir)
    with lock:
        for tmp in lock.stale_tmp_files():  # left by the killed writer whose lock was broken
            tmp.unlink(missing_ok=True)
        state = inspect_run(run_dir, cfg, files)
        if _holds_results(state) and state.same_config is False:
            try:
                check_config(cfg)  # a bad value is the error to report (nothing is written)
            except ConfigError as exc:
                return _fail(exc, raise_errors, run_dir)
            return _fail(_conflict(run_dir, state), raise_errors, run_dir)
        if state.status == "complete":
            log.info("skipping %s: already complete with the same config", run_dir)
            return {**(state.meta or {}), "status": "complete", "skipped": True}
        if state.status == "stale" and reuse_stale:
            return _reuse(run_dir, state, lock)
        return _run(cfg, run_dir, state, lock, files, raise_errors, progress)


def _reuse(run_dir: Path, state: RunState, lock: RunLock) -> dict[str, Any]:
    meta = dict(state.meta or {})
    meta["reused_stale"] = {"reason": state.reason, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    write_json_atomic(run_dir / RUN_JSON, meta, lock.tmp(RUN_JSON))
    log.warning("keeping stale run %s (hydra.sweeper.reuse_stale): %s", run_dir, state.reason)
    return {**meta, "skipped": True}


def _run(
    cfg: RunConfig,
    run_dir: Path,
    state: RunState,
    lock: RunLock,
    files: dict[str, Path],
    raise_errors: bool,
    progress: bool,
) -> dict[str, Any]:
    start = time.perf_counter()
    est: RunEstimate | None = None
    try:
        city, est = _estimate(cfg)
        _preflight(cfg, est)
    except Exception as exc:
        if _holds_results(state):  # an invalid rerun must not replace a finished run
            return _fail(exc, raise_errors, run_dir)
        # A run refused as too large keeps its estimate: what mem_gb it needs.
        meta = None if est is None else {**base_meta(cfg, files), "estimate": est.record()}
        failed = write_failure(run_dir, cfg, exc, lock=lock, meta=meta)
        return _fail(exc, raise_errors, run_dir, failed)
    if _holds_results(state):
        archive(run_dir, state)
    created: list[Path] = []
    # The estimate (memory and time) is in run.json from the start: for mem_gb and the
    # time limit of a cluster's tasks (docs/cluster.md), and to compare with wall_seconds.
    meta = {**base_meta(cfg, files), "estimate": est.record()}
    try:
        model = CommunitySafetyModel(cfg, city=city)
        step = run_model(model, progress=progress)
        res = collect(model, time.perf_counter() - start, step)
        return write_results(run_dir, cfg, res, lock, meta, created)
    except Exception as exc:
        failed = write_failure(run_dir, cfg, exc, created, lock, meta)
        return _fail(exc, raise_errors, run_dir, failed)


def record_failure(run_dir: Path, cfg: RunConfig | None, exc: BaseException) -> bool:
    """Record an error found before :func:`run_one` (a config that does not compose).

    Writes ``run.json`` with ``status: failed`` unless another writer holds the directory
    or it holds a finished run (never replaced by a failure).

    Returns:
        Whether ``run.json`` was written.
    """
    try:
        lock = RunLock(run_dir)
    except RunDirBusy:
        return False
    with lock:
        if _holds_results(inspect_run(run_dir)):
            return False
        write_failure(run_dir, cfg, exc, lock=lock)
        return True


def keep_stale(run_dir: Path, state: RunState) -> bool:
    """Keep a stale run (``hydra.sweeper.reuse_stale``): label its ``run.json`` under the lock.

    Returns:
        Whether it was labelled (False: another writer holds the directory).
    """
    try:
        lock = RunLock(run_dir)
    except RunDirBusy:
        return False
    with lock:
        _reuse(Path(run_dir), state, lock)
    return True
