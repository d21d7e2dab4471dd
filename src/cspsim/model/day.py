"""The day's shared facts, passed along the schedule in one record.

Each stage of :data:`cspsim.model.schedule.DAILY` reads the fields earlier stages filled
and fills its own; nothing of the day travels through model attributes. The record is
discarded when the day ends (the recorder keeps what the output tables need).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

import numpy as np

from cspsim.model.budget import DailyBudget
from cspsim.model.processes.contacts import Contacts
from cspsim.model.processes.policing import Orders, ShiftResult
from cspsim.model.processes.reporting import Offences

_T = TypeVar("_T")  # what Day.memo computes and returns


@dataclass
class Day:
    """What happened on one day (filled stage by stage).

    Attributes:
        day: Day number (negative during burn-in; the strategy starts on day 0 or later).
        started: Whether the partnership's strategy runs today.
        budget: The day's budget and its split (stage ``budget``).
        spending: What each component spent today (USD, by component key).
        funded: Share of each component's wanted spending paid today (by component key;
            below 1 under a funding cut), which scales its work with partners.
        counts: True offences by place and type, shape (P, 4) (stage ``crime``).
        offences: One entry per offence: victim, reported, discovered, recorded, arrest.
        other_calls: Residents behind today's non-crime calls answered by officers.
        orders: How many officers work problem solving and community beats, and each
            beat's patrol mode (stage ``orders``).
        shift: Officers on duty, patrol visits and presence (stage ``shifts``).
        presence: Officer-hours at each place today: patrol visits plus calls answered.
        arrestees: Resident agent of each arrest, in offence order.
        contacts: Police-resident contacts (stops, calls, informal talks, arrests).
        meetings_held: Community meetings held today (neighbourhoods).
        raised_places: Places whose problems were raised at today's meetings.
        acted_places: Places whose raised problems were judged acted on today.
        improved_places: Of those, the places whose perceived problem fell since raised.
        unanswered: Callers no officer could answer today.
        response_minutes: Minutes from a call to an officer on scene today (the load).
        recorded: Recorded offences by place and type, shape (P, 4).
        review: Whether today is a partnership review day.
    """

    day: int
    started: bool = False
    budget: DailyBudget | None = None
    spending: dict[str, float] = field(default_factory=dict)
    funded: dict[str, float] = field(default_factory=dict)
    counts: np.ndarray | None = None
    offences: Offences | None = None
    other_calls: np.ndarray | None = None
    orders: Orders = field(default_factory=Orders)
    shift: ShiftResult | None = None
    presence: np.ndarray | None = None
    arrestees: np.ndarray | None = None
    contacts: Contacts | None = None
    meetings_held: int = 0
    raised_places: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    acted_places: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    improved_places: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    unanswered: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    response_minutes: float = 0.0
    recorded: np.ndarray | None = None
    review: bool = False

    def funded_share(self, key: str) -> float:
        """Share of component ``key``'s wanted spending paid today (1 if it wants none)."""
        return self.funded.get(key, 1.0)

    def memo(self, key: str, compute: Callable[[], _T]) -> _T:
        """A value computed once per day and shared by the measures that need it."""
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    @cached_property
    def victim_offence(self) -> np.ndarray:
        """Which offences have a victim (violent, property, disorder; drugs have none)."""
        return self.offences.kind < 3
