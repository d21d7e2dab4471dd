"""The top-level run config (base): what ``cspsim-run`` and :func:`cspsim.simulate` take.

:func:`cspsim.model.schema.run_schema` extends it with the components' settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cspsim.config.city import CityConfig
from cspsim.config.params import ModelParams
from cspsim.config.sim import Modifiers, SimConfig
from cspsim.config.strategy import StrategyConfig


@dataclass
class RunConfig:
    """One simulation run.

    Attributes:
        seed: Root seed; every random decision draws from a named stream derived from it.
        city: The city.
        strategy: The strategy.
        sim: Run length and recording.
        params: Mechanism parameters.
        modifiers: Scenario modifiers.
    """

    seed: int = field(default=0, metadata={"low": 0})
    city: CityConfig = field(default_factory=CityConfig)
    strategy: StrategyConfig = field(default_factory=StrategyConfig)
    sim: SimConfig = field(default_factory=SimConfig)
    params: ModelParams = field(default_factory=ModelParams)
    modifiers: Modifiers = field(default_factory=Modifiers)
