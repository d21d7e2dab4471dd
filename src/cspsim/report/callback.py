"""Hydra callback: write the report of a sweep when the multirun ends."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig

log = logging.getLogger("cspsim")


class ReportCallback(Callback):
    """Builds ``report.md``, ``report.html`` and ``summary.csv`` in the sweep directory.

    Args:
        enabled: Set ``hydra.callbacks.report.enabled=false`` to skip the report.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        """Write the report; a failure to report is logged, never raised (runs are kept)."""
        if not self.enabled:
            return
        from cspsim.report.build import build_report

        sweep_dir = Path(str(config.hydra.sweep.dir))
        try:
            out = build_report(sweep_dir)
            log.info("report: %s", out)
            print(f"cspsim: report written to {out}")
        except Exception:  # the runs are safe on disk; the report can be rebuilt
            log.exception("report failed for %s (rerun: cspsim-report %s)", sweep_dir, sweep_dir)
