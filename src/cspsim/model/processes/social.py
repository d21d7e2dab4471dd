"""Process 5: victimization, and what travels over the resident social network each day.

Victims fear more, and their ties a little (Skogan & Maxfield 1981); a victim whose report
was answered by an arrest trusts the police a little more, one whose report went unresolved
less. Every day one sparse product of the tie matrix with two columns (trust and fear) carries
word of mouth for both (Friedkin & Johnsen 1990) to everyone at once, and a gather over the
rows of the residents contacted today carries vicarious police contacts (Rosenbaum et al. 2005).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cspsim.model.kernels import _jit, clip01
from cspsim.model.processes.reporting import Offences
from cspsim.model.types import VICTIM_TYPES

if TYPE_CHECKING:
    from cspsim.model.processes.legitimacy import Legitimacy
    from cspsim.model.world import World


def apply_victimization(world: World, legitimacy: Legitimacy, offences: Offences) -> None:
    """Victims fear more (ties a little); how a report was handled moves the victim's trust."""
    social_pars = world.params.social
    r = world.residents
    k = world.residents_per_agent
    half_life = world.params.voice.victim_memory_half_life_days
    r.victim_memory *= np.float32(0.5 ** (1.0 / half_life))
    has_victim = offences.kind < VICTIM_TYPES  # drugs offences have no victim
    victims = offences.victim[has_victim]
    if len(victims) == 0:
        return
    # Counted, remembered (what victims raise at meetings, in people per agent person) and
    # feared, by victims and then their ties, in one compiled pass over them.
    _frighten(
        r.fear,
        r.victim_memory,
        r.victimizations,
        victims,
        world.ties.indptr,
        world.ties.indices,
        np.float32(social_pars.victim_fear_gain / k),
        np.float32(social_pars.vicarious_fear_gain / k),
        np.float32(1.0 / k),
    )
    reported = has_victim & offences.reported
    legitimacy.lose(offences.victim[reported & ~offences.arrest], social_pars.victim_trust_loss)
    legitimacy.gain(
        offences.victim[reported & offences.arrest],
        world.params.legitimacy.resolved_report_gain,
    )


@_jit
def _frighten(
    fear: np.ndarray,
    victim_memory: np.ndarray,
    victimizations: np.ndarray,
    victims: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    victim_gain: np.float32,
    tie_gain: np.float32,
    memory: np.float32,
) -> None:  # pragma: no cover - compiled
    """Victims (repeats add up) are counted, remember, and fear more; then their ties.

    The numbers of the NumPy form, in float32: each victim's gain ``victim_gain (1 -
    fear)`` is taken from the fear before any is added, then added in order; then each
    tie's (``tie_gain``, a tie listed once per victim it knows) from the fear after the
    victims'; then the fear of everyone touched is clipped to 0-1.
    """
    one = np.float32(1.0)
    gains = np.empty(len(victims), np.float32)
    n_ties = 0
    for t in range(len(victims)):
        v = victims[t]
        victimizations[v] += 1
        victim_memory[v] += memory
        gains[t] = victim_gain * (one - fear[v])
        n_ties += indptr[v + 1] - indptr[v]
    for t in range(len(victims)):
        fear[victims[t]] += gains[t]
    tie_gains = np.empty(n_ties, np.float32)
    q = 0
    for v in victims:
        for j in indices[indptr[v] : indptr[v + 1]]:
            tie_gains[q] = tie_gain * (one - fear[j])
            q += 1
    q = 0
    for v in victims:
        for j in indices[indptr[v] : indptr[v + 1]]:
            fear[j] += tie_gains[q]
            q += 1
    for v in victims:
        fear[v] = clip01(fear[v])
        for j in indices[indptr[v] : indptr[v + 1]]:
            fear[j] = clip01(fear[j])


def word_of_mouth(world: World, legitimacy: Legitimacy, crime_ratio: np.ndarray) -> None:
    """One day of what travels over ties: trust, fear and news of police contacts.

    Args:
        world: The world (residents and their ties).
        legitimacy: The trust process (today's contacts; applies the trust changes).
        crime_ratio: Recent true crime per place relative to its baseline (fear follows it).
    """
    social_pars = world.params.social
    r = world.residents
    if r.n == 0:
        return
    # Mean trust and fear over each one's ties, and news of today's police contacts over the
    # same ties. (Ties' victimization reaches meetings by place: ``World.place_tie_means``.)
    mean_trust, mean_fear, heard_bad, heard_good = world.over_ties(
        r.trust, r.fear, legitimacy.bad, legitimacy.good, legitimacy.tellers()
    )
    # Fear is anchored to the disposition shifted by local crime (Hale 1996).
    # Linear in the crime ratio: mean-zero at a flat baseline, so fear does not drift.
    shift = social_pars.local_crime_fear * np.clip(crime_ratio - 1.0, -1.0, 2.0)
    _fear_step(
        r.fear,
        r.fear_disposition,
        shift.astype(np.float32),
        world.place_start,
        world.place_count,
        mean_fear,
        world.has_ties,
        np.float32(social_pars.influence_rate),
        np.float32(social_pars.fear_relaxation),
    )
    legitimacy.spread(mean_trust, heard_bad, heard_good)


@_jit
def _fear_step(
    fear: np.ndarray,
    disposition: np.ndarray,
    shift: np.ndarray,
    place_start: np.ndarray,
    place_count: np.ndarray,
    peer_mean: np.ndarray,
    has_ties: np.ndarray,
    s: np.float32,
    relax: np.float32,
) -> None:  # pragma: no cover - compiled
    """One day of fear, one pass: ``f += s (peer - f) + relax (anchor - f)``, clipped to 0-1.

    The anchor is the disposition shifted by local crime (clipped to 0-1); a resident
    without ties has no peer pull. Float32 in the order the NumPy form used. Residents are
    sorted by place (``place_start``, ``place_count``): a place's shift is one number and
    its residents contiguous views, so the compiler vectorizes the loop (29 against 140-230
    us at 100k, looking the shift up resident by resident).
    """
    for p in range(len(place_start)):
        place_shift = shift[p]
        first, last = place_start[p], place_start[p] + place_count[p]
        fear_ = fear[first:last]
        disposition_ = disposition[first:last]
        peer_ = peer_mean[first:last]
        tied = has_ties[first:last]
        for k in range(len(fear_)):
            f = fear_[k]
            anchor = clip01(disposition_[k] + place_shift)
            peer = peer_[k] if tied[k] else f
            fear_[k] = clip01((f + (peer - f) * s) + (anchor - f) * relax)
