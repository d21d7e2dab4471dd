"""A publicized misconduct incident: trust falls on one day, most where cynicism is high.

Residents of the neighbourhoods it hits (city-wide if none are named) lose a share of their
trust, more in neighbourhoods whose legal cynicism is already high (the incident confirms
the frame; Kirk & Papachristos 2011); their ties elsewhere hear of it and lose a part of that
(vicarious; Rosenbaum et al. 2005). The loss then fades into residents' long-run belief like
any bad experience: part of it stays (Gallup 2020-21).
"""

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
        0.1,
        "share of trust",
        "share of trust lost by residents of the hit neighbourhoods at average cynicism",
        low=0,
        high=1,
    )
    neighbourhoods: list[str] = field(
        default_factory=list,
        metadata={"unit": "neighbourhood names", "doc": "where it hits (empty = city-wide)"},
    )


@register
class MisconductShock(Component):
    """Trust falls on the day of the incident, where it happened and among ties elsewhere."""

    key = "misconduct_shock"
    group = "modifiers"
    Params = MisconductShockSettings
    order = 0
    example = {"day": 5}

    @on("events")
    def incident(self, day: Day) -> None:
        """On its day, residents lose trust by exposure and neighbourhood cynicism."""
        c = self.params
        if c.day != day.day or c.day < 0:
            return
        m = self.model
        world = m.world
        r = world.residents
        if c.neighbourhoods:
            mask = world.neighbourhood_mask(
                c.neighbourhoods, 0.0, None, "modifiers.misconduct_shock.neighbourhoods"
            )
            hit = mask[world.city.neighbourhood[world.place_index]].astype(np.float64)
        else:
            hit = np.ones(r.n)
        lp = m.params.legitimacy
        heard = world.ties_w @ hit  # share of one's ties who live where it happened
        exposure = np.maximum(hit, lp.vicarious_weight * heard)
        leg = m.legitimacy
        amplify = 1.0 + lp.cynicism_amplification * (
            leg.resident_cynicism() - leg.reference_cynicism
        )
        leg.shock(np.clip(c.trust_drop * exposure * np.maximum(amplify, 0.0), 0.0, 1.0))
