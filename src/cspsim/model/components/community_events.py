"""Community events (block parties, clean-ups, festivals) with officers and partners.

Residents come by engagement; attending raises engagement (neighbours meet: cohesion) and,
as officers attend out of enforcement, is a positive contact with the police; host
organizations do joint work with the police. Recent participation is a shared activity that
builds collective efficacy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components._gatherings import attend
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel

#: Share of a neighbourhood's residents at an event, at average engagement (assumption).
EVENT_ATTENDANCE = 0.05
#: Daily fade of the memory of event participation (shared activity), about a month.
PARTICIPATION_MEMORY = 1.0 / 30.0


@dataclass
class CommunityEventsSettings:
    """Community events."""

    per_month: float = setting(
        0.0, "events per neighbourhood per month", "how often treated beats hold events", low=0
    )


@register
class CommunityEvents(Component):
    """Events in the treated neighbourhoods."""

    key = "community_events"
    Params = CommunityEventsSettings
    order = 66
    example = {"per_month": 2.0}

    def __init__(self, model: CommunitySafetyModel, params: CommunityEventsSettings) -> None:
        super().__init__(model, params)
        self.participation = np.zeros(model.world.n_places)

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """Events in the active neighbourhoods."""
        c = self.params
        if c.per_month <= 0:
            return {}
        m = self.model
        unit = m.params.costs.community_event
        return {"events": c.per_month / 30.0 * m.partnership.active_beats.sum() * unit}

    @on("work")
    def hold(self, day: Day) -> None:
        """Today's events: attendance, engagement, a good contact, joint work."""
        self.participation *= 1.0 - PARTICIPATION_MEMORY
        c = self.params
        if c.per_month <= 0:
            return
        m = self.model
        u = m.streams.get("events", day.day).random(m.world.city.n_neighbourhoods)
        # Under a funding cut only the funded share of the events is held (budget.py).
        rate = c.per_month / 30.0 * day.funded_share(self.key)
        events = m.partnership.active_beats & (u < rate)
        if not events.any():
            return
        r = m.residents
        w = m.world
        at = events[w.city.neighbourhood]
        mean_eng = max(float(r.engagement.mean()), 1e-6)
        contact_pars = m.params.contacts
        positive = contact_pars.negative_trust_loss / contact_pars.asymmetry * w.residents_per_agent
        # One pass over the attendees (share by engagement; a good contact; engagement up).
        _, attended = attend(
            np.flatnonzero(at),  # the attendees: these places' residents
            w.place_start,
            w.place_count,
            r.engagement,
            np.float32(mean_eng),
            np.float32(EVENT_ATTENDANCE),
            w.n_places,
            r.trust_recent,
            r.trust,
            r.engagement,
            m.legitimacy.good,
            (np.float32(positive), np.float32(1.0)),
            np.float32(m.params.partners.event_cohesion_gain),
            np.float32(w.residents_per_agent),
        )
        m.legitimacy.told_at(at)
        self.participation += PARTICIPATION_MEMORY * attended / np.maximum(w.place_count, 1)
        m.partners.work_in(events)

    @on("activity")
    def activity(self, trust: np.ndarray, engagement: np.ndarray) -> np.ndarray | None:
        """Recent participation in events (a shared activity; place means unused)."""
        return self.participation if self.participation.any() else None
