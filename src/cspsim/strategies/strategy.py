"""The running strategy: turns a :class:`StrategyConfig` into daily decisions.

Each component (patrol, problem solving, procedural justice, programs, responders, watch,
meetings, education, review) reads its typed config; a component at its zero setting does
nothing and draws no random numbers, so such a strategy reproduces the baseline exactly.
The strategy is active from day 0 (after burn-in) in the treated places only (all places
unless a staggered rollout is configured); everywhere else the baseline (reactive) runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cspsim.agents import PROGRAM_TYPES, Organization
from cspsim.config.strategy import StrategyConfig
from cspsim.processes.crime import DISORDER, DRUGS, PROPERTY, VIOLENT
from cspsim.strategies.budget import DailyBudget, allocate
from cspsim.strategies.validate import validate

if TYPE_CHECKING:
    from cspsim.model import CommunitySafetyModel

#: Days for procedural-justice training to bring officers to the target skill.
PJ_TRAINING_DAYS = 180.0
#: Trust change per review among engaged residents when transparency reports show crime
#: going down (up: half of it lost) (assumption; Skogan 2006 on accountability).
TRANSPARENCY_TRUST = 0.02
#: Agents served per program organization (an organization is a site with its own catchment).
AGENTS_PER_ORGANIZATION = 25


class Strategy:
    """Daily decisions of a strategy for one model."""

    def __init__(
        self, model: CommunitySafetyModel, cfg: StrategyConfig, treated: np.ndarray
    ) -> None:
        validate(cfg)
        self.model = model
        self.cfg = cfg
        self.treated = treated  # bool per place: where the strategy applies once started
        self.active_places = np.zeros(model.n_places, dtype=bool)
        self.started = False
        self.hotspots = np.empty(0, dtype=np.int64)
        self.ps_places = np.empty(0, dtype=np.int64)
        self.ps_progress = np.zeros(model.n_places)
        self.trial_arm = np.full(model.n_places, -1, dtype=np.int8)  # 1 treated, 0 control
        self.adaptive = np.ones(model.n_places)
        self.last_review_recorded = None
        self.organizations: list[Organization] = []
        self.active_beats = np.zeros(model.city.n_neighbourhoods, dtype=bool)
        self.problem_solvers_today = 0

    # ----- state of the day -------------------------------------------------------------
    @property
    def patrol_mode(self) -> str:
        """Duty mode of proactive officers in treated beats today."""
        return self.cfg.patrol.mode if self.started else "random"

    def officer_mode(self, beat: int, community: bool = False) -> str:
        """Duty mode of a proactive officer of ``beat``: the strategy's in treated beats.

        Officers of untreated (control) beats keep the baseline's random patrol, so a
        staggered rollout's control group is not contaminated by the strategy.
        """
        if not self.started or not self.active_beats[beat]:
            return "random"
        return "community" if community else self.cfg.patrol.mode

    def begin_day(self, day: int) -> None:
        """Start the strategy on its start day; update which places it covers."""
        start = max(0, self.model.cfg.modifiers.rollout.start_day)
        if day >= start and not self.started:
            self.started = True
            self.active_places = self.treated.copy()
            self.active_beats = self.active_neighbourhoods()
            self._start()
        if self.started:
            self._train_officers()

    def _start(self) -> None:
        c = self.cfg
        m = self.model
        recorded = m.recorded_history
        if c.meetings.per_month > 0:
            # The partnership opens with a listening round: concerns are known from day 0,
            # so programs targeted by concerns have something to go on.
            m.engagement.concern = np.where(self.active_places, m.engagement.voiced_concern(), 0.0)
        self._rank_hotspots(recorded)
        if c.problem_solving.places > 0:
            n = max(1, int(round(c.problem_solving.places * m.n_places)))
            score = np.where(self.active_places, recorded.sum(axis=1), -1.0)
            self.ps_places = np.argsort(-score, kind="stable")[:n]
            self.ps_places = self.ps_places[self.active_places[self.ps_places]]
        if c.watch.coverage > 0:
            n = int(round(c.watch.coverage * self.active_places.sum()))
            score = np.where(
                self.active_places, recorded[:, PROPERTY] + recorded[:, DISORDER], -1.0
            )
            m.engagement.watch[np.argsort(-score, kind="stable")[:n]] = 1.0
        if c.patrol.trial_places > 0:
            self._assign_trial(recorded)
        self._open_organizations()
        self._update_plan()

    def _assign_trial(self, recorded: np.ndarray) -> None:
        """Randomize the top places by recorded crime into treated and control arms."""
        p = self.cfg.patrol
        score = np.where(self.active_places, recorded.sum(axis=1), -1.0)
        pool = np.argsort(-score, kind="stable")[: p.trial_places]
        pool = pool[self.active_places[pool]]
        order = self.model.streams.get("trial").permutation(len(pool))
        n_treated = int(round(p.trial_treated_share * len(pool)))
        self.trial_arm[pool] = 0
        self.trial_arm[pool[order[:n_treated]]] = 1

    def targeted_places(self) -> np.ndarray:
        """Places under place-focused treatment today (bool per place).

        Hot spots (in ``hotspot`` mode), problem-solving places, watch-covered places and
        treated trial places; the places *around* them are where displacement would show.
        """
        out = np.zeros(self.model.n_places, dtype=bool)
        if not self.started:
            return out
        if self.cfg.patrol.mode == "hotspot" and self.cfg.patrol.hotspot_share > 0:
            out[self.hotspots] = True
        out[self.ps_places] = True
        out |= self.model.engagement.watch > 0
        if self.cfg.patrol.trial_dosage != 1.0:
            out |= self.trial_arm == 1
        return out

    def _rank_hotspots(self, recorded: np.ndarray) -> None:
        m = self.model
        n = max(1, int(round(self.cfg.patrol.hotspot_places * m.n_places)))
        score = np.where(self.active_places, recorded.sum(axis=1) * self.adaptive, -1.0)
        top = np.argsort(-score, kind="stable")[:n]
        self.hotspots = top[self.active_places[top]]

    def _program_weights(self) -> np.ndarray:
        m = self.model
        if self.cfg.programs.targeting == "concerns":
            base = m.engagement.concern + 1e-3
        else:
            base = m.recorded_history[:, VIOLENT] + 0.5 * m.recorded_history[:, PROPERTY] + 1e-3
        return np.where(self.active_places, base * self.adaptive, 0.0)

    def _open_organizations(self) -> None:
        """Site program organizations in the neighbourhoods that need them most."""
        m = self.model
        prog = self.cfg.programs
        costs = m.params.costs
        treated_share = self.active_places.mean()
        shares = {"youth_jobs": prog.youth_jobs_share, "job_training": prog.job_training_share}
        unit = {
            "youth_jobs": costs.youth_jobs_place_day,
            "job_training": costs.job_training_place_day,
        }
        nb_need = np.bincount(
            m.city.neighbourhood, weights=self._program_weights(), minlength=m.city.n_neighbourhoods
        )
        order = [int(n) for n in np.argsort(-nb_need, kind="stable") if nb_need[n] > 0]
        for kind in PROGRAM_TYPES:
            if shares[kind] <= 0 or not order:
                continue
            budget = shares[kind] * m.baseline_budget * treated_share
            capacity = int(budget / unit[kind] / m.residents_per_agent)
            n_orgs = max(1, min(len(order), capacity // AGENTS_PER_ORGANIZATION))
            for j, nb in enumerate(order[:n_orgs]):
                places = np.flatnonzero(m.city.neighbourhood == nb)
                cap = capacity // n_orgs + (1 if j < capacity % n_orgs else 0)
                org = Organization(
                    m, kind, int(places[0]), nb, cap, cap * unit[kind] * m.residents_per_agent
                )
                self.organizations.append(org)

    def _train_officers(self) -> None:
        pj = self.cfg.procedural_justice
        if pj.skill <= 0:
            return
        m = self.model
        beats_treated = (
            np.bincount(
                m.city.neighbourhood, weights=self.active_places, minlength=m.city.n_neighbourhoods
            )
            > 0
        )
        trained = beats_treated[m.officer_beat]
        gap = np.maximum(pj.skill - m.officer_skill, 0.0)
        m.officer_skill[:] = np.where(
            trained, m.officer_skill + gap / PJ_TRAINING_DAYS, m.officer_skill
        )

    # ----- budget ---------------------------------------------------------------------
    def daily_budget(self, day: int) -> DailyBudget:
        """Today's budget split (components only while the strategy runs)."""
        m = self.model
        c = self.cfg
        costs = m.params.costs
        budget = m.budget_today(day)
        wanted: dict[str, float] = {}
        if self.started:
            share = self.active_places.mean()
            if self.organizations:
                wanted["programs"] = sum(o.budget for o in self.organizations)
            if c.programs.mental_health_share > 0:
                wanted["responders"] = c.programs.mental_health_share * m.baseline_budget * share
            if c.meetings.per_month > 0:
                wanted["meetings"] = (
                    c.meetings.per_month / 30.0 * self.active_neighbourhoods().sum() * costs.meeting
                )
            if m.engagement.watch.any():
                wanted["watch"] = m.engagement.watch.sum() * costs.watch_place_month / 30.0
            if c.procedural_justice.skill > 0:
                wanted["training"] = (
                    len(m.officer_list)
                    * share
                    * c.procedural_justice.training_hours
                    / 365.0
                    * costs.procedural_justice_training_hour
                )
            if c.education.intensity > 0:
                wanted["education"] = c.education.intensity * costs.education_day * share
        return allocate(
            budget,
            wanted,
            costs.officer_hour,
            max_hours=len(m.officer_list) * m.params.police.shift_hours,
            equal_budget=c.equal_budget,
        )

    def active_neighbourhoods(self) -> np.ndarray:
        """Neighbourhoods where the strategy runs today (any treated place)."""
        m = self.model
        return (
            np.bincount(
                m.city.neighbourhood, weights=self.active_places, minlength=m.city.n_neighbourhoods
            )
            > 0
        )

    def problem_solving_officers(self, n_on_duty: int) -> int:
        """How many on-duty officers work problem-solving projects today."""
        if not self.started or len(self.ps_places) == 0:
            self.problem_solvers_today = 0
            return 0
        hours = len(self.ps_places) * self.cfg.problem_solving.hours_per_place
        n = min(n_on_duty, int(np.ceil(hours / self.model.params.police.shift_hours)))
        self.problem_solvers_today = n
        return n

    # ----- deployment and contacts ----------------------------------------------------------
    def _update_plan(self) -> None:
        """Recompute the per-mode place distributions of the deployment plan."""
        m = self.model
        plan = m.deployment
        active = self.active_places
        uniform = np.ones(m.n_places)
        if self.cfg.patrol.mode == "hotspot":
            hot = np.zeros(m.n_places)
            hot[self.hotspots] = 1.0
            w_t = active.mean()
            share = self.cfg.patrol.hotspot_share
            treated = np.where(
                active, (1 - share) / max(active.sum(), 1) + share * hot / max(hot.sum(), 1), 0.0
            )
            control = np.where(active, 0.0, 1.0 / max((~active).sum(), 1))
            plan.set("hotspot", w_t * treated + (1 - w_t) * control)
        if (self.trial_arm == 1).any():
            plan.set("random", np.where(self.trial_arm == 1, self.cfg.patrol.trial_dosage, 1.0))
        if self.cfg.patrol.mode == "community" or self.cfg.patrol.community_share > 0:
            pop = np.sqrt(m.city.population + 1.0)
            voice = self.cfg.meetings.voice if self.cfg.meetings.per_month > 0 else 0.0
            w = pop * (1.0 + voice * m.engagement.concern) * np.where(active, self.adaptive, 1.0)
            plan.set("community", w)
        ps = np.zeros(m.n_places)
        ps[self.ps_places] = 1.0
        plan.set("problem_solving", ps if ps.any() else uniform)

    def community_officers(self, n_patrol: int) -> int:
        """How many of ``n_patrol`` proactive officers walk community beats in a mixed mode."""
        share = self.cfg.patrol.community_share
        if not self.started or share <= 0 or self.cfg.patrol.mode == "community":
            return 0
        return int(round(share * n_patrol))

    def foot_patrol_mask(self, officers: np.ndarray) -> np.ndarray:
        """Which contacts' officers are on community foot patrol."""
        mixed = self.started and self.cfg.patrol.community_share > 0
        if (self.patrol_mode != "community" and not mixed) or len(officers) == 0:
            return np.zeros(len(officers), dtype=bool)
        return self.model.officer_mode_is(officers, "community")

    @property
    def foot_negative_multiplier(self) -> float:
        """Negative share of foot-patrol contacts relative to car patrol."""
        return self.cfg.patrol.foot_negative_multiplier

    def _where_active(self, places: np.ndarray, value: float) -> np.ndarray | float:
        if not self.started or value == 1.0:
            return 1.0
        return np.where(self.active_places[places], value, 1.0)

    def stop_multiplier(
        self, places: np.ndarray, officers: np.ndarray | None = None
    ) -> np.ndarray | float:
        """Stops per patrol hour relative to baseline at the given places (visits).

        Args:
            places: Place of each visit.
            officers: Officer of each visit; in a mixed mode (``community_share``) the
                visits of community officers get the foot-patrol stop rate.
        """
        mult = self.cfg.patrol.stop_multiplier
        if self.cfg.patrol.mode == "community":
            mult *= self.cfg.patrol.foot_stop_multiplier
        out = self._where_active(places, mult)
        if officers is not None and self.started and self.cfg.patrol.community_share > 0:
            foot = self.foot_patrol_mask(officers)
            if self.cfg.patrol.mode != "community" and foot.any():
                foot &= self.active_places[places]
                out = out * np.where(foot, self.cfg.patrol.foot_stop_multiplier, 1.0)
        return out

    def negative_multiplier(self, places: np.ndarray) -> np.ndarray | float:
        """Share of stops experienced as negative relative to baseline."""
        return self._where_active(places, self.cfg.patrol.negative_multiplier)

    def disorder_discovery_multiplier(self, places: np.ndarray) -> np.ndarray | float:
        """Discovery of low-level offences relative to baseline."""
        return self._where_active(places, self.cfg.patrol.disorder_discovery_multiplier)

    # ----- daily partnership work ---------------------------------------------------------
    def run_day(self, day: int, spent: DailyBudget) -> None:
        """Problem solving progress, responders, meetings and the education campaign."""
        if not self.started:
            return
        m = self.model
        c = self.cfg
        if len(self.ps_places):
            # Projects advance with the officer-hours actually worked on them today.
            wanted = len(self.ps_places) * c.problem_solving.hours_per_place
            worked = self.problem_solvers_today * m.params.police.shift_hours
            done = min(1.0, worked / wanted) if wanted > 0 else 0.0
            self.ps_progress[self.ps_places] += done / c.problem_solving.ramp_days
            reduction = c.problem_solving.max_reduction * np.minimum(self.ps_progress, 1.0)
            m.crime.mu = m.crime.mu0 * (1.0 - reduction)[:, None]
        if "responders" in spent.components:
            hours = spent.components["responders"] / m.params.costs.mental_health_hour
            low = m.crime.mu0[:, DISORDER] + m.crime.mu0[:, DRUGS]
            w = np.where(
                self.active_places, (m.recorded_history[:, DISORDER] + 1e-3) * self.adaptive, 0.0
            )
            m.programs.set_responders(hours, w, low)
        if c.meetings.per_month > 0:
            rng = m.streams.get("meetings", day)
            u = rng.random(m.city.n_neighbourhoods)
            meets = self.active_neighbourhoods() & (u < c.meetings.per_month / 30.0)
            m.engagement.hold_meetings(meets, c.meetings.voice)
            if meets.any() and c.patrol.mode == "community":
                self._update_plan()
        m.engagement.run_campaign(c.education.intensity, self.active_places)

    def review(self, day: int) -> None:
        """Periodic review on measured data: re-rank hot spots, adapt, publish KPIs."""
        if not self.started:
            return
        m = self.model
        c = self.cfg
        recorded = m.recorded_since_review
        if c.review.adaptive:
            score = recorded.sum(axis=1)
            score = score / max(score.mean(), 1e-9)
            trust_gap = 1.0 - m.survey_trust_by_place()
            target = 0.5 + 0.5 * score + trust_gap
            self.adaptive = (1 - c.review.rate) * self.adaptive + c.review.rate * target
        self._rank_hotspots(recorded)
        self._update_plan()
        if c.meetings.transparency:
            total = recorded.sum()
            if self.last_review_recorded is not None:
                direction = 1.0 if total <= self.last_review_recorded else -0.5
                r = m.residents
                who = self.active_places[r.place]
                delta = (
                    direction
                    * TRANSPARENCY_TRUST
                    * r.engagement
                    * (1.0 - r.trust if direction > 0 else r.trust)
                )
                r.trust += np.where(who, delta, 0.0).astype(np.float32)
                np.clip(r.trust, 0.0, 1.0, out=r.trust)
            self.last_review_recorded = total
