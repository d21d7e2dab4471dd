"""The daily budget: what each component costs and how many officer-hours are left.

At equal budget (the default) every component is paid from the baseline budget, so a youth
program or monthly meetings mean fewer patrol officer-hours; the total spent never exceeds
the budget. With ``equal_budget: false`` components are paid on top of the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DailyBudget:
    """The day's budget and spending (USD).

    Attributes:
        budget: Budget available today.
        officer_hours: Officer-hours funded today.
        components: Spending by component (programs, responders, meetings, ...).
    """

    budget: float
    officer_hours: float
    officer_hour_cost: float
    components: dict[str, float] = field(default_factory=dict)

    @property
    def spent(self) -> float:
        """Total spent today: officer-hours plus components."""
        return self.officer_hours * self.officer_hour_cost + sum(self.components.values())


def allocate(
    budget: float,
    component_costs: dict[str, float],
    officer_hour_cost: float,
    max_hours: float,
    equal_budget: bool,
) -> DailyBudget:
    """Split today's budget between components and officer-hours.

    Args:
        budget: The day's budget (baseline cost, after any funding cut).
        component_costs: Wanted spending per component today.
        officer_hour_cost: Cost of one officer-hour.
        max_hours: Officer-hours the force can field (all officers on a full shift).
        equal_budget: Pay components out of the budget (fewer officer-hours) or on top.

    Returns:
        The allocation; with ``equal_budget`` its ``spent`` is at most ``budget``.
    """
    wanted = sum(component_costs.values())
    if equal_budget:
        # Components first (they are contracted); scale them down if they alone exceed it.
        scale = min(1.0, budget / wanted) if wanted > 0 else 1.0
        components = {k: v * scale for k, v in component_costs.items()}
        left = max(budget - sum(components.values()), 0.0)
        hours = min(left / officer_hour_cost, max_hours)
        return DailyBudget(budget, hours, officer_hour_cost, components)
    hours = min(max(budget, 0.0) / officer_hour_cost, max_hours)
    total = hours * officer_hour_cost + wanted
    return DailyBudget(total, hours, officer_hour_cost, dict(component_costs))
