"""Procedural-justice training: officers learn to treat people fairly and respectfully.

Trained officers' skill rises towards the target over about half a year; skill lowers the
share of contacts residents experience as negative (Mazerolle et al. 2013). Training hours
are paid from the budget (Chicago's programme: Wood, Tyler & Papachristos 2020).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day

#: Days for procedural-justice training to bring officers to the target skill.
PJ_TRAINING_DAYS = 180.0


@dataclass
class ProceduralJusticeSettings:
    """Procedural-justice training for the officers of treated beats."""

    skill: float = setting(
        0.0, "0-1", "target officer skill (0 = no training programme)", low=0, high=1
    )
    training_hours: float = setting(
        24.0, "hours per officer per year", "training time paid from the budget", low=0
    )


@register
class ProceduralJustice(Component):
    """Training of the officers of beats where the strategy runs."""

    key = "procedural_justice"
    Params = ProceduralJusticeSettings
    order = 50
    example = {"skill": 0.8}

    @on("begin_day")
    def train(self, day: Day) -> None:
        """A day of training: skill closes 1/180 of its gap to the target."""
        if self.params.skill <= 0:
            return
        force = self.model.police.force
        trained = self.model.partnership.active_beats[force.beat]
        gap = np.maximum(self.params.skill - force.skill, 0.0)
        force.skill[:] = np.where(trained, force.skill + gap / PJ_TRAINING_DAYS, force.skill)

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """Training hours of the officers of treated beats."""
        c = self.params
        if c.skill <= 0:
            return {}
        m = self.model
        return {
            "training": (
                m.police.force.n
                * m.partnership.active_share
                * c.training_hours
                / 365.0
                * m.params.costs.procedural_justice_training_hour
            )
        }
