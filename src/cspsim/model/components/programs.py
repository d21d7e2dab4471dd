"""Programs run by partner organizations: summer youth jobs and job training.

When the strategy starts, program organizations open in the neighbourhoods that need them
most (by recorded violent and property crime, or by residents' concerns) with capacity from
their budget share; each enrols at-risk residents of its catchment (Heller 2014: summer
jobs; Lipsey 2009 and Uggen 2000: job training). The effect on offending is the programs
process (:mod:`cspsim.model.processes.programs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cspsim.config.declare import setting
from cspsim.model.agents import PROGRAM_TYPES, Organization
from cspsim.model.components.base import BUDGET_SHARE, Component, on, register
from cspsim.model.day import Day
from cspsim.model.types import PROPERTY, VIOLENT

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel

#: Agents served per program organization (an organization is a site with its own catchment).
AGENTS_PER_ORGANIZATION = 25
TARGETING = ("recorded_crime", "concerns")


@dataclass
class ProgramsSettings:
    """Programs run by partner organizations, as shares of the daily budget."""

    youth_jobs_share: float = setting(
        0.0, BUDGET_SHARE, "summer youth jobs (Heller 2014)", low=0, high=0.9
    )
    job_training_share: float = setting(0.0, BUDGET_SHARE, "job training", low=0, high=0.9)
    targeting: str = setting(
        "recorded_crime",
        "choice",
        "where organizations open: by recorded crime or by residents' concerns (meetings)",
        choices=TARGETING,
    )


@register
class Programs(Component):
    """Program organizations: where they open, what they cost, enrolment each day."""

    key = "programs"
    Params = ProgramsSettings
    order = 10
    example = {"youth_jobs_share": 0.05, "job_training_share": 0.05}

    def __init__(self, model: CommunitySafetyModel, params: ProgramsSettings) -> None:
        super().__init__(model, params)
        self.organizations: list[Organization] = []

    @on("start")
    def open_organizations(self, day: Day) -> None:
        """Site program organizations in the neighbourhoods that need them most."""
        m = self.model
        c = self.params
        costs = m.params.costs
        city = m.world.city
        shares = {"youth_jobs": c.youth_jobs_share, "job_training": c.job_training_share}
        unit = {
            "youth_jobs": costs.youth_jobs_place_day,
            "job_training": costs.job_training_place_day,
        }
        nb_need = np.bincount(
            city.neighbourhood, weights=self._place_need(), minlength=city.n_neighbourhoods
        )
        order = [int(n) for n in np.argsort(-nb_need, kind="stable") if nb_need[n] > 0]
        k = m.world.residents_per_agent
        for kind in PROGRAM_TYPES:
            if shares[kind] <= 0 or not order:
                continue
            budget = shares[kind] * m.baseline_budget * m.partnership.active_share
            capacity = int(budget / unit[kind] / k)
            if capacity == 0:  # the budget buys no place: no organization, no partner
                continue
            n_orgs = max(1, min(len(order), capacity // AGENTS_PER_ORGANIZATION))
            for j, nb in enumerate(order[:n_orgs]):
                places = np.flatnonzero(city.neighbourhood == nb)
                cap = capacity // n_orgs + (1 if j < capacity % n_orgs else 0)
                stream = f"programs.org{len(self.organizations)}"
                index = m.partners.add(kind, int(places[0]), nb)
                org = Organization(m, index, cap, cap * unit[kind] * k, stream)
                self.organizations.append(org)

    def _place_need(self) -> np.ndarray:
        ps = self.model.partnership
        if self.params.targeting == "concerns":
            base = ps.concern + 1e-3
        else:
            hist = ps.recorded_history
            base = hist[:, VIOLENT] + 0.5 * hist[:, PROPERTY] + 1e-3
        return np.where(ps.active_places, base * ps.priority, 0.0)

    @on("cost")
    def cost(self, day: Day) -> dict[str, float]:
        """The organizations' budgets."""
        if not self.organizations:
            return {}
        return {"programs": sum(o.budget for o in self.organizations)}

    @on("enrolment")
    def enrol(self, day: Day) -> None:
        """Each organization graduates finished participants and fills its free places.

        Running a funded program with the partnership is joint work with the police; under
        a funding cut, only the funded share of a day (budget.py).
        """
        for org in self.organizations:
            org.step()
        if self.organizations:
            self.model.partners.work_with(
                [o.index for o in self.organizations], day.funded_share(self.key)
            )
