"""Process 7: civic engagement and collective efficacy by place.

Residents' engagement drifts back to their own disposition (meetings, campaigns, events and
watch, run by strategy components, raise it). Collective efficacy, neighbours' cohesion and
willingness to intervene (Sampson, Raudenbush & Earls 1997), moves toward a target built from
local ties, residents' engagement and shared activity (watch, events, volunteering) and
**residential stability** (the share of residents at their address five years or more), with
police trust entering only through its own small channel, expected police backing (Silver &
Miller 2004; Kochel 2009); it erodes with crime above its baseline (Hipp 2016).

Households move out at the CPS rate, more where disadvantage is concentrated and more when
crime around them rises above its baseline (Cullen & Levitt 1999; Xie & McDowall 2008); a
newcomer household starts at tenure 0. So rising crime lowers stability and, through it,
collective efficacy: a slow loop back into crime.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cspsim.config import ModelParams
from cspsim.model.kernels import _jit, clip01, range_view
from cspsim.model.residents import moving_rate
from cspsim.model.world import World

#: Years at the address that count as stable: the census question "same house five years
#: ago" behind Sampson, Raudenbush & Earls 1997's residential stability.
STABLE_YEARS = 5.0


class Engagement:
    """Engagement of residents and collective efficacy of places.

    Args:
        world: The world (residents, place means, local ties).
        params: Mechanism parameters.
        crime_ratio: Recent true crime per place relative to its baseline, ``f() -> (P,)``.
        activity: Share of each place's residents in shared activities (watch, events,
            volunteering) today, ``f(trust, engagement) -> (P,)`` given the place means of
            trust and engagement (computed once here, shared with the watch).
    """

    def __init__(
        self,
        world: World,
        params: ModelParams,
        crime_ratio: Callable[[], np.ndarray],
        activity: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ) -> None:
        self.world = world
        self.params = params
        self.crime_ratio = crime_ratio
        self.activity = activity
        # Daily moving probability of a household at each place at the baseline's crime.
        self.move_rate = moving_rate(params, world.city.disadvantage) / 365.0
        self.efficacy0 = self.efficacy_target()
        self.efficacy = self.efficacy0.copy()
        # Residents per place (a tiny weight keeps empty places defined) and their total.
        self._place_weight = world.place_count + 1e-9
        self._total_weight = self._place_weight.sum()

    def efficacy_target(self) -> np.ndarray:
        """Where collective efficacy is heading.

        Cohesion, participation and residential stability, expected police backing, less
        excess crime.
        """
        ep = self.params.engagement
        r = self.world.residents
        trust, eng = self.world.place_means_of(r.trust, r.engagement)
        stability = self.stability()
        participation = 0.5 * (eng + np.minimum(self.activity(trust, eng), 1.0))
        target = (
            ep.efficacy_ties_weight * self.world.local_tie_share
            + ep.efficacy_engagement_weight * participation
            + ep.efficacy_stability_weight * stability
            + ep.efficacy_police_weight * trust
        )
        # Linear in the crime ratio so that noise in a place's recent crime averages out
        # (a log or a one-sided term would drift efficacy at a flat baseline).
        excess = np.clip(self.crime_ratio() - 1.0, -1.0, 2.0)
        target = target - ep.efficacy_crime_erosion * excess
        return np.clip(target, 0.0, 1.0)

    def mean_efficacy(self) -> float:
        """The city's collective efficacy, weighted by residents.

        ``np.average(efficacy, weights=place_count + 1e-9)`` with the weights and their
        total kept: the same operations, without recomputing them every day.
        """
        return float(np.multiply(self.efficacy, self._place_weight).sum() / self._total_weight)

    def stability(self) -> np.ndarray:
        """Residential stability: each place's share of households settled 5 years or more.

        The numbers of ``place_means`` of the 0/1 flags (:meth:`_stable`): their sums are
        exact counts, counted in one pass over tenure (:func:`_count_at_least`).
        """
        w = self.world
        tenure = w.residents.tenure
        stable = _count_at_least(w.place_start, w.place_count, tenure, np.float32(STABLE_YEARS))
        count = w.place_count
        if count.all():
            return stable / count
        city = float(self._stable().mean()) if len(tenure) else 0.0
        return np.divide(stable, count, out=np.full(w.n_places, city), where=count > 0)

    def _stable(self) -> np.ndarray:
        """1 for residents settled :data:`STABLE_YEARS` or more, else 0 (float32)."""
        return (self.world.residents.tenure >= STABLE_YEARS).astype(np.float32)

    def move(self, rng: np.random.Generator) -> None:
        """A day of residential mobility: tenures age, some households move out.

        A household moves with probability ``move_rate · max(0, 1 + crime_moving_effect ·
        (clip(crime ratio, 0, 3) - 1))`` today (its moving rate rises with crime above the
        baseline around its place); the newcomer household starts at tenure 0. The
        probability is the same for every household of a place, so the movers are drawn
        as a binomial count per place and then which households, uniformly without
        replacement: the same distribution as a draw per household, at the cost of the
        few who move rather than of every resident.
        """
        r = self.world.residents
        w = self.world
        r.tenure += np.float32(1.0 / 365.0)
        ratio = np.clip(self.crime_ratio(), 0.0, 3.0)
        rise = np.maximum(1.0 + self.params.engagement.crime_moving_effect * (ratio - 1.0), 0.0)
        p = np.clip(self.move_rate * rise, 0.0, 1.0)
        movers = rng.binomial(w.place_count, p)
        if movers.any():
            r.tenure[pick_distinct(w.place_start, w.place_count, movers, rng)] = 0.0

    def update_efficacy(self) -> None:
        """Move collective efficacy one day towards its target."""
        rate = self.params.engagement.efficacy_rate
        self.efficacy += rate * (self.efficacy_target() - self.efficacy)

    def efficacy_gain(self) -> np.ndarray:
        """Collective efficacy relative to the start, per place (guardianship in crime)."""
        return self.efficacy - self.efficacy0

    def relax_engagement(self) -> None:
        """Engagement drifts back to each resident's disposition."""
        r = self.world.residents
        rate = np.float32(self.params.engagement.engagement_relaxation)
        _relax(r.engagement, r.engagement_disposition, rate)


@_jit
def _relax(
    engagement: np.ndarray, disposition: np.ndarray, rate: np.float32
) -> None:  # pragma: no cover - compiled
    """``e += rate (disposition - e)``, clipped to 0-1, in float32 (one pass)."""
    for i in range(len(engagement)):
        e = engagement[i]
        engagement[i] = clip01(e + rate * (disposition[i] - e))


@_jit
def _count_at_least(
    starts: np.ndarray, counts: np.ndarray, values: np.ndarray, floor: np.float32
) -> np.ndarray:  # pragma: no cover - compiled
    """Elements with ``values >= floor`` in each range ``starts[p] .. starts[p] + counts[p]``.

    Each range is read through a view, indexed from 0: with no wrap-around test per index
    the compiler vectorizes the count (8 against 55-80 us for 100,000 values).
    """
    out = np.zeros(len(starts), np.int64)
    for p in range(len(starts)):
        view = range_view(values, starts, counts, p)
        n = 0
        for t in range(len(view)):
            n += np.int64(view[t] >= floor)
        out[p] = n
    return out


def pick_distinct(
    start: np.ndarray, count: np.ndarray, picks: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """``picks[b]`` distinct members of each block ``b`` of ``count[b]`` consecutive items.

    Uniform without replacement: draws with replacement, then draws again the repeats
    until none is left (rare when few are picked from each block).

    Args:
        start: First item of each block.
        count: Items in each block.
        picks: How many to pick from each block (at most ``count``).
        rng: Generator.

    Returns:
        The picked items (indices), block by block.
    """
    block = np.repeat(np.arange(len(count)), picks)
    chosen = start[block] + (rng.random(len(block)) * count[block]).astype(np.int64)
    while True:
        order = np.argsort(chosen, kind="stable")
        repeat = np.zeros(len(chosen), dtype=bool)
        repeat[order[1:]] = chosen[order[1:]] == chosen[order[:-1]]
        if not repeat.any():
            return chosen
        again = np.flatnonzero(repeat)
        b = block[again]
        chosen[again] = start[b] + (rng.random(len(again)) * count[b]).astype(np.int64)
