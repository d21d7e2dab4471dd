"""Rights education ("know your rights"): residents learn how to complain and do so more.

Each day it reaches ``intensity / 365`` of the residents of treated places not yet reached;
those reached complain more after a bad contact (no estimate found; assumed up to 1.5x).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day
from cspsim.model.kernels import grow_towards_one


@dataclass
class RightsEducationSettings:
    """Rights education."""

    intensity: float = setting(
        0.0,
        "share of residents reached per year",
        "reach of the workshops (0 = none)",
        low=0,
        high=1,
    )


@register
class RightsEducation(Component):
    """Workshops on residents' rights in the treated places."""

    key = "rights_education"
    Params = RightsEducationSettings
    order = 62
    example = {"intensity": 0.5}

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """Workshop days, in proportion to the treated places."""
        c = self.params
        if c.intensity <= 0:
            return {}
        m = self.model
        return {"rights": c.intensity * m.params.costs.education_day * m.partnership.active_share}

    @on("work")
    def teach(self, day: Day) -> None:
        """Exposure rises among those reached."""
        if self.params.intensity <= 0:
            return
        m = self.model
        r = m.residents
        reach = np.float32(self.params.intensity / 365.0)
        active = m.partnership.active_places
        if active.all():  # citywide: everyone is reached (np.where would change nothing)
            grow_towards_one(r.rights, reach)
            return
        who = active[m.world.place_index]
        r.rights += np.where(who, reach * (1.0 - r.rights), 0.0).astype(np.float32)
