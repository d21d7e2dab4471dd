"""Process 5: victimization effects and word of mouth over the resident social network.

Trust and fear follow Friedkin-Johnsen opinion dynamics (Friedkin & Johnsen 1990): each day
a resident moves towards the mean of their ties (one sparse matrix product for everyone)
and back towards their own disposition, so opinions spread without collapsing to consensus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cspsim.model.processes.reporting import Offences
from cspsim.model.types import VICTIM_TYPES

if TYPE_CHECKING:
    from cspsim.model.world import World


def apply_victimization(world: World, offences: Offences) -> None:
    """Victims fear more (and ties a little, vicariously); unresolved reports cost trust."""
    social_pars = world.params.social
    r = world.residents
    k = world.residents_per_agent
    has_victim = offences.kind < VICTIM_TYPES  # drugs offences have no victim
    victims = offences.victim[has_victim]
    if len(victims) == 0:
        return
    np.add.at(r.victimizations, victims, 1)
    gain = (social_pars.victim_fear_gain / k) * (1.0 - r.fear[victims])
    np.add.at(r.fear, victims, gain.astype(np.float32))
    unresolved = offences.victim[has_victim & offences.reported & ~offences.arrest]
    loss = (social_pars.victim_trust_loss / k) * r.trust[unresolved]
    np.subtract.at(r.trust, unresolved, loss.astype(np.float32))
    vicarious = world.tie_indices(victims)
    if len(vicarious):
        g = (social_pars.vicarious_fear_gain / k) * (1.0 - r.fear[vicarious])
        np.add.at(r.fear, vicarious, g.astype(np.float32))
    np.clip(r.fear, 0.0, 1.0, out=r.fear)
    np.clip(r.trust, 0.0, 1.0, out=r.trust)


def social_influence(world: World, crime_ratio: np.ndarray) -> None:
    """One day of word of mouth for trust and fear (one sparse product for both).

    Args:
        world: The world (residents and their ties).
        crime_ratio: Recent true crime per place relative to its baseline (fear follows it).
    """
    social_pars = world.params.social
    r = world.residents
    if r.n == 0:
        return
    state = np.column_stack([r.trust, r.fear])
    peer_mean = world.ties_w @ state  # row-stochastic: mean of each resident's ties
    s, a = social_pars.influence_rate, social_pars.anchor_rate
    peer_t, peer_f = peer_mean[:, 0], peer_mean[:, 1]
    if not world.everyone_has_ties:
        # Residents with no ties keep their own view (peer mean = own value).
        peer_t = np.where(world.has_ties, peer_t, r.trust)
        peer_f = np.where(world.has_ties, peer_f, r.fear)
    # Fear is anchored to the disposition shifted by local crime (Hale 1996).
    # Linear in the crime ratio: mean-zero at a flat baseline, so fear does not drift.
    shift = social_pars.local_crime_fear * np.clip(crime_ratio - 1.0, -1.0, 2.0)
    fear_anchor = np.clip(r.fear_disposition + shift[world.place_index], 0.0, 1.0)
    r.trust += (s * (peer_t - r.trust) + a * (r.trust_disposition - r.trust)).astype(
        np.float32, copy=False
    )
    r.fear += (s * (peer_f - r.fear) + social_pars.fear_relaxation * (fear_anchor - r.fear)).astype(
        np.float32, copy=False
    )
    np.clip(r.trust, 0.0, 1.0, out=r.trust)
    np.clip(r.fear, 0.0, 1.0, out=r.fear)
