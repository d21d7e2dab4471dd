"""Process 6: programs lower participants' offending with a lag and fade-out.

Organizations (agents opened by the ``programs`` component) offer their places to at-risk
residents of their neighbourhood up to capacity; an offer is taken up more often the more the
resident trusts the police (places are offered through police partners; those who decline are
not asked again); a participant's effect level ramps up while enrolled and fades after
(Heller 2014: summer jobs cut violent-crime arrests by about 40% in year 1, fading in year 2).
The effect lowers the participant's offending pressure in the crime process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config import ModelParams
from cspsim.model.agents import PROGRAM_TYPES
from cspsim.model.kernels import _jit
from cspsim.model.residents import logistic, logit
from cspsim.model.rng import Streams
from cspsim.model.world import World

if TYPE_CHECKING:
    from cspsim.model.agents import Organization


class Programs:
    """Program enrolment and effect levels of all residents.

    Args:
        world: The world (residents, at-risk pool).
        params: Mechanism parameters.
        streams: The run's streams (each organization enrols on its own daily stream).
        partner_boost: Effect multiplier of given residents from their neighbourhood's
            partnership strength (``programs`` work better through strong partners).
    """

    def __init__(
        self,
        world: World,
        params: ModelParams,
        streams: Streams,
        partner_boost: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        program_pars = params.programs
        self.world = world
        # Programs work better through strong partners: a participant's effect is scaled by
        # the partnership of their neighbourhood (1 at baseline strength).
        self.partner_boost = partner_boost
        self.params = params
        self.streams = streams
        # strength[program, crime type]: maximum reduction of a participant's propensity.
        self.strength = np.array(
            [program_pars.youth_jobs_effect, program_pars.job_training_effect], dtype=np.float32
        )
        self._fade = np.float32(0.5 ** (1.0 / program_pars.fade_half_life_days))
        self._ramp = np.float32(1.0 / program_pars.ramp_days)
        # Residents who declined an offered place (not asked again).
        self.declined = np.zeros(world.residents.n, dtype=bool)

    def effect_by_type(self, idx: np.ndarray) -> np.ndarray:
        """Propensity reduction of residents ``idx`` by crime type, shape (len(idx), 4).

        A participant's level times the program's strength, times the partner boost, at
        most 1 (float32); 0 for the others.
        """
        r = self.world.residents
        served = idx[r.program[idx] >= 0]
        no_boost = self.partner_boost is None or len(served) == 0
        boost = np.empty(0) if no_boost else self.partner_boost(served)
        return _effects(idx, r.program, r.program_level, self.strength, boost)

    def enrolled_mask(self, idx: np.ndarray, day: int) -> np.ndarray:
        """Whether residents ``idx`` are enrolled on ``day``."""
        r = self.world.residents
        dur = self.params.programs.duration_days
        return (r.program[idx] >= 0) & (day < r.program_since[idx] + dur)

    def update_levels(self, day: int) -> None:
        """Ramp up the effect of participants, fade it for alumni (at-risk residents only)."""
        r = self.world.residents
        idx = self.world.at_risk_index
        served = r.program[idx] >= 0
        if not served.any():
            return
        idx = idx[served]
        enrolled = self.enrolled_mask(idx, day)
        level = r.program_level[idx]
        r.program_level[idx] = np.where(
            enrolled, np.minimum(1.0, level + self._ramp), level * self._fade
        )

    def enrolled_count(self, day: int) -> int:
        """Resident agents enrolled on ``day`` (:meth:`enrolled_mask` counted in one pass)."""
        r = self.world.residents
        return _count_enrolled(
            self.world.at_risk_index,
            r.program,
            r.program_since,
            day,
            self.params.programs.duration_days,
        )

    def uptake_probability(self, residents: np.ndarray) -> np.ndarray:
        """Probability that each resident takes up an offered place.

        ``logistic(logit(uptake) + trust_uptake_effect · (T - T_ref))``: distrust of the
        police keeps residents from programs offered through police partners.
        """
        pp = self.params.programs
        t = self.world.residents.trust[residents]
        x = logit(pp.uptake) + pp.trust_uptake_effect * (t - self.world.reference_trust)
        return logistic(x)

    def enrol(self, org: Organization) -> None:
        """Offer an organization's free places to at-risk residents of its catchment.

        Offers go first to the engaged (Gumbel top-k sampling on the organization's own
        daily stream, so the draw does not depend on other organizations); each offer is
        taken up with :meth:`uptake_probability` (a second draw of the same stream); places
        declined stay free until the next day's offers.
        """
        w = self.world
        r = w.residents
        day = org.model.day
        if len(org.enrolled):
            org.enrolled = org.enrolled[self.enrolled_mask(org.enrolled, day)]
        free = org.capacity - len(org.enrolled)
        if free <= 0:
            return
        pool = w.at_risk_in_neighbourhood(org.neighbourhood)
        pool = pool[(r.program[pool] < 0) & (r.jailed[pool] < 0.5) & ~self.declined[pool]]
        if len(pool) == 0:
            return
        rng = self.streams.get(org.stream, day)
        score = self.params.programs.engagement_enrol_effect * r.engagement[pool] - np.log(
            -np.log(rng.random(len(pool)))
        )
        offered = pool[np.argsort(-score, kind="stable")[:free]]
        took = rng.random(len(offered)) < self.uptake_probability(offered)
        self.declined[offered[~took]] = True
        chosen = offered[took]
        r.program[chosen] = PROGRAM_TYPES.index(org.kind)
        r.program_since[chosen] = day
        r.program_level[chosen] = 0.0
        org.enrolled = np.concatenate([org.enrolled, chosen])


@_jit
def _count_enrolled(
    idx: np.ndarray, program: np.ndarray, since: np.ndarray, day: int, duration: int
) -> int:  # pragma: no cover - compiled
    """How many of residents ``idx`` are in a program on ``day`` (enrolled, not yet done)."""
    count = 0
    for i in idx:
        if program[i] >= 0 and day < since[i] + duration:
            count += 1
    return count


@_jit
def _effects(
    idx: np.ndarray,
    program: np.ndarray,
    level: np.ndarray,
    strength: np.ndarray,
    boost: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled
    """:meth:`Programs.effect_by_type` in one pass, in the NumPy form's precision.

    ``level * strength`` in float32, times the participant's ``boost`` in float64 (none
    when ``boost`` is empty) stored in float32, then at most 1.
    """
    eff = np.zeros((len(idx), strength.shape[1]), np.float32)
    served = 0
    for k in range(len(idx)):
        p = program[idx[k]]
        if p < 0:
            continue
        for t in range(strength.shape[1]):
            e = level[idx[k]] * strength[p, t]
            if len(boost):
                e = np.float32(np.float64(e) * boost[served])
            eff[k, t] = min(e, np.float32(1.0))
        served += 1
    return eff
