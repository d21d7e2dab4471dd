"""The community safety partnership model: one day per step, in the schedule's order.

The order of a day is written down in :mod:`cspsim.model.schedule`.

The model builds the world (city, residents, social network), the core processes (crime,
reporting, policing, social influence, programs, engagement, survey) and one instance of
every registered component (strategy components and modifiers, with their settings from
the config), attaches the components' hooks to the schedule, and runs it. Each stage is a
short method here that reads its inputs, calls one process and writes its outputs to the
day's record (:class:`~cspsim.model.day.Day`).

The model does no I/O and knows nothing of Hydra: it takes a run config.
"""

from __future__ import annotations

import logging
from typing import Any

import mesa
import numpy as np

from cspsim.city import City, load_city
from cspsim.config import RunConfig
from cspsim.config.checks import check_params, check_settings
from cspsim.errors import ConfigError
from cspsim.model.agents import Organization, ResidentAgents
from cspsim.model.baseline import expected_recorded_rates, target_true_rates
from cspsim.model.budget import allocate
from cspsim.model.components import Component, components
from cspsim.model.components.base import check_group, days_after_the_run
from cspsim.model.day import Day
from cspsim.model.partnership import Partnership
from cspsim.model.processes import reporting, social
from cspsim.model.processes.arrests import (
    Jail,
    apply_arrests,
    make_arrests,
    wear_off_deterrence,
)
from cspsim.model.processes.contacts import (
    Contacts,
    apply_contacts,
    file_complaints,
    has_informal_contacts,
    informal_contacts,
    make_contacts,
)
from cspsim.model.processes.crime import CrimeProcess
from cspsim.model.processes.engagement import Engagement
from cspsim.model.processes.legitimacy import Legitimacy
from cspsim.model.processes.partners import Partners, commercial_share
from cspsim.model.processes.policing import (
    Orders,
    Police,
    answer_calls,
    response_minutes,
    slow_response_share,
)
from cspsim.model.processes.programs import Programs
from cspsim.model.processes.survey import Survey
from cspsim.model.recorder import Recorder
from cspsim.model.residents import ResidentState
from cspsim.model.rng import Streams
from cspsim.model.schedule import STAGES, Hook, Schedule
from cspsim.model.world import World

#: Time constant (days) over which an arrest's specific deterrence wears off (Nagin 2013).
DETERRENCE_DECAY_DAYS = 365.0

log = logging.getLogger("cspsim")


class CommunitySafetyModel(mesa.Model):
    """A city, its residents, officers and partner organizations, run one day per step.

    Args:
        cfg: The run configuration.
        city: A prebuilt city (else built from ``cfg.city``).

    Attributes:
        cfg: The run configuration.
        world: Places, residents and their network.
        police: The force, its plan and policy.
        crime, programs, engagement, survey: The core processes.
        partnership: The strategy's shared state.
        components: The strategy components and modifiers by config key.
        schedule: The stages of a day with their component hooks.
        resident_agents: Mesa agents for residents (built on first use).
        day: The next day to run (negative during burn-in).
        last_day: The record of the last day run (None before the first).
    """

    def __init__(self, cfg: RunConfig, city: City | None = None) -> None:
        _check_run(cfg)
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        self.params = cfg.params
        self.streams = Streams(cfg.seed)
        self.day = -cfg.sim.burn_in_days
        self.last_day: Day | None = None
        city = city if city is not None else load_city(cfg.city, seed=cfg.seed)
        self.world = World(city, cfg.params, cfg.city.residents_per_agent, self.streams)
        self.components: dict[str, Component] = {
            cls.key: cls(self, getattr(getattr(cfg, cls.group), cls.key)) for cls in components()
        }
        for comp in self.components.values():
            for late in days_after_the_run(comp, cfg.sim.days):
                log.warning(
                    "%s: after the run's last day (%d): it never takes effect",
                    late,
                    cfg.sim.days - 1,
                )
        self.schedule = self._build_schedule()
        for hook in self._hooks("residents", started=True):
            hook.fn()
        self.world.index_residents(self.streams)
        self.resident_agents = ResidentAgents(self)
        self._build_processes()
        self.recorder = Recorder(self)

    # ----- construction ---------------------------------------------------------------
    def _build_schedule(self) -> Schedule:
        schedule = Schedule(
            core={stage: getattr(self, f"_{stage}") for stage, core, _ in STAGES if core}
        )
        schedule.attach(
            [
                Hook(stage, order, key, comp.group, getattr(comp, name))
                for key, comp in self.components.items()
                for stage, order, name in comp.hooks()
            ]
        )
        return schedule

    def _build_processes(self) -> None:
        world, params = self.world, self.params
        self.legitimacy = Legitimacy(world, params)
        self.police = Police(self, world, params, self.streams.get("init.officers"))
        cost = params.costs.officer_hour
        daily = self.cfg.sim.daily_budget
        self.baseline_budget = daily if daily > 0 else self.police.baseline_hours * cost
        self.expected_recorded = expected_recorded_rates(world, self.cfg.city.base_crime_per_1000)
        self.police.set_reference_presence(self.expected_recorded)
        self.partnership = Partnership(
            world.city.neighbourhood,
            world.city.n_neighbourhoods,
            self._treated_places(),
            max([h.fn() for h in self._hooks("start_day", started=True)], default=0),
            self.expected_recorded,
        )
        self.partners = Partners(world, params, commercial_share(world, self.expected_recorded))
        self.civic_organizations = [Organization(self, i) for i in range(len(self.partners.kind))]
        self.programs = Programs(world, params, self.streams, self._program_partner_boost)
        target = target_true_rates(
            world, self.expected_recorded, self.police.reference_presence_raw
        )
        self.crime = CrimeProcess(
            world, params, target, self.programs.effect_by_type, self.police.reference_presence
        )
        self.engagement = Engagement(world, params, self.crime.crime_ratio, self._activity)
        self.jail = Jail()
        self.propensity0 = world.residents.propensity[world.at_risk_index].copy()
        self.survey = Survey(world)

    def _program_partner_boost(self, residents: np.ndarray) -> np.ndarray:
        """Program effect multiplier from the partnership of each resident's neighbourhood."""
        strength = self.partners.neighbourhood_strength()[self.legitimacy.resident_nbhd[residents]]
        return 1.0 + self.params.partners.referral_boost * self.partners.relative(strength)

    def _activity(self, trust: np.ndarray, engagement: np.ndarray) -> np.ndarray:
        """Share of each place's residents in shared activities (watch, events, volunteering).

        Args:
            trust: Mean trust by place (today's, already computed by the caller).
            engagement: Mean engagement by place.
        """
        total = np.zeros(self.world.n_places)
        for share in self._answers("activity", trust, engagement):
            total += share
        return total

    def _treated_places(self) -> np.ndarray:
        mask = np.ones(self.world.n_places, dtype=bool)
        for hook in self._hooks("treated", started=True):
            mask &= hook.fn()
        return mask

    # ----- components -----------------------------------------------------------------
    def _hooks(self, stage: str, started: bool | None = None) -> list[Hook]:
        """Hooks of a stage that act now: strategy hooks only once the strategy started."""
        return self.schedule.acting(stage, self.partnership.started if started is None else started)

    def _answers(self, query: str, *args: Any) -> list[Any]:
        """Non-None answers of the components to a query (asked with ``args``), in hook order."""
        return [a for h in self._hooks(query) if (a := h.fn(*args)) is not None]

    def component(self, key: str) -> Component:
        """The component (strategy component or modifier) registered under ``key``."""
        return self.components[key]

    def targeted_places(self) -> np.ndarray:
        """Places under place-focused treatment today (hot spots, projects, watch, trial)."""
        out = np.zeros(self.world.n_places, dtype=bool)
        for mask in self._answers("targeted"):
            out |= mask
        return out

    # ----- the day --------------------------------------------------------------------
    def step(self) -> None:
        """Advance one day: every stage of :data:`cspsim.model.schedule.STAGES` in order."""
        d = Day(self.day)
        for stage, _, _ in STAGES:
            self.run_stage(stage, d)
        self.last_day = d
        self.day += 1

    def run_stage(self, stage: str, d: Day) -> None:
        """Run one stage on the day's record: its core step, then its components' hooks.

        A core step that returns False ends the stage (e.g. ``review`` on other days).
        Tests and notebooks use it to run a single stage of a day.
        """
        core = self.schedule.core.get(stage)
        if core is not None and core(d) is False:
            return
        for hook in self._hooks(stage):
            hook.fn(d)

    def _rebaseline(self, d: Day) -> None:
        # Offending is measured relative to the end of burn-in (once jails have filled),
        # and the first review reads only recorded days.
        if d.day == 0:
            self.crime.rebaseline()
            self.legitimacy.rebaseline()
            self.partnership.recorded_since_review[:] = 0.0

    def _start(self, d: Day) -> bool | None:
        ps = self.partnership
        if ps.started or d.day < ps.start_day:
            d.started = ps.started
            return False
        ps.start()
        d.started = True
        return None

    def _budget(self, d: Day) -> None:
        budget = self.baseline_budget
        for hook in self._hooks("funding"):
            budget = hook.fn(d, budget)
        wanted: dict[str, float] = {}
        owner: dict[str, str] = {}
        for hook in self._hooks("cost"):
            lines = hook.fn(d)
            wanted.update(lines)
            owner.update(dict.fromkeys(lines, hook.owner))
        costs, police = self.params.costs, self.police
        base = self.baseline_budget
        d.budget = allocate(
            budget,
            wanted,
            costs.officer_hour,
            max_hours=police.force.n * self.params.police.shift_hours,
            equal_budget=self.cfg.strategy.equal_budget,
            cut=1.0 - budget / base if base > 0 else 0.0,
            cut_exposure=costs.cut_exposure,
        )
        asked: dict[str, float] = {}
        for line, spent in d.budget.components.items():
            d.spending[owner[line]] = d.spending.get(owner[line], 0.0) + spent
            asked[owner[line]] = asked.get(owner[line], 0.0) + wanted[line]
        # Funded share by component (all its lines together): scales its partnership work.
        d.funded = {
            key: (d.spending[key] / want if want > 0 else 1.0) for key, want in asked.items()
        }

    def _crime(self, d: Day) -> None:
        d.counts = self.crime.draw(self.expected_offences(), self.streams.get("crime", d.day))

    def expected_offences(self, presence: np.ndarray | None = None) -> np.ndarray:
        """Expected offences (P, 4) of the coming day, with every guardian in place.

        Args:
            presence: Police officer-hours per place (default: yesterday's, what deters).
        """
        opportunity = self._answers("opportunity")
        managers = self.partners.guardianship()
        guardians = ([] if managers is None else [managers]) + self._answers("guardianship")
        lam, _ = self.crime.expected(
            self.police.presence if presence is None else presence,
            self.engagement.efficacy_gain(),
            guardians,
            opportunity[0] if opportunity else None,
        )
        return lam

    def _reporting(self, d: Day) -> None:
        places, kind = reporting.expand(d.counts)
        d.offences = reporting.report(
            self.world, places, kind, self.streams.get("reporting", d.day)
        )
        d.offences.offender = self._offenders(places, kind, d.day)

    def _offenders(self, places: np.ndarray, kind: np.ndarray, day: int) -> np.ndarray:
        """Who committed each offence (resident agent, or -1 for an outsider).

        An outsider in the outsiders' share of the place's offending, else an at-risk
        resident of the place by how much each offends (its own stream, so drawing offenders
        changes no other random decision).
        """
        u = self.streams.get("offenders", day).random(len(places))
        outside = self.crime.outsider_share[places, kind]
        local = u >= outside
        out = np.full(len(places), -1, dtype=np.int64)
        u_local = (u[local] - outside[local]) / np.maximum(1.0 - outside[local], 1e-12)
        out[local] = self.world.pick_offender(
            places[local], kind[local], u_local, self.crime.offender_weights
        )
        return out

    def _calls(self, d: Day) -> None:
        """Residents behind today's non-crime calls (those responders do not take)."""
        world = self.world
        rng = self.streams.get("calls", d.day)
        lam = self.params.police.other_calls_per_1000 * world.city.population / 1000.0
        places = np.repeat(np.arange(world.n_places), rng.poisson(lam))
        u = rng.random((len(places), 2))
        callers = world.pick_residents_at(places, u[:, 0])
        diversion = self._answers("call_diversion")
        if diversion:
            callers = callers[~(u[:, 1] < diversion[0][places])]
        d.other_calls = callers

    def _orders(self, d: Day) -> None:
        d.orders = Orders(n_on=self.police.officers_on_full_shift(d.budget.officer_hours))

    def _shifts(self, d: Day) -> None:
        off = d.offences
        n_calls = int(off.reported.sum()) + len(d.other_calls)
        d.shift = self.police.run_shifts(
            d.budget.officer_hours, n_calls, d.orders, self.streams.get("deployment", d.day)
        )
        call_places = np.concatenate([off.place[off.reported], self.residents.place[d.other_calls]])
        d.presence = d.shift.presence + np.bincount(call_places, minlength=self.world.n_places) * (
            d.shift.call_hours / max(n_calls, 1)
        )
        self.police.presence = d.presence

    def _discovery(self, d: Day) -> None:
        reporting.discover(
            self.params,
            d.offences,
            d.presence,
            self.police.policy.disorder_discovery,
            self.streams.get("discovery", d.day),
            self.world.presence_scale,
        )

    def _arrests(self, d: Day) -> None:
        off = d.offences
        leg = self.legitimacy
        d.arrestees = make_arrests(
            self.world,
            self.params,
            off,
            leg.place_cynicism()[off.place],
            leg.reference_cynicism,
            self.streams.get("arrests", d.day),
        )

    def _contacts(self, d: Day) -> None:
        police, off = self.police, d.offences
        callers = np.concatenate([off.victim[off.reported], d.other_calls])
        wanted = len(callers) * self.params.police.call_hours
        share = d.shift.call_hours / wanted if wanted > 0 else 1.0
        answered, d.unanswered = answer_calls(
            callers, share, self.streams.get("calls.answered", d.day)
        )
        # How long the answered calls took: the day's load on the officers on duty.
        d.response_minutes = response_minutes(self.params, wanted, d.budget.officer_hours)
        slow = slow_response_share(self.params, d.response_minutes)
        contacts = make_contacts(police, d.shift, answered, self.streams.get("contacts", d.day))
        if has_informal_contacts(police, d.shift):
            rng = self.streams.get("contacts.informal", d.day)
            contacts = contacts.plus(informal_contacts(police, d.shift, rng))
        arrests = Contacts.of(
            d.arrestees, np.full(len(d.arrestees), -1), True, np.ones(len(d.arrestees), bool)
        )
        d.contacts = contacts.plus(arrests)
        apply_contacts(police, self.legitimacy, d.contacts)
        self.legitimacy.lose(d.unanswered, self.params.legitimacy.unanswered_call_loss)
        if slow > 0 and len(answered):
            self.legitimacy.lose(answered, slow)

    def _complaints(self, d: Day) -> None:
        channel = 1.0
        for factor in self._answers("complaint_channel"):
            channel *= factor
        file_complaints(
            self.police,
            d.contacts,
            self.legitimacy.resident_cynicism(d.contacts.resident),
            channel,
            self.streams.get("complaints", d.day),
        )

    def _arrest_effects(self, d: Day) -> None:
        apply_arrests(self.world, self.params, self.jail, d.offences, d.arrestees)

    def _victimization(self, d: Day) -> None:
        social.apply_victimization(self.world, self.legitimacy, d.offences)

    def _word_of_mouth(self, d: Day) -> None:
        social.word_of_mouth(self.world, self.legitimacy, self.crime.crime_ratio())

    def _legitimacy(self, d: Day) -> None:
        self.legitimacy.settle(self.crime.crime_ratio())

    def _partners(self, d: Day) -> None:
        self.partners.update()

    def _programs(self, d: Day) -> None:
        self.programs.update_levels(d.day)

    def _jail(self, d: Day) -> None:
        self.jail.release(self.world)

    def _deterrence_decay(self, d: Day) -> None:
        # Specific deterrence wears off (Nagin 2013): propensity drifts back over about a year.
        wear_off_deterrence(self.world, self.propensity0, DETERRENCE_DECAY_DAYS)

    def _engagement(self, d: Day) -> None:
        self.engagement.relax_engagement()
        self.engagement.move(self.streams.get("moving", d.day))

    def _efficacy(self, d: Day) -> None:
        self.engagement.update_efficacy()

    def _records(self, d: Day) -> None:
        off = d.offences
        d.recorded = np.zeros_like(d.counts)
        np.add.at(d.recorded, (off.place[off.recorded], off.kind[off.recorded]), 1)
        self.partnership.record(d.recorded)

    def _review(self, d: Day) -> bool:
        d.review = d.day > 0 and d.day % self.cfg.sim.review_period_days == 0
        return d.review

    def _review_reset(self, d: Day) -> None:
        if d.review:
            self.partnership.recorded_since_review[:] = 0.0

    def _survey(self, d: Day) -> None:
        if d.day >= 0 and d.day % self.cfg.sim.survey_period_days == 0:
            answers = self.survey.wave(self.streams.get("survey", d.day))
            self.recorder.record_survey(d.day, answers)

    def _record(self, d: Day) -> None:
        if d.day >= 0:
            self.recorder.record_day(d)

    # ----- running --------------------------------------------------------------------
    def run(self, days: int | None = None) -> None:
        """Run the burn-in (if not yet run) and then ``days`` recorded days (default sim.days)."""
        while self.day < 0:
            self.step()
        for _ in range(self.cfg.sim.days if days is None else days):
            self.step()

    # ----- convenient views -------------------------------------------------------------
    @property
    def residents(self) -> ResidentState:
        """Resident state arrays (``model.world.residents``)."""
        return self.world.residents

    @property
    def city(self) -> City:
        """The city."""
        return self.world.city

    @property
    def n_places(self) -> int:
        """Number of places."""
        return self.world.n_places

    @property
    def residents_per_agent(self) -> float:
        """Real residents per resident agent (k)."""
        return self.world.residents_per_agent

    @property
    def organizations(self) -> list[Organization]:
        """Partner organizations running programs."""
        return self.components["programs"].organizations

    def budget_today(self, day: int) -> float:
        """Budget available on ``day`` (after modifiers such as a funding cut)."""
        budget = self.baseline_budget
        for hook in self._hooks("funding", started=True):
            budget = hook.fn(Day(day), budget)
        return budget


def _check_run(cfg: RunConfig) -> None:
    """Reject a config the model cannot run, naming the field."""
    if int(cfg.seed) < 0:
        raise ConfigError(f"seed: expected a non-negative integer, got {cfg.seed}")
    if cfg.city.residents_per_agent <= 0:
        raise ConfigError(
            f"city.residents_per_agent: expected a number > 0, got {cfg.city.residents_per_agent}"
        )
    if cfg.sim.days < 1 or cfg.sim.burn_in_days < 0:
        raise ConfigError(
            f"sim.days must be >= 1 and sim.burn_in_days >= 0, got {cfg.sim.days}, "
            f"{cfg.sim.burn_in_days}"
        )
    check_settings(cfg.sim, "sim")
    check_params(cfg.params)
    check_group(cfg.strategy, "strategy")
    check_group(cfg.modifiers, "modifiers")
