"""Hydra callback: a sweep whose runs failed ends with their list and exit status 1.

With Hydra's own launchers (joblib, the default, and basic) a run that fails is recorded in
its ``run.json`` and the sweep carries on, as it should; but the command then exited 0, so a
script or CI job could not tell. Each failing run appends a line to a file in the sweep
directory (:func:`record`, in the run's own process); when the sweep ends this callback
lists them and exits 1, after the report is written. cspsim's batch launchers (SLURM,
submitit) do the same themselves
(:class:`hydra_plugins.cspsim_launcher._batch.FailureExit`): this callback leaves them be.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

#: The sweep's failed runs, one JSON line each (written by the runs, read at the end).
FAILED_FILE = ".cspsim-failed.jsonl"
#: Failed runs listed by name; the rest are counted.
MAX_LISTED = 20


def record(sweep_dir: Path, run_dir: Path, error: BaseException) -> None:
    """Add a failed run of a sweep (one line: appends from parallel runs do not mix)."""
    text = " ".join(f"{type(error).__name__}: {error}".split())[:300]
    line = json.dumps({"run": str(run_dir), "error": text})
    with open(Path(sweep_dir) / FAILED_FILE, "a", encoding="utf-8") as f:
        f.write(line + "\n")


class SweepFailures(Callback):
    """Clears the list when a sweep starts; lists the failures and exits 1 when it ends."""

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """A new sweep (or a resumed one) starts with no failure listed."""
        (Path(str(OmegaConf.select(config, "hydra.sweep.dir"))) / FAILED_FILE).unlink(
            missing_ok=True
        )

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Print the failed runs; ``SystemExit(1)`` when there are any."""
        launcher = str(OmegaConf.select(config, "hydra.launcher._target_", default=""))
        if "cspsim_launcher" in launcher:
            return  # the batch launchers list their failures themselves
        sweep_dir = Path(str(OmegaConf.select(config, "hydra.sweep.dir")))
        path = sweep_dir / FAILED_FILE
        if not path.is_file():
            return
        failed = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        if not failed:
            return
        lines = [
            f"cspsim: {len(failed)} run{'s' if len(failed) > 1 else ''} failed in {sweep_dir} "
            "(errors in each run's run.json; the same command reruns them):"
        ]
        lines += [f"  {f['run']}: {f['error']}" for f in failed[:MAX_LISTED]]
        if len(failed) > MAX_LISTED:
            lines.append(f"  ... and {len(failed) - MAX_LISTED} more (see the report)")
        print("\n".join(lines), file=sys.stderr, flush=True)
        raise SystemExit(1)
