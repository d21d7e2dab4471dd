"""Neighbourhood watch: residents watch over the places with the most property crime.

Covered places get more guardianship against property crime and disorder, in proportion to
residents' participation (which follows their engagement); Bennett, Holloway & Farrington
2008 report -16% to -26% in covered areas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day
from cspsim.model.types import DISORDER, PROPERTY

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel

#: Share of a covered place's residents active in its watch at full participation
#: (assumption: watches are run by a minority of households).
WATCH_ACTIVE_SHARE = 0.15


@dataclass
class WatchSettings:
    """Neighbourhood watch."""

    coverage: float = setting(
        0.0,
        "share of treated places",
        "places covered, highest recorded property plus disorder crime first",
        low=0,
        high=1,
    )


@register
class Watch(Component):
    """Watch groups at the places with most recorded property crime and disorder."""

    key = "watch"
    Params = WatchSettings
    order = 40
    example = {"coverage": 0.3}

    def __init__(self, model: CommunitySafetyModel, params: WatchSettings) -> None:
        super().__init__(model, params)
        self.covered = np.zeros(model.world.n_places)  # 0/1 per place

    @on("start")
    def start(self, day: Day) -> None:
        """Watch groups form at the places with most recorded property crime and disorder."""
        if self.params.coverage <= 0:
            return
        ps = self.model.partnership
        n = int(round(self.params.coverage * ps.active_places.sum()))
        rec = ps.recorded_history
        self.covered[ps.top_places(rec[:, PROPERTY] + rec[:, DISORDER], n)] = 1.0

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """Coordination of the covered places."""
        if not self.covered.any():
            return {}
        return {"watch": self.covered.sum() * self.model.params.costs.watch_place_month / 30.0}

    def participation(self, by_place: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """Share of each place's residents taking part in the watch where it runs (0-1).

        Rises with residents' engagement and, a little, with their trust (Tyler & Fagan 2008:
        legitimacy matters less for helping neighbours than for helping police).

        Args:
            by_place: Today's mean engagement and trust by place, when the caller has them
                (the same sums: only the covered places' are used); else computed here.
        """
        m = self.model
        ep = m.params.engagement
        w = m.world
        covered = self.covered > 0
        if by_place is None:
            by_place = w.place_means_of(m.residents.engagement, m.residents.trust, places=covered)
        eng, trust = by_place
        share = ep.watch_participation * np.minimum(
            1.5, eng / max(m.params.residents.engagement_mean, 1e-6)
        )
        share = share * np.exp(ep.watch_trust_effect * (trust - w.reference_trust))
        return np.where(covered, np.minimum(share, 1.0), 0.0)

    @on("guardianship", order=10)
    def guardianship(self) -> np.ndarray | None:
        """Crime multiplier (P, 4) from watch; property and disorder only."""
        if not self.covered.any():
            return None
        m = self.model
        out = np.ones((m.world.n_places, 4))
        factor = np.exp(-m.params.crime.watch_effect * self.participation())
        out[:, PROPERTY] = factor
        out[:, DISORDER] = factor
        return out

    @on("activity")
    def activity(self, trust: np.ndarray, engagement: np.ndarray) -> np.ndarray | None:
        """Residents active in the watch: a shared activity that builds cohesion.

        Args:
            trust: Mean trust by place (the efficacy step's, shared: not summed again).
            engagement: Mean engagement by place.
        """
        if not self.covered.any():
            return None
        return WATCH_ACTIVE_SHARE * self.participation((engagement, trust))

    @on("targeted")
    def targeted(self) -> np.ndarray:
        """The covered places."""
        return self.covered > 0
