"""Mental-health and substance responders who take low-level calls instead of officers.

Responder-hours bought from the budget cover the places with the most recorded disorder
first, up to their need; covered places get fewer low-level incidents and responders take
a share of non-crime calls (Dee & Pyne 2022: Denver's STAR).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import BUDGET_SHARE, Component, on, register
from cspsim.model.day import Day
from cspsim.model.types import DISORDER, DRUGS

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel

#: Share of non-crime calls that are behavioural-health or welfare calls that responders can
#: take instead of officers (assumption; Dee & Pyne 2022 report STAR took a few percent of
#: all calls in its pilot area).
RESPONDER_CALL_SHARE = 0.3
#: Responder-hours needed per expected low-level incident per day for full coverage.
RESPONDER_HOURS_PER_INCIDENT = 2.0


@dataclass
class RespondersSettings:
    """Mental-health / substance responders."""

    budget_share: float = setting(
        0.0,
        BUDGET_SHARE,
        "responders who take low-level calls instead of officers (Dee & Pyne 2022)",
        low=0,
        high=0.9,
    )


@register
class Responders(Component):
    """Responder coverage of places: fewer low-level incidents, fewer calls for officers."""

    key = "responders"
    Params = RespondersSettings
    order = 20
    example = {"budget_share": 0.05}

    def __init__(self, model: CommunitySafetyModel, params: RespondersSettings) -> None:
        super().__init__(model, params)
        program_pars = model.params.programs
        self.strength = np.asarray(program_pars.mental_health_effect, dtype=np.float64)
        self.coverage = np.zeros(model.world.n_places)

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """Responder-hours in proportion to the places where the strategy runs."""
        if self.params.budget_share <= 0:
            return {}
        m = self.model
        return {
            "responders": self.params.budget_share * m.baseline_budget * m.partnership.active_share
        }

    @on("work")
    def deploy(self, day: Day) -> None:
        """Spread the hours bought today over places by recorded disorder and priority."""
        spent = day.budget.components.get("responders")
        if spent is None:
            return
        m = self.model
        ps = m.partnership
        hours = spent / m.params.costs.mental_health_hour
        low = m.crime.mu0[:, DISORDER] + m.crime.mu0[:, DRUGS]
        weights = np.where(
            ps.active_places, (ps.recorded_history[:, DISORDER] + 1e-3) * ps.priority, 0.0
        )
        self.coverage = self._coverage(hours, weights, low)

    def _coverage(self, hours: float, weights: np.ndarray, expected_low: np.ndarray) -> np.ndarray:
        """Coverage (hours / need, at most 1) filling the highest-weight places first."""
        if hours <= 0 or weights.sum() <= 0:
            return np.zeros(self.model.world.n_places)
        need = np.maximum(expected_low * RESPONDER_HOURS_PER_INCIDENT, 1e-6)
        order = np.argsort(-weights, kind="stable")
        cum = np.cumsum(need[order])
        given = np.clip(hours - (cum - need[order]), 0.0, need[order])
        coverage = np.zeros(self.model.world.n_places)
        coverage[order] = given / need[order]
        return coverage

    @on("guardianship", order=45)
    def guardianship(self) -> np.ndarray | None:
        """Crime multiplier (P, 4) at covered places (after the watch's)."""
        if not self.coverage.any():
            return None
        return 1.0 - self.coverage[:, None] * self.strength[None, :]

    @on("call_diversion")
    def call_diversion(self) -> np.ndarray | None:
        """Chance that a non-crime call at each place goes to responders."""
        if not self.coverage.any():
            return None
        return self.coverage * RESPONDER_CALL_SHARE
