"""Patrol: where proactive patrol hours go and how patrol contacts go.

Modes: ``random`` (uniform over places, the reactive baseline), ``hotspot`` (a share of
hours on the top places by *recorded* crime, re-ranked at every review; Braga et al. 2019),
``community`` (officers fixed to neighbourhood beats on foot, spread by population and
residents' concerns; fewer stops, more positive contacts; Skogan & Hartnett 1997). Zero
tolerance is ``hotspot`` with more stops, more of them negative and more low-level offences
found (order maintenance). A place-randomized trial (Sherman & Weisburd 1995) can run on the
top places by recorded crime.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.agents import DUTY_MODES
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day
from cspsim.model.partnership import HISTORY_DECAY
from cspsim.model.processes.policing import PatrolPolicy

log = logging.getLogger("cspsim")

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel

PATROL_MODES = ("random", "hotspot", "community")


@dataclass
class PatrolSettings:
    """How proactive patrol hours (those left after answering calls) are spread."""

    mode: str = setting(
        "random", "mode", "random, hotspot or community patrol", choices=PATROL_MODES
    )
    hotspot_share: float = setting(
        0.5, "share of proactive hours", "hours sent to hot spots in hotspot mode", low=0, high=1
    )
    hotspot_places: float = setting(
        0.05, "share of places", "places that count as hot spots", low=0, high=1
    )
    stop_multiplier: float = setting(
        1.0,
        "ratio to baseline",
        "police-initiated contacts per patrol hour (zero tolerance: aggressive order maintenance)",
        low=0,
    )
    negative_multiplier: float = setting(
        1.0, "ratio to baseline", "share of stops experienced as negative", low=0
    )
    disorder_discovery_multiplier: float = setting(
        1.0,
        "ratio to baseline",
        "discovery of disorder and drug offences per hour (order maintenance finds more)",
        low=0,
    )
    foot_negative_multiplier: float = setting(
        0.5,
        "ratio to car patrol",
        "negative share of foot-patrol contacts (Skogan & Hartnett 1997; Gill et al. 2014)",
        low=0,
    )
    foot_stop_multiplier: float = setting(
        0.5, "ratio to baseline", "stops per hour on community foot patrol", low=0
    )
    community_share: float = setting(
        0.0,
        "share of proactive officers",
        "officers on community foot beats while the rest patrol in ``mode`` (ignored in "
        "community mode)",
        low=0,
        high=1,
    )
    trial_places: int = setting(
        0,
        "places",
        "place-randomized trial: the top N places by recorded crime at the start (0 = none)",
        low=0,
    )
    trial_treated_share: float = setting(
        0.5, "share of trial places", "assigned at random to treatment", low=0, high=1
    )
    trial_dosage: float = setting(
        2.0,
        "ratio to elsewhere",
        "random-patrol presence at treated trial places (2 = about double, as in Minneapolis)",
        low=0,
    )


@register
class Patrol(Component):
    """Proactive patrol: the deployment plan, duty orders and the patrol policy."""

    key = "patrol"
    Params = PatrolSettings
    order = 70
    example = {"mode": "hotspot"}

    def __init__(self, model: CommunitySafetyModel, params: PatrolSettings) -> None:
        super().__init__(model, params)
        self.hotspots = np.empty(0, dtype=np.int64)

    @on("start")
    def start(self, day: Day) -> None:
        """Rank hot spots, draw the trial, set the policy and the plan."""
        ps = self.model.partnership
        self._rank_hotspots(ps.recorded_history)
        if self.params.trial_places > 0:
            self._assign_trial(ps.recorded_history)
        self.model.police.policy = self._policy()
        self._update_plan()

    @on("orders", order=90)
    def orders(self, day: Day) -> None:
        """Community officers (mixed mode) and each beat's patrol mode."""
        c, o = self.params, day.orders
        if c.community_share > 0 and c.mode != "community":
            o.community = int(round(c.community_share * (o.n_on - o.problem_solvers)))
        ps = self.model.partnership
        o.beat_mode = np.where(ps.active_beats, DUTY_MODES.index(c.mode), 0)
        o.community_beats = ps.active_beats

    @on("work")
    def replan_after_meetings(self, day: Day) -> None:
        """Community beats and hot spots follow the concerns raised at today's meetings."""
        if not day.meetings_held:
            return
        if self.params.mode == "hotspot":
            self._rank_hotspots(self.model.partnership.recorded_history * HISTORY_DECAY)
        self._update_plan()

    @on("review")
    def review(self, day: Day) -> None:
        """Re-rank hot spots on what was recorded since the last review; update the plan."""
        self._rank_hotspots(self.model.partnership.recorded_since_review)
        self._update_plan()

    @on("targeted")
    def targeted(self) -> np.ndarray:
        """Hot spots (in hotspot mode) and treated trial places."""
        out = np.zeros(self.model.world.n_places, dtype=bool)
        if self.params.mode == "hotspot" and self.params.hotspot_share > 0:
            out[self.hotspots] = True
        if self.params.trial_dosage != 1.0:
            out |= self.model.partnership.trial_arm == 1
        return out

    # ----- internals ------------------------------------------------------------------
    def _rank_hotspots(self, recorded: np.ndarray) -> None:
        ps = self.model.partnership
        n = max(1, int(round(self.params.hotspot_places * self.model.world.n_places)))
        # Residents' voice adds the places they raised to what recorded crime shows.
        score = recorded.sum(axis=1) * ps.priority * (1.0 + ps.voice * ps.concern)
        self.hotspots = ps.top_places(score, n)

    def _assign_trial(self, recorded: np.ndarray) -> None:
        """Randomize the top places by recorded crime into treated and control arms."""
        c = self.params
        ps = self.model.partnership
        pool = ps.top_places(recorded.sum(axis=1), c.trial_places)
        if len(pool) < c.trial_places:  # once cut without a word
            log.warning(
                "strategy.patrol.trial_places=%d: the city has %d places to draw from; the "
                "trial takes them all",
                c.trial_places,
                len(pool),
            )
        order = self.model.streams.get("trial").permutation(len(pool))
        n_treated = int(round(c.trial_treated_share * len(pool)))
        ps.trial_arm[pool] = 0
        ps.trial_arm[pool[order[:n_treated]]] = 1

    def _policy(self) -> PatrolPolicy:
        c = self.params
        active = self.model.partnership.active_places
        stop = c.stop_multiplier * (c.foot_stop_multiplier if c.mode == "community" else 1.0)

        def where_active(value: float) -> np.ndarray | float:
            return 1.0 if value == 1.0 else np.where(active, value, 1.0)

        mixed = c.community_share > 0 and c.mode != "community"
        return PatrolPolicy(
            stop_multiplier=where_active(stop),
            negative_multiplier=where_active(c.negative_multiplier),
            disorder_discovery=where_active(c.disorder_discovery_multiplier),
            foot_patrol=c.mode == "community" or c.community_share > 0,
            foot_negative_multiplier=c.foot_negative_multiplier,
            mixed=mixed,
            foot_stop_multiplier=c.foot_stop_multiplier,
            active_places=active if mixed else None,
        )

    def _update_plan(self) -> None:
        """Recompute the per-mode place distributions of the deployment plan."""
        m = self.model
        c = self.params
        ps = m.partnership
        plan = m.police.plan
        active = ps.active_places
        n_places = m.world.n_places
        if c.mode == "hotspot":
            hot = np.zeros(n_places)
            hot[self.hotspots] = 1.0
            w_t = active.mean()
            share = c.hotspot_share
            treated = np.where(
                active, (1 - share) / max(active.sum(), 1) + share * hot / max(hot.sum(), 1), 0.0
            )
            control = np.where(active, 0.0, 1.0 / max((~active).sum(), 1))
            plan.set("hotspot", w_t * treated + (1 - w_t) * control)
        if (ps.trial_arm == 1).any():
            plan.set("random", np.where(ps.trial_arm == 1, c.trial_dosage, 1.0))
        if c.mode == "community" or c.community_share > 0:
            pop = np.sqrt(m.world.city.population + 1.0)
            w = pop * (1.0 + ps.voice * ps.concern) * np.where(active, ps.priority, 1.0)
            # City-wide draws go to active places only (control beats keep their officers).
            plan.set("community", np.where(active, w, 0.0) if active.any() else w, ps.voice)
