"""Mesa agents: residents (views onto arrays), officers and organizations (act per agent)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from cspsim.residents import ResidentState

if TYPE_CHECKING:
    from cspsim.model import CommunitySafetyModel


def _array_view(name: str) -> property:
    def get(self: Resident):
        return self.model.residents.__dict__[name][self.index]

    def set_(self: Resident, value) -> None:
        self.model.residents.__dict__[name][self.index] = value

    return property(get, set_, doc=f"This resident's ``{name}`` (a view into the array).")


class Resident(mesa.Agent):
    """A resident agent standing for ``residents_per_agent`` real people.

    Its numeric state lives in ``model.residents`` (a :class:`ResidentState`); every array
    name is exposed as an attribute that reads and writes the array, so
    ``agent.trust`` and ``model.residents.trust[agent.index]`` are the same value. The daily
    step updates all residents at once with vectorized code, so residents have no ``step``.
    """

    def __init__(self, model: CommunitySafetyModel, index: int) -> None:
        super().__init__(model)
        self.index = index


for _name in ResidentState.field_names():
    setattr(Resident, _name, _array_view(_name))


#: Proactive duty modes; every on-duty officer also answers calls for part of the shift.
DUTY_MODES = ("random", "hotspot", "community", "problem_solving")


class Officer(mesa.Agent):
    """A patrol officer on an 8-hour shift (officer-hours are the budget's unit).

    Attributes:
        index: Officer number (row in the model's officer arrays).
        beat: Neighbourhood the officer is assigned to (community beats patrol only there).
        place: Place of the officer's last visit today (drawn on the map).
        on_duty: Whether the budget funds this officer's shift today.
        mode: Duty mode of the day (one of ``DUTY_MODES``).
        procedural_justice: Procedural-justice skill 0-1 (a view on
            ``model.officer_skill``); lowers the share of contacts that residents experience
            as negative (Mazerolle et al. 2013).
        contacts_made: Contacts with residents so far (a view on ``model.officer_contacts``).
        hours: Officer-hours worked so far.
    """

    def __init__(
        self, model: CommunitySafetyModel, index: int, beat: int, procedural_justice: float
    ) -> None:
        super().__init__(model)
        self.index = index
        self.beat = beat
        self.place = -1
        self.on_duty = True
        self.mode = "random"
        model.officer_skill[index] = procedural_justice
        self.hours = 0.0

    @property
    def procedural_justice(self) -> float:
        """Current procedural-justice skill (trained officers improve over time)."""
        return float(self.model.officer_skill[self.index])

    @property
    def contacts_made(self) -> int:
        """Contacts with residents so far."""
        return int(self.model.officer_contacts[self.index])

    def patrol(self, visits: int, uniforms: np.ndarray, hours_per_visit: float) -> np.ndarray:
        """Choose today's patrol places from the deployment plan of the officer's mode.

        Args:
            visits: Number of visits in the shift (proactive hours / hours per visit).
            uniforms: This officer's uniform draws for the day (common random numbers).
            hours_per_visit: Officer-hours spent per visit.

        Returns:
            The places visited (indices).
        """
        plan = self.model.deployment
        places = plan.draw(self.mode, self.beat, uniforms[:visits])
        if len(places):
            self.place = int(places[-1])
        self.hours += visits * hours_per_visit
        return places


PROGRAM_TYPES = ("youth_jobs", "job_training")


class Organization(mesa.Agent):
    """A partner organization running a program in its neighbourhood.

    Attributes:
        kind: Program type (one of ``PROGRAM_TYPES``) or ``mental_health`` (responders).
        place: Place where it sits (drawn on the map).
        neighbourhood: Catchment neighbourhood.
        capacity: Places (resident agents enrolled at once).
        budget: Daily budget in USD.
        partner: Whether it is a formal partner of the police (descriptive: every
            organization the strategy opens is a partner; nothing reads it yet).
        enrolled: Resident indices currently enrolled.
    """

    def __init__(
        self,
        model: CommunitySafetyModel,
        kind: str,
        place: int,
        neighbourhood: int,
        capacity: int,
        budget: float,
        partner: bool = True,
    ) -> None:
        super().__init__(model)
        self.kind = kind
        self.place = place
        self.neighbourhood = neighbourhood
        self.capacity = capacity
        self.budget = budget
        self.partner = partner
        self.enrolled = np.empty(0, dtype=np.int64)

    def step(self) -> None:
        """Graduate residents whose program ended and fill free places from the catchment."""
        if self.kind not in PROGRAM_TYPES:
            return
        self.model.programs.run_organization(self)
