"""Hydra callback: a sweep whose runs failed ends with their list and exit status 1.

With Hydra's own launchers (joblib, the default, and basic) a run that fails is recorded in
its ``run.json`` and the sweep carries on, as it should; but the command then exited 0, so a
script or CI job could not tell. Each failing run, and each job the sweeper could not start,
appends a line to a file in the sweep directory (:mod:`cspsim.output.sweep_failures`); when
the sweep ends this callback lists them and exits 1, after the report is written. cspsim's
batch launchers (SLURM, submitit) do the same themselves
(:class:`hydra_plugins.cspsim_launcher._batch.FailureExit`): this callback leaves them be.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from cspsim.output import sweep_failures

#: Failed runs listed by name; the rest are counted.
MAX_LISTED = 20


class SweepFailures(Callback):
    """Clears the list when a sweep starts; lists the failures and exits 1 when it ends."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """A new sweep (or a resumed one) starts with no failure listed."""
        sweep_failures.clear(Path(str(OmegaConf.select(config, "hydra.sweep.dir"))))

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Print the failed runs; ``SystemExit(1)`` when there are any."""
        launcher = str(OmegaConf.select(config, "hydra.launcher._target_", default=""))
        if "cspsim_launcher" in launcher:
            return  # the batch launchers list their failures themselves
        sweep_dir = Path(str(OmegaConf.select(config, "hydra.sweep.dir")))
        failed = sweep_failures.read(sweep_dir)
        if not failed:
            return
        lines = [
            f"cspsim: {len(failed)} run{'s' if len(failed) > 1 else ''} failed in {sweep_dir} "
            "(errors in each run's run.json; the same command reruns them):"
        ]
        lines += [f"  {sweep_failures.describe(f)}" for f in failed[:MAX_LISTED]]
        if len(failed) > MAX_LISTED:
            lines.append(f"  ... and {len(failed) - MAX_LISTED} more (see the report)")
        print("\n".join(lines), file=sys.stderr, flush=True)
        raise SystemExit(1)
