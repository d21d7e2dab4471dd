"""The daily budget: what each component costs and how many officer-hours are left.

At equal budget (the default) every component is paid from the baseline budget, so a youth
program or monthly meetings mean fewer patrol officer-hours; the total spent never exceeds
the budget. With ``equal_budget: false`` components are paid on top of the baseline.

**A funding cut reaches the partnership.** When the day's budget is a share ``1 - c`` of the
baseline (a ``funding_cut`` modifier), every component's wanted spending is cut by
``cut_exposure · c`` before the split (``costs.cut_exposure``; 1 = an across-the-board cut,
every line including officer-hours loses the same share, the common first response to
cutbacks: Levine 1978; Raudla, Savi & Randma-Liiv 2013; above 1 partnership work is cut
first, as neighbourhood policing was under the 2010-15 cuts in England and Wales: Brain
2011). Paying components first and taking the whole cut from officer-hours, as before,
would leave the partnership untouched by a cut, which neither the cutback literature nor the
Police Foundation's observation that cuts thin the police's partners (2014) supports. Each
component's *funded share* (paid / wanted, :attr:`DailyBudget.funded`) scales the work it
does with partners that day (meetings and events held, liaison and program joint work,
volunteer coordination), so partnership strength decays faster under a cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Most of the day's budget the components may take when paid out of it (``equal_budget``):
#: the rest pays for officers, who answer calls. The checker holds the components' budget
#: shares to the same total (:func:`cspsim.model.components.base.check_group`); components
#: costed by what they do (meetings, events, training hours) are scaled down to it here.
MAX_BUDGET_SHARE = 0.9


@dataclass
class DailyBudget:
    """The day's budget and spending (USD).

    Attributes:
        budget: Budget available today.
        officer_hours: Officer-hours funded today.
        components: Spending by component (programs, responders, meetings, ...).
        funded: Share of each component line's wanted spending that was paid (0-1).
    """

    budget: float
    officer_hours: float
    officer_hour_cost: float
    components: dict[str, float] = field(default_factory=dict)
    funded: dict[str, float] = field(default_factory=dict)

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
    cut: float = 0.0,
    cut_exposure: float = 1.0,
) -> DailyBudget:
    """Split today's budget between components and officer-hours.

    Args:
        budget: The day's budget (baseline cost, after any funding cut).
        component_costs: Wanted spending per component today.
        officer_hour_cost: Cost of one officer-hour.
        max_hours: Officer-hours the force can field (all officers on a full shift).
        equal_budget: Pay components out of the budget (fewer officer-hours) or on top.
        cut: Share of the baseline budget cut today (0 = none).
        cut_exposure: Components' cut relative to ``cut`` (1 = the same share as the whole).

    Returns:
        The allocation; with ``equal_budget`` its ``spent`` is at most ``budget``.
    """
    keep = min(max(1.0 - cut_exposure * max(cut, 0.0), 0.0), 1.0)
    cut_costs = {k: v * keep for k, v in component_costs.items()}
    wanted = sum(cut_costs.values())
    if equal_budget:
        # Components first (they are contracted), scaled down to MAX_BUDGET_SHARE of it:
        # more (30 meetings a month in every neighbourhood) would leave no officer at all.
        most = MAX_BUDGET_SHARE * max(budget, 0.0)
        scale = min(1.0, most / wanted) if wanted > 0 else 1.0
        components = {k: v * scale for k, v in cut_costs.items()}
        left = max(budget - sum(components.values()), 0.0)
        hours = min(left / officer_hour_cost, max_hours)
        out = DailyBudget(budget, hours, officer_hour_cost, components)
    else:
        hours = min(max(budget, 0.0) / officer_hour_cost, max_hours)
        total = hours * officer_hour_cost + wanted
        out = DailyBudget(total, hours, officer_hour_cost, cut_costs)
    out.funded = {k: (out.components[k] / v if v > 0 else 1.0) for k, v in component_costs.items()}
    return out
