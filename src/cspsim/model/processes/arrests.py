"""Process 5: arrests for recorded offences, jail (incapacitation) and specific deterrence."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from cspsim.config import ModelParams
from cspsim.model.kernels import _jit, count_at
from cspsim.model.processes.reporting import Offences
from cspsim.model.world import World


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
    trust = world.residents.trust[offences.victim]
    # A probability of 0 or 1 has infinite log-odds: its offences are never or always
    # cleared (exp(-x) is inf or 0, so prob is exactly 0 or 1), which NumPy warns about.
    with np.errstate(divide="ignore", over="ignore"):
        base = np.log(p0 / (1.0 - p0))
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
    # Only the arrestees' share moved: clip theirs (releases only shrink the others').
    r.jailed[arrestee] = np.clip(r.jailed[arrestee], 0.0, 1.0)
    np.multiply.at(r.propensity, arrestee, np.float32(1.0 - crime_pars.specific_deterrence / k))
    count_at(r.arrests, arrestee)


def wear_off_deterrence(world: World, start: np.ndarray, days: float) -> None:
    """At-risk residents' propensity drifts back to ``start`` (theirs at day 0) over ``days``."""
    _drift_back(world.residents.propensity, world.at_risk_index, start, np.float32(days))


@_jit
def _drift_back(
    values: np.ndarray, idx: np.ndarray, start: np.ndarray, days: np.float32
) -> None:  # pragma: no cover - compiled
    """``values[idx] += (start - values[idx]) / days`` (distinct ``idx``; float32), one pass."""
    for j in range(len(idx)):
        v = values[idx[j]]
        values[idx[j]] = v + (start[j] - v) / days
