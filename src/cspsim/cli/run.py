"""``cspsim-run``: the Hydra app for one run or, with ``-m``, a sweep.

Examples:
    cspsim-run strategy=hotspot seed=3 sim.days=180
    cspsim-run -m strategy=reactive,hotspot seed=0,1,2
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from pathlib import Path

import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from cspsim.config import RunConfig
from cspsim.errors import CityDataError, ConfigError
from cspsim.model import run_schema
from cspsim.output import write_failure
from cspsim.output.runner import run_one
from cspsim.paths import CONFIG_DIR

log = logging.getLogger("cspsim")

ConfigStore.instance().store(name="run_schema", node=run_schema())


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


@hydra.main(version_base="1.3", config_path=str(CONFIG_DIR), config_name="config")
def main(dcfg: DictConfig) -> None:
    """Run the configured simulation into Hydra's output directory."""
    hc = HydraConfig.get()
    run_dir = Path(hc.runtime.output_dir)
    multirun = hc.mode == RunMode.MULTIRUN
    cfg: RunConfig | None = None
    try:
        try:
            cfg = OmegaConf.to_object(dcfg)
        except OmegaConfBaseException as exc:
            raise ConfigError(str(exc).split("\n    full_key")[0]) from exc
        unknown = unknown_keys(dcfg, cfg)
        if unknown:
            # Otherwise silently dropped: a misspelt setting must not run with the default.
            raise ConfigError(f"{', '.join(unknown)}: unknown setting (not in the config schema)")
        meta = run_one(cfg, run_dir, raise_errors=True)
        if not meta.get("skipped"):
            log.info(
                "%s seed %s: complete in %.1fs -> %s",
                cfg.strategy.name,
                cfg.seed,
                meta["wall_seconds"],
                run_dir,
            )
    except (ConfigError, CityDataError) as exc:
        write_failure(run_dir, cfg, exc)
        print(f"cspsim-run: error: {exc}", file=sys.stderr)
        if not multirun:
            sys.exit(2)
    except Exception:  # a failed run must not stop a sweep (run.json records the error)
        log.exception("run failed: %s", run_dir)
        if not multirun:
            sys.exit(1)


if __name__ == "__main__":
    main()
