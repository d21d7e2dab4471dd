"""Hydra callback: the run or sweep directory must be a directory ``cspsim-run`` can create.

Hydra creates ``hydra.run.dir`` itself, before the run starts; a path that is a file, lies
under a file, or cannot be written made it print a traceback (``FileExistsError``) and
exit as if the run had failed. This callback creates the directory first, when the run or
the sweep starts (:func:`cspsim.output.dirs.make_output_dir`), and turns the failure into an
error that names the setting and exit status 2 (bad input). Nothing is written.

Hydra turns an exception raised by a callback into a warning and carries on, so the
callback prints the error and exits itself (``SystemExit`` is not an ``Exception``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from cspsim.output.dirs import OutputDirRefused, make_output_dir

#: Exit status of ``cspsim-run`` for bad input (:mod:`cspsim.cli.run`).
BAD_INPUT = 2


class OutputDirCheck(Callback):
    """Creates the run directory (single run) or the sweep directory (``-m``) up front."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        """The single run's ``hydra.run.dir``."""
        self._check(config, "hydra.run.dir")

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        """The sweep's ``hydra.sweep.dir`` (each run's subdirectory is the sweeper's)."""
        self._check(config, "hydra.sweep.dir")

    @staticmethod
    def _check(config: DictConfig, setting: str) -> None:
        try:
            make_output_dir(Path(str(OmegaConf.select(config, setting))), setting)
        except OutputDirRefused as exc:
            print(f"cspsim-run: error: {exc}", file=sys.stderr)
            raise SystemExit(BAD_INPUT) from None
