"""Mesa agents: residents and officers (views onto state arrays) and organizations.

Residents are many and are updated all at once by vectorized processes, so their state lives
in arrays (:class:`~cspsim.model.residents.ResidentState`); a :class:`Resident` agent is a
view onto one row: ``agent.trust`` reads and writes ``model.residents.trust[agent.index]``.
Resident agents are built on first use, in bulk (:meth:`ResidentAgents.all` or
:meth:`ResidentAgents.where`), so a run that never inspects them pays nothing for them. They
are the way to inspect and drive residents from a notebook with Mesa's ``AgentSet``::

    residents = model.resident_agents.all()
    residents.select(lambda r: r.group == 1).agg("trust", np.mean)
    residents.groupby("place").agg("trust", np.mean)   # mean trust by place
    model.resident_agents.where(model.residents.trust < 0.2).set("engagement", 0.5)

Officers' state likewise lives in one place (:class:`Force`); an :class:`Officer` agent is a
view onto its row. Patrol is run for the whole force at once (the policing process draws every
shift's visits from the deployment plan in one vectorized pass).
Organizations act per agent (each enrols residents from its catchment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from cspsim.model.residents import ResidentState

if TYPE_CHECKING:
    from cspsim.model.model import CommunitySafetyModel


def _row_view(store: Callable[[Any], Any], name: str, doc: str) -> property:
    """A property reading and writing row ``self.index`` of array ``name`` of ``store(model)``."""

    def get(self: Resident | Officer) -> Any:
        return getattr(store(self.model), name)[self.index]

    def set_(self: Resident | Officer, value: object) -> None:
        getattr(store(self.model), name)[self.index] = value

    return property(get, set_, doc=doc)


class Resident(mesa.Agent):
    """A resident agent standing for ``residents_per_agent`` real people.

    Every array of :class:`ResidentState` is an attribute that reads and writes the array:
    ``agent.trust`` and ``model.residents.trust[agent.index]`` are the same value. The daily
    step updates all residents at once with vectorized code, so residents have no ``step``.
    """

    def __init__(self, model: CommunitySafetyModel, index: int) -> None:
        super().__init__(model)
        self.index = index


for _name in ResidentState.field_names():
    setattr(
        Resident,
        _name,
        _row_view(
            lambda m: m.residents, _name, f"This resident's ``{_name}`` (a view into the array)."
        ),
    )


class ResidentAgents:
    """Mesa agents for the residents, created on first use and kept (one per resident).

    Args:
        model: The model whose residents they are.
    """

    def __init__(self, model: CommunitySafetyModel) -> None:
        self.model = model
        self._agents: dict[int, Resident] = {}

    def _get(self, indices: np.ndarray) -> list[Resident]:
        agents = self._agents
        for i in indices.tolist():
            if i not in agents:
                agents[i] = Resident(self.model, i)
        return [agents[i] for i in indices.tolist()]

    def all(self) -> mesa.agent.AgentSet:
        """Every resident as a Mesa ``AgentSet``, in resident order."""
        return self.where(np.ones(self.model.residents.n, dtype=bool))

    def where(self, mask: np.ndarray) -> mesa.agent.AgentSet:
        """The residents where ``mask`` (a boolean array over residents) is true."""
        idx = np.flatnonzero(np.asarray(mask, dtype=bool))
        return mesa.agent.AgentSet(self._get(idx), random=self.model.random)

    def __getitem__(self, index: int) -> Resident:
        return self._get(np.array([index]))[0]

    def __len__(self) -> int:
        return self.model.residents.n


#: Proactive duty modes; every on-duty officer also answers calls for part of the shift.
DUTY_MODES = ("random", "hotspot", "community", "problem_solving")


@dataclass
class Force:
    """Officers' state, one array per variable, indexed by officer number.

    Attributes:
        beat: Neighbourhood each officer is assigned to.
        duty_rank: Position on the duty roster (officers go on duty in this order, so
            scenarios funding the same hours field the same officers).
        skill: Procedural-justice skill 0-1.
        contacts: Contacts with residents so far.
        on_duty: Whether the officer's shift is funded today.
        mode: Duty mode today (index into ``DUTY_MODES``).
        place: Place of the officer's last patrol visit (-1 before the first).
        hours: Patrol officer-hours worked so far.
        complaints: Complaints received so far.
    """

    beat: np.ndarray
    duty_rank: np.ndarray
    skill: np.ndarray
    contacts: np.ndarray
    on_duty: np.ndarray
    mode: np.ndarray
    place: np.ndarray
    hours: np.ndarray
    complaints: np.ndarray

    @classmethod
    def field_names(cls) -> list[str]:
        """Names of the per-officer arrays."""
        return [f.name for f in fields(cls)]

    @property
    def n(self) -> int:
        """Number of officers."""
        return len(self.beat)


class Officer(mesa.Agent):
    """A patrol officer on an 8-hour shift (officer-hours are the budget's unit).

    Its state is a row of the police :class:`Force`: ``beat``, ``skill``
    (procedural-justice skill, which lowers the share of contacts residents experience as
    negative; Mazerolle et al. 2013), ``contacts``, ``on_duty``, ``place`` and ``hours`` are
    views onto those arrays; ``mode`` is today's duty mode by name.

    Args:
        model: The model.
        index: Officer number (row in the force arrays).
    """

    def __init__(self, model: CommunitySafetyModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def mode(self) -> str:
        """Today's duty mode (one of ``DUTY_MODES``)."""
        return DUTY_MODES[int(self.model.police.force.mode[self.index])]

    @property
    def procedural_justice(self) -> float:
        """Current procedural-justice skill (trained officers improve over time)."""
        return float(self.model.police.force.skill[self.index])

    @property
    def contacts_made(self) -> int:
        """Contacts with residents so far."""
        return int(self.model.police.force.contacts[self.index])


for _name in ("beat", "skill", "contacts", "on_duty", "place", "hours", "complaints"):
    setattr(
        Officer,
        _name,
        _row_view(
            lambda m: m.police.force, _name, f"This officer's ``{_name}`` (a view into the force)."
        ),
    )


PROGRAM_TYPES = ("youth_jobs", "job_training")


class Organization(mesa.Agent):
    """A community organization, a partner of the police (its state: ``model.partners``).

    Civic organizations (faith and tenant groups, schools, business associations) exist in
    every city; program organizations (``youth_jobs``, ``job_training``) are opened by the
    programs component and enrol residents.

    Attributes:
        index: Row in the partners' arrays.
        kind: Kind of organization.
        place: Place where it sits (drawn on the map).
        neighbourhood: Neighbourhood it serves.
        capacity: Program places (resident agents enrolled at once; 0 for civic ones).
        budget: Daily program budget in USD (0 for civic ones).
        stream: Name of its enrolment random stream.
        enrolled: Resident indices currently enrolled.
    """

    def __init__(
        self,
        model: CommunitySafetyModel,
        index: int,
        capacity: int = 0,
        budget: float = 0.0,
        stream: str = "",
    ) -> None:
        super().__init__(model)
        self.index = index
        self.capacity = capacity
        self.budget = budget
        self.stream = stream
        self.enrolled = np.empty(0, dtype=np.int64)

    @property
    def kind(self) -> str:
        """Kind of organization."""
        return self.model.partners.kind[self.index]

    @property
    def place(self) -> int:
        """Place where it sits."""
        return int(self.model.partners.place[self.index])

    @property
    def neighbourhood(self) -> int:
        """Neighbourhood it serves."""
        return int(self.model.partners.neighbourhood[self.index])

    @property
    def strength(self) -> float:
        """Partnership strength with the police, 0-1."""
        return float(self.model.partners.strength[self.index])

    def step(self) -> None:
        """Program organizations graduate residents and fill free places from the catchment."""
        if self.kind in PROGRAM_TYPES:
            self.model.programs.enrol(self)
