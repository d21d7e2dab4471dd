"""Process 3: officers' shifts (calls, then patrol), the calls answered and how fast.

The :class:`Police` own the force (officer arrays), the deployment plan the strategy fills,
the patrol policy (stop rates and how contacts go, set by the patrol component) and the
presence they leave at places. The contacts a shift makes are in :mod:`.contacts`, the
arrests in :mod:`.arrests`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.city import City
from cspsim.config import ModelParams
from cspsim.model.agents import DUTY_MODES, Force, Officer
from cspsim.model.processes.deployment import DeploymentPlan
from cspsim.model.world import World

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel

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


def stop_hit_probability(world: World, params: ModelParams) -> tuple[float, float]:
    """Chance that a stop finds something: ``(at-risk resident, other resident)``.

    At-risk residents are ``at_risk_hit_ratio`` times as likely to be found with something;
    the two are scaled so that, with the baseline's choice of whom to stop, the city's hit
    rate is the sourced ``stop_hit_rate`` (NYCLU 2011).
    """
    contact_pars = params.contacts
    a = float(world.residents.at_risk.mean())
    stopped_at_risk = (
        contact_pars.at_risk_stop_ratio * a / (contact_pars.at_risk_stop_ratio * a + 1.0 - a)
    )
    other = contact_pars.stop_hit_rate / (
        stopped_at_risk * contact_pars.at_risk_hit_ratio + 1.0 - stopped_at_risk
    )
    return min(1.0, contact_pars.at_risk_hit_ratio * other), min(1.0, other)


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
