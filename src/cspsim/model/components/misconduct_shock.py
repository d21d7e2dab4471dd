"""A publicized misconduct incident: trust falls on one day, city-wide or in some places."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day


@dataclass
class MisconductShockSettings:
    """A misconduct incident."""

    day: int = setting(-1, "day", "day of the incident (-1 = none)", low=-1)
    trust_drop: float = setting(
        0.1, "share of trust", "residents' trust falls by this share", low=0, high=1
    )
    neighbourhoods: list[str] = field(
        default_factory=list,
        metadata={"unit": "neighbourhood names", "doc": "where it hits (empty = city-wide)"},
    )


@register
class MisconductShock(Component):
    """Trust falls by a share on the day of the incident."""

    key = "misconduct_shock"
    group = "modifiers"
    Params = MisconductShockSettings
    order = 0
    example = {"day": 5}

    @on("events")
    def incident(self, day: Day) -> None:
        """On its day, residents of the hit neighbourhoods lose a share of their trust."""
        c = self.params
        if c.day != day.day or c.day < 0:
            return
        world = self.model.world
        r = world.residents
        if c.neighbourhoods:
            mask = world.neighbourhood_mask(
                c.neighbourhoods, 0.0, None, "modifiers.misconduct_shock.neighbourhoods"
            )
            hit = mask[world.city.neighbourhood[r.place]]
        else:
            hit = np.ones(r.n, dtype=bool)
        r.trust[hit] = (r.trust[hit] * (1.0 - c.trust_drop)).astype(np.float32)
