"""Volunteering: a drive that recruits residents to volunteer with local organizations.

Residents volunteer by engagement up to the drive's target share; volunteering is a shared
activity that builds collective efficacy and keeps volunteers engaged (Sampson et al. 1997:
organizational participation goes with collective efficacy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day
from cspsim.model.kernels import _jit, range_sums, range_view

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel


@dataclass
class VolunteeringSettings:
    """A volunteering drive."""

    share: float = setting(
        0.0, "share of residents", "residents of treated places recruited (0 = none)", low=0, high=1
    )


@register
class Volunteering(Component):
    """Volunteers in the treated places, by engagement."""

    key = "volunteering"
    Params = VolunteeringSettings
    order = 68
    example = {"share": 0.1}

    def __init__(self, model: CommunitySafetyModel, params: VolunteeringSettings) -> None:
        super().__init__(model, params)
        self.volunteers = np.zeros(model.world.n_places)

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """Coordination by the organizations of the treated neighbourhoods."""
        if self.params.share <= 0:
            return {}
        m = self.model
        n_orgs = int(m.partnership.active_beats[m.partners.neighbourhood].sum())
        return {"volunteering": n_orgs * m.params.costs.partnership_day}

    @on("work")
    def volunteer(self, day: Day) -> None:
        """Volunteers by place (the engaged volunteer); they stay engaged."""
        if self.params.share <= 0:
            return
        m = self.model
        r = m.residents
        w = m.world
        mean_eng = max(float(r.engagement.mean()), 1e-6)
        # Organizations coordinate volunteers as far as their coordination is funded.
        base = self.params.share * day.funded_share(self.key)
        sums = _volunteer(
            r.engagement,
            np.flatnonzero(m.partnership.active_places),
            w.place_start,
            w.place_count,
            np.float32(base),
            np.float32(mean_eng),
            np.float32(m.params.engagement.engagement_relaxation),
            w.n_places,
        )
        # Places without residents take the city's mean share (as place means do).
        city_mean = sums.sum() / max(r.n, 1)
        count = w.place_count
        self.volunteers = np.divide(sums, count, out=np.full(len(sums), city_mean), where=count > 0)

    @on("activity")
    def activity(self, trust: np.ndarray, engagement: np.ndarray) -> np.ndarray | None:
        """Residents volunteering (a shared activity; place means unused)."""
        return self.volunteers if self.volunteers.any() else None


@_jit
def _volunteer(
    engagement: np.ndarray,
    active_places: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
    base: np.float32,
    mean_eng: np.float32,
    relax: np.float32,
    n: int,
) -> np.ndarray:  # pragma: no cover - compiled
    """One pass of volunteering; returns the sum of the shares by place (float64).

    Each resident of an active place volunteers ``min(base · engagement / mean, 1)`` of the
    time and stays engaged by ``relax · share · (1 - engagement)``. Float32 as the NumPy
    form was; each place's sum adds its residents (``starts``/``counts``: residents are
    sorted by place) in order, from 0, in float64 (:func:`~.kernels.range_sums`). The
    shares are computed first, place by place through views (the divisions vectorize),
    and summed after, four places side by side: in one loop every division and every
    addition waited for the one before (51-66 against 108 us a day at 100k).
    """
    one = np.float32(1.0)
    shares = np.empty(len(engagement), np.float32)
    for p in active_places:
        place = range_view(engagement, starts, counts, p)
        share = range_view(shares, starts, counts, p)
        for t in range(len(place)):
            e = place[t]
            s = min(base * e / mean_eng, one)
            share[t] = s
            place[t] = e + relax * s * (one - e)
    sums = np.zeros(n)
    sums[active_places] = range_sums(starts, counts, active_places, (shares,))[0]
    return sums
