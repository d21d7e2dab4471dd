"""Community meetings (beat meetings), residents' voice, and transparency reports.

Meetings act mean-field on resident agents: an agent stands for k people, of whom a share
``attendance * engagement`` attends, so its state moves by that share of the full effect
(Skogan & Hartnett 1997: CAPS beat meetings). Attendees voice concerns (their fear and the
crime around them), which steer community patrol and programs when ``voice`` > 0. At every
review a transparency report publishes the KPIs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day

#: Trust change per review among engaged residents when transparency reports show crime
#: going down (up: half of it lost) (assumption; Skogan 2006 on accountability).
TRANSPARENCY_TRUST = 0.02


@dataclass
class MeetingsSettings:
    """Community meetings and transparency reports."""

    per_month: float = setting(
        0.0, "meetings per neighbourhood per month", "how often beats meet (0 = none)", low=0
    )
    voice: float = setting(
        0.5, "0-1", "how much residents' concerns steer patrol and programs", low=0, high=1
    )
    transparency: bool = setting(
        False, "flag", "publish KPI reports at every review (trust among engaged residents)"
    )


@register
class Meetings(Component):
    """Beat meetings: trust and engagement of attendees, concerns, transparency reports."""

    key = "meetings"
    Params = MeetingsSettings
    order = 30
    example = {"per_month": 2.0, "transparency": True}

    def __init__(self, model, params: MeetingsSettings) -> None:
        super().__init__(model, params)
        self.last_review_recorded: float | None = None

    @on("start", order=5)
    def listening_round(self, day: Day) -> None:
        """Concerns are heard before anything else starts, so targeting has them from day 0."""
        if self.params.per_month <= 0:
            return
        ps = self.model.partnership
        ps.voice = self.params.voice
        ps.concern = np.where(ps.active_places, self.voiced_concern(), 0.0)

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """Meetings in the active neighbourhoods."""
        c = self.params
        if c.per_month <= 0:
            return {}
        unit = self.model.params.costs.meeting
        return {"meetings": c.per_month / 30.0 * self.model.partnership.active_beats.sum() * unit}

    @on("work")
    def hold(self, day: Day) -> None:
        """Meetings held today (each active neighbourhood meets at ``per_month`` / 30 a day)."""
        c = self.params
        if c.per_month <= 0:
            return
        m = self.model
        u = m.streams.get("meetings", day.day).random(m.world.city.n_neighbourhoods)
        meets = m.partnership.active_beats & (u < c.per_month / 30.0)
        day.meetings_held += self.meet(meets, c.voice)

    def meet(self, meeting_nbhd: np.ndarray, voice: float) -> int:
        """Meetings in the flagged neighbourhoods; returns how many were held.

        Attendees' trust and engagement rise and their concerns are recorded.
        """
        if not meeting_nbhd.any():
            return 0
        m = self.model
        engagement_pars = m.params.engagement
        r = m.residents
        place_meets = meeting_nbhd[m.world.city.neighbourhood]
        who = np.flatnonzero(place_meets[m.world.place_index])
        share = engagement_pars.meeting_attendance * r.engagement[who]
        r.trust[who] += (share * engagement_pars.meeting_trust_gain * (1.0 - r.trust[who])).astype(
            np.float32
        )
        r.engagement[who] += (
            share * engagement_pars.meeting_engagement_gain * (1.0 - r.engagement[who])
        ).astype(np.float32)
        np.clip(r.trust, 0.0, 1.0, out=r.trust)
        ps = m.partnership
        voiced = self.voiced_concern()
        ps.concern = np.where(place_meets, (1 - voice) * ps.concern + voice * voiced, ps.concern)
        return int(meeting_nbhd.sum())

    def voiced_concern(self) -> np.ndarray:
        """Concern residents of each place would voice (0-1): their fear and recent crime."""
        m = self.model
        fear = m.world.place_means(m.residents.fear)
        ratio = m.crime.crime_ratio()
        return np.clip(0.5 * fear / max(fear.mean(), 1e-6) * np.sqrt(ratio), 0.0, 2.0) / 2.0

    @on("review", order=80)
    def publish(self, day: Day) -> None:
        """Transparency report: trust among engaged residents follows the reported trend."""
        if not self.params.transparency:
            return
        m = self.model
        ps = m.partnership
        total = ps.recorded_since_review.sum()
        if self.last_review_recorded is not None:
            direction = 1.0 if total <= self.last_review_recorded else -0.5
            r = m.residents
            who = ps.active_places[m.world.place_index]
            delta = (
                direction
                * TRANSPARENCY_TRUST
                * r.engagement
                * (1.0 - r.trust if direction > 0 else r.trust)
            )
            r.trust += np.where(who, delta, 0.0).astype(np.float32)
            np.clip(r.trust, 0.0, 1.0, out=r.trust)
        self.last_review_recorded = total
