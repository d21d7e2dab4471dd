"""What a sweep design works with: jobs, stable run directories, the manifest, launching.

A design (:mod:`cspsim.experiments.sweep` lists them) gets a :class:`SweepContext`: the sweep
directory, the grid of the command line, named arms and options; it makes :class:`Job`
objects with stable run directories (:func:`dirname`) and launches them through Hydra's
launcher (:meth:`SweepContext.launch`), which appends them to the manifest first.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from omegaconf import OmegaConf, open_dict

from cspsim.errors import ConfigError, UnsafeConfigError, error_text
from cspsim.output import sweep_failures
from cspsim.output.manifest import MANIFEST
from cspsim.output.rundir import write_json_atomic
from cspsim.paths import safe_component

if TYPE_CHECKING:
    from hydra_plugins.cspsim_sweeper.cspsim_sweeper import CspsimSweeper

log = logging.getLogger("cspsim")

#: Longest run directory name component.
MAX_NAME = 120
#: Override keys never used in run directory names (the sweep directory names them).
_NOT_IN_NAMES = ("experiment",)


@dataclass
class Job:
    """One run of a sweep.

    Attributes:
        subdir: Run directory relative to the sweep directory.
        overrides: Hydra overrides of the run (on top of the experiment's config).
        stage: Design stage (``grid``, ``morris``, ``sobol``, ``trial``, ...).
        arm: Named arm (scenario) of the job, if any.
        point: Design values of the job (e.g. the parameter sample), for analysis.
    """

    subdir: str
    overrides: list[str]
    stage: str = "grid"
    arm: str | None = None
    point: dict[str, Any] = field(default_factory=dict)


def override_key(line: str) -> str:
    """The key of an override line (``+a.b=1`` -> ``a.b``)."""
    return line.split("=", 1)[0].lstrip("+~")


def dirname(overrides: Sequence[str], exclude: Sequence[str] = ()) -> str:
    """Hydra-style override dirname: sorted ``key=value`` joined by commas, made path-safe.

    One path component (:func:`cspsim.paths.safe_component`): no separator, ``..``, quote
    or control character; a name that had to change, or is longer than :data:`MAX_NAME`
    bytes, ends with a hash of the whole, so different overrides never share a directory.
    """
    lines = sorted(o for o in overrides if override_key(o) not in set(exclude))
    return safe_component(",".join(lines), MAX_NAME) if lines else "run"


def _subdir_of(lines: Sequence[str]) -> str:
    """The run directory a job's override lines give it (``hydra.sweep.subdir='...'``)."""
    for line in lines:
        if line.startswith("hydra.sweep.subdir="):
            return line.partition("=")[2].strip("'")
    return "run"


def split_grid(grid: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """Split grid points into the overrides all share (the variant) and those that vary."""
    if not grid:
        return [], [[]]
    common = [o for o in grid[0] if all(o in point for point in grid[1:])]
    return common, [[o for o in point if o not in common] for point in grid]


def expand_grid(sweeper: CspsimSweeper, arguments: list[str]) -> list[list[str]]:
    """The cartesian product of ``hydra.sweeper.params`` and the command-line overrides."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    lines = [f"{k}={v}" for k, v in (sweeper.params or {}).items()] + list(arguments)
    parser = OverridesParser.create(config_loader=sweeper.hydra_context.config_loader)
    overrides = parser.parse_overrides(lines)
    return sweeper.split_arguments(overrides, None)[0]


def arm_dir(name: str | None) -> str:
    """The directory of a named arm: one safe path component ('' without an arm)."""
    return safe_component(name) if name else ""


def arm_overrides(spec: Any) -> list[str]:
    """Overrides of an arm given as a list of lines or a mapping of key to value."""
    if spec is None:
        return []
    if isinstance(spec, dict):
        return [f"{k}={_value(v)}" for k, v in spec.items()]
    return [str(s) for s in spec]


def _value(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(_value(x) for x in v) + "]"
    if isinstance(v, bool):
        return str(v).lower()
    return str(v)


class SweepContext:
    """What a design needs: the sweep directory, the grid, and a way to launch jobs.

    Args:
        sweeper: The Hydra sweeper (holds the config, launcher and options).
        arguments: The command-line overrides of the sweep.
    """

    def __init__(self, sweeper: CspsimSweeper, arguments: list[str]) -> None:
        self.sweeper = sweeper
        self.config = sweeper.config
        self.sweep_dir = Path(str(self.config.hydra.sweep.dir))
        self.arguments = list(arguments)
        self.grid = expand_grid(sweeper, arguments)
        self.arms = {str(k): arm_overrides(v) for k, v in (sweeper.arms or {}).items()}
        self.options: dict[str, Any] = _plain(sweeper.options)
        self.jobs: list[Job] = []
        self.notes: dict[str, Any] = {}  # what a design wants the report to know
        self.returns: list[Any] = []
        self._job_idx = 0
        self._cannot_start = 0
        self.sweep_dir.mkdir(parents=True, exist_ok=True)
        self._started = dt.datetime.now().isoformat(timespec="seconds")
        self._config_saved = False

    # ----- manifest --------------------------------------------------------------------
    def write_manifest(self) -> None:
        """(Re)write ``sweep.json`` with every job launched so far and the design's notes.

        The first call also saves ``multirun.yaml``: a design that refuses its options
        before then (a baseline that is none of the sweep's scenarios) leaves nothing, and
        a resumed sweep keeps its manifest.
        """
        if not self._config_saved:
            OmegaConf.save(self.config, self.sweep_dir / "multirun.yaml")
            self._config_saved = True
        data = {
            "design": self.sweeper.design,
            "experiment": _choice(self.config, "experiment"),
            "arguments": self.arguments,
            "started": self._started,
            "options": self.options,
            "notes": self.notes,
            "jobs": [asdict(j) for j in self.jobs],
        }
        write_json_atomic(self.sweep_dir / MANIFEST, data)

    # ----- launching -------------------------------------------------------------------
    def launch(self, jobs: list[Job]) -> list[Path]:
        """Launch ``jobs`` through the configured launcher; return their run directories.

        Jobs whose directory already holds a complete run of the same config return at
        once (the run skips itself), so a resumed sweep costs little for finished work.
        """
        seen: set[str] = set()
        jobs = [j for j in jobs if not (j.subdir in seen or seen.add(j.subdir))]  # once each
        self.jobs.extend(jobs)
        self.write_manifest()
        todo = [(j, self._lines(j)) for j in jobs]
        self._cannot_start = 0
        todo = [(j, lines) for j, lines in todo if not self._complete(lines)]
        skipped = len(jobs) - len(todo) - self._cannot_start
        if skipped:
            log.info("%d of %d runs already complete (skipped)", skipped, len(jobs))
        if self._cannot_start:
            log.error(
                "%d of %d runs cannot start (see their run.json, or sweep.json's notes)",
                self._cannot_start,
                len(jobs),
            )
            self.write_manifest()  # with the notes of runs of another config
        batch_size = self.sweeper.max_batch_size or len(todo) or 1
        for start in range(0, len(todo), batch_size):
            batch = [j for j, _ in todo[start : start + batch_size]]
            lines = [ln for _, ln in todo[start : start + batch_size]]
            tic = time.perf_counter()
            try:
                results = self.sweeper.launcher.launch(lines, initial_job_idx=self._job_idx)
            except Exception:  # a job the launcher could not run must not stop the sweep
                log.exception("the launcher failed on a batch; its finished runs are kept")
                results = []
            self._job_idx += len(batch)
            self.returns.append(results)
            failed = [j.subdir for j, r in zip(batch, results, strict=False) if _failed(r)]
            log.info(
                "launched %d runs (%s) in %.1fs%s",
                len(batch),
                batch[0].stage,
                time.perf_counter() - tic,
                f"; Hydra reported {len(failed)} failed" if failed else "",
            )
        return [self.sweep_dir / j.subdir for j in jobs]

    @property
    def variant(self) -> str:
        """Directory of this invocation's fixed overrides ('' when there are none).

        Fixed overrides (``city=columbus``) are the same for every job; naming them once
        keeps run directory names short and keeps variants of an experiment apart.
        """
        common, _ = split_grid(self.grid)
        keep = [o for o in common if override_key(o) not in (*_NOT_IN_NAMES, *self.exclude_keys)]
        return dirname(keep) if keep else ""

    def subdir(self, *parts: str) -> str:
        """A run directory under the variant directory, each part one safe path component.

        Parts come from configs (a strategy's name in the uncertainty design, an arm's
        name): each passes through :func:`cspsim.paths.safe_component` (the identity on
        safe names, so ``seeds/3/hotspot`` stays as it is), so none can hold a separator
        or ``..`` and the run directory stays inside the sweep directory.
        """
        return "/".join(safe_component(p, MAX_NAME) for p in (self.variant, *parts) if p)

    def inside(self, run_dir: Path) -> bool:
        """Whether ``run_dir`` resolves (symbolic links followed) inside the sweep directory."""
        root = self.sweep_dir.resolve()
        target = run_dir.resolve()
        return target != root and target.is_relative_to(root)

    def _outside(self, run_dir: Path) -> bool:
        """Refuse (note and log) a run directory outside the sweep directory; True if so.

        Designs make run directories with :meth:`subdir`, which keeps them inside; this is
        the last check before anything is written, for a design or an override
        (``hydra.sweep.subdir``) that does not: nothing is written there, not even the
        failure record.
        """
        if self.inside(run_dir):
            return False
        reason = "resolves outside the sweep directory: not run, nothing written there"
        self.notes.setdefault("outside", {})[str(run_dir)] = reason
        log.error("run %s not launched: %s (%s)", run_dir, reason, self.sweep_dir.resolve())
        self._not_started(run_dir, reason)
        return True

    @staticmethod
    def _lines(job: Job) -> list[str]:
        return [*job.overrides, f"hydra.sweep.subdir='{job.subdir}'"]

    def _complete(self, lines: list[str]) -> bool:
        """Compose the job's config (validating it) and decide whether to launch it.

        Not launched: a run directory holding a complete, intact, current run of the same
        config (the run would skip itself; this saves the launch), or a stale one when the
        sweep reuses stale runs (``hydra.sweeper.reuse_stale``), which is labelled; and a
        job whose overrides do not compose (a wrong type): its ``run.json`` records the
        error at once. A refused user config file stops the whole sweep. A job whose run
        directory resolves outside the sweep directory is refused (:meth:`_outside`).
        """
        from cspsim.output.integrity import inspect_run
        from cspsim.output.runner import keep_stale, record_failure, run_inputs

        if self._outside(self.sweep_dir / _subdir_of(lines)):
            return True
        loader = self.sweeper.hydra_context.config_loader
        try:
            cfg = loader.load_sweep_config(self.config, lines)
        except UnsafeConfigError:
            raise
        except Exception as exc:  # e.g. sim.days=abc: the run would never start
            run_dir = self.sweep_dir / _subdir_of(lines)
            record_failure(run_dir, None, ConfigError(error_text(exc)))
            log.error("run %s cannot start: %s", run_dir, error_text(exc))
            self._not_started(run_dir, ConfigError(error_text(exc)))
            return True
        run_dir = Path(str(cfg.hydra.sweep.dir)) / str(cfg.hydra.sweep.subdir)
        if self._outside(run_dir):  # the composed config moved it (e.g. hydra.sweep.dir)
            return True
        if not (run_dir / "run.json").exists():
            return False
        with open_dict(cfg):
            del cfg["hydra"]
        try:
            run_cfg = OmegaConf.to_object(cfg)
        except Exception:  # an invalid config: let the run record its error
            return False
        state = inspect_run(run_dir, run_cfg, run_inputs(run_cfg))  # type: ignore[arg-type]
        if state.same_config is False and state.status != "missing":
            return self._refuse(run_dir, state.status)
        if state.status == "stale" and self.reuse_stale:
            keep_stale(run_dir, state)
            return True
        if state.status in ("stale", "damaged"):
            log.warning("%s is %s (%s): it runs again", run_dir, state.status, state.reason)
        return state.status == "complete"

    def _refuse(self, run_dir: Path, status: str) -> bool:
        """A job whose directory holds a run of another config: not launched, noted.

        The run there is never overwritten; the manifest's notes list it (``other_config``)
        so that the report says why the job has no run of its own.
        """
        rel = str(run_dir.relative_to(self.sweep_dir))
        reason = (
            f"holds a {status} run of another config (the sweep's config changed since); "
            "it is never overwritten: use a new hydra.sweep.dir or move it away"
        )
        self.notes.setdefault("other_config", {})[rel] = reason
        log.error("run %s not launched: %s", run_dir, reason)
        self._not_started(run_dir, reason)
        return True

    def _not_started(self, run_dir: Path, error: BaseException | str) -> None:
        """Count a job that was not started and list it for the end of the sweep (exit 1)."""
        self._cannot_start += 1
        sweep_failures.record(self.sweep_dir, run_dir, error, stage=sweep_failures.START)

    @property
    def reuse_stale(self) -> bool:
        """``hydra.sweeper.reuse_stale`` or ``CSPSIM_REUSE_STALE=1``: keep stale runs."""
        env = os.environ.get("CSPSIM_REUSE_STALE", "").lower() in ("1", "true", "yes")
        return env or bool(getattr(self.sweeper, "reuse_stale", False))

    def grid_jobs(self, stage: str = "grid") -> list[Job]:
        """Jobs of the grid crossed with the arms (one job per grid point without arms).

        Run directories: ``[<variant>/][<arm>/]<varying overrides>``.
        """
        jobs = []
        arms = self.arms or {None: []}
        _, varying = split_grid(self.grid)
        exclude = [*_NOT_IN_NAMES, *self.exclude_keys]
        for name, extra in arms.items():
            for point, vary in zip(self.grid, varying, strict=True):
                sub = dirname(vary, exclude) if vary else ("run" if not name else "")
                jobs.append(
                    Job(
                        subdir=self.subdir(*(p for p in (arm_dir(name), sub) if p)),
                        overrides=[*extra, *point],
                        stage=stage,
                        arm=name,
                    )
                )
        return jobs

    @property
    def exclude_keys(self) -> list[str]:
        """Override keys left out of run directory names (``hydra.job.config``)."""
        keys = OmegaConf.select(self.config, "hydra.job.config.override_dirname.exclude_keys")
        return [str(k) for k in (keys or [])]


def _failed(ret: Any) -> bool:
    from hydra.core.utils import JobStatus

    return getattr(ret, "status", None) == JobStatus.FAILED


def _plain(node: Any) -> Any:
    if OmegaConf.is_config(node):
        return OmegaConf.to_container(node, resolve=True)
    return node


def _choice(config: Any, group: str) -> str | None:
    value = OmegaConf.select(config, f"hydra.runtime.choices.{group}")
    return None if value in (None, "null") else str(value)
