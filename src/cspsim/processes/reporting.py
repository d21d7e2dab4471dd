"""Process 2: victims, reporting driven by trust, and what patrols discover.

Police *record* an offence when a victim or witness reports it or a patrol discovers it;
recorded crime is therefore a biased measure of true crime (it follows trust and patrols).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.processes.crime import DISORDER, DRUGS
from cspsim.residents import logistic, logit

if TYPE_CHECKING:
    from cspsim.model import CommunitySafetyModel


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
    """

    place: np.ndarray
    kind: np.ndarray
    victim: np.ndarray
    reported: np.ndarray
    discovered: np.ndarray
    recorded: np.ndarray
    arrest: np.ndarray


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Turn a (P, T) count matrix into per-offence (place, type) arrays, place-major."""
    flat = counts.ravel()
    idx = np.repeat(np.arange(flat.size), flat)
    n_types = counts.shape[1]
    return (idx // n_types).astype(np.int32), (idx % n_types).astype(np.int8)


def pick_residents_at(model: CommunitySafetyModel, places: np.ndarray, u: np.ndarray) -> np.ndarray:
    """A uniformly chosen resident of each place (of the nearest populated place if empty)."""
    home = model.populated_place[places]
    return model.place_start[home] + np.minimum(
        (u * model.place_count[home]).astype(np.int64), model.place_count[home] - 1
    )


def report_probability(
    model: CommunitySafetyModel, victim: np.ndarray, kind: np.ndarray
) -> np.ndarray:
    """Probability that each victim reports: logistic in trust and campaign exposure (Tyler)."""
    rp = model.params.reporting
    base = np.array([logit(b) for b in rp.base_probability])
    r = model.residents
    x = (
        base[kind]
        + rp.trust_effect * (r.trust[victim] - model.reference_trust)
        + rp.education_effect * r.education[victim]
    )
    return logistic(x)


def report(
    model: CommunitySafetyModel, places: np.ndarray, kind: np.ndarray, rng: np.random.Generator
) -> Offences:
    """Assign a victim (or witness) to each offence and decide whether it is reported."""
    n = len(places)
    u = rng.random((n, 2))  # victim choice, reporting: fixed layout for CRN
    victim = pick_residents_at(model, places, u[:, 0])
    reported = u[:, 1] < report_probability(model, victim, kind)
    no = np.zeros(n, dtype=bool)
    return Offences(places, kind, victim, reported, no, reported.copy(), no.copy())


def discover(
    model: CommunitySafetyModel, off: Offences, presence: np.ndarray, rng: np.random.Generator
) -> None:
    """Patrols find unreported offences: probability 1 - exp(-rate * officer-hours there)."""
    rate = np.asarray(model.params.reporting.discovery_per_hour)[off.kind].copy()
    low = (off.kind == DISORDER) | (off.kind == DRUGS)
    rate[low] = rate[low] * model.strategy.disorder_discovery_multiplier(off.place[low])
    u = rng.random(len(off.place))
    off.discovered = ~off.reported & (u < 1.0 - np.exp(-rate * presence[off.place]))
    off.recorded = off.reported | off.discovered
