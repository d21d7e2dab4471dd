"""Process 2: victims, reporting driven by trust, and what patrols discover.

Police *record* an offence when a victim or witness reports it or a patrol discovers it;
recorded crime is therefore a biased measure of true crime (it follows trust and patrols).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config import ModelParams
from cspsim.model.residents import logistic, logit
from cspsim.model.types import DISORDER, DRUGS

if TYPE_CHECKING:
    from cspsim.model.world import World


@dataclass
class Offences:
    """Today's offences, one entry per offence (at real scale).

    Attributes:
        place: Place of the offence.
        kind: Crime type index (violent, property, disorder, drugs).
        victim: Resident agent who is the victim (or witness, for disorder and drugs).
        reported: Reported by the victim or a witness.
        discovered: Found by a patrol (and not reported).
        recorded: Reported or discovered.
        arrest: An arrest followed.
        offender: At-risk resident agent who committed it (-1: an outsider or not yet drawn).
    """

    place: np.ndarray
    kind: np.ndarray
    victim: np.ndarray
    reported: np.ndarray
    discovered: np.ndarray
    recorded: np.ndarray
    arrest: np.ndarray
    offender: np.ndarray | None = None


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Turn a (P, T) count matrix into per-offence (place, type) arrays, place-major."""
    flat = counts.ravel()
    idx = np.repeat(np.arange(flat.size), flat)
    n_types = counts.shape[1]
    return (idx // n_types).astype(np.int32), (idx % n_types).astype(np.int8)


def report_probability(world: World, victim: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Probability that each victim reports: logistic in trust and campaign exposure (Tyler)."""
    reporting_pars = world.params.reporting
    base = np.array([logit(b) for b in reporting_pars.base_probability])
    r = world.residents
    x = (
        base[kind]
        + reporting_pars.trust_effect * (r.trust[victim] - world.reference_trust)
        + reporting_pars.education_effect * r.education[victim]
    )
    return logistic(x)


def report(
    world: World, places: np.ndarray, kind: np.ndarray, rng: np.random.Generator
) -> Offences:
    """Assign a victim (or witness) to each offence and decide whether it is reported."""
    n = len(places)
    u = rng.random((n, 2))  # victim choice, reporting: fixed layout for CRN
    victim = world.pick_residents_at(places, u[:, 0])
    reported = u[:, 1] < report_probability(world, victim, kind)
    no = np.zeros(n, dtype=bool)
    return Offences(places, kind, victim, reported, no, reported.copy(), no.copy())


def discover(
    params: ModelParams,
    off: Offences,
    presence: np.ndarray,
    low_level_multiplier: np.ndarray | float,
    rng: np.random.Generator,
    scale: float,
) -> None:
    """Patrols find unreported offences: probability 1 - exp(-rate * officer-hours there).

    Args:
        params: Mechanism parameters.
        off: Today's offences (``discovered`` and ``recorded`` are set here).
        presence: Officer-hours at each place today.
        low_level_multiplier: Discovery of disorder and drug offences relative to baseline,
            per place (order maintenance finds more), or 1.0.
        rng: The ``discovery`` stream of the day.
        scale: Officer-hours at a place in hours at a calibration-sized place
            (:attr:`.World.presence_scale`): the rate is per such hour.
    """
    rate = np.asarray(params.reporting.discovery_per_hour)[off.kind].copy()
    hours = presence * scale  # per calibration-sized place (World.presence_scale)
    low = (off.kind == DISORDER) | (off.kind == DRUGS)
    mult = low_level_multiplier
    rate[low] = rate[low] * (mult if np.isscalar(mult) else mult[off.place[low]])
    u = rng.random(len(off.place))
    off.discovered = ~off.reported & (u < 1.0 - np.exp(-rate * hours[off.place]))
    off.recorded = off.reported | off.discovered
