"""The ``cspsim`` Hydra sweeper: grids, named arms and experiment designs, with a manifest.

Hydra only instantiates sweepers that live in the ``hydra_plugins`` package, so this module
is a thin shell; the logic is in :mod:`cspsim.experiments.sweep`.
"""

# No ``from __future__ import annotations``: Hydra's plugin scan executes this module
# before registering it, and OmegaConf needs real types in the structured config.
import sys
from dataclasses import dataclass, field
from typing import Any, Optional

from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
from hydra.core.config_store import ConfigStore


@dataclass
class CspsimSweeperConf:
    """Options of the cspsim sweeper (``hydra.sweeper.*``).

    Attributes:
        max_batch_size: Jobs handed to the launcher at once (None: all of a stage).
        params: Grid sweep like Hydra's basic sweeper (``seed: range(0,10)``).
        arms: Named scenarios, each a list of overrides; crossed with the grid.
        design: ``grid`` (arms x params), ``frontier``, ``sensitivity``, ``calibrate``,
            ``pilot_power`` or ``uncertainty``.
        options: Options of the design (see :mod:`cspsim.experiments`).
        reuse_stale: Keep complete runs whose input files or model version changed
            (labelled ``reused_stale`` in their ``run.json`` and in the report) instead of
            running them again (``hydra.sweeper.reuse_stale=true``).
    """

    _target_: str = "hydra_plugins.cspsim_sweeper.cspsim_sweeper.CspsimSweeper"
    max_batch_size: Optional[int] = None  # noqa: UP045
    params: Optional[dict[str, str]] = None  # noqa: UP045
    arms: Optional[dict[str, Any]] = None  # noqa: UP045
    design: str = "grid"
    options: dict[str, Any] = field(default_factory=dict)
    reuse_stale: bool = False


ConfigStore.instance().store(
    group="hydra/sweeper", name="cspsim", node=CspsimSweeperConf, provider="cspsim"
)


class CspsimSweeper(BasicSweeper):
    """Hydra's basic sweeper plus named arms, stable run directories, a manifest and designs."""

    def __init__(
        self,
        max_batch_size: int | None = None,
        params: dict[str, str] | None = None,
        arms: dict[str, Any] | None = None,
        design: str = "grid",
        options: dict[str, Any] | None = None,
        reuse_stale: bool = False,
    ) -> None:
        super().__init__(max_batch_size=max_batch_size, params=params)
        self.arms = dict(arms or {})
        self.design = design
        self.options = dict(options or {})
        self.reuse_stale = bool(reuse_stale)

    def sweep(self, arguments: list[str]) -> Any:
        """Run the design; returns the launcher's job returns, batch by batch.

        A bad design option (:class:`~cspsim.errors.ConfigError`: a pilot larger than the
        city, an unknown neighbourhood) is bad input: its message and exit status 2, as
        ``cspsim-run`` gives for a bad setting, not the traceback Hydra prints for an
        exception (and its exit status 1, "a run failed").
        """
        from cspsim.errors import ConfigError, UnsafeConfigError
        from cspsim.experiments.sweep import run_sweep

        try:
            return run_sweep(self, arguments)
        except UnsafeConfigError:  # a refused user file: cspsim-run says so (cli/run.py)
            raise
        except ConfigError as exc:
            print(f"cspsim-run: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
