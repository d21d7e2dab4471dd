"""Processes 3-4: officers' shifts (calls, then patrol), contacts with residents, arrests.

The :class:`Police` own the force (officer arrays), the deployment plan the strategy fills,
the patrol policy (stop rates and how contacts go, set by the patrol component) and the
presence they leave at places. Contacts are events at real scale. A contact moves the trust
of the resident agent it falls on by 1/k of its full effect (the agent is the mean of its k
people). Negative contacts move trust ``asymmetry`` times more than positive ones (Skogan
2006); procedural-justice skill lowers the chance that a contact is experienced as negative
(Mazerolle et al. 2013).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from cspsim.city import City
from cspsim.config import ModelParams
from cspsim.model.agents import DUTY_MODES, Force, Officer
from cspsim.model.kernels import count_at
from cspsim.model.processes.deployment import DeploymentPlan
from cspsim.model.processes.reporting import Offences
from cspsim.model.world import World

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel
    from cspsim.model.processes.legitimacy import Legitimacy

#: Officer-hours per patrol visit (a visit is the unit of presence at a place).
VISIT_HOURS = 1.0
#: Spare officers beyond the baseline's shifts (extra funding can put them on duty).
OFFICER_RESERVE = 0.25
_COMMUNITY = DUTY_MODES.index("community")
_PROBLEM_SOLVING = DUTY_MODES.index("problem_solving")


@dataclass
class Orders:
    """Today's duty orders, filled by the components at the ``orders`` stage.

    Attributes:
        n_on: Officers with a full funded shift today.
        problem_solvers: The first ranks on duty work problem-solving projects.
        community: Of the next ranks, how many walk community foot beats.
        beat_mode: Duty mode (index into ``DUTY_MODES``) of the other proactive officers,
            by beat; None: random patrol everywhere.
        community_beats: Beats whose community officers walk community beats (elsewhere they
            patrol at random); None: nowhere.
    """

    n_on: int = 0
    problem_solvers: int = 0
    community: int = 0
    beat_mode: np.ndarray | None = None
    community_beats: np.ndarray | None = None


@dataclass
class PatrolPolicy:
    """How patrol contacts go at each place (the patrol component sets it when it starts).

    Per-place values are arrays over places, or the scalar 1.0 where nothing changes.

    Attributes:
        stop_multiplier: Stops per patrol hour relative to baseline.
        negative_multiplier: Share of stops experienced as negative relative to baseline.
        disorder_discovery: Discovery of low-level offences relative to baseline.
        foot_patrol: Whether officers walk community foot beats (informal talks, fewer and
            better stops).
        foot_negative_multiplier: Negative share of foot-patrol stops relative to car patrol.
        mixed: Foot beats mixed into another patrol mode: foot visits at active places get
            ``foot_stop_multiplier`` on top of ``stop_multiplier``.
        foot_stop_multiplier: Stops per foot-patrol hour relative to baseline (mixed mode).
        active_places: Where the strategy runs (mixed mode).
    """

    stop_multiplier: np.ndarray | float = 1.0
    negative_multiplier: np.ndarray | float = 1.0
    disorder_discovery: np.ndarray | float = 1.0
    foot_patrol: bool = False
    foot_negative_multiplier: float = 1.0
    mixed: bool = False
    foot_stop_multiplier: float = 1.0
    active_places: np.ndarray | None = None


@dataclass
class ShiftResult:
    """What the police did today on patrol.

    Attributes:
        presence: Officer-hours at each place from patrol visits.
        patrol_hours: Proactive patrol officer-hours.
        call_hours: Officer-hours spent answering calls.
        visit_place: Place of each patrol visit.
        visit_officer: Officer (index) of each patrol visit.
    """

    presence: np.ndarray
    patrol_hours: float
    call_hours: float
    visit_place: np.ndarray
    visit_officer: np.ndarray


@dataclass
class Contacts:
    """Today's police-resident contacts (one entry per contact).

    Attributes:
        resident: Resident agent contacted.
        officer: Officer index (-1 for contacts with no single officer).
        police_initiated: Stop or arrest (True) or a call answered or a talk (False).
        negative: Experienced as negative.
        stop: A stop (a patrol's police-initiated contact; arrests are not stops).
        hit: A stop that found something (an arrest, summons or find).
        complaint: The person complained about the contact (set by :func:`file_complaints`).
    """

    resident: np.ndarray
    officer: np.ndarray
    police_initiated: np.ndarray
    negative: np.ndarray
    stop: np.ndarray
    hit: np.ndarray
    complaint: np.ndarray | None = None

    def plus(self, other: Contacts) -> Contacts:
        """These contacts followed by ``other``'s."""
        return Contacts(
            *(
                np.concatenate([getattr(self, f), getattr(other, f)])
                for f in ("resident", "officer", "police_initiated", "negative", "stop", "hit")
            )
        )

    @staticmethod
    def of(
        resident: np.ndarray, officer: np.ndarray, initiated: bool, negative: np.ndarray
    ) -> Contacts:
        """Contacts that are not stops (calls, talks, arrests)."""
        n = len(resident)
        no = np.zeros(n, bool)
        return Contacts(
            resident.astype(np.int64),
            officer.astype(np.int64),
            np.full(n, initiated),
            negative,
            no,
            no.copy(),
        )


def beats_by_population(city: City, n: int) -> np.ndarray:
    """Officers per neighbourhood (beat) by population, largest remainder; sums to ``n``."""
    nb_pop = np.bincount(
        city.neighbourhood, weights=city.population, minlength=city.n_neighbourhoods
    )
    exact = nb_pop / nb_pop.sum() * n
    beats = np.floor(exact).astype(int)
    extra = n - beats.sum()
    beats[np.argsort(-(exact - beats), kind="stable")[:extra]] += 1
    return beats


class Police:
    """The force, its plan and policy, and what it does each day.

    Args:
        model: The model (officer agents belong to it).
        world: The world.
        params: Mechanism parameters.
        rng: The ``init.officers`` stream (duty roster).
    """

    def __init__(
        self,
        model: CommunitySafetyModel,
        world: World,
        params: ModelParams,
        rng: np.random.Generator,
    ) -> None:
        self.world = world
        self.params = params
        police_pars = params.police
        self.baseline_hours = police_pars.officer_hours_per_1000 * world.population / 1000.0
        n = max(1, math.ceil(self.baseline_hours / police_pars.shift_hours * (1 + OFFICER_RESERVE)))
        beats = beats_by_population(world.city, n)
        self.force = Force(
            beat=np.repeat(np.arange(len(beats)), beats),
            duty_rank=rng.permutation(n),
            skill=np.full(n, params.contacts.procedural_justice_skill),
            contacts=np.zeros(n, np.int64),
            on_duty=np.zeros(n, dtype=bool),
            mode=np.zeros(n, dtype=np.int8),
            place=np.full(n, -1, np.int64),
            hours=np.zeros(n),
            complaints=np.zeros(n, np.int64),
        )
        self.officers = [Officer(model, i) for i in range(n)]
        self.plan = DeploymentPlan(world.n_places, world.city.neighbourhood)
        self.policy = PatrolPolicy()
        self.presence = np.zeros(world.n_places)
        self.hit_probability = stop_hit_probability(world, params)
        self.reference_presence_raw = np.zeros(world.n_places)
        self.reference_presence = np.zeros(world.n_places)

    def set_reference_presence(self, expected_recorded: np.ndarray) -> None:
        """Expected presence under the baseline; police deterrence is measured against it.

        Calls are answered where they arise, the rest of the hours spread uniformly (random
        patrol), so the baseline reproduces the data. Yesterday's presence starts there.
        """
        w = self.world
        police_pars = self.params.police
        calls = expected_recorded[:, :3].sum(axis=1) + (
            police_pars.other_calls_per_1000 * w.city.population / 1000.0
        )
        call_hours = min(calls.sum() * police_pars.call_hours, self.baseline_hours)
        self.reference_presence_raw = (self.baseline_hours - call_hours) / w.n_places + (
            calls / max(calls.sum(), 1e-12) * call_hours
        )
        self.reference_presence = self.reference_presence_raw + (
            self.params.crime.diffusion_of_benefits * (w.place_w @ self.reference_presence_raw)
        )
        self.presence = self.reference_presence_raw.copy()

    def officers_on_full_shift(self, officer_hours: float) -> int:
        """Officers with a full funded shift for ``officer_hours`` (the first duty ranks)."""
        shift = self.params.police.shift_hours
        return min(self.force.n, int(officer_hours // shift))

    def run_shifts(
        self, officer_hours: float, n_calls: float, orders: Orders, rng: np.random.Generator
    ) -> ShiftResult:
        """Put funded officers on duty, answer calls, and send the rest of the hours on patrol.

        Vectorized over officers: each officer's visits use its own row of uniforms (common
        random numbers), in officer order.
        """
        police_pars = self.params.police
        force = self.force
        n_on = orders.n_on
        partial = officer_hours - n_on * police_pars.shift_hours
        call_hours = min(n_calls * police_pars.call_hours, officer_hours)
        call_share = call_hours / officer_hours if officer_hours > 0 else 0.0
        n_off = force.n
        u_round = rng.random(n_off)  # fixed layout: one row of uniforms per officer
        u_visits = rng.random((n_off, int(police_pars.shift_hours / VISIT_HOURS) + 1))
        rank = force.duty_rank
        hours = np.where(rank < n_on, police_pars.shift_hours, np.where(rank == n_on, partial, 0.0))
        on = hours > 0
        force.on_duty[:] = on
        force.mode[on] = self._modes(rank, force.beat, orders)[on]
        patrol = hours * (1.0 - call_share) / VISIT_HOURS
        whole = patrol.astype(np.int64)
        visits = np.where(on, whole + (u_round < patrol - whole), 0)
        taken = np.arange(u_visits.shape[1])[None, :] < visits[:, None]
        vo = np.repeat(np.arange(n_off, dtype=np.int32), visits)
        vp = self.plan.draw_many(force.mode[vo], force.beat[vo], u_visits[taken])
        walked = np.flatnonzero(visits > 0)
        force.place[walked] = vp[np.cumsum(visits)[walked] - 1]  # where each shift ended
        force.hours[on] += visits[on] * VISIT_HOURS
        presence = np.bincount(vp, minlength=self.world.n_places) * VISIT_HOURS
        return ShiftResult(
            presence.astype(np.float64), float(len(vp) * VISIT_HOURS), call_hours, vp, vo
        )

    @staticmethod
    def _modes(rank: np.ndarray, beat: np.ndarray, orders: Orders) -> np.ndarray:
        """Duty mode of every officer today, from its duty rank and beat."""
        community = orders.problem_solvers + orders.community
        beats = orders.community_beats
        foot = np.where(beats[beat], _COMMUNITY, 0) if beats is not None else np.zeros_like(beat)
        other = np.zeros_like(beat) if orders.beat_mode is None else orders.beat_mode[beat]
        return np.where(
            rank < orders.problem_solvers,
            _PROBLEM_SOLVING,
            np.where(rank < community, foot, other),
        ).astype(np.int64)

    def foot_patrol_mask(self, officers: np.ndarray) -> np.ndarray:
        """Which of the given officers (of visits or contacts) are on community foot patrol."""
        if not self.policy.foot_patrol or len(officers) == 0:
            return np.zeros(len(officers), dtype=bool)
        return self.force.mode[officers] == _COMMUNITY

    def stop_multiplier(self, places: np.ndarray, officers: np.ndarray) -> np.ndarray | float:
        """Stops per patrol hour relative to baseline at each visit (place and officer)."""
        pol = self.policy
        out = self.at_places(pol.stop_multiplier, places)
        if pol.mixed:
            foot = self.foot_patrol_mask(officers)
            if foot.any():
                foot &= pol.active_places[places]
                out = out * np.where(foot, pol.foot_stop_multiplier, 1.0)
        return out

    def at_places(self, value: np.ndarray | float, places: np.ndarray) -> np.ndarray | float:
        """A per-place policy value at the given places (a scalar stays a scalar)."""
        return value if np.isscalar(value) else value[places]


def choose_stopped(
    world: World, params: ModelParams, places: np.ndarray, rng_u: np.ndarray
) -> np.ndarray:
    """Residents stopped at the given places: at-risk residents and (with bias) group B oftener.

    Rejection sampling on per-resident weights, vectorized over stops with a fixed number of
    rounds (each stop has its own column of uniforms, so draws stay aligned across scenarios).
    """
    contact_pars = params.contacts
    r = world.residents
    max_w = contact_pars.at_risk_stop_ratio * np.exp(max(contact_pars.group_stop_bias, 0.0))
    chosen = world.pick_residents_at(places, rng_u[:, 0])
    pending = np.ones(len(places), dtype=bool)
    rounds = (rng_u.shape[1] - 1) // 2
    for k in range(rounds):
        cand = world.pick_residents_at(places, rng_u[:, 1 + 2 * k])
        w = np.where(r.at_risk[cand], contact_pars.at_risk_stop_ratio, 1.0) * np.exp(
            contact_pars.group_stop_bias * r.group[cand]
        )
        accept = pending & (rng_u[:, 2 + 2 * k] < w / max_w)
        chosen[accept] = cand[accept]
        pending &= ~accept
    return chosen


def informal_contacts(
    police: Police, shift: ShiftResult, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Conversations on community foot patrol: non-enforcement, mostly positive contacts.

    Foot officers talk with residents of the places they walk (Trojanowicz 1982; Skogan &
    Hartnett 1997). Drawn on their own stream, so the other contact draws stay aligned with
    the baseline (CRN).

    Returns:
        The conversations (not police-initiated contacts).
    """
    contact_pars = police.params.contacts
    rate = contact_pars.foot_informal_contacts_per_hour * VISIT_HOURS
    foot = police.foot_patrol_mask(shift.visit_officer)
    n = rng.poisson(rate, size=int(foot.sum()))
    where = np.repeat(shift.visit_place[foot], n)
    who = police.world.pick_residents_at(where, rng.random(len(where))).astype(np.int64)
    talker = np.repeat(shift.visit_officer[foot], n).astype(np.int64)
    p_bad = contact_pars.negative_probability_informal * (
        1.0 - contact_pars.procedural_justice_mitigation * police.force.skill[talker]
    )
    return Contacts.of(who, talker, False, rng.random(len(who)) < p_bad)


def has_informal_contacts(police: Police, shift: ShiftResult) -> bool:
    """Whether foot patrol talks with residents today (else no stream is drawn)."""
    rate = police.params.contacts.foot_informal_contacts_per_hour
    return rate > 0 and bool(police.foot_patrol_mask(shift.visit_officer).any())


def stop_hit_probability(world: World, params: ModelParams) -> tuple[float, float]:
    """Chance that a stop finds something: ``(at-risk resident, other resident)``.

    At-risk residents are ``at_risk_hit_ratio`` times as likely to be found with something;
    the two are scaled so that, with the baseline's choice of whom to stop, the city's hit
    rate is the sourced ``stop_hit_rate`` (NYCLU 2011).
    """
    cp = params.contacts
    a = float(world.residents.at_risk.mean())
    stopped_at_risk = cp.at_risk_stop_ratio * a / (cp.at_risk_stop_ratio * a + 1.0 - a)
    other = cp.stop_hit_rate / (stopped_at_risk * cp.at_risk_hit_ratio + 1.0 - stopped_at_risk)
    return min(1.0, cp.at_risk_hit_ratio * other), min(1.0, other)


def make_contacts(
    police: Police,
    shift: ShiftResult,
    callers: np.ndarray,
    rng: np.random.Generator,
) -> Contacts:
    """Stops from patrol visits and contacts from answered calls, each positive or negative.

    A stop finds something (a *hit*) more often when the stopped resident is at risk of
    offending; stops that find nothing are more often experienced as unfair, so the negative
    share of stops follows their hit rate (the outcome test of Knowles, Persico & Todd 2001
    shows in both). Procedural-justice skill lowers every negative share.
    """
    world, params = police.world, police.params
    police_pars, contact_pars = params.police, params.contacts
    pol = police.policy
    r = world.residents
    stop_rate = (
        police_pars.stops_per_patrol_hour
        * VISIT_HOURS
        * police.stop_multiplier(shift.visit_place, shift.visit_officer)
    )
    n_stops = rng.poisson(stop_rate, size=len(shift.visit_place))  # one draw per visit
    stop_place = np.repeat(shift.visit_place, n_stops)
    stop_officer = np.repeat(shift.visit_officer, n_stops)
    stopped = choose_stopped(world, params, stop_place, rng.random((len(stop_place), 9)))
    foot = police.foot_patrol_mask(stop_officer)
    p_hit_risk, p_hit_other = police.hit_probability
    hit = rng.random(len(stopped)) < np.where(r.at_risk[stopped], p_hit_risk, p_hit_other)

    on_duty = np.flatnonzero(police.force.on_duty)
    if len(on_duty):
        responder = on_duty[(rng.random(len(callers)) * len(on_duty)).astype(np.int64)]
    else:
        responder = np.full(len(callers), -1, dtype=np.int64)

    resident = np.concatenate([stopped, callers])
    officer = np.concatenate([stop_officer, responder]).astype(np.int64)
    n_stop = len(stopped)
    initiated = np.concatenate([np.ones(n_stop, bool), np.zeros(len(callers), bool)])
    is_hit = np.concatenate([hit, np.zeros(len(callers), bool)])
    # Negative share of stops: the sourced baseline share, split by whether the stop had
    # cause, so that at the baseline hit rate the average is the sourced share.
    h, ratio = contact_pars.stop_hit_rate, contact_pars.no_cause_negative_ratio
    with_cause = contact_pars.negative_probability_stop / (h + (1.0 - h) * ratio)
    p_neg = np.where(initiated, with_cause, contact_pars.negative_probability_call)
    p_neg[:n_stop] *= np.where(hit, 1.0, ratio)
    p_neg[:n_stop] *= police.at_places(pol.negative_multiplier, stop_place)
    p_neg[:n_stop] *= np.where(foot, pol.foot_negative_multiplier, 1.0)
    p_neg *= np.where(r.group[resident] == 1, contact_pars.group_b_fairness_ratio, 1.0)
    skill = np.where(officer >= 0, police.force.skill[np.maximum(officer, 0)], 0.0)
    p_neg = p_neg * (1.0 - contact_pars.procedural_justice_mitigation * skill)
    negative = rng.random(len(resident)) < np.clip(p_neg, 0.0, 1.0)
    return Contacts(resident, officer, initiated, negative, initiated.copy(), is_hit)


#: Highest load used in the response-time queue (at or above 1 calls go unanswered).
MAX_LOAD = 0.95


def response_minutes(params: ModelParams, wanted_hours: float, officer_hours: float) -> float:
    """Minutes from a call to an officer on scene on a day with the given load.

    A queue (Larson 1972): the delay grows with the load ``rho`` = call-hours demanded /
    officer-hours on duty, ``base / (1 - min(rho, MAX_LOAD))`` (the time in an M/M/1 system
    relative to its service time), so free officers respond in ``response_base_minutes``.
    """
    base = params.police.response_base_minutes
    if officer_hours <= 0:
        return base / (1.0 - MAX_LOAD)
    rho = min(wanted_hours / officer_hours, MAX_LOAD)
    return base / (1.0 - rho)


def slow_response_share(params: ModelParams, minutes: float) -> float:
    """Share of trust an answered caller loses to a response slower than expected.

    ``slow_response_loss * min(max(minutes / expected - 1, 0), 1)`` (Percy 1980: satisfaction
    follows the response time relative to the caller's expectation).
    """
    lp = params.legitimacy
    late = min(max(minutes / lp.response_expected_minutes - 1.0, 0.0), 1.0)
    return lp.slow_response_loss * late


def answer_calls(
    callers: np.ndarray, capacity_share: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Which callers get an officer when calls exceed the hours for them.

    Args:
        callers: Resident behind each call.
        capacity_share: Share of the calls the officer-hours on duty can answer (<= 1).
        rng: The ``calls.answered`` stream of the day.

    Returns:
        ``(answered, unanswered)`` callers.
    """
    if capacity_share >= 1.0 or len(callers) == 0:
        return callers, callers[:0]
    ok = rng.random(len(callers)) < capacity_share
    return callers[ok], callers[~ok]


def file_complaints(
    police: Police,
    contacts: Contacts,
    cynicism: np.ndarray,
    channel: float,
    rng: np.random.Generator,
) -> None:
    """Some people who felt badly treated complain (``contacts.complaint`` is set).

    Filing rises with an anonymous channel and with rights education and falls with legal
    cynicism ("no use complaining"); fewer than 5% of those who felt treated improperly
    complain (BJS PPCS 2011). Each complaint is counted for the officer and the resident.

    Args:
        police: The police (officers' complaint counts).
        contacts: Today's contacts.
        cynicism: Legal cynicism of each contacted resident's neighbourhood.
        channel: Complaints filed relative to without an anonymous channel.
        rng: The ``complaints`` stream of the day.
    """
    ap = police.params.accountability
    r = police.world.residents
    who = contacts.resident
    rights = 1.0 + (ap.rights_education_effect - 1.0) * r.rights[who]
    p = ap.complaint_probability * channel * rights
    p = p * np.exp(-ap.cynicism_complaint_suppression * cynicism)
    contacts.complaint = contacts.negative & (rng.random(len(who)) < np.clip(p, 0.0, 1.0))
    count_at(r.complaints, who[contacts.complaint])
    by_officer = contacts.officer[contacts.complaint]
    count_at(police.force.complaints, by_officer[by_officer >= 0])


def make_arrests(
    world: World,
    params: ModelParams,
    offences: Offences,
    cynicism: np.ndarray,
    reference_cynicism: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Decide arrests for recorded offences; the arrestee is the offence's offender.

    ``offences.arrest`` flags every arrest (clearance, outsiders included); the returned
    arrestees are the modelled residents among them (:func:`resident_arrests`).

    The chance of an arrest is the offence type's clearance rate, higher when the victim or
    witness trusts the police (they cooperate; Tyler & Fagan 2008) and lower in cynical
    neighbourhoods (Kirk & Matsuda 2011), so distrust means fewer arrests.

    Args:
        world: The world.
        params: Mechanism parameters.
        offences: Today's offences (``arrest`` is set here).
        cynicism: Legal cynicism of each offence's neighbourhood.
        reference_cynicism: The city's cynicism at the start (the clearance rates' level).
        rng: The ``arrests`` stream of the day.

    Returns:
        Resident index of each arrested resident, in offence order.
    """
    pp = params.police
    p0 = np.asarray(pp.arrest_probability)
    base = np.log(p0 / (1.0 - p0))
    trust = world.residents.trust[offences.victim]
    x = (
        base[offences.kind]
        + pp.witness_trust_effect * (trust - world.reference_trust)
        - pp.cynicism_arrest_effect * (cynicism - reference_cynicism)
    )
    prob = 1.0 / (1.0 + np.exp(-x))
    offences.arrest = offences.recorded & (rng.random(len(offences.place)) < prob)
    # The arrestee is the offender (drawn when the offence happened: an at-risk resident of
    # the place by how much each offends; offenders mostly live near where they offend:
    # Bernasco 2005). Arresting an outsider counts as an arrest but touches no resident.
    return offences.offender[resident_arrests(offences)]


def resident_arrests(offences: Offences) -> np.ndarray:
    """Which offences led to the arrest of a modelled resident (not an outsider)."""
    return offences.arrest & (offences.offender >= 0)


def apply_contacts(police: Police, legitimacy: Legitimacy, contacts: Contacts) -> None:
    """Move trust by contact outcome (Skogan's asymmetry) and count contacts.

    Ties hear of the contacts later in the day (vicarious experience, :mod:`legitimacy`).
    """
    r = police.world.residents
    legitimacy.contacts(contacts.resident, contacts.negative)
    count_at(r.contacts, contacts.resident)
    count_at(r.negative_contacts, contacts.resident[contacts.negative])
    valid = contacts.officer >= 0
    count_at(police.force.contacts, contacts.officer[valid])


@dataclass
class Jail:
    """Incapacitation: the share of each resident agent's people in jail drains over time.

    Attributes:
        mean_days: Mean days an incapacitated share stays jailed (release is exponential).
    """

    mean_days: float = 60.0
    _release: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self._release = math.exp(-1.0 / self.mean_days)

    def release(self, world: World) -> None:
        """One day of releases."""
        world.residents.jailed *= np.float32(self._release)


def apply_arrests(
    world: World, params: ModelParams, jail: Jail, offences: Offences, arrestee: np.ndarray
) -> None:
    """Arrests incapacitate (jail) and deter the arrestee.

    An arrest is also a negative contact of the arrestee (its ties hear of it: vicarious).
    """
    crime_pars = params.crime
    r = world.residents
    k = world.residents_per_agent
    if len(arrestee) == 0:
        return
    days = np.asarray(crime_pars.incapacitation_days)[offences.kind[resident_arrests(offences)]]
    # jailed is the share of the agent's k people in jail; it drains at 1/mean_days per
    # day, so an arrest adds days/mean_days person-shares to keep person-days right.
    add = (days / jail.mean_days / k).astype(np.float32)
    np.add.at(r.jailed, arrestee, add)
    np.clip(r.jailed, 0.0, 1.0, out=r.jailed)
    np.multiply.at(r.propensity, arrestee, np.float32(1.0 - crime_pars.specific_deterrence / k))
    count_at(r.arrests, arrestee)
