"""Process 4: police contacts with residents (stops, calls, talks) and complaints.

Contacts are events at real scale. A contact moves the trust of the resident agent it falls
on by 1/k of its full effect (the agent is the mean of its k people). Negative contacts move
trust ``asymmetry`` times more than positive ones (Skogan 2006); procedural-justice skill
lowers the chance that a contact is experienced as negative (Mazerolle et al. 2013).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config import ModelParams
from cspsim.model.kernels import _jit, count_at
from cspsim.model.processes.policing import VISIT_HOURS, Police, ShiftResult
from cspsim.model.world import World

if TYPE_CHECKING:
    from cspsim.model.processes.legitimacy import Legitimacy


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


def choose_stopped(
    world: World, params: ModelParams, places: np.ndarray, rng_u: np.ndarray
) -> np.ndarray:
    """Residents stopped at the given places: at-risk residents and (with bias) group B oftener.

    Rejection sampling on per-resident weights, with a fixed number of rounds (each stop has
    its own row of uniforms, so draws stay aligned across scenarios): column 0 picks a first
    candidate; in round k, column ``1 + 2k`` picks a candidate and column ``2 + 2k`` accepts
    it with probability ``weight / max weight`` if no earlier round accepted one. A weight
    is ``at_risk_stop_ratio`` (at-risk) or 1, times ``exp(group_stop_bias * group)``.
    """
    contact_pars = params.contacts
    r = world.residents
    max_w = contact_pars.at_risk_stop_ratio * np.exp(max(contact_pars.group_stop_bias, 0.0))
    # The group factor by NumPy's exp over the groups (the values its vectorized exp gives
    # each resident), looked up by the compiled loop.
    group_factor = np.exp(contact_pars.group_stop_bias * np.arange(2, dtype=r.group.dtype))
    home = world.populated_place[places]
    return _choose_stopped(
        world.place_start[home],
        world.place_count[home],
        rng_u,
        r.at_risk,
        r.group,
        contact_pars.at_risk_stop_ratio,
        group_factor,
        max_w,
    )


@_jit
def _choose_stopped(
    start: np.ndarray,
    count: np.ndarray,
    rng_u: np.ndarray,
    at_risk: np.ndarray,
    group: np.ndarray,
    at_risk_ratio: float,
    group_factor: np.ndarray,
    max_w: float,
) -> np.ndarray:  # pragma: no cover - compiled
    """:func:`choose_stopped` for stops at places with residents ``start .. start + count``.

    A pick is ``start + min(int(u * count), count - 1)`` (``World.pick_residents_at``); the
    same arithmetic as the NumPy form, one stop at a time (60 NumPy calls a day before).
    """
    chosen = np.empty(len(start), np.int64)
    rounds = (rng_u.shape[1] - 1) // 2
    for s in range(len(start)):
        n = count[s]
        u = rng_u[s]
        pick = start[s] + min(np.int64(u[0] * n), n - 1)
        for k in range(rounds):
            cand = start[s] + min(np.int64(u[1 + 2 * k] * n), n - 1)
            w = (at_risk_ratio if at_risk[cand] else 1.0) * group_factor[group[cand]]
            if u[2 + 2 * k] < w / max_w:
                pick = cand
                break
        chosen[s] = pick
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
