"""Processes 3-4: officers' shifts (calls, then patrol), contacts with residents, arrests.

Contacts are events at real scale. A contact moves the trust of the resident agent it falls
on by 1/k of its full effect (the agent is the mean of its k people). Negative contacts move
trust ``asymmetry`` times more than positive ones (Skogan 2006); procedural-justice skill
lowers the chance that a contact is experienced as negative (Mazerolle et al. 2013).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.agents import DUTY_MODES
from cspsim.processes.reporting import Offences, pick_residents_at

if TYPE_CHECKING:
    from cspsim.model import CommunitySafetyModel

#: Officer-hours per patrol visit (a visit is the unit of presence at a place).
VISIT_HOURS = 1.0


@dataclass
class ShiftResult:
    """What the police did today.

    Attributes:
        presence: Officer-hours at each place (patrol visits and calls answered).
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


def run_shifts(
    model: CommunitySafetyModel, officer_hours: float, n_calls: float, rng: np.random.Generator
) -> ShiftResult:
    """Put funded officers on duty, answer calls, and send the rest of the hours on patrol."""
    pp = model.params.police
    officers = model.officer_list
    n_on = min(len(officers), int(officer_hours // pp.shift_hours))
    partial = officer_hours - n_on * pp.shift_hours
    call_hours = min(n_calls * pp.call_hours, officer_hours)
    call_share = call_hours / officer_hours if officer_hours > 0 else 0.0

    n_off = len(officers)
    u_round = rng.random(n_off)  # fixed layout: one row of uniforms per officer
    u_visits = rng.random((n_off, int(pp.shift_hours / VISIT_HOURS) + 1))
    visit_place: list[np.ndarray] = []
    visit_officer: list[np.ndarray] = []
    problem_solvers = model.strategy.problem_solving_officers(n_on)
    # Mixed modes: the next ranks after problem solving walk community beats.
    community = problem_solvers + model.strategy.community_officers(n_on - problem_solvers)
    for officer in officers:
        # Officers are on duty in a fixed order (the duty roster), so scenarios funding the
        # same hours field the same officers.
        rank = model.duty_rank[officer.index]
        hours = pp.shift_hours if rank < n_on else (partial if rank == n_on else 0.0)
        officer.on_duty = hours > 0
        model.officer_duty[officer.index] = officer.on_duty
        if not officer.on_duty:
            continue
        if rank < problem_solvers:
            officer.mode = "problem_solving"
        else:
            officer.mode = model.strategy.officer_mode(officer.beat, community=rank < community)
        model.officer_mode[officer.index] = DUTY_MODES.index(officer.mode)
        patrol = hours * (1.0 - call_share) / VISIT_HOURS
        visits = int(patrol) + int(u_round[officer.index] < patrol - int(patrol))
        places = officer.patrol(visits, u_visits[officer.index], VISIT_HOURS)
        visit_place.append(places)
        visit_officer.append(np.full(len(places), officer.index, dtype=np.int32))

    vp = np.concatenate(visit_place) if visit_place else np.empty(0, np.int64)
    vo = np.concatenate(visit_officer) if visit_officer else np.empty(0, np.int32)
    presence = np.bincount(vp, minlength=model.n_places) * VISIT_HOURS
    return ShiftResult(
        presence.astype(np.float64), float(len(vp) * VISIT_HOURS), call_hours, vp, vo
    )


@dataclass
class Contacts:
    """Today's police-resident contacts (one entry per contact).

    Attributes:
        resident: Resident agent contacted.
        officer: Officer index (-1 for contacts with no single officer).
        police_initiated: Stop or arrest (True) or a call answered (False).
        negative: Experienced as negative.
    """

    resident: np.ndarray
    officer: np.ndarray
    police_initiated: np.ndarray
    negative: np.ndarray


def choose_stopped(
    model: CommunitySafetyModel, places: np.ndarray, rng_u: np.ndarray
) -> np.ndarray:
    """Residents stopped at the given places: at-risk residents and (with bias) group B oftener.

    Rejection sampling on per-resident weights, vectorized over stops with a fixed number of
    rounds (each stop has its own column of uniforms, so draws stay aligned across scenarios).
    """
    cp = model.params.contacts
    r = model.residents
    max_w = cp.at_risk_stop_ratio * np.exp(max(cp.group_stop_bias, 0.0))
    chosen = pick_residents_at(model, places, rng_u[:, 0])
    pending = np.ones(len(places), dtype=bool)
    rounds = (rng_u.shape[1] - 1) // 2
    for k in range(rounds):
        cand = pick_residents_at(model, places, rng_u[:, 1 + 2 * k])
        w = np.where(r.at_risk[cand], cp.at_risk_stop_ratio, 1.0) * np.exp(
            cp.group_stop_bias * r.group[cand]
        )
        accept = pending & (rng_u[:, 2 + 2 * k] < w / max_w)
        chosen[accept] = cand[accept]
        pending &= ~accept
    return chosen


def informal_contacts(
    model: CommunitySafetyModel, shift: ShiftResult
) -> tuple[np.ndarray, np.ndarray, np.random.Generator | None]:
    """Conversations on community foot patrol: non-enforcement, mostly positive contacts.

    Foot officers talk with residents of the places they walk (Trojanowicz 1982; Skogan &
    Hartnett 1997). Drawn on their own stream, so the other contact draws stay aligned with
    the baseline (CRN); a strategy without foot patrol draws nothing.

    Returns:
        ``(resident, officer, rng)``: who was talked to, by whom, and the stream (None if
        there were no foot visits) for deciding which contacts went badly.
    """
    rate = model.params.contacts.foot_informal_contacts_per_hour * VISIT_HOURS
    foot = model.strategy.foot_patrol_mask(shift.visit_officer)
    if rate <= 0 or not foot.any():
        return np.empty(0, np.int64), np.empty(0, np.int64), None
    rng = model.streams.get("contacts.informal", model.day)
    n = rng.poisson(rate, size=int(foot.sum()))
    where = np.repeat(shift.visit_place[foot], n)
    who = pick_residents_at(model, where, rng.random(len(where)))
    return who.astype(np.int64), np.repeat(shift.visit_officer[foot], n).astype(np.int64), rng


def make_contacts(
    model: CommunitySafetyModel,
    shift: ShiftResult,
    offences: Offences,
    other_calls: np.ndarray,
    rng: np.random.Generator,
) -> Contacts:
    """Stops from patrol visits, contacts from answered calls, each positive or negative."""
    pp, cp = model.params.police, model.params.contacts
    strat = model.strategy
    # Stops: Poisson per visit at the strategy's stop rate.
    stop_rate = (
        pp.stops_per_patrol_hour
        * VISIT_HOURS
        * strat.stop_multiplier(shift.visit_place, shift.visit_officer)
    )
    n_stops = rng.poisson(stop_rate, size=len(shift.visit_place))  # one draw per visit
    stop_place = np.repeat(shift.visit_place, n_stops)
    stop_officer = np.repeat(shift.visit_officer, n_stops)
    stopped = choose_stopped(model, stop_place, rng.random((len(stop_place), 9)))
    foot = strat.foot_patrol_mask(stop_officer)

    # Calls: the victim of each reported offence, and residents behind other calls.
    caller = np.concatenate([offences.victim[offences.reported], other_calls])
    on_duty = np.flatnonzero(model.officer_on_duty())
    if len(on_duty):
        responder = on_duty[(rng.random(len(caller)) * len(on_duty)).astype(np.int64)]
    else:
        responder = np.full(len(caller), -1, dtype=np.int64)

    resident = np.concatenate([stopped, caller])
    officer = np.concatenate([stop_officer, responder]).astype(np.int64)
    initiated = np.concatenate([np.ones(len(stopped), bool), np.zeros(len(caller), bool)])
    p_neg = np.where(initiated, cp.negative_probability_stop, cp.negative_probability_call)
    p_neg[: len(stopped)] *= strat.negative_multiplier(stop_place)
    p_neg[: len(stopped)] *= np.where(foot, strat.foot_negative_multiplier, 1.0)
    skill = np.where(officer >= 0, model.officer_skill[np.maximum(officer, 0)], 0.0)
    p_neg = p_neg * (1.0 - cp.procedural_justice_mitigation * skill)
    negative = rng.random(len(resident)) < np.clip(p_neg, 0.0, 1.0)
    # Informal foot-patrol contacts count with the non-enforcement (not police-initiated) ones.
    talked, talker, rng_informal = informal_contacts(model, shift)
    if rng_informal is None:
        return Contacts(resident, officer, initiated, negative)
    p_bad = cp.negative_probability_informal * (
        1.0 - cp.procedural_justice_mitigation * model.officer_skill[talker]
    )
    return Contacts(
        np.concatenate([resident, talked]),
        np.concatenate([officer, talker]),
        np.concatenate([initiated, np.zeros(len(talked), bool)]),
        np.concatenate([negative, rng_informal.random(len(talked)) < p_bad]),
    )


def make_arrests(
    model: CommunitySafetyModel, offences: Offences, rng: np.random.Generator
) -> np.ndarray:
    """Decide arrests for recorded offences and pick the arrestee (an at-risk resident nearby).

    Returns:
        Resident index of each arrestee (one per arrest), in offence order.
    """
    prob = np.asarray(model.params.police.arrest_probability)[offences.kind]
    u = rng.random((len(offences.place), 2))
    offences.arrest = offences.recorded & (u[:, 0] < prob)
    places = offences.place[offences.arrest]
    # Offender: an at-risk resident of the offence's place, else of the neighbourhood, else
    # of the city (offenders mostly live near where they offend; Bernasco 2005).
    return model.pick_at_risk_near(places, u[offences.arrest, 1])


def apply_contacts(model: CommunitySafetyModel, contacts: Contacts) -> None:
    """Move trust by contact outcome (Skogan's asymmetry) and count contacts per agent."""
    cp = model.params.contacts
    r = model.residents
    k = model.residents_per_agent
    loss = cp.negative_trust_loss / k
    gain = cp.negative_trust_loss / cp.asymmetry / k
    t = r.trust[contacts.resident]
    delta = np.where(contacts.negative, -loss * t, gain * (1.0 - t)).astype(np.float32)
    np.add.at(r.trust, contacts.resident, delta)
    np.clip(r.trust, 0.0, 1.0, out=r.trust)
    np.add.at(r.contacts, contacts.resident, 1)
    np.add.at(r.negative_contacts, contacts.resident[contacts.negative], 1)
    valid = contacts.officer >= 0
    np.add.at(model.officer_contacts, contacts.officer[valid], 1)


def apply_arrests(model: CommunitySafetyModel, offences: Offences, arrestee: np.ndarray) -> None:
    """Arrests incapacitate (jail), deter the arrestee, and cost trust among their ties."""
    crp, cp = model.params.crime, model.params.contacts
    r = model.residents
    k = model.residents_per_agent
    if len(arrestee) == 0:
        return
    days = np.asarray(crp.incapacitation_days)[offences.kind[offences.arrest]]
    # jailed is the share of the agent's k people in jail; it drains at 1/JAIL_MEAN_DAYS per
    # day, so an arrest adds days/JAIL_MEAN_DAYS person-shares to keep person-days right.
    add = (days / model.jail_mean_days / k).astype(np.float32)
    np.add.at(r.jailed, arrestee, add)
    np.clip(r.jailed, 0.0, 1.0, out=r.jailed)
    np.multiply.at(r.propensity, arrestee, np.float32(1.0 - crp.specific_deterrence / k))
    np.add.at(r.arrests, arrestee, 1)
    ties = model.ties
    neighbours = np.concatenate(
        [ties.indices[ties.indptr[i] : ties.indptr[i + 1]] for i in arrestee]
    )
    if len(neighbours):
        drop = (cp.arrest_tie_trust_loss / k) * r.trust[neighbours]
        np.subtract.at(r.trust, neighbours, drop.astype(np.float32))
        np.clip(r.trust, 0.0, 1.0, out=r.trust)
