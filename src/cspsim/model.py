"""The community safety partnership model: world, daily schedule and measurement.

One step is one day. ``step()`` runs the processes of DESIGN.md in this order:

1. crime (offences from opportunity, offenders, near-repeat boosts and guardianship,
   deterred by yesterday's police presence);
2. reporting (victims report with a probability rising with trust);
3. deployment (funded officers answer calls, then patrol by the strategy's plan; patrols
   discover unreported offences; recorded offences may lead to arrests);
4. contacts (stops, calls and arrests move trust; negative ones far more);
5. social influence (victimization, then word of mouth over the social network);
6. programs (organizations enrol residents; effects ramp up and fade; jail releases);
7. engagement (problem solving, responders, meetings, campaign, efficacy);
8. review (every review period, on measured data);
9. measurement (survey waves, KPIs, tables).

The model does no I/O and knows nothing of Hydra: it takes a :class:`RunConfig`.
"""

from __future__ import annotations

import math

import mesa
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from cspsim.agents import DUTY_MODES, Officer, Organization, Resident
from cspsim.calibration import expected_recorded_rates, target_true_rates
from cspsim.city import CRIME_TYPES, City, load_city
from cspsim.config import RunConfig
from cspsim.config.checks import check_params
from cspsim.errors import ConfigError
from cspsim.processes import policing, reporting, social
from cspsim.processes.crime import CrimeProcess
from cspsim.processes.deployment import DeploymentPlan
from cspsim.processes.engagement import Engagement
from cspsim.processes.programs import RESPONDER_CALL_SHARE, Programs
from cspsim.processes.survey import survey_wave
from cspsim.recorder import Recorder
from cspsim.residents import build_residents, build_social_network, row_normalize
from cspsim.rng import Streams
from cspsim.strategies.strategy import Strategy

#: Mean days an incapacitated share stays jailed (release is exponential at this mean).
JAIL_MEAN_DAYS = 60.0
#: Spare officers beyond the baseline's shifts (extra funding can put them on duty).
OFFICER_RESERVE = 0.25
#: Time constant (days) over which an arrest's specific deterrence wears off.
DETERRENCE_DECAY_DAYS = 365.0
#: Decay per day of the recorded-crime history the partnership ranks places by.
HISTORY_DECAY = 1.0 / 90.0


class CommunitySafetyModel(mesa.Model):
    """A city, its residents, officers and partner organizations, run one day per step.

    Args:
        cfg: The run configuration.
        city: A prebuilt city (else built from ``cfg.city``).
    """

    def __init__(self, cfg: RunConfig, city: City | None = None) -> None:
        if int(cfg.seed) < 0:
            raise ConfigError(f"seed: expected a non-negative integer, got {cfg.seed}")
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        self.params = cfg.params
        self.streams = Streams(cfg.seed)
        self.city = city if city is not None else load_city(cfg.city, seed=cfg.seed)
        self.n_places = self.city.n_places
        if cfg.city.residents_per_agent <= 0:
            raise ConfigError(
                "city.residents_per_agent: expected a number > 0, "
                f"got {cfg.city.residents_per_agent}"
            )
        if cfg.sim.days < 1 or cfg.sim.burn_in_days < 0:
            raise ConfigError(
                f"sim.days must be >= 1 and sim.burn_in_days >= 0, got {cfg.sim.days}, "
                f"{cfg.sim.burn_in_days}"
            )
        check_params(cfg.params)
        self.residents_per_agent = float(cfg.city.residents_per_agent)
        self.day = -cfg.sim.burn_in_days
        self.jail_mean_days = JAIL_MEAN_DAYS

        self._build_space()
        self._build_residents()
        self._build_police()
        self.programs = Programs(self)
        self.crime = CrimeProcess(self, target_true_rates(self))
        self.engagement = Engagement(self)
        self.presence = self.reference_presence_raw.copy()
        # The partnership's memory of recorded crime starts at its expected steady state, so
        # targeting works from day 0 even without burn-in.
        self.recorded_history = self.expected_recorded / HISTORY_DECAY
        self.recorded_since_review = np.zeros_like(self.recorded_history)
        self.propensity0 = self.residents.propensity[self.at_risk_index].copy()
        self._survey_trust = None
        self.strategy = Strategy(self, cfg.strategy, self._treated_places())
        self.recorder = Recorder(self)

    # ----- construction -----------------------------------------------------------------
    def _build_space(self) -> None:
        self.adjacency = self.city.adjacency()
        self.place_w = row_normalize(self.adjacency)
        self.deployment = DeploymentPlan(self.n_places, self.city.neighbourhood)

    def _build_residents(self) -> None:
        p = self.params
        self.residents = build_residents(
            self.city, p, self.residents_per_agent, self.streams.get("init.residents")
        )
        r = self.residents
        if r.n == 0:
            raise ConfigError("city: the city has no resident agents (population / k rounds to 0)")
        # Reporting and survey response are calibrated at the city's baseline trust (before
        # any historical-tension modifier lowers it).
        self.reference_trust = float(r.trust.mean())
        self._apply_historical_tension()
        self.place_count = np.bincount(r.place, minlength=self.n_places)
        self.place_start = np.concatenate([[0], np.cumsum(self.place_count)[:-1]])
        # Offences at places with no residents fall on the nearest populated place's residents.
        populated = np.flatnonzero(self.place_count > 0)
        _, _, source = dijkstra(
            self.adjacency,
            indices=populated,
            min_only=True,
            return_predecessors=True,
            unweighted=True,
        )
        self.populated_place = np.where(source >= 0, source, populated[0]).astype(np.int64)
        self.at_risk_index = np.flatnonzero(r.at_risk)
        ar_place = r.place[self.at_risk_index]
        self.ar_count = np.bincount(ar_place, minlength=self.n_places)
        self.ar_start = np.concatenate([[0], np.cumsum(self.ar_count)[:-1]])
        nb = self.city.neighbourhood[ar_place]
        order = np.argsort(nb, kind="stable")
        self.ar_by_nbhd = self.at_risk_index[order]
        self.ar_nb_count = np.bincount(nb, minlength=self.city.n_neighbourhoods)
        self.ar_nb_start = np.concatenate([[0], np.cumsum(self.ar_nb_count)[:-1]])

        self.ties = build_social_network(
            r.place,
            self.adjacency.tocsr(),
            p.social.ties_per_resident,
            p.social.share_ties_local,
            self.streams.get("init.network"),
        )
        self.ties_w = row_normalize(self.ties)
        self.has_ties = np.diff(self.ties.indptr) > 0
        Resident.create_agents(self, r.n, index=np.arange(r.n))

    def _build_police(self) -> None:
        pp = self.params.police
        self.population = float(self.city.population.sum())
        self.baseline_hours = pp.officer_hours_per_1000 * self.population / 1000.0
        cost = self.params.costs.officer_hour
        self.baseline_budget = (
            self.cfg.sim.daily_budget
            if self.cfg.sim.daily_budget > 0
            else self.baseline_hours * cost
        )
        n = max(1, math.ceil(self.baseline_hours / pp.shift_hours * (1 + OFFICER_RESERVE)))
        # Beats by population (largest remainder), so each neighbourhood has its officers.
        nb_pop = np.bincount(
            self.city.neighbourhood,
            weights=self.city.population,
            minlength=self.city.n_neighbourhoods,
        )
        exact = nb_pop / nb_pop.sum() * n
        beats = np.floor(exact).astype(int)
        extra = n - beats.sum()
        beats[np.argsort(-(exact - beats), kind="stable")[:extra]] += 1
        self.officer_beat = np.repeat(np.arange(len(beats)), beats)
        skill = self.params.contacts.procedural_justice_skill
        self.officer_skill = np.full(n, skill)
        self.officer_contacts = np.zeros(n, np.int64)
        self.officer_duty = np.zeros(n, dtype=bool)
        self.officer_mode = np.zeros(n, dtype=np.int8)
        self.duty_rank = self.streams.get("init.officers").permutation(n)
        self.officer_list = [Officer(self, i, int(self.officer_beat[i]), skill) for i in range(n)]
        # Expected presence under the baseline: calls answered where they arise, the rest of
        # the hours spread uniformly (random patrol). Police deterrence is measured against
        # it, so the baseline reproduces the data.
        self.expected_recorded = expected_recorded_rates(self)
        calls = self.expected_recorded[:, :3].sum(axis=1) + (
            pp.other_calls_per_1000 * self.city.population / 1000.0
        )
        call_hours = min(calls.sum() * pp.call_hours, self.baseline_hours)
        self.reference_presence_raw = (self.baseline_hours - call_hours) / self.n_places + (
            calls / max(calls.sum(), 1e-12) * call_hours
        )
        cp = self.params.crime
        self.reference_presence = self.reference_presence_raw + cp.diffusion_of_benefits * (
            self.place_w @ self.reference_presence_raw
        )

    def _neighbourhood_mask(self, names: list[str], share: float, stream: str) -> np.ndarray:
        known = {n: i for i, n in enumerate(self.city.neighbourhood_names)}
        mask = np.zeros(self.city.n_neighbourhoods, dtype=bool)
        for name in names:
            if str(name) not in known:
                raise ConfigError(
                    f"modifiers: unknown neighbourhood {name!r}; expected one of "
                    f"{sorted(known)[:10]}{' ...' if len(known) > 10 else ''}"
                )
            mask[known[str(name)]] = True
        if not names and share > 0:
            order = self.streams.get(stream).permutation(len(mask))
            mask[order[: max(1, int(round(share * len(mask))))]] = True
        return mask

    def _treated_places(self) -> np.ndarray:
        ro = self.cfg.modifiers.rollout
        if not ro.treated and ro.treated_share <= 0:
            return np.ones(self.n_places, dtype=bool)
        return self._neighbourhood_mask(ro.treated, ro.treated_share, "rollout")[
            self.city.neighbourhood
        ]

    def _apply_historical_tension(self) -> None:
        ht = self.cfg.modifiers.historical_tension
        if not ht.neighbourhoods and ht.share <= 0:
            return
        if ht.neighbourhoods:
            mask = self._neighbourhood_mask(ht.neighbourhoods, 0.0, "tension")
        else:
            # Past abuses concentrate where disadvantage is highest.
            nb_dis = np.bincount(
                self.city.neighbourhood,
                weights=self.city.disadvantage,
                minlength=self.city.n_neighbourhoods,
            )
            nb_dis /= np.maximum(np.bincount(self.city.neighbourhood), 1)
            mask = np.zeros(self.city.n_neighbourhoods, dtype=bool)
            mask[np.argsort(-nb_dis)[: max(1, int(round(ht.share * len(mask))))]] = True
        r = self.residents
        hit = mask[self.city.neighbourhood[r.place]]
        for arr in (r.trust, r.trust_disposition):
            arr[hit] = np.clip(arr[hit] - ht.trust_drop, 0.0, 1.0)

    # ----- helpers used by processes ----------------------------------------------------------
    def budget_today(self, day: int) -> float:
        """Budget available on ``day`` (after a funding cut, if any)."""
        fc = self.cfg.modifiers.funding_cut
        if 0 <= fc.day <= day:
            return self.baseline_budget * (1.0 - fc.fraction)
        return self.baseline_budget

    def officer_on_duty(self) -> np.ndarray:
        """Boolean mask of officers on duty today."""
        return self.officer_duty

    def officer_mode_is(self, officers: np.ndarray, mode: str) -> np.ndarray:
        """Whether the given officers' duty mode today is ``mode``."""
        return self.officer_mode[officers] == DUTY_MODES.index(mode)

    def pick_at_risk_near(self, places: np.ndarray, u: np.ndarray) -> np.ndarray:
        """An at-risk resident of each place, else of its neighbourhood, else of the city."""
        out = np.empty(len(places), dtype=np.int64)
        if len(places) == 0 or len(self.at_risk_index) == 0:
            return out[:0]
        cnt = self.ar_count[places]
        local = cnt > 0
        out[local] = self.at_risk_index[
            self.ar_start[places[local]] + (u[local] * cnt[local]).astype(np.int64)
        ]
        nb = self.city.neighbourhood[places[~local]]
        nbc = self.ar_nb_count[nb]
        in_nb = nbc > 0
        idx = np.flatnonzero(~local)
        out[idx[in_nb]] = self.ar_by_nbhd[
            self.ar_nb_start[nb[in_nb]] + (u[idx[in_nb]] * nbc[in_nb]).astype(np.int64)
        ]
        rest = idx[~in_nb]
        out[rest] = self.at_risk_index[(u[rest] * len(self.at_risk_index)).astype(np.int64)]
        return out

    def at_risk_in_neighbourhood(self, nb: int) -> np.ndarray:
        """At-risk residents living in neighbourhood ``nb``."""
        s = self.ar_nb_start[nb]
        return self.ar_by_nbhd[s : s + self.ar_nb_count[nb]]

    def survey_trust_by_place(self) -> np.ndarray:
        """Latest survey trust (0-1) by place, through its neighbourhood (city mean if none)."""
        if self._survey_trust is None:
            return np.full(self.n_places, 0.5)
        return self._survey_trust[self.city.neighbourhood]

    # ----- the day ---------------------------------------------------------------------------
    def step(self) -> None:
        """Advance one day (see the module docstring for the order)."""
        day = self.day
        s = self.streams
        self._apply_misconduct(day)
        if day == 0:
            # Offending is measured relative to the end of burn-in (once jails have filled),
            # and the first review reads only recorded days.
            self.crime.rebaseline()
            self.recorded_since_review[:] = 0.0
        self.strategy.begin_day(day)
        budget = self.strategy.daily_budget(day)

        # 1. Crime, deterred by yesterday's presence.
        counts = self.crime.draw(self.presence, s.get("crime", day))
        places, kind = reporting.expand(counts)
        # 2. Reporting.
        off = reporting.report(self, places, kind, s.get("reporting", day))
        # 3. Deployment: calls first (responders take some low-level ones), then patrol.
        other_calls = self._other_calls(s.get("calls", day))
        n_calls = int(off.reported.sum()) + len(other_calls)
        shift = policing.run_shifts(self, budget.officer_hours, n_calls, s.get("deployment", day))
        call_places = np.concatenate([off.place[off.reported], self.residents.place[other_calls]])
        presence = shift.presence + np.bincount(call_places, minlength=self.n_places) * (
            shift.call_hours / max(n_calls, 1)
        )
        reporting.discover(self, off, presence, s.get("discovery", day))
        arrestee = policing.make_arrests(self, off, s.get("arrests", day))
        # 4. Contacts (stops, calls answered, arrests).
        contacts = policing.make_contacts(self, shift, off, other_calls, s.get("contacts", day))
        contacts = self._with_arrest_contacts(contacts, arrestee)
        policing.apply_contacts(self, contacts)
        policing.apply_arrests(self, off, arrestee)
        # 5. Victimization and word of mouth.
        social.apply_victimization(self, off)
        social.social_influence(self)
        # 6. Programs and jail releases.
        for org in self.strategy.organizations:
            org.step()
        self.programs.update_levels(day)
        self.residents.jailed *= np.float32(math.exp(-1.0 / self.jail_mean_days))
        # Specific deterrence wears off (Nagin 2013): propensity drifts back over about a year.
        idx = self.at_risk_index
        prop = self.residents.propensity
        prop[idx] += ((self.propensity0 - prop[idx]) / DETERRENCE_DECAY_DAYS).astype(np.float32)
        # 7. Engagement and partnership work.
        meetings_before = self.engagement.meetings_held
        self.strategy.run_day(day, budget)
        self.engagement.relax_engagement()
        self.engagement.update_efficacy()
        # 8. Review on measured data.
        rec = np.zeros_like(counts, dtype=np.float64)
        np.add.at(rec, (off.place[off.recorded], off.kind[off.recorded]), 1.0)
        self.recorded_history = (1 - HISTORY_DECAY) * self.recorded_history + rec
        self.recorded_since_review += rec
        if day > 0 and day % self.cfg.sim.review_period_days == 0:
            self.strategy.review(day)
            self.recorded_since_review[:] = 0.0
        # 9. Measurement.
        if day >= 0:
            if day % self.cfg.sim.survey_period_days == 0:
                self._run_survey(day)
            self.recorder.record_day(
                day,
                counts,
                off,
                contacts,
                arrestee,
                shift,
                budget,
                self.engagement.meetings_held - meetings_before,
            )
        self.presence = presence
        self.day += 1

    def _apply_misconduct(self, day: int) -> None:
        ms = self.cfg.modifiers.misconduct_shock
        if ms.day != day or ms.day < 0:
            return
        r = self.residents
        if ms.neighbourhoods:
            mask = self._neighbourhood_mask(ms.neighbourhoods, 0.0, "misconduct")
            hit = mask[self.city.neighbourhood[r.place]]
        else:
            hit = np.ones(r.n, dtype=bool)
        r.trust[hit] = (r.trust[hit] * (1.0 - ms.trust_drop)).astype(np.float32)

    def _other_calls(self, rng: np.random.Generator) -> np.ndarray:
        """Residents behind today's non-crime calls (those responders do not take)."""
        pp = self.params.police
        lam = pp.other_calls_per_1000 * self.city.population / 1000.0
        n = rng.poisson(lam)
        places = np.repeat(np.arange(self.n_places), n)
        u = rng.random((len(places), 2))
        callers = reporting.pick_residents_at(self, places, u[:, 0])
        diverted = u[:, 1] < self.programs.responder_coverage[places] * RESPONDER_CALL_SHARE
        return callers[~diverted]

    def _with_arrest_contacts(
        self, c: policing.Contacts, arrestee: np.ndarray
    ) -> policing.Contacts:
        n = len(arrestee)
        return policing.Contacts(
            resident=np.concatenate([c.resident, arrestee]),
            officer=np.concatenate([c.officer, np.full(n, -1, np.int64)]),
            police_initiated=np.concatenate([c.police_initiated, np.ones(n, bool)]),
            negative=np.concatenate([c.negative, np.ones(n, bool)]),
        )

    def _run_survey(self, day: int) -> None:
        answers = survey_wave(self, self.streams.get("survey", day))
        self.recorder.record_survey(day, answers)
        if len(answers["resident"]):
            nb = self.city.neighbourhood[self.residents.place[answers["resident"]]]
            total = np.bincount(
                nb, weights=(answers["trust"] - 1) / 4.0, minlength=self.city.n_neighbourhoods
            )
            cnt = np.bincount(nb, minlength=self.city.n_neighbourhoods)
            mean = float(total.sum() / cnt.sum())
            self._survey_trust = np.divide(total, cnt, out=np.full(len(cnt), mean), where=cnt > 0)

    # ----- running ---------------------------------------------------------------------------
    def run(self, days: int | None = None) -> None:
        """Run the burn-in (if not yet run) and then ``days`` recorded days (default sim.days)."""
        while self.day < 0:
            self.step()
        for _ in range(self.cfg.sim.days if days is None else days):
            self.step()

    @property
    def organizations(self) -> list[Organization]:
        """Partner organizations running programs."""
        return self.strategy.organizations

    @property
    def crime_types(self) -> tuple[str, ...]:
        """Model crime types in array column order."""
        return CRIME_TYPES

    @property
    def social_ties(self) -> sp.csr_matrix:
        """The resident social network (binary, symmetric)."""
        return self.ties
