"""Process 7: meetings, education, neighbourhood watch and collective efficacy.

Meetings and the campaign act mean-field on resident agents: an agent stands for k people,
of whom a share ``attendance * engagement`` attends, so its state moves by that share of the
full effect. Collective efficacy (Sampson et al. 1997) of a place rises with its residents'
trust and engagement and erodes with crime above its baseline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cspsim.processes.crime import DISORDER, PROPERTY

if TYPE_CHECKING:
    from cspsim.model import CommunitySafetyModel


class Engagement:
    """Community engagement state by place (efficacy, watch, concerns)."""

    def __init__(self, model: CommunitySafetyModel) -> None:
        self.model = model
        self.efficacy0 = self.efficacy_target()
        self.efficacy = self.efficacy0.copy()
        self.watch = np.zeros(model.n_places)  # coverage 0/1 per place
        self.concern = np.zeros(model.n_places)  # residents' voiced concern, 0-1
        self.meetings_held = 0

    def place_means(self, values: np.ndarray) -> np.ndarray:
        """Mean of a resident array by place (places with no residents get the city mean)."""
        m = self.model
        total = np.bincount(m.residents.place, weights=values, minlength=m.n_places)
        count = m.place_count
        mean = float(values.mean()) if len(values) else 0.0
        return np.divide(total, count, out=np.full(m.n_places, mean), where=count > 0)

    def efficacy_target(self) -> np.ndarray:
        """Where collective efficacy is heading: trust and engagement, less excess crime."""
        ep = self.model.params.engagement
        r = self.model.residents
        trust = self.place_means(r.trust)
        eng = self.place_means(r.engagement)
        target = ep.efficacy_trust_weight * trust + ep.efficacy_engagement_weight * eng
        if hasattr(self.model, "crime"):
            # Linear in the crime ratio so that noise in a place's recent crime averages out
            # (a log or a one-sided term would drift efficacy at a flat baseline).
            excess = np.clip(self.model.crime.crime_ratio() - 1.0, -1.0, 2.0)
            target = target - ep.efficacy_crime_erosion * excess
        return np.clip(target, 0.0, 1.0)

    def update_efficacy(self) -> None:
        """Move collective efficacy one day towards its target."""
        rate = self.model.params.engagement.efficacy_rate
        self.efficacy += rate * (self.efficacy_target() - self.efficacy)

    def hold_meetings(self, meeting_nbhd: np.ndarray, voice: float) -> None:
        """Meetings today in the flagged neighbourhoods: trust, engagement and concerns."""
        if not meeting_nbhd.any():
            return
        m = self.model
        ep = m.params.engagement
        r = m.residents
        place_meets = meeting_nbhd[m.city.neighbourhood]
        who = np.flatnonzero(place_meets[r.place])
        share = ep.meeting_attendance * r.engagement[who]
        r.trust[who] += (share * ep.meeting_trust_gain * (1.0 - r.trust[who])).astype(np.float32)
        r.engagement[who] += (
            share * ep.meeting_engagement_gain * (1.0 - r.engagement[who])
        ).astype(np.float32)
        # Attendees voice concerns: fear and recent crime at their places steer the partners.
        voiced = self.voiced_concern()
        self.concern = np.where(
            place_meets, (1 - voice) * self.concern + voice * voiced, self.concern
        )
        self.meetings_held += int(meeting_nbhd.sum())

    def voiced_concern(self) -> np.ndarray:
        """Concern residents of each place would voice (0-1): their fear and recent crime."""
        m = self.model
        fear = self.place_means(m.residents.fear)
        ratio = m.crime.crime_ratio()
        return np.clip(0.5 * fear / max(fear.mean(), 1e-6) * np.sqrt(ratio), 0.0, 2.0) / 2.0

    def run_campaign(self, intensity: float, active_places: np.ndarray) -> None:
        """Education campaign: exposure (reporting) and engagement rise among those reached."""
        if intensity <= 0:
            return
        ep = self.model.params.engagement
        r = self.model.residents
        who = active_places[r.place]
        reach = np.float32(intensity / 365.0)
        r.education += np.where(who, reach * (1.0 - r.education), 0.0).astype(np.float32)
        gain = np.float32(ep.education_engagement_gain * intensity)
        r.engagement += np.where(who, gain * (1.0 - r.engagement), 0.0).astype(np.float32)

    def relax_engagement(self) -> None:
        """Engagement drifts back to each resident's disposition."""
        ep = self.model.params.engagement
        r = self.model.residents
        r.engagement += (
            ep.engagement_relaxation * (r.engagement_disposition - r.engagement)
        ).astype(np.float32)
        np.clip(r.engagement, 0.0, 1.0, out=r.engagement)
        np.clip(r.trust, 0.0, 1.0, out=r.trust)

    def watch_multiplier(self) -> np.ndarray:
        """Crime multiplier (P, 4) from neighbourhood watch; property and disorder only."""
        m = self.model
        out = np.ones((m.n_places, 4))
        if not self.watch.any():
            return out
        cp, ep = m.params.crime, m.params.engagement
        eng = self.place_means(m.residents.engagement)
        participation = ep.watch_participation * np.minimum(
            1.5, eng / max(m.params.residents.engagement_mean, 1e-6)
        )
        factor = np.exp(-cp.watch_effect * self.watch * np.minimum(participation, 1.0))
        out[:, PROPERTY] = factor
        out[:, DISORDER] = factor
        return out
