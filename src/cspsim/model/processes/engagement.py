"""Process 7: civic engagement and collective efficacy by place.

Residents' engagement drifts back to their own disposition (meetings, campaigns and watch,
run by strategy components, raise it). Collective efficacy (Sampson, Raudenbush & Earls
1997) of a place moves towards a target that rises with its residents' trust and engagement
and erodes with crime above its baseline.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cspsim.config import ModelParams
from cspsim.model.world import World


class Engagement:
    """Engagement of residents and collective efficacy of places.

    Args:
        world: The world (residents, place means).
        params: Mechanism parameters.
        crime_ratio: Recent true crime per place relative to its baseline, ``f() -> (P,)``.
    """

    def __init__(
        self, world: World, params: ModelParams, crime_ratio: Callable[[], np.ndarray]
    ) -> None:
        self.world = world
        self.params = params
        self.crime_ratio = crime_ratio
        self.efficacy0 = self.efficacy_target()
        self.efficacy = self.efficacy0.copy()

    def efficacy_target(self) -> np.ndarray:
        """Where collective efficacy is heading: trust and engagement, less excess crime."""
        engagement_pars = self.params.engagement
        r = self.world.residents
        trust = self.world.place_means(r.trust)
        eng = self.world.place_means(r.engagement)
        target = (
            engagement_pars.efficacy_trust_weight * trust
            + engagement_pars.efficacy_engagement_weight * eng
        )
        # Linear in the crime ratio so that noise in a place's recent crime averages out
        # (a log or a one-sided term would drift efficacy at a flat baseline).
        excess = np.clip(self.crime_ratio() - 1.0, -1.0, 2.0)
        target = target - engagement_pars.efficacy_crime_erosion * excess
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
        engagement_pars = self.params.engagement
        r = self.world.residents
        r.engagement += (
            engagement_pars.engagement_relaxation * (r.engagement_disposition - r.engagement)
        ).astype(np.float32)
        np.clip(r.engagement, 0.0, 1.0, out=r.engagement)
