"""Run one config into a run directory (shared by ``cspsim-run`` and ``cspsim-demo``)."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from cspsim.config import RunConfig
from cspsim.model import CommunitySafetyModel
from cspsim.output.results import collect, run_model
from cspsim.output.rundir import is_complete, write_failure, write_results

log = logging.getLogger("cspsim")


def run_one(cfg: RunConfig, run_dir: Path, raise_errors: bool = True) -> dict[str, Any]:
    """Run ``cfg`` into ``run_dir``; skip it when an identical complete run is already there.

    Args:
        cfg: The run's config.
        run_dir: Output directory (created).
        raise_errors: Re-raise a failure after recording it in ``run.json``; with False
            the failure is only recorded (a sweep goes on).

    Returns:
        The run's ``run.json`` content (``skipped: True`` when it was already complete).
    """
    run_dir = Path(run_dir)
    if is_complete(run_dir, cfg):
        log.info("skipping %s: already complete with the same config", run_dir)
        return {"status": "complete", "skipped": True}
    try:
        start = time.perf_counter()
        model = CommunitySafetyModel(cfg)
        step = run_model(model)
        res = collect(model, time.perf_counter() - start, step)
        return write_results(run_dir, cfg, res)
    except Exception as exc:
        write_failure(run_dir, cfg, exc)
        if raise_errors:
            raise
        log.error("run failed: %s: %s", run_dir, exc)
        return {"status": "failed", "error": f"{type(exc).__name__}: {exc}"}
