"""Resident state as numpy arrays, and the resident social network as a sparse matrix.

Residents are many, so their numeric state lives here, one array per variable, indexed by
resident number 0..N-1 and sorted by home place. The Mesa ``Resident`` agents are views onto
these arrays (``model.residents.trust[i]`` is ``agent.trust``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import scipy.sparse as sp

from cspsim.city import City
from cspsim.config.params import ModelParams
from cspsim.errors import ConfigError


def logistic(x: np.ndarray | float) -> np.ndarray | float:
    """The logistic function 1 / (1 + exp(-x))."""
    return 1.0 / (1.0 + np.exp(-x))


def logit(p: float) -> float:
    """Log-odds of a probability in (0, 1)."""
    return float(np.log(p / (1.0 - p)))


def group_b_probability(share: float, segregation: float, disadvantage: np.ndarray) -> np.ndarray:
    """Each resident's chance of group B: ``share``'s log-odds plus segregation x disadvantage.

    A share of 0 or 1 puts everyone in group A or B (its log-odds are infinite).
    """
    if share <= 0.0 or share >= 1.0:
        return np.full(len(disadvantage), 1.0 if share >= 1.0 else 0.0)
    return logistic(logit(share) + segregation * disadvantage)


def beta_with_mean(rng: np.random.Generator, mean: np.ndarray, concentration: float) -> np.ndarray:
    """Beta draws with the given means (clipped to [0.02, 0.98]) and concentration a+b."""
    m = np.clip(mean, 0.02, 0.98)
    return rng.beta(m * concentration, (1.0 - m) * concentration)


@dataclass
class ResidentState:
    """Per-resident arrays (length N); residents are sorted by ``place``.

    Attributes:
        place: Home place index.
        group: Demographic group (0 = A, 1 = B), for fairness metrics.
        trust: Trust in police, 0-1: the long-run belief plus recent experience.
        trust_belief: Long-run belief about the police, 0-1: what trust returns to as recent
            experiences fade; it learns from them (faster from bad ones).
        trust_recent: What recent experiences (contacts, reports, meetings, news of ties'
            contacts) added to or took from trust; fades into the belief.
        trust_peer: What word of mouth (ties' views) adds to or takes from trust; fades.
        fear: Fear of crime, 0-1 (perceived safety is 1 - fear).
        fear_disposition: Anchor for fear.
        engagement: Civic engagement, 0-1.
        engagement_disposition: Anchor for engagement.
        education: Exposure to the reporting/education campaign, 0-1.
        at_risk: Whether the resident belongs to the small at-risk (offending) share.
        propensity: Offending propensity (0 unless at risk; mean 1 among the at-risk).
        jailed: Share of the agent's people currently incarcerated, 0-1.
        program: Program enrolled in (-1 none, 0 youth jobs, 1 job training).
        program_since: Day of enrolment (valid while ``program`` >= 0).
        program_level: Current program effect level 0-1 (ramps up while enrolled, fades after).
        contacts: Police contacts received (count of events at real scale).
        negative_contacts: Negative police contacts received.
        victimizations: Victimizations experienced.
        arrests: Arrests of the agent's people.
        tenure: Years the agent's household has lived at its place (meeting attendance,
            residential stability in collective efficacy); 0 for a household that just
            moved in.
        victim_memory: Recent victimizations of the agent's people (decaying count).
        complaints: Complaints filed by the agent's people.
        rights: Exposure to rights education, 0-1.
    """

    place: np.ndarray
    group: np.ndarray
    trust: np.ndarray
    trust_belief: np.ndarray
    trust_recent: np.ndarray
    trust_peer: np.ndarray
    fear: np.ndarray
    fear_disposition: np.ndarray
    engagement: np.ndarray
    engagement_disposition: np.ndarray
    education: np.ndarray
    at_risk: np.ndarray
    propensity: np.ndarray
    jailed: np.ndarray
    program: np.ndarray
    program_since: np.ndarray
    program_level: np.ndarray
    contacts: np.ndarray
    negative_contacts: np.ndarray
    victimizations: np.ndarray
    arrests: np.ndarray
    tenure: np.ndarray
    victim_memory: np.ndarray
    complaints: np.ndarray
    rights: np.ndarray

    @property
    def n(self) -> int:
        """Number of residents."""
        return len(self.place)

    @classmethod
    def field_names(cls) -> list[str]:
        """Names of the per-resident arrays (the attributes a Resident agent exposes)."""
        return [f.name for f in fields(cls)]


def moving_rate(params: ModelParams, disadvantage: np.ndarray) -> np.ndarray:
    """Households' moving rate per year at the given disadvantage (at the baseline's crime).

    ``mobility_per_year · exp(tenure_disadvantage_effect · d)``: the share who move a year
    (CPS ASEC), more where disadvantage is concentrated (fewer owners).
    """
    m = params.legitimacy.mobility_per_year
    return m * np.exp(params.residents.tenure_disadvantage_effect * disadvantage)


def agents_per_place(population: np.ndarray, residents_per_agent: float) -> np.ndarray:
    """Resident agents at each place: population / k, rounded so the total is preserved.

    Largest-remainder rounding keeps the city total equal to round(sum(population) / k), so
    the real-to-agent scale is exact at city level; places with 0 residents get no agents.
    """
    exact = population / residents_per_agent
    counts = np.floor(exact).astype(np.int64)
    remainder = int(round(exact.sum())) - int(counts.sum())
    if remainder > 0:
        order = np.argsort(-(exact - counts), kind="stable")
        counts[order[:remainder]] += 1
    return counts


def build_residents(
    city: City, params: ModelParams, residents_per_agent: float, rng: np.random.Generator
) -> ResidentState:
    """Draw the initial resident population of a city.

    Trust is lower in disadvantaged places and for group B (Sampson & Bartusch 1998);
    group B is more concentrated in disadvantaged places (segregation); the at-risk share
    is higher there too.
    """
    resident_pars = params.residents
    counts = agents_per_place(city.population, residents_per_agent)
    place = np.repeat(np.arange(city.n_places, dtype=np.int32), counts)
    n = len(place)
    if n == 0:
        raise ConfigError("city: the city has no resident agents (population / k rounds to 0)")
    d = city.disadvantage[place]

    p_b = group_b_probability(resident_pars.group_b_share, resident_pars.group_segregation, d)
    group = (rng.random(n) < p_b).astype(np.int8)
    trust_mean = (
        resident_pars.trust_mean
        - resident_pars.trust_disadvantage_effect * d
        - resident_pars.group_b_trust_gap * group
    )
    trust = beta_with_mean(rng, trust_mean, resident_pars.trust_concentration)
    fear = beta_with_mean(
        rng, resident_pars.fear_mean + 0.05 * d, resident_pars.trust_concentration
    )
    engagement = beta_with_mean(
        rng, np.full(n, resident_pars.engagement_mean), resident_pars.trust_concentration
    )

    # At-risk share rises with disadvantage but keeps the configured city-wide mean.
    weight = np.exp(0.5 * d)
    p_risk = np.clip(params.crime.at_risk_share * weight / weight.mean(), 0.0, 1.0)
    at_risk = rng.random(n) < p_risk
    propensity = np.where(at_risk, rng.gamma(2.0, 0.5, n), 0.0)
    # Years at the place: exponential with the mean 1 / moving rate, the stationary
    # distribution of a constant moving rate (so the baseline's stability does not drift);
    # longer where disadvantage is lower. Without moving (rate 0) tenures are long.
    tenure = rng.exponential(1.0 / np.maximum(moving_rate(params, d), 1e-3))

    f32 = np.float32
    return ResidentState(
        place=place,
        group=group,
        trust=trust.astype(f32),
        trust_belief=trust.astype(f32),
        trust_recent=np.zeros(n, f32),
        trust_peer=np.zeros(n, f32),
        fear=fear.astype(f32),
        fear_disposition=fear.astype(f32),
        engagement=engagement.astype(f32),
        engagement_disposition=engagement.astype(f32),
        education=np.zeros(n, f32),
        at_risk=at_risk,
        propensity=propensity.astype(f32),
        jailed=np.zeros(n, f32),
        program=np.full(n, -1, np.int8),
        program_since=np.zeros(n, np.int32),
        program_level=np.zeros(n, f32),
        contacts=np.zeros(n, np.int32),
        negative_contacts=np.zeros(n, np.int32),
        victimizations=np.zeros(n, np.int32),
        arrests=np.zeros(n, np.int32),
        tenure=tenure.astype(f32),
        victim_memory=np.zeros(n, f32),
        complaints=np.zeros(n, np.int32),
        rights=np.zeros(n, f32),
    )


def build_social_network(
    place: np.ndarray,
    place_adjacency: sp.csr_matrix,
    ties_per_resident: float,
    share_local: float,
    rng: np.random.Generator,
) -> sp.csr_matrix:
    """A symmetric binary tie matrix (N x N, CSR): most ties within the home place.

    Each resident sends ``ties_per_resident / 2`` ties (so the symmetrized mean degree is
    about ``ties_per_resident``): with probability ``share_local`` to a random resident of
    the same place, otherwise to a random resident of a random adjacent place. Fully
    vectorized: one draw per tie, no per-resident loop.
    """
    n = len(place)
    if n < 2:
        return sp.csr_matrix((n, n), dtype=np.float32)
    n_places = place_adjacency.shape[0]
    count = np.bincount(place, minlength=n_places)
    start = np.concatenate([[0], np.cumsum(count)[:-1]])

    per = max(1, int(round(ties_per_resident / 2)))
    src = np.repeat(np.arange(n, dtype=np.int64), per)
    target_place = place[src].astype(np.int64)
    go_out = rng.random(len(src)) >= share_local
    # Adjacent place chosen uniformly among the neighbours of the home place (CSR rows).
    deg = np.diff(place_adjacency.indptr)
    movers = go_out & (deg[target_place] > 0)
    k = np.floor(rng.random(movers.sum()) * deg[target_place[movers]]).astype(np.int64)
    target_place[movers] = place_adjacency.indices[place_adjacency.indptr[target_place[movers]] + k]
    # Empty target places fall back to the home place.
    empty = count[target_place] == 0
    target_place[empty] = place[src[empty]]
    dst = start[target_place] + np.floor(rng.random(len(src)) * count[target_place]).astype(
        np.int64
    )
    keep = dst != src
    src, dst = src[keep], dst[keep]
    data = np.ones(2 * len(src), dtype=np.float32)
    ties = sp.csr_matrix(
        (data, (np.concatenate([src, dst]), np.concatenate([dst, src]))), shape=(n, n)
    )
    ties.data[:] = 1.0  # duplicates summed to 2: keep the matrix binary
    return ties


def row_normalize(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Row-stochastic copy of a sparse matrix (rows with no entries stay zero)."""
    deg = np.asarray(matrix.sum(axis=1)).ravel()
    inv = np.divide(1.0, deg, out=np.zeros_like(deg, dtype=np.float64), where=deg > 0)
    return sp.csr_matrix(sp.diags(inv.astype(matrix.dtype)) @ matrix)
