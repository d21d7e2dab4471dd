"""Public education campaign on reporting and civic engagement.

Each day a campaign reaches ``intensity / 365`` of the residents of treated places not yet
reached; exposure raises their chance of reporting and their engagement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day
from cspsim.model.kernels import grow_towards_one


@dataclass
class EducationSettings:
    """Public education campaign."""

    intensity: float = setting(
        0.0, "share of residents reached per year", "campaign reach (0 = none)", low=0, high=1
    )


@register
class Education(Component):
    """A reporting and engagement campaign in the treated places."""

    key = "education"
    Params = EducationSettings
    order = 60
    example = {"intensity": 0.5}

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """Campaign days, in proportion to the treated places."""
        c = self.params
        if c.intensity <= 0:
            return {}
        m = self.model
        return {
            "education": c.intensity * m.params.costs.education_day * m.partnership.active_share
        }

    @on("work")
    def campaign(self, day: Day) -> None:
        """Exposure (reporting) and engagement rise among those reached."""
        intensity = self.params.intensity
        if intensity <= 0:
            return
        m = self.model
        engagement_pars = m.params.engagement
        r = m.residents
        reach = np.float32(intensity / 365.0)
        gain = np.float32(engagement_pars.education_engagement_gain * intensity)
        active = m.partnership.active_places
        if active.all():  # citywide: everyone is reached (np.where would change nothing)
            grow_towards_one(r.education, reach)
            grow_towards_one(r.engagement, gain)
            return
        who = active[m.world.place_index]
        r.education += np.where(who, reach * (1.0 - r.education), 0.0).astype(np.float32)
        r.engagement += np.where(who, gain * (1.0 - r.engagement), 0.0).astype(np.float32)
