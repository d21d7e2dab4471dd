"""Typed configuration (dataclasses); Hydra's ConfigStore uses them as the schema."""

from cspsim.config.city import CITY_KINDS, CityConfig
from cspsim.config.params import ModelParams
from cspsim.config.run import RunConfig
from cspsim.config.sim import Modifiers, SimConfig
from cspsim.config.strategy import PATROL_MODES, StrategyConfig

__all__ = [
    "CITY_KINDS",
    "PATROL_MODES",
    "CityConfig",
    "ModelParams",
    "Modifiers",
    "RunConfig",
    "SimConfig",
    "StrategyConfig",
]
