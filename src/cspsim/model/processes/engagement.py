"""Process 7: civic engagement and collective efficacy by place.

Residents' engagement drifts back to their own disposition (meetings, campaigns, events and
watch, run by strategy components, raise it). Collective efficacy, neighbours' cohesion and
willingness to intervene (Sampson, Raudenbush & Earls 1997), moves toward a target built from
local ties and residents' engagement and shared activity (watch, events, volunteering), with
police trust entering only through its own small channel, expected police backing (Silver &
Miller 2004; Kochel 2009); it erodes with crime above its baseline (Hipp 2016).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cspsim.config import ModelParams
from cspsim.model.world import World


class Engagement:
    """Engagement of residents and collective efficacy of places.

    Args:
        world: The world (residents, place means, local ties).
        params: Mechanism parameters.
        crime_ratio: Recent true crime per place relative to its baseline, ``f() -> (P,)``.
        activity: Share of each place's residents in shared activities (watch, events,
            volunteering) today, ``f() -> (P,)``.
    """

    def __init__(
        self,
        world: World,
        params: ModelParams,
        crime_ratio: Callable[[], np.ndarray],
        activity: Callable[[], np.ndarray],
    ) -> None:
        self.world = world
        self.params = params
        self.crime_ratio = crime_ratio
        self.activity = activity
        self.efficacy0 = self.efficacy_target()
        self.efficacy = self.efficacy0.copy()

    def efficacy_target(self) -> np.ndarray:
        """Where collective efficacy is heading.

        Cohesion and participation, expected police backing, less excess crime.
        """
        ep = self.params.engagement
        r = self.world.residents
        trust = self.world.place_means(r.trust)
        eng = self.world.place_means(r.engagement)
        participation = 0.5 * (eng + np.minimum(self.activity(), 1.0))
        target = (
            ep.efficacy_ties_weight * self.world.local_tie_share
            + ep.efficacy_engagement_weight * participation
            + ep.efficacy_police_weight * trust
        )
        # Linear in the crime ratio so that noise in a place's recent crime averages out
        # (a log or a one-sided term would drift efficacy at a flat baseline).
        excess = np.clip(self.crime_ratio() - 1.0, -1.0, 2.0)
        target = target - ep.efficacy_crime_erosion * excess
        return np.clip(target, 0.0, 1.0)

    def update_efficacy(self) -> None:
        """Move collective efficacy one day towards its target."""
        rate = self.params.engagement.efficacy_rate
        self.efficacy += rate * (self.efficacy_target() - self.efficacy)

    def efficacy_gain(self) -> np.ndarray:
        """Collective efficacy relative to the start, per place (guardianship in crime)."""
        return self.efficacy - self.efficacy0

    def relax_engagement(self) -> None:
        """Engagement drifts back to each resident's disposition."""
        ep = self.params.engagement
        r = self.world.residents
        r.engagement += (
            ep.engagement_relaxation * (r.engagement_disposition - r.engagement)
        ).astype(np.float32, copy=False)
        np.clip(r.engagement, 0.0, 1.0, out=r.engagement)
