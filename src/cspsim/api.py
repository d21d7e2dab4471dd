"""Python API for notebooks: the same runs as ``cspsim-run``, without Hydra.

Example:
    >>> from cspsim import simulate
    >>> res = simulate(city="synthetic", strategy="hotspot", seed=1, days=30,
    ...                overrides=["city.residents=2000", "sim.burn_in_days=10"])
    >>> res.timeseries[["day", "crimes_true", "crimes_recorded"]].head()  # doctest: +SKIP
"""

from __future__ import annotations

import time
from typing import Any

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from cspsim.config import RunConfig
from cspsim.config.checks import check_config
from cspsim.errors import ConfigError
from cspsim.model import CommunitySafetyModel, run_schema
from cspsim.model.schema import describe_type, schema_type, unknown_setting
from cspsim.output.results import Results, collect, run_model
from cspsim.paths import CONFIG_DIR, safe_component


def _group_file(group: str, name: str) -> Any:
    path = CONFIG_DIR / group / f"{name}.yaml"
    if safe_component(name) != name or not path.exists():
        options = sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))
        raise ConfigError(f"{group}: unknown option {name!r}; expected one of {options}")
    return OmegaConf.load(path)


def make_config(
    city: str = "sf2012",
    strategy: str = "reactive",
    seed: int = 0,
    days: int | None = None,
    sim: str = "default",
    params: str = "calibrated",
    overrides: str | list[str] | dict[str, Any] | None = None,
) -> RunConfig:
    """Build a validated :class:`RunConfig` from the shipped config groups and overrides.

    Args:
        city: A file in ``configs/city`` (``sf2012``, ``columbus``, ``synthetic``, ``file``).
        strategy: A file in ``configs/strategy``.
        seed: Root seed.
        days: Days to record (overrides ``sim.days``).
        sim: A file in ``configs/sim`` (``default`` or ``short``).
        params: A file in ``configs/params`` (``calibrated``: the fitted default values).
        overrides: Dotted overrides as Hydra would take them (``["city.residents=5000"]``;
            one may be given as a string) or a nested dict.

    Raises:
        ConfigError: An unknown option, key, or a value of the wrong type.
    """
    base = OmegaConf.structured(run_schema())
    if isinstance(overrides, str):  # one override: not a sequence of one-letter ones
        overrides = [overrides]
    try:
        cfg = OmegaConf.merge(
            base,
            {"city": _group_file("city", city)},
            {"strategy": _group_file("strategy", strategy)},
            {"sim": _group_file("sim", sim)},
            {"params": _group_file("params", params)},
            {"seed": seed},
        )
        if days is not None:
            cfg.sim.days = days
        if isinstance(overrides, dict):
            cfg = OmegaConf.merge(cfg, overrides)
        elif overrides:
            cfg = OmegaConf.merge(cfg, _parsed(list(overrides)))
        return OmegaConf.to_object(cfg)
    except OmegaConfBaseException as exc:
        raise ConfigError(_setting_error(exc)) from exc


def _parsed(overrides: list[str]) -> DictConfig:
    """Overrides read as ``cspsim-run`` reads them (Hydra's grammar), as a config to merge.

    Not as YAML (``OmegaConf.from_dotlist``): a value such as ``%d/%m/%Y %H:%M`` (a date
    format) worked on the command line and was a YAML directive here.
    """
    for item in overrides:
        if "=" not in item or item.startswith(("+", "~")):
            raise ConfigError(
                f"{item!r}: expected key=value of an existing setting (e.g. seed=3; "
                "additions + and deletions ~ are Hydra's, for cspsim-run)"
            )
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except HydraException as exc:
        raise ConfigError(f"overrides: {str(exc).splitlines()[0]}") from exc
    out = OmegaConf.create()
    for override in parsed:
        if override.is_sweep_override():
            raise ConfigError(
                f"{override.input_line}: a list of values sweeps a setting (cspsim-run -m); "
                "give one value, or quote a text with commas"
            )
        OmegaConf.update(out, override.key_or_group, override.value(), merge=True)
    return out


def _setting_error(exc: OmegaConfBaseException) -> str:
    """OmegaConf's error as a user reads it: the setting, and the closest or what it takes."""
    first = str(exc).split("\n")[0]
    key = str(getattr(exc, "full_key", "") or "")
    if not key:
        return first
    unknown = unknown_setting(key)
    if unknown:
        return unknown
    found, _ = schema_type(key)
    return f"{key}: expected {describe_type(found)} ({first})" if found else f"{key}: {first}"


def build_model(cfg: RunConfig | None = None, **kwargs: Any) -> CommunitySafetyModel:
    """Build a model from a config, or from :func:`make_config` keywords.

    Raises:
        ConfigError: A setting of the wrong type, not finite or out of its range.
    """
    cfg = cfg if cfg is not None else make_config(**kwargs)
    check_config(cfg)
    return CommunitySafetyModel(cfg)


def simulate(cfg: RunConfig | None = None, **kwargs: Any) -> Results:
    """Build, run and return the tables of one run.

    Args:
        cfg: A full config; or pass :func:`make_config` keywords instead.
        **kwargs: ``city``, ``strategy``, ``seed``, ``days``, ``sim``, ``overrides``.
    """
    start = time.perf_counter()
    model = build_model(cfg, **kwargs)
    step = run_model(model)
    return collect(model, time.perf_counter() - start, step)
