"""The sweep engine behind ``hydra/sweeper=cspsim``: the designs by name, and the entry point.

Every job of a sweep gets a stable run directory under ``hydra.sweep.dir``:

* grid jobs: ``[<arm>/]<override dirname>`` (``seed=3,strategy=hotspot``; the arm's own
  overrides are named by the arm instead of spelled out);
* design jobs (sensitivity, calibration, frontier points): ``<stage>/<index>``.

Before launching, the jobs are appended to ``sweep.json`` (the manifest), so aggregation
knows which runs a sweep expects and can report the missing ones. A run directory that
already holds a complete run of the same resolved config is skipped by the run itself
(:func:`cspsim.output.runner.run_one`), so the same command started again after a kill runs only
what is left. Jobs, directories and launching are in :mod:`cspsim.experiments.context`; each
design is a function of the context (:data:`DESIGNS`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from cspsim.errors import ConfigError
from cspsim.experiments.context import Job, SweepContext, dirname, split_grid
from cspsim.output.manifest import MANIFEST

if TYPE_CHECKING:
    from hydra_plugins.cspsim_sweeper.cspsim_sweeper import CspsimSweeper

log = logging.getLogger("cspsim")

__all__ = ["DESIGNS", "MANIFEST", "Job", "SweepContext", "dirname", "run_sweep", "split_grid"]


def run_grid(ctx: SweepContext) -> None:
    """The ``grid`` design: arms x params, all in one stage."""
    jobs = ctx.grid_jobs()
    check_baseline(ctx.options.get("baseline"), jobs)
    ctx.launch(jobs)


def check_baseline(baseline: str | None, jobs: list[Job]) -> None:
    """Refuse a baseline that is none of the sweep's scenarios (before any run).

    The report would silently compare with another scenario (``reactive``, or the first).

    Raises:
        ConfigError: Naming ``hydra.sweeper.options.baseline`` and the scenarios.
    """
    names = {j.arm for j in jobs if j.arm}
    names |= {o.partition("=")[2] for j in jobs for o in j.overrides if o.startswith("strategy=")}
    if baseline is None or not names or baseline in names:
        return
    raise ConfigError(
        f"hydra.sweeper.options.baseline: {baseline!r} is not a scenario of this sweep; "
        f"expected one of {sorted(names)} (add it to the sweep, or name another)"
    )


#: Designs by name: callables taking the sweep context.
DESIGNS: dict[str, Callable[[SweepContext], None]] = {"grid": run_grid}


def _designs() -> dict[str, Callable[[SweepContext], None]]:
    # Imported when a sweep starts: the designs pull in Optuna and SALib.
    from cspsim.experiments import calibrate, frontier, pilot, sensitivity, uncertainty

    return {
        **DESIGNS,
        "frontier": frontier.run_design,
        "sensitivity": sensitivity.run_design,
        "calibrate": calibrate.run_design,
        "pilot_power": pilot.run_design,
        "uncertainty": uncertainty.run_design,
    }


def run_sweep(sweeper: CspsimSweeper, arguments: list[str]) -> list[Any]:
    """Entry point of the sweeper: build the context and run the configured design."""
    designs = _designs()
    if sweeper.design not in designs:
        raise ValueError(
            f"hydra.sweeper.design: expected one of {sorted(designs)}, got {sweeper.design!r}"
        )
    ctx = SweepContext(sweeper, arguments)
    log.info("sweep design %s -> %s", sweeper.design, ctx.sweep_dir)
    designs[sweeper.design](ctx)
    return ctx.returns
