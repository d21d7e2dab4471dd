"""Typed configuration (dataclasses): the pieces of the Hydra schema.

The full run schema adds the strategy components' and modifiers' settings, which the
components declare themselves: see :func:`cspsim.model.schema.run_schema`.
"""

from cspsim.config.city import CITY_KINDS, CityConfig
from cspsim.config.params import ModelParams
from cspsim.config.run import RunConfig
from cspsim.config.sim import Modifiers, SimConfig
from cspsim.config.strategy import StrategyConfig

__all__ = [
    "CITY_KINDS",
    "CityConfig",
    "ModelParams",
    "Modifiers",
    "RunConfig",
    "SimConfig",
    "StrategyConfig",
]
