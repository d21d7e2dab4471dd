"""Process 6b: community organizations and businesses as partners of the police.

Every city has organizations (faith and tenant groups, schools, business associations at its
most commercial places) before any strategy funds programs; program sites opened by the
``programs`` component join them. Each has a **partnership strength** with the police (0-1)
that grows with joint work (meetings, joint problem solving, programs, events, liaison) and
decays back to a baseline with neglect (Rosenbaum 2002: partnerships need maintenance). A
funding cut reaches partners through the budget (:mod:`cspsim.model.budget`): components
do only their funded share of joint work, so strength decays faster under a cut.

What strength does: problem solving progresses faster and programs work better through
strong partners, and business associations act as **place managers** at commercial places
(Eck 2002: owners and managers guard places), so a strong business partnership adds
guardianship where there is commerce. Effects are relative to the baseline strength, so a
city without partnership work reproduces its data.
"""

from __future__ import annotations

import math

import numpy as np

from cspsim.config import ModelParams
from cspsim.model.world import World

#: Kinds of organizations every city has (programs add ``youth_jobs`` and ``job_training``).
CIVIC_KINDS = ("faith_or_tenant", "school", "business_association")
BUSINESS = "business_association"
#: Shape of the commercial-use proxy (percentile rank of crime per resident to this power).
COMMERCIAL_RANK_POWER = 4.0


def commercial_share(world: World, expected_recorded: np.ndarray) -> np.ndarray:
    """Commercial use of each place, 0-1.

    The city's commercial column when it has one (``city=gis``); otherwise a documented
    proxy: recorded crime per resident ranks places by their ambient (visiting) population,
    as shops and nightlife draw crime beyond their residents (Andresen 2006); the percentile
    rank to the power :data:`COMMERCIAL_RANK_POWER` makes the top places nearly fully
    commercial and most places barely.
    """
    city = world.city
    if city.commercial is not None:
        return np.clip(np.asarray(city.commercial, dtype=np.float64), 0.0, 1.0)
    per_resident = expected_recorded.sum(axis=1) / np.maximum(city.population, 1.0)
    rank = np.argsort(np.argsort(per_resident, kind="stable"), kind="stable") / max(
        len(per_resident) - 1, 1
    )
    return rank**COMMERCIAL_RANK_POWER


class Partners:
    """Organizations, their partnership strength, and what it does.

    Args:
        world: The world (places, neighbourhoods, population).
        params: Mechanism parameters.
        commercial: Commercial use of each place, 0-1.

    Attributes:
        kind: Kind of each organization.
        place: Place of each organization.
        neighbourhood: Neighbourhood it serves.
        strength: Partnership strength with the police, 0-1.
        joint: Joint work with the police today (days, cleared daily).
    """

    def __init__(self, world: World, params: ModelParams, commercial: np.ndarray) -> None:
        self.world = world
        self.params = params
        self.commercial = commercial
        pp = params.partners
        self.decay = math.log(2.0) / pp.strength_half_life_days
        self.kind: list[str] = []
        self.is_business = np.empty(0, bool)  # kind == BUSINESS (place managers), kept
        self.place = np.empty(0, np.int64)
        self.neighbourhood = np.empty(0, np.int64)
        self.strength = np.empty(0)
        self.joint = np.empty(0)
        self._place_civic_organizations()

    def _place_civic_organizations(self) -> None:
        """Civic organizations by neighbourhood population; business ones at commerce."""
        city = self.world.city
        pp = self.params.partners
        n_total = max(1, int(round(pp.organizations_per_10k * self.world.population / 1e4)))
        nb_pop = np.bincount(
            city.neighbourhood, weights=city.population, minlength=city.n_neighbourhoods
        )
        exact = nb_pop / max(nb_pop.sum(), 1e-12) * n_total
        count = np.floor(exact).astype(int)
        count[np.argsort(-(exact - count), kind="stable")[: n_total - count.sum()]] += 1
        made = 0  # kinds rotate across the city, so every kind exists where there are several
        for nb in np.flatnonzero(count):
            places = np.flatnonzero(city.neighbourhood == nb)
            by_commerce = places[np.argsort(-self.commercial[places], kind="stable")]
            by_people = places[np.argsort(-city.population[places], kind="stable")]
            for j in range(count[nb]):
                kind = CIVIC_KINDS[made % len(CIVIC_KINDS)]
                made += 1
                pick = by_commerce if kind == BUSINESS else by_people
                self.add(kind, int(pick[(j // len(CIVIC_KINDS)) % len(pick)]), int(nb))

    def add(self, kind: str, place: int, neighbourhood: int) -> int:
        """Add an organization (at the baseline strength); return its index."""
        self.kind.append(kind)
        self.is_business = np.append(self.is_business, kind == BUSINESS)
        self.place = np.append(self.place, place)
        self.neighbourhood = np.append(self.neighbourhood, neighbourhood)
        self.strength = np.append(self.strength, self.params.partners.baseline_strength)
        self.joint = np.append(self.joint, 0.0)
        return len(self.kind) - 1

    # ----- joint work -------------------------------------------------------------------
    def work_in(self, neighbourhoods: np.ndarray, days: float | np.ndarray = 1.0) -> None:
        """Joint work today with the organizations of the flagged neighbourhoods."""
        if len(self.kind):
            self.joint += np.asarray(days) * neighbourhoods[self.neighbourhood]

    def work_with(self, index: np.ndarray | list[int], days: float = 1.0) -> None:
        """Joint work today with the given organizations."""
        np.add.at(self.joint, np.asarray(index, dtype=np.int64), days)

    def update(self) -> None:
        """Strength grows with today's joint work and decays toward the baseline without it."""
        if not len(self.kind):
            return
        pp = self.params.partners
        work = np.minimum(self.joint, 1.0)
        self.strength += pp.strength_gain * work * (1.0 - self.strength) - self.decay * (
            self.strength - pp.baseline_strength
        )
        np.clip(self.strength, 0.0, 1.0, out=self.strength)
        self.joint[:] = 0.0

    # ----- what strength does -----------------------------------------------------------
    def relative(self, strength: np.ndarray) -> np.ndarray:
        """Strength above the baseline as a share of what can be gained (0 at baseline)."""
        base = self.params.partners.baseline_strength
        return np.clip((strength - base) / max(1.0 - base, 1e-9), -1.0, 1.0)

    def neighbourhood_strength(self) -> np.ndarray:
        """Mean partnership strength of each neighbourhood's organizations (baseline if none)."""
        n = self.world.city.n_neighbourhoods
        base = self.params.partners.baseline_strength
        if not len(self.kind):
            return np.full(n, base)
        total = np.bincount(self.neighbourhood, weights=self.strength, minlength=n)
        count = np.bincount(self.neighbourhood, minlength=n)
        return np.divide(total, count, out=np.full(n, base), where=count > 0)

    def place_strength(self) -> np.ndarray:
        """Partnership strength of each place's neighbourhood."""
        return self.neighbourhood_strength()[self.world.city.neighbourhood]

    def guardianship(self) -> np.ndarray | None:
        """Crime multiplier (P, 1) from place managers above their baseline effort."""
        biz = self.is_business
        if not biz.any():
            return None
        extra = np.zeros(self.world.n_places)
        np.maximum.at(extra, self.place[biz], self.relative(self.strength[biz]))
        if not extra.any():
            return None
        pp = self.params.partners
        effort_gain = (1.0 - pp.manager_base_effort) * extra
        return np.exp(-pp.place_manager_effect * self.commercial * effort_gain)[:, None]
