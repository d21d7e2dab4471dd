"""Staggered rollout: the strategy runs only in treated neighbourhoods from ``start_day``.

Before the start day, and in control neighbourhoods always, the baseline (reactive) runs,
so a difference-in-differences evaluation has its comparison group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register


@dataclass
class RolloutSettings:
    """Where and when the strategy runs."""

    start_day: int = setting(0, "day after burn-in", "first day the strategy is active", low=0)
    treated: list[str] = field(
        default_factory=list,
        metadata={
            "unit": "neighbourhood names",
            "doc": "neighbourhoods treated; empty with treated_share > 0 draws them",
        },
    )
    treated_share: float = setting(
        0.0,
        "share of neighbourhoods",
        "drawn at random (stream rollout) when treated is empty; 0 with an empty list means "
        "citywide (no rollout)",
        low=0,
        high=1,
    )


@register
class Rollout(Component):
    """Treated places and the start day of the strategy."""

    key = "rollout"
    group = "modifiers"
    Params = RolloutSettings
    order = 0
    example = {"start_day": 5, "treated_share": 0.5}

    @on("treated")
    def treated_places(self) -> np.ndarray:
        """Places where the strategy applies once started (bool per place)."""
        c = self.params
        world = self.model.world
        if not c.treated and c.treated_share <= 0:
            return np.ones(world.n_places, dtype=bool)
        rng = self.model.streams.get("rollout")
        mask = world.neighbourhood_mask(
            c.treated, c.treated_share, rng, "modifiers.rollout.treated"
        )
        return mask[world.city.neighbourhood]

    @on("start_day")
    def start_day(self) -> int:
        """First day the strategy runs."""
        return self.params.start_day
