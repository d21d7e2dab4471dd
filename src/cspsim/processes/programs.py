"""Process 6: organizations' programs lower offending with a lag and fade-out.

Youth jobs and job training enrol at-risk residents of their neighbourhood up to capacity;
a participant's effect level ramps up while enrolled and fades after (Heller 2014: summer
jobs cut violent-crime arrests by about 40% in year 1, fading in year 2). Mental-health
responders take low-level calls and cut low-level incidents where they work (Dee & Pyne 2022).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from cspsim.agents import PROGRAM_TYPES, Organization

if TYPE_CHECKING:
    from cspsim.model import CommunitySafetyModel

#: Share of non-crime calls that are behavioural-health or welfare calls that responders can
#: take instead of officers (assumption; Dee & Pyne 2022 report STAR took a few percent of
#: all calls in its pilot area).
RESPONDER_CALL_SHARE = 0.3
#: Responder-hours needed per expected low-level incident per day for full coverage.
RESPONDER_HOURS_PER_INCIDENT = 2.0


class Programs:
    """Program enrolment and effects for all residents, and responder coverage by place."""

    def __init__(self, model: CommunitySafetyModel) -> None:
        pp = model.params.programs
        self.model = model
        # strength[program, crime type]: maximum reduction of a participant's propensity.
        self.strength = np.array([pp.youth_jobs_effect, pp.job_training_effect], dtype=np.float32)
        self.responder_strength = np.asarray(pp.mental_health_effect, dtype=np.float64)
        self.responder_coverage = np.zeros(model.n_places)
        self._fade = np.float32(0.5 ** (1.0 / pp.fade_half_life_days))
        self._ramp = np.float32(1.0 / pp.ramp_days)

    def effect_by_type(self, idx: np.ndarray) -> np.ndarray:
        """Propensity reduction of residents ``idx`` by crime type, shape (len(idx), 4)."""
        r = self.model.residents
        prog = r.program[idx]
        eff = np.zeros((len(idx), self.strength.shape[1]), dtype=np.float32)
        served = prog >= 0
        eff[served] = r.program_level[idx[served], None] * self.strength[prog[served]]
        return eff

    def enrolled_mask(self, idx: np.ndarray, day: int) -> np.ndarray:
        """Whether residents ``idx`` are enrolled today."""
        r = self.model.residents
        dur = self.model.params.programs.duration_days
        return (r.program[idx] >= 0) & (day < r.program_since[idx] + dur)

    def update_levels(self, day: int) -> None:
        """Ramp up the effect of participants, fade it for alumni (at-risk residents only)."""
        r = self.model.residents
        idx = self.model.at_risk_index
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
        """Resident agents enrolled today."""
        idx = self.model.at_risk_index
        return int(self.enrolled_mask(idx, day).sum())

    def run_organization(self, org: Organization) -> None:
        """Fill an organization's free places from at-risk residents of its catchment.

        Enrolment odds rise with engagement (Gumbel top-k sampling on the organization's
        own daily stream, so the draw does not depend on other organizations).
        """
        m = self.model
        r = m.residents
        day = m.day
        if len(org.enrolled):
            org.enrolled = org.enrolled[self.enrolled_mask(org.enrolled, day)]
        free = org.capacity - len(org.enrolled)
        if free <= 0:
            return
        pool = m.at_risk_in_neighbourhood(org.neighbourhood)
        pool = pool[(r.program[pool] < 0) & (r.jailed[pool] < 0.5)]
        if len(pool) == 0:
            return
        rng = m.streams.get(f"programs.{org.unique_id}", day)
        score = m.params.programs.engagement_enrol_effect * r.engagement[pool] - np.log(
            -np.log(rng.random(len(pool)))
        )
        chosen = pool[np.argsort(-score, kind="stable")[:free]]
        r.program[chosen] = PROGRAM_TYPES.index(org.kind)
        r.program_since[chosen] = day
        r.program_level[chosen] = 0.0
        org.enrolled = np.concatenate([org.enrolled, chosen])

    def set_responders(
        self, hours: float, weights: np.ndarray, expected_low_level: np.ndarray
    ) -> None:
        """Spread responder-hours over places by ``weights``; coverage = hours / need, <= 1."""
        if hours <= 0 or weights.sum() <= 0:
            self.responder_coverage = np.zeros(self.model.n_places)
            return
        # Fill the highest-weight places first up to their need (targeted deployment).
        need = np.maximum(expected_low_level * RESPONDER_HOURS_PER_INCIDENT, 1e-6)
        order = np.argsort(-weights, kind="stable")
        cum = np.cumsum(need[order])
        given = np.clip(hours - (cum - need[order]), 0.0, need[order])
        coverage = np.zeros(self.model.n_places)
        coverage[order] = given / need[order]
        self.responder_coverage = coverage

    def responder_multiplier(self) -> np.ndarray:
        """Crime multiplier (P, 4) from mental-health responder coverage."""
        return 1.0 - self.responder_coverage[:, None] * self.responder_strength[None, :]
