"""``cspsim-run``: the Hydra app for one run or, with ``-m``, a sweep.

Examples:
    cspsim-run strategy=hotspot seed=3 sim.days=180
    cspsim-run -m strategy=reactive,hotspot seed=0,1,2

Exit status: 0 complete (or already complete), 1 the run failed, 2 bad input (a setting,
a city file, a refused user config file, a run too large for the machine, a run or sweep
directory that is a file or cannot be created: :mod:`cspsim.cli.output_dir`), 3 the run
directory is busy (another writer) or holds a complete run of another config. Every
failure of a single run that has a run directory leaves its ``run.json`` with
``status: failed`` and the error, wrong-type overrides included.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
from pathlib import Path
from typing import Any

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from cspsim.cli import guard, overrides, watchdog
from cspsim.config import RunConfig
from cspsim.errors import CityDataError, ConfigError, RunDirError, error_text
from cspsim.model import run_schema
from cspsim.model.schema import unknown_setting
from cspsim.output import sweep_failures
from cspsim.output.results import show_progress
from cspsim.output.runner import record_failure, run_one
from cspsim.paths import CONFIG_DIR, register_resolvers

log = logging.getLogger("cspsim")

ConfigStore.instance().store(name="run_schema", node=run_schema())
guard.install()
# Names from configs become one safe path component in hydra.run.dir and hydra.sweep.subdir
# (configs/config.yaml); importing cspsim registered the resolvers already (kept explicit).
register_resolvers()

#: Environment variable: set ``1`` to keep stale runs when a sweep or run resumes.
REUSE_STALE_ENV = "CSPSIM_REUSE_STALE"
#: Environment variable naming the process that runs a sweep (its workers watch it).
SWEEP_PID_ENV = "CSPSIM_SWEEP_PID"
#: What happened while Hydra composed and ran (read by :func:`main` after Hydra exits).
_STATE: dict[str, Any] = {"task_started": False, "composed": False, "compose_error": None}
# A joblib worker of a sweep (it imports this module with its first run) exits as soon as
# the sweep's process is gone, so no run finishes after the sweep was killed.
watchdog.watch_sweep(os.environ.get(SWEEP_PID_ENV))


def unknown_keys(node: DictConfig, obj: object, prefix: str = "") -> list[str]:
    """Keys of the composed config the schema lacks (``+key=value`` can append them)."""
    names = {f.name for f in dataclasses.fields(obj)}
    out: list[str] = []
    for key in node:
        path = f"{prefix}{key}"
        if key not in names:
            out.append(path)
        elif dataclasses.is_dataclass(getattr(obj, key)) and isinstance(node[key], DictConfig):
            out.extend(unknown_keys(node[key], getattr(obj, key), path + "."))
    return out


def to_run_config(dcfg: DictConfig) -> RunConfig:
    """The typed run config of a composed config (unknown keys and bad types refused)."""
    try:
        cfg = OmegaConf.to_object(dcfg)
    except OmegaConfBaseException as exc:
        raise ConfigError(str(exc).split("\n    full_key")[0]) from exc
    unknown = unknown_keys(dcfg, cfg)
    if unknown:
        # Otherwise silently dropped: a misspelt setting must not run with the default.
        why = [unknown_setting(key) or f"{key}: no such setting" for key in unknown]
        raise ConfigError("; ".join(why))
    return cfg  # type: ignore[return-value]


def reuse_stale(hc: Any) -> bool:
    """``hydra.sweeper.reuse_stale`` (sweeps) or ``CSPSIM_REUSE_STALE=1``."""
    if os.environ.get(REUSE_STALE_ENV, "").lower() in ("1", "true", "yes"):
        return True
    return bool(OmegaConf.select(hc, "sweeper.reuse_stale", default=False))


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def app(dcfg: DictConfig) -> None:
    """Run the configured simulation into Hydra's output directory."""
    _STATE["task_started"] = True
    hc = HydraConfig.get()
    run_dir = Path(hc.runtime.output_dir)
    multirun = hc.mode == RunMode.MULTIRUN
    cfg: RunConfig | None = None
    try:
        cfg = to_run_config(dcfg)
        meta = run_one(
            cfg,
            run_dir,
            raise_errors=True,
            inputs=guard.user_files(),
            reuse_stale=reuse_stale(hc),
            progress=show_progress(cfg.sim.progress, interactive=not multirun),
        )
        if not meta.get("skipped"):
            log.info(
                "%s seed %s: complete in %.1fs -> %s",
                cfg.strategy.name,
                cfg.seed,
                meta["wall_seconds"],
                run_dir,
            )
    except RunDirError as exc:  # nothing was written: the directory is another's
        print(f"cspsim-run: error: {exc}", file=sys.stderr)
        if multirun:
            raise  # the job fails (its run.json is another run's): the launcher says so
        sys.exit(3)
    except (ConfigError, CityDataError) as exc:
        if cfg is None:  # run_one records its own failures
            record_failure(run_dir, cfg, exc)
        print(f"cspsim-run: error: {exc}", file=sys.stderr)
        if not multirun:
            sys.exit(2)
        sweep_failures.record(Path(hc.sweep.dir), run_dir, exc)
    except Exception as exc:  # a failed run must not stop a sweep (run.json records it)
        log.exception("run failed: %s", run_dir)
        if not multirun:
            sys.exit(1)
        sweep_failures.record(Path(hc.sweep.dir), run_dir, exc)


def _remember_compose_errors() -> None:
    """Keep the exception of a config that does not compose (Hydra prints it and exits 1)."""
    from hydra._internal.config_loader_impl import ConfigLoaderImpl

    original = ConfigLoaderImpl.load_configuration
    if getattr(original, "_cspsim", False):
        return

    def load_configuration(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            composed = original(self, *args, **kwargs)
        except Exception as exc:
            # The command's own config, or a refused user file (it stops a sweep): a sweep
            # composes each job again, and a job that does not compose is listed at the
            # end of the sweep (exit 1).
            if not _STATE["composed"] or isinstance(exc, guard.UserConfigRefused):
                _STATE["compose_error"] = exc
            raise
        _STATE["composed"] = True
        return composed

    load_configuration._cspsim = True  # type: ignore[attr-defined]
    ConfigLoaderImpl.load_configuration = load_configuration  # type: ignore[method-assign]


def _composable(
    overrides: list[str], config_dir: str | None, message: str = ""
) -> DictConfig | None:
    """The config of as many of ``overrides`` as compose (Hydra config included).

    First without the overrides the error message names (one composition), else one by one.
    """
    from hydra import compose, initialize_config_dir

    extra = [f"hydra.searchpath=[file://{os.path.abspath(config_dir)}]"] if config_dir else []
    named = [o for o in overrides if o.partition("=")[0].lstrip("+~") in message]
    kept: list[str] = []
    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        if named:
            try:
                rest = [o for o in overrides if o not in named]
                return compose("config", overrides=[*extra, *rest], return_hydra_config=True)
            except Exception:  # the error lies elsewhere too: one by one
                pass
        for line in [*extra, *overrides]:
            try:
                compose("config", overrides=[*kept, line], return_hydra_config=True)
                kept.append(line)
            except Exception:  # this override is the bad one (or depends on one): drop it
                continue
        try:
            return compose("config", overrides=kept, return_hydra_config=True)
        except Exception:
            return None


def _record_compose_failure(exc: BaseException, argv: list[str]) -> None:
    """A single run whose overrides do not compose (a wrong type): write its run.json."""
    from hydra._internal.utils import get_args_parser

    args, _ = get_args_parser().parse_known_args(argv)
    message = error_text(exc)
    if args.multirun or args.cfg or args.info or args.help or args.hydra_help:
        print(f"cspsim-run: error: {message}", file=sys.stderr)
        return
    composed = _composable(list(args.overrides), args.config_dir, message)
    run_dir = None
    if composed is not None:
        try:
            run_dir = Path(str(OmegaConf.select(composed, "hydra.run.dir")))
        except Exception:  # an interpolation that needs the bad override
            run_dir = None
    written = run_dir is not None and record_failure(run_dir, None, ConfigError(message))
    where = f" (recorded in {run_dir / 'run.json'})" if written else ""
    print(f"cspsim-run: error: {message}{where}", file=sys.stderr)


def missing_config_dir(argv: list[str]) -> str | None:
    """``--config-dir``/``-cd`` naming no directory, as a message (Hydra exits 1 on it)."""
    for i, arg in enumerate(argv):
        flag, _, value = arg.partition("=")
        if flag not in ("--config-dir", "-cd"):
            continue
        if not value:
            value = argv[i + 1] if i + 1 < len(argv) else ""
        path = Path(value).expanduser()
        if not path.is_dir():
            return f"{flag} {value}: no such directory (resolved to '{path.resolve()}')"
    return None


def bad_overrides(argv: list[str]) -> list[str]:
    """The command line's misspelt or wrong-type overrides (:mod:`cspsim.cli.overrides`)."""
    from hydra._internal.utils import get_args_parser

    args, _ = get_args_parser().parse_known_args(argv)
    return overrides.problems(list(args.overrides), args.config_dir)


def main() -> None:
    """The ``cspsim-run`` command: Hydra's app, then a run.json for configs that do not compose.

    A wrong-type override (``sim.days=abc``) fails while Hydra composes the config, before
    the run starts; Hydra prints the error and exits 1. The README promises a ``run.json``
    with ``status: failed`` for every failed run, so the run directory is found from the
    overrides that do compose and the error recorded there; the exit status is 2 (bad
    input). A refused user config file (:mod:`cspsim.cli.guard`) gets no run directory.
    """
    if any(a.split("=")[0] == "--experimental-rerun" for a in sys.argv[1:]):
        # Hydra unpickles that file: running it would run whatever code the pickle holds.
        print(
            "cspsim-run: error: UserConfigRefused: --experimental-rerun loads a pickle, "
            "which can run code; rerun with the run's overrides (its .hydra/overrides.yaml)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    missing = missing_config_dir(sys.argv[1:])
    if missing:
        print(f"cspsim-run: error: {missing}", file=sys.stderr)
        raise SystemExit(2)
    bad = bad_overrides(sys.argv[1:])
    if bad:  # before anything runs or is written (a single run records it in run.json)
        _record_compose_failure(ConfigError("; ".join(bad)), sys.argv[1:])
        raise SystemExit(2)
    os.environ[SWEEP_PID_ENV] = str(os.getpid())
    watchdog.stop_workers_on_signals()
    _remember_compose_errors()
    try:
        app()
    except KeyboardInterrupt:
        watchdog.kill_descendants()
        raise
    except SystemExit as exc:
        error = _STATE["compose_error"]
        if exc.code == 1 and error is not None and not _STATE["task_started"]:
            if isinstance(error, guard.UserConfigRefused):
                print("cspsim-run: error: UserConfigRefused: nothing was run", file=sys.stderr)
            else:
                _record_compose_failure(error, sys.argv[1:])
            raise SystemExit(2) from None
        raise


if __name__ == "__main__":
    main()
