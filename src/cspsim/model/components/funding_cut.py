"""A funding cut: from ``day`` on, the daily budget is multiplied by ``1 - fraction``."""

from __future__ import annotations

from dataclasses import dataclass

from cspsim.config.declare import setting
from cspsim.model.components.base import Component, on, register
from cspsim.model.day import Day


@dataclass
class FundingCutSettings:
    """A cut of the daily budget."""

    day: int = setting(-1, "day", "first day of the cut (-1 = none)", low=-1)
    fraction: float = setting(0.0, "share of the budget", "budget cut by", low=0, high=1)


@register
class FundingCut(Component):
    """Cuts the budget from its day on."""

    key = "funding_cut"
    group = "modifiers"
    Params = FundingCutSettings
    order = 0
    example = {"day": 5, "fraction": 0.3}

    @on("funding")
    def adjust(self, day: Day, budget: float) -> float:
        """The day's budget after the cut."""
        c = self.params
        if 0 <= c.day <= day.day:
            return budget * (1.0 - c.fraction)
        return budget
