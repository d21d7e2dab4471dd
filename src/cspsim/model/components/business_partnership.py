"""Business partnership: liaison officers work with business associations as place managers.

Joint work raises the partnership's strength with the business associations of the treated
places; a strong partner manages its commercial places better (lighting, staff, cameras:
Eck 2002), which the partners process turns into guardianship at commercial places.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day
from cspsim.model.processes.partners import BUSINESS

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel


@dataclass
class BusinessPartnershipSettings:
    """Liaison with business associations."""

    engaged: float = setting(
        0.0,
        "share of business associations",
        "business associations of the treated places worked with (0 = none)",
        low=0,
        high=1,
    )


@register
class BusinessPartnership(Component):
    """Daily joint work with the business associations of the treated places."""

    key = "business_partnership"
    Params = BusinessPartnershipSettings
    order = 64
    example = {"engaged": 1.0}

    def __init__(self, model: CommunitySafetyModel, params: BusinessPartnershipSettings) -> None:
        super().__init__(model, params)
        self.partners_engaged = np.empty(0, np.int64)

    @on("start")
    def start(self, day: Day) -> None:
        """Engage the business associations of the most commercial treated places first."""
        if self.params.engaged <= 0:
            return
        m = self.model
        pt = m.partners
        biz = np.array(
            [
                k == BUSINESS and m.partnership.active_places[p]
                for k, p in zip(pt.kind, pt.place, strict=True)
            ],
            dtype=bool,
        )
        candidates = np.flatnonzero(biz)
        order = np.argsort(-pt.commercial[pt.place[candidates]], kind="stable")
        n = int(round(self.params.engaged * len(candidates)))
        self.partners_engaged = candidates[order[:n]]

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """Liaison time per engaged association."""
        if len(self.partners_engaged) == 0:
            return {}
        unit = self.model.params.costs.partnership_day
        return {"business": len(self.partners_engaged) * unit}

    @on("work")
    def liaise(self, day: Day) -> None:
        """A day of joint work with each engaged association (its funded share under a cut)."""
        if len(self.partners_engaged):
            self.model.partners.work_with(self.partners_engaged, day.funded_share(self.key))
