"""Problem-oriented policing (SARA) at chronic hot spots.

Officers work projects at the top places by recorded crime; a project advances with the
officer-hours actually worked on it and, once solved, lowers the place's underlying
opportunity (Hinkle et al. 2020 report about -25% to -40% at targeted places).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel


@dataclass
class ProblemSolvingSettings:
    """Problem-oriented policing at chronic hot spots."""

    places: float = setting(
        0.0,
        "share of places",
        "chronic hot spots (by recorded crime) worked on (0 = none)",
        low=0,
        high=1,
    )
    hours_per_place: float = setting(
        2.0, "officer-hours per place per day", "time given to each project", low=0
    )
    max_reduction: float = setting(
        0.35,
        "share of opportunity",
        "reduction of a place's opportunity once solved",
        source="Hinkle et al. 2020: -25% to -40% at targeted places (the shipped 0.35)",
        low=0,
        high=1,
    )
    ramp_days: float = setting(
        120.0, "days", "for a fully staffed project to reach full effect", low_open=0
    )


@register
class ProblemSolving(Component):
    """Problem-solving projects at chronic hot spots."""

    key = "problem_solving"
    Params = ProblemSolvingSettings
    order = 80
    example = {"places": 0.1}

    def __init__(self, model: CommunitySafetyModel, params: ProblemSolvingSettings) -> None:
        super().__init__(model, params)
        self.places = np.empty(0, dtype=np.int64)
        self.progress = np.zeros(model.world.n_places)
        self.reduction: np.ndarray | None = None

    @on("start")
    def start(self, day: Day) -> None:
        """Pick the chronic hot spots; problem-solving officers go there."""
        m = self.model
        if self.params.places > 0:
            n = max(1, int(round(self.params.places * m.world.n_places)))
            ps = m.partnership
            self.places = ps.top_places(ps.recorded_history.sum(axis=1), n)
        weights = np.zeros(m.world.n_places)
        weights[self.places] = 1.0
        m.police.plan.set("problem_solving", weights if weights.any() else np.ones_like(weights))

    @on("orders")
    def officers(self, day: Day) -> None:
        """The first ranks on duty work the projects (as many as the projects need)."""
        if len(self.places) == 0:
            return
        hours = len(self.places) * self.params.hours_per_place
        shift = self.model.params.police.shift_hours
        day.orders.problem_solvers = min(day.orders.n_on, int(math.ceil(hours / shift)))

    @on("work")
    def advance(self, day: Day) -> None:
        """Projects advance with the officer-hours actually worked on them today."""
        if len(self.places) == 0:
            return
        c = self.params
        m = self.model
        wanted = len(self.places) * c.hours_per_place
        worked = day.orders.problem_solvers * m.params.police.shift_hours
        done = min(1.0, worked / wanted) if wanted > 0 else 0.0
        # Projects go faster with strong partners in the neighbourhood (Goldstein 1990),
        # and working them is joint work with those partners.
        partners = m.partners
        boost = 1.0 + m.params.partners.problem_solving_boost * partners.relative(
            partners.place_strength()[self.places]
        )
        self.progress[self.places] += done * boost / c.ramp_days
        self.reduction = c.max_reduction * np.minimum(self.progress, 1.0)
        worked_nb = np.zeros(m.world.city.n_neighbourhoods, dtype=bool)
        worked_nb[m.world.city.neighbourhood[self.places]] = done > 0
        partners.work_in(worked_nb, done)

    @on("opportunity")
    def opportunity(self) -> np.ndarray | None:
        """Reduction (0-1) of each place's opportunity from solved problems."""
        return self.reduction

    @on("targeted")
    def targeted(self) -> np.ndarray:
        """The project places."""
        out = np.zeros(self.model.world.n_places, dtype=bool)
        out[self.places] = True
        return out
